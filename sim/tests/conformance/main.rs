//! Schema conformance: every answer the simulator can give on the PortOne operations it
//! serves (`paytoken_sim::served::SERVED`: each endpoint × success and each error) is
//! produced here over HTTP and validated, field by field, against PortOne's published
//! OpenAPI documents; every NICEPAY result code it answers is checked against NICEPAY's
//! own code table. Drift in a required field, a type, an enum value or a code fails.
//!
//! The documents live outside the repository, in `shared/specs` beside the clone
//! (`../shared/specs` from the repository root; `PAYTOKEN_SPECS_DIR` overrides). When
//! they are absent the test says SKIPPED on stderr and passes.

#[allow(dead_code)]
#[path = "../support/mod.rs"]
mod support;

mod nicepay_codes;
mod scenarios;
mod schema;

use std::collections::BTreeSet;
use std::path::PathBuf;

use paytoken_sim::served::{OUTSIDE_SCHEMA, SERVED};
use serde_json::Value;
use support::Reply;

use schema::Doc;

/// `shared/specs` beside the clone: `PAYTOKEN_SPECS_DIR`, else the first
/// `shared/specs` found walking up from this crate (the clone's parent holds `shared/`).
pub fn specs_dir() -> Option<PathBuf> {
    if let Some(dir) = std::env::var_os("PAYTOKEN_SPECS_DIR") {
        return Some(PathBuf::from(dir));
    }
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .map(|a| a.join("shared").join("specs"))
        .find(|d| d.join("portone").join("v2.openapi.json").is_file())
}

fn load(path: PathBuf, optional_null_ok: bool) -> Doc {
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    Doc {
        root: serde_json::from_str(&text).expect("the OpenAPI document is JSON"),
        optional_null_ok,
    }
}

/// Validates answers and remembers which (operation, status, error type) it saw.
pub struct Checker {
    v1: Doc,
    v2: Doc,
    pub seen: BTreeSet<(String, String, String, u16)>,
    pub error_types: BTreeSet<(String, String)>,
    pub outside_schema: BTreeSet<String>,
    pub failures: Vec<String>,
}

impl Checker {
    /// Checks `reply` as the answer of `method path` (the document's template) of `gateway`.
    pub fn check(&mut self, gateway: &str, method: &str, path: &str, reply: &Reply) {
        let what = format!(
            "{gateway} {} {path} → {}",
            method.to_uppercase(),
            reply.status
        );
        let doc = if gateway == "portone-v1" {
            &self.v1
        } else {
            &self.v2
        };
        let body: Value = match serde_json::from_slice(&reply.body) {
            Ok(v) => v,
            Err(_) => {
                self.failures.push(format!("{what}: not JSON"));
                return;
            }
        };
        if gateway == "portone-v2" && reply.status >= 400 {
            let kind = body["type"].as_str().unwrap_or_default().to_owned();
            if OUTSIDE_SCHEMA.iter().any(|(t, _)| *t == kind) {
                self.outside_schema.insert(kind);
                return;
            }
            self.error_types.insert((path.to_owned(), kind));
        }
        self.seen
            .insert((gateway.into(), method.into(), path.into(), reply.status));
        match doc.response_schema(method, path, reply.status) {
            Err(e) => self.failures.push(format!("{what}: {e}")),
            Ok(None) => {}
            Ok(Some(schema)) => {
                let mut errors = Vec::new();
                doc.validate(schema, &body, "$", &mut errors);
                for e in errors {
                    let excerpt: String = body.to_string().chars().take(300).collect();
                    self.failures
                        .push(format!("{what}: {e}\n    answer: {excerpt}…"));
                }
            }
        }
    }
}

#[test]
fn every_answer_matches_the_published_schemas() {
    let Some(dir) = specs_dir() else {
        eprintln!(
            "SKIPPED: schema conformance: no shared/specs beside the clone (set PAYTOKEN_SPECS_DIR)"
        );
        return;
    };
    let mut checker = Checker {
        v1: load(dir.join("portone/v1.openapi.json"), true),
        v2: load(dir.join("portone/v2.openapi.json"), false),
        seen: BTreeSet::new(),
        error_types: BTreeSet::new(),
        outside_schema: BTreeSet::new(),
        failures: Vec::new(),
    };
    scenarios::portone_v2(&mut checker);
    scenarios::portone_v1(&mut checker);

    let mut missing = Vec::new();
    for served in SERVED {
        for status in served.statuses {
            let key = (
                served.gateway.into(),
                served.method.into(),
                served.path.into(),
                *status,
            );
            if !checker.seen.contains(&key) {
                missing.push(format!(
                    "{} {} {} → {status}",
                    served.gateway, served.method, served.path
                ));
            }
        }
        for kind in served.error_types {
            if !checker
                .error_types
                .contains(&(served.path.to_owned(), (*kind).to_owned()))
            {
                missing.push(format!(
                    "{} {} {} → {kind}",
                    served.gateway, served.method, served.path
                ));
            }
        }
    }
    for (gateway, method, path, status) in &checker.seen {
        let listed = SERVED.iter().any(|s| {
            s.gateway == gateway
                && s.method == method
                && s.path == path
                && s.statuses.contains(status)
        });
        if !listed {
            missing.push(format!(
                "{gateway} {method} {path} → {status} answered but not in SERVED"
            ));
        }
    }
    assert!(
        missing.is_empty(),
        "answers not covered by the conformance scenarios:\n{}",
        missing.join("\n")
    );
    assert!(
        checker.failures.is_empty(),
        "{} answers differ from PortOne's schema:\n{}",
        checker.failures.len(),
        checker.failures.join("\n")
    );
    eprintln!(
        "conformance: {} (operation, status) answers and {} V2 error types valid; outside the schema on purpose: {:?}",
        checker.seen.len(),
        checker.error_types.len(),
        checker.outside_schema
    );
}

#[test]
fn every_nicepay_result_code_means_what_nicepays_table_says() {
    let Some(dir) = specs_dir() else {
        eprintln!("SKIPPED: NICEPAY code table: no shared/specs beside the clone");
        return;
    };
    nicepay_codes::check(&dir.join("nicepay-manual"));
}

//! No secret or token ever appears in an error message, a gateway code or the debug log.
//! The scenario runs in a child process (this test binary, re-executed) with
//! `PAYTOKEN_LOG=debug`, so that its whole stderr can be searched.

mod common;

use base64::Engine as _;
use common::*;
use serde_json::json;

const CK: &str = "S2_ZQXclientKEY";
const SK: &str = "ZQXnicepaySECRETvalue";
const IK: &str = "ZQXimpKEYvalue";
const IS: &str = "ZQXimpSECRETvalue";
const AS: &str = "ZQXv2apiSECRETvalue";
const WRONG: &str = "ZQXwrongSECRETvalue";

/// Runs every success and failure path it can think of; prints each token and each
/// failure to stdout for the parent to check.
fn scenario() {
    let sim = Sim::start_with(|c| {
        c.nicepay_client_key = CK.into();
        c.nicepay_secret_key = SK.into();
        c.imp_key = IK.into();
        c.imp_secret = IS.into();
        c.api_secret = AS.into();
    });
    let url = sim.url();
    let configs = [
        json!({"gateway": "nicepay", "clientKey": CK, "secretKey": SK, "baseUrl": url}),
        json!({"gateway": "nicepay", "clientKey": CK, "secretKey": SK, "baseUrl": url, "auth": "basic"}),
        json!({"gateway": "nicepay", "clientKey": CK, "secretKey": WRONG, "baseUrl": url, "returnCharSet": "euc-kr"}),
        json!({"gateway": "nicepay", "clientKey": CK, "secretKey": WRONG, "baseUrl": url, "auth": "basic"}),
        json!({"gateway": "portone-v1", "impKey": IK, "impSecret": IS, "baseUrl": url, "tier": "T1"}),
        json!({"gateway": "portone-v1", "impKey": IK, "impSecret": WRONG, "baseUrl": url}),
        json!({"gateway": "portone-v2", "apiSecret": AS, "baseUrl": url}),
        json!({"gateway": "portone-v2", "apiSecret": AS, "baseUrl": url, "auth": "token"}),
        json!({"gateway": "portone-v2", "apiSecret": WRONG, "baseUrl": url, "auth": "token"}),
        json!({"gateway": "portone-v2", "apiSecret": WRONG, "baseUrl": url}),
    ];
    let report =
        |what: &str, f: &Failure| println!("FAILURE {what}: {} | {}", f.gateway_code, f.message);
    for config in &configs {
        let gateway = config["gateway"].as_str().unwrap();
        let client = match Client::new(&config.to_string()) {
            Ok(c) => c,
            Err(f) => {
                report("new", &f);
                continue;
            }
        };
        match client.token() {
            Ok(t) => println!("TOKEN {t}"),
            Err(f) => report("token", &f),
        }
        for fault in [
            None,
            // A 401 quoting the Authorization header (token, Basic pair or
            // `PortOne <secret>`) and the body, twice: the token it quotes the second time
            // was just fetched and is no longer cached when the error is made.
            Some(("echoCredentials", "api")),
            Some(("unauthorized", "")),
            Some(("malformed", "")),
            Some(("status", "")),
        ] {
            if let Some((kind, endpoint)) = fault {
                let mut f = json!({"kind": kind, "count": 2});
                if !endpoint.is_empty() {
                    f["endpoint"] = json!(endpoint);
                }
                sim.fault(f);
            }
            match client.request("POST", api_path(gateway), None, Some(b"{}")) {
                Ok(r) => println!("STATUS {}", r.status),
                Err(f) => report("request", &f),
            }
            sim.clear_faults();
        }
        if let Ok(t) = client.token() {
            println!("TOKEN {t}");
        }
    }
    // A token endpoint that quotes the credentials (Basic header, JSON body), on a second
    // simulator: a new origin, so no cached token or remembered error answers instead.
    let quoting = Sim::start_with(|c| {
        c.nicepay_client_key = CK.into();
        c.nicepay_secret_key = SK.into();
        c.imp_key = IK.into();
        c.imp_secret = IS.into();
        c.api_secret = AS.into();
    });
    quoting.fault(json!({"kind": "echoCredentials", "endpoint": "token", "count": 0}));
    for config in &configs {
        let mut config = config.clone();
        config["baseUrl"] = json!(quoting.url());
        if let Ok(client) = Client::new(&config.to_string()) {
            match client.token() {
                Ok(t) => println!("TOKEN {t}"),
                Err(f) => report("token", &f),
            }
        }
    }
    // Configs that are wrong in ways that involve a secret's value.
    for bad in [
        json!({"gateway": "nicepay", "clientKey": CK, "secretKey": format!("{SK}\n"), "baseUrl": url}),
        json!({"gateway": "nicepay", "clientKey": format!("{CK}:{SK}"), "secretKey": SK}),
        json!({"gateway": "portone-v1", "impKey": IK, "impSecret": format!(" {IS}")}),
        json!({"gateway": "portone-v1", "impKey": IK, "impSecret": IS, "tier": format!("{IS}\u{7}")}),
    ] {
        if let Err(f) = Client::new(&bad.to_string()) {
            report("new", &f);
        }
    }
}

#[test]
fn secrets_child() {
    if std::env::var_os("PAYTOKEN_SECRETS_CHILD").is_some() {
        scenario();
        child_ran("secrets_child");
    }
}

#[test]
fn no_secret_or_token_in_any_message_or_log() {
    let out = run_child_test(
        "secrets_child",
        &[("PAYTOKEN_SECRETS_CHILD", "1"), ("PAYTOKEN_LOG", "debug")],
        &[],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);

    // libtest prints "test secrets_child ... " before the first line of output.
    let tokens: Vec<&str> = stdout
        .lines()
        .filter_map(|l| l.split_once("TOKEN ").map(|(_, t)| t))
        .collect();
    let failures: Vec<&str> = stdout.lines().filter(|l| l.contains("FAILURE ")).collect();
    assert!(tokens.len() >= 3, "the scenario got tokens: {stdout}");
    assert!(failures.len() >= 10, "the scenario hit failures: {stdout}");
    assert!(
        stderr.contains("paytoken[") && stderr.contains("fp:"),
        "debug log was written: {stderr}"
    );
    assert!(stderr.contains("fetched token"), "{stderr}");

    let b64 = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
    let derived = [
        b64(&format!("{CK}:{SK}")),
        b64(&format!("{CK}:{WRONG}")),
        b64(SK),
        b64(IS),
        b64(AS),
    ];
    let secrets: Vec<&str> = [CK, SK, IK, IS, AS, WRONG]
        .into_iter()
        .chain(derived.iter().map(String::as_str))
        .collect();
    // The quoting 401s were hit, and what they quoted is gone, whatever the scheme.
    let echoed: Vec<&&str> = failures
        .iter()
        .filter(|l| l.contains("rejected Authorization"))
        .collect();
    assert!(echoed.len() >= 8, "echoCredentials answers: {echoed:#?}");
    for line in &echoed {
        // The quoted header value starts with a double quote ("the Basic type" is ours).
        for scheme in ["\"Bearer ", "\"Basic ", "\"PortOne "] {
            for (at, _) in line.match_indices(scheme) {
                assert!(
                    line[at + scheme.len()..].starts_with("[redacted]"),
                    "a credential after {scheme:?} survived: {line}"
                );
            }
        }
    }
    assert!(
        echoed.iter().any(|l| l.contains("Bearer [redacted]"))
            && echoed.iter().any(|l| l.contains("Basic [redacted]"))
            && echoed.iter().any(|l| l.contains("PortOne [redacted]"))
            && echoed
                .iter()
                .any(|l| l.contains("imp_secret\\\":\\\"[redacted]")),
        "every form was quoted and scrubbed: {echoed:#?}"
    );
    for line in &failures {
        for s in secrets.iter().chain(tokens.iter()) {
            assert!(
                !line.contains(s),
                "a secret or token leaked into an error: {line}"
            );
        }
    }
    for s in secrets.iter().chain(tokens.iter()) {
        assert!(
            !stderr.contains(s),
            "a secret or token leaked into the log: {s}"
        );
    }
    // JWT pieces too (the payload part alone is not a secret, but the whole token is).
    for t in &tokens {
        if let Some(sig) = t.rsplit('.').next().filter(|s| s.len() > 8) {
            assert!(!stderr.contains(sig), "a JWT signature leaked into the log");
        }
    }
}

#[test]
fn a_child_test_that_does_not_run_fails_its_parent() {
    // A renamed child: libtest runs 0 tests and exits 0; the missing marker must fail it.
    let outcome = std::panic::catch_unwind(|| run_child_test("no_such_child_test", &[], &[]));
    let message = outcome.expect_err("the parent must fail");
    let message = message
        .downcast_ref::<String>()
        .map(String::as_str)
        .unwrap_or_default();
    assert!(message.contains("did not run"), "{message}");
}

//! The metric vocabulary (issue 26.5): the README's "Metrics" table is the list, and
//! `paytoken stats --format prometheus` run against the simulator must emit exactly its
//! names, types and help texts, with the stats values in its units. The data the command
//! compiles in (src/bin/paytoken/metrics.json) and the copies the Python, Node and Java packages
//! ship must say the same as the table; their collectors are checked against the table by
//! their own suites (test_metrics.py, metrics.test.js).

mod cli_support;
mod common;

use std::collections::BTreeMap;
use std::fs;

use cli_support::*;
use common::Sim;
use serde_json::Value;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

/// One row of the README's table.
#[derive(Debug, PartialEq)]
struct Row {
    name: String,
    kind: String,
    unit: String,
    stats_key: String,
    help: String,
}

fn readme_table() -> Vec<Row> {
    let readme = fs::read_to_string(format!("{ROOT}/README.md")).unwrap();
    let start = readme
        .find("<!-- metrics:start -->")
        .expect("README has the table");
    let end = readme.find("<!-- metrics:end -->").unwrap();
    let rows: Vec<Row> = readme[start..end]
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|line| {
            let cells: Vec<String> = line
                .trim_matches('|')
                .split('|')
                .map(|c| c.trim().trim_matches('`').to_owned())
                .collect();
            assert_eq!(cells.len(), 5, "five cells: {line}");
            Row {
                name: cells[0].clone(),
                kind: cells[1].clone(),
                unit: if cells[2] == "—" {
                    String::new()
                } else {
                    cells[2].clone()
                },
                stats_key: cells[3].clone(),
                help: cells[4].clone(),
            }
        })
        .collect();
    assert!(rows.len() >= 12, "{rows:?}");
    rows
}

#[test]
fn the_compiled_in_vocabulary_and_the_packages_copies_are_the_readme_table() {
    let source = format!("{ROOT}/src/bin/paytoken/metrics.json");
    let text = fs::read_to_string(&source).unwrap();
    let json: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["labels"], serde_json::json!(["gateway", "client"]));
    let rows: Vec<Row> = json["metrics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let unit = m["unit"].as_str().unwrap().to_owned();
            let key = m["statsKey"].as_str().unwrap().to_owned();
            // Milliseconds of the stats become the metric's seconds; nothing else scales.
            let scale = if unit == "seconds" && key.ends_with("Ms") {
                0.001
            } else {
                1.0
            };
            assert_eq!(m["scale"].as_f64(), Some(scale), "{m}");
            Row {
                name: m["name"].as_str().unwrap().into(),
                kind: m["type"].as_str().unwrap().into(),
                unit,
                stats_key: key,
                help: m["help"].as_str().unwrap().into(),
            }
        })
        .collect();
    assert_eq!(
        rows,
        readme_table(),
        "metrics.json and the README table differ"
    );
    for copy in [
        "bindings/python/src/paytoken/metrics.json",
        "bindings/node/lib/metrics.json",
        "bindings/java/src/main/resources/io/paytoken/metrics.json",
    ] {
        assert_eq!(
            fs::read_to_string(format!("{ROOT}/{copy}")).unwrap(),
            text,
            "{copy} differs from {source}: run scripts/sync-metrics.sh"
        );
    }
}

/// name -> (type, help, samples as (labels, value)).
type Exposition = BTreeMap<String, (String, String, Vec<(String, f64)>)>;

fn parse_exposition(text: &str) -> Exposition {
    let mut out = Exposition::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("# HELP ") {
            let (name, help) = rest.split_once(' ').unwrap();
            out.entry(name.into()).or_default().1 = help.into();
        } else if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').unwrap();
            out.entry(name.into()).or_default().0 = kind.into();
        } else {
            let (series, value) = line.rsplit_once(' ').expect("a sample line");
            let (name, labels) = series.split_once('{').expect("labelled");
            let entry = out
                .get_mut(name)
                .expect("HELP and TYPE come before samples");
            entry
                .2
                .push((labels.trim_end_matches('}').into(), value.parse().unwrap()));
        }
    }
    out
}

#[test]
fn the_command_emits_exactly_the_readme_metrics_with_the_stats_values() {
    let sim = Sim::start_with(|c| c.clock_offset_secs = 120);
    let scratch = Scratch::new();
    let env = v1_env(&sim);
    let env = with(&env, &[]);
    let args = [
        "--no-host-cache",
        "stats",
        "--format",
        "prometheus",
        "--client",
        "shop",
    ];
    let run = paytoken(&scratch, &env, &args, b"");
    assert_eq!(run.code, 0, "{}", run.stderr);
    let scraped = parse_exposition(&run.stdout);
    // A second run for the JSON: a new process, so a fetch of its own, the same shape.
    let stats = paytoken(&scratch, &env, &["--no-host-cache", "--json", "stats"], b"").json();

    let table = readme_table();
    let names: Vec<&String> = table.iter().map(|r| &r.name).collect();
    assert_eq!(
        scraped.keys().collect::<Vec<_>>(),
        {
            let mut sorted = names.clone();
            sorted.sort();
            sorted
        },
        "the command's metrics are not the README's:\n{}",
        run.stdout
    );
    for row in &table {
        let (kind, help, samples) = &scraped[&row.name];
        assert_eq!((kind, help), (&row.kind, &row.help), "{}", row.name);
        let Some(value) = stats[&row.stats_key].as_f64() else {
            assert!(
                samples.is_empty(),
                "{} is null in stats: no sample",
                row.name
            );
            continue;
        };
        assert_eq!(samples.len(), 1, "{}", row.name);
        assert_eq!(samples[0].0, r#"gateway="portone-v1",client="shop""#);
        let expected = if row.unit == "seconds" {
            value / 1000.0
        } else {
            value
        };
        // Both runs fetched a token of the same lifetime, a few ms apart.
        assert!(
            (samples[0].1 - expected).abs() <= 5.0,
            "{}: {} vs {expected}",
            row.name,
            samples[0].1
        );
    }
    let skew = &scraped["paytoken_gateway_clock_skew_seconds"].2[0].1;
    assert!((119.0..=121.0).contains(skew), "seconds, not ms: {skew}");
    let fetches = &scraped["paytoken_token_fetches_total"].2[0].1;
    assert_eq!(*fetches, 1.0);
}

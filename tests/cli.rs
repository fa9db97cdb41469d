//! The `paytoken` command (issue 14.2), run as a separate process against the simulator
//! over loopback: every subcommand and its --json shape, plain and over TLS, and the
//! host-wide cache shared by processes run one after another or started together.
//! Error classes and the --config rules: tests/cli_errors.rs.

mod cli_support;
mod common;

use std::fs;
use std::io::{BufRead, BufReader};
use std::os::unix::fs::PermissionsExt;
use std::process::{Command, Stdio};

use cli_support::*;
use common::Sim;
use serde_json::Value;

#[test]
fn token_prints_only_the_token_and_two_processes_share_it_through_the_host_cache() {
    let sim = Sim::start();
    let scratch = Scratch::new();
    let env = v1_env(&sim);
    let first = paytoken(&scratch, &with(&env, &[]), &["token"], b"");
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert_eq!(first.stderr, "", "nothing but the token is printed");
    let token = first.stdout.trim_end();
    assert!(token.len() >= 16 && !token.contains(' '), "{token:?}");

    let second = paytoken(&scratch, &with(&env, &[]), &["--json", "token"], b"");
    assert_eq!(second.code, 0, "{}", second.stderr);
    let json = second.json();
    assert_eq!(
        json["token"], token,
        "the second process reads the first's token"
    );
    assert!(json["tokenValidForMs"].as_u64().unwrap() > 1_000_000);
    assert_eq!(
        sim.token_requests("portone-v1"),
        1,
        "one token request for two runs"
    );
    assert!(
        scratch.0.join("paytoken").is_dir(),
        "default cacheDir is $XDG_RUNTIME_DIR/paytoken"
    );

    // Without the host cache, each run pays its own token request.
    let off = paytoken(
        &scratch,
        &with(&env, &[]),
        &["--no-host-cache", "token"],
        b"",
    );
    assert_eq!(off.code, 0);
    let empty = paytoken(
        &scratch,
        &with(&env, &[("PAYTOKEN_CACHE_DIR", "")]),
        &["token"],
        b"",
    );
    assert_eq!(empty.code, 0);
    assert_eq!(sim.token_requests("portone-v1"), 3);
}

#[test]
fn the_default_cache_falls_back_to_home_without_a_runtime_dir() {
    let sim = Sim::start();
    let scratch = Scratch::new();
    let env = v1_env(&sim);
    let mut env = with(&env, &[]);
    // An empty XDG_RUNTIME_DIR is not absolute: ~/.cache/paytoken/tokens is used.
    env.push(("XDG_RUNTIME_DIR", ""));
    for _ in 0..2 {
        assert_eq!(paytoken(&scratch, &env, &["token"], b"").code, 0);
    }
    assert_eq!(sim.token_requests("portone-v1"), 1);
    let dir = scratch.0.join(".cache/paytoken/tokens");
    let mode = fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o700, "{}", dir.display());
}

#[test]
fn request_prints_the_body_on_stdout_and_the_status_on_stderr() {
    let sim = Sim::start();
    let scratch = Scratch::new();
    let env = v1_env(&sim);
    let env = with(&env, &[]);
    let get = paytoken(
        &scratch,
        &env,
        &["request", "GET", "/payments/imp_cli_1"],
        b"",
    );
    assert_eq!(get.code, 0, "{}", get.stderr);
    assert_eq!(get.stderr.trim(), "HTTP 200");
    let body: Value = serde_json::from_str(&get.stdout).expect("the body, as received");
    assert_eq!(body["response"]["imp_uid"], "imp_cli_1");

    let included = paytoken(
        &scratch,
        &env,
        &["request", "GET", "/payments/imp_cli_1", "--include"],
        b"",
    );
    let (head, rest) = included
        .stdout
        .split_once("\r\n\r\n")
        .expect("headers, blank line");
    assert!(head.starts_with("HTTP 200\r\n"), "{head}");
    assert!(head.contains("content-type: application/json"), "{head}");
    assert!(rest.starts_with('{'), "{rest}");

    // --data from stdin with a header; the simulator echoes what it received.
    let post = paytoken(
        &scratch,
        &env,
        &[
            "request",
            "POST",
            "/payments/cancel",
            "--data",
            "-",
            "-H",
            "X-Cli-Test: yes",
        ],
        br#"{"imp_uid":"imp_cli_2"}"#,
    );
    assert_eq!(post.code, 0, "{}", post.stderr);
    let last = sim.last_request();
    assert_eq!(last["body"], r#"{"imp_uid":"imp_cli_2"}"#, "{last}");
    assert_eq!(last["headers"]["x-cli-test"], "yes", "{last}");

    // --data @FILE and --json: status, headers and body in one object.
    let file = scratch.0.join("body.json");
    fs::write(&file, r#"{"imp_uid":"imp_cli_3"}"#).unwrap();
    let at = format!("@{}", file.display());
    let json = paytoken(
        &scratch,
        &env,
        &["--json", "request", "POST", "/payments/cancel", "-d", &at],
        b"",
    );
    assert_eq!(json.code, 0, "{}", json.stderr);
    let answer = json.json();
    assert_eq!(answer["status"], 200);
    assert!(answer["headers"]["content-type"].is_string(), "{answer}");
    assert!(
        answer["body"].as_str().unwrap().starts_with('{'),
        "{answer}"
    );
    assert_eq!(sim.last_request()["body"], r#"{"imp_uid":"imp_cli_3"}"#);
    assert_eq!(sim.token_requests("portone-v1"), 1, "four runs, one token");

    // A body that is not UTF-8 comes raw on stdout, as base64 in --json.
    sim.fault(serde_json::json!({"endpoint": "api", "kind": "garbage"}));
    let raw = paytoken(
        &scratch,
        &env,
        &["--json", "request", "GET", "/payments/g"],
        b"",
    );
    assert_eq!(raw.code, 0, "{}", raw.stderr);
    let answer = raw.json();
    assert!(answer.get("body").is_none(), "{answer}");
    assert!(
        answer["bodyBase64"].as_str().unwrap().starts_with("/"),
        "0xFF first: {answer}"
    );

    // A request still refused after a fresh token is PAYTOKEN_E_AUTH.
    sim.fault(serde_json::json!({"endpoint": "api", "kind": "unauthorized", "count": 0}));
    let refused = paytoken(
        &scratch,
        &env,
        &["--json", "request", "GET", "/payments/u"],
        b"",
    );
    expect_failure(&refused, 2, "PAYTOKEN_E_AUTH");
    sim.clear_faults();

    // A 404 is an answer, not an error (as curl without --fail).
    sim.fault(serde_json::json!({"endpoint": "api", "kind": "status", "status": 404}));
    let missing = paytoken(&scratch, &env, &["request", "GET", "/payments/x"], b"");
    assert_eq!((missing.code, missing.stderr.trim()), (0, "HTTP 404"));
}

#[test]
fn stats_and_check_report_the_cache_the_token_life_and_the_clock_skew() {
    let sim = Sim::start_with(|c| c.clock_offset_secs = 120);
    let scratch = Scratch::new();
    let env = v1_env(&sim);
    let env = with(&env, &[]);
    let stats = paytoken(&scratch, &env, &["--json", "stats"], b"").json();
    assert_eq!(stats["tokenFetches"], 1, "{stats}");
    assert_eq!(stats["hostCacheReads"], 0, "{stats}");
    let again = paytoken(&scratch, &env, &["--json", "stats"], b"").json();
    assert_eq!(again["tokenFetches"], 0, "{again}");
    assert_eq!(again["hostCacheReads"], 1, "{again}");
    let human = paytoken(&scratch, &env, &["stats"], b"");
    assert!(human.stdout.contains("hostCacheReads"), "{}", human.stdout);

    // check always makes a real token request (proof of credentials, TLS, route).
    let check = paytoken(&scratch, &env, &["--json", "check"], b"");
    assert_eq!(check.code, 0, "{}", check.stderr);
    let json = check.json();
    assert_eq!(json["ok"], true);
    assert_eq!(json["gateway"], "portone-v1");
    let skew = json["gatewayClockSkewMs"].as_i64().expect("skew measured");
    assert!(
        (118_000..=122_000).contains(&skew),
        "gateway is 120 s ahead: {skew}"
    );
    assert!(
        json["tokenValidForMs"].as_u64().unwrap() > 1_000_000,
        "{json}"
    );
    assert_eq!(
        sim.token_requests("portone-v1"),
        2,
        "check bypassed the host cache"
    );
    let human = paytoken(&scratch, &env, &["check"], b"");
    assert!(
        human.stdout.starts_with("OK: portone-v1"),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("s (the gateway's clock is ahead"),
        "{}",
        human.stdout
    );
    assert!(
        human.stdout.contains("plain HTTP, loopback only"),
        "{}",
        human.stdout
    );
}

#[test]
fn over_tls_check_and_request_verify_the_certificate_given_by_ca_file() {
    let sim = Sim::start_with(|c| c.tls = true);
    let scratch = Scratch::new();
    let ca = scratch.0.join("sim.pem");
    fs::write(
        &ca,
        sim.inner.certificate_pem().expect("TLS mode has a cert"),
    )
    .unwrap();
    let env = v1_env(&sim);
    let ca = ca.to_str().unwrap();

    let check = paytoken(
        &scratch,
        &with(&env, &[("PAYTOKEN_CA_FILE", ca)]),
        &["check"],
        b"",
    );
    assert_eq!(check.code, 0, "{}", check.stderr);
    assert!(
        check.stdout.contains("TLS, certificate verified"),
        "{}",
        check.stdout
    );
    let get = paytoken(
        &scratch,
        &with(&env, &[("PAYTOKEN_CA_FILE", ca)]),
        &["request", "GET", "/payments/imp_tls"],
        b"",
    );
    assert_eq!((get.code, get.stderr.trim()), (0, "HTTP 200"));

    // Without the CA file the self-signed certificate is refused: exit 6.
    let untrusted = paytoken(&scratch, &with(&env, &[]), &["--json", "check"], b"");
    expect_failure(&untrusted, 6, "PAYTOKEN_E_TLS");
}

#[test]
fn processes_started_together_on_a_cold_host_cache_make_one_token_request() {
    // Eight processes on a cache directory that does not exist yet. The token endpoint
    // holds the one token request until every other process is seen waiting for the
    // host cache lock: all eight overlap, whatever the machine's load.
    //
    // This test was flaky (2 token requests in about 1 run of 4): the processes all found
    // the directory missing and all ran mkdir; the library refused the losers' "File
    // exists", and the command went on without the host cache, each loser paying its own
    // token request (with a warning on stderr that nobody read). Whether two processes
    // meet in that window is chance, so the cold start is played several times.
    let sim = Sim::start();
    sim.hold("portone-v1", "token", 0);
    for round in 1..=ROUNDS {
        let asked = cold_start_of_eight_processes(&sim);
        assert_eq!(asked, 1, "round {round}: 8 processes, one token request");
    }
    sim.clear_faults();
}

const ROUNDS: u64 = 20;

/// Starts 8 `paytoken request` processes on a fresh, missing cache directory with the
/// token endpoint held; returns how many token requests they made.
fn cold_start_of_eight_processes(sim: &Sim) -> u64 {
    let before = sim.token_requests("portone-v1");
    let scratch = Scratch::new();
    let env = v1_env(sim);
    let (lines, heard) = std::sync::mpsc::channel::<String>();
    let children: Vec<_> = (0..8)
        .map(|_| {
            let mut cmd = Command::new(BIN);
            cmd.env_clear()
                .env("XDG_RUNTIME_DIR", &scratch.0)
                .env("HOME", &scratch.0)
                .env("PAYTOKEN_LOG", "debug")
                .args(["request", "GET", "/payments/imp_together"])
                .stdout(Stdio::null())
                .stderr(Stdio::piped());
            for (k, v) in &env {
                cmd.env(k, v);
            }
            let mut child = cmd.spawn().unwrap();
            let stderr = BufReader::new(child.stderr.take().unwrap());
            let lines = lines.clone();
            let reader = std::thread::spawn(move || {
                let mut all = String::new();
                for line in stderr.lines().map_while(Result::ok) {
                    let _ = lines.send(line.clone());
                    all.push_str(&line);
                    all.push('\n');
                }
                all
            });
            (child, reader)
        })
        .collect();
    // Every process is accounted for: one token request held at the simulator, and each
    // other process waiting on the lock (or, with the bug, asking for its own token).
    let mut waiting = 0;
    sim.wait_for("every process waiting or asking for a token", |stats| {
        waiting += heard
            .try_iter()
            .filter(|l| l.contains("is held by another process: waiting"))
            .count() as u64;
        let asked = stats["tokenRequests"]["portone-v1"].as_u64().unwrap() - before;
        asked >= 1 && waiting + asked == 8
    });
    sim.release();
    for (child, reader) in children {
        let status = child.wait_with_output().unwrap().status;
        let stderr = reader.join().unwrap();
        assert!(status.success(), "{stderr}");
        assert!(!stderr.contains("warning"), "{stderr}");
    }
    sim.token_requests("portone-v1") - before
}

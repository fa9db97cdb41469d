//! The `paytoken` command (issue 14.2), run as a separate process against the simulator
//! over loopback: every subcommand, the --json shapes, an exit status per error class,
//! the --config permission rules, no secret on stderr, and the host-wide cache shared by
//! two processes.

mod common;

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

use common::{Sim, IMP_KEY, IMP_SECRET};
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_paytoken");

/// A private directory per test (the host cache's parent, config files).
struct Scratch(PathBuf);

impl Scratch {
    fn new() -> Scratch {
        static N: AtomicU32 = AtomicU32::new(0);
        let dir = std::env::temp_dir().join(format!(
            "paytoken-cli-test-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir(&dir).unwrap();
        fs::set_permissions(&dir, fs::Permissions::from_mode(0o700)).unwrap();
        Scratch(dir)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim())
            .unwrap_or_else(|e| panic!("stdout is one JSON value ({e}): {}", self.stdout))
    }
}

/// The command with only the variables given (no PAYTOKEN_* from the caller's shell),
/// its default host cache under `scratch`.
fn paytoken(scratch: &Scratch, env: &[(&str, &str)], args: &[&str], stdin: &[u8]) -> Run {
    let mut cmd = Command::new(BIN);
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", &scratch.0)
        .env("XDG_RUNTIME_DIR", &scratch.0)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("the paytoken binary runs");
    {
        use std::io::Write;
        let mut input = child.stdin.take().unwrap();
        input.write_all(stdin).unwrap();
    }
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().unwrap();
    let run = Run {
        code: status.code().expect("exited, not killed"),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    };
    for secret in [IMP_SECRET, IMP_KEY, "wrong-imp-secret"] {
        assert!(
            !run.stderr.contains(secret),
            "a credential on stderr: {}",
            run.stderr
        );
    }
    run
}

fn v1_env(sim: &Sim) -> Vec<(&'static str, String)> {
    vec![
        ("PAYTOKEN_GATEWAY", "portone-v1".into()),
        ("PAYTOKEN_IMP_KEY", IMP_KEY.into()),
        ("PAYTOKEN_IMP_SECRET", IMP_SECRET.into()),
        ("PAYTOKEN_BASE_URL", sim.url()),
    ]
}

fn with<'a>(
    base: &'a [(&'static str, String)],
    extra: &'a [(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut env: Vec<(&str, &str)> = base.iter().map(|(k, v)| (*k, v.as_str())).collect();
    env.extend_from_slice(extra);
    env
}

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

fn expect_failure(run: &Run, code: i32, status: &str) {
    assert_eq!(run.code, code, "stderr: {}", run.stderr);
    assert!(run.stderr.starts_with("paytoken: "), "{}", run.stderr);
    let json = run.json();
    assert_eq!(json["ok"], false, "{json}");
    assert_eq!(json["code"], code, "{json}");
    assert_eq!(json["status"], status, "{json}");
}

#[test]
fn each_error_class_has_its_exit_status_and_no_secret_is_shown() {
    let sim = Sim::start();
    let scratch = Scratch::new();
    let env = v1_env(&sim);
    let run =
        |extra: &[(&str, &str)], args: &[&str]| paytoken(&scratch, &with(&env, extra), args, b"");

    let wrong = run(
        &[("PAYTOKEN_IMP_SECRET", "wrong-imp-secret")],
        &["--json", "check"],
    );
    expect_failure(&wrong, 2, "PAYTOKEN_E_AUTH");
    assert_eq!(wrong.json()["httpStatus"], 401);

    sim.fault(serde_json::json!({"endpoint": "token", "kind": "status", "status": 503}));
    expect_failure(&run(&[], &["--json", "check"]), 3, "PAYTOKEN_E_GATEWAY");

    // A port nobody listens on (bound, then closed).
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let refused = run(&[("PAYTOKEN_BASE_URL", &dead)], &["--json", "check"]);
    expect_failure(&refused, 4, "PAYTOKEN_E_NETWORK");

    sim.fault(serde_json::json!({"endpoint": "token", "kind": "hang"}));
    let hung = run(&[("PAYTOKEN_TIMEOUT_MS", "300")], &["--json", "token"]);
    expect_failure(&hung, 5, "PAYTOKEN_E_TIMEOUT");
    sim.clear_faults();

    // HTTPS to the plain-HTTP simulator: the TLS handshake fails.
    let https = sim.url().replace("http://", "https://");
    let tls = run(&[("PAYTOKEN_BASE_URL", &https)], &["--json", "check"]);
    expect_failure(&tls, 6, "PAYTOKEN_E_TLS");

    let unknown = run(
        &[("PAYTOKEN_TIER", "x"), ("PAYTOKEN_GATEWAY", "nicepay")],
        &["--json", "token"],
    );
    expect_failure(&unknown, 1, "PAYTOKEN_E_INVALID_ARGUMENT");
    let number = run(&[("PAYTOKEN_TIMEOUT_MS", "soon")], &["--json", "token"]);
    expect_failure(&number, 1, "PAYTOKEN_E_INVALID_ARGUMENT");
    assert!(
        number.stderr.contains("PAYTOKEN_TIMEOUT_MS"),
        "{}",
        number.stderr
    );
    let path = run(
        &[],
        &["--json", "request", "GET", "https://elsewhere.invalid/x"],
    );
    expect_failure(&path, 1, "PAYTOKEN_E_INVALID_ARGUMENT");

    for args in [
        &["frobnicate"][..],
        &["request", "GET"],
        &["token", "--data", "x"],
    ] {
        let mut with_json = vec!["--json"];
        with_json.extend_from_slice(args);
        expect_failure(&run(&[], &with_json), 64, "usage");
    }
    let missing = run(
        &[],
        &[
            "--json",
            "request",
            "POST",
            "/x",
            "--data",
            "@/nonexistent/body",
        ],
    );
    expect_failure(&missing, 66, "no-input");
}

#[test]
fn a_config_file_others_can_read_is_refused() {
    let sim = Sim::start();
    let scratch = Scratch::new();
    let file = scratch.0.join("paytoken.json");
    fs::write(&file, sim.portone_v1(serde_json::json!({}))).unwrap();
    let config = file.to_str().unwrap();
    for mode in [0o644, 0o640, 0o604, 0o660] {
        fs::set_permissions(&file, fs::Permissions::from_mode(mode)).unwrap();
        let refused = paytoken(&scratch, &[], &["--json", "--config", config, "token"], b"");
        expect_failure(&refused, 77, "no-permission");
        assert!(refused.stderr.contains("chmod 600"), "{}", refused.stderr);
        assert_eq!(sim.token_requests("portone-v1"), 0, "nothing sent");
    }
    fs::set_permissions(&file, fs::Permissions::from_mode(0o600)).unwrap();
    let ok = paytoken(&scratch, &[], &["--config", config, "check"], b"");
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    // A variable wins over the file.
    let over = paytoken(
        &scratch,
        &[("PAYTOKEN_IMP_SECRET", "wrong-imp-secret")],
        &["--config", config, "check"],
        b"",
    );
    assert_eq!(over.code, 2, "{}", over.stderr);
    let absent = paytoken(
        &scratch,
        &[],
        &["--config", "/nonexistent/paytoken.json", "token"],
        b"",
    );
    assert_eq!(absent.code, 66);
    fs::write(&file, "{not json").unwrap();
    let garbage = paytoken(&scratch, &[], &["--config", config, "token"], b"");
    assert_eq!(garbage.code, 1, "{}", garbage.stderr);
}

#[test]
fn another_users_config_file_is_refused() {
    // SAFETY: no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!(
            "not root: cannot make a file another user owns; the mode rules are tested above"
        );
        return;
    }
    let scratch = Scratch::new();
    let file = scratch.0.join("theirs.json");
    fs::write(&file, r#"{"gateway":"portone-v1"}"#).unwrap();
    fs::set_permissions(&file, fs::Permissions::from_mode(0o600)).unwrap();
    std::os::unix::fs::chown(&file, Some(65534), Some(65534)).unwrap();
    let run = paytoken(
        &scratch,
        &[],
        &["--config", file.to_str().unwrap(), "token"],
        b"",
    );
    assert_eq!(run.code, 77, "{}", run.stderr);
    assert!(run.stderr.contains("owned by uid 65534"), "{}", run.stderr);
}

#[test]
fn help_teaches_every_subcommand_and_lists_the_variables() {
    let scratch = Scratch::new();
    let main = paytoken(&scratch, &[], &["--help"], b"");
    assert_eq!(main.code, 0);
    for word in [
        "token",
        "request",
        "stats",
        "check",
        "PAYTOKEN_IMP_SECRET",
        "PAYTOKEN_CACHE_DIR",
        "EXIT STATUS",
        "64",
    ] {
        assert!(main.stdout.contains(word), "--help lacks {word}");
    }
    for sub in ["token", "request", "stats", "check"] {
        let help = paytoken(&scratch, &[], &[sub, "--help"], b"");
        assert_eq!(help.code, 0);
        assert!(
            help.stdout.starts_with(&format!("paytoken {sub} - ")),
            "{}",
            help.stdout
        );
    }
    assert!(Path::new(BIN).is_file());
}

#[test]
fn an_unsafe_default_cache_dir_is_skipped_with_a_warning_and_a_tokenless_scheme_has_nothing_to_check(
) {
    let sim = Sim::start();
    let scratch = Scratch::new();
    fs::create_dir(scratch.0.join("paytoken")).unwrap();
    fs::set_permissions(
        scratch.0.join("paytoken"),
        fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    let env = v1_env(&sim);
    let run = paytoken(&scratch, &with(&env, &[]), &["token"], b"");
    assert_eq!(run.code, 0, "the run goes on without the cache");
    assert!(
        run.stderr.contains("warning: host-wide cache not used"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("chmod 700"), "{}", run.stderr);
    assert!(
        !run.stderr.contains(run.stdout.trim()),
        "no token on stderr"
    );

    let v2 = [
        ("PAYTOKEN_GATEWAY", "portone-v2"),
        ("PAYTOKEN_API_SECRET", common::API_SECRET),
        ("PAYTOKEN_BASE_URL", &sim.url()),
    ];
    let check = paytoken(&scratch, &v2, &["--json", "check"], b"");
    expect_failure(&check, 1, "PAYTOKEN_E_INVALID_ARGUMENT");
    assert!(check.stderr.contains("needs no token"), "{}", check.stderr);
    assert!(!check.stderr.contains(common::API_SECRET));
    let request = paytoken(&scratch, &v2, &["request", "GET", "/payments/p1"], b"");
    assert_eq!(
        (request.code, request.stderr.trim()),
        (0, "HTTP 200"),
        "no warning either"
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
    // The token endpoint answers slowly, so that every process arrives while it is busy.
    let sim = Sim::start_with(|c| c.delay_ms = 200);
    let scratch = Scratch::new();
    let env = v1_env(&sim);
    let children: Vec<_> = (0..8)
        .map(|_| {
            let mut cmd = Command::new(BIN);
            cmd.env_clear()
                .env("XDG_RUNTIME_DIR", &scratch.0)
                .env("HOME", &scratch.0)
                .args(["request", "GET", "/payments/imp_together"])
                .stdout(Stdio::null())
                .stderr(Stdio::piped());
            for (k, v) in &env {
                cmd.env(k, v);
            }
            cmd.spawn().unwrap()
        })
        .collect();
    for child in children {
        let out = child.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    assert_eq!(
        sim.token_requests("portone-v1"),
        1,
        "8 processes, one token request"
    );
}

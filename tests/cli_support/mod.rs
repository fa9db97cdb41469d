//! Shared by tests/cli.rs and tests/cli_errors.rs: the `paytoken` binary run as a child
//! process with only the environment a test gives it, and checks on what it printed.
#![allow(dead_code)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};

use crate::common::{Sim, IMP_KEY, IMP_SECRET};
use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_paytoken");

/// A private directory per test (the host cache's parent, config files).
pub struct Scratch(pub PathBuf);

impl Scratch {
    pub fn new() -> Scratch {
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

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(self.stdout.trim())
            .unwrap_or_else(|e| panic!("stdout is one JSON value ({e}): {}", self.stdout))
    }
}

/// The command with only the variables given (no PAYTOKEN_* from the caller's shell),
/// its default host cache under `scratch`.
pub fn paytoken(scratch: &Scratch, env: &[(&str, &str)], args: &[&str], stdin: &[u8]) -> Run {
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

pub fn v1_env(sim: &Sim) -> Vec<(&'static str, String)> {
    vec![
        ("PAYTOKEN_GATEWAY", "portone-v1".into()),
        ("PAYTOKEN_IMP_KEY", IMP_KEY.into()),
        ("PAYTOKEN_IMP_SECRET", IMP_SECRET.into()),
        ("PAYTOKEN_BASE_URL", sim.url()),
    ]
}

pub fn with<'a>(
    base: &'a [(&'static str, String)],
    extra: &'a [(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut env: Vec<(&str, &str)> = base.iter().map(|(k, v)| (*k, v.as_str())).collect();
    env.extend_from_slice(extra);
    env
}

pub fn expect_failure(run: &Run, code: i32, status: &str) {
    assert_eq!(run.code, code, "stderr: {}", run.stderr);
    assert!(run.stderr.starts_with("paytoken: "), "{}", run.stderr);
    let json = run.json();
    assert_eq!(json["ok"], false, "{json}");
    assert_eq!(json["code"], code, "{json}");
    assert_eq!(json["status"], status, "{json}");
}

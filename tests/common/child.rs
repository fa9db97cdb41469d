//! Child-process tests: a test re-runs its own binary with one test selected by name
//! (`--exact NAME`). libtest exits 0 when the name matches nothing, so a renamed child
//! would pass without running; the child therefore prints a marker when its body has
//! run to the end, and the parent fails without it.

use std::process::{Command, Output};

const MARKER: &str = "paytoken-child-test-ran:";

/// Called by the child test as its last statement: proves to the parent that it ran.
pub fn child_ran(name: &str) {
    println!("{MARKER}{name}");
}

/// Re-runs this test binary with only `name` selected, `set` added to and `remove` taken
/// from its environment. Fails unless the child exits 0 and printed its marker.
pub fn run_child_test(name: &str, set: &[(&str, &str)], remove: &[&str]) -> Output {
    let mut command = Command::new(std::env::current_exe().expect("test binary path"));
    command.args(["--exact", name, "--nocapture", "--test-threads", "1"]);
    for (key, value) in set {
        command.env(key, value);
    }
    for key in remove {
        command.env_remove(key);
    }
    let out = command.output().expect("child test runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "child test {name} failed:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.ends_with(&format!("{MARKER}{name}"))),
        "child test {name} did not run (renamed? no marker in its output):\n{stdout}"
    );
    out
}

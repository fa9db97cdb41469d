//! What the fork tests share: run a closure in a forked child, wait for it with a bound
//! (a hung child is killed, with its threads' stacks printed), and wait for an event
//! (a pipe becoming readable, a simulator counter) with a bound that only turns a hang
//! into a failure.
#![allow(dead_code)]

use std::thread;
use std::time::{Duration, Instant};

/// Waits for a child at most `limit`; kills it (and fails) if it hangs.
pub fn wait_child(pid: libc::pid_t, limit: Duration) -> i32 {
    let start = Instant::now();
    loop {
        let mut status = 0;
        let r = unsafe { libc::waitpid(pid, &mut status, libc::WNOHANG) };
        if r == pid {
            assert!(libc::WIFEXITED(status), "child died by a signal ({status})");
            return libc::WEXITSTATUS(status);
        }
        if start.elapsed() > limit {
            // Say where it is stuck before killing it (gdb is optional).
            if let Ok(bt) = std::process::Command::new("gdb")
                .args([
                    "-p",
                    &pid.to_string(),
                    "-batch",
                    "-ex",
                    "thread apply all bt 25",
                ])
                .output()
            {
                eprintln!("hung child {pid}:\n{}", String::from_utf8_lossy(&bt.stdout));
            }
            unsafe { libc::kill(pid, libc::SIGKILL) };
            unsafe { libc::waitpid(pid, &mut status, 0) };
            panic!("the child hung (deadlock?)");
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// Runs `body` in a forked child; its return value is the exit code.
pub fn in_child(body: impl FnOnce() -> i32) -> libc::pid_t {
    match unsafe { libc::fork() } {
        -1 => panic!("fork failed"),
        0 => {
            let code = std::panic::catch_unwind(std::panic::AssertUnwindSafe(body)).unwrap_or(99);
            unsafe { libc::_exit(code) }
        }
        pid => pid,
    }
}

/// A new pipe: (read end, write end).
pub fn pipe() -> (i32, i32) {
    let mut fds = [0; 2];
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    (fds[0], fds[1])
}

/// Whether one byte arrives on `fd` within `limit` (it is read).
pub fn byte_arrives(fd: i32, limit: Duration) -> bool {
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    if unsafe { libc::poll(&mut p, 1, limit.as_millis() as i32) } != 1 {
        return false;
    }
    let mut byte = 0u8;
    unsafe { libc::read(fd, (&mut byte as *mut u8).cast(), 1) == 1 }
}

/// Waits until `event` holds (polled), failing after `limit`.
pub fn wait_for(what: &str, limit: Duration, mut event: impl FnMut() -> bool) {
    let start = Instant::now();
    while !event() {
        assert!(
            start.elapsed() < limit,
            "{what}: did not happen within {limit:?}"
        );
        thread::sleep(Duration::from_millis(5));
    }
}

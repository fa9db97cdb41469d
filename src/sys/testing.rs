//! System calls the unit tests need to exercise the real thing (a second process, a
//! second user, the real fd 2), as safe helpers.

use std::fs::File;
use std::io::Read;
use std::os::fd::FromRawFd;

/// A forked child process.
pub struct Child(libc::pid_t);

/// Forks; the child runs `body` and exits with its code (it never returns here).
pub fn fork(body: impl FnOnce() -> i32) -> Child {
    // SAFETY: the child runs `body` and then `_exit`s: it never returns into the test
    // harness's threads or state.
    let pid = unsafe { libc::fork() };
    assert!(pid >= 0, "fork");
    if pid == 0 {
        let code = body();
        // SAFETY: ends the child without running the parent's atexit handlers.
        unsafe { libc::_exit(code) };
    }
    Child(pid)
}

impl Child {
    /// Waits for the child; its exit code (`None`: it did not exit normally).
    pub fn wait(self) -> Option<i32> {
        let mut status = 0;
        // SAFETY: our own child's pid and a valid status out-parameter.
        unsafe { libc::waitpid(self.0, &mut status, 0) };
        libc::WIFEXITED(status).then(|| libc::WEXITSTATUS(status))
    }

    /// SIGKILL, then reaps it.
    pub fn kill(self) {
        // SAFETY: our own child's pid.
        unsafe { libc::kill(self.0, libc::SIGKILL) };
        let _ = self.wait();
    }
}

/// Sleeps until a signal ends the process (a forked child waiting to be killed).
pub fn pause_forever() -> ! {
    loop {
        // SAFETY: no preconditions.
        unsafe { libc::pause() };
    }
}

/// Becomes `uid` (group and user); false if the system refuses.
pub fn become_user(uid: u32) -> bool {
    // SAFETY: no memory is involved; the test's child process changes its identity.
    unsafe { libc::setgid(uid) == 0 && libc::setuid(uid) == 0 }
}

/// A pipe: (read end, write end).
pub fn pipe() -> (File, File) {
    let mut fds = [0; 2];
    // SAFETY: a valid array of two descriptors to fill.
    assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
    // SAFETY: two fresh descriptors, each owned by one File from here on.
    unsafe { (File::from_raw_fd(fds[0]), File::from_raw_fd(fds[1])) }
}

/// Runs `body` with fd 2 redirected into a pipe; returns what it wrote there (and
/// `body`'s result). fd 2 is restored before this returns, also if `body` panics.
pub fn capture_stderr<T>(body: impl FnOnce() -> T) -> (T, String) {
    let (mut read, write) = pipe();
    // SAFETY: plain descriptor calls; fd 2 is restored by `Restore` below.
    let saved = unsafe {
        let saved = libc::dup(2);
        libc::dup2(std::os::fd::AsRawFd::as_raw_fd(&write), 2);
        saved
    };
    drop(write);
    struct Restore(i32);
    impl Drop for Restore {
        fn drop(&mut self) {
            // SAFETY: restores the saved stderr and closes the copy.
            unsafe {
                libc::dup2(self.0, 2);
                libc::close(self.0);
            }
        }
    }
    let restore = Restore(saved);
    let outcome = body();
    drop(restore);
    let mut printed = String::new();
    read.read_to_string(&mut printed).unwrap();
    (outcome, printed)
}

/// Held by every test that allocates tens of MiB and reads a heap counter around it
/// (`heap`, `big_blocks`): the harness runs tests on parallel threads, and one test's
/// 64 MiB block freed in the middle of another's readings makes that one fail.
pub fn big_allocation_lock() -> std::sync::MutexGuard<'static, ()> {
    static LOCK: std::sync::Mutex<()> = std::sync::Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

//! The library's one home for system calls and the other `unsafe` the core needs (the
//! C boundary's own `unsafe` is in `ffi/`). Each function here is small, safe to call,
//! and says why its `unsafe` block is sound; the rest of the core calls these and holds
//! no `unsafe` of its own (`scripts/check-boundary.sh` checks that).
//!
//! - `at_fork`: the `pthread_atfork` registration (`runtime::fork` is its one caller);
//! - `write_stderr`, `effective_uid`, `monotonic_ns`, `try_lock_exclusive`,
//!   `close_inherited`: thin wrappers of one libc call each;
//! - `clock_ns`: one reading of a clock (the coarse one of the cached-token check);
//! - `doorbell`: the pipe that wakes a completion queue's reader;
//! - `heap` (the count of the library's own heap bytes, `paytoken_heap_in_use`) and
//!   `big_blocks` (blocks of 128 KiB and more mapped by the library itself, so they never
//!   raise glibc's mmap and trim thresholds): the outer layers of the global allocator;
//! - `alloc`: the wiping global allocator and `wipe`, the zeroing that survives
//!   dead-store elimination;
//! - `testing` (tests only): fork a child, make a pipe, capture fd 2.

pub(crate) mod alloc;
pub(crate) mod big_blocks;
pub(crate) mod doorbell;
pub(crate) mod heap;
#[cfg(test)]
pub(crate) mod testing;

use std::fs::File;
use std::io;
use std::os::fd::{AsRawFd, RawFd};
use std::sync::OnceLock;

/// The three `pthread_atfork` hooks, as plain Rust functions.
pub(crate) struct ForkHooks {
    pub prepare: fn(),
    pub parent: fn(),
    pub child: fn(),
}

static HOOKS: OnceLock<ForkHooks> = OnceLock::new();

/// Registers `hooks` with `pthread_atfork`. Only the first registration of the process
/// counts (`runtime::fork` calls this once). `Err` carries the call's error number.
pub(crate) fn at_fork(hooks: ForkHooks) -> Result<(), i32> {
    if HOOKS.set(hooks).is_err() {
        return Ok(());
    }
    // SAFETY: the handlers are plain extern "C" functions with no arguments, valid for
    // the life of the process.
    let rc =
        unsafe { libc::pthread_atfork(Some(fork_prepare), Some(fork_parent), Some(fork_child)) };
    if rc == 0 {
        Ok(())
    } else {
        Err(rc)
    }
}

extern "C" fn fork_prepare() {
    if let Some(h) = HOOKS.get() {
        (h.prepare)()
    }
}

extern "C" fn fork_parent() {
    if let Some(h) = HOOKS.get() {
        (h.parent)()
    }
}

extern "C" fn fork_child() {
    if let Some(h) = HOOKS.get() {
        (h.child)()
    }
}

/// Writes all of `bytes` to fd 2 with `write(2)` (no lock: safe in a forked child and
/// while any of the library's locks is held). Gives up silently on an error.
pub(crate) fn write_stderr(mut bytes: &[u8]) {
    while !bytes.is_empty() {
        // SAFETY: writing an initialised buffer to fd 2.
        let n = unsafe { libc::write(2, bytes.as_ptr().cast(), bytes.len()) };
        if n <= 0 {
            break;
        }
        bytes = &bytes[n as usize..];
    }
}

/// This process's effective user id.
pub fn effective_uid() -> u32 {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() }
}

/// `CLOCK_MONOTONIC` now, in ns: the same clock in every process of the host.
pub(crate) fn monotonic_ns() -> u64 {
    // CLOCK_MONOTONIC cannot fail with a valid timespec on Linux.
    clock_ns(libc::CLOCK_MONOTONIC).unwrap_or(0)
}

/// `flock(LOCK_EX | LOCK_NB)` on `file`: `Ok(true)` when taken, `Ok(false)` when another
/// descriptor holds it (or a signal interrupted the call): try again later.
pub(crate) fn try_lock_exclusive(file: &File) -> io::Result<bool> {
    // SAFETY: a valid descriptor, borrowed for the call.
    if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
        return Ok(true);
    }
    let e = io::Error::last_os_error();
    if e.kind() == io::ErrorKind::WouldBlock || e.raw_os_error() == Some(libc::EINTR) {
        Ok(false)
    } else {
        Err(e)
    }
}

/// Closes a descriptor this process inherited through `fork()` whose owner (a thread
/// of the parent) does not exist here. Only `cache::host_lock`'s child hook calls it,
/// with descriptors nothing else in the child refers to.
pub(crate) fn close_inherited(fd: RawFd) {
    // SAFETY: see above: no live object owns `fd` in this process.
    unsafe { libc::close(fd) };
}

/// One reading of `clock` in nanoseconds, or `None` if the clock cannot be read.
pub(crate) fn clock_ns(clock: libc::clockid_t) -> Option<u64> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid clock id and a writable timespec.
    if unsafe { libc::clock_gettime(clock, &mut ts) } != 0 {
        return None;
    }
    Some(u64::try_from(ts.tv_sec).ok()? * 1_000_000_000 + u64::try_from(ts.tv_nsec).ok()?)
}

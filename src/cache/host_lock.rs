//! The host cache's cross-process refresh lock as a value: an open lock file that holds
//! `flock`, released when dropped (or when the process dies).
//!
//! Fork: `flock` belongs to the open file description, which a forked child shares
//! through the descriptors it inherits. A lock held by a parent thread at `fork()` would
//! stay held until the child also closed its copy — which it never does, as the thread
//! that owns the `File` does not exist in the child — and every process, the child
//! included, would wait for that lock until the child exits. So every descriptor that
//! may hold the lock is registered here from the moment it is opened, and the child's
//! hook (run by `runtime/fork.rs`) closes the child's copies: the parent's lock stays
//! the parent's, and is released when the parent drops it.

use std::fs::File;
use std::os::fd::{AsRawFd, RawFd};
use std::sync::atomic::Ordering;
use std::sync::{Mutex, MutexGuard};

use crate::runtime::fork;

/// Descriptors of lock files open in this process.
static OPEN: Mutex<Vec<RawFd>> = Mutex::new(Vec::new());

fn open_set() -> MutexGuard<'static, Vec<RawFd>> {
    OPEN.lock().unwrap_or_else(|p| p.into_inner())
}

/// An open lock file (locked or about to be), registered for the fork hook.
#[derive(Debug)]
pub(crate) struct HostLock {
    file: Option<File>,
    /// The fork generation it was opened in: in a child, its descriptor was closed by
    /// the fork hook and the number may have been reused.
    generation: u64,
}

impl HostLock {
    /// Opens the lock file with `open` and registers it, atomically with respect to
    /// `fork()` (a fork in between would leave the child an unregistered copy).
    pub fn open(open: impl FnOnce() -> std::io::Result<File>) -> std::io::Result<HostLock> {
        fork::install();
        let mut set = open_set();
        let file = open()?;
        set.push(file.as_raw_fd());
        Ok(HostLock {
            file: Some(file),
            generation: fork::GENERATION.load(Ordering::Acquire),
        })
    }

    pub fn file(&self) -> &File {
        self.file.as_ref().expect("present until dropped")
    }
}

impl Drop for HostLock {
    fn drop(&mut self) {
        let Some(file) = self.file.take() else { return };
        let mut set = open_set();
        if self.generation != fork::GENERATION.load(Ordering::Acquire) {
            // Opened before a fork, in the process that forked: the hook closed it.
            std::mem::forget(file);
            return;
        }
        let fd = file.as_raw_fd();
        set.retain(|open| *open != fd);
        // Closed while the set is locked: the number cannot be reused (and registered)
        // by another open before it leaves the set.
        drop(file);
    }
}

/// The set's lock, held across `fork()`.
pub(crate) struct ForkGuard(MutexGuard<'static, Vec<RawFd>>);

pub(crate) fn fork_prepare() -> ForkGuard {
    ForkGuard(open_set())
}

impl ForkGuard {
    /// In the child: closes the child's copies of every lock file descriptor (which
    /// releases nothing of the parent's: its own descriptors still hold its lock).
    pub fn child(mut self) {
        for fd in self.0.drain(..) {
            // A descriptor this process inherited and nothing here will use: its owner
            // (a parent thread) does not exist in the child.
            crate::sys::close_inherited(fd);
        }
    }
}

//! A file descriptor that becomes readable when something is waiting: how a completion
//! queue wakes an event loop (asyncio's `add_reader`, libuv's poll, `select`) once per
//! batch instead of calling into the host language once per call.
//!
//! A non-blocking pipe: `ring` writes one byte, `silence` reads every byte. The owner
//! rings only when it goes from empty to non-empty and silences only when it is empty
//! again (both under its own lock), so the pipe holds at most a few bytes and a reader
//! never misses a wake-up. A pipe rather than Linux's `eventfd` so one code path serves
//! every Unix.

use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};

pub struct Doorbell {
    read: OwnedFd,
    write: OwnedFd,
}

impl Doorbell {
    pub fn new() -> io::Result<Doorbell> {
        let mut fds = [0 as libc::c_int; 2];
        // SAFETY: `fds` has room for the two descriptors pipe() writes.
        if unsafe { libc::pipe(fds.as_mut_ptr()) } != 0 {
            return Err(io::Error::last_os_error());
        }
        // SAFETY: pipe() succeeded: both descriptors are open and owned by nobody else.
        let (read, write) = unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) };
        for fd in [&read, &write] {
            set_flags(fd.as_raw_fd())?;
        }
        Ok(Doorbell { read, write })
    }

    /// A new descriptor of the end to watch (close-on-exec), owned by the caller: an
    /// event loop may close it, or read from it (Node's streams do), without touching
    /// the pipe's own ends (closing the only read end would make `ring` raise SIGPIPE).
    pub fn watcher(&self) -> io::Result<RawFd> {
        // SAFETY: duplicates a descriptor we own; the copy is the caller's.
        let fd = unsafe { libc::fcntl(self.read.as_raw_fd(), libc::F_DUPFD_CLOEXEC, 0) };
        if fd < 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(fd)
    }

    /// Makes the descriptor readable. A full pipe (cannot happen: see the module doc)
    /// is readable already, so a failed write loses nothing.
    pub fn ring(&self) {
        let byte = 1u8;
        // SAFETY: one byte from a live local to our own open descriptor.
        let _ = unsafe { libc::write(self.write.as_raw_fd(), (&raw const byte).cast(), 1) };
    }

    /// Makes the descriptor unreadable again (reads until the pipe is empty).
    pub fn silence(&self) {
        let mut buf = [0u8; 64];
        loop {
            // SAFETY: reads into a live local buffer of its own length.
            let n =
                unsafe { libc::read(self.read.as_raw_fd(), buf.as_mut_ptr().cast(), buf.len()) };
            if n < buf.len() as isize {
                return; // empty (EAGAIN), or the last bytes were read
            }
        }
    }
}

/// Non-blocking (a ring or a silence never waits) and close-on-exec (a child program
/// does not inherit it).
fn set_flags(fd: RawFd) -> io::Result<()> {
    // SAFETY: fcntl on a descriptor we own, with flag arguments only.
    unsafe {
        let fl = libc::fcntl(fd, libc::F_GETFL);
        let fdfl = libc::fcntl(fd, libc::F_GETFD);
        if fl < 0
            || fdfl < 0
            || libc::fcntl(fd, libc::F_SETFL, fl | libc::O_NONBLOCK) < 0
            || libc::fcntl(fd, libc::F_SETFD, fdfl | libc::FD_CLOEXEC) < 0
        {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn readable(fd: RawFd) -> bool {
        let mut p = libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one live pollfd, no wait.
        unsafe { libc::poll(&mut p, 1, 0) == 1 }
    }

    #[test]
    fn rings_until_silenced() {
        let bell = Doorbell::new().unwrap();
        let fd = bell.watcher().unwrap();
        assert!(!readable(fd));
        bell.ring();
        bell.ring();
        assert!(readable(fd));
        bell.silence();
        assert!(!readable(fd));
        bell.silence(); // nothing to read: returns at once
                        // SAFETY: the watcher's own copy.
        unsafe { libc::close(fd) };
        bell.ring(); // its read end is still open: no SIGPIPE
    }
}

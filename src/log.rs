//! Debug logging to stderr, switched on by `PAYTOKEN_LOG=debug` (or `info`).
//!
//! Each line is written with one `write(2)` call and no lock: a child after `fork()` can
//! never block on a logging lock that another parent thread held. Callers pass tokens
//! and secrets only as fingerprints (`secret::fingerprint`), and every line is scrubbed
//! by `redact` anyway.

use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicU8, Ordering};

const UNSET: u8 = 255;
const OFF: u8 = 0;
const INFO: u8 = 1;
const DEBUG: u8 = 2;

static LEVEL: AtomicU8 = AtomicU8::new(UNSET);

fn level() -> u8 {
    let l = LEVEL.load(Ordering::Relaxed);
    if l != UNSET {
        return l;
    }
    let l = match std::env::var("PAYTOKEN_LOG").as_deref().map(str::trim) {
        Ok("debug") | Ok("trace") => DEBUG,
        Ok("info") => INFO,
        _ => OFF,
    };
    LEVEL.store(l, Ordering::Relaxed);
    l
}

pub fn info_enabled() -> bool {
    level() >= INFO
}

pub fn debug_enabled() -> bool {
    level() >= DEBUG
}

pub fn info(args: fmt::Arguments<'_>) {
    if info_enabled() {
        emit("info", args);
    }
}

pub fn debug(args: fmt::Arguments<'_>) {
    if debug_enabled() {
        emit("debug", args);
    }
}

/// A line written whatever the level (a panic inside a call).
pub fn always(args: fmt::Arguments<'_>) {
    emit("error", args);
}

fn emit(level: &str, args: fmt::Arguments<'_>) {
    let mut line = zeroize::Zeroizing::new(String::with_capacity(256));
    let _ = write!(line, "paytoken[{}] {level}: ", std::process::id());
    let _ = line.write_fmt(args);
    // Whatever the arguments held, no secret of the current call leaves in a log line.
    crate::redact::scrub(&mut line);
    line.push('\n');
    let mut bytes = line.as_bytes();
    while !bytes.is_empty() {
        // SAFETY: writing an initialised buffer to fd 2.
        let n = unsafe { libc::write(2, bytes.as_ptr().cast(), bytes.len()) };
        if n <= 0 {
            break;
        }
        bytes = &bytes[n as usize..];
    }
}

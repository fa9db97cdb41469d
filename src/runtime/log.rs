//! Logging: to stderr when `PAYTOKEN_LOG=debug` (or `info`, or `warning`) is set, and to the host
//! language's logging through `paytoken_log_configure` (see `log_sink`).
//!
//! A stderr line is written with one `write(2)` call and no lock: a child after `fork()`
//! can never block on a logging lock that another parent thread held. Records for the
//! host language go into a bounded lock-free channel (never blocking the caller; a full
//! channel drops and counts). Callers pass tokens and secrets only as fingerprints
//! (`secret::fingerprint`), and every
//! line is scrubbed by `redact` anyway.

use std::fmt::{self, Write as _};
use std::sync::atomic::{AtomicU8, Ordering};

use zeroize::Zeroizing;

pub(crate) const OFF: u8 = 0;
pub(crate) const INFO: u8 = 1;
pub(crate) const DEBUG: u8 = 2;
/// A warning record: something went wrong that the caller may not see in a call's
/// result (a failed token refresh while the old token is still served, the token-storm
/// guard holding fetches back, dropped log records). As a collecting level, "warnings
/// only". Numbered 3 because 1 and 2 were taken; every level but OFF collects warnings.
pub(crate) const WARNING: u8 = 3;
const UNSET: u8 = 255;

/// Whether collecting at `setting` (OFF, WARNING, INFO or DEBUG) takes a `record`.
pub(crate) fn takes(setting: u8, record: u8) -> bool {
    match (setting, record) {
        (OFF, _) => false,
        (_, WARNING) => true,
        (WARNING, _) => false,
        (setting, record) => record <= setting,
    }
}

/// The stderr level from `PAYTOKEN_LOG`, read once.
static STDERR_LEVEL: AtomicU8 = AtomicU8::new(UNSET);

fn stderr_level() -> u8 {
    let l = STDERR_LEVEL.load(Ordering::Relaxed);
    if l != UNSET {
        return l;
    }
    let l = match std::env::var("PAYTOKEN_LOG").as_deref().map(str::trim) {
        Ok("debug") | Ok("trace") => DEBUG,
        Ok("info") => INFO,
        Ok("warning") | Ok("warn") => WARNING,
        _ => OFF,
    };
    STDERR_LEVEL.store(l, Ordering::Relaxed);
    l
}

fn enabled(record: u8) -> bool {
    takes(stderr_level(), record) || takes(crate::runtime::log_sink::level(), record)
}

pub fn info_enabled() -> bool {
    enabled(INFO)
}

pub fn debug_enabled() -> bool {
    enabled(DEBUG)
}

pub fn warning(args: fmt::Arguments<'_>) {
    if enabled(WARNING) {
        emit_as(WARNING, "warning", args, false);
    }
}

pub fn info(args: fmt::Arguments<'_>) {
    if info_enabled() {
        emit_as(INFO, "info", args, false);
    }
}

pub fn debug(args: fmt::Arguments<'_>) {
    if debug_enabled() {
        emit_as(DEBUG, "debug", args, false);
    }
}

/// A line written to stderr whatever the level (a panic inside a call), and to the host
/// language's log as a warning.
pub fn always(args: fmt::Arguments<'_>) {
    emit_as(WARNING, "error", args, true);
}

fn emit_as(level: u8, name: &str, args: fmt::Arguments<'_>, to_stderr_anyway: bool) {
    let mut message = Zeroizing::new(String::with_capacity(112));
    let _ = message.write_fmt(args);
    // Whatever the arguments held, no secret of the current call leaves in a log record.
    crate::secrets::redact::scrub(&mut message);
    if takes(crate::runtime::log_sink::level(), level) {
        crate::runtime::log_sink::push(level, &message);
    }
    if to_stderr_anyway || takes(stderr_level(), level) {
        let line = Zeroizing::new(format!(
            "paytoken[{}] {name}: {}\n",
            std::process::id(),
            message.as_str()
        ));
        crate::sys::write_stderr(line.as_bytes());
    }
}

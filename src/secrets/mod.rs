//! Secrets: the `Secret` type (never printed, wiped on drop), `redact` (scrubbing
//! secrets and tokens out of every error, log line and panic message) and `wipe` (the
//! allocator that zeroes every freed block).

pub(crate) mod redact;
pub(crate) mod secret;
pub(crate) mod wipe;

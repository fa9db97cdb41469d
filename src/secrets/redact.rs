//! The one place that keeps secrets out of text: every error a client call returns, every
//! log line and every panic message passes through [`scrub`] while that call runs.
//!
//! A call that works for a client runs inside [`within`], which makes that client the
//! thread's redaction scope. Scrubbing then removes, wherever the text came from (our own
//! wording, a gateway's message quoting the request, a library's error):
//!
//! - the client's credentials, each alone and in Base64, and NICEPAY's Basic pair
//!   `base64(clientKey:secretKey)` (the `PortOne <apiSecret>` form holds the secret itself);
//! - the token cached for the client's account, and every token sent or received during
//!   this call (the one just refused by a 401 is no longer cached), alone and in Base64;
//! - a trailing fragment of any of these (≥ 8 characters) left where someone cut the text.
//!
//! Values shorter than 4 bytes are left alone: replacing them would shred the message and
//! protect nothing. Scrubbing takes no lock (the cached token is read lock-free), so it is
//! safe in a log line written while the cache's lock is held and in a forked child.

use std::cell::RefCell;
use std::ptr;
use std::sync::Once;

use base64::Engine as _;
use zeroize::Zeroizing;

use crate::call::Client;
use crate::config::{Config, Credentials};
use crate::error::Error;
use crate::secrets::secret::Secret;

const REDACTED: &str = "[redacted]";
const MIN_SECRET: usize = 4;
const MIN_FRAGMENT: usize = 8;

struct Scope {
    client: *const Client,
    /// Tokens sent or received during this call: wiped when the scope ends.
    seen: Vec<Secret>,
}

thread_local! {
    static SCOPE: RefCell<Scope> = const {
        RefCell::new(Scope { client: ptr::null(), seen: Vec::new() })
    };
}

/// Restores the previous scope when the call ends, also when it unwinds.
struct Restore {
    previous: *const Client,
    seen_before: usize,
}

impl Drop for Restore {
    fn drop(&mut self) {
        let _ = SCOPE.try_with(|s| {
            if let Ok(mut s) = s.try_borrow_mut() {
                s.client = self.previous;
                s.seen.truncate(self.seen_before);
            }
        });
    }
}

/// Runs one call for `client` with it as the redaction scope, and scrubs the error it
/// returns. Costs two thread-local accesses: fine on the cached-token path.
pub fn within<T>(client: &Client, call: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
    install_panic_hook();
    let restore = SCOPE.with(|s| {
        let mut s = s.borrow_mut();
        let previous = std::mem::replace(&mut s.client, client);
        Restore {
            previous,
            seen_before: s.seen.len(),
        }
    });
    let result = call().map_err(|mut e| {
        scrub_error(&mut e);
        e
    });
    drop(restore);
    result
}

/// Adds a token sent or received during this call to what is scrubbed (a token refused by
/// a 401 is dropped from the cache, but the gateway may quote it).
pub fn remember(token: &Secret) {
    let _ = SCOPE.try_with(|s| {
        if let Ok(mut s) = s.try_borrow_mut() {
            if !s.client.is_null() && !s.seen.contains(token) {
                s.seen.push(token.clone());
            }
        }
    });
}

/// Removes every secret of the current scope from an error's message and gateway code.
pub fn scrub_error(e: &mut Error) {
    scrub_error_with(e, &needles(None));
}

/// As [`scrub_error`], also removing `config`'s credentials: for errors made where no
/// scope may be set (a token fetch on another library thread).
pub fn scrub_error_for(config: &Config, e: &mut Error) {
    scrub_error_with(e, &needles(Some(config)));
}

fn scrub_error_with(e: &mut Error, needles: &[Zeroizing<String>]) {
    scrub_with(&mut e.message, needles);
    let mut code = e.gateway_code.clone();
    if scrub_with(&mut code, needles) {
        e.gateway_code = REDACTED.into();
    }
}

/// Removes every secret of the current scope from `text`; says whether it changed it.
pub fn scrub(text: &mut String) -> bool {
    scrub_with(text, &needles(None))
}

fn scrub_with(text: &mut String, needles: &[Zeroizing<String>]) -> bool {
    let mut changed = false;
    for needle in needles {
        if text.contains(needle.as_str()) {
            let replaced = Zeroizing::new(text.replace(needle.as_str(), REDACTED));
            wipe_and_set(text, &replaced);
            changed = true;
        }
    }
    // A secret cut short at the end of the text (someone truncated the message).
    for needle in needles {
        let cut = (MIN_FRAGMENT..needle.len())
            .rev()
            .filter(|k| needle.is_char_boundary(*k))
            .find(|k| text.ends_with(&needle[..*k]));
        if let Some(k) = cut {
            let keep = text.len() - k;
            let replaced = Zeroizing::new(format!("{}{REDACTED}", &text[..keep]));
            wipe_and_set(text, &replaced);
            changed = true;
        }
    }
    changed
}

/// Overwrites the old text's bytes before replacing it.
fn wipe_and_set(text: &mut String, new: &str) {
    use zeroize::Zeroize as _;
    text.zeroize();
    text.push_str(new);
}

fn add(out: &mut Vec<Zeroizing<String>>, value: &str) {
    if value.len() >= MIN_SECRET {
        out.push(Zeroizing::new(value.to_owned()));
        out.push(base64_of(value.as_bytes()));
    }
}

/// Everything to remove, longest first (so a secret inside a longer form goes with it):
/// the current scope's secrets, and `extra`'s credentials.
// The scope's client pointer (see `Scope`): lifetime erasure, not a system call; the one
// `unsafe` of the core outside `sys/` (listed in scripts/check-boundary.sh).
#[allow(unsafe_code)]
fn needles(extra: Option<&Config>) -> Vec<Zeroizing<String>> {
    let mut out: Vec<Zeroizing<String>> = Vec::new();
    if let Some(config) = extra {
        add_credentials(&mut out, config);
    }
    let _ = SCOPE.try_with(|s| {
        let Ok(s) = s.try_borrow() else { return };
        // SAFETY: the pointer is set only by `within`, for as long as the caller's
        // `&Client` lives (the call's duration).
        let Some(client) = (unsafe { s.client.as_ref() }) else {
            return;
        };
        add_credentials(&mut out, &client.config);
        if let Some(token) = client.entry.peek_token() {
            add(&mut out, token.expose());
        }
        for token in &s.seen {
            add(&mut out, token.expose());
        }
    });
    out.sort_by_key(|n| std::cmp::Reverse(n.len()));
    out.dedup();
    out
}

fn add_credentials(out: &mut Vec<Zeroizing<String>>, config: &Config) {
    match &config.credentials {
        Credentials::Nicepay {
            client_key,
            secret_key,
        } => {
            add(out, client_key.expose());
            add(out, secret_key.expose());
            let (user, password) = (client_key.expose(), secret_key.expose());
            let mut pair = Zeroizing::new(String::with_capacity(user.len() + password.len() + 1));
            pair.push_str(user);
            pair.push(':');
            pair.push_str(password);
            out.push(base64_of(pair.as_bytes()));
        }
        Credentials::PortoneV1 {
            imp_key,
            imp_secret,
        } => {
            add(out, imp_key.expose());
            add(out, imp_secret.expose());
        }
        Credentials::PortoneV2 { api_secret } => add(out, api_secret.expose()),
    }
}

fn base64_of(bytes: &[u8]) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(bytes.len().div_ceil(3) * 4));
    base64::engine::general_purpose::STANDARD.encode_string(bytes, &mut out);
    out
}

/// Panics inside a client call print a scrubbed message; elsewhere the previous hook runs.
fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // None: the scope is borrowed (a panic while scrubbing): withhold the text.
            let in_scope = SCOPE
                .try_with(|s| s.try_borrow().ok().map(|s| !s.client.is_null()))
                .unwrap_or(Some(false));
            if in_scope == Some(false) {
                return previous(info);
            }
            let payload = info.payload();
            let mut message = match in_scope {
                Some(_) => payload
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "(no message)".into()),
                None => "(message withheld)".into(),
            };
            scrub(&mut message);
            let place = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            crate::runtime::log::always(format_args!("panic at {place}: {message}"));
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn needles_of(values: &[&str]) -> Vec<Zeroizing<String>> {
        let mut out: Vec<_> = values
            .iter()
            .flat_map(|v| [Zeroizing::new(v.to_string()), base64_of(v.as_bytes())])
            .collect();
        out.sort_by_key(|n| std::cmp::Reverse(n.len()));
        out
    }

    /// A panic inside a client call prints its message scrubbed (to stderr, read back
    /// through a pipe put in place of fd 2 for the duration).
    #[test]
    fn a_panic_inside_a_call_prints_no_secret() {
        let json = r#"{"gateway":"portone-v2","apiSecret":"sk_PANIC_secret_value","baseUrl":"http://127.0.0.1:9"}"#;
        let config = crate::config::Config::parse(json).unwrap();
        let entry = crate::cache::entry_for(&config);
        let client = Client {
            config,
            entry,
            lane: crate::runtime::worker_pool::new_lane(),
        };

        let (outcome, printed) = crate::sys::testing::capture_stderr(|| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                within(&client, || -> Result<(), Error> {
                    panic!("bug while holding sk_PANIC_secret_value")
                })
            }))
        });
        assert!(outcome.is_err(), "the panic propagated");
        assert!(printed.contains("panic at"), "{printed:?}");
        assert!(
            printed.contains("bug while holding [redacted]"),
            "{printed:?}"
        );
        assert!(!printed.contains("sk_PANIC"), "{printed:?}");
    }

    #[test]
    fn removes_plain_base64_and_cut_forms() {
        let needles = needles_of(&["tok3n-ABCDEFGHIJ", "sk_live_123"]);
        let b64 = base64_of(b"sk_live_123");
        let mut text = format!(
            "bearer tok3n-ABCDEFGHIJ refused; key {} ({}); cut tok3n-ABCD",
            "sk_live_123", *b64
        );
        assert!(scrub_with(&mut text, &needles));
        assert_eq!(
            text,
            "bearer [redacted] refused; key [redacted] ([redacted]); cut [redacted]"
        );
        let mut clean = String::from("nothing secret here");
        assert!(!scrub_with(&mut clean, &needles));
        assert_eq!(clean, "nothing secret here");
    }
}

//! PortOne V2 `Idempotency-Key`: which requests carry one, the random keys the library
//! makes, and the checks on a caller's own key.
//!
//! PortOne V2 keeps a key for 3 hours: a request resent with the same key returns the
//! first answer instead of acting twice. That is what makes an unknown outcome safe to
//! retry (see `unknown_outcome.rs`).

use base64::Engine;
use ring::rand::{SecureRandom, SystemRandom};

use crate::config::{Config, Gateway};
use crate::error::Error;

pub const HEADER: &str = "idempotency-key";
const MIN_LEN: usize = 16;
const MAX_LEN: usize = 256;

/// The methods PortOne V2 honours a key on (the ones that change something).
pub fn is_mutating(method: &str) -> bool {
    matches!(method, "POST" | "PUT" | "PATCH" | "DELETE")
}

/// Whether this client sends a key of its own on `method` (already upper-case).
pub fn sends_key(config: &Config, method: &str) -> bool {
    config.gateway == Gateway::PortoneV2 && config.idempotency && is_mutating(method)
}

/// A fresh key: 32 URL-safe ASCII characters (24 bytes from the OS's random source).
pub fn new_key() -> Result<String, Error> {
    let mut bytes = [0u8; 24];
    SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| Error::internal("the OS random source failed"))?;
    Ok(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
}

/// Checks a caller's key (the `idempotencyKey` option): 16–256 printable ASCII
/// characters with no `"` or `\` (so it fits an RFC 8941 quoted string as is).
pub fn check_key(key: &str) -> Result<(), Error> {
    let len_ok = (MIN_LEN..=MAX_LEN).contains(&key.len());
    let bad = key
        .bytes()
        .find(|b| !(0x20..=0x7e).contains(b) || *b == b'"' || *b == b'\\');
    if !len_ok || bad.is_some() {
        return Err(Error::invalid(format!(
            "options_json: \"idempotencyKey\" must be 16 to 256 printable ASCII characters without '\"' or '\\' (it is {} bytes{})",
            key.len(),
            if bad.is_some() {
                ", with a character that is not allowed"
            } else {
                ""
            }
        )));
    }
    Ok(())
}

/// The header value for a key: an RFC 8941 quoted string.
pub fn header_value(key: &str) -> String {
    format!("\"{key}\"")
}

/// The key a header value carries: the inside of a quoted string, else the value as is.
pub fn unquoted(value: &str) -> &str {
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value)
}

/// The idempotency key of a call, and the header the library adds for it (none when the
/// caller's own `Idempotency-Key` header is already among the call's headers).
pub(crate) struct Keyed {
    pub key: String,
    header: Option<String>,
}

impl Keyed {
    fn sent(key: String) -> Keyed {
        let header = Some(header_value(&key));
        Keyed { key, header }
    }

    /// The header value the library adds, if it adds one.
    pub fn header(&self) -> Option<&str> {
        self.header.as_deref()
    }
}

/// The idempotency key a call carries: the caller's header (used as is), the caller's
/// `idempotencyKey` option (PortOne V2 only), or a fresh one when the client sends keys.
pub(crate) fn for_call(
    config: &Config,
    method: &str,
    headers: &[(String, String)],
    option: Option<&str>,
) -> Result<Option<Keyed>, Error> {
    let header = headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(HEADER));
    Ok(match (header, option) {
        (Some((_, value)), _) => Some(Keyed {
            key: unquoted(value).to_owned(),
            header: None,
        }),
        (None, Some(_)) if config.gateway != Gateway::PortoneV2 => {
            return Err(Error::invalid(format!(
                "options_json: \"idempotencyKey\" is for PortOne V2 clients; {} keeps no idempotency keys (give an Idempotency-Key header in headers_json to send one anyway)",
                config.gateway.display()
            )))
        }
        (None, Some(key)) => Some(Keyed::sent(key.to_owned())),
        (None, None) if sends_key(config, method) => Some(Keyed::sent(new_key()?)),
        (None, None) => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_32_url_safe_characters_and_differ() {
        let (a, b) = (new_key().unwrap(), new_key().unwrap());
        assert_eq!(a.len(), 32);
        assert_ne!(a, b);
        assert!(a
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_'));
        check_key(&a).unwrap();
    }

    #[test]
    fn caller_keys_are_checked() {
        check_key("order-1234-cancel-01").unwrap();
        check_key(&"k".repeat(256)).unwrap();
        for bad in [
            "short",
            &"k".repeat(257),
            "order-1234-\"cancel\"",
            "order-1234-\\cancel",
            "order-1234-취소-0001",
            "order-1234\tcancel-01",
        ] {
            assert!(check_key(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn quoting() {
        assert_eq!(header_value("abc"), "\"abc\"");
        assert_eq!(unquoted("\"abc\""), "abc");
        assert_eq!(unquoted("abc"), "abc");
    }
}

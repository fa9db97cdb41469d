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

/// The key a header value carries: the inside of a quoted string, else the value as is
/// (surrounding whitespace ignored).
pub fn unquoted(value: &str) -> &str {
    let value = value.trim();
    value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value)
}

/// A caller's `Idempotency-Key` header on a PortOne V2 request, as the key it carries:
/// quoted (`"k"`) or not (`k`), the key must fit an RFC 8941 string as is (printable
/// ASCII without `"` or `\`, not empty). The library sends it quoted either way.
fn header_key(value: &str) -> Result<String, Error> {
    let key = unquoted(value);
    let bad = key
        .bytes()
        .any(|b| !(0x20..=0x7e).contains(&b) || b == b'"' || b == b'\\');
    if key.is_empty() || bad {
        return Err(Error::invalid(
            "headers_json: the Idempotency-Key header must be a key of printable ASCII characters without '\"' or '\\', quoted (RFC 8941) or not: it is sent as \"<key>\"",
        ));
    }
    Ok(key.to_owned())
}

/// The idempotency key of a call, and the header the library sends for it (none when
/// the caller's own header goes as is: gateways that keep no keys).
pub(crate) struct Keyed {
    pub key: String,
    header: Option<String>,
}

impl Keyed {
    fn sent(key: String) -> Keyed {
        let header = Some(header_value(&key));
        Keyed { key, header }
    }

    /// The header value the library sends, if it sends one (then it replaces the
    /// caller's `Idempotency-Key` header).
    pub fn header(&self) -> Option<&str> {
        self.header.as_deref()
    }
}

fn find_header(headers: &[(String, String)]) -> Option<&str> {
    headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case(HEADER))
        .map(|(_, v)| v.as_str())
}

/// The idempotency key a call carries, decided here once for every language: the
/// caller's header (on PortOne V2 normalized to an RFC 8941 string: `k` and `"k"` both
/// send `"k"`; on other gateways sent as is), the caller's `idempotencyKey` option
/// (PortOne V2 only), or a fresh one when the client sends keys.
pub(crate) fn for_call(
    config: &Config,
    method: &str,
    headers: &[(String, String)],
    option: Option<&str>,
) -> Result<Option<Keyed>, Error> {
    let v2 = config.gateway == Gateway::PortoneV2;
    Ok(match (find_header(headers), option) {
        (Some(value), _) if v2 => Some(Keyed::sent(header_key(value)?)),
        (Some(value), _) => Some(Keyed {
            key: unquoted(value).to_owned(),
            header: None,
        }),
        (None, Some(_)) if !v2 => {
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

/// A call's key decided before it is sent, so that the caller has it whatever happens.
pub(crate) struct Pinned {
    /// The key the request carries (unquoted), if any.
    pub key: Option<String>,
    /// The per-call options that make the request carry exactly that key: the caller's,
    /// plus `idempotencyKey` when the key is a fresh one drawn here.
    pub options_json: Option<String>,
}

/// Decides the key a call with these checked arguments carries (see [`for_call`]) and
/// pins a fresh one into its options.
pub(crate) fn pin(
    config: &Config,
    method: &str,
    headers: &[(String, String)],
    option: Option<&str>,
    options_json: Option<&str>,
) -> Result<Pinned, Error> {
    let key = for_call(config, method, headers, option)?.map(|k| k.key);
    let drawn = key.is_some() && option.is_none() && find_header(headers).is_none();
    let options_json = match (&key, drawn) {
        (Some(key), true) => {
            let mut map = match options_json.map(serde_json::from_str) {
                Some(Ok(serde_json::Value::Object(map))) => map,
                // Checked by the caller already: an object, or no options at all.
                _ => serde_json::Map::new(),
            };
            map.insert("idempotencyKey".into(), key.clone().into());
            Some(serde_json::Value::Object(map).to_string())
        }
        _ => options_json.map(str::to_owned),
    };
    Ok(Pinned { key, options_json })
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
        assert_eq!(unquoted(" \"abc\" "), "abc");
    }

    fn v2() -> Config {
        Config::parse(r#"{"gateway":"portone-v2","apiSecret":"s"}"#).unwrap()
    }

    fn header(value: &str) -> Vec<(String, String)> {
        vec![("Idempotency-Key".into(), value.into())]
    }

    #[test]
    fn a_v2_callers_header_is_sent_as_an_rfc_8941_string_quoted_or_not() {
        for given in ["order-1-cancel", "\"order-1-cancel\""] {
            let k = for_call(&v2(), "POST", &header(given), None)
                .unwrap()
                .unwrap();
            assert_eq!(k.key, "order-1-cancel");
            assert_eq!(k.header(), Some("\"order-1-cancel\""));
        }
        for bad in ["", "\"\"", "a\"b", "a\\b", "키"] {
            let e = for_call(&v2(), "POST", &header(bad), None).err().unwrap();
            assert!(e.message.contains("RFC 8941"), "{bad}: {}", e.message);
        }
    }

    #[test]
    fn a_drawn_key_is_pinned_into_the_options_and_a_given_one_is_not() {
        let p = pin(&v2(), "POST", &[], None, Some(r#"{"timeoutMs":5000}"#)).unwrap();
        let key = p.key.unwrap();
        let options: serde_json::Value = serde_json::from_str(&p.options_json.unwrap()).unwrap();
        assert_eq!(options["idempotencyKey"], key.as_str());
        assert_eq!(options["timeoutMs"], 5000);
        let p = pin(&v2(), "POST", &header("k-1"), None, None).unwrap();
        assert_eq!((p.key.as_deref(), p.options_json), (Some("k-1"), None));
        let p = pin(&v2(), "GET", &[], None, None).unwrap();
        assert_eq!((p.key, p.options_json), (None, None));
    }

    #[test]
    fn other_gateways_send_a_callers_header_as_is() {
        let nicepay =
            Config::parse(r#"{"gateway":"nicepay","clientKey":"c","secretKey":"s"}"#).unwrap();
        let k = for_call(&nicepay, "POST", &header("k1"), None)
            .unwrap()
            .unwrap();
        assert_eq!((k.key.as_str(), k.header()), ("k1", None));
    }
}

//! One request as the gateways see it (already read, body capped) and the answer they
//! give, plus the small helpers every gateway shares: the echo, credential
//! fingerprints and random tokens.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use bytes::Bytes;
use hyper::HeaderMap;
use serde_json::{json, Map, Value};

use crate::body::SimBody;

pub struct Req {
    pub method: String,
    pub path: String,
    /// The raw query string without `?`; empty when there is none.
    pub query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Req {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// `(scheme, credential)` of the `Authorization` header; a header without a space
    /// is a bare credential with an empty scheme (PortOne V1 accepts a raw token).
    pub fn authorization(&self) -> Option<(&str, &str)> {
        let value = self.header("authorization")?.trim();
        Some(match value.split_once(' ') {
            Some((scheme, credential)) => (scheme, credential.trim()),
            None => ("", value),
        })
    }

    pub fn json_body(&self) -> Option<Value> {
        serde_json::from_slice(&self.body).ok()
    }

    /// A named field of a JSON or form-urlencoded body.
    pub fn body_field(&self, name: &str) -> Option<String> {
        if let Some(Value::Object(map)) = self.json_body() {
            return map.get(name).and_then(|v| v.as_str()).map(str::to_owned);
        }
        let text = std::str::from_utf8(&self.body).ok()?;
        form_field(text, name)
    }

    /// The path's segments after the leading `/`, each percent-decoded on its own (so
    /// `a%2Fb` stays one segment `a/b`; `+` stays a plus, as in any URL path).
    pub fn segments(&self) -> Vec<String> {
        self.path
            .trim_start_matches('/')
            .split('/')
            .map(|s| decode(s, false))
            .collect()
    }

    /// The query parameter `name`, percent-decoded.
    pub fn query_param(&self, name: &str) -> Option<String> {
        form_field(&self.query, name)
    }

    /// The body as JSON fields: `{"body": text}` or base64 with `"bodyEncoding":"base64"`.
    fn body_fields(&self, into: &mut Map<String, Value>) {
        match std::str::from_utf8(&self.body) {
            Ok(text) => {
                into.insert("body".into(), json!(text));
            }
            Err(_) => {
                into.insert("body".into(), json!(STANDARD.encode(&self.body)));
                into.insert("bodyEncoding".into(), json!("base64"));
            }
        }
    }

    /// What every business answer carries back: what the simulator received, with the
    /// credential reduced to a fingerprint.
    pub fn echo(&self) -> Value {
        let authorization = self.authorization().map(|(scheme, credential)| {
            let fp = fingerprint(credential);
            if scheme.is_empty() {
                fp
            } else {
                format!("{scheme} {fp}")
            }
        });
        let mut echo = Map::new();
        echo.insert("method".into(), json!(self.method));
        echo.insert("path".into(), json!(self.path));
        echo.insert("query".into(), json!(self.query));
        echo.insert("authorization".into(), json!(authorization));
        echo.insert("tier".into(), json!(self.header("tier")));
        self.body_fields(&mut echo);
        Value::Object(echo)
    }

    /// The record `/__sim/last-request` returns: every header, lower-cased names.
    pub fn record(&self, gateway: &str) -> Value {
        let mut headers = Map::new();
        for name in self.headers.keys() {
            let values: Vec<String> = self
                .headers
                .get_all(name)
                .iter()
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .collect();
            headers.insert(name.as_str().to_owned(), json!(values.join(", ")));
        }
        let mut record = Map::new();
        record.insert("gateway".into(), json!(gateway));
        record.insert("method".into(), json!(self.method));
        record.insert("path".into(), json!(self.path));
        record.insert("query".into(), json!(self.query));
        record.insert("headers".into(), Value::Object(headers));
        self.body_fields(&mut record);
        Value::Object(record)
    }
}

/// Finds `name` in `a=1&b=2` text and percent-decodes its value (`+` is a space).
pub fn form_field(text: &str, name: &str) -> Option<String> {
    text.split('&')
        .filter_map(|pair| pair.split_once('=').or(Some((pair, ""))))
        .find(|(k, _)| percent_decode(k) == name)
        .map(|(_, v)| percent_decode(v))
}

fn percent_decode(text: &str) -> String {
    decode(text, true)
}

/// Percent-decodes; `plus_is_space` for form fields, not for paths.
fn decode(text: &str, plus_is_space: bool) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'+' if plus_is_space => out.push(b' '),
            b'%' => match (
                bytes.get(i + 1).copied().and_then(hex),
                bytes.get(i + 2).copied().and_then(hex),
            ) {
                (Some(hi), Some(lo)) => {
                    out.push((hi * 16 + lo) as u8);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A short, stable stand-in for a secret or token: never the credential itself.
/// `fp=` + the top 32 bits of its FNV-1a-64 hash in hex, then its length.
pub fn fingerprint(credential: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in credential.bytes() {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    format!("fp={:08x},len={}", hash >> 32, credential.len())
}

/// 64 unpredictable-enough bits (std's randomly keyed SipHash over a counter): the
/// simulator needs unique, unguessable-looking tokens, not cryptography.
pub fn random_u64() -> u64 {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    thread_local!(static KEYS: RandomState = RandomState::new());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    KEYS.with(|keys| {
        let mut h = keys.build_hasher();
        h.write_u64(n);
        h.finish()
    })
}

pub fn random_bytes(len: usize) -> Vec<u8> {
    (0..len.div_ceil(8))
        .flat_map(|_| random_u64().to_le_bytes())
        .take(len)
        .collect()
}

/// `len` lower-case hex digits.
pub fn random_hex(len: usize) -> String {
    random_bytes(len.div_ceil(2))
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<String>()[..len]
        .to_owned()
}

/// An HTTP answer before the `Date` header is stamped on it.
pub struct Answer {
    pub status: u16,
    pub content_type: &'static str,
    pub body: SimBody,
    /// Set only for the `truncate` fault, which lies about it.
    pub content_length: Option<u64>,
    /// Set only for the `redirect` fault.
    pub location: Option<String>,
}

impl Answer {
    pub fn json(status: u16, value: &Value) -> Answer {
        Answer::bytes(status, "application/json;charset=utf-8", value.to_string())
    }

    /// The whole body, for answers built in memory (not the streamed fault bodies).
    pub fn full_bytes(&self) -> Option<Bytes> {
        match &self.body {
            SimBody::Full(bytes) => bytes.clone(),
            _ => None,
        }
    }

    /// The answer with `"echo"` added to its JSON object (`implicit_payments` only:
    /// real gateways never send it).
    pub fn with_echo(self, echo: Value) -> Answer {
        let parsed = self
            .full_bytes()
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok());
        match parsed {
            Some(Value::Object(mut map)) => {
                map.insert("echo".into(), echo);
                Answer::json(self.status, &Value::Object(map))
            }
            _ => self,
        }
    }

    pub fn bytes(status: u16, content_type: &'static str, body: impl Into<Bytes>) -> Answer {
        Answer {
            status,
            content_type,
            body: SimBody::full(body),
            content_length: None,
            location: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_fields_are_percent_decoded() {
        let text = "imp_key=a%2Bb&imp_secret=x+y%zz&flag";
        assert_eq!(form_field(text, "imp_key").as_deref(), Some("a+b"));
        assert_eq!(form_field(text, "imp_secret").as_deref(), Some("x y%zz"));
        assert_eq!(form_field(text, "flag").as_deref(), Some(""));
        assert_eq!(form_field(text, "missing"), None);
        assert_eq!(form_field("k=%4", "k").as_deref(), Some("%4"));
        assert_eq!(decode("a%2Fb%20c+d", false), "a/b c+d");
        assert_eq!(decode("%EC%A3%BC%EB%AC%B8", false), "주문");
    }

    #[test]
    fn fingerprints_hide_the_credential() {
        let fp = fingerprint("sim_portone_v2_api_secret");
        assert!(fp.starts_with("fp=") && fp.ends_with(",len=25"), "{fp}");
        assert!(!fp.contains("sim_"));
        assert_ne!(fingerprint("a"), fingerprint("b"));
    }

    #[test]
    fn random_hex_has_the_asked_length_and_varies() {
        let a = random_hex(40);
        assert_eq!(a.len(), 40);
        assert!(a.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(a, random_hex(40));
    }
}

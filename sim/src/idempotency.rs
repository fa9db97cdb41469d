//! PortOne V2's `Idempotency-Key`: on POST/PUT/PATCH/DELETE, an RFC 8941 quoted string
//! of 16–256 ASCII characters. The first request with a key is processed; a later one
//! with the same key gets the first one's answer replayed once it finished, or 409
//! `IDEMPOTENCY_OUTSTANDING_REQUEST` while it is still running. Keys are kept for
//! `idempotencyTtlSecs` (3 hours by default, as PortOne documents).

use std::collections::HashMap;

use bytes::Bytes;

pub const DEFAULT_TTL_SECS: u64 = 3 * 3600;

/// What a finished request answered, to replay it byte for byte.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Bytes,
}

#[derive(Clone, Debug)]
enum Entry {
    Outstanding,
    Done(Recorded),
}

/// What to do with a request that carries a key.
#[derive(Debug)]
pub enum Begin {
    /// First time: process it (the key is now outstanding).
    Fresh,
    Replay(Recorded),
    Outstanding,
}

#[derive(Default)]
pub struct Idempotency {
    entries: HashMap<String, (Entry, i64)>,
    pub replays: u64,
    pub conflicts: u64,
}

/// The key inside an RFC 8941 sf-string: `"` printable ASCII (with `\"` and `\\`
/// escapes) `"`, 16 to 256 characters once unescaped.
pub fn parse_key(header: &str) -> Result<String, String> {
    let inner = header
        .trim_matches(' ')
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .ok_or(
            "Idempotency-Key must be a quoted string (RFC 8941), e.g. \"order-1234-cancel-01\"",
        )?;
    let mut key = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some(e @ ('"' | '\\')) => key.push(e),
                _ => return Err("Idempotency-Key has a bad escape (only \\\" and \\\\)".into()),
            },
            '"' => return Err("Idempotency-Key has an unescaped quote".into()),
            ' '..='~' => key.push(c),
            _ => return Err("Idempotency-Key must be printable ASCII".into()),
        }
    }
    if !(16..=256).contains(&key.len()) {
        return Err(format!(
            "Idempotency-Key must be 16 to 256 characters, not {}",
            key.len()
        ));
    }
    Ok(key)
}

impl Idempotency {
    pub fn reset(&mut self) {
        self.entries.clear();
        self.replays = 0;
        self.conflicts = 0;
    }

    fn expire(&mut self, now_ms: i64, ttl_secs: u64) {
        let ttl_ms = i64::try_from(ttl_secs.saturating_mul(1000)).unwrap_or(i64::MAX);
        self.entries
            .retain(|_, (_, created)| now_ms.saturating_sub(*created) < ttl_ms);
    }

    /// Keys older than `ttl_secs` are forgotten first.
    pub fn begin(&mut self, key: &str, now_ms: i64, ttl_secs: u64) -> Begin {
        self.expire(now_ms, ttl_secs);
        match self.entries.get(key) {
            None => {
                self.entries
                    .insert(key.to_owned(), (Entry::Outstanding, now_ms));
                Begin::Fresh
            }
            Some((Entry::Outstanding, _)) => {
                self.conflicts += 1;
                Begin::Outstanding
            }
            Some((Entry::Done(recorded), _)) => {
                self.replays += 1;
                Begin::Replay(recorded.clone())
            }
        }
    }

    /// Keys whose first request is still being processed: tests wait on this instead of
    /// guessing how long a request takes to arrive.
    pub fn outstanding(&self) -> usize {
        self.entries
            .values()
            .filter(|(entry, _)| matches!(entry, Entry::Outstanding))
            .count()
    }

    /// The first request finished: later ones replay this.
    pub fn finish(&mut self, key: &str, recorded: Recorded) {
        if let Some((entry, _)) = self.entries.get_mut(key) {
            *entry = Entry::Done(recorded);
        }
    }

    /// The first request ended without an answer to keep (it failed before the gateway
    /// acted): the key may be used again.
    pub fn abandon(&mut self, key: &str) {
        if let Some((Entry::Outstanding, _)) = self.entries.get(key) {
            self.entries.remove(key);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_rfc8941_strings_of_16_to_256_characters() {
        assert_eq!(
            parse_key("\"0123456789abcdef\"").unwrap(),
            "0123456789abcdef"
        );
        assert_eq!(
            parse_key(r#""with \"quote\" and \\ ok""#).unwrap(),
            "with \"quote\" and \\ ok"
        );
        let long = format!("\"{}\"", "k".repeat(256));
        assert!(parse_key(&long).is_ok());
        for bad in [
            "0123456789abcdef",
            "\"short\"",
            &format!("\"{}\"", "k".repeat(257)),
            "\"0123456789abcdef\u{e9}\"",
            "\"0123456789\"abcdef\"",
            "\"0123456789abcdef\\n\"",
        ] {
            assert!(parse_key(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn outstanding_then_replay_then_expiry() {
        let mut idem = Idempotency::default();
        assert!(matches!(idem.begin("k", 0, DEFAULT_TTL_SECS), Begin::Fresh));
        assert!(matches!(
            idem.begin("k", 1, DEFAULT_TTL_SECS),
            Begin::Outstanding
        ));
        let recorded = Recorded {
            status: 200,
            content_type: "application/json",
            body: Bytes::from_static(b"{}"),
        };
        idem.finish("k", recorded);
        assert!(
            matches!(idem.begin("k", 2, DEFAULT_TTL_SECS), Begin::Replay(r) if r.status == 200)
        );
        let after_ttl = (DEFAULT_TTL_SECS * 1000) as i64;
        assert!(matches!(
            idem.begin("k", after_ttl, DEFAULT_TTL_SECS),
            Begin::Fresh
        ));
        assert_eq!((idem.replays, idem.conflicts), (1, 1));
    }
}

//! Secrets (credentials and tokens): wiped from memory when dropped, never printed.
//! Logs and messages show them only as a fingerprint.

use std::fmt;

use ring::digest;
use zeroize::Zeroizing;

/// A credential or token. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(Zeroizing<String>);

impl Secret {
    pub fn new(value: String) -> Secret {
        Secret(Zeroizing::new(value))
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
    pub fn fingerprint(&self) -> String {
        fingerprint(self.expose())
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({})", self.fingerprint())
    }
}

/// A short, one-way fingerprint for logs: the first 8 hex digits of SHA-256.
pub fn fingerprint(value: &str) -> String {
    let d = digest::digest(&digest::SHA256, value.as_bytes());
    let mut out = String::with_capacity(11);
    out.push_str("fp:");
    for b in &d.as_ref()[..4] {
        out.push_str(&format!("{b:02x}"));
    }
    out
}

/// SHA-256 of several parts, each length-prefixed so that ("ab","c") ≠ ("a","bc").
pub fn digest_parts(parts: &[&[u8]]) -> [u8; 32] {
    let mut ctx = digest::Context::new(&digest::SHA256);
    for p in parts {
        ctx.update(&(p.len() as u64).to_le_bytes());
        ctx.update(p);
    }
    let mut out = [0u8; 32];
    out.copy_from_slice(ctx.finish().as_ref());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_only_a_fingerprint() {
        let s = Secret::new("my-very-secret".into());
        let shown = format!("{s:?}");
        assert!(!shown.contains("my-very-secret"));
        assert!(shown.starts_with("Secret(fp:"));
    }

    #[test]
    fn parts_are_delimited() {
        assert_ne!(digest_parts(&[b"ab", b"c"]), digest_parts(&[b"a", b"bc"]));
    }
}

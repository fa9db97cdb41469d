//! Issue 25, "trust nothing the browser says": the pure logic of payment verification
//! (look a payment up, compare it with what the shop expects, answer a verdict) and of
//! webhook verification (PortOne V2's Standard Webhooks signature, NICEPAY's
//! `signature`, PortOne V1's unsigned notice). Nothing here touches the network or names
//! a C type: `check` sends the lookups through the one call pipeline (tokens, the 401
//! retry) and hands the answers to [`payment::judge`]; `ffi::verify` is the C side.

pub mod amount;
pub(crate) mod check;
pub mod nicepay_webhook;
pub mod payment;
pub mod standard_webhooks;
pub mod webhook;

/// Why a verification could not even be attempted: a caller's mistake
/// (`Invalid`, `PAYTOKEN_E_INVALID_ARGUMENT`) or a gateway answer that is neither a
/// payment nor "not found" (`Gateway`, `PAYTOKEN_E_GATEWAY`). Never carries a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Invalid(String),
    Gateway {
        message: String,
        http_status: u16,
        code: String,
    },
}

impl Problem {
    pub fn invalid(message: impl Into<String>) -> Problem {
        Problem::Invalid(message.into())
    }
}

/// Constant-time equality of two byte strings (the length is not secret).
pub fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// One path segment, percent-encoded (ids come from the shop, the path goes to the gateway).
pub(crate) use crate::gateway::percent_encode as path_segment;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_encoded_as_one_segment() {
        assert_eq!(path_segment("order-1_a.b~"), "order-1_a.b~");
        assert_eq!(path_segment("a/b?c d"), "a%2Fb%3Fc%20d");
        assert_eq!(path_segment("주문"), "%EC%A3%BC%EB%AC%B8");
    }

    #[test]
    fn same_bytes_compares_everything() {
        assert!(same_bytes(b"abc", b"abc"));
        assert!(!same_bytes(b"abc", b"abd"));
        assert!(!same_bytes(b"abc", b"ab"));
    }
}

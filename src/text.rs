//! The one text decoder: a gateway answer's bytes as UTF-8 text.
//!
//! Every wrapper's `text()`/`json()` goes through `paytoken_response_text`, and the
//! gateway parsers use [`declared`] too, so there is one rule for what a charset label
//! means. The rule:
//!
//! 1. A `charset=` parameter in `Content-Type` names the encoding (WHATWG labels, so
//!    `euc-kr`, `ks_c_5601-1987`, `cp949`, `windows-949` all mean the same thing).
//!    WHATWG's EUC-KR *is* CP949 (UHC): the syllables plain EUC-KR cannot encode decode too.
//! 2. No label: UTF-8 when the bytes are UTF-8; otherwise EUC-KR when the client asked
//!    NICEPAY for `returnCharSet: euc-kr`; otherwise UTF-8.
//! 3. Bytes that are invalid in the chosen encoding become U+FFFD; a UTF-8 byte-order
//!    mark is dropped. Decoding never fails.

use std::borrow::Cow;

use encoding_rs::{Encoding, EUC_KR, UTF_8};

/// The encoding a `Content-Type` value declares, if it declares one we know.
pub fn declared(content_type: Option<&str>) -> Option<&'static Encoding> {
    let ct = content_type?;
    ct.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        if !name.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        let label = value.trim().trim_matches('"');
        Encoding::for_label(label.as_bytes()).or_else(|| korean_alias(label))
    })
}

/// Names Korean servers send that WHATWG does not list (Java's and Windows' names).
fn korean_alias(label: &str) -> Option<&'static Encoding> {
    ["cp949", "ms949", "euckr", "uhc", "x-windows-949"]
        .iter()
        .any(|a| a.eq_ignore_ascii_case(label))
        .then_some(EUC_KR)
}

/// The body as text, following the rule in the module comment.
pub fn decode<'a>(body: &'a [u8], content_type: Option<&str>, expect_euc_kr: bool) -> Cow<'a, str> {
    let encoding = match declared(content_type) {
        Some(e) => e,
        None if std::str::from_utf8(body).is_ok() => UTF_8,
        None if expect_euc_kr => EUC_KR,
        None => UTF_8,
    };
    // decode() sniffs a BOM first (and drops it), then replaces malformed sequences.
    encoding.decode(body).0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn euc_kr(s: &str) -> Vec<u8> {
        EUC_KR.encode(s).0.into_owned()
    }

    #[test]
    fn declared_labels_are_whatwg_labels() {
        for ct in [
            "application/json;charset=EUC-KR",
            "application/json; charset=\"euc-kr\"",
            "text/html; charset=ks_c_5601-1987",
            "text/plain;charset=cp949",
        ] {
            assert_eq!(declared(Some(ct)), Some(EUC_KR), "{ct}");
        }
        assert_eq!(declared(Some("application/json")), None);
        assert_eq!(declared(Some("application/json;charset=nonsense")), None);
        assert_eq!(declared(None), None);
    }

    #[test]
    fn cp949_only_syllables_decode() {
        // "똠" and "햏" exist in CP949 (UHC) but not in plain EUC-KR (KS X 1001).
        let bytes = euc_kr("{\"resultMsg\":\"똠방각하 햏\"}");
        let text = decode(&bytes, Some("application/json;charset=euc-kr"), false);
        assert_eq!(text, "{\"resultMsg\":\"똠방각하 햏\"}");
    }

    #[test]
    fn undeclared_bytes_follow_the_client_setting() {
        let bytes = euc_kr("결제 완료");
        assert_eq!(decode(&bytes, None, true), "결제 완료");
        assert!(decode(&bytes, None, false).contains('\u{FFFD}'));
        assert_eq!(decode("결제".as_bytes(), None, true), "결제");
    }

    #[test]
    fn invalid_bytes_are_replaced_and_a_bom_dropped() {
        assert_eq!(
            decode(b"ok\xff", Some("text/plain; charset=utf-8"), false),
            "ok\u{FFFD}"
        );
        assert_eq!(decode(b"\xEF\xBB\xBF{}", None, false), "{}");
    }
}

//! NICEPAY's webhook signature, as its manual defines it (api/hook.md, field
//! `signature`): `hex(sha256(tid + amount + ediDate + SecretKey))`, "only for valid
//! transactions". The amount is the body's integer as decimal text. Compared in
//! constant time, case-insensitively (hex).

use serde_json::{Map, Value};

use super::webhook::Refusal;
use super::{amount, same_bytes};

/// Checks the body's `signature` against its `tid`, `amount` and `ediDate`.
pub fn verify(event: &Map<String, Value>, secret_key: &str) -> Result<(), Refusal> {
    let text = |k: &str| {
        event
            .get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let (Some(tid), Some(edi_date)) = (text("tid"), text("ediDate")) else {
        return Err(Refusal::malformed(
            "the NICEPAY notice has no tid or ediDate",
        ));
    };
    let amount = event
        .get("amount")
        .and_then(amount::read)
        .ok_or_else(|| Refusal::malformed("the NICEPAY notice has no whole amount"))?;
    let Some(signature) = text("signature") else {
        return Err(Refusal::new(
            "unsigned",
            "the NICEPAY notice carries no signature (NICEPAY signs only valid transactions)",
        ));
    };
    let expected = sign(tid, &amount.to_string(), edi_date, secret_key);
    if !same_bytes(
        signature.to_ascii_lowercase().as_bytes(),
        expected.as_bytes(),
    ) {
        return Err(Refusal::new(
            "badSignature",
            "the NICEPAY signature does not match tid + amount + ediDate (tampered, or another merchant's key)",
        ));
    }
    Ok(())
}

/// lower-hex(sha256(tid + amount + ediDate + secretKey)).
pub fn sign(tid: &str, amount: &str, edi_date: &str, secret_key: &str) -> String {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    for part in [tid, amount, edi_date, secret_key] {
        ctx.update(part.as_bytes());
    }
    ctx.finish()
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn notice(signature: &str) -> Map<String, Value> {
        json!({"tid":"tid-1","amount":1004,"ediDate":"2026-12-02T10:00:00.000+0900","signature":signature,"status":"paid"})
            .as_object()
            .unwrap()
            .clone()
    }

    #[test]
    fn the_manuals_formula() {
        // hex(sha256("tid-1" + "1004" + ediDate + "key")), computed independently.
        let good = sign("tid-1", "1004", "2026-12-02T10:00:00.000+0900", "key");
        let digest = ring::digest::digest(
            &ring::digest::SHA256,
            b"tid-110042026-12-02T10:00:00.000+0900key",
        );
        let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(good, hex);
        assert_eq!(verify(&notice(&good), "key"), Ok(()));
        assert_eq!(verify(&notice(&good.to_uppercase()), "key"), Ok(()));
    }

    #[test]
    fn tampered_wrong_key_and_unsigned_are_refused() {
        let good = sign("tid-1", "1004", "2026-12-02T10:00:00.000+0900", "key");
        assert_eq!(
            verify(&notice(&good), "other").unwrap_err().code,
            "badSignature"
        );
        let mut more = notice(&good);
        more.insert("amount".into(), json!(100400));
        assert_eq!(verify(&more, "key").unwrap_err().code, "badSignature");
        let mut unsigned = notice(&good);
        unsigned.remove("signature");
        assert_eq!(verify(&unsigned, "key").unwrap_err().code, "unsigned");
        let mut no_tid = notice(&good);
        no_tid.remove("tid");
        assert_eq!(verify(&no_tid, "key").unwrap_err().code, "malformed");
        let err = verify(&notice("00"), "key-that-is-secret").unwrap_err();
        assert!(!err.message.contains("key-that-is-secret"));
    }
}

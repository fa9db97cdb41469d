//! PortOne V2 webhooks, signed the Standard Webhooks way: headers `webhook-id`,
//! `webhook-timestamp` (unix seconds), `webhook-signature` (space-separated
//! `v1,<base64>` entries; other versions are ignored), the signature being
//! HMAC-SHA256(key, "<id>.<timestamp>.<body>") where `key` is the base64 after the
//! secret's `whsec_` prefix. Checked as the reference libraries do: every header
//! present, the timestamp within the tolerance either way, then any `v1` signature equal
//! in constant time (ring's `hmac::verify`). The body is the exact bytes received: a BOM,
//! CRLF line ends or re-serialized JSON change them and are refused.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;

use super::webhook::Refusal;
use super::Problem;

/// The default tolerance of the reference libraries: 5 minutes either way.
pub(crate) const DEFAULT_TOLERANCE_SECS: i64 = 300;

/// The HMAC key of a webhook secret: `whsec_<base64>` (the bare base64 is accepted too,
/// as the reference libraries accept it). The message never shows the secret.
pub fn secret_key(secret: &str) -> Result<ring::hmac::Key, Problem> {
    let encoded = secret.strip_prefix("whsec_").unwrap_or(secret);
    let key = STANDARD.decode(encoded).map_err(|_| {
        Problem::invalid(
            "the webhook secret is not whsec_ followed by base64 (copy it from PortOne's console)",
        )
    })?;
    if key.is_empty() {
        return Err(Problem::invalid("the webhook secret is empty"));
    }
    Ok(ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key))
}

/// The three Standard Webhooks headers.
pub struct Headers<'a> {
    pub id: Option<&'a str>,
    pub timestamp: Option<&'a str>,
    pub signature: Option<&'a str>,
}

/// Checks the signature and the timestamp; `Ok((id, timestamp))` when the body is
/// authentic. `now` is unix seconds (injectable for tests).
pub fn verify(
    key: &ring::hmac::Key,
    headers: &Headers,
    body: &[u8],
    now: i64,
    tolerance_secs: i64,
) -> Result<(String, i64), Refusal> {
    let (Some(id), Some(timestamp), Some(signature)) =
        (headers.id, headers.timestamp, headers.signature)
    else {
        return Err(Refusal::malformed(
            "missing or repeated webhook-id, webhook-timestamp or webhook-signature header",
        ));
    };
    let ts: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| Refusal::malformed("webhook-timestamp is not unix seconds"))?;
    if now.saturating_sub(ts) > tolerance_secs {
        return Err(Refusal::new(
            "tooOld",
            format!(
                "webhook-timestamp is {} s old (tolerance {tolerance_secs} s)",
                now - ts
            ),
        ));
    }
    if ts.saturating_sub(now) > tolerance_secs {
        return Err(Refusal::new(
            "tooNew",
            format!(
                "webhook-timestamp is {} s in the future (tolerance {tolerance_secs} s)",
                ts - now
            ),
        ));
    }
    let mut signed = Vec::with_capacity(id.len() + timestamp.len() + body.len() + 2);
    signed.extend_from_slice(id.as_bytes());
    signed.push(b'.');
    signed.extend_from_slice(timestamp.as_bytes());
    signed.push(b'.');
    signed.extend_from_slice(body);
    let matches = signature
        .split(' ')
        .filter_map(|entry| entry.split_once(','))
        .filter(|(version, _)| *version == "v1")
        .filter_map(|(_, sig)| STANDARD.decode(sig).ok())
        .any(|tag| ring::hmac::verify(key, &signed, &tag).is_ok());
    if !matches {
        return Err(Refusal::new(
            "badSignature",
            "no v1 signature in webhook-signature matches the body (tampered, re-serialized, or another secret)",
        ));
    }
    Ok((id.to_owned(), ts))
}

#[cfg(test)]
#[path = "standard_webhooks_tests.rs"]
mod tests;

//! NICEPAY recovery: `sign` (NICEPAY's `signData`, computed inside the library so the
//! secret key never leaves it) and `netcancel` (the network cancel NICEPAY requires
//! within one hour of an approval whose outcome is unknown).

use serde_json::{json, Value};

use std::borrow::Cow;

use crate::call::options::CallOptions;
use crate::call::{Call, Client};
use crate::config::{Config, Credentials, Gateway};
use crate::error::{Error, Status};
use crate::transport::http::HttpResponse;

/// lower-hex(sha256(parts... + secretKey)) for a NICEPAY client.
pub(crate) fn sign(config: &Config, parts: &[&str]) -> Result<String, Error> {
    let Credentials::Nicepay { secret_key, .. } = &config.credentials else {
        return Err(Error::invalid(
            "client is not a NICEPAY client: signData is NICEPAY's",
        ));
    };
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    for part in parts {
        ctx.update(part.as_bytes());
    }
    ctx.update(secret_key.expose().as_bytes());
    let digest = ctx.finish();
    Ok(digest.as_ref().iter().map(|b| format!("{b:02x}")).collect())
}

pub(crate) fn now_unix_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Sends the network cancel and reads its outcome. Only invalid arguments are errors.
pub(crate) fn netcancel(
    client: &Client,
    order_id: &str,
    options_json: Option<&str>,
    now_unix_secs: i64,
) -> Result<Value, Error> {
    let config = &client.config;
    if config.gateway != Gateway::Nicepay {
        return Err(Error::invalid(
            "client is not a NICEPAY client: the network cancel is NICEPAY's",
        ));
    }
    if order_id.is_empty() {
        return Err(Error::invalid("order_id is empty"));
    }
    let options = CallOptions::parse(options_json)?;
    if options.idempotency_key.is_some() || options.retry_unknown_outcome.is_some() {
        return Err(Error::invalid(
            "options_json: the network cancel takes only \"timeoutMs\" (it is never resent by the library; call it again on \"retry\")",
        ));
    }
    let edi_date = crate::timestamp::format_kst(now_unix_secs);
    let sign_data = sign(config, &[order_id, &edi_date])?;
    let body = json!({"orderId": order_id, "ediDate": edi_date, "signData": sign_data}).to_string();
    let call = Call {
        method: "POST",
        path: Cow::Borrowed(PATH),
        headers: Vec::new(),
        body: Cow::Borrowed(body.as_bytes()),
        options,
    };
    Ok(match call.send(client) {
        Ok(sent) => read_answer(config, &sent.answer),
        Err(e) if e.status == Status::InvalidArgument => return Err(e),
        Err(e) => outcome("retry", &e.gateway_code, &e.message, e.http_status),
    })
}

const PATH: &str = "/v1/payments/netcancel";
/// NICEPAY's success.
const CANCELLED: &str = "0000";
/// The codes that mean there is nothing to cancel (the order has no approved payment:
/// never approved, or already cancelled). `2015` is what the simulator answers; the real
/// gateway's code for it is an assumption (the documents we have give none).
const NOTHING_TO_CANCEL: &[&str] = &["2015"];

/// Maps NICEPAY's answer to an outcome.
fn read_answer(config: &Config, answer: &HttpResponse) -> Value {
    let expect_euc_kr = config.return_charset == crate::config::Charset::EucKr;
    let text = crate::text::decode(&answer.body, answer.header("content-type"), expect_euc_kr);
    let fields: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
    let field = |k: &str| match fields.get(k) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let (code, mut msg) = (field("resultCode"), field("resultMsg"));
    if fields.is_null() {
        let excerpt: String = text.chars().take(120).collect();
        msg = format!("NICEPAY's answer is not JSON: {excerpt}");
    }
    let kind = match (answer.status, code.as_str()) {
        (200, CANCELLED) => "cancelled",
        (200..=499, c) if NOTHING_TO_CANCEL.contains(&c) => "notNeeded",
        _ => "retry",
    };
    outcome(kind, &code, &msg, answer.status)
}

fn outcome(kind: &str, code: &str, msg: &str, http_status: u16) -> Value {
    json!({"outcome": kind, "resultCode": code, "resultMsg": msg, "httpStatus": http_status})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_is_sha256_hex_of_parts_then_secret() {
        let config =
            Config::parse(r#"{"gateway":"nicepay","clientKey":"ck","secretKey":"sk"}"#).unwrap();
        // sha256("abc") with the secret "sk" appended: sha256("ab" + "c" + "sk")
        let expected = ring::digest::digest(&ring::digest::SHA256, b"abcsk");
        let hex: String = expected
            .as_ref()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(sign(&config, &["ab", "c"]).unwrap(), hex);
        let v2 = Config::parse(r#"{"gateway":"portone-v2","apiSecret":"s"}"#).unwrap();
        assert!(sign(&v2, &["x"]).is_err());
    }
}

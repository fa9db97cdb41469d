//! NICEPAY recovery: `paytoken_nicepay_sign` (NICEPAY's `signData`, computed inside the
//! library so the secret key never leaves it) and `paytoken_nicepay_netcancel` (the
//! network cancel NICEPAY requires within one hour of an approval whose outcome is
//! unknown).

use std::os::raw::c_char;

use serde_json::{json, Value};

use crate::call_options::CallOptions;
use crate::client::paytoken_client;
use crate::config::{Config, Credentials, Gateway};
use crate::error::{paytoken_error, paytoken_status, Error};
use crate::ffi::{self, ffi_fallible, try_out, try_ref};
use crate::http::HttpResponse;
use crate::request::Call;

/// At most this many parts are signed (NICEPAY's messages sign a handful of fields).
const MAX_PARTS: usize = 64;

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

/// Computes NICEPAY's `signData` for the fields a call needs: lower-case hex of
/// SHA-256 over `parts[0] + parts[1] + ... + parts[n_parts-1] + secretKey` (the
/// client's secret key appended last, as every NICEPAY message that carries `signData`
/// does; e.g. the network cancel signs `orderId, ediDate`). The secret key never leaves
/// the library. Release `*hex_out` (64 characters) with `paytoken_string_free`.
///
/// Errors: `PAYTOKEN_E_INVALID_ARGUMENT` for a NULL client or `hex_out`, a client that
/// is not NICEPAY, `parts` NULL with `n_parts > 0`, a NULL or non-UTF-8 part, or more
/// than 64 parts. `n_parts` may be 0 (the hash of the secret key alone). Thread-safe; no
/// I/O.
#[no_mangle]
pub extern "C" fn paytoken_nicepay_sign(
    client: *const paytoken_client,
    parts: *const *const c_char,
    n_parts: usize,
    hex_out: *mut *mut c_char,
    err: *mut paytoken_error,
) -> i32 {
    ffi_fallible!(err, {
        let client = try_ref!(client);
        try_out!(hex_out);
        if n_parts > MAX_PARTS {
            return Err(Error::invalid(format!(
                "n_parts is {n_parts}; at most {MAX_PARTS} parts are signed"
            )));
        }
        if n_parts > 0 && parts.is_null() {
            return Err(Error::invalid(format!(
                "parts is NULL but n_parts is {n_parts}"
            )));
        }
        let mut texts = Vec::with_capacity(n_parts);
        for i in 0..n_parts {
            // SAFETY: the caller's array of n_parts pointers, checked non-NULL above.
            let ptr = unsafe { *parts.add(i) };
            // SAFETY: NULL or the caller's NUL-terminated string.
            texts.push(unsafe { ffi::str_arg(ptr, &format!("parts[{i}]")) }?);
        }
        let hex = sign(&client.config, &texts)?;
        // SAFETY: checked non-NULL above.
        unsafe { *hex_out = ffi::into_c_string(&hex)? };
        Ok(())
    })
}

/// Sends NICEPAY's network cancel for `order_id`: `POST /v1/payments/netcancel` with
/// `{"orderId", "ediDate" (now, ISO 8601 with +09:00), "signData"}` (signData =
/// hex(sha256(orderId + ediDate + secretKey)), computed here) and the client's
/// authorization. Use it when an approval's outcome is unknown (a timeout or a network
/// error on `POST /v1/payments/{tid}`): NICEPAY requires it within ONE HOUR, and it
/// cancels the order's payment if the approval went through.
///
/// `options_json`: NULL or per-call options as for `paytoken_request_ex` (`timeoutMs`).
///
/// On `PAYTOKEN_OK`, `*result_json_out` (release with `paytoken_string_free`) is
/// `{"outcome":"cancelled"|"notNeeded"|"retry","resultCode":"…","resultMsg":"…","httpStatus":n}`:
/// - `"cancelled"`: NICEPAY cancelled the approved payment (resultCode `0000`).
/// - `"notNeeded"`: there was nothing to cancel (resultCode `2015`: the order has no
///   approved payment — the approval never happened, or it is already cancelled).
/// - `"retry"`: anything else — a timeout, a network error (`httpStatus` 0 and the
///   error's message in `resultMsg`), a 5xx, any other code. The cancel may not have
///   happened: call this again (the cancel is idempotent: a second one of a cancelled
///   order answers `notNeeded`) until you get one of the other two, within the hour.
///
/// Transport errors are never returned as errors here: one call always tells the shop
/// what to do next. Errors are only `PAYTOKEN_E_INVALID_ARGUMENT`: a NULL client,
/// `order_id` or `result_json_out`, an empty `order_id`, a client that is not NICEPAY,
/// malformed `options_json`. Blocks for up to the call's `timeoutMs`; thread-safe.
#[no_mangle]
pub extern "C" fn paytoken_nicepay_netcancel(
    client: *const paytoken_client,
    order_id: *const c_char,
    options_json: *const c_char,
    result_json_out: *mut *mut c_char,
    err: *mut paytoken_error,
) -> i32 {
    ffi_fallible!(err, {
        let client = try_ref!(client);
        try_out!(result_json_out);
        // SAFETY: NULL or the caller's NUL-terminated strings.
        let (order_id, options) = unsafe {
            (
                ffi::str_arg(order_id, "order_id")?,
                ffi::opt_str_arg(options_json, "options_json")?,
            )
        };
        let result = netcancel(client, order_id, options, now_unix_secs())?;
        // SAFETY: checked non-NULL above.
        unsafe { *result_json_out = ffi::into_c_string(&result.to_string())? };
        Ok(())
    })
}

pub(crate) fn now_unix_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

/// Sends the network cancel and reads its outcome. Only invalid arguments are errors.
fn netcancel(
    client: &paytoken_client,
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
        path: PATH,
        headers: Vec::new(),
        body: body.as_bytes(),
        options,
    };
    Ok(match call.send(client) {
        Ok(sent) => read_answer(config, &sent.answer),
        Err(e) if e.status == paytoken_status::PAYTOKEN_E_INVALID_ARGUMENT => return Err(e),
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

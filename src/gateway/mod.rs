//! What differs between the gateways: how a token is asked for, how its answer is read,
//! and how business requests are authorized. Everything else (cache, HTTP, retry) is
//! shared and lives outside this module.

mod nicepay;
mod portone_v1;
mod portone_v2;
// Also the verification lookups' path segments (src/verify).
pub(crate) use portone_v2::percent_encode;

#[cfg(feature = "fuzzing")]
pub(crate) use portone_v2::jwt_exp;

use base64::Engine as _;
use serde_json::Value;
use zeroize::Zeroizing;

use crate::config::{Charset, Config, Credentials, Gateway, Scheme};
use crate::error::Error;
use crate::secrets::redact;
use crate::secrets::secret::Secret;
use crate::transport::http::HttpResponse;

/// The longest token lifetime believed: a week (real ones are 30 minutes to a day). Beyond
/// it the answer is a lie or a bug, and caching it would pin a token that stops working.
const MAX_LIFETIME_MS: i64 = 7 * 86_400_000;

/// The token request of a gateway, ready to send.
pub struct TokenRequest {
    pub path: String,
    /// Header values may hold credentials: wiped on drop.
    pub headers: Vec<(&'static str, Zeroizing<String>)>,
    pub body: Zeroizing<Vec<u8>>,
}

/// A token as the gateway issued it, with its lifetime measured on the gateway's own
/// clock (expiry − now from the same answer).
#[derive(Debug)]
pub struct IssuedToken {
    pub token: Secret,
    pub lifetime_ms: i64,
    /// The gateway's expiry instant (ms since the epoch, its clock): tells whether a
    /// NICEPAY answer repeated the cached token with the same expiry.
    pub expiry_ms: i64,
}

pub fn token_request(config: &Config) -> TokenRequest {
    match config.gateway {
        Gateway::Nicepay => nicepay::token_request(config),
        Gateway::PortoneV1 => portone_v1::token_request(config),
        Gateway::PortoneV2 => portone_v2::token_request(config),
    }
}

pub fn parse_token_answer(config: &Config, answer: &HttpResponse) -> Result<IssuedToken, Error> {
    let issued = match config.gateway {
        Gateway::Nicepay => nicepay::parse_token_answer(config, answer),
        Gateway::PortoneV1 => portone_v1::parse_token_answer(config, answer),
        Gateway::PortoneV2 => portone_v2::parse_token_answer(config, answer),
    }
    .map_err(|e| redact_error(config, e))?;
    // This call now knows this token: scrub it from whatever text follows.
    redact::remember(&issued.token);
    if issued.lifetime_ms <= 0 {
        return Err(Error::gateway(format!(
            "{} issued a token that had already expired on arrival (expiry is {} ms before the gateway's own 'now')",
            config.gateway.display(),
            issued.lifetime_ms.saturating_neg()
        ))
        .with_http_status(answer.status));
    }
    if issued.lifetime_ms > MAX_LIFETIME_MS {
        return Err(Error::gateway(format!(
            "{} issued a token valid for {} s, which is absurd (gateways issue tokens for minutes or hours; at most {} days is believed)",
            config.gateway.display(),
            issued.lifetime_ms / 1000,
            MAX_LIFETIME_MS / 86_400_000
        ))
        .with_http_status(answer.status));
    }
    Ok(issued)
}

/// Whether asking again before expiry can yield a later expiry. NICEPAY returns the same
/// token with the same expiry, so an early refresh cannot help there.
pub fn renews_early(gateway: Gateway) -> bool {
    gateway != Gateway::Nicepay
}

/// The `Authorization` header value for a business request.
pub fn authorization(config: &Config, token: Option<&Secret>) -> Zeroizing<String> {
    match (config.scheme, &config.credentials, token) {
        (Scheme::Token, _, Some(t)) => prefixed("Bearer ", t),
        (
            Scheme::Basic,
            Credentials::Nicepay {
                client_key,
                secret_key,
            },
            _,
        ) => basic(client_key, secret_key),
        (Scheme::Secret, Credentials::PortoneV2 { api_secret }, _) => {
            prefixed("PortOne ", api_secret)
        }
        _ => unreachable!("config validation pairs schemes with credentials"),
    }
}

/// How to learn the outcome of a business request that may have reached the gateway
/// (a timeout or a lost connection): named in the error's message.
pub fn reconcile_advice(gateway: Gateway) -> &'static str {
    match gateway {
        Gateway::Nicepay => "NICEPAY network cancel",
        Gateway::PortoneV1 => "look the payment up by its merchant_uid",
        Gateway::PortoneV2 => "PortOne Idempotency-Key",
    }
}

/// The gateway's clock reading in a token answer (ms since the epoch, its clock):
/// expiry minus lifetime, as the lifetime was computed against it. PortOne V2's comes
/// from the `Date` header: without a usable one its lifetime was computed against the
/// local clock, so there is no reading.
pub fn clock_reading(config: &Config, answer: &HttpResponse, issued: &IssuedToken) -> Option<i64> {
    let read = config.gateway != Gateway::PortoneV2 || portone_v2::has_date(answer);
    read.then(|| issued.expiry_ms - issued.lifetime_ms)
}

/// The error for a business request that got 401 (after the one retry, for tokens).
pub fn unauthorized(config: &Config, answer: &HttpResponse, retried: bool) -> Error {
    let (code, msg) = error_fields(config, answer);
    let detail = describe_code(&code, &msg);
    let what = match config.scheme {
        Scheme::Token if retried => "refused a fresh token after one retry",
        Scheme::Token => "refused the token",
        Scheme::Basic | Scheme::Secret => "refused the credentials",
    };
    let hint = match config.gateway {
        Gateway::Nicepay if config.scheme == Scheme::Basic => ": check clientKey/secretKey, sandbox vs production, and that the secret key is of the Basic type (a Token-type key answers U103)",
        Gateway::Nicepay => ": check clientKey/secretKey and sandbox vs production",
        Gateway::PortoneV1 => ": check impKey/impSecret and the tier code",
        Gateway::PortoneV2 => ": check apiSecret and storeId",
    };
    redact_error(
        config,
        Error::auth(format!("{} {what}{detail}{hint}", config.gateway.display()))
            .with_http_status(answer.status)
            .with_gateway_code(code),
    )
}

/// The gateway's own error code and message from a JSON error body, decoded.
fn error_fields(config: &Config, answer: &HttpResponse) -> (String, String) {
    let Ok(text) = decode_text(config, answer) else {
        return (String::new(), String::new());
    };
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(&text) else {
        return (String::new(), String::new());
    };
    let field = |k: &str| match map.get(k) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    match config.gateway {
        Gateway::Nicepay => (field("resultCode"), field("resultMsg")),
        Gateway::PortoneV1 => (field("code"), field("message")),
        Gateway::PortoneV2 => (field("type"), field("message")),
    }
}

/// " (CODE message)" for a message, or "". The gateway's message is scrubbed before it is
/// cut, so that no fragment of a quoted secret survives the cut.
fn describe_code(code: &str, msg: &str) -> String {
    let mut whole = Zeroizing::new(msg.to_owned());
    redact::scrub(&mut whole);
    let msg: String = whole
        .chars()
        .filter(|c| !c.is_control())
        .take(200)
        .collect();
    match (code.is_empty(), msg.is_empty()) {
        (true, true) => String::new(),
        (false, true) => format!(" ({code})"),
        (true, false) => format!(" ({msg})"),
        (false, false) => format!(" ({code} {msg})"),
    }
}

/// The answer's text: EUC-KR when the answer says so (or NICEPAY was asked for it and the
/// bytes are not UTF-8), otherwise UTF-8.
pub fn decode_text(config: &Config, answer: &HttpResponse) -> Result<String, Error> {
    // The charset detection of paytoken_response_text (crate::text::declared), but only the
    // two charsets gateways use for token answers (another declared label is read as UTF-8),
    // and strict: a token answer with broken bytes is an error, not U+FFFD.
    let declared_euc_kr =
        crate::text::declared(answer.header("content-type")) == Some(encoding_rs::EUC_KR);
    match std::str::from_utf8(&answer.body) {
        Ok(s) if !declared_euc_kr => Ok(s.to_owned()),
        _ if declared_euc_kr || config.return_charset == Charset::EucKr => {
            let (text, _, had_errors) = encoding_rs::EUC_KR.decode(&answer.body);
            if had_errors {
                Err(Error::gateway(format!(
                    "{} answered with text that is not valid EUC-KR",
                    config.gateway.display()
                ))
                .with_http_status(answer.status))
            } else {
                Ok(text.into_owned())
            }
        }
        _ => Err(Error::gateway(format!(
            "{} answered with text that is not valid UTF-8",
            config.gateway.display()
        ))
        .with_http_status(answer.status)),
    }
}

/// The answer as a JSON object, or a gateway error that says what came instead.
fn json_object(
    config: &Config,
    answer: &HttpResponse,
) -> Result<serde_json::Map<String, Value>, Error> {
    let text = decode_text(config, answer)?;
    match serde_json::from_str::<Value>(&text) {
        Ok(Value::Object(map)) => Ok(map),
        _ => Err(Error::gateway(format!(
            "{} token endpoint answered HTTP {} with a body that is not the expected JSON object ({} bytes)",
            config.gateway.display(),
            answer.status,
            answer.body.len()
        ))
        .with_http_status(answer.status)),
    }
}

/// A token as text we can put in a header: printable ASCII, no spaces, sane length.
fn checked_token(config: &Config, value: Option<&Value>, field: &str) -> Result<Secret, Error> {
    match value {
        Some(Value::String(t))
            if !t.is_empty() && t.len() <= 8192 && t.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            Ok(Secret::new(t.clone()))
        }
        Some(Value::String(_)) => Err(Error::gateway(format!(
            "{} sent a {field} that is empty, too long or not printable ASCII",
            config.gateway.display()
        ))),
        _ => Err(Error::gateway(format!(
            "{} answered success without a {field}",
            config.gateway.display()
        ))),
    }
}

fn basic(user: &Secret, password: &Secret) -> Zeroizing<String> {
    // Sized up front: a growing String would leave its old buffer behind when it moves.
    let (user, password) = (user.expose(), password.expose());
    let mut plain = Zeroizing::new(String::with_capacity(user.len() + 1 + password.len()));
    plain.push_str(user);
    plain.push(':');
    plain.push_str(password);
    let mut header = Zeroizing::new(String::with_capacity(6 + plain.len().div_ceil(3) * 4));
    header.push_str("Basic ");
    base64::engine::general_purpose::STANDARD.encode_string(plain.as_bytes(), &mut header);
    header
}

/// `prefix` + `secret` in a wiping buffer sized up front (`Bearer <token>`,
/// `PortOne <apiSecret>`).
fn prefixed(prefix: &str, secret: &Secret) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(prefix.len() + secret.expose().len()));
    out.push_str(prefix);
    out.push_str(secret.expose());
    out
}

/// A JSON object of string fields (a token request body) in a wiping buffer sized for the
/// worst case of escaping, so it never moves while it is written.
fn json_body(fields: &[(&str, &str)]) -> Zeroizing<Vec<u8>> {
    let worst: usize = fields
        .iter()
        .map(|(k, v)| (k.len() + v.len()) * 6 + 6)
        .sum();
    let mut out = Zeroizing::new(Vec::with_capacity(worst + 2));
    out.push(b'{');
    for (i, (key, value)) in fields.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        // Writing a &str to a Vec cannot fail.
        let _ = serde_json::to_writer(&mut *out, key);
        out.push(b':');
        let _ = serde_json::to_writer(&mut *out, value);
    }
    out.push(b'}');
    out
}

/// Scrubs an error where it is made, so that a copy kept by the cache (and served to
/// other callers) is clean too; `redact::within` scrubs again on the way out.
fn redact_error(config: &Config, mut e: Error) -> Error {
    redact::scrub_error_for(config, &mut e);
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_bodies_are_json_with_escapes() {
        let body = json_body(&[("imp_key", "k\"1"), ("imp_secret", "s\\2")]);
        let value: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(
            value,
            serde_json::json!({"imp_key": "k\"1", "imp_secret": "s\\2"})
        );
        assert!(body.capacity() >= body.len());
    }

    #[test]
    fn basic_has_no_trailing_newline() {
        let h = basic(&Secret::new("ck".into()), &Secret::new("sk".into()));
        assert_eq!(h.as_str(), "Basic Y2s6c2s=");
    }

    #[test]
    fn euc_kr_answers_are_decoded() {
        let config = Config::parse(
            r#"{"gateway":"nicepay","clientKey":"k","secretKey":"s","returnCharSet":"euc-kr"}"#,
        )
        .unwrap();
        let (bytes, _, _) = encoding_rs::EUC_KR
            .encode("{\"resultCode\":\"U104\",\"resultMsg\":\"사용자 인증에 실패하였습니다\"}");
        let answer = HttpResponse {
            status: 401,
            headers: vec![(
                "content-type".into(),
                "application/json;charset=EUC-KR".into(),
            )],
            body: bytes.into_owned(),
        };
        let e = unauthorized(&config, &answer, false);
        assert_eq!(e.gateway_code, "U104");
        assert!(
            e.message.contains("사용자 인증에 실패하였습니다"),
            "{}",
            e.message
        );
    }
}

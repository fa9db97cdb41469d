//! NICEPAY: `POST /v1/access-token` with Basic credentials; ISO 8601 `expireAt`/`expiredAt`
//! and `now`; no renewal before expiry; `returnCharSet` may make the answer EUC-KR.

use serde_json::Value;
use zeroize::Zeroizing;

use super::{basic, checked_token, describe_code, json_object, IssuedToken, TokenRequest};
use crate::config::{Charset, Config, Credentials};
use crate::error::Error;
use crate::timestamp::parse_iso8601_ms;
use crate::transport::http::HttpResponse;

/// Result codes that mean the credentials themselves are wrong.
const CREDENTIAL_CODES: &[&str] = &["U101", "U104", "U116", "U117", "U304", "U103"];

pub fn token_request(config: &Config) -> TokenRequest {
    let Credentials::Nicepay {
        client_key,
        secret_key,
    } = &config.credentials
    else {
        unreachable!()
    };
    let charset = match config.return_charset {
        Charset::Utf8 => "utf-8",
        Charset::EucKr => "euc-kr",
    };
    TokenRequest {
        path: "/v1/access-token".into(),
        headers: vec![
            ("authorization", basic(client_key, secret_key)),
            (
                "content-type",
                Zeroizing::new("application/json;charset=utf-8".into()),
            ),
        ],
        body: Zeroizing::new(format!("{{\"returnCharSet\":\"{charset}\"}}").into_bytes()),
    }
}

pub fn parse_token_answer(config: &Config, answer: &HttpResponse) -> Result<IssuedToken, Error> {
    let fields = match json_object(config, answer) {
        Ok(f) => f,
        Err(e) if answer.status == 401 => {
            return Err(Error::auth(
                "NICEPAY refused the credentials (HTTP 401): check clientKey/secretKey and sandbox vs production",
            )
            .with_http_status(401)
            .with_gateway_code(e.gateway_code))
        }
        Err(e) => return Err(e),
    };
    let text = |k: &str| match fields.get(k) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    };
    let code = text("resultCode");
    let msg = text("resultMsg");
    if code != "0000" || answer.status != 200 {
        let detail = describe_code(&code, &msg);
        let e = if answer.status == 401
            || answer.status == 403
            || CREDENTIAL_CODES.contains(&code.as_str())
        {
            let hint = if code == "U103" {
                "this secret key cannot issue tokens (it is of the Basic type): use \"auth\": \"basic\""
            } else {
                "check clientKey/secretKey and sandbox vs production"
            };
            Error::auth(format!("NICEPAY refused the credentials{detail}: {hint}"))
        } else {
            Error::gateway(format!(
                "NICEPAY token request failed (HTTP {}){detail}",
                answer.status
            ))
        };
        return Err(e.with_http_status(answer.status).with_gateway_code(code));
    }
    let token = checked_token(config, fields.get("accessToken"), "accessToken")?;
    let expiry_text = fields.get("expireAt").or_else(|| fields.get("expiredAt"));
    let (Some(Value::String(expiry)), Some(Value::String(now))) = (expiry_text, fields.get("now"))
    else {
        return Err(
            Error::gateway("NICEPAY answered success without expireAt/expiredAt and now")
                .with_http_status(200),
        );
    };
    let (Some(expiry_ms), Some(now_ms)) = (parse_iso8601_ms(expiry), parse_iso8601_ms(now)) else {
        return Err(
            Error::gateway("NICEPAY sent an expiry or now that is not an ISO 8601 time")
                .with_http_status(200),
        );
    };
    Ok(IssuedToken {
        token,
        lifetime_ms: expiry_ms.saturating_sub(now_ms),
        expiry_ms,
    })
}

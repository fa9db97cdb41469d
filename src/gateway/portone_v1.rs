//! PortOne V1 (iamport): `POST /users/getToken` with the key and secret in JSON; unix
//! seconds `now` and `expired_at`; the same token extended by 5 minutes when asked in
//! its last minute.

use serde_json::Value;
use zeroize::Zeroizing;

use super::{checked_token, describe_code, json_body, json_object, IssuedToken, TokenRequest};
use crate::config::{Config, Credentials};
use crate::error::Error;
use crate::transport::http::HttpResponse;

pub fn token_request(config: &Config) -> TokenRequest {
    let Credentials::PortoneV1 {
        imp_key,
        imp_secret,
    } = &config.credentials
    else {
        unreachable!()
    };
    let body = json_body(&[
        ("imp_key", imp_key.expose()),
        ("imp_secret", imp_secret.expose()),
    ]);
    let mut headers = vec![(
        "content-type",
        Zeroizing::new("application/json".to_string()),
    )];
    if let Some(tier) = &config.tier {
        headers.push(("tier", Zeroizing::new(tier.clone())));
    }
    TokenRequest {
        path: "/users/getToken".into(),
        headers,
        body,
    }
}

pub fn parse_token_answer(config: &Config, answer: &HttpResponse) -> Result<IssuedToken, Error> {
    if answer.status == 401 || answer.status == 403 {
        let (code, msg) = json_object(config, answer)
            .map(|f| (num_or_text(f.get("code")), num_or_text(f.get("message"))))
            .unwrap_or_default();
        let detail = describe_code(&code, &msg);
        return Err(Error::auth(format!(
            "PortOne V1 refused impKey/impSecret{detail}: check them in the PortOne console"
        ))
        .with_http_status(answer.status)
        .with_gateway_code(code));
    }
    let fields = json_object(config, answer)?;
    let code = num_or_text(fields.get("code"));
    if answer.status != 200 || code != "0" {
        let detail = describe_code(&code, &num_or_text(fields.get("message")));
        return Err(Error::gateway(format!(
            "PortOne V1 token request failed (HTTP {}){detail}",
            answer.status
        ))
        .with_http_status(answer.status)
        .with_gateway_code(code));
    }
    let Some(Value::Object(inner)) = fields.get("response") else {
        return Err(
            Error::gateway("PortOne V1 answered code 0 without a response object")
                .with_http_status(200),
        );
    };
    let token = checked_token(config, inner.get("access_token"), "access_token")?;
    let (Some(now), Some(expired_at)) = (
        unix_secs(inner.get("now")),
        unix_secs(inner.get("expired_at")),
    ) else {
        return Err(
            Error::gateway("PortOne V1 answered without numeric now/expired_at")
                .with_http_status(200),
        );
    };
    Ok(IssuedToken {
        token,
        // Saturating: a hostile 1e300 must become "absurd", not wrap into a plausible value.
        lifetime_ms: expired_at.saturating_sub(now).saturating_mul(1000),
        expiry_ms: expired_at.saturating_mul(1000),
    })
}

fn num_or_text(v: Option<&Value>) -> String {
    match v {
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    }
}

fn unix_secs(v: Option<&Value>) -> Option<i64> {
    match v {
        Some(Value::Number(n)) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        Some(Value::String(s)) => s.trim().parse().ok(),
        _ => None,
    }
}

//! PortOne V2 token scheme: `POST /login/api-secret`; the JWT's `exp` is the only expiry
//! given, measured against the answer's `Date` header (the gateway's clock), or the local
//! wall clock when there is none. Re-login, never `/token/refresh`: a refresh would
//! expire the refresh token other processes hold.

use base64::Engine as _;
use serde_json::Value;
use zeroize::Zeroizing;

use super::{checked_token, describe_code, json_body, json_object, IssuedToken, TokenRequest};
use crate::config::{Config, Credentials};
use crate::error::Error;
use crate::timestamp::parse_http_date_secs;
use crate::transport::http::HttpResponse;

pub fn token_request(config: &Config) -> TokenRequest {
    let Credentials::PortoneV2 { api_secret } = &config.credentials else {
        unreachable!()
    };
    let mut path = String::from("/login/api-secret");
    if let Some(store) = &config.store_id {
        path.push_str("?storeId=");
        path.push_str(&percent_encode(store));
    }
    let body = json_body(&[("apiSecret", api_secret.expose())]);
    TokenRequest {
        path,
        headers: vec![(
            "content-type",
            Zeroizing::new("application/json".to_string()),
        )],
        body,
    }
}

pub fn parse_token_answer(config: &Config, answer: &HttpResponse) -> Result<IssuedToken, Error> {
    let fields = json_object(config, answer);
    let text = |k: &str| match fields.as_ref().ok().and_then(|f| f.get(k)) {
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    };
    if answer.status != 200 {
        let (code, msg) = (text("type"), text("message"));
        let detail = describe_code(&code, &msg);
        let e = if answer.status == 401 || answer.status == 403 {
            Error::auth(format!(
                "PortOne V2 refused the apiSecret{detail}: check apiSecret and storeId"
            ))
        } else {
            Error::gateway(format!(
                "PortOne V2 login failed (HTTP {}){detail}",
                answer.status
            ))
        };
        return Err(e.with_http_status(answer.status).with_gateway_code(code));
    }
    let fields = fields?;
    let token = checked_token(config, fields.get("accessToken"), "accessToken")?;
    let exp = jwt_exp(token.expose()).ok_or_else(|| {
        Error::gateway("PortOne V2 sent an accessToken whose JWT payload has no numeric exp")
            .with_http_status(200)
    })?;
    let now_secs = answer
        .header("date")
        .and_then(parse_http_date_secs)
        .unwrap_or_else(local_unix_secs);
    Ok(IssuedToken {
        token,
        lifetime_ms: exp.saturating_sub(now_secs).saturating_mul(1000),
        expiry_ms: exp.saturating_mul(1000),
    })
}

/// The `exp` claim of a JWT (its signature is the gateway's business, not ours).
/// Whether the answer carries a `Date` header this module reads the clock from.
pub(crate) fn has_date(answer: &HttpResponse) -> bool {
    answer
        .header("date")
        .and_then(parse_http_date_secs)
        .is_some()
}

pub(crate) fn jwt_exp(jwt: &str) -> Option<i64> {
    let payload = jwt.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload.trim_end_matches('='))
        .ok()?;
    let claims: Value = serde_json::from_slice(&bytes).ok()?;
    match claims.get("exp")? {
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        _ => None,
    }
}

fn local_unix_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

pub(crate) fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_exp_from_a_jwt() {
        let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .encode(br#"{"exp":1700000000,"iat":1}"#);
        assert_eq!(jwt_exp(&format!("h.{payload}.s")), Some(1_700_000_000));
        assert_eq!(jwt_exp("nodots"), None);
        assert_eq!(jwt_exp("a.!!!.c"), None);
    }
}

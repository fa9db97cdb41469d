//! PortOne V1 (iamport): `POST /users/getToken` (the same token while valid, extended by
//! 5 minutes when asked in its last minute) and the business APIs.

use serde_json::{json, Value};

use crate::exchange::{random_hex, Answer, Req};
use crate::state::{Credentials, Gateway, State};

/// Asked this close to expiry, the token is extended…
const EXTEND_WITHIN_MS: i64 = 60_000;
/// …by this much.
const EXTEND_BY_MS: i64 = 300_000;

pub const MALFORMED: &str = "{\"code\":0,\"message\":null,\"response\":{\"access_token\":\"";

fn error(status: u16, message: &str) -> Answer {
    Answer::json(
        status,
        &json!({"code": -1, "message": message, "response": null}),
    )
}

pub fn unauthorized() -> Answer {
    error(401, "Unauthenticated")
}

fn success(response: Value, echo: Option<Value>) -> Value {
    let mut body = json!({"code": 0, "message": null, "response": response});
    if let Some(echo) = echo {
        body["echo"] = echo;
    }
    body
}

/// `POST /users/getToken` with JSON or form-urlencoded `imp_key`/`imp_secret`.
pub fn token(st: &mut State, creds: &Credentials, req: &Req, expired: bool) -> Answer {
    let (Some(key), Some(secret)) = (req.body_field("imp_key"), req.body_field("imp_secret"))
    else {
        return error(401, "imp_key, imp_secret 파라미터가 누락되었습니다.");
    };
    if key != creds.imp_key || secret != creds.imp_secret {
        return error(401, "imp_key, imp_secret 정보가 올바르지 않습니다.");
    }
    let now = st.now_ms();
    // The gateway speaks whole seconds.
    let now_s = now.div_euclid(1000);
    let current = if expired {
        None
    } else {
        st.current_token(Gateway::PortoneV1, now)
    };
    let (token, expires_ms) = match current {
        Some(t) if t.expires_ms - now <= EXTEND_WITHIN_MS => {
            let extended = t.expires_ms + EXTEND_BY_MS;
            st.set_expiry(Gateway::PortoneV1, &t.value, extended);
            (t.value, extended)
        }
        Some(t) => (t.value, t.expires_ms),
        None => {
            let token = random_hex(40);
            let expires_ms = if expired {
                (now_s - 1) * 1000
            } else {
                (now_s * 1000).saturating_add(st.settings.ttl_ms())
            };
            st.issue(Gateway::PortoneV1, token.clone(), expires_ms, now);
            (token, expires_ms)
        }
    };
    let response =
        json!({"access_token": token, "now": now_s, "expired_at": expires_ms.div_euclid(1000)});
    Answer::json(200, &success(response, None))
}

/// Business APIs: `Bearer <token>` or the raw token.
pub fn api(st: &mut State, req: &Req) -> Answer {
    let now = st.now_ms();
    let token = req.authorization().map(|(scheme, credential)| {
        if scheme.eq_ignore_ascii_case("bearer") || scheme.is_empty() {
            credential
        } else {
            ""
        }
    });
    if !token.is_some_and(|t| st.is_live(Gateway::PortoneV1, t, now)) {
        return unauthorized();
    }
    let field = |name: &str| req.body_field(name).map(Value::from).unwrap_or(Value::Null);
    let response = match (
        req.method.as_str(),
        req.path
            .trim_start_matches('/')
            .split('/')
            .collect::<Vec<_>>()
            .as_slice(),
    ) {
        ("POST", ["payments", "cancel"]) => json!({
            "imp_uid": field("imp_uid"),
            "merchant_uid": field("merchant_uid"),
            "cancel_amount": field("amount"),
            "status": "cancelled",
        }),
        ("GET", ["payments", imp_uid]) => json!({
            "imp_uid": imp_uid,
            "merchant_uid": "sim_merchant_uid",
            "amount": 1004,
            "status": "paid",
        }),
        _ => json!({}),
    };
    Answer::json(200, &success(response, Some(req.echo())))
}

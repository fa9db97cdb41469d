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
    let implicit = st.settings.implicit_payments;
    match crate::portone_v1_payments::api(st, req, implicit) {
        Some(answer) if implicit => answer.with_echo(req.echo()),
        Some(answer) => answer,
        // implicit_payments: an endpoint the simulator does not model answers 200.
        None => Answer::json(200, &success(json!({}), Some(req.echo()))),
    }
}

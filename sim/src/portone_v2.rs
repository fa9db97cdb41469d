//! PortOne V2: `POST /login/api-secret` (a new JWT on every login; older ones stay valid
//! until their `exp`) and the business APIs (`PortOne <apiSecret>` or `Bearer <JWT>`).

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{json, Value};

use crate::exchange::{random_bytes, random_hex, Answer, Req};
use crate::idempotency::{parse_key, Begin};
use crate::portone_v2_payments;
use crate::server::Shared;
use crate::state::Endpoint;
use crate::state::{Credentials, Gateway, State};

pub const MALFORMED: &str = "{\"accessToken\":\"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.";

fn error(status: u16, kind: &str, message: &str) -> Answer {
    Answer::json(status, &json!({"type": kind, "message": message}))
}

pub fn unauthorized() -> Answer {
    error(401, "UNAUTHORIZED", "인증 정보가 올바르지 않습니다.")
}

/// Whether a credential looks like a JWT (how `/payments/...` is told apart from V1).
pub fn looks_like_jwt(credential: &str) -> bool {
    credential.starts_with("eyJ") && credential.split('.').count() == 3
}

/// `base64url(header).base64url(payload).base64url(random signature)`.
fn jwt(iat: i64, exp: i64) -> String {
    let header = URL_SAFE_NO_PAD.encode(r#"{"alg":"HS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(format!(r#"{{"iat":{iat},"exp":{exp},"sub":"sim"}}"#));
    let signature = URL_SAFE_NO_PAD.encode(random_bytes(32));
    format!("{header}.{payload}.{signature}")
}

/// `POST /login/api-secret` with `{"apiSecret": ...}`.
pub fn token(st: &mut State, creds: &Credentials, req: &Req, expired: bool) -> Answer {
    let secret = req.json_body().and_then(|v| {
        v.get("apiSecret")
            .and_then(Value::as_str)
            .map(str::to_owned)
    });
    let Some(secret) = secret else {
        return error(
            400,
            "INVALID_REQUEST",
            "apiSecret is required in a JSON body",
        );
    };
    if secret != creds.api_secret {
        return unauthorized();
    }
    let now = st.now_ms();
    let iat = now.div_euclid(1000);
    let ttl_s = st.settings.ttl_ms() / 1000;
    let exp = if expired {
        iat - 1
    } else {
        iat.saturating_add(ttl_s)
    };
    let token = jwt(iat, exp);
    st.issue(
        Gateway::PortoneV2,
        token.clone(),
        exp.saturating_mul(1000),
        now,
    );
    Answer::json(
        200,
        &json!({"accessToken": token, "refreshToken": random_hex(64)}),
    )
}

/// Whether the request carries the API secret or a live JWT.
pub fn authorized(st: &State, creds: &Credentials, req: &Req) -> bool {
    let now = st.now_ms();
    match req.authorization() {
        Some((scheme, secret)) if scheme.eq_ignore_ascii_case("portone") => {
            secret == creds.api_secret
        }
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => {
            st.is_live(Gateway::PortoneV2, token, now)
        }
        _ => false,
    }
}

/// Business APIs.
pub fn api(st: &mut State, creds: &Credentials, req: &Req) -> Answer {
    if !authorized(st, creds, req) {
        return unauthorized();
    }
    let implicit = st.settings.implicit_payments;
    match crate::portone_v2_payments::api(st, req, implicit) {
        Some(answer) if implicit => answer.with_echo(req.echo()),
        Some(answer) => answer,
        // implicit_payments: an endpoint the simulator does not model answers 200.
        None => Answer::json(200, &json!({"echo": req.echo()})),
    }
}

/// PortOne V2 business writes with an `Idempotency-Key`: `Ok(Some(key))` to process and
/// record, `Err(answer)` for a replay, a 409 while the first is outstanding, or a 400
/// for a malformed key. Unauthorized requests are left to the 401 of the gateway code.
pub fn idempotency_key(
    shared: &Shared,
    gateway: Gateway,
    endpoint: Endpoint,
    req: &Req,
) -> Result<Option<String>, Box<Answer>> {
    let writes = matches!(req.method.as_str(), "POST" | "PUT" | "PATCH" | "DELETE");
    let header = req.header("idempotency-key");
    let (Gateway::PortoneV2, Endpoint::Api, true, Some(header)) =
        (gateway, endpoint, writes, header)
    else {
        return Ok(None);
    };
    let mut st = shared.lock();
    if !authorized(&st, &shared.creds, req) {
        return Ok(None);
    }
    let key = match parse_key(header) {
        Ok(key) => key,
        // implicit_payments: older harnesses send free-form keys; they are ignored.
        Err(_) if st.settings.implicit_payments => return Ok(None),
        Err(message) => {
            return Err(Box::new(portone_v2_payments::error(
                400,
                "INVALID_REQUEST",
                &message,
            )))
        }
    };
    let (now, ttl) = (st.now_ms(), st.settings.idempotency_ttl_secs);
    match st.idempotency.begin(&key, now, ttl) {
        Begin::Fresh => Ok(Some(key)),
        Begin::Replay(r) => Err(Box::new(Answer::bytes(r.status, r.content_type, r.body))),
        Begin::Outstanding => Err(Box::new(portone_v2_payments::error(
            409,
            "IDEMPOTENCY_OUTSTANDING_REQUEST",
            "a request with this Idempotency-Key is still being processed",
        ))),
    }
}

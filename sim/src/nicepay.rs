//! NICEPAY: `POST /v1/access-token` (no renewal: the same token until it expires) and
//! the business APIs under `/v1/`, answered in UTF-8 or, on request, EUC-KR.

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::{json, Map, Value};

use crate::clock::nicepay_time;
use crate::exchange::{random_hex, Answer, Req};
use crate::state::{Credentials, Gateway, State};

const OK_MSG: &str = "정상 처리되었습니다.";

/// A NICEPAY failure: result code and its (Korean) message.
type Failure = (&'static str, &'static str);
// Codes and messages as NICEPAY's code table gives them (an empty key is a secret that
// does not match: U117).
pub const BAD_BASE64: Failure = ("U101", "BASE64 DECODE 실패");
pub const NO_CREDENTIALS: Failure = ("U304", "BASIC AUTHENTICATION 실패");
pub const EMPTY_KEY: Failure = ("U117", "사용자 비밀번호가 일치하지 않습니다.");
pub const UNKNOWN_CLIENT: Failure = ("U116", "사용자 정보가 존재하지 않습니다.");
const AUTH_FAILED: Failure = ("U104", "사용자 인증에 실패하였습니다.");
/// A bad, revoked or expired bearer token (NICEPAY's table: `U305`).
const BAD_BEARER: Failure = crate::nicepay_payments::codes::BAD_BEARER;

/// A JSON answer cut short (`malformed` fault).
pub const MALFORMED: &str = "{\"resultCode\":\"0000\",\"resultMsg\":\"정상 처리";

/// `returnCharSet: "euc-kr"` in the JSON body asks for an EUC-KR answer.
fn wants_euc_kr(req: &Req) -> bool {
    req.json_body()
        .and_then(|v| {
            v.get("returnCharSet")
                .and_then(Value::as_str)
                .map(|s| s.eq_ignore_ascii_case("euc-kr"))
        })
        .unwrap_or(false)
}

/// Every NICEPAY answer goes through here: the whole body in the asked charset.
fn respond(req: &Req, status: u16, value: &Value) -> Answer {
    if !wants_euc_kr(req) {
        return Answer::json(status, value);
    }
    let text = value.to_string();
    let (bytes, _, _) = encoding_rs::EUC_KR.encode(&text);
    Answer::bytes(
        status,
        "application/json;charset=EUC-KR",
        bytes.into_owned(),
    )
}

fn failure(req: &Req, status: u16, (code, msg): Failure) -> Answer {
    respond(req, status, &json!({"resultCode": code, "resultMsg": msg}))
}

/// The gateway's own 401 for a bad, revoked or expired bearer token.
pub fn unauthorized(req: &Req) -> Answer {
    failure(req, 401, BAD_BEARER)
}

/// Checks `Basic base64(clientKey:secretKey)` the way NICEPAY reports each mistake.
fn check_basic(creds: &Credentials, encoded: &str) -> Result<(), Failure> {
    let decoded = STANDARD.decode(encoded).map_err(|_| BAD_BASE64)?;
    let text = String::from_utf8(decoded).map_err(|_| BAD_BASE64)?;
    let (client_key, secret_key) = text.split_once(':').ok_or(NO_CREDENTIALS)?;
    if client_key.is_empty() || secret_key.is_empty() {
        return Err(EMPTY_KEY);
    }
    if client_key != creds.nicepay_client_key {
        return Err(UNKNOWN_CLIENT);
    }
    if secret_key != creds.nicepay_secret_key {
        return Err(AUTH_FAILED);
    }
    Ok(())
}

fn basic_credential(req: &Req) -> Result<&str, Failure> {
    match req.authorization() {
        Some((scheme, credential)) if scheme.eq_ignore_ascii_case("basic") => Ok(credential),
        _ => Err(NO_CREDENTIALS),
    }
}

/// `POST /v1/access-token`. `expired` (fault) issues a token already past its expiry.
pub fn token(st: &mut State, creds: &Credentials, req: &Req, expired: bool) -> Answer {
    if let Err(f) = basic_credential(req).and_then(|c| check_basic(creds, c)) {
        return failure(req, 401, f);
    }
    let now = st.now_ms();
    let current = if expired {
        None
    } else {
        st.current_token(Gateway::Nicepay, now)
    };
    let (token, expires_ms) = match current {
        // No renewal: the same token with the same expiry until it has expired.
        Some(t) => (t.value, t.expires_ms),
        None => {
            let token = random_hex(64);
            let expires_ms = if expired {
                now - 1000
            } else {
                now.saturating_add(st.settings.ttl_ms())
            };
            st.issue(Gateway::Nicepay, token.clone(), expires_ms, now);
            (token, expires_ms)
        }
    };
    let format = st.settings.nicepay_time_format;
    let mut body = Map::new();
    body.insert("resultCode".into(), json!("0000"));
    body.insert("resultMsg".into(), json!(OK_MSG));
    body.insert("accessToken".into(), json!(token));
    body.insert("tokenType".into(), json!("Bearer"));
    body.insert(
        st.settings.nicepay_expiry_field.into(),
        json!(nicepay_time(expires_ms, format)),
    );
    body.insert("now".into(), json!(nicepay_time(now, format)));
    respond(req, 200, &Value::Object(body))
}

/// Business APIs under `/v1/`: a live bearer token or valid Basic credentials.
pub fn api(st: &mut State, creds: &Credentials, req: &Req) -> Answer {
    let now = st.now_ms();
    let allowed = match req.authorization() {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => {
            if st.is_live(Gateway::Nicepay, token, now) {
                Ok(())
            } else {
                Err(BAD_BEARER)
            }
        }
        Some((scheme, encoded)) if scheme.eq_ignore_ascii_case("basic") => {
            check_basic(creds, encoded)
        }
        _ => Err(NO_CREDENTIALS),
    };
    if let Err(f) = allowed {
        return failure(req, 401, f);
    }
    let implicit = st.settings.implicit_payments;
    let (status, mut value) =
        crate::nicepay_payments::api(st, &creds.nicepay_secret_key, req, implicit)
            // implicit_payments: an endpoint the simulator does not model answers 200.
            .unwrap_or_else(|| (200, json!({"resultCode": "0000", "resultMsg": OK_MSG})));
    if implicit {
        value["echo"] = req.echo();
    }
    respond(req, status, &value)
}

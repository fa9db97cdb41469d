//! Injected faults (`POST /__sim/fault`): what they match and how they are parsed.
//! How each kind is acted out lives in `server.rs`, next to the normal answers.

use serde_json::{json, Map, Value};

use crate::exchange::{Answer, Req};
use crate::state::{Endpoint, Gateway};

pub const DEFAULT_DELAY_MS: u64 = 10_000;
pub const DEFAULT_OVERSIZED_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// Answer this HTTP status with the small HTML page a proxy in front of the gateway
    /// sends (`true`, the default), or in the gateway's JSON error shape.
    Status(u16, bool),
    /// The PG refused the request: PortOne V2 502 `PG_PROVIDER` with `pgCode` and
    /// `pgMessage`, V1 `code: 1` with the PG's message, NICEPAY the PG's result code.
    PgError { code: String, message: String },
    /// 401 with the gateway's own error body, even for a live token.
    Unauthorized,
    /// Wait this many milliseconds, then answer normally.
    Delay(u64),
    /// Wait until `POST /__sim/release` (`holds.rs`), then answer normally, or with
    /// this status as the `status` fault does (an HTML page).
    Hold(Option<u16>),
    /// Never answer.
    Hang,
    /// 200 with a JSON body cut short.
    Malformed,
    /// 200, `application/json`, bytes that are not UTF-8.
    Garbage,
    /// Close the connection without answering.
    Close,
    /// Announce more bytes than are sent, then close.
    Truncate,
    /// 200 with a streamed JSON body of this many bytes.
    Oversized(u64),
    /// Token endpoints: a token already expired on arrival. Business endpoints: 401, as
    /// for an expired token.
    Expired,
    /// The gateway processes the request (an approval or cancel takes effect, webhooks
    /// go out, an idempotency key records the answer), then never answers.
    ProcessThenHang,
    /// Processes the request, then closes the connection without answering.
    ProcessThenClose,
    /// A 3xx (`status`, default 302) with `Location: <location>` (a URL the test chose):
    /// a client that follows it sends the request, token and all, there.
    Redirect(u16, String),
    /// 401 in the gateway's error shape whose message quotes the request's
    /// `Authorization` header and body verbatim, as some gateways quote a bearer token.
    EchoCredentials,
}

/// The `echoCredentials` answer: the gateway's 401 shape, quoting what the client sent.
pub fn echo_credentials(gateway: Gateway, req: &Req) -> Answer {
    let quoted = format!(
        "rejected Authorization {:?} with body {:?}",
        req.header("authorization").unwrap_or(""),
        String::from_utf8_lossy(&req.body)
    );
    let body = match gateway {
        Gateway::Nicepay => json!({"resultCode": "U104", "resultMsg": quoted}),
        Gateway::PortoneV1 => json!({"code": -1, "message": quoted, "response": null}),
        Gateway::PortoneV2 => json!({"type": "UNAUTHORIZED", "message": quoted}),
    };
    Answer::json(401, &body)
}

/// The `status` answer: the gateway's own error shape for that status (or an HTML page).
pub fn status_answer(gateway: Gateway, status: u16, html: bool) -> Answer {
    if html {
        let page =
            format!("<html><body><h1>{status}</h1><p>paytoken-sim fault</p></body></html>\n");
        return Answer::bytes(status, "text/html;charset=utf-8", page);
    }
    let message = format!("paytoken-sim fault: HTTP {status}");
    let body = match gateway {
        Gateway::Nicepay => {
            let (code, msg) = match status {
                401 => ("U104", "사용자 인증에 실패하였습니다."),
                404 => ("U320", "페이지를 찾을 수 없습니다."),
                405 => ("U308", "Method Not Allowed."),
                _ => ("U501", "대외계 전문통신 과정에서 오류가 발생하였습니다."),
            };
            json!({"resultCode": code, "resultMsg": msg})
        }
        Gateway::PortoneV1 => json!({"code": -1, "message": message, "response": null}),
        Gateway::PortoneV2 => {
            let kind = match status {
                400 => "INVALID_REQUEST",
                401 => "UNAUTHORIZED",
                403 => "FORBIDDEN",
                404 => "NOT_FOUND",
                502 => {
                    return pg_error(Gateway::PortoneV2, "SIM502", "paytoken-sim fault: HTTP 502")
                }
                _ => "INTERNAL_SERVER_ERROR",
            };
            json!({"type": kind, "message": message})
        }
    };
    Answer::json(status, &body)
}

/// The `pg-error` answer: what each gateway says when the PG refused a request.
pub fn pg_error(gateway: Gateway, code: &str, message: &str) -> Answer {
    match gateway {
        Gateway::PortoneV2 => Answer::json(
            502,
            &json!({"type": "PG_PROVIDER", "message": format!("PG사에서 오류를 전달했습니다: {message}"),
                    "pgCode": code, "pgMessage": message}),
        ),
        Gateway::PortoneV1 => Answer::json(
            200,
            &json!({"code": 1, "message": format!("[{code}] {message}"), "response": null}),
        ),
        Gateway::Nicepay => Answer::json(200, &json!({"resultCode": code, "resultMsg": message})),
    }
}

/// The `redirect` answer: empty body, a real `Location`.
pub fn redirect(status: u16, location: &str) -> Answer {
    let mut answer = Answer::bytes(status, "text/plain;charset=utf-8", "moved\n");
    answer.location = Some(location.to_owned());
    answer
}

#[derive(Debug)]
pub struct Fault {
    pub id: u64,
    pub gateway: Option<Gateway>,
    pub endpoint: Option<Endpoint>,
    pub kind: FaultKind,
    /// Applications left; `None` = until cleared.
    pub remaining: Option<u64>,
    /// The request as given, echoed by `GET /__sim/fault`.
    spec: Map<String, Value>,
}

impl Fault {
    pub fn matches(&self, gateway: Gateway, endpoint: Endpoint) -> bool {
        self.gateway.is_none_or(|g| g == gateway) && self.endpoint.is_none_or(|e| e == endpoint)
    }

    pub fn to_json(&self) -> Value {
        let mut out = self.spec.clone();
        out.insert("id".into(), json!(self.id));
        out.insert("remaining".into(), json!(self.remaining));
        Value::Object(out)
    }

    /// Parses a fault object; the error says what is wrong, for the 400 answer.
    pub fn parse(value: &Value) -> Result<Fault, String> {
        const FIELDS: [&str; 11] = [
            "gateway",
            "endpoint",
            "kind",
            "count",
            "status",
            "delayMs",
            "bytes",
            "location",
            "body",
            "pgCode",
            "pgMessage",
        ];
        let spec = value.as_object().ok_or("a fault is a JSON object")?;
        if let Some(unknown) = spec.keys().find(|k| !FIELDS.contains(&k.as_str())) {
            return Err(format!(
                "unknown fault field {unknown:?} (known: {})",
                FIELDS.join(", ")
            ));
        }
        let text = |name: &str| -> Result<Option<&str>, String> {
            match spec.get(name) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) => Ok(Some(s)),
                Some(_) => Err(format!("{name:?} must be a string")),
            }
        };
        let number = |name: &str, default: u64| -> Result<u64, String> {
            match spec.get(name) {
                None | Some(Value::Null) => Ok(default),
                Some(v) => v
                    .as_u64()
                    .ok_or(format!("{name:?} must be a non-negative integer")),
            }
        };
        let gateway = match text("gateway")? {
            None => None,
            Some(name) => Some(Gateway::parse(name).ok_or(format!(
                "unknown gateway {name:?} (nicepay, portone-v1, portone-v2)"
            ))?),
        };
        let endpoint = match text("endpoint")? {
            None => None,
            Some("token") => Some(Endpoint::Token),
            Some("api") => Some(Endpoint::Api),
            Some(other) => return Err(format!("unknown endpoint {other:?} (token, api)")),
        };
        let kind = match text("kind")?.ok_or("\"kind\" is required")? {
            "status" => {
                let status = number("status", 503)?;
                // 1xx are not final answers; hyper would not send them as one.
                if !(200..=599).contains(&status) {
                    return Err("\"status\" must be between 200 and 599".into());
                }
                // HTML by default (what the library's suites expect of an outage page);
                // "json" for the gateway's own error shape.
                let html = match text("body")? {
                    None | Some("html") => true,
                    Some("json") => false,
                    Some(other) => return Err(format!("unknown body {other:?} (json, html)")),
                };
                FaultKind::Status(status as u16, html)
            }
            "pg-error" => FaultKind::PgError {
                code: text("pgCode")?.unwrap_or("F113").to_owned(),
                message: text("pgMessage")?
                    .unwrap_or("본인의 신용카드 확인중 오류가 발생하였습니다")
                    .to_owned(),
            },
            "unauthorized" => FaultKind::Unauthorized,
            "delay" => FaultKind::Delay(number("delayMs", DEFAULT_DELAY_MS)?),
            "hold" => match spec.get("status") {
                None | Some(Value::Null) => FaultKind::Hold(None),
                Some(_) => match number("status", 0)? {
                    s @ 200..=599 => FaultKind::Hold(Some(s as u16)),
                    _ => return Err("\"status\" must be between 200 and 599".into()),
                },
            },
            "hang" => FaultKind::Hang,
            "malformed" => FaultKind::Malformed,
            "garbage" => FaultKind::Garbage,
            "close" => FaultKind::Close,
            "truncate" => FaultKind::Truncate,
            "oversized" => FaultKind::Oversized(number("bytes", DEFAULT_OVERSIZED_BYTES)?),
            "expired" => FaultKind::Expired,
            "process-then-hang" => FaultKind::ProcessThenHang,
            "process-then-close" => FaultKind::ProcessThenClose,
            "redirect" => {
                let status = number("status", 302)?;
                if !(300..=399).contains(&status) {
                    return Err("a redirect's \"status\" must be between 300 and 399".into());
                }
                let location = text("location")?.ok_or("a redirect needs a \"location\"")?;
                if location.is_empty() || location.chars().any(char::is_control) {
                    return Err("\"location\" must be a non-empty URL".into());
                }
                FaultKind::Redirect(status as u16, location.to_owned())
            }
            "echoCredentials" => FaultKind::EchoCredentials,
            other => {
                return Err(format!(
                    "unknown fault kind {other:?} (status, unauthorized, delay, hold, hang, malformed, \
                     garbage, close, truncate, oversized, expired, process-then-hang, \
                     process-then-close, redirect, echoCredentials, pg-error)"
                ))
            }
        };
        let remaining = match number("count", 1)? {
            0 => None,
            n => Some(n),
        };
        Ok(Fault {
            id: 0,
            gateway,
            endpoint,
            kind,
            remaining,
            spec: spec.clone(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_validation() {
        let f = Fault::parse(&json!({"kind": "status"})).unwrap();
        assert_eq!(f.kind, FaultKind::Status(503, true));
        let f = Fault::parse(&json!({"kind": "status", "body": "json"})).unwrap();
        assert_eq!(f.kind, FaultKind::Status(503, false));
        assert_eq!(f.remaining, Some(1));
        assert!(f.matches(Gateway::PortoneV2, Endpoint::Api));
        let f = Fault::parse(
            &json!({"kind": "oversized", "count": 0, "gateway": "nicepay", "endpoint": "token"}),
        )
        .unwrap();
        assert_eq!(f.kind, FaultKind::Oversized(DEFAULT_OVERSIZED_BYTES));
        assert_eq!(f.remaining, None);
        assert!(f.matches(Gateway::Nicepay, Endpoint::Token));
        assert!(!f.matches(Gateway::Nicepay, Endpoint::Api));
        assert!(!f.matches(Gateway::PortoneV1, Endpoint::Token));
        let f =
            Fault::parse(&json!({"kind": "redirect", "location": "http://127.0.0.1:9/x"})).unwrap();
        assert_eq!(
            f.kind,
            FaultKind::Redirect(302, "http://127.0.0.1:9/x".into())
        );
        for bad in [
            json!({}),
            json!({"kind": "boom"}),
            json!({"kind": "status", "status": 42}),
            json!({"kind": "close", "gateway": "toss"}),
            json!({"kind": "close", "cnt": 2}),
            json!({"kind": "delay", "delayMs": -5}),
            json!({"kind": "redirect"}),
            json!({"kind": "redirect", "status": 200, "location": "http://127.0.0.1:1/"}),
            json!([1]),
        ] {
            assert!(Fault::parse(&bad).is_err(), "{bad} should be refused");
        }
    }
}

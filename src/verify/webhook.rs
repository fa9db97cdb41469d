//! Webhook verification across the three gateways: the request the shop passes, the
//! refusal, and the parsed event. PortOne V2 is checked by its signature
//! (`standard_webhooks`), NICEPAY by its `signature` field (`nicepay_webhook`); PortOne
//! V1 signs nothing, so its notice is only parsed here and the caller confirms it by
//! looking the payment up (see `verify_ffi.rs`).

use serde_json::{json, Map, Value};

use super::{nicepay_webhook, standard_webhooks, Problem};
use crate::config::Gateway;

/// Why a webhook is not accepted. `code`: `malformed`, `badSignature`, `tooOld`,
/// `tooNew`, `unsigned` (NICEPAY), `notFound`/`orderIdDiffers` (PortOne V1's lookup).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    pub code: &'static str,
    pub message: String,
}

impl Refusal {
    pub fn new(code: &'static str, message: impl Into<String>) -> Refusal {
        Refusal {
            code,
            message: message.into(),
        }
    }
    pub fn malformed(message: impl Into<String>) -> Refusal {
        Refusal::new("malformed", message)
    }
    pub fn to_json(&self, gateway: Gateway) -> Value {
        json!({"verified": false, "gateway": gateway.name(), "reason": self.code, "message": self.message})
    }
}

/// The shop's webhook request (`request_json`): `{"gateway"?, "secret"? (PortOne V2),
/// "headers"? (name → value, any case), "toleranceSecs"?, "nowUnixSecs"? (tests)}`.
pub struct WebhookRequest {
    pub gateway: Option<Gateway>,
    pub secret: Option<String>,
    pub headers: Vec<(String, String)>,
    pub tolerance_secs: i64,
    pub now_unix_secs: Option<i64>,
}

const KEYS: &[&str] = &[
    "gateway",
    "secret",
    "headers",
    "toleranceSecs",
    "nowUnixSecs",
];

impl WebhookRequest {
    pub fn parse(json: &str) -> Result<WebhookRequest, Problem> {
        let value: Value = serde_json::from_str(json)
            .map_err(|_| Problem::invalid("request_json is not a JSON object"))?;
        let map = value
            .as_object()
            .ok_or_else(|| Problem::invalid("request_json must be a JSON object"))?;
        if let Some(k) = map.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(Problem::invalid(format!(
                "request_json: unknown key {k:?} (gateway, secret, headers, toleranceSecs, nowUnixSecs)"
            )));
        }
        let gateway = match map.get("gateway") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(match s.as_str() {
                "nicepay" => Gateway::Nicepay,
                "portone-v1" => Gateway::PortoneV1,
                "portone-v2" => Gateway::PortoneV2,
                _ => {
                    return Err(Problem::invalid(
                        "request_json: \"gateway\" is nicepay, portone-v1 or portone-v2",
                    ))
                }
            }),
            Some(_) => {
                return Err(Problem::invalid(
                    "request_json: \"gateway\" must be a string",
                ))
            }
        };
        let secret = match map.get("secret") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            // Never echo the value: it may be the secret.
            Some(_) => {
                return Err(Problem::invalid(
                    "request_json: \"secret\" must be a string",
                ))
            }
        };
        let headers = match map.get("headers") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Object(h)) => header_list(h)?,
            Some(_) => {
                return Err(Problem::invalid(
                    "request_json: \"headers\" must be an object",
                ))
            }
        };
        let integer = |k: &str| match map.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v.as_i64().map(Some).ok_or_else(|| {
                Problem::invalid(format!("request_json: \"{k}\" must be an integer"))
            }),
        };
        let tolerance_secs =
            integer("toleranceSecs")?.unwrap_or(standard_webhooks::DEFAULT_TOLERANCE_SECS);
        if tolerance_secs < 0 {
            return Err(Problem::invalid(
                "request_json: \"toleranceSecs\" must be 0 or more",
            ));
        }
        Ok(WebhookRequest {
            gateway,
            secret,
            headers,
            tolerance_secs,
            now_unix_secs: integer("nowUnixSecs")?,
        })
    }

    /// A header's value, the name matched in any case (frameworks differ). A header
    /// given more than once is `None`, as PortOne's SDK refuses it: which copy was signed?
    pub fn header(&self, name: &str) -> Option<&str> {
        let mut found = self
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name));
        match (found.next(), found.next()) {
            (Some((_, v)), None) => Some(v.as_str()),
            _ => None,
        }
    }
}

fn header_list(h: &Map<String, Value>) -> Result<Vec<(String, String)>, Problem> {
    let mut out = Vec::new();
    for (name, value) in h {
        match value {
            Value::String(v) => out.push((name.clone(), v.clone())),
            // Frameworks hand over a header as a list of its values (Spring, Laravel):
            // each value counts, so a repeated header stays detectable.
            Value::Array(list) if list.iter().all(Value::is_string) => out.extend(
                list.iter()
                    .filter_map(Value::as_str)
                    .map(|v| (name.clone(), v.to_owned())),
            ),
            _ => {
                return Err(Problem::invalid(format!(
                    "request_json: header {name:?} must be a string or a list of strings"
                )))
            }
        }
    }
    Ok(out)
}

/// PortOne V2: the signature, then the body as an event.
pub fn verify_portone_v2(
    request: &WebhookRequest,
    body: &[u8],
    now: i64,
) -> Result<Result<Value, Refusal>, Problem> {
    let secret = request.secret.as_deref().ok_or_else(|| {
        Problem::invalid(
            "request_json: \"secret\" (the webhook secret, whsec_...) is required for PortOne V2",
        )
    })?;
    let key = standard_webhooks::secret_key(secret)?;
    let headers = standard_webhooks::Headers {
        id: request.header("webhook-id"),
        timestamp: request.header("webhook-timestamp"),
        signature: request.header("webhook-signature"),
    };
    Ok(standard_webhooks::verify(&key, &headers, body, now, request.tolerance_secs)
        .and_then(|(id, ts)| {
            let event = parse_json(body)?;
            Ok(json!({
                "verified": true,
                "gateway": "portone-v2",
                "webhookId": id,
                "webhookTimestamp": ts,
                "type": event.get("type").cloned().unwrap_or(Value::Null),
                "paymentId": event.get("data").and_then(|d| d.get("paymentId")).cloned().unwrap_or(Value::Null),
                "timestamp": event.get("timestamp").cloned().unwrap_or(Value::Null),
                "data": event.get("data").cloned().unwrap_or(Value::Null),
            }))
        }))
}

/// NICEPAY: `signature` over the body's own fields with the client's secret key.
pub fn verify_nicepay(body: &[u8], secret_key: &str) -> Result<Value, Refusal> {
    let event = parse_json(body)?;
    nicepay_webhook::verify(&event, secret_key)?;
    Ok(json!({
        "verified": true,
        "gateway": "nicepay",
        "webhookId": Value::Null,
        "type": event.get("status").cloned().unwrap_or(Value::Null),
        "paymentId": event.get("tid").cloned().unwrap_or(Value::Null),
        "orderId": event.get("orderId").cloned().unwrap_or(Value::Null),
        "timestamp": event.get("ediDate").cloned().unwrap_or(Value::Null),
        "data": event,
    }))
}

/// PortOne V1's notice, `{"imp_uid","merchant_uid","status"}` as JSON or a form: the
/// ids to look up. It is unsigned: nothing in it is believed until the lookup.
pub fn portone_v1_notice(body: &[u8]) -> Result<(String, Option<String>), Refusal> {
    let fields: Map<String, Value> = match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => m,
        _ => std::str::from_utf8(body)
            .ok()
            .map(form_fields)
            .ok_or_else(|| Refusal::malformed("the body is neither JSON nor a form"))?,
    };
    let field = |k: &str| {
        fields
            .get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let imp_uid =
        field("imp_uid").ok_or_else(|| Refusal::malformed("the notice has no imp_uid"))?;
    Ok((imp_uid, field("merchant_uid")))
}

fn form_fields(text: &str) -> Map<String, Value> {
    text.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(k, v)| (decode_form(k), Value::String(decode_form(v))))
        .collect()
}

fn decode_form(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h * 16 + l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(b: u8) -> Option<u8> {
    (b as char).to_digit(16).map(|d| d as u8)
}

/// The body as a JSON object, exactly as received (a BOM is not JSON).
fn parse_json(body: &[u8]) -> Result<Map<String, Value>, Refusal> {
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(Refusal::malformed("the body is not a JSON object")),
    }
}

#[cfg(test)]
#[path = "webhook_tests.rs"]
mod tests;

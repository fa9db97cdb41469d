//! The test-facing admin API under `/__sim/`. Strict on purpose: a typo in a test's
//! fault or config is a 400 that names the field, not a silently ignored setting.

use serde_json::{json, Map, Value};

use crate::admin_payments;
use crate::clock::NicepayTimeFormat;
use crate::exchange::Answer;
use crate::faults::Fault;
use crate::state::{Gateway, Settings, State};
use crate::webhook_order::ReleaseOrder;

fn parse_json(body: &[u8]) -> Result<Value, String> {
    serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))
}

pub fn handle(st: &mut State, method: &str, path: &str, body: &[u8]) -> Answer {
    let result = match (method, path) {
        ("GET", "/__sim/stats") => Ok(st.stats_json()),
        ("POST", "/__sim/payments") => {
            parse_json(body).and_then(|v| admin_payments::create(st, &v))
        }
        ("GET", "/__sim/payments") => Ok(admin_payments::list(st)),
        ("POST", "/__sim/payments/update") => {
            parse_json(body).and_then(|v| admin_payments::update(st, &v))
        }
        ("POST", "/__sim/webhooks") => parse_json(body).and_then(|v| st.webhooks.register(&v)),
        ("GET", "/__sim/webhooks") => Ok(st.webhooks.to_json()),
        ("POST", "/__sim/webhooks/hold") => Ok(st.webhooks.order.hold()),
        ("POST", "/__sim/webhooks/release") => {
            ReleaseOrder::from_body(body).map(|order| st.webhooks.release(order))
        }
        ("GET", "/__sim/last-request") => match &st.last_request {
            Some(record) => Ok(record.clone()),
            None => return Answer::json(404, &json!({"error": "no business request yet"})),
        },
        ("POST", "/__sim/reset") => {
            st.reset();
            Ok(json!({"reset": true}))
        }
        ("POST", "/__sim/fault") => add_fault(st, body),
        ("POST", "/__sim/release") => Ok(st.holds.release()),
        ("DELETE", "/__sim/fault") => {
            st.clear_faults();
            Ok(json!({"cleared": true}))
        }
        ("GET", "/__sim/fault") => Ok(st.faults_json()),
        ("POST", "/__sim/revoke") => revoke(st, body),
        ("POST", "/__sim/config") => configure(st, body),
        ("GET", "/__sim/config") => Ok(st.settings.to_json()),
        (
            _,
            "/__sim/stats"
            | "/__sim/last-request"
            | "/__sim/reset"
            | "/__sim/fault"
            | "/__sim/release"
            | "/__sim/revoke"
            | "/__sim/config"
            | "/__sim/payments"
            | "/__sim/payments/update"
            | "/__sim/webhooks"
            | "/__sim/webhooks/hold"
            | "/__sim/webhooks/release",
        ) => {
            return Answer::json(
                405,
                &json!({"error": format!("{method} is not allowed on {path}")}),
            )
        }
        _ => return Answer::json(404, &json!({"error": format!("no admin endpoint {path}")})),
    };
    match result {
        Ok(value) => Answer::json(200, &value),
        Err(message) => Answer::json(400, &json!({"error": message})),
    }
}

fn add_fault(st: &mut State, body: &[u8]) -> Result<Value, String> {
    let fault = Fault::parse(&parse_json(body)?)?;
    Ok(json!({"id": st.add_fault(fault)}))
}

fn revoke(st: &mut State, body: &[u8]) -> Result<Value, String> {
    let value = parse_json(body)?;
    let name = value
        .get("gateway")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let gateway =
        Gateway::parse(name).ok_or("\"gateway\" must be nicepay, portone-v1 or portone-v2")?;
    Ok(json!({"revoked": st.revoke(gateway)}))
}

/// Applies any subset of the settings, all or nothing; answers the resulting settings.
fn configure(st: &mut State, body: &[u8]) -> Result<Value, String> {
    let value = parse_json(body)?;
    let fields: &Map<String, Value> = value.as_object().ok_or("config is a JSON object")?;
    let mut next: Settings = st.settings.clone();
    for (name, v) in fields {
        let bad_type = |what: &str| format!("{name:?} must be {what}");
        match name.as_str() {
            "tokenTtlSecs" => {
                next.token_ttl_secs = v
                    .as_u64()
                    .ok_or_else(|| bad_type("a non-negative integer"))?
            }
            "clockOffsetSecs" => {
                next.clock_offset_secs = v.as_i64().ok_or_else(|| bad_type("an integer"))?
            }
            "delayMs" => {
                next.delay_ms = v
                    .as_u64()
                    .ok_or_else(|| bad_type("a non-negative integer"))?
            }
            "nicepayExpiryField" => {
                next.nicepay_expiry_field = match v.as_str() {
                    Some("expireAt") => "expireAt",
                    Some("expiredAt") => "expiredAt",
                    _ => return Err(bad_type("\"expireAt\" or \"expiredAt\"")),
                }
            }
            "nicepayTimeFormat" => {
                next.nicepay_time_format = v
                    .as_str()
                    .and_then(NicepayTimeFormat::parse)
                    .ok_or_else(|| bad_type("\"+0900\", \"+09:00\", \"Z\" or \"nofrac\""))?
            }
            "implicitPayments" => {
                next.implicit_payments = v.as_bool().ok_or_else(|| bad_type("true or false"))?
            }
            "webhookRetryDelaysMs" => {
                next.webhook_retry_delays_ms = v
                    .as_array()
                    .and_then(|a| a.iter().map(Value::as_u64).collect::<Option<Vec<_>>>())
                    .filter(|a| a.len() <= 100)
                    .ok_or_else(|| bad_type("an array of at most 100 non-negative integers"))?
            }
            "webhookTimeoutMs" => {
                next.webhook_timeout_ms = v
                    .as_u64()
                    .filter(|ms| *ms > 0)
                    .ok_or_else(|| bad_type("a positive integer"))?
            }
            "idempotencyTtlSecs" => {
                next.idempotency_ttl_secs = v
                    .as_u64()
                    .ok_or_else(|| bad_type("a non-negative integer"))?
            }
            _ => {
                return Err(format!(
                    "unknown config field {name:?} (tokenTtlSecs, clockOffsetSecs, delayMs, \
                     nicepayExpiryField, nicepayTimeFormat, implicitPayments, \
                     webhookRetryDelaysMs, webhookTimeoutMs, idempotencyTtlSecs)"
                ))
            }
        }
    }
    st.settings = next;
    Ok(st.settings.to_json())
}

//! Payment verification: which lookup to send for the shop's request, and the verdict
//! that compares the gateway's answer with what the shop expects. The caller sends the
//! lookup (so tokens and the 401 retry apply) and passes the answer to [`judge`].
//!
//! Request (JSON): `{"paymentId"?, "orderId"?, "orderDate"?, "amount", "currency"?}` —
//! `paymentId` is the gateway's id (V2 `paymentId`, V1 `imp_uid`, NICEPAY `tid`); without
//! it the payment is found by the shop's `orderId` (V1 `merchant_uid`, NICEPAY `orderId`
//! with `orderDate` YYYYMMDD; a V2 payment id *is* the shop's id). With both, `orderId`
//! is an expectation.

use serde_json::{json, Map, Value};

use super::{amount, path_segment, Problem};
use crate::config::Gateway;

/// What the shop asked to check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expectation {
    pub payment_id: Option<String>,
    pub order_id: Option<String>,
    pub order_date: Option<String>,
    pub amount: i64,
    pub currency: Option<String>,
}

const KEYS: &[&str] = &["paymentId", "orderId", "orderDate", "amount", "currency"];

impl Expectation {
    pub fn parse(json: &str) -> Result<Expectation, Problem> {
        let value: Value = serde_json::from_str(json)
            .map_err(|e| Problem::invalid(format!("request_json is not JSON: {e}")))?;
        let map = value
            .as_object()
            .ok_or_else(|| Problem::invalid("request_json must be a JSON object"))?;
        if let Some(k) = map.keys().find(|k| !KEYS.contains(&k.as_str())) {
            return Err(Problem::invalid(format!(
                "request_json: unknown key {k:?} (paymentId, orderId, orderDate, amount, currency)"
            )));
        }
        let text = |k: &str| -> Result<Option<String>, Problem> {
            match map.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
                Some(_) => Err(Problem::invalid(format!(
                    "request_json: \"{k}\" must be a non-empty string"
                ))),
            }
        };
        let amount = map
            .get("amount")
            .ok_or_else(|| {
                Problem::invalid(
                    "request_json: \"amount\" (the amount the shop expects) is required",
                )
            })
            .and_then(|v| {
                amount::read(v).ok_or_else(|| {
                    Problem::invalid("request_json: \"amount\" must be a whole number (e.g. 1000)")
                })
            })?;
        let e = Expectation {
            payment_id: text("paymentId")?,
            order_id: text("orderId")?,
            order_date: text("orderDate")?,
            amount,
            currency: text("currency")?,
        };
        if e.payment_id.is_none() && e.order_id.is_none() {
            return Err(Problem::invalid(
                "request_json: give \"paymentId\" (the gateway's id) or \"orderId\" (the shop's)",
            ));
        }
        Ok(e)
    }

    /// The `GET` path that looks the payment up on `gateway`.
    pub fn lookup_path(&self, gateway: Gateway, store_id: Option<&str>) -> Result<String, Problem> {
        let by_id = self.payment_id.as_deref();
        let order = self.order_id.as_deref().unwrap_or_default();
        Ok(match (gateway, by_id) {
            (Gateway::PortoneV2, id) => {
                let mut path = format!("/payments/{}", path_segment(id.unwrap_or(order)));
                if let Some(store) = store_id {
                    path.push_str(&format!("?storeId={}", path_segment(store)));
                }
                path
            }
            (Gateway::PortoneV1, Some(id)) => format!("/payments/{}", path_segment(id)),
            (Gateway::PortoneV1, None) => format!("/payments/find/{}", path_segment(order)),
            (Gateway::Nicepay, Some(id)) => format!("/v1/payments/{}", path_segment(id)),
            (Gateway::Nicepay, None) => {
                let date = self
                    .order_date
                    .as_deref()
                    .filter(|d| d.len() == 8 && d.bytes().all(|b| b.is_ascii_digit()));
                let date = date.ok_or_else(|| {
                    Problem::invalid(
                        "request_json: NICEPAY finds a payment by orderId only with \"orderDate\" (YYYYMMDD)",
                    )
                })?;
                format!("/v1/payments/find/{}?orderDate={date}", path_segment(order))
            }
        })
    }
}

/// The fields every gateway's payment has, normalized.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Found {
    payment_id: Option<String>,
    order_id: Option<String>,
    status: &'static str,
    amount: Option<i64>,
    cancelled_amount: i64,
    currency: Option<String>,
}

/// The verdict on the gateway's answer (`http_status`, the body as text). A payment or
/// "not found" is a verdict; any other answer is a [`Problem::Gateway`].
pub fn judge(
    gateway: Gateway,
    expected: &Expectation,
    http_status: u16,
    body: &str,
) -> Result<Value, Problem> {
    let raw: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let found = match read_answer(gateway, http_status, &raw)? {
        Some(found) => found,
        None => {
            return Ok(verdict(
                gateway,
                "notFound",
                vec![reason(
                    "notFound",
                    format!("{} has no such payment", gateway.display()),
                )],
                None,
                http_status,
                raw,
            ))
        }
    };
    let mut reasons = Vec::new();
    match found.status {
        "paid" => {}
        "cancelled" => reasons.push(reason("cancelled", "the payment was cancelled".into())),
        "partialCancelled" => {
            let mut r = reason(
                "partiallyCancelled",
                format!("{} of the payment was refunded", found.cancelled_amount),
            );
            r["cancelledAmount"] = json!(found.cancelled_amount);
            reasons.push(r);
        }
        other => reasons.push(reason(
            "notPaid",
            format!("the payment is {other}, not paid"),
        )),
    }
    match found.amount {
        Some(a) if a == expected.amount => {}
        actual => {
            let mut r = reason(
                "amountDiffers",
                match actual {
                    Some(a) => {
                        format!("the gateway says {a}, the shop expects {}", expected.amount)
                    }
                    None => "the gateway's answer has no readable amount".into(),
                },
            );
            r["expected"] = json!(expected.amount);
            r["actual"] = json!(actual);
            reasons.push(r);
        }
    }
    if let Some(want) = &expected.currency {
        if found.currency.as_deref().map(str::to_ascii_uppercase) != Some(want.to_ascii_uppercase())
        {
            reasons.push(differs("currencyDiffers", want, &found.currency));
        }
    }
    // orderId is an expectation when the payment was looked up by the gateway's id.
    if let (Some(_), Some(want)) = (&expected.payment_id, &expected.order_id) {
        if found.order_id.as_deref() != Some(want.as_str()) {
            reasons.push(differs("orderIdDiffers", want, &found.order_id));
        }
    }
    let mut out = verdict(
        gateway,
        found.status,
        reasons,
        Some(&found),
        http_status,
        raw,
    );
    out["amount"] = json!(found.amount);
    Ok(out)
}

/// The payment a lookup answered, normalized (`None`: the gateway has no such payment),
/// for a notice that carries no amount to expect (PortOne V1's webhook).
pub fn describe(gateway: Gateway, http_status: u16, body: &str) -> Result<Option<Value>, Problem> {
    let raw: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    Ok(read_answer(gateway, http_status, &raw)?.map(|f| {
        json!({
            "status": f.status,
            "paymentId": f.payment_id,
            "orderId": f.order_id,
            "amount": f.amount,
            "cancelledAmount": f.cancelled_amount,
            "currency": f.currency,
            "raw": raw,
        })
    }))
}

/// A text field that is not what the shop expects, with both values.
fn differs(code: &str, want: &str, actual: &Option<String>) -> Value {
    let mut r = reason(
        code,
        format!("the gateway says {actual:?}, the shop expects {want:?}"),
    );
    r["expected"] = json!(want);
    r["actual"] = json!(actual);
    r
}

fn reason(code: &str, message: String) -> Value {
    json!({"code": code, "message": message})
}

fn verdict(
    gateway: Gateway,
    status: &str,
    reasons: Vec<Value>,
    found: Option<&Found>,
    http_status: u16,
    raw: Value,
) -> Value {
    json!({
        "verified": reasons.is_empty(),
        "reasons": reasons,
        "status": status,
        "gateway": gateway.name(),
        "paymentId": found.and_then(|f| f.payment_id.clone()),
        "orderId": found.and_then(|f| f.order_id.clone()),
        "amount": found.and_then(|f| f.amount),
        "cancelledAmount": found.map(|f| f.cancelled_amount),
        "currency": found.and_then(|f| f.currency.clone()),
        "httpStatus": http_status,
        "raw": raw,
    })
}

fn gateway_problem(gateway: Gateway, http_status: u16, code: &str) -> Problem {
    Problem::Gateway {
        message: format!(
            "{}'s payment lookup answered HTTP {http_status}{}: neither a payment nor \"not found\"",
            gateway.display(),
            if code.is_empty() { String::new() } else { format!(" ({code})") }
        ),
        http_status,
        code: code.to_owned(),
    }
}

fn text(map: &Map<String, Value>, key: &str) -> Option<String> {
    match map.get(key) {
        Some(Value::String(s)) => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    }
}

/// `Ok(None)` for "not found", `Ok(Some)` for a payment.
fn read_answer(gateway: Gateway, http_status: u16, raw: &Value) -> Result<Option<Found>, Problem> {
    let empty = Map::new();
    let body = raw.as_object().unwrap_or(&empty);
    match gateway {
        Gateway::PortoneV2 => {
            let kind = text(body, "type").unwrap_or_default();
            if http_status == 404 && (kind.is_empty() || kind == "PAYMENT_NOT_FOUND") {
                return Ok(None);
            }
            if http_status != 200 || body.get("status").is_none() {
                return Err(gateway_problem(gateway, http_status, &kind));
            }
            Ok(Some(v2_payment(body)))
        }
        Gateway::PortoneV1 => {
            let code = body.get("code").and_then(amount::read);
            let response = body.get("response").and_then(Value::as_object);
            match (http_status, code, response) {
                (200, Some(0), Some(p)) => Ok(Some(v1_payment(p))),
                (404, _, _) | (200, Some(_), None) => Ok(None),
                _ => Err(gateway_problem(
                    gateway,
                    http_status,
                    &code.map(|c| c.to_string()).unwrap_or_default(),
                )),
            }
        }
        Gateway::Nicepay => {
            let code = text(body, "resultCode").unwrap_or_default();
            match (http_status, code.as_str()) {
                (200, "0000") => Ok(Some(nicepay_payment(body))),
                // A118: no such transaction (NICEPAY's lookups).
                (404, _) | (_, "A118") => Ok(None),
                _ => Err(gateway_problem(gateway, http_status, &code)),
            }
        }
    }
}

fn v2_payment(p: &Map<String, Value>) -> Found {
    let amount = p.get("amount").and_then(Value::as_object);
    let field = |k: &str| amount.and_then(|a| a.get(k)).and_then(amount::read);
    let status = match text(p, "status").as_deref() {
        Some("PAID") => "paid",
        Some("READY") => "ready",
        Some("PENDING") => "pending",
        Some("VIRTUAL_ACCOUNT_ISSUED") => "virtualAccountIssued",
        Some("FAILED") => "failed",
        Some("CANCELLED") => "cancelled",
        Some("PARTIAL_CANCELLED") => "partialCancelled",
        _ => "unknown",
    };
    Found {
        payment_id: text(p, "id"),
        order_id: text(p, "id"),
        status,
        amount: field("total"),
        cancelled_amount: field("cancelled").unwrap_or(0),
        currency: text(p, "currency"),
    }
}

fn v1_payment(p: &Map<String, Value>) -> Found {
    let cancelled = p.get("cancel_amount").and_then(amount::read).unwrap_or(0);
    let vbank_issued = text(p, "pay_method").as_deref() == Some("vbank")
        && p.get("vbank_num")
            .is_some_and(|v| v.as_str().is_some_and(|s| !s.is_empty()));
    // V1 has no partial-cancel status: a partly refunded payment stays `paid`.
    let status = match text(p, "status").as_deref() {
        Some("paid") if cancelled > 0 => "partialCancelled",
        Some("paid") => "paid",
        Some("ready") if vbank_issued => "virtualAccountIssued",
        Some("ready") => "ready",
        Some("failed") => "failed",
        Some("cancelled") => "cancelled",
        _ => "unknown",
    };
    Found {
        payment_id: text(p, "imp_uid"),
        order_id: text(p, "merchant_uid"),
        status,
        amount: p.get("amount").and_then(amount::read),
        cancelled_amount: cancelled,
        currency: text(p, "currency"),
    }
}

fn nicepay_payment(p: &Map<String, Value>) -> Found {
    let amount = p.get("amount").and_then(amount::read);
    let balance = p.get("balanceAmt").and_then(amount::read);
    let vbank = p.get("vbank").is_some_and(|v| v.is_object());
    let status = match text(p, "status").as_deref() {
        Some("paid") => "paid",
        Some("ready") if vbank => "virtualAccountIssued",
        Some("ready") => "ready",
        Some("failed") => "failed",
        Some("cancelled") => "cancelled",
        Some("partialCancelled") => "partialCancelled",
        Some("expired") => "expired",
        _ => "unknown",
    };
    Found {
        payment_id: text(p, "tid"),
        order_id: text(p, "orderId"),
        status,
        amount,
        cancelled_amount: match (amount, balance, status) {
            (Some(a), Some(b), "partialCancelled" | "cancelled") => a - b,
            _ => 0,
        },
        currency: text(p, "currency"),
    }
}

#[cfg(test)]
#[path = "payment_tests.rs"]
mod tests;

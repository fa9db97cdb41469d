//! PortOne V2 business endpoints over the payment state, in the shapes of PortOne's
//! published API schema (the types its official server SDKs are generated from):
//! `GET /payments/{paymentId}`, `GET /payments?requestBody=...`,
//! `POST /payments/{paymentId}/cancel`. Anything else is a 404.

use serde_json::{json, Map, Value};

use crate::clock::{nicepay_time, NicepayTimeFormat};
use crate::exchange::{Answer, Req};
use crate::payments::{CancelRefusal, Cancellation, Payment, Status};
use crate::state::{Gateway, State};
use crate::webhooks::Event;

pub fn error(status: u16, kind: &str, message: &str) -> Answer {
    Answer::json(status, &json!({"type": kind, "message": message}))
}

/// `2026-11-29T04:40:36.123Z`, the form every V2 timestamp takes.
fn time(ms: i64) -> String {
    nicepay_time(ms, NicepayTimeFormat::Utc)
}

/// The VAT included in a KRW amount (1/11, rounded), as Korean gateways compute it.
fn vat(amount: i64) -> i64 {
    (amount + 5) / 11
}

pub fn render_payment(p: &Payment) -> Value {
    let status = match p.status {
        Status::Ready => "READY",
        Status::Paid => "PAID",
        Status::Failed => "FAILED",
        Status::VirtualAccountIssued => "VIRTUAL_ACCOUNT_ISSUED",
        Status::PartialCancelled => "PARTIAL_CANCELLED",
        Status::Cancelled => "CANCELLED",
    };
    let paid = match p.status {
        Status::Paid | Status::PartialCancelled | Status::Cancelled => p.amount,
        _ => 0,
    };
    let mut out = Map::new();
    let mut put = |k: &str, v: Value| {
        out.insert(k.to_owned(), v);
    };
    put("status", json!(status));
    put("id", json!(p.id));
    put("transactionId", json!(p.transaction_id));
    put("merchantId", json!("merchant-paytoken-sim"));
    put("storeId", json!(p.store_id));
    put(
        "channel",
        json!({
            "type": "TEST",
            "id": "channel-id-paytoken-sim",
            "key": "channel-key-paytoken-sim",
            "name": "paytoken-sim",
            "pgProvider": "NICE_V2",
            "pgMerchantId": "nicepay-sim",
        }),
    );
    put("version", json!("V2"));
    put("requestedAt", json!(time(p.created_ms)));
    put("updatedAt", json!(time(p.updated_ms)));
    put("statusChangedAt", json!(time(p.status_changed_ms)));
    put("orderName", json!(p.order_name));
    put(
        "amount",
        json!({
            "total": p.amount,
            "taxFree": 0,
            "vat": vat(p.amount),
            "supply": p.amount - vat(p.amount),
            "discount": 0,
            "paid": paid,
            "cancelled": p.cancelled_amount(),
            "cancelledTaxFree": 0,
        }),
    );
    put("currency", json!(p.currency));
    put("customer", json!({}));
    // Newer schemas (the Python SDK from 0.21) require where the payment came from.
    put(
        "origin",
        json!({"platformType": "API", "ipAddress": "127.0.0.1", "userAgent": "paytoken-sim"}),
    );
    if let Some(paid_ms) = p.paid_ms {
        put("paidAt", json!(time(paid_ms)));
        put("pgTxId", json!(format!("nicepay-{}", p.transaction_id)));
    }
    match p.status {
        Status::Paid => put("disputes", json!([])),
        Status::Failed => {
            put("failedAt", json!(time(p.failed_ms.unwrap_or(p.updated_ms))));
            put(
                "failure",
                json!({"reason": "paytoken-sim: failed payment", "pgCode": "F100"}),
            );
        }
        Status::PartialCancelled | Status::Cancelled => {
            put(
                "cancellations",
                Value::Array(p.cancellations.iter().map(render_cancellation).collect()),
            );
            put(
                "cancelledAt",
                json!(time(p.cancelled_ms().unwrap_or(p.updated_ms))),
            );
        }
        Status::Ready | Status::VirtualAccountIssued => {}
    }
    Value::Object(out)
}

fn render_cancellation(c: &Cancellation) -> Value {
    json!({
        "status": "SUCCEEDED",
        "id": c.id,
        "pgCancellationId": format!("pg-{}", c.id),
        "totalAmount": c.amount,
        "taxFreeAmount": 0,
        "vatAmount": vat(c.amount),
        "reason": c.reason,
        "cancelledAt": time(c.at_ms),
        "requestedAt": time(c.at_ms),
    })
}

fn not_found(id: &str) -> Answer {
    error(
        404,
        "PAYMENT_NOT_FOUND",
        &format!("결제 건이 존재하지 않습니다: {id}"),
    )
}

/// The business endpoints. `implicit` (`implicit_payments`) answers unknown ids as paid
/// payments of 1004 that are not stored.
pub fn api(st: &mut State, req: &Req, implicit: bool) -> Option<Answer> {
    let segments = req.segments();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let now = st.now_ms();
    Some(match (req.method.as_str(), segments.as_slice()) {
        ("GET", ["payments"]) => list(st, req),
        ("GET", ["payments", id]) => match st.payments.get(Gateway::PortoneV2, id) {
            // A request that names a store sees only that store's payments.
            Some(p) if req.query_param("storeId").is_some_and(|s| s != p.store_id) => not_found(id),
            Some(p) => Answer::json(200, &render_payment(p)),
            None if implicit => {
                let mut p = Payment::implicit(Gateway::PortoneV2, id, now);
                p.store_id = req.query_param("storeId").unwrap_or(p.store_id);
                Answer::json(200, &render_payment(&p))
            }
            None => not_found(id),
        },
        ("POST", ["payments", id, "cancel"]) => cancel(st, req, id, implicit),
        _ if implicit => return None,
        _ => error(
            404,
            "NOT_FOUND",
            &format!("{} {} is not an API of this gateway", req.method, req.path),
        ),
    })
}

/// `GET /payments?requestBody={"page":{"number":0,"size":10},...}`: newest first.
fn list(st: &State, req: &Req) -> Answer {
    let body = match req.query_param("requestBody") {
        None => Value::Null,
        Some(text) => match serde_json::from_str::<Value>(&text) {
            Ok(v) => v,
            Err(_) => return error(400, "INVALID_REQUEST", "requestBody is not JSON"),
        },
    };
    let page = &body["page"];
    let number = page["number"].as_u64().unwrap_or(0) as usize;
    let size = page["size"].as_u64().unwrap_or(10).clamp(1, 1000) as usize;
    let mut all = st.payments.all(Gateway::PortoneV2);
    all.reverse();
    let items: Vec<Value> = all
        .iter()
        .skip(number.saturating_mul(size))
        .take(size)
        .map(|p| render_payment(p))
        .collect();
    Answer::json(
        200,
        &json!({"items": items, "page": {"number": number, "size": size, "totalCount": all.len()}}),
    )
}

fn cancel(st: &mut State, req: &Req, id: &str, implicit: bool) -> Answer {
    let now = st.now_ms();
    let stored = st.payments.get(Gateway::PortoneV2, id).is_some();
    if !stored && implicit {
        // Transport tests: any body cancels (part of) a paid payment that is not stored.
        let body = req.json_body().unwrap_or(Value::Null);
        let cancellation = Cancellation {
            id: format!("sim-cancel-{}", crate::exchange::random_hex(16)),
            amount: body["amount"].as_i64().filter(|a| *a > 0).unwrap_or(1004),
            reason: body["reason"].as_str().unwrap_or_default().to_owned(),
            at_ms: now,
        };
        return Answer::json(
            200,
            &json!({"cancellation": render_cancellation(&cancellation)}),
        );
    }
    let Some(Value::Object(body)) = req.json_body() else {
        return error(400, "INVALID_REQUEST", "the body must be a JSON object");
    };
    let reason = match body.get("reason") {
        Some(Value::String(r)) if !r.is_empty() => r.clone(),
        _ => return error(400, "INVALID_REQUEST", "reason is required"),
    };
    let amount = match body.get("amount") {
        None | Some(Value::Null) => None,
        Some(v) => match v.as_i64() {
            Some(a) => Some(a),
            None => return error(400, "INVALID_REQUEST", "amount must be an integer"),
        },
    };
    let other_store = body
        .get("storeId")
        .and_then(Value::as_str)
        .zip(st.payments.get(Gateway::PortoneV2, id))
        .is_some_and(|(store, p)| store != p.store_id);
    if !stored || other_store {
        return not_found(id);
    }
    let payments = &mut st.payments;
    if let Some(expected) = body.get("currentCancellableAmount").and_then(Value::as_i64) {
        let payment = payments.get(Gateway::PortoneV2, id).expect("exists");
        if payment.cancellable() != expected {
            return error(
                409,
                "CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN",
                "currentCancellableAmount differs from the payment's cancellable amount",
            );
        }
    }
    let result = payments.cancel(Gateway::PortoneV2, id, amount, &reason, now);
    let skip_webhook = body.get("skipWebhook").and_then(Value::as_bool) == Some(true);
    if let (Ok(c), false) = (&result, skip_webhook) {
        let payment = st
            .payments
            .get(Gateway::PortoneV2, id)
            .expect("exists")
            .clone();
        st.webhooks.enqueue(Event::new(&payment, Some(&c.id)));
    }
    match result {
        Ok(c) => Answer::json(200, &json!({"cancellation": render_cancellation(&c)})),
        Err(CancelRefusal::AlreadyCancelled) => error(
            409,
            "PAYMENT_ALREADY_CANCELLED",
            "이미 취소된 결제 건입니다.",
        ),
        Err(CancelRefusal::NotPaid) => {
            error(409, "PAYMENT_NOT_PAID", "결제가 완료되지 않았습니다.")
        }
        Err(CancelRefusal::ExceedsCancellable) => error(
            409,
            "CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT",
            "취소 금액이 취소 가능 금액을 초과합니다.",
        ),
        Err(CancelRefusal::InvalidAmount) => {
            error(400, "INVALID_REQUEST", "amount must be positive")
        }
    }
}

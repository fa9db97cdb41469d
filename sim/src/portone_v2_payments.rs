//! PortOne V2 business endpoints over the payment state, in the shapes of PortOne's
//! published API schema (the types its official server SDKs are generated from):
//! `GET /payments/{paymentId}`, `GET /payments` (in `portone_v2_list`),
//! `POST /payments/{paymentId}/cancel`. Anything else is a 404.

use serde_json::{json, Map, Value};

use crate::clock::{nicepay_time, NicepayTimeFormat};
use crate::exchange::{Answer, Req};
use crate::payments::{CancelAsk, CancelRefusal, Cancellation, Payment, Status};
use crate::state::{Gateway, State};
use crate::webhooks::Event;

pub fn error(status: u16, kind: &str, message: &str) -> Answer {
    Answer::json(status, &json!({"type": kind, "message": message}))
}

/// `2026-11-29T04:40:36.123Z`, the form every V2 timestamp takes.
fn time(ms: i64) -> String {
    nicepay_time(ms, NicepayTimeFormat::Utc)
}

/// PortOne V2's name of a status.
pub fn status_name(status: Status) -> &'static str {
    match status {
        Status::Ready => "READY",
        Status::Paid => "PAID",
        Status::Failed => "FAILED",
        Status::VirtualAccountIssued => "VIRTUAL_ACCOUNT_ISSUED",
        Status::PayPending => "PAY_PENDING",
        Status::PartialCancelled => "PARTIAL_CANCELLED",
        Status::Cancelled => "CANCELLED",
    }
}

/// The `method` a payment shows when the admin API gave none: the virtual account the
/// buyer must pay into, or a card payment once the buyer paid.
fn default_method(p: &Payment) -> Option<Value> {
    match p.status {
        Status::VirtualAccountIssued => Some(json!({
            "type": "PaymentMethodVirtualAccount",
            "bank": "KOOKMIN",
            "accountNumber": "12345678901234",
            "accountType": "NORMAL",
            "remitteeName": "paytoken-sim",
            "issuedAt": time(p.status_changed_ms),
            "expiredAt": time(p.status_changed_ms + 86_400_000),
        })),
        Status::Paid | Status::PayPending | Status::PartialCancelled | Status::Cancelled => {
            Some(json!({
                "type": "PaymentMethodCard",
                "approvalNumber": "30001234",
                "card": {"publisher": "SAMSUNG", "issuer": "SAMSUNG", "brand": "LOCAL",
                         "type": "CREDIT", "ownerType": "PERSONAL", "bin": "53611200",
                         "name": "삼성카드", "number": "53611200****123*"},
                "installment": {"month": 0, "isInterestFree": false},
            }))
        }
        Status::Ready | Status::Failed => None,
    }
}

pub fn render_payment(p: &Payment) -> Value {
    let status = status_name(p.status);
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
            "taxFree": p.tax_free,
            "vat": p.vat(),
            "supply": p.amount - p.tax_free - p.vat(),
            "discount": 0,
            "paid": paid,
            "cancelled": p.cancelled_amount(),
            "cancelledTaxFree": p.cancelled_tax_free(),
        }),
    );
    put("currency", json!(p.currency));
    put("customer", json!({}));
    if let Some(method) = default_method(p) {
        put("method", method);
    }
    // Newer schemas (the Python SDK from 0.21) require where the payment came from.
    put(
        "origin",
        json!({"platformType": "API", "ipAddress": "127.0.0.1", "userAgent": "paytoken-sim"}),
    );
    if let Some(paid_ms) = p.paid_ms {
        put("paidAt", json!(time(paid_ms)));
    }
    if p.status != Status::Ready && p.status != Status::Failed {
        put("pgTxId", json!(format!("nicepay-{}", p.transaction_id)));
    }
    match p.status {
        Status::Paid => put("disputes", json!([])),
        Status::Failed => {
            put("failedAt", json!(time(p.failed_ms.unwrap_or(p.updated_ms))));
            put(
                "failure",
                json!({"reason": p.failure.reason, "pgCode": p.failure.pg_code,
                       "pgMessage": p.failure.pg_message}),
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
        Status::Ready | Status::VirtualAccountIssued | Status::PayPending => {}
    }
    // What the shop gave the admin API wins over the defaults above, for the fields
    // the schema gives a payment in this status (a receipt only once it was paid).
    let absent: &[&str] = match p.status {
        Status::Ready | Status::Failed | Status::VirtualAccountIssued | Status::PayPending => {
            &["receiptUrl", "cashReceipt", "pgResponse"]
        }
        Status::PartialCancelled | Status::Cancelled => &["pgResponse"],
        Status::Paid => &[],
    };
    for (k, v) in p
        .v2_fields
        .iter()
        .filter(|(k, _)| !absent.contains(&k.as_str()))
    {
        out.insert(k.clone(), v.clone());
    }
    Value::Object(out)
}

fn render_cancellation(c: &Cancellation) -> Value {
    json!({
        "status": "SUCCEEDED",
        "id": c.id,
        "pgCancellationId": format!("pg-{}", c.id),
        "totalAmount": c.amount,
        "taxFreeAmount": c.tax_free,
        "vatAmount": c.vat,
        "reason": c.reason,
        "cancelledAt": time(c.at_ms),
        "requestedAt": time(c.at_ms),
    })
}

pub fn not_found(id: &str) -> Answer {
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
        ("GET", ["payments"]) => crate::portone_v2_list::list(st, req),
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

fn cancel(st: &mut State, req: &Req, id: &str, implicit: bool) -> Answer {
    let now = st.now_ms();
    let stored = st.payments.get(Gateway::PortoneV2, id).is_some();
    if !stored && implicit {
        // Transport tests: any body cancels (part of) a paid payment that is not stored.
        let body = req.json_body().unwrap_or(Value::Null);
        let amount = body["amount"].as_i64().filter(|a| *a > 0).unwrap_or(1004);
        let cancellation = Cancellation {
            id: format!("sim-cancel-{}", crate::exchange::random_hex(16)),
            amount,
            tax_free: 0,
            vat: crate::payments::vat_of(amount),
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
    let mut numbers = [None; 4];
    for (slot, name) in numbers.iter_mut().zip([
        "amount",
        "taxFreeAmount",
        "vatAmount",
        "currentCancellableAmount",
    ]) {
        *slot = match body.get(name) {
            None | Some(Value::Null) => None,
            Some(v) => match v.as_i64() {
                Some(a) => Some(a),
                None => {
                    return error(
                        400,
                        "INVALID_REQUEST",
                        &format!("{name} must be an integer"),
                    )
                }
            },
        };
    }
    let [amount, tax_free, vat, expected] = numbers;
    let other_store = body
        .get("storeId")
        .and_then(Value::as_str)
        .zip(st.payments.get(Gateway::PortoneV2, id))
        .is_some_and(|(store, p)| store != p.store_id);
    if !stored || other_store {
        return not_found(id);
    }
    let payments = &mut st.payments;
    if let Some(expected) = expected {
        let payment = payments.get(Gateway::PortoneV2, id).expect("exists");
        if payment.cancellable() != expected {
            return error(
                409,
                "CANCELLABLE_AMOUNT_CONSISTENCY_BROKEN",
                "currentCancellableAmount differs from the payment's cancellable amount",
            );
        }
    }
    let ask = CancelAsk {
        amount,
        tax_free,
        vat,
        reason: &reason,
    };
    let result = payments.cancel(Gateway::PortoneV2, id, ask, now);
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
        Err(refusal) => {
            let (status, kind, message) = refusal_error(refusal);
            error(status, kind, message)
        }
    }
}

/// PortOne V2's error for each refused cancel (all in `CancelPaymentError`).
pub fn refusal_error(refusal: CancelRefusal) -> (u16, &'static str, &'static str) {
    match refusal {
        CancelRefusal::AlreadyCancelled => (
            409,
            "PAYMENT_ALREADY_CANCELLED",
            "이미 취소된 결제 건입니다.",
        ),
        CancelRefusal::NotPaid => (409, "PAYMENT_NOT_PAID", "결제가 완료되지 않았습니다."),
        CancelRefusal::ExceedsCancellable => (
            409,
            "CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT",
            "취소 금액이 취소 가능 금액을 초과합니다.",
        ),
        CancelRefusal::SumOfPartsExceeds => (
            409,
            "SUM_OF_PARTS_EXCEEDS_CANCEL_AMOUNT",
            "면세 금액 등 하위 항목들의 합이 전체 취소 금액을 초과합니다.",
        ),
        CancelRefusal::TaxFreeExceeds => (
            409,
            "CANCEL_TAX_FREE_AMOUNT_EXCEEDS_CANCELLABLE_TAX_FREE_AMOUNT",
            "취소 면세 금액이 취소 가능한 면세 금액을 초과합니다.",
        ),
        CancelRefusal::TaxExceeds => (
            409,
            "CANCEL_TAX_AMOUNT_EXCEEDS_CANCELLABLE_TAX_AMOUNT",
            "취소 과세 금액이 취소 가능한 과세 금액을 초과합니다.",
        ),
        CancelRefusal::InvalidAmount => (400, "INVALID_REQUEST", "amounts must be positive"),
    }
}

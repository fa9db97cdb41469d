//! PortOne V1 (iamport) business endpoints over the payment state:
//! `GET /payments/{imp_uid}`, `GET /payments?imp_uid[]=..`, `GET /payments/find/{merchant_uid}`,
//! `GET /payments/status/{status}`, `POST /payments/cancel`. Anything else is a 404.
//!
//! V1 answers business failures of a cancel with HTTP 200 and `code: 1` (its clients
//! check `code`); a lookup of an unknown payment is a 404 with `code: -1`.

use serde_json::{json, Value};

use crate::exchange::{Answer, Req};
use crate::payments::{CancelAsk, CancelRefusal, Payment, Payments, Status};
use crate::state::{Gateway, State};

fn envelope(status: u16, code: i64, message: Option<&str>, response: Value) -> Answer {
    Answer::json(
        status,
        &json!({"code": code, "message": message, "response": response}),
    )
}

fn ok(response: Value) -> Answer {
    envelope(200, 0, None, response)
}

fn refused(message: &str) -> Answer {
    envelope(200, 1, Some(message), Value::Null)
}

fn not_found() -> Answer {
    envelope(404, -1, Some("존재하지 않는 결제정보입니다."), Value::Null)
}

fn bad_request(message: &str) -> Answer {
    envelope(400, -1, Some(message), Value::Null)
}

/// Every value of a repeated query parameter (`imp_uid[]=a&imp_uid[]=b`), decoded.
fn query_list(req: &Req, name: &str) -> Vec<String> {
    req.query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .filter(|(k, _)| crate::exchange::form_field(&format!("{k}=x"), name).is_some())
        .map(|(_, v)| crate::exchange::form_field(&format!("v={v}"), "v").unwrap_or_default())
        .collect()
}

/// An integer query parameter: `Ok(None)` when absent, `Err` when not an integer.
fn query_int(req: &Req, name: &str) -> Result<Option<i64>, ()> {
    match req.query_param(name) {
        None => Ok(None),
        Some(text) => text.trim().parse().map(Some).map_err(|_| ()),
    }
}

/// V1 has no partial-cancel status: a partly refunded payment stays `paid`.
pub fn v1_status(status: Status) -> &'static str {
    match status {
        Status::Ready | Status::VirtualAccountIssued | Status::PayPending => "ready",
        Status::Paid | Status::PartialCancelled => "paid",
        Status::Failed => "failed",
        Status::Cancelled => "cancelled",
    }
}

fn seconds(ms: Option<i64>) -> i64 {
    ms.map_or(0, |ms| ms.div_euclid(1000))
}

/// A `PaymentAnnotation` of the V1 API: every field, 0/null until it happens.
pub fn render_payment(p: &Payment) -> Value {
    let cancelled_at = match p.status {
        Status::Cancelled => seconds(p.cancelled_ms()),
        _ => 0,
    };
    let vbank = p.status == Status::VirtualAccountIssued;
    json!({
        "imp_uid": p.id,
        "merchant_uid": p.order_id,
        "pay_method": if vbank { "vbank" } else { "card" },
        "channel": "pc",
        "pg_provider": "nice",
        "emb_pg_provider": null,
        "pg_tid": p.transaction_id,
        "pg_id": "nictest00m",
        "escrow": false,
        "apply_num": if p.paid_ms.is_some() { "30001234" } else { "" },
        "bank_code": null,
        "bank_name": null,
        "card_code": if vbank { Value::Null } else { json!("361") },
        "card_name": if vbank { Value::Null } else { json!("BC카드") },
        "card_quota": 0,
        "card_number": if vbank { Value::Null } else { json!("910020*********5") },
        "card_type": null,
        "vbank_code": if vbank { json!("004") } else { Value::Null },
        "vbank_name": if vbank { json!("KB국민은행") } else { Value::Null },
        "vbank_num": if vbank { json!("12345678901234") } else { Value::Null },
        "vbank_holder": if vbank { json!("paytoken-sim") } else { Value::Null },
        "vbank_date": 0,
        "vbank_issued_at": if vbank { seconds(Some(p.created_ms)) } else { 0 },
        "name": p.order_name,
        "amount": p.amount,
        "cancel_amount": p.cancelled_amount(),
        "currency": p.currency,
        "buyer_name": p.v2_fields.get("customer").and_then(|c| c.get("name")),
        "buyer_email": p.v2_fields.get("customer").and_then(|c| c.get("email")),
        "buyer_tel": p.v2_fields.get("customer").and_then(|c| c.get("phoneNumber")),
        "buyer_addr": null,
        "buyer_postcode": null,
        "custom_data": p.v2_fields.get("customData"),
        "user_agent": "sorry_not_supported_anymore",
        "status": v1_status(p.status),
        "started_at": seconds(Some(p.created_ms)),
        "paid_at": seconds(p.paid_ms),
        "failed_at": seconds(p.failed_ms),
        "cancelled_at": cancelled_at,
        "fail_reason": if p.status == Status::Failed { json!(p.failure.reason) } else { Value::Null },
        "cancel_reason": p.cancellations.last().map(|c| c.reason.clone()),
        "receipt_url": format!("https://receipt.invalid/{}", p.id),
        "cancel_history": p.cancellations.iter().map(|c| json!({
            "pg_tid": p.transaction_id,
            "amount": c.amount,
            "cancelled_at": seconds(Some(c.at_ms)),
            "reason": c.reason,
            "cancellation_id": c.id,
            "receipt_url": format!("https://receipt.invalid/{}", c.id),
        })).collect::<Vec<_>>(),
        "cancel_receipt_urls": p.cancellations.iter()
            .map(|c| format!("https://receipt.invalid/{}", c.id)).collect::<Vec<_>>(),
        "cash_receipt_issued": false,
        "customer_uid": null,
        "customer_uid_usage": null,
        "sandbox": true,
    })
}

/// A field of a JSON or form body as an integer: JSON numbers and numeric strings.
fn number_field(req: &Req, name: &str) -> Result<Option<i64>, ()> {
    let text = match req.json_body() {
        Some(Value::Object(map)) => match map.get(name) {
            None | Some(Value::Null) => return Ok(None),
            Some(Value::Number(n)) => {
                return n
                    .as_i64()
                    .or_else(|| n.as_f64().map(|f| f as i64))
                    .map(Some)
                    .ok_or(())
            }
            Some(Value::String(s)) => s.clone(),
            Some(_) => return Err(()),
        },
        _ => match req.body_field(name) {
            None => return Ok(None),
            Some(s) => s,
        },
    };
    if text.is_empty() {
        return Ok(None);
    }
    text.trim()
        .parse::<f64>()
        .map(|f| Some(f as i64))
        .map_err(|_| ())
}

pub fn api(st: &mut State, req: &Req, implicit: bool) -> Option<Answer> {
    let segments = req.segments();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let now = st.now_ms();
    let payments = &st.payments;
    let lookup = |id: &str| match payments.get(Gateway::PortoneV1, id) {
        Some(p) => Some(render_payment(p)),
        None if implicit => Some(render_payment(&Payment::implicit(
            Gateway::PortoneV1,
            id,
            now,
        ))),
        None => None,
    };
    Some(match (req.method.as_str(), segments.as_slice()) {
        ("GET", ["payments"]) => {
            // imp_uid[] and merchant_uid[] (the latest payment of each order): 200 when
            // all are found, 207 with those found when some are not, 404 when none is.
            let by_id = query_list(req, "imp_uid[]")
                .into_iter()
                .map(|id| lookup(&id));
            let by_order = query_list(req, "merchant_uid[]").into_iter().map(|order| {
                payments
                    .by_order(Gateway::PortoneV1, &order)
                    .last()
                    .map(|p| render_payment(p))
            });
            let asked: Vec<Option<Value>> = by_id.chain(by_order).collect();
            let found: Vec<Value> = asked.iter().flatten().cloned().collect();
            match (found.len(), asked.len()) {
                (0, _) => not_found(),
                (f, a) if f < a => envelope(207, 0, None, Value::Array(found)),
                _ => ok(Value::Array(found)),
            }
        }
        ("GET", ["payments", "find", merchant_uid, ..]) => {
            let wanted = segments.get(3).copied();
            let found = payments
                .by_order(Gateway::PortoneV1, merchant_uid)
                .into_iter()
                .rev()
                .find(|p| wanted.is_none_or(|s| s == v1_status(p.status)));
            match found {
                Some(p) => ok(render_payment(p)),
                None => not_found(),
            }
        }
        ("GET", ["payments", "status", status]) => status_list(payments, req, status, now),
        ("GET", ["payments", imp_uid]) => match lookup(imp_uid) {
            Some(p) => ok(p),
            None => not_found(),
        },
        ("POST", ["payments", "cancel"]) => cancel(st, req, implicit),
        _ if implicit => return None,
        _ => envelope(
            404,
            -1,
            Some(&format!(
                "{} {} is not an API of this gateway",
                req.method, req.path
            )),
            Value::Null,
        ),
    })
}

/// `POST /payments/cancel` with `imp_uid` or `merchant_uid`, optional `amount`
/// (number or string), `reason` and `checksum` (the cancellable amount the shop expects).
fn cancel(st: &mut State, req: &Req, implicit: bool) -> Answer {
    let now = st.now_ms();
    let imp_uid = req.body_field("imp_uid").filter(|s| !s.is_empty());
    let merchant_uid = req.body_field("merchant_uid").filter(|s| !s.is_empty());
    let stored = match (&imp_uid, &merchant_uid) {
        (Some(id), _) => st
            .payments
            .get(Gateway::PortoneV1, id)
            .map(|p| p.id.clone()),
        (None, Some(order)) => st
            .payments
            .by_order(Gateway::PortoneV1, order)
            .last()
            .map(|p| p.id.clone()),
        (None, None) => None,
    };
    let Some(id) = stored else {
        if implicit {
            // Transport tests: any body cancels (part of) a paid payment that is not stored.
            let mut p = Payment::implicit(
                Gateway::PortoneV1,
                imp_uid.as_deref().unwrap_or("imp_implicit"),
                now,
            );
            p.order_id = merchant_uid.unwrap_or(p.order_id);
            let amount = number_field(req, "amount").ok().flatten();
            let reason = req.body_field("reason").unwrap_or_default();
            let mut scratch = Payments::default();
            let id = p.id.clone();
            scratch.insert(p);
            let ask = CancelAsk {
                amount: amount.filter(|a| *a > 0 && *a <= 1004),
                reason: &reason,
                ..CancelAsk::default()
            };
            let _ = scratch.cancel(Gateway::PortoneV1, &id, ask, now);
            return ok(render_payment(
                scratch.get(Gateway::PortoneV1, &id).expect("exists"),
            ));
        }
        return match (imp_uid, merchant_uid) {
            (None, None) => refused("imp_uid 또는 merchant_uid 중 하나는 필수입니다."),
            _ => refused("취소할 결제건이 존재하지 않습니다."),
        };
    };
    let numbers = ["amount", "tax_free", "vat_amount", "checksum"].map(|n| number_field(req, n));
    let [Ok(amount), Ok(tax_free), Ok(vat), Ok(checksum)] = numbers else {
        return refused("amount, tax_free, vat_amount와 checksum은 숫자여야 합니다.");
    };
    // "누락하거나 0을 입력하는 경우 전액 취소 요청합니다."
    let amount = amount.filter(|a| *a != 0);
    let reason = req.body_field("reason").unwrap_or_default();
    let payments = &mut st.payments;
    if let Some(expected) = checksum {
        let cancellable = payments
            .get(Gateway::PortoneV1, &id)
            .map_or(0, Payment::cancellable);
        if cancellable != expected {
            return refused("checksum이 취소가능금액과 일치하지 않습니다.");
        }
    }
    let ask = CancelAsk {
        amount,
        tax_free,
        vat,
        reason: &reason,
    };
    match payments.cancel(Gateway::PortoneV1, &id, ask, now) {
        Ok(_) => ok(render_payment(
            payments.get(Gateway::PortoneV1, &id).expect("exists"),
        )),
        Err(CancelRefusal::AlreadyCancelled) => refused("이미 전액취소된 주문입니다."),
        Err(CancelRefusal::NotPaid) => refused("결제완료 상태가 아니어서 취소할 수 없습니다."),
        Err(CancelRefusal::ExceedsCancellable) => {
            refused("취소 요청 금액이 취소가능금액을 초과합니다.")
        }
        Err(CancelRefusal::InvalidAmount) => refused("취소 금액은 0보다 커야 합니다."),
        Err(CancelRefusal::SumOfPartsExceeds) => {
            refused("면세금액과 부가세의 합이 취소 요청 금액을 초과합니다.")
        }
        Err(CancelRefusal::TaxFreeExceeds) => {
            refused("취소 면세금액이 취소가능 면세금액을 초과합니다.")
        }
        Err(CancelRefusal::TaxExceeds) => {
            refused("취소 과세금액이 취소가능 과세금액을 초과합니다.")
        }
    }
}

/// `GET /payments/status/{status}?page=&limit=&from=&to=&sorting=`: one page (1-based,
/// `limit` 1..=1000, default 20) of the payments in that status, by the time of that
/// status (`from`/`to`: unix seconds, default the 90 days up to now).
fn status_list(payments: &Payments, req: &Req, status: &str, now_ms: i64) -> Answer {
    const STATUSES: [&str; 5] = ["all", "ready", "paid", "cancelled", "failed"];
    if !STATUSES.contains(&status) {
        return bad_request("payment_status는 all, ready, paid, cancelled, failed 중 하나입니다.");
    }
    let numbers = ["page", "limit", "from", "to"].map(|n| query_int(req, n));
    let [Ok(page), Ok(limit), Ok(from), Ok(to)] = numbers else {
        return bad_request("page, limit, from, to는 정수입니다.");
    };
    let (page, limit) = (page.unwrap_or(1), limit.unwrap_or(20));
    if page < 1 || !(1..=1000).contains(&limit) {
        return bad_request("page는 1 이상, limit은 1에서 1000 사이입니다.");
    }
    let sorting = req
        .query_param("sorting")
        .unwrap_or_else(|| "-started".into());
    let sort_key = |p: &Payment| -> i64 {
        match sorting.trim_start_matches('-') {
            "paid" => p.paid_ms.unwrap_or(0),
            "updated" => p.updated_ms,
            _ => p.created_ms,
        }
    };
    if ![
        "-started", "started", "-paid", "paid", "-updated", "updated",
    ]
    .contains(&sorting.as_str())
    {
        return bad_request(
            "sorting은 -started, started, -paid, paid, -updated, updated 중 하나입니다.",
        );
    }
    let to_s = to.unwrap_or(now_ms.div_euclid(1000));
    let from_s = from.unwrap_or(to_s - 90 * 86_400);
    // Each status is searched by the time it began (ready: started, paid: paid, ...).
    let at = |p: &Payment| -> i64 {
        let ms = match p.status {
            Status::Paid | Status::PartialCancelled => p.paid_ms,
            Status::Cancelled => p.cancelled_ms(),
            Status::Failed => p.failed_ms,
            _ => None,
        };
        ms.unwrap_or(p.created_ms).div_euclid(1000)
    };
    let mut list: Vec<&Payment> = payments
        .all(Gateway::PortoneV1)
        .into_iter()
        .filter(|p| status == "all" || status == v1_status(p.status))
        .filter(|p| (from_s..=to_s).contains(&at(p)))
        .collect();
    list.sort_by_key(|p| sort_key(p));
    if sorting.starts_with('-') {
        list.reverse();
    }
    let total = list.len() as i64;
    let skip = (page - 1).saturating_mul(limit);
    if page > 1 && skip >= total {
        return bad_request("데이터 범위를 넘어선 page입니다.");
    }
    let items: Vec<Value> = list
        .into_iter()
        .skip(skip as usize)
        .take(limit as usize)
        .map(render_payment)
        .collect();
    let next = if skip + limit < total { page + 1 } else { 0 };
    ok(json!({"total": total, "previous": page - 1, "next": next, "list": items}))
}

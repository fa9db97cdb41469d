//! NICEPAY business endpoints over the payment state: lookups by `tid` and `orderId`,
//! approve, cancel (full or partial) and network cancel. Anything else is a 404.
//!
//! NICEPAY's manual lists result codes per API; where the simulator needs a failure code
//! the documents we have do not give, it uses the ones in `codes` below and the sim
//! README lists them as assumptions.

use serde_json::{json, Value};

use crate::clock::{nicepay_time, NicepayTimeFormat};
use crate::exchange::Req;
use crate::payments::{ApproveRefusal, CancelRefusal, Payment, Payments, Status};
use crate::state::{Gateway, State};
use crate::webhooks::Event;

/// `(resultCode, resultMsg)`.
pub type Code = (&'static str, &'static str);

pub mod codes {
    use super::Code;
    pub const OK: Code = ("0000", "정상 처리되었습니다.");
    pub const NOT_FOUND: Code = ("A118", "거래 정보가 존재하지 않습니다.");
    pub const NO_API: Code = ("A001", "존재하지 않는 API입니다.");
    pub const MISSING_FIELD: Code = (
        "A127",
        "필수 파라미터가 누락되었거나 형식이 올바르지 않습니다.",
    );
    pub const ALREADY_CANCELLED: Code = ("2013", "이미 취소된 거래입니다.");
    pub const NOT_CANCELLABLE: Code = ("2012", "취소 가능한 거래가 아닙니다.");
    pub const EXCEEDS: Code = ("2032", "취소금액이 취소가능금액보다 큽니다.");
    pub const ALREADY_APPROVED: Code = ("A245", "승인 가능한 상태의 거래가 아닙니다.");
    pub const AMOUNT_MISMATCH: Code = ("A246", "승인 금액이 결제 요청 금액과 일치하지 않습니다.");
    pub const BAD_SIGN: Code = ("A229", "signData가 올바르지 않습니다.");
    pub const NOTHING_TO_NETCANCEL: Code = ("2015", "망취소할 거래가 없습니다.");
}

/// Lower-case hex SHA-256 of the concatenated parts (NICEPAY's `signature`/`signData`).
pub fn sha256_hex(parts: &[&str]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, parts.concat().as_bytes());
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

fn status_name(status: Status) -> &'static str {
    match status {
        Status::Ready => "ready",
        Status::Paid => "paid",
        Status::Failed => "failed",
        Status::VirtualAccountIssued => "ready",
        Status::PartialCancelled => "partialCancelled",
        Status::Cancelled => "cancelled",
    }
}

/// The transaction object NICEPAY answers (and sends in webhooks), with
/// `signature = hex(sha256(tid + amount + ediDate + secretKey))`.
pub fn render(p: &Payment, secret_key: &str, format: NicepayTimeFormat, now_ms: i64) -> Value {
    let time = |ms: Option<i64>| ms.map_or(json!("0"), |ms| json!(nicepay_time(ms, format)));
    let edi_date = nicepay_time(now_ms, format);
    let amount = p.amount.to_string();
    let vbank = p.status == Status::VirtualAccountIssued;
    json!({
        "resultCode": codes::OK.0,
        "resultMsg": codes::OK.1,
        "tid": p.id,
        "cancelledTid": p.cancellations.last().map(|c| c.id.clone()),
        "orderId": p.order_id,
        "ediDate": edi_date,
        "signature": sha256_hex(&[&p.id, &amount, &edi_date, secret_key]),
        "status": status_name(p.status),
        "paidAt": time(p.paid_ms),
        "failedAt": time(p.failed_ms),
        "cancelledAt": time(p.cancelled_ms()),
        "payMethod": if vbank { "vbank" } else { "card" },
        "amount": p.amount,
        "balanceAmt": p.cancellable(),
        "goodsName": p.order_name,
        "mallReserved": null,
        "useEscrow": false,
        "currency": p.currency,
        "channel": "pc",
        "approveNo": if p.paid_ms.is_some() { json!("000000") } else { Value::Null },
        "buyerName": null,
        "buyerTel": null,
        "buyerEmail": null,
        "receiptUrl": format!("https://receipt.invalid/{}", p.id),
        "issuedCashReceipt": false,
        "cancels": p.cancellations.iter().map(|c| json!({
            "tid": c.id,
            "amount": c.amount,
            "cancelledAt": nicepay_time(c.at_ms, format),
            "reason": c.reason,
            "receiptUrl": format!("https://receipt.invalid/{}", c.id),
            "couponAmt": 0,
        })).collect::<Vec<_>>(),
        "card": if vbank { Value::Null } else { json!({
            "cardCode": "04", "cardName": "삼성", "cardNum": "536112******1234",
            "cardQuota": 0, "isInterestFree": false, "cardType": "credit",
            "canPartCancel": true, "acquCardCode": "04", "acquCardName": "삼성",
        })},
        "vbank": if vbank { json!({
            "vbankCode": "004", "vbankName": "국민", "vbankNumber": "12345678901234",
            "vbankExpDate": nicepay_time(p.created_ms + 86_400_000, format),
            "vbankHolder": "paytoken-sim",
        }) } else { Value::Null },
    })
}

fn answer((code, msg): Code) -> Value {
    json!({"resultCode": code, "resultMsg": msg})
}

/// `(HTTP status, body)`; the caller encodes it in the asked charset.
pub fn api(st: &mut State, secret_key: &str, req: &Req, implicit: bool) -> Option<(u16, Value)> {
    let segments = req.segments();
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let now = st.now_ms();
    let format = st.settings.nicepay_time_format;
    let body = req.json_body().unwrap_or(Value::Null);
    let text = |name: &str| {
        body.get(name)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
    };
    let number = |name: &str| {
        body.get(name).and_then(|v| {
            v.as_i64()
                .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
        })
    };
    let show = |p: &Payment| (200, render(p, secret_key, format, now));
    let missing = (400, answer(codes::MISSING_FIELD));
    Some(match (req.method.as_str(), &segments[..]) {
        ("GET", ["v1", "payments", "find", order_id]) => {
            match st.payments.by_order(Gateway::Nicepay, order_id).last() {
                Some(p) => show(p),
                None if implicit => {
                    let mut p = Payment::implicit(Gateway::Nicepay, "nicepay_sim_tid", now);
                    p.order_id = (*order_id).to_owned();
                    show(&p)
                }
                None => (404, answer(codes::NOT_FOUND)),
            }
        }
        ("POST", ["v1", "payments", "netcancel"])
            if implicit
                && text("orderId")
                    .is_none_or(|o| st.payments.by_order(Gateway::Nicepay, o).is_empty()) =>
        {
            // Transport tests: a network cancel of an order that was never created.
            let mut p = Payment::implicit(Gateway::Nicepay, "nicepay_sim_tid", now);
            p.order_id = text("orderId").unwrap_or("sim_order").to_owned();
            let mut scratch = Payments::default();
            scratch.insert(p);
            let _ = scratch.cancel(Gateway::Nicepay, "nicepay_sim_tid", None, "netcancel", now);
            show(
                scratch
                    .get(Gateway::Nicepay, "nicepay_sim_tid")
                    .expect("exists"),
            )
        }
        ("POST", ["v1", "payments", "netcancel"]) => {
            let (Some(order_id), Some(edi_date), Some(sign)) =
                (text("orderId"), text("ediDate"), text("signData"))
            else {
                return Some(missing);
            };
            if sign != sha256_hex(&[order_id, edi_date, secret_key]) {
                return Some((401, answer(codes::BAD_SIGN)));
            }
            let reason = text("reason").unwrap_or("망취소");
            let target = st
                .payments
                .by_order(Gateway::Nicepay, order_id)
                .into_iter()
                .rev()
                .find(|p| matches!(p.status, Status::Paid | Status::PartialCancelled))
                .map(|p| p.id.clone());
            let Some(tid) = target else {
                return Some((200, answer(codes::NOTHING_TO_NETCANCEL)));
            };
            let c = st
                .payments
                .cancel(Gateway::Nicepay, &tid, None, reason, now)
                .expect("a paid payment can be cancelled in full");
            let p = st
                .payments
                .get(Gateway::Nicepay, &tid)
                .expect("exists")
                .clone();
            st.webhooks.enqueue(Event::new(&p, Some(&c.id)));
            show(&p)
        }
        ("GET", ["v1", "payments", tid]) => match st.payments.get(Gateway::Nicepay, tid) {
            Some(p) => show(p),
            None if implicit => show(&Payment::implicit(Gateway::Nicepay, tid, now)),
            None => (404, answer(codes::NOT_FOUND)),
        },
        ("POST", ["v1", "payments", tid]) => {
            if implicit && st.payments.get(Gateway::Nicepay, tid).is_none() {
                let mut p = Payment::implicit(Gateway::Nicepay, tid, now);
                p.amount = number("amount").unwrap_or(p.amount);
                return Some(show(&p));
            }
            let Some(amount) = number("amount") else {
                return Some(missing);
            };
            if st.payments.get(Gateway::Nicepay, tid).is_none() {
                return Some((404, answer(codes::NOT_FOUND)));
            }
            match st.payments.approve(Gateway::Nicepay, tid, amount, now) {
                Ok(()) => {
                    let p = st
                        .payments
                        .get(Gateway::Nicepay, tid)
                        .expect("exists")
                        .clone();
                    st.webhooks.enqueue(Event::new(&p, None));
                    show(&p)
                }
                Err(ApproveRefusal::NotReady) => (200, answer(codes::ALREADY_APPROVED)),
                Err(ApproveRefusal::AmountMismatch) => (200, answer(codes::AMOUNT_MISMATCH)),
            }
        }
        ("POST", ["v1", "payments", tid, "cancel"]) => {
            let stored = st.payments.get(Gateway::Nicepay, tid).is_some();
            if implicit && !stored {
                // Transport tests: any body cancels (part of) a paid payment not stored.
                let mut scratch = Payments::default();
                scratch.insert(Payment::implicit(Gateway::Nicepay, tid, now));
                let amount = number("cancelAmt").filter(|a| *a > 0 && *a <= 1004);
                let reason = text("reason").unwrap_or_default();
                let _ = scratch.cancel(Gateway::Nicepay, tid, amount, reason, now);
                return Some(show(scratch.get(Gateway::Nicepay, tid).expect("exists")));
            }
            let (Some(reason), Some(order_id)) = (text("reason"), text("orderId")) else {
                return Some(missing);
            };
            let amount = number("cancelAmt");
            if !stored {
                return Some((404, answer(codes::NOT_FOUND)));
            }
            let payments = &mut st.payments;
            if payments
                .get(Gateway::Nicepay, tid)
                .is_some_and(|p| p.order_id != order_id)
            {
                return Some((200, answer(codes::NOT_FOUND)));
            }
            match payments.cancel(Gateway::Nicepay, tid, amount, reason, now) {
                Ok(c) => {
                    let p = payments.get(Gateway::Nicepay, tid).expect("exists").clone();
                    st.webhooks.enqueue(Event::new(&p, Some(&c.id)));
                    show(&p)
                }
                Err(CancelRefusal::AlreadyCancelled) => (200, answer(codes::ALREADY_CANCELLED)),
                Err(CancelRefusal::NotPaid) => (200, answer(codes::NOT_CANCELLABLE)),
                Err(CancelRefusal::ExceedsCancellable | CancelRefusal::InvalidAmount) => {
                    (200, answer(codes::EXCEEDS))
                }
            }
        }
        _ if implicit => return None,
        _ => (404, answer(codes::NO_API)),
    })
}

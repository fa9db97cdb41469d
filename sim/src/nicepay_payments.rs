//! NICEPAY business endpoints over the payment state: lookups by `tid` and `orderId`,
//! approve, cancel (full or partial) and network cancel. Anything else is a 404.
//!
//! NICEPAY's manual lists result codes per API; where the simulator needs a failure code
//! the documents we have do not give, it uses the ones in `codes` below and the sim
//! README lists them as assumptions.

use serde_json::{json, Value};

use crate::clock::kst_date;
use crate::clock::{nicepay_time, NicepayTimeFormat};
use crate::exchange::Req;
use crate::payments::{ApproveRefusal, CancelAsk, CancelRefusal, Payment, Payments, Status};
use crate::state::{Gateway, State};
use crate::webhooks::Event;

/// `(resultCode, resultMsg)`.
pub type Code = (&'static str, &'static str);

/// Every result code the simulator answers, each with its meaning in NICEPAY's own
/// code table (`common/code.md` of its manual; the conformance test checks each one
/// against that table). Where the manual names no code for a case the choice is ours
/// and the sim README lists it.
pub mod codes {
    use super::Code;
    pub const OK: Code = ("0000", "정상 처리되었습니다.");
    /// A lookup of a tid or orderId that does not exist.
    pub const NOT_FOUND: Code = ("A118", "조회 결과데이터 없음");
    pub const NO_API: Code = ("U320", "페이지를 찾을 수 없습니다.");
    /// `U100`'s message names the field: `{0} 필수입력항목이 누락되었습니다.`
    pub const MISSING_FIELD: Code = ("U100", "필수입력항목이 누락되었습니다.");
    pub const ALREADY_CANCELLED: Code = ("2013", "취소 완료 거래");
    pub const NOT_CANCELLABLE: Code = ("2014", "취소 불가능 거래");
    pub const CANCEL_NOT_FOUND: Code = ("2012", "취소 해당거래 없음");
    pub const ZERO_AMOUNT: Code = ("2010", "취소 요청금액 0원 이하");
    pub const EXCEEDS: Code = ("2032", "취소금액이 취소가능금액보다 큼");
    pub const TAX_FREE_EXCEEDS: Code = (
        "U319",
        "요청하신 면세금액이 취소가능한 면세금액을 초과 오류",
    );
    pub const TAX_FREE_OVER_AMOUNT: Code = ("U321", "면세금액이 결제금액 보다 큼.");
    pub const ALREADY_APPROVED: Code = ("U114", "이미 사용된 TID 입니다.");
    pub const AMOUNT_MISMATCH: Code = (
        "A123",
        "거래금액 불일치(인증된 금액과 승인요청 금액 불일치)",
    );
    pub const BAD_SIGN: Code = ("U312", "SIGN DATA 검증에 실패하였습니다.");
    pub const NOTHING_TO_NETCANCEL: Code = ("2015", "기 취소 요청");
    pub const BAD_BEARER: Code = ("U305", "BEARER AUTHENTICATION 실패");
    /// Every code above, for the conformance test.
    pub const ALL: [Code; 21] = [
        OK,
        NOT_FOUND,
        NO_API,
        MISSING_FIELD,
        ALREADY_CANCELLED,
        NOT_CANCELLABLE,
        CANCEL_NOT_FOUND,
        ZERO_AMOUNT,
        EXCEEDS,
        TAX_FREE_EXCEEDS,
        TAX_FREE_OVER_AMOUNT,
        ALREADY_APPROVED,
        AMOUNT_MISMATCH,
        BAD_SIGN,
        NOTHING_TO_NETCANCEL,
        BAD_BEARER,
        ("U104", "사용자 인증에 실패하였습니다."),
        crate::nicepay::BAD_BASE64,
        crate::nicepay::NO_CREDENTIALS,
        crate::nicepay::EMPTY_KEY,
        crate::nicepay::UNKNOWN_CLIENT,
    ];
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
        Status::VirtualAccountIssued | Status::PayPending => "ready",
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
        // null until the first cancel, as in every sample of NICEPAY's manual.
        "cancels": if p.cancellations.is_empty() { Value::Null } else { p.cancellations.iter().map(|c| json!({
            "tid": c.id,
            "amount": c.amount,
            "cancelledAt": nicepay_time(c.at_ms, format),
            "reason": c.reason,
            "receiptUrl": format!("https://receipt.invalid/{}", c.id),
            "couponAmt": 0,
        })).collect::<Value>() },
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

/// `U100` naming the missing field, as NICEPAY's table writes it.
fn missing(field: &str) -> (u16, Value) {
    let (code, msg) = codes::MISSING_FIELD;
    (
        200,
        json!({"resultCode": code, "resultMsg": format!("{field} {msg}")}),
    )
}

fn refused(refusal: CancelRefusal) -> Code {
    match refusal {
        CancelRefusal::AlreadyCancelled => codes::ALREADY_CANCELLED,
        CancelRefusal::NotPaid => codes::NOT_CANCELLABLE,
        CancelRefusal::InvalidAmount => codes::ZERO_AMOUNT,
        CancelRefusal::ExceedsCancellable | CancelRefusal::TaxExceeds => codes::EXCEEDS,
        CancelRefusal::TaxFreeExceeds => codes::TAX_FREE_EXCEEDS,
        CancelRefusal::SumOfPartsExceeds => codes::TAX_FREE_OVER_AMOUNT,
    }
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
    Some(match (req.method.as_str(), &segments[..]) {
        ("GET", ["v1", "payments", "find", order_id]) => {
            // orderDate (YYYYMMDD, KST) is required: the order's payments of that day.
            let order_date = req.query_param("orderDate").filter(|d| !d.is_empty());
            if order_date.is_none() && !implicit {
                return Some(missing("orderDate"));
            }
            let found = st
                .payments
                .by_order(Gateway::Nicepay, order_id)
                .into_iter()
                .rfind(|p| {
                    order_date
                        .as_ref()
                        .is_none_or(|d| *d == kst_date(p.created_ms))
                });
            match found {
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
            let ask = CancelAsk {
                reason: "netcancel",
                ..CancelAsk::default()
            };
            let _ = scratch.cancel(Gateway::Nicepay, "nicepay_sim_tid", ask, now);
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
                let absent = ["orderId", "ediDate", "signData"]
                    .into_iter()
                    .find(|f| text(f).is_none())
                    .unwrap_or("orderId");
                return Some(missing(absent));
            };
            if sign != sha256_hex(&[order_id, edi_date, secret_key]) {
                // signData is made with the SecretKey: an authentication failure (401).
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
            let ask = CancelAsk {
                reason,
                ..CancelAsk::default()
            };
            let c = st
                .payments
                .cancel(Gateway::Nicepay, &tid, ask, now)
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
                return Some(missing("amount"));
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
                let ask = CancelAsk {
                    amount: number("cancelAmt").filter(|a| *a > 0 && *a <= 1004),
                    reason: text("reason").unwrap_or_default(),
                    ..CancelAsk::default()
                };
                let _ = scratch.cancel(Gateway::Nicepay, tid, ask, now);
                return Some(show(scratch.get(Gateway::Nicepay, tid).expect("exists")));
            }
            let (Some(reason), Some(order_id)) = (text("reason"), text("orderId")) else {
                return Some(missing(if text("reason").is_none() {
                    "reason"
                } else {
                    "orderId"
                }));
            };
            // An unknown tid, or one of another order: nothing to cancel.
            let of_order = st
                .payments
                .get(Gateway::Nicepay, tid)
                .is_some_and(|p| p.order_id == order_id);
            if !of_order {
                return Some((200, answer(codes::CANCEL_NOT_FOUND)));
            }
            let ask = CancelAsk {
                amount: number("cancelAmt"),
                // "취소금액중 면세공급가액"; absent: none of it is tax-free.
                tax_free: number("taxFreeAmt"),
                vat: None,
                reason,
            };
            let payments = &mut st.payments;
            match payments.cancel(Gateway::Nicepay, tid, ask, now) {
                Ok(c) => {
                    let p = payments.get(Gateway::Nicepay, tid).expect("exists").clone();
                    st.webhooks.enqueue(Event::new(&p, Some(&c.id)));
                    show(&p)
                }
                Err(refusal) => (200, answer(refused(refusal))),
            }
        }
        _ if implicit => return None,
        _ => (404, answer(codes::NO_API)),
    })
}

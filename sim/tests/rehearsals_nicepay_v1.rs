//! NICEPAY's result codes as its own code table gives them, its strictness (orderDate,
//! `cancels: null`), and PortOne V1's multi-lookup, status paging and full cancel.

#[allow(dead_code)]
mod support;

use serde_json::{json, Value};
use support::*;

#[test]
fn nicepay_codes_are_the_ones_of_its_table() {
    let sim = faithful_sim();
    create(
        &sim,
        json!({"gateway": "nicepay", "id": "t-ready", "orderId": "o-1", "amount": 3000,
                        "status": "ready", "requestedAt": "2026-11-20T10:00:00+09:00"}),
    );
    create(
        &sim,
        json!({"gateway": "nicepay", "id": "t-paid", "orderId": "o-2", "amount": 3000}),
    );
    let basic = nicepay_basic();
    let auth = [("Authorization", basic.as_str())];
    let call = |path: &str, body: Value| {
        let reply = post(&sim, path, &auth, &body.to_string());
        let v = reply.json();
        (
            reply.status,
            v["resultCode"].as_str().unwrap_or_default().to_owned(),
            v["resultMsg"].as_str().unwrap_or_default().to_owned(),
        )
    };
    let code = |path: &str, body: Value| call(path, body).1;
    assert_eq!(
        code("/v1/payments/t-ready", json!({"amount": 2999})),
        "A123",
        "amount mismatch"
    );
    let (status, missing, msg) = call("/v1/payments/t-ready", json!({}));
    assert_eq!((status, missing.as_str()), (200, "U100"));
    assert!(msg.starts_with("amount "), "U100 names the field: {msg}");
    assert_eq!(
        code("/v1/payments/t-paid", json!({"amount": 3000})),
        "U114",
        "already approved"
    );
    assert_eq!(
        code(
            "/v1/payments/t-ready/cancel",
            json!({"orderId": "o-1", "reason": "r"})
        ),
        "2014",
        "not paid"
    );
    assert_eq!(
        code(
            "/v1/payments/nope/cancel",
            json!({"orderId": "o-1", "reason": "r"})
        ),
        "2012",
        "unknown tid"
    );
    assert_eq!(
        code(
            "/v1/payments/t-paid/cancel",
            json!({"orderId": "o-2", "reason": "r", "cancelAmt": 0})
        ),
        "2010"
    );
    assert_eq!(
        code(
            "/v1/payments/netcancel",
            json!({"orderId": "o-2", "ediDate": "x", "signData": "bad"})
        ),
        "U312"
    );
    let bearer = get(
        &sim,
        "/v1/payments/t-paid",
        &[("Authorization", "Bearer not-a-token")],
    );
    assert_eq!(
        (bearer.status, bearer.json()["resultCode"].as_str()),
        (401, Some("U305"))
    );
    assert_eq!(get(&sim, "/v1/nothing", &auth).json()["resultCode"], "U320");

    // orderDate is required to find by orderId, and selects the order's day (KST).
    let no_date = get(&sim, "/v1/payments/find/o-1", &auth).json();
    assert_eq!(no_date["resultCode"], "U100");
    assert_eq!(
        get(&sim, "/v1/payments/find/o-1?orderDate=20261121", &auth).status,
        404
    );
    let found = get(&sim, "/v1/payments/find/o-1?orderDate=20261120", &auth).json();
    assert_eq!(found["tid"], "t-ready");
    assert_eq!(
        found["cancels"],
        Value::Null,
        "an uncancelled payment has cancels: null"
    );
}

#[test]
fn nicepay_tax_free_cancel_and_pg_error() {
    let sim = faithful_sim();
    create(
        &sim,
        json!({"gateway": "nicepay", "id": "t", "orderId": "o", "amount": 5000, "taxFree": 1000}),
    );
    let basic = nicepay_basic();
    let auth = [("Authorization", basic.as_str())];
    let cancel = |body: Value| post(&sim, "/v1/payments/t/cancel", &auth, &body.to_string()).json();
    assert_eq!(
        cancel(json!({"orderId": "o", "reason": "r", "cancelAmt": 2000, "taxFreeAmt": 1500}))
            ["resultCode"],
        "U319"
    );
    admin(
        &sim,
        "/__sim/fault",
        r#"{"gateway":"nicepay","endpoint":"api","kind":"pg-error","pgCode":"2016","pgMessage":"취소 기한 초과"}"#,
    );
    let pg = cancel(json!({"orderId": "o", "reason": "r"}));
    assert_eq!(
        (pg["resultCode"].as_str(), pg["resultMsg"].as_str()),
        (Some("2016"), Some("취소 기한 초과"))
    );
    let ok = cancel(json!({"orderId": "o", "reason": "r", "cancelAmt": 2000, "taxFreeAmt": 1000}));
    assert_eq!(
        (ok["resultCode"].as_str(), ok["balanceAmt"].as_i64()),
        (Some("0000"), Some(3000))
    );
    assert_eq!(ok["cancels"].as_array().map(Vec::len), Some(1));
}

#[test]
fn v1_multi_lookup_status_paging_and_full_cancel_with_zero() {
    let sim = faithful_sim();
    for i in 0..5 {
        create(
            &sim,
            json!({"gateway": "portone-v1", "id": format!("imp_{i}"), "orderId": format!("m-{i}"),
                            "amount": 1000, "requestedAt": format!("2026-11-0{}T10:00:00+09:00", i + 1)}),
        );
    }
    let token = format!(
        "Bearer {}",
        v1_token(&sim)["access_token"].as_str().unwrap()
    );
    let auth = [("Authorization", token.as_str())];
    let lookup = |q: &str| get(&sim, &format!("/payments?{q}"), &auth);
    let all = lookup("imp_uid[]=imp_0&merchant_uid[]=m-1");
    assert_eq!(all.status, 200);
    assert_eq!(
        all.json()["response"].as_array().unwrap().len(),
        2,
        "merchant_uid[] is honoured"
    );
    let some = lookup("imp_uid[]=imp_0&imp_uid[]=nope");
    assert_eq!(
        (
            some.status,
            some.json()["response"].as_array().unwrap().len()
        ),
        (207, 1)
    );
    assert_eq!(lookup("imp_uid[]=nope").status, 404);

    let page = |q: &str| get(&sim, &format!("/payments/status/paid?{q}"), &auth);
    let first = page("limit=2&from=0").json()["response"].clone();
    assert_eq!(
        (
            first["total"].as_i64(),
            first["previous"].as_i64(),
            first["next"].as_i64()
        ),
        (Some(5), Some(0), Some(2))
    );
    assert_eq!(
        first["list"][0]["imp_uid"], "imp_4",
        "newest first (-started)"
    );
    let last = page("limit=2&page=3&from=0").json()["response"].clone();
    assert_eq!(
        (
            last["list"].as_array().unwrap().len(),
            last["next"].as_i64()
        ),
        (1, Some(0))
    );
    let asc = page("limit=1&sorting=started&from=0").json()["response"].clone();
    assert_eq!(asc["list"][0]["imp_uid"], "imp_0");
    assert_eq!(
        page("limit=2&page=4&from=0").status,
        400,
        "a page beyond the data"
    );
    assert_eq!(page("limit=1001").status, 400);
    assert_eq!(get(&sim, "/payments/status/refunded", &auth).status, 400);

    let cancelled = post(
        &sim,
        "/payments/cancel",
        &auth,
        r#"{"imp_uid":"imp_0","amount":0}"#,
    )
    .json();
    assert_eq!(
        (
            cancelled["code"].as_i64(),
            cancelled["response"]["status"].as_str()
        ),
        (Some(0), Some("cancelled"))
    );
    assert_eq!(
        cancelled["response"]["cancel_amount"], 1000,
        "amount 0 cancels all of it"
    );
}

//! What a shop rehearses on PortOne V2 beyond the happy path: reconciliation through
//! `GET /payments` with filters, tax-split partial refunds, PG failures, pending
//! payments, and the optional fields a shop's code reads.

#[allow(dead_code)]
mod support;

use paytoken_sim::Simulator;
use serde_json::{json, Value};
use support::*;

fn list(sim: &Simulator, body: Value) -> Reply {
    get(
        sim,
        &format!("/payments?requestBody={}", encode(&body.to_string())),
        &[V2],
    )
}

fn ids(reply: &Reply) -> Vec<String> {
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    reply.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn reconciliation_list_applies_filter_sort_and_page_limits() {
    let sim = faithful_sim();
    for (id, at, status, store) in [
        ("a", "2026-11-01T10:00:00+09:00", "paid", "store-sim"),
        ("b", "2026-11-02T10:00:00+09:00", "ready", "store-sim"),
        ("c", "2026-11-03T10:00:00+09:00", "paid", "store-other"),
        ("d", "2026-11-04T10:00:00+09:00", "paid", "store-sim"),
        ("e", "2026-10-01T10:00:00+09:00", "paid", "store-sim"),
    ] {
        create(
            &sim,
            json!({"gateway": "portone-v2", "id": id, "amount": 1000, "status": status,
                            "storeId": store, "requestedAt": at}),
        );
    }
    let november =
        json!({"from": "2026-11-01T00:00:00+09:00", "until": "2026-12-01T00:00:00+09:00"});
    let mut filter = november.clone();
    filter["status"] = json!(["PAID"]);
    filter["storeId"] = json!("store-sim");
    filter["sortOrder"] = json!("ASC");
    assert_eq!(ids(&list(&sim, json!({"filter": filter}))), ["a", "d"]);
    filter["sortOrder"] = json!("DESC");
    assert_eq!(ids(&list(&sim, json!({"filter": filter}))), ["d", "a"]);
    let all_november = list(
        &sim,
        json!({"filter": november, "page": {"number": 1, "size": 2}}),
    );
    assert_eq!(ids(&all_november), ["b", "a"], "page 1 of 2, newest first");
    assert_eq!(
        all_november.json()["page"],
        json!({"number": 1, "size": 2, "totalCount": 4})
    );

    // The JSON-body form PortOne documents beside the query form.
    let body = json!({"filter": {"status": ["READY"]}}).to_string();
    let reply = send(
        &sim,
        "GET",
        "/payments",
        &[V2, ("Content-Type", "application/json")],
        body.as_bytes(),
    )
    .unwrap();
    assert_eq!(ids(&reply), ["b"]);

    for bad in [
        json!({"page": {"number": 6000, "size": 10}}),
        json!({"page": {"number": 0, "size": 60001}}),
        json!({"filter": {"status": ["DONE"]}}),
        json!({"filter": {"sortOrder": "UP"}}),
        json!({"filter": {"from": "yesterday"}}),
        json!({"filter": {"from": "2026-12-01T00:00:00Z", "until": "2026-11-01T00:00:00Z"}}),
        json!({"page": "first"}),
    ] {
        let reply = list(&sim, bad.clone());
        assert_eq!(reply.status, 400, "{bad}");
        assert_eq!(reply.json()["type"], "INVALID_REQUEST");
    }
    assert_eq!(
        list(&sim, json!({"page": {"number": 5999, "size": 10}})).status,
        200,
        "the cap itself is allowed"
    );
}

#[test]
fn tax_split_partial_cancels_and_their_errors() {
    let sim = faithful_sim();
    create(
        &sim,
        json!({"gateway": "portone-v2", "id": "book", "amount": 21000, "taxFree": 10000}),
    );
    let paid = get(&sim, "/payments/book", &[V2]).json();
    assert_eq!(paid["amount"]["taxFree"], 10000);
    assert_eq!(paid["amount"]["vat"], 1000);
    assert_eq!(paid["amount"]["supply"], 10000);
    let cancel = |body: Value| post(&sim, "/payments/book/cancel", &[V2], &body.to_string());
    let refused = |body: Value| {
        let reply = cancel(body);
        (
            reply.status,
            reply.json()["type"].as_str().unwrap_or_default().to_owned(),
        )
    };
    assert_eq!(
        refused(json!({"reason": "r", "amount": 1000, "taxFreeAmount": 2000})),
        (409, "SUM_OF_PARTS_EXCEEDS_CANCEL_AMOUNT".into())
    );
    assert_eq!(
        refused(json!({"reason": "r", "amount": 12000, "taxFreeAmount": 0})),
        (
            409,
            "CANCEL_TAX_AMOUNT_EXCEEDS_CANCELLABLE_TAX_AMOUNT".into()
        )
    );
    let first = cancel(
        json!({"reason": "책 반품", "amount": 6100, "taxFreeAmount": 5000, "vatAmount": 100}),
    );
    assert_eq!(first.status, 200);
    let c = &first.json()["cancellation"];
    assert_eq!(
        (
            c["totalAmount"].as_i64(),
            c["taxFreeAmount"].as_i64(),
            c["vatAmount"].as_i64()
        ),
        (Some(6100), Some(5000), Some(100))
    );
    assert_eq!(
        refused(json!({"reason": "r", "amount": 6000, "taxFreeAmount": 6000})),
        (
            409,
            "CANCEL_TAX_FREE_AMOUNT_EXCEEDS_CANCELLABLE_TAX_FREE_AMOUNT".into()
        )
    );
    // The rest, without parts: the tax-free and VAT left go with it.
    let rest = cancel(json!({"reason": "전액"}));
    let c = &rest.json()["cancellation"];
    assert_eq!(
        (
            c["totalAmount"].as_i64(),
            c["taxFreeAmount"].as_i64(),
            c["vatAmount"].as_i64()
        ),
        (Some(14900), Some(5000), Some(900))
    );
    let done = get(&sim, "/payments/book", &[V2]).json();
    assert_eq!(done["status"], "CANCELLED");
    assert_eq!(done["amount"]["cancelledTaxFree"], 10000);
}

#[test]
fn pg_failures_pending_payments_and_gateway_shaped_outages() {
    let sim = faithful_sim();
    create(
        &sim,
        json!({"gateway": "portone-v2", "id": "p", "amount": 1000}),
    );
    admin(
        &sim,
        "/__sim/fault",
        r#"{"gateway":"portone-v2","endpoint":"api","kind":"pg-error","pgCode":"8031","pgMessage":"한도초과"}"#,
    );
    let failed = post(&sim, "/payments/p/cancel", &[V2], r#"{"reason":"r"}"#);
    assert_eq!(failed.status, 502);
    let body = failed.json();
    assert_eq!(
        (
            body["type"].as_str(),
            body["pgCode"].as_str(),
            body["pgMessage"].as_str()
        ),
        (Some("PG_PROVIDER"), Some("8031"), Some("한도초과"))
    );
    assert_eq!(
        get(&sim, "/payments/p", &[V2]).json()["status"],
        "PAID",
        "a refused cancel changes nothing"
    );

    admin(
        &sim,
        "/__sim/fault",
        r#"{"gateway":"portone-v2","endpoint":"api","kind":"status","status":503,"body":"json"}"#,
    );
    let outage = get(&sim, "/payments/p", &[V2]);
    assert_eq!(outage.status, 503);
    assert!(
        outage.json()["type"].is_string(),
        "the gateway's JSON error shape"
    );
    admin(&sim, "/__sim/fault", r#"{"kind":"status","status":503}"#);
    assert!(get(&sim, "/payments/p", &[V2])
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));

    create(
        &sim,
        json!({"gateway": "portone-v2", "id": "q", "amount": 1000, "status": "pay-pending"}),
    );
    assert_eq!(
        get(&sim, "/payments/q", &[V2]).json()["status"],
        "PAY_PENDING"
    );
    admin(
        &sim,
        "/__sim/payments/update",
        r#"{"gateway":"portone-v2","id":"q","status":"failed","failure":{"pgCode":"F113","pgMessage":"카드 확인 오류","reason":"카드사 거절"}}"#,
    );
    let failure = get(&sim, "/payments/q", &[V2]).json();
    assert_eq!(failure["status"], "FAILED");
    assert_eq!(
        failure["failure"],
        json!({"pgCode": "F113", "pgMessage": "카드 확인 오류", "reason": "카드사 거절"})
    );
    let pending = list(&sim, json!({"filter": {"status": ["PENDING", "FAILED"]}}));
    assert_eq!(ids(&pending), ["q"]);
}

#[test]
fn optional_fields_set_through_the_admin_api_come_back() {
    let sim = faithful_sim();
    let customer = json!({"id": "c-1", "name": "홍길동", "email": "buyer@example.com"});
    let products = json!([{"id": "p-1", "name": "도서", "amount": 1000, "quantity": 2}]);
    create(
        &sim,
        json!({"gateway": "portone-v2", "id": "o", "amount": 2000, "customer": customer,
                        "customData": "{\"cart\":1}", "products": products,
                        "receiptUrl": "https://receipt.example/o",
                        "escrow": {"status": "REGISTERED", "company": "CJ", "invoiceNumber": "1"}}),
    );
    let p = get(&sim, "/payments/o", &[V2]).json();
    assert_eq!(p["customer"], customer);
    assert_eq!(p["products"], products);
    assert_eq!(p["customData"], "{\"cart\":1}");
    assert_eq!(p["receiptUrl"], "https://receipt.example/o");
    assert_eq!(p["escrow"]["status"], "REGISTERED");
    assert_eq!(
        p["method"]["type"], "PaymentMethodCard",
        "a paid payment has a method"
    );
    create(
        &sim,
        json!({"gateway": "portone-v2", "id": "v", "amount": 2000, "status": "virtual-account-issued"}),
    );
    let v = get(&sim, "/payments/v", &[V2]).json();
    assert_eq!(v["method"]["type"], "PaymentMethodVirtualAccount");
    assert!(v["method"]["accountNumber"].is_string());
    let typo = post(
        &sim,
        "/__sim/payments",
        &[],
        r#"{"gateway":"portone-v2","amount":1,"customer":"x"}"#,
    );
    assert_eq!(typo.status, 400);
}

//! Payment state with the faithful default: payments exist only when the admin API
//! created them, and the business endpoints read and change them like the gateways.

#[allow(dead_code)]
mod support;

use paytoken_sim::Simulator;
use serde_json::{json, Value};
use support::*;

fn v1_auth(sim: &Simulator) -> String {
    format!("Bearer {}", v1_token(sim)["access_token"].as_str().unwrap())
}

#[test]
fn v2_lookup_partial_cancels_and_every_error() {
    let sim = faithful_sim();
    create(
        &sim,
        json!({"gateway": "portone-v2", "id": "order 1/2 주문", "amount": 10000, "orderName": "티셔츠"}),
    );
    let path = "/payments/order%201%2F2%20%EC%A3%BC%EB%AC%B8";
    let paid = get(&sim, path, &[V2]);
    assert_eq!(paid.status, 200);
    let paid = paid.json();
    assert_eq!(paid["id"], "order 1/2 주문", "the id comes back decoded");
    assert_eq!(paid["status"], "PAID");
    assert_eq!(paid["amount"]["total"], 10000);
    assert_eq!(paid["amount"]["paid"], 10000);
    assert_eq!(paid["orderName"], "티셔츠");
    assert!(paid.get("echo").is_none(), "no echo in a faithful answer");
    let other_store = get(&sim, &format!("{path}?storeId=store-other"), &[V2]);
    assert_eq!(other_store.status, 404, "another store does not see it");
    let own_store = get(&sim, &format!("{path}?storeId=store-sim"), &[V2]);
    assert_eq!(own_store.status, 200);
    let wrong_store = post(
        &sim,
        &format!("{path}/cancel"),
        &[V2],
        r#"{"reason":"x","storeId":"store-other"}"#,
    );
    assert_eq!(wrong_store.json()["type"], "PAYMENT_NOT_FOUND");

    let cancel = |body: Value| post(&sim, &format!("{path}/cancel"), &[V2], &body.to_string());
    let missing_reason = cancel(json!({"amount": 1000}));
    assert_eq!(missing_reason.status, 400);
    assert_eq!(missing_reason.json()["type"], "INVALID_REQUEST");

    let partial = cancel(json!({"amount": 3000, "reason": "부분 환불"}));
    assert_eq!(partial.status, 200);
    assert_eq!(partial.json()["cancellation"]["status"], "SUCCEEDED");
    assert_eq!(partial.json()["cancellation"]["totalAmount"], 3000);
    let after = get(&sim, path, &[V2]).json();
    assert_eq!(after["status"], "PARTIAL_CANCELLED");
    assert_eq!(after["amount"]["cancelled"], 3000);
    assert_eq!(after["cancellations"].as_array().unwrap().len(), 1);

    let over = cancel(json!({"amount": 7001, "reason": "too much"}));
    assert_eq!(over.status, 409);
    assert_eq!(
        over.json()["type"],
        "CANCEL_AMOUNT_EXCEEDS_CANCELLABLE_AMOUNT"
    );

    let rest = cancel(json!({"reason": "나머지 전액"}));
    assert_eq!(rest.status, 200);
    assert_eq!(rest.json()["cancellation"]["totalAmount"], 7000);
    assert_eq!(get(&sim, path, &[V2]).json()["status"], "CANCELLED");

    let twice = cancel(json!({"reason": "again"}));
    assert_eq!(twice.status, 409);
    assert_eq!(twice.json()["type"], "PAYMENT_ALREADY_CANCELLED");
    assert_eq!(stats(&sim, "processed", "portone-v2"), 2);
}

#[test]
fn v2_unknown_ids_and_endpoints_are_404s() {
    let sim = faithful_sim();
    let missing = get(&sim, "/payments/never-existing", &[V2]);
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["type"], "PAYMENT_NOT_FOUND");
    let cancel = post(
        &sim,
        "/payments/never-existing/cancel",
        &[V2],
        r#"{"reason":"x"}"#,
    );
    assert_eq!(cancel.status, 404);
    assert_eq!(cancel.json()["type"], "PAYMENT_NOT_FOUND");
    for (method, path) in [("POST", "/token/refresh"), ("GET", "/payments/a/b/c")] {
        let reply = send(&sim, method, path, &[V2], b"{}").unwrap();
        assert_eq!(reply.status, 404, "{method} {path}");
        assert_eq!(reply.json()["type"], "NOT_FOUND");
    }
    // A ready payment cannot be cancelled.
    create(
        &sim,
        json!({"gateway": "portone-v2", "id": "r1", "amount": 500, "status": "ready"}),
    );
    let not_paid = post(&sim, "/payments/r1/cancel", &[V2], r#"{"reason":"x"}"#);
    assert_eq!(not_paid.json()["type"], "PAYMENT_NOT_PAID");
    assert_eq!(stats(&sim, "processed", "portone-v2"), 0);
}

#[test]
fn v2_list_pages_newest_first() {
    let sim = faithful_sim();
    for i in 0..3 {
        create(
            &sim,
            json!({"gateway": "portone-v2", "id": format!("p{i}"), "amount": 100 + i}),
        );
    }
    let query = "/payments?requestBody=%7B%22page%22%3A%7B%22number%22%3A0%2C%22size%22%3A2%7D%7D";
    let page = get(&sim, query, &[V2]).json();
    assert_eq!(page["page"]["totalCount"], 3);
    assert_eq!(page["items"][0]["id"], "p2");
    assert_eq!(page["items"].as_array().unwrap().len(), 2);
}

#[test]
fn v1_lookups_cancels_and_errors() {
    let sim = faithful_sim();
    let created = create(
        &sim,
        json!({"gateway": "portone-v1", "orderId": "주문-1", "amount": 5000}),
    );
    let imp_uid = created["id"].as_str().unwrap().to_owned();
    assert!(imp_uid.starts_with("imp_"), "{imp_uid}");
    let auth = v1_auth(&sim);
    let auth = [("Authorization", auth.as_str())];

    let found = get(&sim, &format!("/payments/{imp_uid}"), &auth).json();
    assert_eq!(found["code"], 0);
    let p = &found["response"];
    assert_eq!(
        (p["status"].as_str(), p["amount"].as_i64()),
        (Some("paid"), Some(5000))
    );
    assert_eq!(
        (p["cancel_amount"].as_i64(), p["cancelled_at"].as_i64()),
        (Some(0), Some(0))
    );
    assert_eq!(p["currency"], "KRW");
    assert!(p["paid_at"].as_i64().unwrap() > 1_700_000_000);
    let by_order = get(&sim, "/payments/find/%EC%A3%BC%EB%AC%B8-1", &auth).json();
    assert_eq!(by_order["response"]["imp_uid"], imp_uid.as_str());
    let list = get(
        &sim,
        &format!("/payments?imp_uid[]={imp_uid}&imp_uid[]=imp_none"),
        &auth,
    );
    assert_eq!(list.json()["response"].as_array().unwrap().len(), 1);

    // The amount as a JSON number, as every client sends it.
    let cancel = |body: Value| post(&sim, "/payments/cancel", &auth, &body.to_string()).json();
    let partial = cancel(json!({"imp_uid": imp_uid, "amount": 2000, "reason": "부분"}));
    assert_eq!(partial["code"], 0, "{partial}");
    assert_eq!(partial["response"]["cancel_amount"], 2000);
    assert_eq!(partial["response"]["status"], "paid");
    assert_eq!(partial["response"]["cancel_history"][0]["amount"], 2000);
    let over = cancel(json!({"imp_uid": imp_uid, "amount": 3001}));
    assert_eq!(over["code"], 1);
    let rest = cancel(json!({"merchant_uid": "주문-1", "amount": "3000", "checksum": 3000}));
    assert_eq!(rest["response"]["status"], "cancelled", "{rest}");
    assert!(rest["response"]["cancelled_at"].as_i64().unwrap() > 0);
    let twice = cancel(json!({"imp_uid": imp_uid}));
    assert_eq!(twice["code"], 1);
    assert_eq!(cancel(json!({"reason": "no id"}))["code"], 1);

    let missing = get(&sim, "/payments/imp_000000000000", &auth);
    assert_eq!(missing.status, 404);
    assert_eq!(missing.json()["response"], Value::Null);
    for path in ["/payments/find/nope", "/payments/prepare/x", "/nothing"] {
        assert_eq!(get(&sim, path, &auth).status, 404, "{path}");
    }
    assert_eq!(post(&sim, "/payments/prepare", &auth, "{}").status, 404);
}

#[test]
fn nicepay_approve_cancel_and_errors() {
    let sim = faithful_sim();
    create(
        &sim,
        json!({"gateway": "nicepay", "id": "tid-1", "orderId": "o-1", "amount": 3000, "status": "ready",
               "requestedAt": "2026-11-20T10:00:00+09:00"}),
    );
    let basic = nicepay_basic();
    let auth = [("Authorization", basic.as_str())];
    let approve = |amount: i64| {
        post(
            &sim,
            "/v1/payments/tid-1",
            &auth,
            &json!({"amount": amount}).to_string(),
        )
        .json()
    };
    assert_ne!(approve(2999)["resultCode"], "0000", "amount mismatch");
    let approved = approve(3000);
    assert_eq!(
        (approved["resultCode"].as_str(), approved["status"].as_str()),
        (Some("0000"), Some("paid"))
    );
    assert_ne!(approve(3000)["resultCode"], "0000", "approved twice");

    let cancel =
        |body: Value| post(&sim, "/v1/payments/tid-1/cancel", &auth, &body.to_string()).json();
    assert_ne!(
        cancel(json!({"orderId": "o-1"}))["resultCode"],
        "0000",
        "reason missing"
    );
    let partial = cancel(json!({"orderId": "o-1", "reason": "부분", "cancelAmt": 1000}));
    assert_eq!(partial["status"], "partialCancelled");
    assert_eq!(partial["balanceAmt"], 2000);
    assert_ne!(
        cancel(json!({"orderId": "o-1", "reason": "x", "cancelAmt": 2001}))["resultCode"],
        "0000"
    );
    assert_eq!(
        cancel(json!({"orderId": "o-1", "reason": "rest"}))["status"],
        "cancelled"
    );
    assert_eq!(
        cancel(json!({"orderId": "o-1", "reason": "again"}))["resultCode"],
        "2013"
    );
    let found = get(&sim, "/v1/payments/find/o-1?orderDate=20261120", &auth).json();
    assert_eq!(found["tid"], "tid-1");
    assert_eq!(found["cancels"].as_array().unwrap().len(), 2);
    assert_eq!(get(&sim, "/v1/payments/nope", &auth).status, 404);
    assert_eq!(get(&sim, "/v1/nothing/here", &auth).status, 404);
    assert_eq!(stats(&sim, "processed", "nicepay"), 3);
}

#[test]
fn implicit_payments_answer_any_id_as_paid_without_storing_it() {
    let sim = transport_sim();
    let reply = get(&sim, "/payments/anything", &[V2]).json();
    assert_eq!(
        (reply["status"].as_str(), reply["amount"]["total"].as_i64()),
        (Some("PAID"), Some(1004))
    );
    assert_eq!(reply["echo"]["path"], "/payments/anything");
    for _ in 0..2 {
        let cancel = post(
            &sim,
            "/payments/anything/cancel",
            &[V2],
            r#"{"reason":"x"}"#,
        );
        assert_eq!(
            cancel.status, 200,
            "cancels never change an implicit payment"
        );
    }
    let listed = get(&sim, "/__sim/payments", &[]).json();
    assert_eq!(listed["payments"], json!([]));
}

#[test]
fn admin_payments_are_validated_and_reset() {
    let sim = faithful_sim();
    for bad in [
        json!({"gateway": "portone-v2"}),
        json!({"gateway": "toss", "amount": 1}),
        json!({"gateway": "nicepay", "amount": 1, "status": "refunded"}),
        json!({"gateway": "nicepay", "amount": 1, "colour": "red"}),
    ] {
        assert_eq!(
            post(&sim, "/__sim/payments", &[], &bad.to_string()).status,
            400,
            "{bad}"
        );
    }
    create(&sim, json!({"gateway": "nicepay", "id": "t", "amount": 1}));
    assert_eq!(
        post(
            &sim,
            "/__sim/payments",
            &[],
            r#"{"gateway":"nicepay","id":"t","amount":1}"#
        )
        .status,
        400
    );
    admin(&sim, "/__sim/reset", "");
    assert_eq!(
        get(&sim, "/__sim/payments", &[]).json()["payments"],
        json!([])
    );
}

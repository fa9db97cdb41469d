//! Issue 25: `paytoken_verify_payment` against the faithful simulator — every verdict
//! reason from each gateway, through payment states created with the admin API, the
//! lookup by the shop's order id, and transport errors staying errors.

mod common;
#[path = "verify_support/mod.rs"]
mod verify_support;

use common::*;
use serde_json::{json, Value};
use verify_support::*;

fn faithful_sim() -> Sim {
    Sim::start_with(|c| c.implicit_payments = false)
}

fn client(sim: &Sim, gateway: &str) -> Client {
    let config = match gateway {
        "nicepay" => sim.nicepay(json!({})),
        "portone-v1" => sim.portone_v1(json!({})),
        _ => sim.portone_v2(json!({})),
    };
    Client::new(&config).unwrap()
}

/// Partly or fully refunds a paid payment through the gateway's own cancel API.
fn cancel(client: &Client, gateway: &str, id: &str, order: &str, amount: Option<i64>) {
    let (path, body) = match gateway {
        "nicepay" => (
            format!("/v1/payments/{id}/cancel"),
            json!({"reason":"test","orderId":order,"cancelAmt":amount}),
        ),
        "portone-v1" => (
            "/payments/cancel".to_owned(),
            json!({"imp_uid":id,"amount":amount,"reason":"test"}),
        ),
        _ => (
            format!("/payments/{id}/cancel"),
            json!({"reason":"test","amount":amount}),
        ),
    };
    let body = body.to_string();
    let answer = client
        .request("POST", &path, None, Some(body.as_bytes()))
        .unwrap();
    assert_eq!(
        answer.status,
        200,
        "{}",
        String::from_utf8_lossy(&answer.body)
    );
}

const GATEWAYS: [&str; 3] = ["portone-v2", "portone-v1", "nicepay"];

fn create(sim: &Sim, gateway: &str, id: &str, extra: Value) {
    let mut p = json!({"gateway":gateway,"id":id,"orderId":format!("order-{id}"),"amount":1000});
    for (k, v) in extra.as_object().unwrap() {
        p[k] = v.clone();
    }
    sim.create_payment(p);
}

fn verdict(client: &Client, id: &str, extra: Value) -> Value {
    let mut request = json!({"paymentId": id, "amount": 1000});
    for (k, v) in extra.as_object().unwrap() {
        request[k] = v.clone();
    }
    verify_payment(client, &request).expect("a verdict, not an error")
}

#[test]
fn a_paid_payment_of_the_expected_amount_is_verified_on_every_gateway() {
    let sim = faithful_sim();
    for gateway in GATEWAYS {
        let c = client(&sim, gateway);
        create(&sim, gateway, "paid-1", json!({"currency":"KRW"}));
        // V2's payment id is the shop's id; V1 and NICEPAY keep the order id apart.
        let order = if gateway == "portone-v2" {
            "paid-1"
        } else {
            "order-paid-1"
        };
        let v = verdict(&c, "paid-1", json!({"currency":"KRW","orderId":order}));
        assert_eq!(v["verified"], true, "{gateway}: {v}");
        assert_eq!(v["status"], "paid");
        assert_eq!(v["amount"], 1000);
        assert_eq!(v["gateway"], gateway);
        assert_eq!(reasons(&v), Vec::<String>::new());
        assert!(v["raw"].is_object(), "the gateway's answer comes back");
    }
}

#[test]
fn a_different_amount_currency_or_order_id_is_reported_with_both_values() {
    let sim = faithful_sim();
    for gateway in GATEWAYS {
        let c = client(&sim, gateway);
        create(
            &sim,
            gateway,
            "diff-1",
            json!({"amount":900,"currency":"USD"}),
        );
        let v = verdict(
            &c,
            "diff-1",
            json!({"currency":"KRW","orderId":"someone-elses"}),
        );
        assert_eq!(v["verified"], false);
        assert_eq!(
            reasons(&v),
            ["amountDiffers", "currencyDiffers", "orderIdDiffers"],
            "{gateway}"
        );
        assert_eq!(v["reasons"][0]["expected"], 1000);
        assert_eq!(v["reasons"][0]["actual"], 900);
        assert_eq!(v["reasons"][1]["actual"], "USD");
    }
}

#[test]
fn unpaid_failed_and_virtual_account_payments_are_not_paid() {
    let sim = faithful_sim();
    for gateway in GATEWAYS {
        let c = client(&sim, gateway);
        for (id, status, normalized) in [
            ("ready-1", "ready", "ready"),
            ("failed-1", "failed", "failed"),
            ("vbank-1", "virtual-account-issued", "virtualAccountIssued"),
        ] {
            create(&sim, gateway, id, json!({"status":status}));
            let v = verdict(&c, id, json!({}));
            assert_eq!(reasons(&v), ["notPaid"], "{gateway} {status}: {v}");
            assert_eq!(v["status"], normalized, "{gateway} {status}");
        }
    }
}

#[test]
fn cancelled_and_partly_cancelled_payments_are_reported() {
    let sim = faithful_sim();
    for gateway in GATEWAYS {
        let c = client(&sim, gateway);
        create(&sim, gateway, "part-1", json!({}));
        cancel(&c, gateway, "part-1", "order-part-1", Some(300));
        let v = verdict(&c, "part-1", json!({}));
        assert_eq!(reasons(&v), ["partiallyCancelled"], "{gateway}: {v}");
        assert_eq!(v["status"], "partialCancelled");
        assert_eq!(v["cancelledAmount"], 300);
        create(&sim, gateway, "full-1", json!({}));
        cancel(&c, gateway, "full-1", "order-full-1", None);
        let v = verdict(&c, "full-1", json!({}));
        assert_eq!(reasons(&v), ["cancelled"], "{gateway}: {v}");
        assert_eq!(v["status"], "cancelled");
    }
}

#[test]
fn an_unknown_payment_is_not_found() {
    let sim = faithful_sim();
    for gateway in GATEWAYS {
        let v = verdict(&client(&sim, gateway), "nobody-1", json!({}));
        assert_eq!(reasons(&v), ["notFound"], "{gateway}: {v}");
        assert_eq!(v["status"], "notFound");
        assert_eq!(v["verified"], false);
    }
}

#[test]
fn a_payment_is_found_by_the_shops_order_id() {
    let sim = faithful_sim();
    create(
        &sim,
        "portone-v1",
        "imp_000000000001",
        json!({"orderId":"shop-7"}),
    );
    let v = verify_payment(
        &client(&sim, "portone-v1"),
        &json!({"orderId":"shop-7","amount":"1000"}),
    )
    .unwrap();
    assert_eq!(v["verified"], true, "{v}");
    assert_eq!(v["paymentId"], "imp_000000000001");
    // Dated on a fixed day (KST), so the lookup's orderDate never depends on today's date.
    create(
        &sim,
        "nicepay",
        "tid-7",
        json!({"orderId":"shop-8","requestedAt":"2026-11-30T10:00:00+09:00"}),
    );
    let nicepay = client(&sim, "nicepay");
    let v = verify_payment(
        &nicepay,
        &json!({"orderId":"shop-8","orderDate":"20261130","amount":1000}),
    )
    .unwrap();
    assert_eq!(v["verified"], true, "{v}");
    assert_eq!(v["paymentId"], "tid-7");
    let e = verify_payment(&nicepay, &json!({"orderId":"shop-8","amount":1000})).unwrap_err();
    assert_eq!(e.code, 1, "NICEPAY needs the order date: {}", e.message);
}

#[test]
fn transport_and_gateway_errors_stay_errors() {
    let sim = faithful_sim();
    let c = client(&sim, "portone-v2");
    sim.fault(json!({"gateway":"portone-v2","endpoint":"api","kind":"status","status":503}));
    let e = verify_payment(&c, &json!({"paymentId":"x","amount":1})).unwrap_err();
    assert_eq!(e.code, 3, "PAYTOKEN_E_GATEWAY: {}", e.message);
    assert_eq!(e.http_status, 503);
    let closed = Client::new(
        &json!({"gateway":"portone-v2","apiSecret":API_SECRET,"baseUrl":"http://127.0.0.1:9","timeoutMs":2000}).to_string(),
    )
    .unwrap();
    let e = verify_payment(&closed, &json!({"paymentId":"x","amount":1})).unwrap_err();
    assert!(e.code == 4 || e.code == 5, "a network error: {e:?}");
    assert!(!e.message.contains(API_SECRET));
    for bad in [
        json!({"paymentId":"x"}),
        json!({"paymentId":"x","amount":1.5}),
        json!({"amount":1}),
    ] {
        assert_eq!(verify_payment(&c, &bad).unwrap_err().code, 1, "{bad}");
    }
}

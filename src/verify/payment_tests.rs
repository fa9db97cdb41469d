//! The verdict on canned answers of each gateway; the same reasons against the
//! simulator's payment states are in tests/verify_payment.rs.

use super::*;
use serde_json::json;

fn expect(amount: i64) -> Expectation {
    Expectation {
        payment_id: Some("p-1".into()),
        order_id: None,
        order_date: None,
        amount,
        currency: None,
    }
}

fn codes(v: &Value) -> Vec<&str> {
    v["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["code"].as_str().unwrap())
        .collect()
}

#[test]
fn the_request_is_checked() {
    assert!(Expectation::parse(r#"{"paymentId":"p","amount":"1000"}"#).is_ok());
    for bad in [
        r#"{"paymentId":"p"}"#,
        r#"{"amount":1000}"#,
        r#"{"paymentId":"p","amount":10.5}"#,
        r#"{"paymentId":"p","amount":1000,"amout":1}"#,
        r#"{"paymentId":"","amount":1000}"#,
        "[]",
    ] {
        assert!(Expectation::parse(bad).is_err(), "{bad}");
    }
    let by_order = Expectation::parse(r#"{"orderId":"o/1","amount":1}"#).unwrap();
    assert_eq!(
        by_order.lookup_path(Gateway::PortoneV1, None).unwrap(),
        "/payments/find/o%2F1"
    );
    assert_eq!(
        by_order.lookup_path(Gateway::PortoneV2, Some("s")).unwrap(),
        "/payments/o%2F1?storeId=s"
    );
    assert!(by_order.lookup_path(Gateway::Nicepay, None).is_err());
    let dated =
        Expectation::parse(r#"{"orderId":"o1","orderDate":"20261202","amount":1}"#).unwrap();
    assert_eq!(
        dated.lookup_path(Gateway::Nicepay, None).unwrap(),
        "/v1/payments/find/o1?orderDate=20261202"
    );
}

#[test]
fn v2_reads_amount_total_and_compares_integers() {
    let paid =
        json!({"id":"p-1","status":"PAID","amount":{"total":1000,"cancelled":0},"currency":"KRW"})
            .to_string();
    let v = judge(Gateway::PortoneV2, &expect(1000), 200, &paid).unwrap();
    assert_eq!(v["verified"], true, "{v}");
    assert_eq!(v["status"], "paid");
    let v = judge(Gateway::PortoneV2, &expect(999), 200, &paid).unwrap();
    assert_eq!(codes(&v), ["amountDiffers"]);
    assert_eq!(v["reasons"][0]["expected"], 999);
    assert_eq!(v["reasons"][0]["actual"], 1000);
    let mut e = expect(1000);
    e.currency = Some("USD".into());
    e.order_id = Some("other".into());
    let v = judge(Gateway::PortoneV2, &e, 200, &paid).unwrap();
    assert_eq!(codes(&v), ["currencyDiffers", "orderIdDiffers"]);
    let missing = json!({"type":"PAYMENT_NOT_FOUND","message":"x"}).to_string();
    let v = judge(Gateway::PortoneV2, &expect(1), 404, &missing).unwrap();
    assert_eq!(
        (codes(&v), v["status"].as_str()),
        (vec!["notFound"], Some("notFound"))
    );
    assert!(judge(Gateway::PortoneV2, &expect(1), 500, "{}").is_err());
    assert!(judge(
        Gateway::PortoneV2,
        &expect(1),
        403,
        r#"{"type":"FORBIDDEN"}"#
    )
    .is_err());
}

#[test]
fn v1_reads_a_string_amount_and_a_partial_refund() {
    let body = |amount: Value, cancel: i64, status: &str| {
        json!({"code":0,"message":null,"response":{"imp_uid":"p-1","merchant_uid":"o-1","status":status,"amount":amount,"cancel_amount":cancel,"currency":"KRW"}}).to_string()
    };
    let v = judge(
        Gateway::PortoneV1,
        &expect(1000),
        200,
        &body(json!("1000"), 0, "paid"),
    )
    .unwrap();
    assert_eq!(v["verified"], true, "{v}");
    let v = judge(
        Gateway::PortoneV1,
        &expect(1000),
        200,
        &body(json!(1000), 300, "paid"),
    )
    .unwrap();
    assert_eq!(
        (codes(&v), v["status"].as_str()),
        (vec!["partiallyCancelled"], Some("partialCancelled"))
    );
    let v = judge(
        Gateway::PortoneV1,
        &expect(1000),
        200,
        &body(json!(1000), 1000, "cancelled"),
    )
    .unwrap();
    assert_eq!(codes(&v), ["cancelled"]);
    let v = judge(
        Gateway::PortoneV1,
        &expect(1000),
        200,
        &body(json!("1000.5"), 0, "paid"),
    )
    .unwrap();
    assert_eq!(codes(&v), ["amountDiffers"]);
    let v = judge(
        Gateway::PortoneV1,
        &expect(1000),
        200,
        &body(json!(1000), 0, "ready"),
    )
    .unwrap();
    assert_eq!(codes(&v), ["notPaid"]);
    let missing = json!({"code":-1,"message":"없음","response":null}).to_string();
    assert_eq!(
        codes(&judge(Gateway::PortoneV1, &expect(1), 404, &missing).unwrap()),
        ["notFound"]
    );
}

#[test]
fn nicepay_statuses() {
    let body = |status: &str, balance: i64| {
        json!({"resultCode":"0000","tid":"p-1","orderId":"o-1","status":status,"amount":1000,"balanceAmt":balance,"currency":"KRW"}).to_string()
    };
    assert_eq!(
        judge(Gateway::Nicepay, &expect(1000), 200, &body("paid", 1000)).unwrap()["verified"],
        true
    );
    let v = judge(
        Gateway::Nicepay,
        &expect(1000),
        200,
        &body("partialCancelled", 600),
    )
    .unwrap();
    assert_eq!(codes(&v), ["partiallyCancelled"]);
    assert_eq!(v["cancelledAmount"], 400);
    assert_eq!(
        codes(&judge(Gateway::Nicepay, &expect(1000), 200, &body("failed", 0)).unwrap()),
        ["notPaid"]
    );
    let missing = json!({"resultCode":"A118","resultMsg":"없음"}).to_string();
    assert_eq!(
        codes(&judge(Gateway::Nicepay, &expect(1), 404, &missing).unwrap()),
        ["notFound"]
    );
    assert!(judge(
        Gateway::Nicepay,
        &expect(1),
        200,
        r#"{"resultCode":"9999"}"#
    )
    .is_err());
}

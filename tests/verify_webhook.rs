//! Issue 25: `paytoken_verify_webhook` on the simulator's own webhooks, received over
//! loopback exactly as sent: PortOne V2 (Standard Webhooks), NICEPAY (`signature`) and
//! PortOne V1 (unsigned, confirmed by a lookup) are accepted; every tampered variant —
//! a changed body, a BOM, CRLF, re-serialized JSON, a wrong secret, an old timestamp —
//! is refused with its reason; a retry (the same webhook-id) verifies again with the same
//! id for the shop to deduplicate; no secret appears in any error.

mod common;
#[path = "verify_support/mod.rs"]
mod verify_support;

use common::*;
use serde_json::{json, Value};
use verify_support::*;

const SECRET: &str = "whsec_c2ltLXdlYmhvb2stc2VjcmV0LWtleS0zMmJ5dGVzISE=";

fn faithful_sim() -> Sim {
    Sim::start_with(|c| c.implicit_payments = false)
}

/// A V2 webhook of the simulator, as received.
fn v2_webhook(sim: &Sim, hook: &Hook, id: &str) -> Received {
    admin_post(
        sim,
        "/__sim/webhooks",
        &json!({"gateway":"portone-v2","url":hook.url(),"secret":SECRET}),
    );
    sim.create_payment(json!({"gateway":"portone-v2","id":id,"amount":1000}));
    hook.next("")
}

fn v2_request(received: &Received, secret: &str, extra: Value) -> Value {
    let mut r = json!({"gateway":"portone-v2","secret":secret,"headers":received.headers_json()});
    for (k, v) in extra.as_object().unwrap() {
        r[k] = v.clone();
    }
    r
}

fn refusal(result: Value) -> String {
    assert_eq!(result["verified"], false, "{result}");
    result["reason"].as_str().unwrap().to_owned()
}

#[test]
fn the_simulators_v2_webhook_is_accepted_and_parsed() {
    let sim = faithful_sim();
    let hook = Hook::start();
    let received = v2_webhook(&sim, &hook, "order-1");
    let event = verify_webhook(
        None,
        &v2_request(&received, SECRET, json!({})),
        &received.body,
    )
    .unwrap();
    assert_eq!(event["verified"], true, "{event}");
    assert_eq!(event["type"], "Transaction.Paid");
    assert_eq!(event["paymentId"], "order-1");
    assert_eq!(event["webhookId"], received.headers["webhook-id"].as_str());
    assert!(event["timestamp"].is_string());
    // Then the shop looks the payment up: the webhook says what to check, not that it is paid.
    let client = Client::new(&sim.portone_v2(json!({}))).unwrap();
    let verdict = verify_payment(
        &client,
        &json!({"paymentId": event["paymentId"], "amount": 1000}),
    )
    .unwrap();
    assert_eq!(verdict["verified"], true);
}

#[test]
fn every_tampered_v2_variant_is_refused() {
    let sim = faithful_sim();
    let hook = Hook::start();
    let received = v2_webhook(&sim, &hook, "order-2");
    let request = v2_request(&received, SECRET, json!({}));
    let body = received.body.clone();
    let text = String::from_utf8(body.clone()).unwrap();
    let reserialized =
        serde_json::to_string_pretty(&serde_json::from_str::<Value>(&text).unwrap()).unwrap();
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(&body);
    for (what, changed) in [
        (
            "changed payment id",
            text.replace("order-2", "order-3").into_bytes(),
        ),
        ("BOM", bom),
        ("CRLF", format!("{text}\r\n").into_bytes()),
        ("re-serialized", reserialized.into_bytes()),
    ] {
        let result = verify_webhook(None, &request, &changed).unwrap();
        assert_eq!(refusal(result), "badSignature", "{what}");
    }
    let wrong = verify_webhook(
        None,
        &v2_request(&received, "whsec_d3Jvbmctc2VjcmV0", json!({})),
        &body,
    )
    .unwrap();
    assert_eq!(refusal(wrong), "badSignature");
    let ts: i64 = received.headers["webhook-timestamp"].parse().unwrap();
    let late = verify_webhook(
        None,
        &v2_request(&received, SECRET, json!({"nowUnixSecs": ts + 301})),
        &body,
    )
    .unwrap();
    assert_eq!(refusal(late), "tooOld");
    let early = verify_webhook(
        None,
        &v2_request(&received, SECRET, json!({"nowUnixSecs": ts - 301})),
        &body,
    )
    .unwrap();
    assert_eq!(refusal(early), "tooNew");
    let mut headers = received.headers_json();
    headers.as_object_mut().unwrap().remove("webhook-signature");
    let unsigned = json!({"gateway":"portone-v2","secret":SECRET,"headers":headers});
    assert_eq!(
        refusal(verify_webhook(None, &unsigned, &body).unwrap()),
        "malformed"
    );
}

#[test]
fn a_retried_delivery_verifies_again_with_the_same_id() {
    let sim = faithful_sim();
    let hook = Hook::start();
    admin_post(&sim, "/__sim/config", &json!({"webhookRetryDelaysMs":[1]}));
    admin_post(
        &sim,
        "/__sim/webhooks",
        &json!({"gateway":"portone-v2","url":hook.url(),"secret":SECRET}),
    );
    sim.create_payment(json!({"gateway":"portone-v2","id":"order-4","amount":1000}));
    // The first attempt fails (a 500): the simulator retries with the same webhook-id.
    let first = hook.next_with_status(500);
    let retry = hook.next("");
    assert_eq!(first.headers["webhook-id"], retry.headers["webhook-id"]);
    let a = verify_webhook(None, &v2_request(&first, SECRET, json!({})), &first.body).unwrap();
    let b = verify_webhook(None, &v2_request(&retry, SECRET, json!({})), &retry.body).unwrap();
    assert_eq!(a["verified"], true);
    assert_eq!(b["verified"], true);
    assert_eq!(
        a["webhookId"], b["webhookId"],
        "the shop deduplicates on webhookId"
    );
}

#[test]
fn no_secret_appears_in_any_error() {
    let secret = "whsec_this is not base64 SECRETVALUE";
    let e = verify_webhook(
        None,
        &json!({"gateway":"portone-v2","secret":secret}),
        b"{}",
    )
    .unwrap_err();
    assert_eq!(e.code, 1);
    assert!(!e.message.contains("SECRETVALUE"), "{}", e.message);
    let e = verify_webhook(
        None,
        &json!({"gateway":"portone-v2","secret":["SECRETVALUE"]}),
        b"{}",
    )
    .unwrap_err();
    assert!(!e.message.contains("SECRETVALUE"), "{}", e.message);
    let e = verify_webhook(None, &json!({"gateway":"nicepay"}), b"{}").unwrap_err();
    assert_eq!(e.code, 1, "NICEPAY needs the client's secret key");
}

#[test]
fn the_simulators_nicepay_webhook_is_accepted_and_a_tampered_one_refused() {
    let sim = faithful_sim();
    let hook = Hook::start();
    admin_post(
        &sim,
        "/__sim/webhooks",
        &json!({"gateway":"nicepay","url":hook.url()}),
    );
    sim.create_payment(json!({"gateway":"nicepay","id":"tid-5","orderId":"order-5","amount":1000}));
    let received = hook.next("OK");
    let client = Client::new(&sim.nicepay(json!({}))).unwrap();
    let event = verify_webhook(
        Some(&client),
        &json!({"headers": received.headers_json()}),
        &received.body,
    )
    .unwrap();
    assert_eq!(event["verified"], true, "{event}");
    assert_eq!(event["paymentId"], "tid-5");
    assert_eq!(event["orderId"], "order-5");
    assert_eq!(event["type"], "paid");
    let mut forged: Value = serde_json::from_slice(&received.body).unwrap();
    forged["amount"] = json!(100);
    let result = verify_webhook(Some(&client), &json!({}), forged.to_string().as_bytes()).unwrap();
    assert_eq!(refusal(result), "badSignature");
    let other = Client::new(&sim.nicepay(json!({"secretKey":"another_merchants_key"}))).unwrap();
    let result = verify_webhook(Some(&other), &json!({}), &received.body).unwrap();
    assert_eq!(refusal(result), "badSignature");
    forged.as_object_mut().unwrap().remove("signature");
    let result = verify_webhook(Some(&client), &json!({}), forged.to_string().as_bytes()).unwrap();
    assert_eq!(refusal(result), "unsigned");
    assert_eq!(
        refusal(verify_webhook(Some(&client), &json!({}), b"\xEF\xBB\xBF{}").unwrap()),
        "malformed"
    );
}

#[test]
fn the_simulators_v1_notice_is_confirmed_by_a_lookup_and_a_forged_one_refused() {
    let sim = faithful_sim();
    let hook = Hook::start();
    admin_post(
        &sim,
        "/__sim/webhooks",
        &json!({"gateway":"portone-v1","url":hook.url()}),
    );
    sim.create_payment(
        json!({"gateway":"portone-v1","id":"imp_000000000006","orderId":"order-6","amount":1000}),
    );
    let received = hook.next("");
    let client = Client::new(&sim.portone_v1(json!({}))).unwrap();
    let event = verify_webhook(Some(&client), &json!({}), &received.body).unwrap();
    assert_eq!(event["verified"], true, "{event}");
    assert_eq!(event["paymentId"], "imp_000000000006");
    assert_eq!(event["orderId"], "order-6");
    assert_eq!(event["status"], "paid");
    assert_eq!(event["amount"], 1000);
    let nobody =
        json!({"imp_uid":"imp_999999999999","merchant_uid":"order-6","status":"paid"}).to_string();
    assert_eq!(
        refusal(verify_webhook(Some(&client), &json!({}), nobody.as_bytes()).unwrap()),
        "notFound"
    );
    let swapped =
        json!({"imp_uid":"imp_000000000006","merchant_uid":"order-7","status":"paid"}).to_string();
    assert_eq!(
        refusal(verify_webhook(Some(&client), &json!({}), swapped.as_bytes()).unwrap()),
        "orderIdDiffers"
    );
    assert_eq!(
        refusal(verify_webhook(Some(&client), &json!({}), b"hello").unwrap()),
        "malformed"
    );
    let e = verify_webhook(None, &json!({"gateway":"portone-v1"}), &received.body).unwrap_err();
    assert_eq!(e.code, 1, "V1 needs a client for the lookup");
}

//! Webhooks: registered through the admin API, sent for every state change in each
//! gateway's format, PortOne V2's signed the Standard Webhooks way, retried on failure.

#[allow(dead_code)]
mod support;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use paytoken_sim::{SimConfig, Simulator};
use serde_json::{json, Value};
use support::*;

const SECRET: &str = "whsec_c2ltLXdlYmhvb2stc2VjcmV0LWtleS0zMmJ5dGVzISE=";

fn sim() -> Simulator {
    let sim = Simulator::start(SimConfig::default()).expect("simulator starts");
    // Retries 20 ms apart instead of minutes: the schedule is what is tested.
    admin(&sim, "/__sim/config", r#"{"webhookRetryDelaysMs":[20,20]}"#);
    sim
}

/// An independent Standard Webhooks check (ring's HMAC, not the simulator's code path).
fn verify(secret: &str, hook: &Received) -> bool {
    let key = STANDARD
        .decode(secret.strip_prefix("whsec_").unwrap())
        .unwrap();
    let id = hook.header("webhook-id").unwrap();
    let timestamp = hook.header("webhook-timestamp").unwrap();
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &key);
    let signed = format!("{id}.{timestamp}.{}", hook.body);
    hook.header("webhook-signature")
        .unwrap()
        .split(' ')
        .filter_map(|s| s.strip_prefix("v1,"))
        .any(|sig| {
            let sig = STANDARD.decode(sig).unwrap();
            ring::hmac::verify(&key, signed.as_bytes(), &sig).is_ok()
        })
}

#[test]
fn portone_v2_webhooks_are_signed_and_retried_until_acknowledged() {
    let sim = sim();
    let shop = receiver(&[500, 503, 200], "");
    admin(
        &sim,
        "/__sim/webhooks",
        &json!({"gateway": "portone-v2", "url": shop.url, "secret": SECRET}).to_string(),
    );
    admin(
        &sim,
        "/__sim/payments",
        r#"{"gateway":"portone-v2","id":"pay-hook","amount":1200}"#,
    );
    // The simulator records an attempt once the shop's answer is back, after the shop has
    // counted the request: wait for the simulator's record of the delivery.
    wait_until(10, "the third attempt acknowledged", || {
        get(&sim, "/__sim/webhooks", &[]).json()["deliveries"][0]["delivered"] == true
    });
    let hooks = shop.received.lock().unwrap().clone();
    assert_eq!(hooks.len(), 3);
    assert!(
        hooks.iter().all(|h| verify(SECRET, h)),
        "every attempt is signed"
    );
    assert!(!verify("whsec_b3RoZXI=", &hooks[0]), "a wrong secret fails");
    assert!(hooks
        .iter()
        .all(|h| h.header("webhook-id") == hooks[0].header("webhook-id")));
    let body: Value = serde_json::from_str(&hooks[0].body).unwrap();
    assert_eq!(body["type"], "Transaction.Paid");
    assert_eq!(body["data"]["paymentId"], "pay-hook");
    let log = get(&sim, "/__sim/webhooks", &[]).json();
    assert_eq!(log["deliveries"][0]["attempts"], json!([500, 503, 200]));
    assert_eq!(log["deliveries"][0]["delivered"], true);

    // A cancel sends Transaction.Cancelled with its cancellation id.
    let auth = ("Authorization", "PortOne sim_portone_v2_api_secret");
    let cancel = post(
        &sim,
        "/payments/pay-hook/cancel",
        &[auth],
        r#"{"reason":"x"}"#,
    );
    assert_eq!(cancel.status, 200);
    wait_until(10, "the cancel webhook", || {
        shop.received.lock().unwrap().len() == 4
    });
    let hook = shop.received.lock().unwrap()[3].clone();
    let body: Value = serde_json::from_str(&hook.body).unwrap();
    assert_eq!(body["type"], "Transaction.Cancelled");
    assert_eq!(
        body["data"]["cancellationId"],
        cancel.json()["cancellation"]["id"]
    );
}

#[test]
fn webhooks_give_up_after_the_schedule_and_v1_and_nicepay_use_their_formats() {
    let sim = sim();
    let down = receiver(&[500], "");
    let v1 = receiver(&[200], "");
    let nicepay = receiver(&[200], "OK");
    for (gateway, url) in [
        ("portone-v2", &down.url),
        ("portone-v1", &v1.url),
        ("nicepay", &nicepay.url),
    ] {
        admin(
            &sim,
            "/__sim/webhooks",
            &json!({"gateway": gateway, "url": url}).to_string(),
        );
    }
    let generated = get(&sim, "/__sim/webhooks", &[]).json()["registrations"][0]["secret"].clone();
    assert!(generated.as_str().unwrap().starts_with("whsec_"));
    admin(
        &sim,
        "/__sim/payments",
        r#"{"gateway":"portone-v2","id":"p","amount":1}"#,
    );
    admin(
        &sim,
        "/__sim/payments",
        r#"{"gateway":"portone-v1","id":"imp_1","orderId":"m-1","amount":1,"status":"ready"}"#,
    );
    admin(
        &sim,
        "/__sim/payments/update",
        r#"{"gateway":"portone-v1","id":"imp_1","status":"paid"}"#,
    );
    admin(
        &sim,
        "/__sim/payments",
        r#"{"gateway":"nicepay","id":"tid","orderId":"o","amount":1000}"#,
    );
    wait_until(10, "the V2 delivery to give up", || {
        get(&sim, "/__sim/webhooks", &[]).json()["deliveries"][0]["gaveUp"] == true
    });
    assert_eq!(
        down.received.lock().unwrap().len(),
        3,
        "first try + 2 retries"
    );
    wait_until(10, "V1 and NICEPAY hooks", || {
        v1.received.lock().unwrap().len() == 2 && !nicepay.received.lock().unwrap().is_empty()
    });
    let v1_hooks: Vec<Value> = v1
        .received
        .lock()
        .unwrap()
        .iter()
        .map(|h| serde_json::from_str(&h.body).unwrap())
        .collect();
    assert_eq!(
        v1_hooks[0],
        json!({"imp_uid": "imp_1", "merchant_uid": "m-1", "status": "ready"})
    );
    assert_eq!(v1_hooks[1]["status"], "paid");
    let hook: Value = serde_json::from_str(&nicepay.received.lock().unwrap()[0].body).unwrap();
    assert_eq!(
        (hook["tid"].as_str(), hook["status"].as_str()),
        (Some("tid"), Some("paid"))
    );
    // signature = hex(sha256(tid + amount + ediDate + secretKey))
    let signed = format!(
        "tid1000{}sim_nicepay_secret_key",
        hook["ediDate"].as_str().unwrap()
    );
    let digest = ring::digest::digest(&ring::digest::SHA256, signed.as_bytes());
    let hex: String = digest.as_ref().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(hook["signature"], hex.as_str());
}

/// The bodies a receiver got, parsed, in the order they arrived.
fn bodies(shop: &Receiver) -> Vec<Value> {
    let received = shop.received.lock().unwrap();
    received
        .iter()
        .map(|h| serde_json::from_str(&h.body).unwrap())
        .collect()
}

fn v1_ready_then_paid(sim: &Simulator) {
    admin(
        sim,
        "/__sim/payments",
        r#"{"gateway":"portone-v1","id":"imp_2","orderId":"m-2","amount":1,"status":"ready"}"#,
    );
    admin(
        sim,
        "/__sim/payments/update",
        r#"{"gateway":"portone-v1","id":"imp_2","status":"paid"}"#,
    );
}

#[test]
fn a_payments_webhooks_arrive_in_the_order_of_its_changes_even_across_retries() {
    let sim = sim();
    // `ready` is refused once: `paid` waits until `ready` is acknowledged.
    let shop = receiver(&[500, 200], "");
    admin(
        &sim,
        "/__sim/webhooks",
        &json!({"gateway": "portone-v1", "url": shop.url}).to_string(),
    );
    v1_ready_then_paid(&sim);
    wait_until(10, "three attempts", || {
        shop.received.lock().unwrap().len() == 3
    });
    let statuses: Vec<Value> = bodies(&shop).iter().map(|b| b["status"].clone()).collect();
    assert_eq!(statuses, ["ready", "ready", "paid"]);
}

#[test]
fn held_webhooks_are_released_newest_first_to_rehearse_reordering() {
    let sim = sim();
    let shop = receiver(&[200], "");
    admin(
        &sim,
        "/__sim/webhooks",
        &json!({"gateway": "portone-v1", "url": shop.url}).to_string(),
    );
    assert_eq!(
        admin(&sim, "/__sim/webhooks/hold", ""),
        json!({"holding": true})
    );
    v1_ready_then_paid(&sim);
    // Deliveries are created before the admin answer; held ones have not been tried.
    let log = get(&sim, "/__sim/webhooks", &[]).json();
    assert_eq!(log["holding"], true);
    for d in log["deliveries"].as_array().unwrap() {
        assert_eq!((&d["held"], &d["attempts"]), (&json!(true), &json!([])));
    }
    let released = admin(&sim, "/__sim/webhooks/release", r#"{"order":"reverse"}"#);
    assert_eq!(released["released"].as_array().unwrap().len(), 2);
    wait_until(10, "both webhooks", || {
        shop.received.lock().unwrap().len() == 2
    });
    let statuses: Vec<Value> = bodies(&shop).iter().map(|b| b["status"].clone()).collect();
    assert_eq!(statuses, ["paid", "ready"]);
    assert_eq!(get(&sim, "/__sim/webhooks", &[]).json()["holding"], false);

    // A shuffle sends every held delivery once; a bad order is refused.
    admin(&sim, "/__sim/webhooks/hold", "");
    for id in ["imp_3", "imp_4"] {
        let payment = json!({"gateway": "portone-v1", "id": id, "amount": 1});
        admin(&sim, "/__sim/payments", &payment.to_string());
    }
    let reply = post(
        &sim,
        "/__sim/webhooks/release",
        &[],
        r#"{"order":"sideways"}"#,
    );
    assert_eq!(reply.status, 400);
    admin(&sim, "/__sim/webhooks/release", r#"{"order":"shuffle"}"#);
    wait_until(10, "the shuffled webhooks", || {
        shop.received.lock().unwrap().len() == 4
    });
    let mut shuffled: Vec<Value> = bodies(&shop)[2..]
        .iter()
        .map(|b| b["imp_uid"].clone())
        .collect();
    shuffled.sort_by_key(|id| id.to_string());
    assert_eq!(shuffled, ["imp_3", "imp_4"]);
}

#[test]
fn webhook_urls_must_be_loopback() {
    let sim = sim();
    for url in [
        "http://example.com:80/x",
        "https://127.0.0.1:9/x",
        "ftp://x",
    ] {
        let body = json!({"gateway": "portone-v1", "url": url}).to_string();
        assert_eq!(
            post(&sim, "/__sim/webhooks", &[], &body).status,
            400,
            "{url}"
        );
    }
}

//! The simulator side of recovering from unknown outcomes (issue 13): PortOne V2's
//! Idempotency-Key, NICEPAY's network cancel, and faults that make the gateway act on a
//! request and then never answer it.

#[allow(dead_code)]
mod support;

use std::time::Duration;

use paytoken_sim::{SimConfig, Simulator};
use serde_json::json;
use support::*;

const V2: (&str, &str) = ("Authorization", "PortOne sim_portone_v2_api_secret");
const KEY: &str = "\"order-1234-cancel-0001\"";

fn sim_with_payment() -> Simulator {
    let sim = Simulator::start(SimConfig::default()).expect("simulator starts");
    admin(
        &sim,
        "/__sim/payments",
        r#"{"gateway":"portone-v2","id":"pay-1","amount":5000}"#,
    );
    sim
}

fn cancel(sim: &Simulator, key: &str, timeout: Duration) -> std::io::Result<Reply> {
    send_timeout(
        sim,
        "POST",
        "/payments/pay-1/cancel",
        &[V2, ("Idempotency-Key", key)],
        br#"{"reason":"customer asked","amount":1000}"#,
        timeout,
    )
}

fn fault(sim: &Simulator, kind: &str) {
    let spec = json!({"gateway": "portone-v2", "endpoint": "api", "kind": kind, "delayMs": 400});
    admin(sim, "/__sim/fault", &spec.to_string());
}

#[test]
fn a_retry_with_the_same_key_replays_the_first_answer() {
    let sim = sim_with_payment();
    let first = cancel(&sim, KEY, Duration::from_secs(10)).unwrap();
    assert_eq!(first.status, 200);
    let again = cancel(&sim, KEY, Duration::from_secs(10)).unwrap();
    assert_eq!(again.status, 200);
    assert_eq!(again.body, first.body, "byte for byte the first answer");
    assert_eq!(stats(&sim, "processed", "portone-v2"), 1);
    assert_eq!(stats_value(&sim, "idempotentReplays"), 1);
    // Another key is another request.
    assert_eq!(
        cancel(&sim, "\"order-1234-cancel-0002\"", Duration::from_secs(10))
            .unwrap()
            .status,
        200
    );
    assert_eq!(stats(&sim, "processed", "portone-v2"), 2);
}

#[test]
fn malformed_keys_are_refused() {
    let sim = sim_with_payment();
    for key in [
        "order-1234-cancel-0001",
        "\"too-short\"",
        "\"bad\\nescape-xxxxxxxxx\"",
    ] {
        let reply = cancel(&sim, key, Duration::from_secs(10)).unwrap();
        assert_eq!(reply.status, 400, "{key}");
        assert_eq!(reply.json()["type"], "INVALID_REQUEST");
    }
    assert_eq!(stats(&sim, "processed", "portone-v2"), 0);
}

#[test]
fn a_retry_while_the_first_is_running_gets_409_and_a_disconnect_does_not_cancel_it() {
    let sim = sim_with_payment();
    fault(&sim, "delay");
    // The client gives up after 100 ms; the gateway goes on processing.
    assert!(cancel(&sim, KEY, Duration::from_millis(100)).is_err());
    let outstanding = cancel(&sim, KEY, Duration::from_secs(10)).unwrap();
    assert_eq!(outstanding.status, 409);
    assert_eq!(
        outstanding.json()["type"],
        "IDEMPOTENCY_OUTSTANDING_REQUEST"
    );
    wait_until(10, "the first request to finish", || {
        stats(&sim, "processed", "portone-v2") == 1
    });
    let replay = cancel(&sim, KEY, Duration::from_secs(10)).unwrap();
    assert_eq!(replay.status, 200);
    assert_eq!(replay.json()["cancellation"]["totalAmount"], 1000);
    assert_eq!(stats(&sim, "processed", "portone-v2"), 1, "processed once");
    assert_eq!(stats_value(&sim, "idempotencyConflicts"), 1);
}

#[test]
fn process_then_close_and_hang_act_before_losing_the_answer() {
    for kind in ["process-then-close", "process-then-hang"] {
        let sim = sim_with_payment();
        fault(&sim, kind);
        assert!(
            cancel(&sim, KEY, Duration::from_millis(300)).is_err(),
            "{kind}: no answer"
        );
        let payment = get(&sim, "/payments/pay-1", &[V2]).json();
        assert_eq!(
            payment["status"], "PARTIAL_CANCELLED",
            "{kind}: the gateway acted"
        );
        let replay = cancel(&sim, KEY, Duration::from_secs(10)).unwrap();
        assert_eq!(replay.status, 200, "{kind}");
        assert_eq!(replay.json()["cancellation"]["totalAmount"], 1000);
        assert_eq!(
            stats(&sim, "processed", "portone-v2"),
            1,
            "{kind}: processed once"
        );
    }
}

#[test]
fn keys_expire_after_the_configured_time() {
    let sim = sim_with_payment();
    admin(&sim, "/__sim/config", r#"{"idempotencyTtlSecs":0}"#);
    assert_eq!(
        cancel(&sim, KEY, Duration::from_secs(10)).unwrap().status,
        200
    );
    assert_eq!(
        cancel(&sim, KEY, Duration::from_secs(10)).unwrap().status,
        200
    );
    assert_eq!(
        stats(&sim, "processed", "portone-v2"),
        2,
        "the key was forgotten"
    );
}

fn sha256_hex(text: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, text.as_bytes());
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn nicepay_approval_with_an_unknown_outcome_is_network_cancelled() {
    let sim = Simulator::start(SimConfig::default()).unwrap();
    admin(
        &sim,
        "/__sim/payments",
        r#"{"gateway":"nicepay","id":"tid-9","orderId":"order-9","amount":7000,"status":"ready"}"#,
    );
    admin(
        &sim,
        "/__sim/fault",
        r#"{"gateway":"nicepay","endpoint":"api","kind":"process-then-hang"}"#,
    );
    let basic = nicepay_basic();
    let auth = ("Authorization", basic.as_str());
    let approve = send_timeout(
        &sim,
        "POST",
        "/v1/payments/tid-9",
        &[auth],
        br#"{"amount":7000}"#,
        Duration::from_millis(300),
    );
    assert!(approve.is_err(), "the approval's outcome is unknown");
    assert_eq!(
        stats(&sim, "processed", "nicepay"),
        1,
        "yet the gateway approved it"
    );

    let edi_date = "2026-11-29T13:00:00.000+0900";
    let netcancel = |sign: &str| {
        let body = json!({"orderId": "order-9", "ediDate": edi_date, "signData": sign, "reason": "timeout"});
        post(&sim, "/v1/payments/netcancel", &[auth], &body.to_string())
    };
    let forged = netcancel(&sha256_hex(&format!("order-9{edi_date}wrong-secret")));
    assert_eq!(forged.status, 401);
    assert_eq!(
        forged.json()["resultCode"],
        "U312",
        "NICEPAY's SIGN DATA failure"
    );
    let right = sha256_hex(&format!("order-9{edi_date}sim_nicepay_secret_key"));
    let cancelled = netcancel(&right).json();
    assert_eq!(
        (
            cancelled["resultCode"].as_str(),
            cancelled["status"].as_str()
        ),
        (Some("0000"), Some("cancelled"))
    );
    let lookup = get(&sim, "/v1/payments/tid-9", &[auth]).json();
    assert_eq!(lookup["status"], "cancelled");
    let again = netcancel(&right).json();
    assert_eq!(again["resultCode"], "2015", "nothing left to cancel");
    assert_eq!(stats(&sim, "processed", "nicepay"), 2);
}

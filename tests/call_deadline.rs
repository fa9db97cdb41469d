//! A call's `timeoutMs` is its whole deadline (getting the token, the request and the one
//! retry after a 401 share it), and a failure while getting the token is told apart from
//! the request's (`paytoken_error_phase`): nothing reached the payment API, so the
//! outcome is known. The simulator is really slow (its `delayMs`, its `hang` fault); what
//! tells the old behaviour from the new is the outcome and the simulator's counters, the
//! elapsed time is only checked against the deadline plus a margin.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::json;

/// Generous: the machine running the suites is shared.
const MARGIN: Duration = Duration::from_millis(1500);

fn api_requests(sim: &Sim) -> u64 {
    sim.stats()["apiRequests"]["portone-v1"].as_u64().unwrap()
}

#[test]
fn a_token_request_that_times_out_is_a_token_phase_timeout_and_nothing_is_sent() {
    let sim = Sim::start();
    let client = Client::new(&sim.portone_v1(json!({"timeoutMs": 400}))).unwrap();
    sim.fault(json!({"endpoint": "token", "kind": "hang"}));
    let t = Instant::now();
    let f = client
        .request(
            "POST",
            "/payments/cancel",
            None,
            Some(b"{\"imp_uid\":\"imp_1\"}"),
        )
        .unwrap_err();
    assert!(
        t.elapsed() < Duration::from_millis(400) + MARGIN,
        "{:?}",
        t.elapsed()
    );
    assert_eq!(f.code, 5, "{f:?}");
    assert!(
        f.token_phase,
        "paytoken_error_phase is PAYTOKEN_PHASE_TOKEN: {f:?}"
    );
    assert!(f.message.contains("token request"), "{}", f.message);
    assert!(!f.description().contains("unknown"), "{}", f.description());
    assert!(!f.message.contains("unknown"), "{}", f.message);
    assert_eq!(api_requests(&sim), 0, "nothing was sent to the payment API");
}

#[test]
fn a_payment_requests_timeout_stays_an_unknown_outcome() {
    let sim = Sim::start();
    let client = Client::new(&sim.portone_v1(json!({"timeoutMs": 400}))).unwrap();
    client.token().unwrap();
    sim.fault(json!({"endpoint": "api", "kind": "hang"}));
    let f = client
        .request(
            "POST",
            "/payments/cancel",
            None,
            Some(b"{\"imp_uid\":\"imp_1\"}"),
        )
        .unwrap_err();
    assert_eq!(f.code, 5, "{f:?}");
    assert!(!f.token_phase, "{f:?}");
    assert!(f.description().contains("unknown"), "{}", f.description());
    assert_eq!(api_requests(&sim), 1);
}

/// Token 2 s, then an answer that never comes, against a 3 s deadline: sharing the
/// deadline, the request gets the ~1 s left and the call ends at 3 s; the old per-step
/// timeouts gave the request its own 3 s (5 s in all), past the margin. The answer hangs
/// rather than coming late: an answer already in the socket when a descheduled caller
/// reads it is returned (rightly), which made a late answer pass or fail this test by load.
#[test]
fn the_token_fetch_and_the_request_share_the_calls_deadline() {
    let sim = Sim::start();
    let client = Client::new(&sim.portone_v1(json!({"timeoutMs": 3000}))).unwrap();
    sim.fault(json!({"endpoint": "token", "kind": "delay", "delayMs": 2000, "count": 0}));
    sim.fault(json!({"endpoint": "api", "kind": "hang", "count": 0}));
    let t = Instant::now();
    let f = client.get("/payments/imp_1").unwrap_err();
    let took = t.elapsed();
    assert_eq!(f.code, 5, "{f:?}");
    assert!(!f.token_phase, "the request was sent: {f:?}");
    assert_eq!(api_requests(&sim), 1, "the request was sent once");
    assert!(took < Duration::from_millis(3000) + MARGIN, "{took:?}");
    // A per-call timeoutMs is the deadline the same way (the token is fetched again):
    // 2.5 s, where per-step timeouts would take 4.5 s.
    client.invalidate(None).unwrap();
    let t = Instant::now();
    let f = client
        .request_ex(
            "GET",
            "/payments/imp_1",
            None,
            None,
            Some(r#"{"timeoutMs":2500}"#),
        )
        .unwrap_err();
    let took = t.elapsed();
    assert_eq!((f.code, f.token_phase), (5, false), "{f:?}");
    assert_eq!(api_requests(&sim), 2);
    assert_eq!(
        sim.stats()["tokenRequests"]["portone-v1"],
        2,
        "fetched again"
    );
    assert!(took < Duration::from_millis(2500) + MARGIN, "{took:?}");
}

/// After a 401 (answered in 600 ms), the fresh token takes 600 ms more: 200 ms are left
/// of 1000, so getting it times out, in the token phase, and nothing is resent.
#[test]
fn the_retry_after_a_401_gets_what_is_left_of_the_deadline() {
    let sim = Sim::start();
    let client = Client::new(&sim.portone_v1(json!({"timeoutMs": 1000}))).unwrap();
    client.token().unwrap();
    sim.configure(json!({"delayMs": 600}));
    sim.fault(json!({"endpoint": "api", "kind": "unauthorized"}));
    let t = Instant::now();
    let f = client.get("/payments/imp_1").unwrap_err();
    let took = t.elapsed();
    assert_eq!(f.code, 5, "{f:?}");
    assert!(f.token_phase, "the fresh token was not got in time: {f:?}");
    assert_eq!(api_requests(&sim), 1, "the request was not resent");
    assert_eq!(sim.unauthorized("portone-v1"), 1);
    assert!(took < Duration::from_millis(1000) + MARGIN, "{took:?}");
}

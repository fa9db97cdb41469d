//! Issue 13, PortOne V2 side, end to end against the faithful simulator: every mutating
//! V2 request carries an Idempotency-Key, the caller learns it, and with
//! `retryUnknownOutcome` a request whose outcome is unknown is resent with the SAME key
//! and gets the gateway's first answer, the gateway processing it once. NICEPAY and
//! PortOne V1 requests are never resent.

mod common;

use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_void};
use std::ptr;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use common::*;
use paytoken::*;
use serde_json::{json, Value};

const CANCEL: &str = "/payments/pay-1/cancel";
const CANCEL_BODY: &[u8] = br#"{"reason":"customer asked","amount":1000}"#;

/// A faithful simulator (no implicit payments) holding V2 payment `pay-1` of 5000.
fn sim_with_v2_payment() -> Sim {
    let sim = Sim::start_with(|c| c.implicit_payments = false);
    sim.create_payment(json!({"gateway":"portone-v2","id":"pay-1","amount":5000}));
    sim
}

fn processed(sim: &Sim, gateway: &str) -> u64 {
    sim.stats()["processed"][gateway]
        .as_u64()
        .expect("processed")
}

fn api_requests(sim: &Sim, gateway: &str) -> u64 {
    sim.stats()["apiRequests"][gateway]
        .as_u64()
        .expect("apiRequests")
}

/// Waits until the simulator holds an idempotency key whose first request it is still
/// processing: that request has arrived (an event, not a guess of how long it takes).
fn wait_for_an_outstanding_key(sim: &Sim) {
    let deadline = Instant::now() + Duration::from_secs(30);
    while sim.stats()["idempotencyOutstanding"] != 1 {
        assert!(Instant::now() < deadline, "the first request never arrived");
        std::thread::yield_now();
    }
}

fn v2(sim: &Sim, extra: Value) -> Client {
    Client::new(&sim.portone_v2(extra)).unwrap()
}

fn key_new(client: &Client, method: &str) -> Result<Option<String>, Failure> {
    let method = CString::new(method).unwrap();
    let mut out: *mut c_char = ptr::null_mut();
    let mut err = blank_error();
    let rc = paytoken_idempotency_key_new(client.raw(), method.as_ptr(), &mut out, &mut err);
    if rc != 0 {
        return Err(failure(rc, &err));
    }
    if out.is_null() {
        return Ok(None);
    }
    let key = unsafe { CStr::from_ptr(out) }.to_str().unwrap().to_owned();
    paytoken_string_free(out);
    Ok(Some(key))
}

fn sent_key(sim: &Sim) -> Option<String> {
    sim.last_request()["headers"]["idempotency-key"]
        .as_str()
        .map(str::to_owned)
}

#[test]
fn every_mutating_v2_request_carries_a_key_and_the_caller_learns_it() {
    let sim = sim_with_v2_payment();
    let client = v2(&sim, json!({}));
    let resp = client
        .request("POST", CANCEL, None, Some(CANCEL_BODY))
        .unwrap();
    assert_eq!(resp.status, 200);
    let key = resp
        .idempotency_key
        .clone()
        .expect("the response tells the key");
    assert_eq!(key.len(), 32);
    assert!(key
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    assert_eq!(
        sent_key(&sim),
        Some(format!("\"{key}\"")),
        "RFC 8941 quoted"
    );

    // A lookup carries none.
    let lookup = client.get("/payments/pay-1").unwrap();
    assert_eq!(lookup.idempotency_key, None);
    assert_eq!(sent_key(&sim), None);

    // The caller's own key, as an option or as a header (used as is); not both.
    let opts = r#"{"idempotencyKey":"order-1234-cancel-0002"}"#;
    let resp = client
        .request_ex("POST", CANCEL, None, Some(CANCEL_BODY), Some(opts))
        .unwrap();
    assert_eq!(
        resp.idempotency_key.as_deref(),
        Some("order-1234-cancel-0002")
    );
    assert_eq!(
        sent_key(&sim).as_deref(),
        Some("\"order-1234-cancel-0002\"")
    );
    let header = r#"{"Idempotency-Key":"\"order-1234-cancel-0003\""}"#;
    let resp = client
        .request("POST", CANCEL, Some(header), Some(CANCEL_BODY))
        .unwrap();
    assert_eq!(
        resp.idempotency_key.as_deref(),
        Some("order-1234-cancel-0003")
    );
    assert_eq!(
        sent_key(&sim).as_deref(),
        Some("\"order-1234-cancel-0003\"")
    );
    let both = client
        .request_ex("POST", CANCEL, Some(header), Some(CANCEL_BODY), Some(opts))
        .unwrap_err();
    assert_eq!(both.code, 1);
    assert!(both.message.contains("both"), "{}", both.message);
    let bad = client
        .request_ex(
            "POST",
            CANCEL,
            None,
            None,
            Some(r#"{"idempotencyKey":"short"}"#),
        )
        .unwrap_err();
    assert_eq!(bad.code, 1);
    assert!(bad.message.contains("16 to 256"), "{}", bad.message);

    // Turned off: no key.
    let off = v2(&sim, json!({"idempotency": false}));
    let resp = off
        .request("POST", CANCEL, None, Some(CANCEL_BODY))
        .unwrap();
    assert_eq!(resp.idempotency_key, None);
    assert_eq!(sent_key(&sim), None);
    assert_eq!(processed(&sim, "portone-v2"), 4, "four distinct cancels");
}

#[test]
fn key_new_says_which_requests_get_a_key() {
    let sim = Sim::start();
    let client = v2(&sim, json!({}));
    let a = key_new(&client, "post").unwrap().expect("a key for POST");
    let b = key_new(&client, "DELETE")
        .unwrap()
        .expect("a key for DELETE");
    assert_eq!(a.len(), 32);
    assert_ne!(a, b, "fresh each time");
    assert_eq!(key_new(&client, "GET").unwrap(), None);
    assert_eq!(key_new(&client, "TRACE").unwrap_err().code, 1);
    let off = v2(&sim, json!({"idempotency": false}));
    assert_eq!(key_new(&off, "POST").unwrap(), None);
    let nicepay = Client::new(&sim.nicepay(json!({}))).unwrap();
    assert_eq!(key_new(&nicepay, "POST").unwrap(), None);
    let v1 = Client::new(&sim.portone_v1(json!({}))).unwrap();
    assert_eq!(key_new(&v1, "POST").unwrap(), None);
}

#[test]
fn a_cancel_that_hangs_after_processing_is_resent_once_with_the_same_key() {
    let sim = sim_with_v2_payment();
    sim.fault(json!({"gateway":"portone-v2","endpoint":"api","kind":"process-then-hang"}));
    let client = v2(&sim, json!({"retryUnknownOutcome": true}));
    let started = Instant::now();
    // The first attempt gets three quarters of the deadline, the resend what is left after
    // its 100 ms wait: 8 s leaves the resend 1.9 s (with 4 s, its 0.9 s was outlived once in
    // ten runs on a machine at load 14).
    let resp = client
        .request_ex(
            "POST",
            CANCEL,
            None,
            Some(CANCEL_BODY),
            Some(r#"{"timeoutMs":8000}"#),
        )
        .expect("the resend gets the first answer");
    assert!(
        started.elapsed() < Duration::from_millis(8500),
        "within the deadline"
    );
    assert_eq!(resp.status, 200);
    assert_eq!(resp.json()["cancellation"]["totalAmount"], 1000);
    assert_eq!(processed(&sim, "portone-v2"), 1, "processed once");
    assert_eq!(
        sim.stats()["idempotentReplays"],
        1,
        "the answer was replayed"
    );
    assert_eq!(api_requests(&sim, "portone-v2"), 2, "sent twice");
    assert_eq!(client.stats()["unknownOutcomeRetries"], 1);
    let key = resp.idempotency_key.unwrap();
    assert_eq!(sent_key(&sim), Some(format!("\"{key}\"")), "the same key");
    let payment = &sim.payments()[0];
    assert_eq!(payment["cancelledAmount"], 1000);
}

#[test]
fn a_connection_closed_after_processing_is_resent_and_the_per_call_option_turns_it_on() {
    let sim = sim_with_v2_payment();
    sim.fault(json!({"gateway":"portone-v2","endpoint":"api","kind":"process-then-close"}));
    let client = v2(&sim, json!({}));
    let resp = client
        .request_ex(
            "POST",
            CANCEL,
            None,
            Some(CANCEL_BODY),
            Some(r#"{"retryUnknownOutcome":true,"idempotencyKey":"order-77-cancel-0001"}"#),
        )
        .unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(
        resp.idempotency_key.as_deref(),
        Some("order-77-cancel-0001")
    );
    assert_eq!(processed(&sim, "portone-v2"), 1);
    assert_eq!(api_requests(&sim, "portone-v2"), 2);
}

#[test]
fn without_retry_the_error_names_the_key_to_resend_with() {
    let sim = sim_with_v2_payment();
    sim.fault(json!({"gateway":"portone-v2","endpoint":"api","kind":"process-then-close"}));
    let client = v2(&sim, json!({}));
    let opts = r#"{"idempotencyKey":"order-78-cancel-0001"}"#;
    let e = client
        .request_ex("POST", CANCEL, None, Some(CANCEL_BODY), Some(opts))
        .unwrap_err();
    assert_eq!(e.code, 4, "{e:?}");
    assert!(
        e.message.contains("\"order-78-cancel-0001\""),
        "{}",
        e.message
    );
    assert_eq!(api_requests(&sim, "portone-v2"), 1, "not resent");
    // The shop resends it later with the same key: the first answer, processed once.
    let resp = client
        .request_ex("POST", CANCEL, None, Some(CANCEL_BODY), Some(opts))
        .unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(processed(&sim, "portone-v2"), 1);
}

#[test]
fn a_409_outstanding_is_waited_on_until_the_first_answer() {
    let sim = sim_with_v2_payment();
    // The first request is held until the second has been told 409 (outstanding).
    sim.hold("portone-v2", "api", 1);
    let opts = r#"{"idempotencyKey":"order-79-cancel-0001"}"#;
    // Made first (the secret scheme needs no token): once the first request is in, the
    // second is one round trip away.
    let client = v2(&sim, json!({"retryUnknownOutcome": true}));
    let first = {
        let config = sim.portone_v2(json!({}));
        std::thread::spawn(move || {
            let c = Client::new(&config).unwrap();
            c.request_ex("POST", CANCEL, None, Some(CANCEL_BODY), Some(opts))
                .map(|r| r.body)
        })
    };
    wait_for_an_outstanding_key(&sim);
    let second = std::thread::spawn(move || {
        client
            .request_ex("POST", CANCEL, None, Some(CANCEL_BODY), Some(opts))
            .map(|r| (r.status, r.body, client))
    });
    sim.wait_for("a 409 for the second request", |stats| {
        stats["idempotencyConflicts"].as_u64().unwrap() >= 1
    });
    sim.release();
    let (status, body, client) = second.join().unwrap().unwrap();
    let first = first.join().unwrap().unwrap();
    assert_eq!(status, 200);
    assert_eq!(body, first, "the first answer, byte for byte");
    assert!(sim.stats()["idempotencyConflicts"].as_u64().unwrap() >= 1);
    assert!(client.stats()["unknownOutcomeRetries"].as_u64().unwrap() >= 1);
    assert_eq!(processed(&sim, "portone-v2"), 1);
}

#[test]
fn a_409_outstanding_past_the_deadline_is_a_timeout_naming_attempts_and_key() {
    let sim = sim_with_v2_payment();
    // The first request is held until the second has given up.
    sim.hold("portone-v2", "api", 1);
    let opts = r#"{"idempotencyKey":"order-80-cancel-0001"}"#;
    let client = v2(&sim, json!({"retryUnknownOutcome": true}));
    let first = {
        let config = sim.portone_v2(json!({}));
        std::thread::spawn(move || {
            let c = Client::new(&config).unwrap();
            c.request_ex("POST", CANCEL, None, Some(CANCEL_BODY), Some(opts))
                .map(|r| r.status)
        })
    };
    wait_for_an_outstanding_key(&sim);
    let e = client
        .request_ex(
            "POST",
            CANCEL,
            None,
            Some(CANCEL_BODY),
            Some(r#"{"idempotencyKey":"order-80-cancel-0001","timeoutMs":900}"#),
        )
        .unwrap_err();
    assert_eq!(e.code, 5, "{e:?}");
    assert_eq!(e.http_status, 409);
    assert_eq!(e.gateway_code, "IDEMPOTENCY_OUTSTANDING_REQUEST");
    assert!(e.message.contains("attempts"), "{}", e.message);
    assert!(e.message.contains("order-80-cancel-0001"), "{}", e.message);
    assert!(e.message.contains("3 h"), "{}", e.message);
    sim.release();
    assert_eq!(first.join().unwrap().unwrap(), 200);
    assert_eq!(processed(&sim, "portone-v2"), 1);
}

#[test]
fn nicepay_v1_and_keyless_v2_requests_are_never_resent() {
    let sim = Sim::start();
    let close = |gateway: &str| {
        sim.clear_faults();
        sim.fault(json!({"gateway": gateway, "endpoint": "api", "kind": "close", "count": 0}));
    };
    let on = json!({"retryUnknownOutcome": true});
    // A caller's own Idempotency-Key header does not make another gateway's request safe.
    let header = Some(r#"{"Idempotency-Key":"\"order-81-cancel-0001\""}"#);
    let cases = [
        (
            "nicepay",
            sim.nicepay(on.clone()),
            "POST",
            "/v1/payments/T1",
            None,
        ),
        (
            "nicepay",
            sim.nicepay(on.clone()),
            "POST",
            "/v1/payments/T1",
            header,
        ),
        (
            "portone-v1",
            sim.portone_v1(on.clone()),
            "POST",
            "/payments/cancel",
            None,
        ),
        (
            "portone-v1",
            sim.portone_v1(on.clone()),
            "POST",
            "/payments/cancel",
            header,
        ),
        (
            "portone-v2",
            sim.portone_v2(on.clone()),
            "GET",
            "/payments/pay_1",
            None,
        ),
        (
            "portone-v2",
            sim.portone_v2(json!({"retryUnknownOutcome": true, "idempotency": false})),
            "POST",
            CANCEL,
            None,
        ),
    ];
    for (gateway, config, method, path, headers) in cases {
        close(gateway);
        let before = api_requests(&sim, gateway);
        let client = Client::new(&config).unwrap();
        let body = (method != "GET").then_some(CANCEL_BODY);
        let e = client.request(method, path, headers, body).unwrap_err();
        assert_eq!(e.code, 4, "{gateway} {method}: {e:?}");
        assert_eq!(
            api_requests(&sim, gateway) - before,
            1,
            "{gateway} {method}: sent once"
        );
        assert_eq!(client.stats()["unknownOutcomeRetries"], 0);
        assert!(
            !e.message.contains("3 h"),
            "no PortOne V2 advice: {}",
            e.message
        );
    }
    // The idempotencyKey option is PortOne V2's.
    let nicepay = Client::new(&sim.nicepay(json!({}))).unwrap();
    let opts = Some(r#"{"idempotencyKey":"order-82-approve-001"}"#);
    let e = nicepay
        .request_ex("POST", "/v1/payments/T1", None, Some(b"{}"), opts)
        .unwrap_err();
    assert_eq!(e.code, 1);
    assert!(e.message.contains("PortOne V2"), "{}", e.message);
}

extern "C" fn on_done(
    user_data: *mut c_void,
    status: i32,
    result: *mut c_void,
    _: *const paytoken_error,
) {
    let tx = unsafe { Box::from_raw(user_data as *mut mpsc::Sender<(i32, i32, Option<String>)>) };
    let (code, key) = if status == 0 {
        let response = result as *mut paytoken_response;
        let key = paytoken_response_idempotency_key(response);
        let key =
            (!key.is_null()).then(|| unsafe { CStr::from_ptr(key) }.to_str().unwrap().to_owned());
        let code = paytoken_response_status(response);
        paytoken_response_free(response);
        (code, key)
    } else {
        (0, None)
    };
    let _ = tx.send((status, code, key));
}

#[test]
fn the_async_call_generates_the_key_and_resends_too() {
    let sim = sim_with_v2_payment();
    // Processed, then the connection closes: the outcome is unknown at once, with no wait
    // on a deadline (a hang's resend gets only the last quarter of the deadline, which a
    // loaded machine can outlive; the synchronous hang test above covers that budget).
    sim.fault(json!({"gateway":"portone-v2","endpoint":"api","kind":"process-then-close"}));
    let client = v2(
        &sim,
        json!({"retryUnknownOutcome": true, "timeoutMs": 4000}),
    );
    let (tx, rx) = mpsc::channel::<(i32, i32, Option<String>)>();
    let user_data = Box::into_raw(Box::new(tx)) as *mut c_void;
    let (method, path) = (CString::new("POST").unwrap(), CString::new(CANCEL).unwrap());
    let mut err = blank_error();
    let rc = paytoken_request_async(
        client.raw(),
        method.as_ptr(),
        path.as_ptr(),
        ptr::null(),
        CANCEL_BODY.as_ptr(),
        CANCEL_BODY.len(),
        ptr::null(),
        Some(on_done),
        user_data,
        &mut err,
    );
    assert_eq!(rc, 0);
    let (status, http, key) = rx
        .recv_timeout(Duration::from_secs(20))
        .expect("called back");
    assert_eq!((status, http), (0, 200));
    let key = key.expect("the key on the async response");
    assert_eq!(sent_key(&sim), Some(format!("\"{key}\"")));
    assert_eq!(processed(&sim, "portone-v2"), 1);
    assert_eq!(client.stats()["unknownOutcomeRetries"], 1);
}

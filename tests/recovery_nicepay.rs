//! Issue 13, NICEPAY side, end to end against the faithful simulator: an approval whose
//! outcome is unknown is network-cancelled (`paytoken_nicepay_netcancel`) and the
//! simulator shows the payment cancelled; every outcome of the network cancel
//! (cancelled, notNeeded, retry) and `paytoken_nicepay_sign`.

mod common;

use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::ptr;

use common::*;
use paytoken::*;
use serde_json::{json, Value};

fn faithful_sim() -> Sim {
    Sim::start_with(|c| c.implicit_payments = false)
}

fn netcancel(client: &Client, order_id: &str, options: Option<&str>) -> Result<Value, Failure> {
    let order_id = CString::new(order_id).unwrap();
    let options = options.map(|o| CString::new(o).unwrap());
    let mut out: *mut c_char = ptr::null_mut();
    let mut err = blank_error();
    let rc = paytoken_nicepay_netcancel(
        client.raw(),
        order_id.as_ptr(),
        options.as_ref().map_or(ptr::null(), |o| o.as_ptr()),
        &mut out,
        &mut err,
    );
    if rc != 0 {
        assert!(out.is_null());
        return Err(failure(rc, &err));
    }
    let text = unsafe { CStr::from_ptr(out) }.to_str().unwrap().to_owned();
    paytoken_string_free(out);
    Ok(serde_json::from_str(&text).expect("result JSON"))
}

fn sign(client: &Client, parts: &[&str]) -> Result<String, Failure> {
    let owned: Vec<CString> = parts.iter().map(|p| CString::new(*p).unwrap()).collect();
    let ptrs: Vec<*const c_char> = owned.iter().map(|p| p.as_ptr()).collect();
    let mut out: *mut c_char = ptr::null_mut();
    let mut err = blank_error();
    let rc = paytoken_nicepay_sign(client.raw(), ptrs.as_ptr(), ptrs.len(), &mut out, &mut err);
    if rc != 0 {
        return Err(failure(rc, &err));
    }
    let hex = unsafe { CStr::from_ptr(out) }.to_str().unwrap().to_owned();
    paytoken_string_free(out);
    Ok(hex)
}

fn sha256_hex(text: &str) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, text.as_bytes());
    digest.as_ref().iter().map(|b| format!("{b:02x}")).collect()
}

fn payment(sim: &Sim, id: &str) -> Value {
    sim.payments()
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == id)
        .cloned()
        .expect("the payment")
}

#[test]
fn an_approval_that_times_out_is_network_cancelled() {
    let sim = faithful_sim();
    sim.create_payment(json!({"gateway":"nicepay","id":"tid-9","orderId":"order-9","amount":7000,"status":"ready"}));
    sim.fault(json!({"gateway":"nicepay","endpoint":"api","kind":"process-then-hang"}));
    let client = Client::new(&sim.nicepay(json!({"retryUnknownOutcome": true}))).unwrap();
    let approve = client
        .request_ex(
            "POST",
            "/v1/payments/tid-9",
            None,
            Some(br#"{"amount":7000}"#),
            Some(r#"{"timeoutMs":600}"#),
        )
        .unwrap_err();
    assert_eq!(approve.code, 5, "the outcome is unknown: {approve:?}");
    assert_eq!(sim.stats()["apiRequests"]["nicepay"], 1, "never resent");
    assert_eq!(
        payment(&sim, "tid-9")["status"],
        "paid",
        "yet it was approved"
    );

    let result = netcancel(&client, "order-9", None).unwrap();
    assert_eq!(result["outcome"], "cancelled", "{result}");
    assert_eq!(result["resultCode"], "0000");
    assert_eq!(result["httpStatus"], 200);
    assert_eq!(payment(&sim, "tid-9")["status"], "cancelled");
    let sent = sim.last_request();
    assert_eq!(sent["path"], "/v1/payments/netcancel");
    let body: Value = serde_json::from_str(sent["body"].as_str().unwrap()).unwrap();
    let edi_date = body["ediDate"].as_str().unwrap();
    assert!(
        edi_date.ends_with("+09:00") && edi_date.len() == 25,
        "{edi_date}"
    );
    assert_eq!(
        body["signData"],
        sha256_hex(&format!("order-9{edi_date}{NICEPAY_SECRET_KEY}"))
    );

    // Asked again (the shop was not sure the first cancel arrived): nothing left to do.
    let again = netcancel(&client, "order-9", None).unwrap();
    assert_eq!(again["outcome"], "notNeeded", "{again}");
    assert_eq!(again["resultCode"], "2015");
    assert_eq!(
        sim.stats()["processed"]["nicepay"],
        2,
        "approve + one cancel"
    );
}

#[test]
fn an_order_never_approved_needs_no_cancel_and_basic_auth_works_too() {
    let sim = faithful_sim();
    sim.create_payment(json!({"gateway":"nicepay","id":"tid-1","orderId":"order-1","amount":1000,"status":"ready"}));
    for auth in ["token", "basic"] {
        let client = Client::new(&sim.nicepay(json!({"auth": auth}))).unwrap();
        let result = netcancel(&client, "order-1", None).unwrap();
        assert_eq!(result["outcome"], "notNeeded", "{auth}: {result}");
        assert_eq!(payment(&sim, "tid-1")["status"], "ready");
    }
}

#[test]
fn a_lost_answer_or_a_gateway_error_says_retry_and_the_retry_cancels() {
    let sim = faithful_sim();
    sim.create_payment(json!({"gateway":"nicepay","id":"tid-2","orderId":"order-2","amount":2000}));
    let client = Client::new(&sim.nicepay(json!({}))).unwrap();
    client.token().unwrap(); // the token request is not what the faults below hit
    let cases = [
        (
            json!({"gateway":"nicepay","endpoint":"api","kind":"hang"}),
            0,
        ),
        (
            json!({"gateway":"nicepay","endpoint":"api","kind":"close"}),
            0,
        ),
        (
            json!({"gateway":"nicepay","endpoint":"api","kind":"status","status":503}),
            503,
        ),
    ];
    for (fault, http_status) in cases {
        sim.fault(fault.clone());
        let result = netcancel(&client, "order-2", Some(r#"{"timeoutMs":500}"#)).unwrap();
        assert_eq!(result["outcome"], "retry", "{fault}: {result}");
        assert_eq!(result["httpStatus"], http_status, "{fault}: {result}");
        assert!(
            !result["resultMsg"].as_str().unwrap().is_empty(),
            "{result}"
        );
        assert_eq!(
            payment(&sim, "tid-2")["status"],
            "paid",
            "{fault}: not cancelled"
        );
    }
    // process-then-hang: cancelled at the gateway, answer lost: "retry", and the retry
    // says there is nothing left to cancel.
    sim.fault(json!({"gateway":"nicepay","endpoint":"api","kind":"process-then-hang"}));
    let lost = netcancel(&client, "order-2", Some(r#"{"timeoutMs":500}"#)).unwrap();
    assert_eq!(lost["outcome"], "retry", "{lost}");
    assert_eq!(payment(&sim, "tid-2")["status"], "cancelled");
    let retried = netcancel(&client, "order-2", None).unwrap();
    assert_eq!(retried["outcome"], "notNeeded", "{retried}");
}

#[test]
fn only_invalid_arguments_are_errors() {
    let sim = faithful_sim();
    let nicepay = Client::new(&sim.nicepay(json!({}))).unwrap();
    let v2 = Client::new(&sim.portone_v2(json!({}))).unwrap();
    assert_eq!(netcancel(&v2, "order-1", None).unwrap_err().code, 1);
    let empty = netcancel(&nicepay, "", None).unwrap_err();
    assert!(empty.message.contains("empty"), "{empty:?}");
    let opts = netcancel(&nicepay, "o", Some(r#"{"retryUnknownOutcome":true}"#)).unwrap_err();
    assert_eq!(opts.code, 1);
    assert_eq!(netcancel(&nicepay, "o", Some("{")).unwrap_err().code, 1);
    let mut out: *mut c_char = ptr::null_mut();
    let mut err = blank_error();
    let rc =
        paytoken_nicepay_netcancel(nicepay.raw(), ptr::null(), ptr::null(), &mut out, &mut err);
    assert_eq!(rc, 1);
    let rc =
        paytoken_nicepay_netcancel(ptr::null(), c"o".as_ptr(), ptr::null(), &mut out, &mut err);
    assert_eq!(rc, 1);
    let rc = paytoken_nicepay_netcancel(
        nicepay.raw(),
        c"o".as_ptr(),
        ptr::null(),
        ptr::null_mut(),
        &mut err,
    );
    assert_eq!(rc, 1);
    assert_eq!(sim.stats()["apiRequests"]["nicepay"], 0, "nothing was sent");
}

#[test]
fn sign_hashes_the_parts_then_the_secret_key_and_never_shows_it() {
    let sim = faithful_sim();
    let nicepay = Client::new(&sim.nicepay(json!({}))).unwrap();
    assert_eq!(
        sign(&nicepay, &["order-9", "2026-11-29T13:00:00+09:00"]).unwrap(),
        sha256_hex(&format!(
            "order-92026-11-29T13:00:00+09:00{NICEPAY_SECRET_KEY}"
        ))
    );
    assert_eq!(sign(&nicepay, &[]).unwrap(), sha256_hex(NICEPAY_SECRET_KEY));
    let v1 = Client::new(&sim.portone_v1(json!({}))).unwrap();
    let e = sign(&v1, &["x"]).unwrap_err();
    assert_eq!(e.code, 1);
    assert!(!e.message.contains(NICEPAY_SECRET_KEY));
    let mut out: *mut c_char = ptr::null_mut();
    let mut err = blank_error();
    assert_eq!(
        paytoken_nicepay_sign(nicepay.raw(), ptr::null(), 2, &mut out, &mut err),
        1
    );
    let parts = [c"a".as_ptr(), ptr::null()];
    assert_eq!(
        paytoken_nicepay_sign(nicepay.raw(), parts.as_ptr(), 2, &mut out, &mut err),
        1
    );
    let msg = failure(1, &err).message;
    assert!(msg.contains("parts[1]"), "{msg}");
}

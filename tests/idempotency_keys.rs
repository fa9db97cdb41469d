//! The Idempotency-Key rule decided once in the core for every language: a caller's
//! unquoted header is sent as an RFC 8941 string (a PortOne V2 cancel with
//! `Idempotency-Key: k` succeeds), `paytoken_idempotency_key_pin` tells the key before
//! sending, and `paytoken_nicepay_netcancel_async` completes through its callback.

mod common;
mod fork_support;

use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_void};
use std::ptr;
use std::time::Duration;

use common::*;
use fork_support::pipe;
use paytoken::*;
use serde_json::{json, Value};

const CANCEL: &str = "/payments/pay-1/cancel";
const CANCEL_BODY: &[u8] = br#"{"reason":"customer asked","amount":1000}"#;

fn sim_with_v2_payment() -> Sim {
    let sim = Sim::start_with(|c| c.implicit_payments = false);
    sim.create_payment(json!({"gateway":"portone-v2","id":"pay-1","amount":5000}));
    sim
}

fn take(s: *mut c_char) -> Option<String> {
    if s.is_null() {
        return None;
    }
    let text = unsafe { CStr::from_ptr(s) }.to_str().unwrap().to_owned();
    paytoken_string_free(s);
    Some(text)
}

/// (key, options) as `paytoken_idempotency_key_pin` decides them.
fn pin(
    client: &Client,
    method: &str,
    headers: Option<&str>,
    options: Option<&str>,
) -> Result<(Option<String>, Option<String>), Failure> {
    let method = CString::new(method).unwrap();
    let headers = headers.map(|h| CString::new(h).unwrap());
    let options = options.map(|o| CString::new(o).unwrap());
    let (mut key, mut out) = (ptr::null_mut(), ptr::null_mut());
    let mut err = blank_error();
    let rc = paytoken_idempotency_key_pin(
        client.raw(),
        method.as_ptr(),
        headers.as_ref().map_or(ptr::null(), |h| h.as_ptr()),
        options.as_ref().map_or(ptr::null(), |o| o.as_ptr()),
        &mut key,
        &mut out,
        &mut err,
    );
    if rc != 0 {
        return Err(failure(rc, &err));
    }
    Ok((take(key), take(out)))
}

#[test]
fn a_v2_cancel_with_an_unquoted_caller_header_succeeds() {
    let sim = sim_with_v2_payment();
    let client = Client::new(&sim.portone_v2(json!({}))).unwrap();
    let headers = r#"{"Idempotency-Key":"order-1234-cancel-01"}"#;
    let (key, options) = pin(&client, "POST", Some(headers), None).unwrap();
    assert_eq!(key.as_deref(), Some("order-1234-cancel-01"));
    assert_eq!(options, None, "the header already carries it");
    let resp = client
        .request("POST", CANCEL, Some(headers), Some(CANCEL_BODY))
        .unwrap();
    assert_eq!(resp.status, 200, "{}", String::from_utf8_lossy(&resp.body));
    assert_eq!(
        sim.last_request()["headers"]["idempotency-key"],
        "\"order-1234-cancel-01\""
    );
}

#[test]
fn pin_draws_a_key_into_the_options_or_refuses_like_the_request() {
    let sim = sim_with_v2_payment();
    let client = Client::new(&sim.portone_v2(json!({}))).unwrap();
    let (key, options) = pin(&client, "post", None, Some(r#"{"timeoutMs":5000}"#)).unwrap();
    let key = key.expect("a V2 POST carries a key");
    let options: Value = serde_json::from_str(&options.unwrap()).unwrap();
    assert_eq!(options, json!({"timeoutMs": 5000, "idempotencyKey": key}));
    // Sent with those options, the request carries exactly that key.
    let resp = client
        .request_ex(
            "POST",
            CANCEL,
            None,
            Some(CANCEL_BODY),
            Some(&options.to_string()),
        )
        .unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(
        sim.last_request()["headers"]["idempotency-key"],
        format!("\"{key}\"")
    );
    assert_eq!(pin(&client, "GET", None, None).unwrap(), (None, None));
    let both = pin(
        &client,
        "POST",
        Some(r#"{"Idempotency-Key":"k-1"}"#),
        Some(r#"{"idempotencyKey":"order-1234-cancel-01"}"#),
    );
    assert_eq!(both.unwrap_err().code, 1);
    let bad = pin(&client, "POST", Some(r#"{"Idempotency-Key":"a\"b"}"#), None);
    assert!(bad.unwrap_err().message.contains("RFC 8941"));
}

extern "C" fn on_done(
    user_data: *mut c_void,
    status: i32,
    result: *mut c_void,
    _: *const paytoken_error,
) {
    let text = if status == 0 {
        take(result.cast()).unwrap()
    } else {
        format!("error {status}")
    };
    let bytes = format!("{text}\n");
    unsafe {
        libc::write(
            user_data as usize as i32,
            bytes.as_ptr().cast(),
            bytes.len(),
        )
    };
}

fn read_line(fd: i32) -> String {
    let mut p = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    assert_eq!(
        unsafe { libc::poll(&mut p, 1, Duration::from_secs(15).as_millis() as i32) },
        1,
        "no completion"
    );
    let mut buf = vec![0u8; 4096];
    let n = unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) };
    String::from_utf8_lossy(&buf[..n as usize])
        .trim()
        .to_owned()
}

#[test]
fn the_network_cancel_has_an_asynchronous_entry_point() {
    let sim = Sim::start_with(|c| c.implicit_payments = false);
    let client = Client::new(&sim.nicepay(json!({}))).unwrap();
    let (rx, tx) = pipe();
    let mut err = blank_error();
    let rc = paytoken_nicepay_netcancel_async(
        client.raw(),
        c"order-never-approved".as_ptr(),
        ptr::null(),
        Some(on_done),
        tx as usize as *mut c_void,
        &mut err,
    );
    assert_eq!(rc, 0);
    let outcome: Value = serde_json::from_str(&read_line(rx)).unwrap();
    assert_eq!(outcome["outcome"], "notNeeded", "{outcome}");
    // Invalid arguments come through the callback too.
    let rc = paytoken_nicepay_netcancel_async(
        client.raw(),
        c"".as_ptr(),
        ptr::null(),
        Some(on_done),
        tx as usize as *mut c_void,
        &mut err,
    );
    assert_eq!(rc, 0);
    assert_eq!(read_line(rx), "error 1");
}

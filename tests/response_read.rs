//! `paytoken_response_read` (one call for a response's parts) gives exactly what the
//! single accessors give, and `paytoken_idempotency_key_drawn` agrees with what
//! `paytoken_idempotency_key_pin` draws. Over the C ABI, against the simulator.

mod common;

use std::ffi::{CStr, CString};
use std::ptr;

use common::*;
use paytoken::*;
use serde_json::json;

/// Sends `method path` with `body`: the response, freed when dropped.
fn send(client: &safe_api::Client, method: &str, path: &str, body: &str) -> safe_api::Response {
    client
        .request(method, path, None, body.as_bytes(), None)
        .unwrap_or_else(|e| panic!("{method} {path}: {e}"))
}

fn bytes<'a>(ptr: *const u8, len: usize) -> &'a [u8] {
    assert!(!ptr.is_null());
    let with_nul = unsafe { std::slice::from_raw_parts(ptr, len + 1) };
    assert_eq!(with_nul[len], 0, "a NUL follows the bytes");
    &with_nul[..len]
}

fn c_text(ptr: *const std::os::raw::c_char) -> Option<String> {
    (!ptr.is_null()).then(|| unsafe { CStr::from_ptr(ptr) }.to_str().unwrap().to_owned())
}

/// Reads `response` in one call and checks every part against its single accessor;
/// returns the view.
fn read_and_compare(response: *const paytoken_response) -> paytoken_response_view {
    let mut view = std::mem::MaybeUninit::<paytoken_response_view>::uninit();
    let mut err = blank_error();
    let rc = paytoken_response_read(response, view.as_mut_ptr(), &mut err);
    assert_eq!(rc, 0, "{:?}", failure(rc, &err));
    safe_api::contract(rc, &err).unwrap();
    let view = unsafe { view.assume_init() };

    assert_eq!(view.status, paytoken_response_status(response));
    let mut len = 0;
    let body = paytoken_response_body(response, &mut len);
    assert_eq!(view.body, body, "the response's own bytes, not a copy");
    assert_eq!(bytes(view.body, view.body_len), bytes(body, len));
    let text = paytoken_response_text(response, &mut len);
    assert_eq!(view.text, text.cast::<u8>(), "the same decoded text");
    assert_eq!(bytes(view.text, view.text_len), bytes(text.cast(), len));
    assert_eq!(
        view.text_is_body == 1,
        view.text == view.body,
        "text_is_body says whether the text is the body's bytes"
    );
    let headers = paytoken_response_headers_json(response);
    assert_eq!(view.headers_json, headers);
    assert_eq!(
        bytes(view.headers_json.cast(), view.headers_json_len),
        c_text(headers).unwrap().as_bytes()
    );
    assert_eq!(
        c_text(view.idempotency_key),
        c_text(paytoken_response_idempotency_key(response))
    );
    view
}

#[test]
fn a_utf8_answer_reads_in_one_call_with_the_body_as_its_text() {
    let sim = Sim::start();
    let client = safe_api::Client::new(&sim.portone_v1(json!({}))).unwrap();
    let response = send(&client, "GET", api_path("portone-v1"), "");
    let view = read_and_compare(response.raw());
    assert_eq!(view.status, 200);
    assert_eq!(
        view.text_is_body, 1,
        "valid UTF-8 with no BOM is its own text"
    );
    assert!(view.idempotency_key.is_null());
    let headers: serde_json::Value =
        serde_json::from_slice(bytes(view.headers_json.cast(), view.headers_json_len)).unwrap();
    assert!(headers["content-type"].as_str().unwrap().contains("json"));
}

#[test]
fn an_euc_kr_answer_gives_the_decoded_text_beside_the_raw_body() {
    let sim = Sim::start();
    sim.create_payment(
        json!({"gateway": "nicepay", "id": "tid_euc", "orderId": "주문-똠햏", "amount": 1004}),
    );
    let client = safe_api::Client::new(&sim.nicepay(json!({"returnCharSet": "euc-kr"}))).unwrap();
    let body = json!({"reason": "고객 요청", "orderId": "주문-똠햏", "returnCharSet": "euc-kr"})
        .to_string();
    let response = send(&client, "POST", "/v1/payments/tid_euc/cancel", &body);
    let view = read_and_compare(response.raw());
    assert_eq!(view.text_is_body, 0, "EUC-KR bytes are not their own text");
    assert!(std::str::from_utf8(bytes(view.body, view.body_len)).is_err());
    let text = std::str::from_utf8(bytes(view.text, view.text_len)).unwrap();
    assert!(text.contains("주문-똠햏"), "{text}");
}

#[test]
fn a_portone_v2_post_reads_its_idempotency_key() {
    let sim = Sim::start();
    let client = safe_api::Client::new(&sim.portone_v2(json!({}))).unwrap();
    let response = send(&client, "POST", "/payments/pay_0001/cancel", "{}");
    let view = read_and_compare(response.raw());
    let key = c_text(view.idempotency_key).expect("a drawn key");
    assert_eq!(key.len(), 32, "{key}");
}

#[test]
fn null_arguments_are_refused_and_leave_the_view_untouched() {
    let sim = Sim::start();
    let client = safe_api::Client::new(&sim.portone_v1(json!({}))).unwrap();
    let response = send(&client, "GET", api_path("portone-v1"), "");
    let mut view = paytoken_response_view {
        status: 7,
        text_is_body: 7,
        body: ptr::null(),
        body_len: 7,
        text: ptr::null(),
        text_len: 7,
        headers_json: ptr::null(),
        headers_json_len: 7,
        idempotency_key: ptr::null(),
    };
    let mut err = blank_error();
    let rc = paytoken_response_read(ptr::null(), &mut view, &mut err);
    assert!(failure(rc, &err).is_invalid_argument());
    assert_eq!((view.status, view.body_len), (7, 7), "untouched");
    let rc = paytoken_response_read(response.raw(), ptr::null_mut(), ptr::null_mut());
    assert_eq!(rc, paytoken_status::PAYTOKEN_E_INVALID_ARGUMENT as i32);
}

fn drawn(client: &safe_api::Client, method: &str) -> Result<bool, Failure> {
    let method = CString::new(method).unwrap();
    let mut out = -1;
    let mut err = blank_error();
    let rc = paytoken_idempotency_key_drawn(client.raw(), method.as_ptr(), &mut out, &mut err);
    safe_api::contract(rc, &err).unwrap();
    if rc != 0 {
        return Err(failure(rc, &err));
    }
    assert!(out == 0 || out == 1, "{out}");
    Ok(out == 1)
}

/// What `paytoken_idempotency_key_pin` gives with no key of the caller's.
fn pinned_key(client: &safe_api::Client, method: &str) -> Option<String> {
    let method = CString::new(method).unwrap();
    let (mut key, mut options) = (ptr::null_mut(), ptr::null_mut());
    let mut err = blank_error();
    let rc = paytoken_idempotency_key_pin(
        client.raw(),
        method.as_ptr(),
        ptr::null(),
        ptr::null(),
        &mut key,
        &mut options,
        &mut err,
    );
    assert_eq!(rc, 0, "{:?}", failure(rc, &err));
    let got = c_text(key);
    assert_eq!(
        options.is_null(),
        got.is_none(),
        "options carry a drawn key only"
    );
    paytoken_string_free(key);
    paytoken_string_free(options);
    got
}

#[test]
fn key_drawn_answers_what_pin_draws_for_every_gateway_and_method() {
    let sim = Sim::start();
    for config in [
        sim.portone_v2(json!({})),
        sim.portone_v2(json!({"idempotency": false})),
        sim.portone_v1(json!({})),
        sim.nicepay(json!({})),
    ] {
        let client = safe_api::Client::new(&config).unwrap();
        for method in ["GET", "POST", "PUT", "PATCH", "DELETE", "post", "get"] {
            let drawn = drawn(&client, method).unwrap();
            assert_eq!(
                drawn,
                pinned_key(&client, method).is_some(),
                "{config} {method}"
            );
        }
    }
    let v2 = safe_api::Client::new(&sim.portone_v2(json!({}))).unwrap();
    assert!(drawn(&v2, "POST").unwrap());
    assert!(!drawn(&v2, "GET").unwrap());
    assert!(drawn(&v2, "TRACE").unwrap_err().is_invalid_argument());
    let mut out = 0;
    let method = CString::new("POST").unwrap();
    let rc =
        paytoken_idempotency_key_drawn(ptr::null(), method.as_ptr(), &mut out, ptr::null_mut());
    assert_eq!(rc, paytoken_status::PAYTOKEN_E_INVALID_ARGUMENT as i32);
    let rc =
        paytoken_idempotency_key_drawn(v2.raw(), method.as_ptr(), ptr::null_mut(), ptr::null_mut());
    assert_eq!(rc, paytoken_status::PAYTOKEN_E_INVALID_ARGUMENT as i32);
}

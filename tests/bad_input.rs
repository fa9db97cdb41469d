//! Bad input to every function: NULL pointers, non-UTF-8, malformed JSON, unknown keys,
//! wrong types, bad paths and headers — status 1 with a useful message, never a crash.

mod common;

use std::os::raw::c_char;
use std::ptr;

use common::*;
use paytoken::*;
use serde_json::json;

fn new_client(config: &[u8]) -> Failure {
    let mut out = ptr::null_mut();
    let mut err = blank_error();
    let rc = paytoken_client_new(config.as_ptr() as *const c_char, &mut out, &mut err);
    assert!(out.is_null(), "no client written on failure");
    failure(rc, &err)
}

#[test]
fn client_new_refuses_bad_config() {
    let cases: &[(&[u8], &str)] = &[
        (b"{\"gateway\":\"nicepay\",\"clientKey\":\"k\xff\",\"secretKey\":\"s\"}\0", "not valid UTF-8"),
        (b"{not json\0", "not valid JSON"),
        (b"\"nicepay\"\0", "JSON object"),
        (b"{}\0", "\"gateway\" is required"),
        (b"{\"gateway\":\"nicepay\",\"clientKey\":\"k\",\"secretKey\":\"s\",\"sandBox\":true}\0", "unknown config key \"sandBox\""),
        (b"{\"gateway\":\"nicepay\",\"clientKey\":\"k\",\"secretKey\":\"s\",\"sandbox\":\"yes\"}\0", "true or false"),
        (b"{\"gateway\":\"nicepay\",\"clientKey\":\" k\",\"secretKey\":\"s\"}\0", "whitespace"),
        (b"{\"gateway\":\"nicepay\",\"clientKey\":\"k\",\"secretKey\":\"s\\n\"}\0", "whitespace"),
        (b"{\"gateway\":\"portone-v1\",\"impKey\":\"k\",\"impSecret\":\"s\",\"baseUrl\":\"http://api.iamport.kr\"}\0", "loopback"),
        (b"{\"gateway\":\"portone-v1\",\"impKey\":\"k\",\"impSecret\":\"s\",\"timeoutMs\":-5}\0", "timeoutMs"),
        (b"{\"gateway\":\"portone-v1\",\"impKey\":\"k\",\"impSecret\":\"s\",\"maxResponseBytes\":1e99}\0", "maxResponseBytes"),
        (b"{\"gateway\":\"portone-v2\",\"apiSecret\":\"s\",\"refreshBeforeSecs\":30}\0", "token"),
    ];
    for (config, expected) in cases {
        let f = new_client(config);
        assert_eq!(f.code, 1, "{f:?}");
        assert!(
            f.message.contains(expected),
            "expected {expected:?} in {:?}",
            f.message
        );
    }
    let huge = format!(
        "{{\"gateway\":\"portone-v2\",\"apiSecret\":\"{}\"}}\0",
        "x".repeat(100_000)
    );
    assert!(new_client(huge.as_bytes()).message.contains("bytes"));
}

#[test]
fn nulls_are_invalid_arguments() {
    let mut err = blank_error();
    let mut out = ptr::null_mut();
    assert_eq!(paytoken_client_new(ptr::null(), &mut out, &mut err), 1);
    assert!(failure(1, &err).message.contains("config_json is NULL"));
    assert_eq!(
        paytoken_client_new(c"{}".as_ptr(), ptr::null_mut(), &mut err),
        1
    );
    assert!(failure(1, &err).message.contains("client_out is NULL"));

    let mut token = ptr::null_mut();
    assert_eq!(paytoken_get_token(ptr::null(), &mut token, &mut err), 1);
    assert!(failure(1, &err).message.contains("client is NULL"));
    assert_eq!(paytoken_invalidate(ptr::null(), ptr::null(), &mut err), 1);
    let mut json_out = ptr::null_mut();
    assert_eq!(
        paytoken_client_stats(ptr::null(), &mut json_out, ptr::null_mut()),
        1,
        "NULL err is allowed"
    );

    let sim = Sim::start();
    let client = Client::new(&sim.portone_v1(json!({}))).unwrap();
    assert_eq!(
        paytoken_get_token(client.raw(), ptr::null_mut(), &mut err),
        1
    );
    assert!(failure(1, &err).message.contains("token_out is NULL"));
    assert_eq!(
        paytoken_client_stats(client.raw(), ptr::null_mut(), &mut err),
        1
    );
    let mut resp = ptr::null_mut();
    let rc = paytoken_request(
        client.raw(),
        ptr::null(),
        c"/x".as_ptr(),
        ptr::null(),
        ptr::null(),
        0,
        &mut resp,
        &mut err,
    );
    assert_eq!(rc, 1);
    assert!(failure(rc, &err).message.contains("method is NULL"));
    let rc = paytoken_request(
        client.raw(),
        c"GET".as_ptr(),
        ptr::null(),
        ptr::null(),
        ptr::null(),
        0,
        &mut resp,
        &mut err,
    );
    assert!(failure(rc, &err).message.contains("path is NULL"));
    let rc = paytoken_request(
        client.raw(),
        c"GET".as_ptr(),
        c"/x".as_ptr(),
        ptr::null(),
        ptr::null(),
        0,
        ptr::null_mut(),
        &mut err,
    );
    assert!(failure(rc, &err).message.contains("response_out is NULL"));
    let rc = paytoken_request(
        client.raw(),
        c"POST".as_ptr(),
        c"/x".as_ptr(),
        ptr::null(),
        ptr::null(),
        10,
        &mut resp,
        &mut err,
    );
    assert!(failure(rc, &err)
        .message
        .contains("body is NULL but body_len is 10"));
    assert_eq!(
        sim.stats()["apiRequests"]["portone-v1"],
        0,
        "nothing was sent"
    );

    // Free functions and accessors accept NULL.
    paytoken_client_free(ptr::null_mut());
    paytoken_string_free(ptr::null_mut());
    paytoken_response_free(ptr::null_mut());
    assert_eq!(paytoken_response_status(ptr::null()), -1);
    let mut len = 99usize;
    assert!(paytoken_response_body(ptr::null(), &mut len).is_null());
    assert_eq!(len, 0);
    assert!(paytoken_response_header(ptr::null(), c"x".as_ptr()).is_null());
    assert!(paytoken_response_headers_json(ptr::null()).is_null());
}

/// One refused request: method, path, headers JSON, body, expected words in the error.
type RefusedRequest<'a> = (&'a str, &'a str, Option<&'a str>, Option<&'a [u8]>, &'a str);

#[test]
fn bad_requests_are_refused_before_anything_is_sent() {
    let sim = Sim::start();
    let client = Client::new(&sim.portone_v1(json!({}))).unwrap();
    let cases: &[RefusedRequest] = &[
        ("FETCH", "/payments/1", None, None, "not one of GET"),
        (
            "GET",
            "https://evil.example/payments",
            None,
            None,
            "absolute URL",
        ),
        ("GET", "payments/1", None, None, "must start with"),
        ("GET", "//evil.example/payments", None, None, "another host"),
        ("GET", "/pay ments", None, None, "not allowed"),
        ("GET", "/payments/1", Some("[\"x\"]"), None, "JSON object"),
        (
            "GET",
            "/payments/1",
            Some("{\"x\":"),
            None,
            "not valid JSON",
        ),
        (
            "GET",
            "/payments/1",
            Some("{\"X-Count\":5}"),
            None,
            "must be a string",
        ),
        (
            "GET",
            "/payments/1",
            Some("{\"Authorization\":\"Bearer mine\"}"),
            None,
            "set by paytoken",
        ),
        (
            "GET",
            "/payments/1",
            Some("{\"X-A\":\"a\\r\\nInjected: 1\"}"),
            None,
            "control characters",
        ),
        (
            "GET",
            "/payments/1",
            None,
            Some(b"{}"),
            "GET request carries no body",
        ),
    ];
    for (method, path, headers, body, expected) in cases {
        let f = client.request(method, path, *headers, *body).unwrap_err();
        assert_eq!(f.code, 1, "{method} {path}: {f:?}");
        assert!(
            f.message.contains(expected),
            "expected {expected:?} in {:?}",
            f.message
        );
    }
    // Non-UTF-8 path and token.
    let mut err = blank_error();
    let mut resp = ptr::null_mut();
    let bad = b"/payments/\xff\0";
    let rc = paytoken_request(
        client.raw(),
        c"GET".as_ptr(),
        bad.as_ptr() as *const c_char,
        ptr::null(),
        ptr::null(),
        0,
        &mut resp,
        &mut err,
    );
    assert!(failure(rc, &err)
        .message
        .contains("path is not valid UTF-8"));
    let rc = paytoken_invalidate(client.raw(), bad.as_ptr() as *const c_char, &mut err);
    assert!(failure(rc, &err)
        .message
        .contains("token is not valid UTF-8"));
    // An absurd body size.
    let big = vec![b'x'; 65 * 1024 * 1024];
    let f = client
        .request("POST", "/payments/cancel", None, Some(&big))
        .unwrap_err();
    assert!(f.message.contains("at most"), "{f:?}");
    assert_eq!(
        sim.stats()["apiRequests"]["portone-v1"],
        0,
        "nothing was sent"
    );
    assert_eq!(
        sim.token_requests("portone-v1"),
        0,
        "no token was fetched for a bad request"
    );
}

#[test]
fn strerror_and_version_are_static_text() {
    let text = |p: *const c_char| {
        unsafe { std::ffi::CStr::from_ptr(p) }
            .to_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(text(paytoken_version()), "0.1.0");
    assert_eq!(text(paytoken_strerror(0)), "ok");
    assert!(text(paytoken_strerror(5)).contains("unknown"));
    assert_eq!(text(paytoken_strerror(8)), "unknown status");
    assert_eq!(text(paytoken_strerror(-1)), "unknown status");
}

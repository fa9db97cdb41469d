//! Warning records (level 3): a failed token request and the token-storm guard reach the
//! host as warnings, and collecting at level 3 takes warnings only (the routine records
//! a binding leaves at its language's debug level do not cross). One test: the log sink
//! is process-wide.

mod common;

use std::ffi::CStr;
use std::ptr;

use common::*;
use paytoken::{paytoken_log_configure, paytoken_log_next, paytoken_string_free};
use serde_json::json;

fn polled() -> Vec<(i32, String)> {
    let (mut level, mut message) = (0, ptr::null_mut());
    let mut records = Vec::new();
    while paytoken_log_next(&mut level, &mut message) == 1 {
        let text = unsafe { CStr::from_ptr(message) }.to_str().unwrap();
        records.push((level, text.to_owned()));
        paytoken_string_free(message);
    }
    records
}

#[test]
fn a_failed_token_request_and_the_storm_guard_are_warnings() {
    let sim = Sim::start();
    let mut err = blank_error();
    assert_eq!(
        paytoken_log_configure(3, None, ptr::null_mut(), &mut err),
        0
    );

    let client = Client::new(&sim.portone_v1(json!({}))).unwrap();
    sim.fault(json!({"endpoint": "token", "kind": "status", "status": 503}));
    assert_eq!(client.token().unwrap_err().code, 3);
    let token = client.token().unwrap(); // fetched: a routine record, not collected
    let records = polled();
    assert!(
        records
            .iter()
            .any(|(l, m)| *l == 3 && m.contains("token fetch") && m.contains("failed")),
        "the failed token request is a warning: {records:?}"
    );
    assert!(
        records.iter().all(|(l, _)| *l == 3),
        "level 3 collects warnings only: {records:?}"
    );

    // A fresh token refused too: the storm guard holds fetches back, and says so.
    sim.fault(json!({"endpoint": "api", "kind": "unauthorized", "count": 2}));
    assert_eq!(client.get("/payments/imp_1").unwrap_err().code, 2);
    let records = polled();
    assert!(
        records
            .iter()
            .any(|(l, m)| *l == 3 && m.contains("a fresh token was refused")),
        "the storm guard is a warning: {records:?}"
    );
    for (_, m) in &records {
        assert!(!m.contains(&token) && !m.contains(IMP_SECRET), "{m}");
    }
    assert_eq!(
        paytoken_log_configure(0, None, ptr::null_mut(), &mut err),
        0
    );
}

//! Issue 25: no secret in any log record of the verification calls. Its own test binary:
//! the log configuration is process-wide. Records are polled (`paytoken_log_next`), so
//! what the calls logged is in the queue when they return.

mod common;
#[path = "verify_support/mod.rs"]
mod verify_support;

use std::ffi::CStr;
use std::ptr;

use common::*;
use paytoken::*;
use serde_json::json;
use verify_support::*;

const WEBHOOK_SECRET: &str = "whsec_c2ltLXdlYmhvb2stc2VjcmV0LWtleS0zMmJ5dGVzISE=";
/// The key inside that secret, as text (its base64 decoding).
const WEBHOOK_KEY: &str = "sim-webhook-secret-key-32bytes!!";

#[test]
fn verification_logs_no_secret() {
    let mut err = blank_error();
    assert_eq!(
        paytoken_log_configure(2, None, ptr::null_mut(), &mut err),
        0
    );
    let sim = Sim::start_with(|c| c.implicit_payments = false);
    let hook = Hook::start();
    admin_post(
        &sim,
        "/__sim/webhooks",
        &json!({"gateway":"portone-v2","url":hook.url(),"secret":WEBHOOK_SECRET}),
    );
    sim.create_payment(json!({"gateway":"portone-v2","id":"log-1","amount":1000}));
    let received = hook.next("");
    let request = json!({"secret": WEBHOOK_SECRET, "headers": received.headers_json()});
    assert_eq!(
        verify_webhook(None, &request, &received.body).unwrap()["verified"],
        true
    );
    let tampered = json!({"secret": WEBHOOK_SECRET, "headers": received.headers_json()});
    assert_eq!(
        verify_webhook(None, &tampered, b"{}").unwrap()["reason"],
        "badSignature"
    );
    let bad_secret = format!("{WEBHOOK_SECRET}!");
    assert!(verify_webhook(None, &json!({"secret": bad_secret}), b"{}").is_err());
    for config in [
        sim.portone_v2(json!({})),
        sim.nicepay(json!({})),
        sim.portone_v1(json!({})),
    ] {
        let client = Client::new(&config).unwrap();
        verify_payment(&client, &json!({"paymentId":"log-1","amount":1})).unwrap();
        let _ = verify_webhook(
            Some(&client),
            &json!({}),
            br#"{"imp_uid":"imp_x","tid":"t"}"#,
        );
    }

    let mut records = Vec::new();
    loop {
        let (mut level, mut message) = (0, ptr::null_mut());
        if paytoken_log_next(&mut level, &mut message) == 0 {
            break;
        }
        records.push(
            unsafe { CStr::from_ptr(message) }
                .to_string_lossy()
                .into_owned(),
        );
        paytoken_string_free(message);
    }
    assert!(
        records.iter().any(|r| r.contains("call failed")),
        "the failed call was logged: {records:?}"
    );
    for record in &records {
        for secret in [
            WEBHOOK_SECRET,
            &WEBHOOK_SECRET[6..],
            WEBHOOK_KEY,
            API_SECRET,
            NICEPAY_SECRET_KEY,
            IMP_SECRET,
        ] {
            assert!(
                !record.contains(secret),
                "a secret in a log record: {record}"
            );
        }
    }
}

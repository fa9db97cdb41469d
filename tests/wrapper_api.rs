//! The C functions the bindings are built on: the one text decoder, the config key table
//! (and the README's copy of it), the ABI check values, and log records for the host.

mod common;

use std::ffi::{CStr, CString};
use std::os::raw::{c_char, c_void};
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use common::*;
use paytoken::*;
use serde_json::{json, Value};

/// A NICEPAY cancel whose answer comes back in EUC-KR, read through paytoken_response_text.
/// The answer quotes the stored payment's orderId, so the payment is created with it.
fn euc_kr_cancel_text(sim: &Sim, order_id: &str) -> (Vec<u8>, String) {
    sim.create_payment(
        json!({"gateway": "nicepay", "id": "tid_euc", "orderId": order_id, "amount": 1004}),
    );
    let client = Client::new(&sim.nicepay(json!({"returnCharSet": "euc-kr"}))).unwrap();
    let method = CString::new("POST").unwrap();
    let path = CString::new("/v1/payments/tid_euc/cancel").unwrap();
    let body =
        json!({"reason": "고객 요청", "orderId": order_id, "returnCharSet": "euc-kr"}).to_string();
    let mut out = ptr::null_mut();
    let mut err = blank_error();
    let rc = paytoken_request(
        client.raw(),
        method.as_ptr(),
        path.as_ptr(),
        ptr::null(),
        body.as_ptr(),
        body.len(),
        &mut out,
        &mut err,
    );
    assert_eq!(rc, 0, "{:?}", failure(rc, &err));
    let mut raw_len = 0;
    let raw = paytoken_response_body(out, &mut raw_len);
    let raw = unsafe { std::slice::from_raw_parts(raw, raw_len) }.to_vec();
    let mut len = 0;
    let text = paytoken_response_text(out, &mut len);
    let again = paytoken_response_text(out, ptr::null_mut());
    assert_eq!(
        text, again,
        "decoded once, same pointer for the response's life"
    );
    let bytes = unsafe { std::slice::from_raw_parts(text.cast::<u8>(), len + 1) };
    assert_eq!(bytes[len], 0, "NUL-terminated");
    let text = std::str::from_utf8(&bytes[..len]).unwrap().to_owned();
    paytoken_response_free(out);
    (raw, text)
}

#[test]
fn euc_kr_answer_reads_as_utf8_text_with_cp949_syllables() {
    let sim = Sim::start();
    // "똠" is CP949-only: strict EUC-KR decoders turn it into garbage.
    let (raw, text) = euc_kr_cancel_text(&sim, "주문-똠햏");
    assert!(
        std::str::from_utf8(&raw).is_err(),
        "the raw body really is EUC-KR"
    );
    let v: Value = serde_json::from_str(&text).expect("decoded text is the JSON");
    assert_eq!(v["orderId"], "주문-똠햏", "{text}");
}

#[test]
fn text_of_null_is_null_with_zero_length() {
    let mut len = 7;
    assert!(paytoken_response_text(ptr::null(), &mut len).is_null());
    assert_eq!(len, 0);
}

#[test]
fn abi_version_and_error_size() {
    assert_eq!(paytoken_abi_version() >> 16, 1);
    assert!(paytoken_abi_version() & 0xffff >= 1);
    assert_eq!(paytoken_error_size(), std::mem::size_of::<paytoken_error>());
}

fn schema() -> Value {
    let text = unsafe { CStr::from_ptr(paytoken_config_schema()) };
    serde_json::from_str(text.to_str().unwrap()).unwrap()
}

fn schema_names() -> Vec<String> {
    let mut names: Vec<String> = schema()["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["name"].as_str().unwrap().to_owned())
        .collect();
    names.sort();
    names
}

/// The README's config table names exactly the library's keys (first column, in backticks).
#[test]
fn readme_config_table_matches_the_schema() {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = readme
        .split("\n## Config\n")
        .nth(1)
        .expect("README has a ## Config section")
        .split("\n## ")
        .next()
        .unwrap();
    let mut names: Vec<String> = section
        .lines()
        .filter(|l| l.starts_with("| `"))
        .flat_map(|l| {
            let first = l.split('|').nth(1).unwrap();
            first
                .split('`')
                .skip(1)
                .step_by(2)
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .collect();
    names.sort();
    assert!(names.len() > 10, "the table was found: {names:?}");
    assert_eq!(
        names,
        schema_names(),
        "README config table vs paytoken_config_schema()"
    );
}

#[test]
fn every_schema_key_is_accepted_by_its_gateways_only() {
    for key in schema()["keys"].as_array().unwrap() {
        let name = key["name"].as_str().unwrap();
        if name == "gateway" || name == "caFile" {
            continue;
        }
        for gateway in ["nicepay", "portone-v1", "portone-v2"] {
            let mut config = match gateway {
                "nicepay" => json!({"gateway":"nicepay","clientKey":"k","secretKey":"s"}),
                "portone-v1" => json!({"gateway":"portone-v1","impKey":"k","impSecret":"s"}),
                _ => json!({"gateway":"portone-v2","apiSecret":"s","auth":"token"}),
            };
            config[name] = match key["type"].as_str().unwrap() {
                "boolean" => json!(false),
                "integer" => key["max"].clone(),
                _ if name == "baseUrl" => json!("http://127.0.0.1:9"),
                _ if name == "auth" => json!("token"),
                // An absolute directory the client may create (0700).
                _ if name == "cacheDir" => json!(std::env::temp_dir()
                    .join(format!("paytoken-schema-{}", std::process::id()))
                    .to_str()
                    .unwrap()),
                _ => key["values"]
                    .get(1)
                    .or(key["values"].get(0))
                    .cloned()
                    .unwrap_or(json!("v")),
            };
            let expected = key["gateways"]
                .as_array()
                .unwrap()
                .contains(&json!(gateway));
            let outcome = Client::new(&config.to_string());
            assert_eq!(
                outcome.is_ok(),
                expected,
                "{name} on {gateway}: {:?}",
                outcome.err()
            );
        }
    }
}

static RECEIVED: Mutex<Vec<(i32, String)>> = Mutex::new(Vec::new());
static CALLBACK_THREAD_NAMES: Mutex<Vec<String>> = Mutex::new(Vec::new());
static CALLS: AtomicUsize = AtomicUsize::new(0);

extern "C" fn collect(user_data: *mut c_void, level: i32, message: *const c_char, len: usize) {
    assert_eq!(user_data as usize, 0xfeed);
    let text = unsafe { std::slice::from_raw_parts(message.cast::<u8>(), len) };
    RECEIVED
        .lock()
        .unwrap()
        .push((level, String::from_utf8_lossy(text).into_owned()));
    let name = std::thread::current().name().unwrap_or("").to_owned();
    CALLBACK_THREAD_NAMES.lock().unwrap().push(name);
    CALLS.fetch_add(1, Ordering::SeqCst);
}

/// Both delivery modes in one test (the sink is process-wide): polling, then a callback on
/// the library's own thread. Records carry fingerprints, never the token or the secret.
#[test]
fn log_records_reach_the_host_by_polling_and_by_callback() {
    let sim = Sim::start();
    let client = Client::new(&sim.portone_v1(json!({}))).unwrap();
    let mut err = blank_error();
    assert_eq!(
        paytoken_log_configure(4, None, ptr::null_mut(), &mut err),
        1
    );

    assert_eq!(
        paytoken_log_configure(2, None, ptr::null_mut(), &mut err),
        0
    );
    let token = client.token().unwrap();
    let mut polled = Vec::new();
    let mut level = 0;
    let mut message = ptr::null_mut();
    while paytoken_log_next(&mut level, &mut message) == 1 {
        polled.push((
            level,
            unsafe { CStr::from_ptr(message) }
                .to_str()
                .unwrap()
                .to_owned(),
        ));
        paytoken_string_free(message);
    }
    assert!(
        polled.iter().any(|(_, m)| m.contains("fetch")),
        "a token fetch is logged: {polled:?}"
    );
    for (level, m) in &polled {
        assert!(*level == 1 || *level == 2);
        assert!(!m.contains(&token) && !m.contains(IMP_SECRET), "{m}");
    }

    // More records than the queue holds, nobody polling: the extra ones are dropped and
    // counted, and the calls that logged them did not wait.
    let dropped = paytoken_log_dropped();
    let started = std::time::Instant::now();
    for _ in 0..1100 {
        assert!(Client::new("{}").is_err()); // each failure logs one debug record
    }
    assert!(
        paytoken_log_dropped() >= dropped + 1100 - 1024,
        "drops are counted"
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    while paytoken_log_next(&mut level, &mut message) == 1 {
        paytoken_string_free(message);
    }
    // With room again, the next record is preceded by a warning (level 3) naming the gap.
    assert!(Client::new("{}").is_err());
    let mut after = Vec::new();
    while paytoken_log_next(&mut level, &mut message) == 1 {
        let text = unsafe { CStr::from_ptr(message) }.to_str().unwrap();
        after.push((level, text.to_owned()));
        paytoken_string_free(message);
    }
    assert!(
        after
            .iter()
            .any(|(l, m)| *l == 3 && m.contains("log records were dropped")),
        "a warning reports the dropped records: {after:?}"
    );

    let rc = paytoken_log_configure(2, Some(collect), 0xfeed as *mut c_void, &mut err);
    assert_eq!(rc, 0);
    client.invalidate(None).unwrap();
    client.token().unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    // Records arrive in order, but other tests' records may come first: wait for the fetch.
    let fetched = || {
        RECEIVED
            .lock()
            .unwrap()
            .iter()
            .any(|(_, m)| m.contains("fetch"))
    };
    while !fetched() && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    assert!(CALLS.load(Ordering::SeqCst) > 0, "the callback was called");
    assert!(fetched(), "the token fetch reached the callback");
    assert!(CALLBACK_THREAD_NAMES
        .lock()
        .unwrap()
        .iter()
        .all(|n| n == "paytoken-log"));
    assert_eq!(
        paytoken_log_next(&mut level, &mut message),
        0,
        "callback mode: nothing to poll"
    );
    assert_eq!(
        paytoken_log_configure(0, None, ptr::null_mut(), &mut err),
        0
    );
}

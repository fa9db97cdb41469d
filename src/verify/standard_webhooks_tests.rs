//! The Standard Webhooks specification's example, and what its reference libraries and
//! PortOne's SDKs accept and refuse (several signatures, other versions, partial or
//! undecodable signatures, the timestamp window both ways, a secret without prefix).

use super::*;

const SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const ID: &str = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TS: &str = "1614265330";
const NOW: i64 = 1614265330;
const BODY: &[u8] = br#"{"test": 2432232314}"#;
const GOOD: &str = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";

fn check(secret: &str, signature: &str, body: &[u8], now: i64) -> Result<(String, i64), Refusal> {
    let key = secret_key(secret).unwrap();
    let headers = Headers {
        id: Some(ID),
        timestamp: Some(TS),
        signature: Some(signature),
    };
    verify(&key, &headers, body, now, DEFAULT_TOLERANCE_SECS)
}

fn reason(r: Result<(String, i64), Refusal>) -> &'static str {
    r.unwrap_err().code
}

#[test]
fn the_specifications_example_verifies() {
    assert_eq!(check(SECRET, GOOD, BODY, NOW), Ok((ID.to_owned(), NOW)));
    // The reference libraries accept the secret without its prefix too.
    assert!(check("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", GOOD, BODY, NOW).is_ok());
}

#[test]
fn any_of_several_v1_signatures_may_match() {
    let other = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";
    assert!(check(SECRET, &format!("{other} {GOOD}"), BODY, NOW).is_ok());
    assert!(check(SECRET, &format!("{GOOD} {other}"), BODY, NOW).is_ok());
    // Other versions (v1a is asymmetric) and garbage entries are skipped, not fatal.
    assert!(check(
        SECRET,
        &format!("v1a,abc v2,{} junk {GOOD}", &GOOD[3..]),
        BODY,
        NOW
    )
    .is_ok());
}

#[test]
fn wrong_partial_or_foreign_signatures_are_refused() {
    for bad in [
        "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=",
        &GOOD[..GOOD.len() - 4],
        &GOOD[3..],
        &format!("v2,{}", &GOOD[3..]),
        "v1,",
        "v1,!!!not-base64",
        "",
    ] {
        assert_eq!(
            reason(check(SECRET, bad, BODY, NOW)),
            "badSignature",
            "{bad:?}"
        );
    }
}

#[test]
fn a_wrong_secret_or_a_changed_body_is_refused() {
    assert_eq!(
        reason(check("whsec_dGhlLXdyb25nLXNlY3JldA==", GOOD, BODY, NOW)),
        "badSignature"
    );
    for changed in [
        &br#"{"test": 2432232315}"#[..],
        &b"\xEF\xBB\xBF{\"test\": 2432232314}"[..],
        &br#"{"test":2432232314}"#[..],
        &b"{\"test\": 2432232314}\r\n"[..],
    ] {
        assert_eq!(reason(check(SECRET, GOOD, changed, NOW)), "badSignature");
    }
}

#[test]
fn the_timestamp_window_is_five_minutes_either_way() {
    assert!(check(SECRET, GOOD, BODY, NOW + 300).is_ok());
    assert!(check(SECRET, GOOD, BODY, NOW - 300).is_ok());
    assert_eq!(reason(check(SECRET, GOOD, BODY, NOW + 301)), "tooOld");
    assert_eq!(reason(check(SECRET, GOOD, BODY, NOW - 301)), "tooNew");
}

#[test]
fn missing_headers_and_a_bad_timestamp_are_malformed() {
    let key = secret_key(SECRET).unwrap();
    let mut headers = Headers {
        id: None,
        timestamp: Some(TS),
        signature: Some(GOOD),
    };
    assert_eq!(reason(verify(&key, &headers, BODY, NOW, 300)), "malformed");
    headers.id = Some(ID);
    headers.timestamp = Some("1614265330.5");
    assert_eq!(reason(verify(&key, &headers, BODY, NOW, 300)), "malformed");
}

#[test]
fn a_secret_that_is_not_base64_is_the_callers_error_and_not_echoed() {
    let Err(Problem::Invalid(message)) = secret_key("whsec_not base64!secretvalue") else {
        panic!("expected an invalid argument");
    };
    assert!(!message.contains("secretvalue"), "{message}");
    assert!(secret_key("whsec_").is_err());
}

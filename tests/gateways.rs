//! Every gateway and auth scheme: what the simulator sees on the wire, and how answers
//! (including NICEPAY's timestamp and charset variants) are read.

mod common;

use base64::Engine as _;
use common::*;
use serde_json::json;

fn seen_authorization(sim: &Sim) -> String {
    sim.last_request()["headers"]["authorization"]
        .as_str()
        .expect("authorization header seen")
        .to_owned()
}

#[test]
fn nicepay_token_scheme_sends_bearer() {
    let sim = Sim::start();
    let client = Client::new(&sim.nicepay(json!({}))).unwrap();
    let token = client.token().unwrap();
    let resp = client
        .request(
            "POST",
            "/v1/payments/T_sim_0001",
            None,
            Some(br#"{"amount":1004}"#),
        )
        .unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(resp.json()["resultCode"], "0000");
    assert_eq!(seen_authorization(&sim), format!("Bearer {token}"));
    assert_eq!(
        sim.last_request()["headers"]["content-type"],
        "application/json;charset=utf-8"
    );
}

#[test]
fn nicepay_basic_scheme_needs_no_token() {
    let sim = Sim::start();
    let client = Client::new(&sim.nicepay(json!({"auth": "basic"}))).unwrap();
    assert_eq!(client.get(api_path("nicepay")).unwrap().status, 200);
    let expected = base64::engine::general_purpose::STANDARD
        .encode(format!("{NICEPAY_CLIENT_KEY}:{NICEPAY_SECRET_KEY}"));
    assert_eq!(seen_authorization(&sim), format!("Basic {expected}"));
    assert_eq!(sim.token_requests("nicepay"), 0);
    let f = client.token().unwrap_err();
    assert_eq!(f.code, 1);
    assert!(f.message.contains("basic"), "{}", f.message);
}

#[test]
fn portone_v1_sends_bearer_and_tier() {
    let sim = Sim::start();
    let client = Client::new(&sim.portone_v1(json!({"tier": "AGC01"}))).unwrap();
    let token = client.token().unwrap();
    assert_eq!(token.len(), 40);
    let resp = client.get(api_path("portone-v1")).unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(resp.json()["code"], 0);
    let seen = sim.last_request();
    assert_eq!(seen["headers"]["authorization"], format!("Bearer {token}"));
    assert_eq!(seen["headers"]["tier"], "AGC01");
}

#[test]
fn portone_v2_secret_scheme_is_the_default() {
    let sim = Sim::start();
    let client = Client::new(&sim.portone_v2(json!({}))).unwrap();
    assert_eq!(client.get(api_path("portone-v2")).unwrap().status, 200);
    assert_eq!(seen_authorization(&sim), format!("PortOne {API_SECRET}"));
    assert_eq!(sim.token_requests("portone-v2"), 0);
    assert_eq!(client.token().unwrap_err().code, 1);
}

#[test]
fn portone_v2_token_scheme_logs_in_and_reads_the_jwt_exp() {
    let sim = Sim::start();
    let client =
        Client::new(&sim.portone_v2(json!({"auth": "token", "storeId": "store-1"}))).unwrap();
    let token = client.token().unwrap();
    assert_eq!(token.split('.').count(), 3, "a JWT");
    let resp = client
        .request(
            "POST",
            "/payments/pay_0001/cancel",
            Some(r#"{"Idempotency-Key":"k-1"}"#),
            Some(b"{}"),
        )
        .unwrap();
    assert_eq!(resp.status, 200);
    let seen = sim.last_request();
    assert_eq!(seen["headers"]["authorization"], format!("Bearer {token}"));
    // The caller's unquoted key goes out as an RFC 8941 string (PortOne V2's rule).
    assert_eq!(seen["headers"]["idempotency-key"], "\"k-1\"");
    let valid = client.stats()["tokenValidForMs"].as_u64().unwrap();
    assert!(valid > 1_790_000 && valid <= 1_800_000, "{valid}");
}

#[test]
fn nicepay_timestamp_variants_are_all_read() {
    for (format, field) in [
        ("+0900", "expireAt"),
        ("+09:00", "expiredAt"),
        ("Z", "expireAt"),
        ("nofrac", "expiredAt"),
    ] {
        let sim = Sim::start();
        sim.configure(json!({"nicepayTimeFormat": format, "nicepayExpiryField": field}));
        let client = Client::new(&sim.nicepay(json!({}))).unwrap();
        client
            .token()
            .unwrap_or_else(|f| panic!("{format}/{field}: {f:?}"));
        let valid = client.stats()["tokenValidForMs"].as_u64().unwrap();
        assert!(
            valid > 1_790_000 && valid <= 1_800_000,
            "{format}/{field}: {valid}"
        );
    }
}

#[test]
fn nicepay_euc_kr_answers_are_decoded() {
    let sim = Sim::start();
    let good = Client::new(&sim.nicepay(json!({"returnCharSet": "euc-kr"}))).unwrap();
    good.token().unwrap();
    let bad = Client::new(&sim.nicepay(json!({"returnCharSet": "euc-kr", "secretKey": "wrong"})))
        .unwrap();
    let f = bad.token().unwrap_err();
    assert_eq!(
        (f.code, f.http_status, f.gateway_code.as_str()),
        (2, 401, "U104"),
        "{f:?}"
    );
    assert!(
        f.message.contains("사용자 인증에 실패하였습니다"),
        "{}",
        f.message
    );
    assert!(
        f.message.contains("check clientKey/secretKey"),
        "{}",
        f.message
    );
}

#[test]
fn gateway_errors_carry_their_own_codes() {
    let sim = Sim::start();
    let f = Client::new(&sim.nicepay(json!({"clientKey": "nobody"})))
        .unwrap()
        .token()
        .unwrap_err();
    assert_eq!((f.code, f.gateway_code.as_str()), (2, "U116"), "{f:?}");
    let f = Client::new(&sim.portone_v1(json!({"impSecret": "nope"})))
        .unwrap()
        .token()
        .unwrap_err();
    assert_eq!(
        (f.code, f.http_status, f.gateway_code.as_str()),
        (2, 401, "-1"),
        "{f:?}"
    );
    let f = Client::new(&sim.portone_v2(json!({"auth": "token", "apiSecret": "nope"})))
        .unwrap()
        .token()
        .unwrap_err();
    assert_eq!(
        (f.code, f.gateway_code.as_str()),
        (2, "UNAUTHORIZED"),
        "{f:?}"
    );
    // A wrong secret with a no-token scheme: 401 on the business call itself.
    let f = Client::new(&sim.portone_v2(json!({"apiSecret": "nope"})))
        .unwrap()
        .get(api_path("portone-v2"))
        .unwrap_err();
    assert_eq!(
        (f.code, f.http_status, f.gateway_code.as_str()),
        (2, 401, "UNAUTHORIZED"),
        "{f:?}"
    );
}

#[test]
fn responses_keep_status_headers_and_bytes() {
    let sim = Sim::start();
    let client = Client::new(&sim.portone_v1(json!({}))).unwrap();
    sim.fault(json!({"gateway": "portone-v1", "endpoint": "api", "kind": "status", "status": 500}));
    let resp = client.get(api_path("portone-v1")).unwrap();
    assert_eq!(resp.status, 500, "a 5xx is a response, not an error");
    let resp = client.get("/payments/imp_1?include_sandbox=true").unwrap();
    assert_eq!(resp.status, 200);
    assert_eq!(sim.last_request()["query"], "include_sandbox=true");
    assert!(resp
        .content_type
        .as_deref()
        .unwrap()
        .starts_with("application/json"));
    let headers: serde_json::Value = serde_json::from_str(&resp.headers_json).unwrap();
    assert!(headers["content-type"].is_string(), "{headers}");
    // Raw bytes go out untouched, with the caller's content type.
    let body = [0u8, 159, 146, 150, 255];
    client
        .request(
            "POST",
            "/payments/cancel",
            Some(r#"{"Content-Type":"application/octet-stream"}"#),
            Some(&body),
        )
        .unwrap();
    let seen = sim.last_request();
    assert_eq!(seen["headers"]["content-type"], "application/octet-stream");
    assert_eq!(seen["bodyEncoding"], "base64");
    assert_eq!(
        seen["body"],
        base64::engine::general_purpose::STANDARD.encode(body)
    );
}

#[test]
fn user_agent_is_appended() {
    let sim = Sim::start();
    let client = Client::new(&sim.portone_v2(json!({"userAgent": "myshop/2.1"}))).unwrap();
    client.get(api_path("portone-v2")).unwrap();
    assert_eq!(
        sim.last_request()["headers"]["user-agent"],
        "paytoken/0.1.0 myshop/2.1"
    );
}

#[test]
fn a_host_name_origin_resolves_and_is_reused() {
    let sim = Sim::start();
    let origin = format!("http://localhost:{}", sim.inner.port());
    let client = Client::new(&sim.portone_v1(json!({"baseUrl": origin}))).unwrap();
    for _ in 0..3 {
        assert_eq!(client.get(api_path("portone-v1")).unwrap().status, 200);
    }
    assert_eq!(sim.token_requests("portone-v1"), 1);
}

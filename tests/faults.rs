//! A gateway that fails, hangs, lies or sends garbage: each is a clear status, never a
//! crash, and a business request is never sent twice.

mod common;

use std::time::{Duration, Instant};

use common::*;
use serde_json::json;

fn token_failure(sim: &Sim, fault: serde_json::Value, extra: serde_json::Value) -> Failure {
    sim.fault(fault);
    Client::new(&sim.portone_v1(extra))
        .unwrap()
        .token()
        .unwrap_err()
}

#[test]
fn a_5xx_from_the_token_endpoint_is_a_gateway_error() {
    let sim = Sim::start();
    let f = token_failure(
        &sim,
        json!({"endpoint": "token", "kind": "status", "status": 503}),
        json!({}),
    );
    assert_eq!((f.code, f.http_status), (3, 503), "{f:?}");
}

#[test]
fn malformed_and_garbage_token_answers_are_gateway_errors() {
    for kind in ["malformed", "garbage"] {
        let sim = Sim::start();
        let f = token_failure(&sim, json!({"endpoint": "token", "kind": kind}), json!({}));
        assert_eq!(f.code, 3, "{kind}: {f:?}");
        let sim = Sim::start();
        sim.fault(json!({"endpoint": "token", "kind": kind}));
        let f = Client::new(&sim.nicepay(json!({})))
            .unwrap()
            .token()
            .unwrap_err();
        assert_eq!(f.code, 3, "nicepay {kind}: {f:?}");
    }
}

#[test]
fn an_oversized_answer_is_refused_at_the_limit() {
    let sim = Sim::start();
    let client = Client::new(&sim.portone_v2(json!({"maxResponseBytes": 1_048_576}))).unwrap();
    sim.fault(json!({"endpoint": "api", "kind": "oversized", "bytes": 4_194_304}));
    let f = client.get(api_path("portone-v2")).unwrap_err();
    assert_eq!(f.code, 3, "{f:?}");
    assert!(f.message.contains("maxResponseBytes"), "{}", f.message);
    // The same client still works afterwards.
    assert_eq!(client.get(api_path("portone-v2")).unwrap().status, 200);
}

#[test]
fn a_hanging_gateway_times_out_within_the_deadline() {
    let sim = Sim::start();
    let client = Client::new(&sim.portone_v2(json!({"timeoutMs": 500}))).unwrap();
    sim.fault(json!({"endpoint": "api", "kind": "hang"}));
    let t = Instant::now();
    let f = client
        .request("POST", "/payments/pay_1/cancel", None, Some(b"{}"))
        .unwrap_err();
    let took = t.elapsed();
    assert_eq!(f.code, 5, "{f:?}");
    assert!(f.message.contains("outcome is unknown"), "{}", f.message);
    assert!(
        took >= Duration::from_millis(450) && took < Duration::from_millis(1000),
        "{took:?}"
    );
    assert_eq!(sim.stats()["apiRequests"]["portone-v2"], 1, "never resent");
}

#[test]
fn a_per_call_timeout_replaces_the_configs_for_that_call_only() {
    let sim = Sim::start();
    let client = Client::new(&sim.portone_v2(json!({"timeoutMs": 30000}))).unwrap();
    sim.fault(json!({"endpoint": "api", "kind": "hang"}));
    let t = Instant::now();
    let f = client
        .request_ex(
            "POST",
            "/payments/pay_1/cancel",
            None,
            Some(b"{}"),
            Some(r#"{"timeoutMs":300}"#),
        )
        .unwrap_err();
    let took = t.elapsed();
    assert_eq!(f.code, 5, "{f:?}");
    // The request gets what is left of the call's 300 ms (the token came from the cache).
    let left: u64 = f
        .message
        .split("whole request ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .and_then(|n| n.parse().ok())
        .expect("the step's deadline is named");
    assert!((250..=300).contains(&left), "{}", f.message);
    assert!(
        took >= Duration::from_millis(280) && took < Duration::from_millis(2000),
        "{took:?}"
    );
    let bad = client
        .request_ex(
            "GET",
            "/payments/pay_1",
            None,
            None,
            Some(r#"{"timeout":1}"#),
        )
        .unwrap_err();
    assert_eq!(bad.code, 1);
    assert!(
        bad.message.contains("unknown key \"timeout\""),
        "{}",
        bad.message
    );
}

#[test]
fn a_closed_or_truncated_answer_is_a_network_error_and_not_resent() {
    for kind in ["close", "truncate"] {
        let sim = Sim::start();
        let client = Client::new(&sim.portone_v2(json!({}))).unwrap();
        sim.fault(json!({"endpoint": "api", "kind": kind}));
        let f = client
            .request("POST", "/payments/pay_1/cancel", None, Some(b"{}"))
            .unwrap_err();
        assert_eq!(f.code, 4, "{kind}: {f:?}");
        assert_eq!(
            sim.stats()["apiRequests"]["portone-v2"],
            1,
            "{kind}: never resent"
        );
    }
}

#[test]
fn nobody_listening_is_a_network_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let config = json!({"gateway": "portone-v1", "impKey": "k", "impSecret": "s", "baseUrl": format!("http://127.0.0.1:{port}")});
    let f = Client::new(&config.to_string())
        .unwrap()
        .token()
        .unwrap_err();
    assert_eq!(f.code, 4, "{f:?}");
}

#[test]
fn tls_to_a_plain_http_server_is_a_tls_error() {
    // https:// to a server that speaks plain HTTP: the handshake fails.
    let sim = Sim::start();
    let port = sim.inner.port();
    let config = json!({"gateway": "portone-v1", "impKey": "k", "impSecret": "s", "baseUrl": format!("https://localhost:{port}"), "timeoutMs": 3000});
    let f = Client::new(&config.to_string())
        .unwrap()
        .token()
        .unwrap_err();
    assert_eq!(f.code, 6, "{f:?}");
    assert!(f.message.contains("TLS"), "{}", f.message);
}

#[test]
fn a_redirect_is_returned_not_followed() {
    let sim = Sim::start();
    let client = Client::new(&sim.portone_v1(json!({}))).unwrap();
    sim.fault(json!({"endpoint": "api", "kind": "status", "status": 302}));
    assert_eq!(client.get(api_path("portone-v1")).unwrap().status, 302);
    assert_eq!(
        sim.stats()["apiRequests"]["portone-v1"],
        1,
        "nothing followed"
    );
}

#[test]
fn proxy_child() {
    if std::env::var_os("PAYTOKEN_PROXY_CHILD").is_none() {
        return;
    }
    let sim = Sim::start();
    let client = Client::new(&sim.portone_v1(json!({}))).unwrap();
    assert_eq!(client.get(api_path("portone-v1")).unwrap().status, 200);
    child_ran("proxy_child");
}

#[test]
fn loopback_origins_never_go_through_the_environment_proxy() {
    // A proxy that does not exist: if the request went through it, it would fail.
    run_child_test(
        "proxy_child",
        &[
            ("PAYTOKEN_PROXY_CHILD", "1"),
            ("ALL_PROXY", "http://127.0.0.1:9"),
            ("HTTPS_PROXY", "http://127.0.0.1:9"),
            ("HTTP_PROXY", "http://127.0.0.1:9"),
        ],
        &["NO_PROXY", "no_proxy"],
    );
}

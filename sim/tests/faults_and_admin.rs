//! Faults, the admin API, robustness against garbage, and the simulator's lifecycle.

#[allow(dead_code)]
mod support;

use std::time::{Duration, Instant};

use paytoken_sim::{SimConfig, Simulator};
use support::*;

fn sim() -> Simulator {
    transport_sim()
}

fn v1_login(sim: &Simulator) -> std::io::Result<Reply> {
    send(
        sim,
        "POST",
        "/users/getToken",
        &[],
        b"imp_key=sim_imp_key&imp_secret=sim_imp_secret",
    )
}

#[test]
fn status_faults_apply_count_times_and_every_attempt_is_counted() {
    let sim = sim();
    admin(
        &sim,
        "/__sim/fault",
        r#"{"gateway":"nicepay","endpoint":"token","kind":"status","status":503,"count":2}"#,
    );
    let basic = nicepay_basic();
    let statuses: Vec<u16> = (0..3)
        .map(|_| post(&sim, "/v1/access-token", &[("Authorization", &basic)], "").status)
        .collect();
    assert_eq!(statuses, [503, 503, 200]);
    assert_eq!(stats(&sim, "tokenRequests", "nicepay"), 3);
    assert_eq!(stats(&sim, "tokensIssued", "nicepay"), 1);
    // Other gateways were never touched, yet their keys are there.
    assert_eq!(stats(&sim, "tokenRequests", "portone-v2"), 0);
}

#[test]
fn close_truncate_malformed_and_garbage() {
    let sim = sim();
    admin(&sim, "/__sim/fault", r#"{"kind":"close"}"#);
    assert!(v1_login(&sim).is_err(), "closed without an answer");

    admin(&sim, "/__sim/fault", r#"{"kind":"truncate"}"#);
    let truncated = v1_login(&sim).unwrap();
    let announced: usize = truncated.header("content-length").unwrap().parse().unwrap();
    assert!(
        truncated.body.len() < announced,
        "{} of {announced}",
        truncated.body.len()
    );

    admin(
        &sim,
        "/__sim/fault",
        r#"{"kind":"malformed","gateway":"portone-v1"}"#,
    );
    let malformed = v1_login(&sim).unwrap();
    assert_eq!(malformed.status, 200);
    assert!(serde_json::from_slice::<serde_json::Value>(&malformed.body).is_err());

    admin(&sim, "/__sim/fault", r#"{"kind":"garbage"}"#);
    let garbage = v1_login(&sim).unwrap();
    assert_eq!(garbage.header("content-type"), Some("application/json"));
    assert!(std::str::from_utf8(&garbage.body).is_err());

    assert_eq!(v1_login(&sim).unwrap().status, 200, "faults used up");
    assert_eq!(stats(&sim, "tokenRequests", "portone-v1"), 5);
    assert_eq!(stats(&sim, "tokensIssued", "portone-v1"), 1);
}

#[test]
fn oversized_bodies_are_streamed_valid_json_of_the_asked_size() {
    let sim = sim();
    admin(
        &sim,
        "/__sim/fault",
        r#"{"kind":"oversized","bytes":3000000,"endpoint":"api"}"#,
    );
    let reply = get(
        &sim,
        "/payments/x",
        &[("Authorization", "PortOne sim_portone_v2_api_secret")],
    );
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body.len(), 3_000_000);
    assert!(reply.json()["padding"].is_string());
}

#[test]
fn unauthorized_and_expired_faults() {
    let sim = sim();
    let token = v1_token(&sim)["access_token"].as_str().unwrap().to_owned();
    let bearer = format!("Bearer {token}");
    admin(
        &sim,
        "/__sim/fault",
        r#"{"kind":"unauthorized","endpoint":"api"}"#,
    );
    let refused = get(&sim, "/payments/imp_1", &[("Authorization", &bearer)]);
    assert_eq!(refused.status, 401);
    assert_eq!(refused.json()["message"], "Unauthenticated");
    assert_eq!(
        get(&sim, "/payments/imp_1", &[("Authorization", &bearer)]).status,
        200,
        "token still live"
    );
    assert_eq!(stats(&sim, "unauthorized", "portone-v1"), 1);

    admin(
        &sim,
        "/__sim/fault",
        r#"{"kind":"expired","gateway":"nicepay"}"#,
    );
    let expired = nicepay_token(&sim);
    assert!(
        expired["expireAt"].as_str().unwrap() <= expired["now"].as_str().unwrap(),
        "{expired}"
    );
    let refused = get(
        &sim,
        "/v1/payments/T1",
        &[(
            "Authorization",
            &format!("Bearer {}", expired["accessToken"].as_str().unwrap()),
        )],
    );
    assert_eq!(refused.status, 401);
}

#[test]
fn delay_and_hang_faults_and_the_global_delay() {
    let sim = Simulator::start(SimConfig {
        delay_ms: 150,
        ..SimConfig::default()
    })
    .unwrap();
    let started = Instant::now();
    v1_login(&sim).unwrap();
    assert!(started.elapsed() >= Duration::from_millis(150));

    admin(&sim, "/__sim/config", r#"{"delayMs": 0}"#);
    admin(&sim, "/__sim/fault", r#"{"kind":"delay","delayMs":200}"#);
    let started = Instant::now();
    assert_eq!(v1_login(&sim).unwrap().status, 200);
    assert!(started.elapsed() >= Duration::from_millis(200));

    // A hung request does not keep the simulator from stopping.
    admin(&sim, "/__sim/fault", r#"{"kind":"hang","count":0}"#);
    let port = sim.port();
    let hung = std::thread::spawn(move || {
        let mut stream = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
        std::io::Write::write_all(&mut stream, b"GET /payments/x HTTP/1.1\r\nHost: x\r\n\r\n")
            .unwrap();
        let mut buf = Vec::new();
        std::io::Read::read_to_end(&mut stream, &mut buf).ok();
        buf
    });
    // Stop once the request has arrived (and hangs), not after a guess of how long that takes.
    wait_until(30, "the hung request to arrive", || {
        stats(&sim, "apiRequests", "portone-v1") == 1
    });
    let stopping = Instant::now();
    drop(sim);
    assert!(stopping.elapsed() < Duration::from_secs(3));
    assert!(
        hung.join().unwrap().is_empty(),
        "a hung request never gets an answer"
    );
}

#[test]
fn admin_refuses_bad_input_and_survives_garbage() {
    let sim = sim();
    for (path, body) in [
        ("/__sim/fault", "not json"),
        ("/__sim/fault", r#"{"kind":"status","status":99}"#),
        ("/__sim/fault", r#"{"kind":"close","gateway":"toss"}"#),
        ("/__sim/config", r#"{"tokenTTL":5}"#),
        ("/__sim/config", r#"{"delayMs":-1}"#),
        ("/__sim/revoke", r#"{"gateway":"nope"}"#),
    ] {
        assert_eq!(post(&sim, path, &[], body).status, 400, "{path} {body}");
    }
    assert_eq!(get(&sim, "/__sim/last-request", &[]).status, 404);
    let big = vec![b'{'; 2 * 1024 * 1024];
    let refused = send(&sim, "POST", "/v1/payments/T1", &[], &big).unwrap();
    assert_eq!(refused.status, 413);
    // Binary body: recorded as base64; headers lower-cased.
    let body = [0xFFu8, 0x00, 0x80];
    send(
        &sim,
        "POST",
        "/payments/cancel",
        &[("X-Custom-Thing", "A")],
        &body,
    )
    .unwrap();
    let record = get(&sim, "/__sim/last-request", &[]).json();
    assert_eq!(record["gateway"], "portone-v1");
    assert_eq!(record["headers"]["x-custom-thing"], "A");
    assert_eq!(record["bodyEncoding"], "base64");
    assert_eq!(record["body"], "/wCA");
    // Still serving, and reset zeroes everything.
    admin(&sim, "/__sim/reset", "");
    assert_eq!(stats(&sim, "apiRequests", "portone-v1"), 0);
    assert_eq!(get(&sim, "/__sim/last-request", &[]).status, 404);
}

#[test]
fn starts_fast_runs_side_by_side_and_frees_its_port_when_dropped() {
    let started = Instant::now();
    let sims: Vec<Simulator> = (0..4)
        .map(|_| Simulator::start(SimConfig::default()).unwrap())
        .collect();
    let per_start = started.elapsed() / 4;
    eprintln!("Simulator::start took {per_start:?} on average");
    assert!(
        per_start < Duration::from_millis(50),
        "{per_start:?} per start"
    );
    nicepay_token(&sims[0]);
    assert_eq!(stats(&sims[0], "tokenRequests", "nicepay"), 1);
    assert_eq!(
        stats(&sims[1], "tokenRequests", "nicepay"),
        0,
        "separate counters"
    );
    let port = sims[2].port();
    assert!(sims[2].url().ends_with(&format!(":{port}")));
    let stopping = Instant::now();
    drop(sims);
    eprintln!("dropping 4 simulators took {:?}", stopping.elapsed());
    std::net::TcpListener::bind(("127.0.0.1", port)).expect("port freed");
    assert!(Simulator::start(SimConfig {
        host: "0.0.0.0".into(),
        ..SimConfig::default()
    })
    .is_err());
}

//! Every rule of shared/design/token-cache.md, against the simulator over loopback, each
//! with the simulator's own count of token requests.

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Barrier};
use std::thread;
use std::time::{Duration, Instant};

use common::*;
use serde_json::json;

/// Moves the library's cache clock forward for this thread instead of sleeping (feature
/// `test-clock`). Only for single-threaded tests of synchronous calls, and only for rules
/// the library alone decides: the simulator's clock, which expires its tokens, does not
/// move. The tests below that still sleep need one or the other: several threads, or the
/// gateway's own view of an expiry.
fn advance_clock(by: Duration) {
    paytoken::test_clock::advance(by);
}

fn threads<T: Send + 'static>(n: usize, f: impl Fn(usize) -> T + Send + Sync + 'static) -> Vec<T> {
    let f = Arc::new(f);
    let barrier = Arc::new(Barrier::new(n));
    let handles: Vec<_> = (0..n)
        .map(|i| {
            let (f, barrier) = (f.clone(), barrier.clone());
            thread::spawn(move || {
                barrier.wait();
                f(i)
            })
        })
        .collect();
    handles
        .into_iter()
        .map(|h| h.join().expect("no panic"))
        .collect()
}

#[test]
fn a_second_call_is_served_from_the_cache() {
    let sim = Sim::start();
    for (gateway, config) in [
        ("nicepay", sim.nicepay(json!({}))),
        ("portone-v1", sim.portone_v1(json!({}))),
        ("portone-v2", sim.portone_v2(json!({"auth": "token"}))),
    ] {
        let client = Client::new(&config).unwrap();
        let first = client.token().unwrap();
        let second = client.token().unwrap();
        assert_eq!(first, second, "{gateway}");
        assert_eq!(sim.token_requests(gateway), 1, "{gateway}");
        let stats = client.stats();
        assert_eq!(stats["tokenFetches"], 1, "{gateway}");
        assert_eq!(stats["cacheHits"], 1, "{gateway}");
    }
}

#[test]
fn sixty_four_threads_on_a_cold_cache_make_one_token_request() {
    let sim = Sim::start();
    for (gateway, config) in [
        ("nicepay", sim.nicepay(json!({}))),
        ("portone-v1", sim.portone_v1(json!({}))),
        ("portone-v2", sim.portone_v2(json!({"auth": "token"}))),
    ] {
        // The token request is held until every thread has started its call: all of them
        // call while the one fetch is in flight (or, if released first, find its token).
        sim.hold(gateway, "token", 1);
        let client = Arc::new(Client::new(&config).unwrap());
        let c = client.clone();
        let started = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let s = started.clone();
        let callers = thread::spawn(move || {
            threads(64, move |_| {
                s.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                c.token().unwrap()
            })
        });
        sim.wait_for(
            "the one token request held and 64 callers started",
            |stats| stats["held"] == 1 && started.load(std::sync::atomic::Ordering::SeqCst) == 64,
        );
        sim.release();
        let tokens = callers.join().unwrap();
        assert!(
            tokens.iter().all(|t| *t == tokens[0]),
            "{gateway}: everyone gets the same token"
        );
        assert_eq!(sim.token_requests(gateway), 1, "{gateway}");
    }
}

#[test]
fn clients_with_the_same_credentials_share_one_entry() {
    let sim = Sim::start();
    let a = Client::new(&sim.portone_v1(json!({}))).unwrap();
    let b =
        Client::new(&sim.portone_v1(json!({"timeoutMs": 9000, "userAgent": "shop/1"}))).unwrap();
    assert_eq!(a.token().unwrap(), b.token().unwrap());
    assert_eq!(sim.token_requests("portone-v1"), 1);
    drop(a);
    drop(b);
    // A client made later (a new PHP request) still finds the token.
    let c = Client::new(&sim.portone_v1(json!({}))).unwrap();
    c.token().unwrap();
    assert_eq!(sim.token_requests("portone-v1"), 1);
    // A sub-merchant (tier) is another entry.
    let d = Client::new(&sim.portone_v1(json!({"tier": "T01"}))).unwrap();
    d.token().unwrap();
    assert_eq!(sim.token_requests("portone-v1"), 2);
}

#[test]
fn ten_threads_seeing_the_same_401_cause_one_new_fetch() {
    let sim = Sim::start();
    let client = Arc::new(Client::new(&sim.portone_v1(json!({}))).unwrap());
    let old = client.token().unwrap();
    sim.revoke("portone-v1");
    // The new token's request is held until all ten callers have started: they all call
    // while the one new fetch is in flight. (How many see the 401 themselves depends on
    // when each sends: one that sends after the first 401 dropped the token waits for the
    // new one instead, so the count of 401s is no event to wait on.)
    sim.hold("portone-v1", "token", 1);
    let c = client.clone();
    let started = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let s = started.clone();
    let callers = thread::spawn(move || {
        threads(10, move |_| {
            s.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            c.request("GET", api_path("portone-v1"), None, None)
                .map(|r| r.status)
        })
    });
    sim.wait_for(
        "the new token request held and ten callers started",
        |stats| stats["held"] == 1 && started.load(std::sync::atomic::Ordering::SeqCst) == 10,
    );
    sim.release();
    let results = callers.join().unwrap();
    assert!(results.iter().all(|r| matches!(r, Ok(200))), "{results:?}");
    assert_eq!(
        sim.token_requests("portone-v1"),
        2,
        "the first fetch and exactly one after the 401s"
    );
    assert_ne!(client.token().unwrap(), old);
}

#[test]
fn invalidate_compares_before_dropping() {
    let sim = Sim::start();
    let client = Arc::new(Client::new(&sim.portone_v1(json!({}))).unwrap());
    let old = client.token().unwrap();
    sim.revoke("portone-v1");
    let c = client.clone();
    let o = old.clone();
    let tokens = threads(10, move |_| {
        c.invalidate(Some(&o)).unwrap();
        c.token().unwrap()
    });
    assert!(
        tokens.iter().all(|t| *t == tokens[0] && *t != old),
        "all get the one new token"
    );
    assert_eq!(sim.token_requests("portone-v1"), 2);
    // A stale invalidate does not throw the new token away; NULL drops whatever is cached.
    client.invalidate(Some(&old)).unwrap();
    assert_eq!(client.token().unwrap(), tokens[0]);
    assert_eq!(sim.token_requests("portone-v1"), 2);
    client.invalidate(None).unwrap();
    client.token().unwrap();
    assert_eq!(sim.token_requests("portone-v1"), 3);
}

#[test]
fn a_local_clock_hours_off_changes_nothing() {
    for offset in [3 * 3600, -3 * 3600] {
        let sim = Sim::start_with(|c| c.clock_offset_secs = offset);
        for (gateway, config) in [
            ("nicepay", sim.nicepay(json!({}))),
            ("portone-v1", sim.portone_v1(json!({}))),
            ("portone-v2", sim.portone_v2(json!({"auth": "token"}))),
        ] {
            let client = Client::new(&config).unwrap();
            for _ in 0..5 {
                assert_eq!(
                    client.get(api_path(gateway)).unwrap().status,
                    200,
                    "{gateway} {offset}"
                );
            }
            assert_eq!(sim.token_requests(gateway), 1, "{gateway} offset {offset}");
            let valid = client.stats()["tokenValidForMs"].as_u64().unwrap();
            assert!(
                valid > 1_790_000 && valid <= 1_800_000,
                "{gateway} offset {offset}: {valid}"
            );
        }
        assert_eq!(
            sim.stats()["unauthorized"],
            json!({"nicepay": 0, "portone-v1": 0, "portone-v2": 0})
        );
    }
}

#[test]
fn no_expired_token_is_ever_sent_with_a_skewed_clock() {
    // Real time: the simulator expires the token on its own clock, which is what this
    // test checks the library never outlives.
    // Short-lived NICEPAY tokens, gateway clock 3 h ahead: requests across an expiry.
    let sim = Sim::start_with(|c| {
        c.clock_offset_secs = 3 * 3600;
        c.token_ttl_secs = 3;
    });
    let client = Client::new(&sim.nicepay(json!({}))).unwrap();
    let start = Instant::now();
    while start.elapsed() < Duration::from_millis(4500) {
        assert_eq!(client.get(api_path("nicepay")).unwrap().status, 200);
        thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(
        sim.unauthorized("nicepay"),
        0,
        "never sent an expired token"
    );
    assert_eq!(
        sim.token_requests("nicepay"),
        2,
        "one token, then one after it expired"
    );
}

#[test]
fn nicepay_is_never_served_in_its_last_second_and_never_refreshed_early() {
    // Real time: the simulator decides when NICEPAY gives a new token (never before the
    // old one expired on its clock), and the caller waits on a condition variable.
    let sim = Sim::start_with(|c| c.token_ttl_secs = 2);
    let client = Client::new(&sim.nicepay(json!({}))).unwrap();
    let first = client.token().unwrap();
    thread::sleep(Duration::from_millis(1100)); // now in the last second
    let started = Instant::now();
    let second = client.token().unwrap();
    assert_ne!(
        first, second,
        "the old token is not served in its last second"
    );
    assert!(
        started.elapsed() >= Duration::from_millis(700),
        "waited for the deadline: {:?}",
        started.elapsed()
    );
    assert_eq!(
        sim.token_requests("nicepay"),
        2,
        "no request before the deadline"
    );
}

#[test]
fn no_refresh_storm_at_the_end_of_a_nicepay_token() {
    // Real time: eight threads (the test clock is per thread) and the simulator's expiry.
    // With a refresh window set, the early refresh gets the same token and expiry: after
    // that nobody asks again before the deadline. The threads ask until one of them is
    // served the next token, and stop: the next token's own window opens 2 s after it
    // (5 s tokens, 3 s window), which a loaded machine's stragglers stay clear of.
    let sim = Sim::start_with(|c| c.token_ttl_secs = 5);
    let client = Arc::new(Client::new(&sim.nicepay(json!({"refreshBeforeSecs": 3}))).unwrap());
    let first = client.token().unwrap();
    let next_served = Arc::new(AtomicBool::new(false));
    let (c, done) = (client.clone(), next_served.clone());
    threads(8, move |_| {
        while !done.load(Ordering::SeqCst) {
            if c.token().unwrap() != first {
                done.store(true, Ordering::SeqCst);
            }
            thread::sleep(Duration::from_millis(10)); // pacing only
        }
    });
    // The first token, one early refresh (same token back), one after expiry.
    assert_eq!(sim.token_requests("nicepay"), 3);
    assert_eq!(sim.unauthorized("nicepay"), 0);
}

#[test]
fn portone_v1_refreshes_in_its_last_minute_without_a_gap() {
    // Real time: the simulator extends the token only in its last minute on its own clock,
    // and eight threads ask (the test clock is per thread).
    // 62 s tokens with the default 60 s window: due after 2 s; the simulator then extends
    // the same token by 5 minutes.
    let sim = Sim::start_with(|c| c.token_ttl_secs = 62);
    let client = Arc::new(Client::new(&sim.portone_v1(json!({}))).unwrap());
    let first = client.token().unwrap();
    thread::sleep(Duration::from_millis(2300));
    // While the refresh is held at the gateway, the other callers are served the
    // still-valid token: seven calls return before the refresh is released.
    sim.hold("portone-v1", "token", 1);
    let (done_tx, done) = std::sync::mpsc::channel();
    let c = client.clone();
    let callers = thread::spawn(move || {
        threads(8, move |_| {
            let token = c.token().unwrap();
            done_tx.send(()).unwrap();
            token
        })
    });
    let mut returned = 0;
    sim.wait_for("the refresh held and seven calls returned", |stats| {
        returned += done.try_iter().count();
        stats["held"] == 1 && returned == 7
    });
    assert_eq!(sim.stats()["held"], 1, "the refresh is still held");
    sim.release();
    let tokens = callers.join().unwrap();
    assert!(tokens.iter().all(|t| *t == first));
    assert_eq!(sim.token_requests("portone-v1"), 2);
    let valid = client.stats()["tokenValidForMs"].as_u64().unwrap();
    assert!(valid > 300_000, "extended by five minutes: {valid}");
}

#[test]
fn a_failing_refresh_keeps_serving_the_valid_token_and_waits_before_retrying() {
    let sim = Sim::start_with(|c| c.token_ttl_secs = 62);
    let client = Client::new(&sim.portone_v1(json!({}))).unwrap();
    let token = client.token().unwrap();
    advance_clock(Duration::from_millis(2200)); // due by the 60 s window
    sim.fault(json!({"gateway": "portone-v1", "endpoint": "token", "kind": "status", "status": 503, "count": 0}));
    for _ in 0..15 {
        assert_eq!(client.token().unwrap(), token);
        advance_clock(Duration::from_millis(100));
    }
    assert_eq!(
        sim.token_requests("portone-v1"),
        2,
        "one failed refresh, then a gap of 5 s"
    );
    assert_eq!(client.stats()["refreshFailures"], 1);
}

#[test]
fn credential_errors_are_remembered_for_two_seconds() {
    let sim = Sim::start();
    let config = sim.portone_v1(json!({"impSecret": "wrong-secret"}));
    let client = Client::new(&config).unwrap();
    for _ in 0..5 {
        let f = client.token().unwrap_err();
        assert_eq!(f.code, 2, "{f:?}");
        assert_eq!(f.http_status, 401);
    }
    assert_eq!(sim.token_requests("portone-v1"), 1);
    advance_clock(Duration::from_millis(2100));
    assert_eq!(client.token().unwrap_err().code, 2);
    assert_eq!(sim.token_requests("portone-v1"), 2);
}

#[test]
fn waiters_share_the_error_of_the_one_fetch() {
    let sim = Sim::start();
    // Held, then answered 502 when released.
    sim.fault(json!({"gateway": "portone-v2", "endpoint": "token", "kind": "hold", "status": 502}));
    let client = Arc::new(Client::new(&sim.portone_v2(json!({"auth": "token"}))).unwrap());
    let c = client.clone();
    let started = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let s = started.clone();
    let callers = thread::spawn(move || {
        threads(16, move |_| {
            s.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            c.token()
        })
    });
    sim.wait_for("the one fetch held and 16 callers started", |stats| {
        stats["held"] == 1 && started.load(std::sync::atomic::Ordering::SeqCst) == 16
    });
    sim.release();
    let results = callers.join().unwrap();
    assert_eq!(sim.token_requests("portone-v2"), 1);
    let codes: Vec<i32> = results
        .iter()
        .map(|r| r.as_ref().map(|_| 0).unwrap_or_else(|f| f.code))
        .collect();
    assert!(
        codes.iter().all(|c| *c == 3),
        "all share the one gateway error: {codes:?}"
    );
}

#[test]
fn a_token_expired_on_arrival_is_a_gateway_error() {
    let sim = Sim::start();
    for (gateway, config) in [
        ("nicepay", sim.nicepay(json!({}))),
        ("portone-v1", sim.portone_v1(json!({}))),
    ] {
        sim.fault(json!({"gateway": gateway, "endpoint": "token", "kind": "expired"}));
        let f = Client::new(&config).unwrap().token().unwrap_err();
        assert_eq!(f.code, 3, "{gateway}: {f:?}");
        assert!(f.message.contains("expired"), "{}", f.message);
    }
}

#[test]
fn a_request_is_retried_once_after_401_with_a_fresh_token() {
    let sim = Sim::start();
    let client = Client::new(&sim.nicepay(json!({}))).unwrap();
    client.token().unwrap();
    sim.revoke("nicepay");
    assert_eq!(client.get(api_path("nicepay")).unwrap().status, 200);
    assert_eq!(sim.token_requests("nicepay"), 2);
    assert_eq!(client.stats()["retriesAfter401"], 1);
}

#[test]
fn a_second_401_is_an_auth_error_even_with_the_same_token_back() {
    let sim = Sim::start();
    let client = Client::new(&sim.portone_v1(json!({}))).unwrap();
    client.token().unwrap();
    sim.fault(
        json!({"gateway": "portone-v1", "endpoint": "api", "kind": "unauthorized", "count": 2}),
    );
    let f = client
        .request(
            "POST",
            "/payments/cancel",
            None,
            Some(br#"{"imp_uid":"imp_1"}"#),
        )
        .unwrap_err();
    assert_eq!((f.code, f.http_status), (2, 401), "{f:?}");
    assert!(f.message.contains("after one retry"), "{}", f.message);
    assert_eq!(
        sim.token_requests("portone-v1"),
        2,
        "one fresh token (the gateway gave the same one back)"
    );
    assert_eq!(
        sim.stats()["apiRequests"]["portone-v1"],
        2,
        "sent exactly twice"
    );
}

#[test]
fn nobody_waits_on_a_fetch_longer_than_the_timeouts() {
    let sim = Sim::start();
    sim.fault(json!({"gateway": "nicepay", "endpoint": "token", "kind": "hang"}));
    let client = Arc::new(
        Client::new(&sim.nicepay(json!({"timeoutMs": 400, "connectTimeoutMs": 200}))).unwrap(),
    );
    let c = client.clone();
    let results = threads(4, move |_| {
        let t = Instant::now();
        (c.token().unwrap_err().code, t.elapsed())
    });
    for (code, took) in results {
        assert_eq!(code, 5);
        assert!(took < Duration::from_millis(1200), "{took:?}");
    }
    assert_eq!(sim.token_requests("nicepay"), 1);
}

#[test]
fn tokens_shorter_than_the_refresh_window_do_not_cause_a_refresh_per_call() {
    // Real time: four threads (the test clock is per thread) and the simulator's expiry.
    // 4 s PortOne V2 tokens with the default 60 s window: the window is capped at half
    // the token's lifetime, so a refresh every ~2 s, not one per call.
    let sim = Sim::start_with(|c| c.token_ttl_secs = 4);
    let client = Arc::new(Client::new(&sim.portone_v2(json!({"auth": "token"}))).unwrap());
    let c = client.clone();
    threads(4, move |_| {
        let start = Instant::now();
        while start.elapsed() < Duration::from_millis(4500) {
            c.get(api_path("portone-v2")).unwrap();
            thread::sleep(Duration::from_millis(5));
        }
    });
    let fetches = sim.token_requests("portone-v2");
    assert!(
        (2..=4).contains(&fetches),
        "{fetches} token requests in 4.5 s"
    );
    assert_eq!(sim.unauthorized("portone-v2"), 0);
}

#[test]
fn clients_sharing_an_entry_keep_their_own_refresh_window() {
    let sim = Sim::start_with(|c| c.token_ttl_secs = 62);
    let early = Client::new(&sim.portone_v1(json!({"refreshBeforeSecs": 60}))).unwrap();
    let late = Client::new(&sim.portone_v1(json!({"refreshBeforeSecs": 0}))).unwrap();
    early.token().unwrap();
    advance_clock(Duration::from_millis(2300));
    late.token().unwrap(); // fresh by its own window: no refresh, and it must not hide...
    assert_eq!(sim.token_requests("portone-v1"), 1);
    early.token().unwrap(); // ...that the token is due by this client's window
    assert_eq!(sim.token_requests("portone-v1"), 2);
}

// ------------------------------------------------------------- the token-storm bound

/// The configs of the three token schemes, by the simulator's gateway name.
fn token_schemes(sim: &Sim) -> [(&'static str, String); 3] {
    [
        ("nicepay", sim.nicepay(json!({}))),
        ("portone-v1", sim.portone_v1(json!({}))),
        ("portone-v2", sim.portone_v2(json!({"auth": "token"}))),
    ]
}

#[test]
fn an_api_refusing_every_token_costs_two_token_requests_not_one_per_call() {
    // Issue 11.2: 20 threads x 5 calls against an API answering 401 to everything made
    // 31 token requests. Now: the first token, one fresh token after the first 401s, and
    // once that fresh token is refused too, no fetch for 5-6 s.
    let sim = Sim::start();
    for (gateway, config) in token_schemes(&sim) {
        sim.fault(
            json!({"gateway": gateway, "endpoint": "api", "kind": "unauthorized", "count": 0}),
        );
        let client = Arc::new(Client::new(&config).unwrap());
        let c = client.clone();
        let started = Instant::now();
        let failures: Vec<Failure> = threads(20, move |_| {
            (0..5)
                .map(|_| c.get(api_path(gateway)).unwrap_err())
                .collect::<Vec<_>>()
        })
        .into_iter()
        .flatten()
        .collect();
        let took = started.elapsed();
        assert!(
            took < Duration::from_secs(5),
            "{gateway}: the run took {took:?}, longer than the 5 s hold: the counts below need it shorter"
        );
        assert_eq!(failures.len(), 100);
        assert!(
            failures.iter().all(|f| (f.code, f.http_status) == (2, 401)),
            "{gateway}: {failures:?}"
        );
        assert_eq!(
            sim.token_requests(gateway),
            2,
            "{gateway}: the first token and one fresh token"
        );
        let stats = client.stats();
        let retries = stats["retriesAfter401"].as_u64().unwrap();
        let skipped = stats["fetchesSkippedAfterRefusal"].as_u64().unwrap();
        assert_eq!(retries + skipped, 100, "{gateway}: {stats}");
        assert!(
            skipped >= 80,
            "{gateway}: every call after the first of each thread: {stats}"
        );
        assert_eq!(stats["tokenFetches"], 2, "{gateway}");
        assert_eq!(
            sim.stats()["apiRequests"][gateway],
            100 + retries,
            "{gateway}: each call sent once, plus its one retry where it made one"
        );
        let guarded = failures
            .iter()
            .filter(|f| f.message.contains("token-storm guard"))
            .count();
        assert!(
            guarded >= 80,
            "{gateway}: the error says why: {:?}",
            failures[99].message
        );
        sim.clear_faults();
    }
}

#[test]
fn the_storm_hold_is_bounded_and_ends_with_one_fetch() {
    let sim = Sim::start();
    let client = Client::new(&sim.portone_v2(json!({"auth": "token"}))).unwrap();
    sim.fault(
        json!({"gateway": "portone-v2", "endpoint": "api", "kind": "unauthorized", "count": 0}),
    );
    for _ in 0..3 {
        client.get(api_path("portone-v2")).unwrap_err();
    }
    assert_eq!(sim.token_requests("portone-v2"), 2);
    // The hold is 5 s plus up to 20 % jitter.
    advance_clock(Duration::from_millis(6100));
    let f = client.get(api_path("portone-v2")).unwrap_err();
    assert_eq!((f.code, f.http_status), (2, 401));
    assert_eq!(
        sim.token_requests("portone-v2"),
        3,
        "one fetch after the hold"
    );
    client.get(api_path("portone-v2")).unwrap_err();
    assert_eq!(sim.token_requests("portone-v2"), 3, "and a new hold");
    assert_eq!(client.stats()["retriesAfter401"], 2);
}

#[test]
fn a_held_token_still_serves_endpoints_that_accept_it() {
    let sim = Sim::start();
    let client = Client::new(&sim.portone_v1(json!({}))).unwrap();
    // The first call and its retry are refused; later calls are not.
    sim.fault(
        json!({"gateway": "portone-v1", "endpoint": "api", "kind": "unauthorized", "count": 2}),
    );
    let f = client.get(api_path("portone-v1")).unwrap_err();
    assert!(f.message.contains("after one retry"), "{}", f.message);
    assert!(
        f.message.contains("no new token is fetched for"),
        "{}",
        f.message
    );
    assert_eq!(client.get(api_path("portone-v1")).unwrap().status, 200);
    assert_eq!(
        sim.token_requests("portone-v1"),
        2,
        "the held token is used, not replaced"
    );
    assert_eq!(client.stats()["fetchesSkippedAfterRefusal"], 0);
}

#[test]
fn the_stats_report_the_gateway_clock_skew() {
    for offset in [0i64, 3 * 3600, -2 * 3600] {
        let sim = Sim::start_with(|c| c.clock_offset_secs = offset);
        for (gateway, config) in token_schemes(&sim) {
            let client = Client::new(&config).unwrap();
            assert_eq!(
                client.stats()["gatewayClockSkewMs"],
                json!(null),
                "{gateway}"
            );
            client.token().unwrap();
            let skew = client.stats()["gatewayClockSkewMs"].as_i64().unwrap();
            // Gateways send whole seconds: within 1 s, plus a margin for a loaded machine.
            assert!(
                (skew - offset * 1000).abs() <= 1500,
                "{gateway}: offset {offset} s, skew {skew} ms"
            );
        }
    }
}

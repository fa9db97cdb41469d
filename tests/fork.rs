//! Fork safety: a child after `fork()` keeps the cached tokens, gets its own connections,
//! and never deadlocks — also when another parent thread was mid-fetch at the fork.

mod common;
mod fork_support;

use std::thread;
use std::time::Duration;

use common::*;
use fork_support::{in_child, wait_child};
use serde_json::json;

#[test]
fn a_child_reuses_cached_tokens_and_survives_a_fetch_in_flight_at_fork() {
    let sim = Sim::start();
    // Warm: a token and a pooled keep-alive connection in the parent.
    let warm = Client::new(&sim.portone_v1(json!({}))).unwrap();
    let warm_token = warm.token().unwrap();
    assert_eq!(warm.get(api_path("portone-v1")).unwrap().status, 200);

    // Another parent thread is mid-fetch (its token request held) when we fork.
    sim.hold("nicepay", "token", 1);
    let nicepay_config = sim.nicepay(json!({}));
    let cfg = nicepay_config.clone();
    let in_flight = thread::spawn(move || Client::new(&cfg).unwrap().token().unwrap());
    // Held from its arrival: from then on the fetch is in flight, until released below.
    sim.wait_held(1);

    let v1_config = sim.portone_v1(json!({}));
    let pid = in_child(move || {
        let client = Client::new(&v1_config).unwrap();
        if client.token().unwrap() != warm_token {
            return 10; // the cached token should have come along
        }
        if client
            .get(api_path("portone-v1"))
            .map(|r| r.status)
            .unwrap_or(0)
            != 200
        {
            return 11; // a request on a fresh connection
        }
        // The entry whose fetch was in flight in another parent thread: no deadlock, the
        // child fetches for itself.
        match Client::new(&nicepay_config).unwrap().token() {
            Ok(_) => 0,
            Err(_) => 12,
        }
    });
    assert_eq!(wait_child(pid, Duration::from_secs(15)), 0);
    sim.release();
    in_flight.join().unwrap();

    // The parent's own pooled connection and cache are intact.
    assert_eq!(warm.get(api_path("portone-v1")).unwrap().status, 200);
    assert_eq!(
        sim.token_requests("portone-v1"),
        1,
        "neither parent nor child fetched the V1 token again"
    );
}

#[test]
fn many_forks_while_threads_hammer_the_cache() {
    let sim = Sim::start();
    let config = sim.portone_v2(json!({"auth": "token"}));
    let client = std::sync::Arc::new(Client::new(&config).unwrap());
    client.token().unwrap();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let workers: Vec<_> = (0..3)
        .map(|i| {
            let (client, stop) = (client.clone(), stop.clone());
            thread::spawn(move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    client.token().unwrap();
                    if i == 0 {
                        client.invalidate(None).unwrap();
                    }
                }
            })
        })
        .collect();
    for _ in 0..20 {
        let config = config.clone();
        let pid = in_child(move || match Client::new(&config).unwrap().token() {
            Ok(_) => 0,
            Err(_) => 20,
        });
        assert_eq!(wait_child(pid, Duration::from_secs(10)), 0);
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for w in workers {
        w.join().unwrap();
    }
}

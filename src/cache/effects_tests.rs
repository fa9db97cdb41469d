//! The effects around the state machine — the lock-free snapshot, the fetch, the
//! counters — driven by a clock that moves only when the test says so and a fetcher that
//! answers from a script. No network, no sleep.

use std::cell::Cell;
use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::fetcher::Fetched;
use super::*;
use crate::gateway::IssuedToken;

const S: Duration = Duration::from_secs(1);
const MS: Duration = Duration::from_millis(1);
/// Time allowed for getting a token: longer than any test's.
const BUDGET: Duration = Duration::from_secs(60);

/// Both clocks stand still until `advance`.
struct HeldClock(Cell<Instant>, Cell<i64>);

/// 2027-01-15T08:00:00Z on this host's wall clock.
const WALL_START_MS: i64 = 1_800_000_000_000;

impl HeldClock {
    fn new() -> HeldClock {
        HeldClock(Cell::new(Instant::now()), Cell::new(WALL_START_MS))
    }
    fn advance(&self, by: Duration) {
        self.0.set(self.0.get() + by);
        self.1.set(self.1.get() + by.as_millis() as i64);
    }
}

impl Clock for HeldClock {
    fn now(&self) -> Instant {
        self.0.get()
    }
    fn wall_ms(&self) -> i64 {
        self.1.get()
    }
}

/// Answers each fetch with the next scripted outcome and counts the fetches.
struct ScriptedFetcher {
    answers: Mutex<VecDeque<Result<Fetched, Error>>>,
    calls: Cell<u32>,
}

impl ScriptedFetcher {
    fn new(answers: Vec<Result<Fetched, Error>>) -> ScriptedFetcher {
        ScriptedFetcher {
            answers: Mutex::new(answers.into()),
            calls: Cell::new(0),
        }
    }
}

impl TokenFetcher for ScriptedFetcher {
    fn fetch(&self, _config: &Config, _budget: Duration) -> Result<Fetched, Error> {
        self.calls.set(self.calls.get() + 1);
        self.answers
            .lock()
            .unwrap()
            .pop_front()
            .expect("no more fetches were expected")
    }
}

/// A token answer without the gateway's time.
fn token(value: &str, lifetime: Duration, expiry_ms: i64) -> Result<Fetched, Error> {
    Ok(Fetched {
        issued: IssuedToken {
            token: Secret::new(value.to_string()),
            lifetime_ms: lifetime.as_millis() as i64,
            expiry_ms,
        },
        gateway_now_ms: None,
        from_host_cache: false,
    })
}

fn portone_v1() -> Config {
    Config::parse(
        r#"{"gateway":"portone-v1","impKey":"k","impSecret":"s","baseUrl":"http://127.0.0.1:9"}"#,
    )
    .unwrap()
}

fn get(
    entry: &Entry,
    config: &Config,
    clock: &HeldClock,
    fetcher: &ScriptedFetcher,
) -> Result<String, Error> {
    entry.with_token_using(config, BUDGET, clock, fetcher, |t| t.expose().to_string())
}

#[test]
fn a_fresh_token_is_served_from_the_snapshot_by_the_injected_clock() {
    let (entry, config, clock) = (
        Entry::new("test".into(), None),
        portone_v1(),
        HeldClock::new(),
    );
    let fetcher = ScriptedFetcher::new(vec![token("T1", 120 * S, 1), token("T2", 120 * S, 2)]);
    assert_eq!(get(&entry, &config, &clock, &fetcher).unwrap(), "T1");
    assert!(entry.fresh_snapshot.load().is_some(), "published");
    clock.advance(60 * S - MS); // 60 s + 1 ms left: fresh by the 60 s window
    assert_eq!(get(&entry, &config, &clock, &fetcher).unwrap(), "T1");
    assert_eq!(fetcher.calls.get(), 1);
    assert_eq!(entry.stats.cache_hits(), 1);
    clock.advance(MS); // 60 s left: due, this caller refreshes
    assert_eq!(get(&entry, &config, &clock, &fetcher).unwrap(), "T2");
    assert_eq!(fetcher.calls.get(), 2);
    assert_eq!(entry.stats.token_fetches.load(Ordering::Relaxed), 2);
}

#[test]
fn a_failing_refresh_serves_the_old_token_and_retries_after_the_gap() {
    let (entry, config, clock) = (
        Entry::new("test".into(), None),
        portone_v1(),
        HeldClock::new(),
    );
    let fetcher = ScriptedFetcher::new(vec![
        token("T1", 120 * S, 1),
        Err(Error::gateway("503")),
        token("T2", 120 * S, 2),
    ]);
    get(&entry, &config, &clock, &fetcher).unwrap();
    clock.advance(61 * S);
    assert_eq!(get(&entry, &config, &clock, &fetcher).unwrap(), "T1");
    assert_eq!(entry.stats.refresh_failures.load(Ordering::Relaxed), 1);
    // Within 5 s (the jitter only adds) every call is served T1 without a fetch.
    for _ in 0..50 {
        clock.advance(99 * MS);
        assert_eq!(get(&entry, &config, &clock, &fetcher).unwrap(), "T1");
    }
    assert_eq!(fetcher.calls.get(), 2);
    clock.advance(1100 * MS); // past 5 s + the largest jitter (20 %)
    assert_eq!(get(&entry, &config, &clock, &fetcher).unwrap(), "T2");
    assert_eq!(fetcher.calls.get(), 3);
}

#[test]
fn a_credential_error_is_served_for_two_seconds_without_a_fetch() {
    let (entry, config, clock) = (
        Entry::new("test".into(), None),
        portone_v1(),
        HeldClock::new(),
    );
    let fetcher = ScriptedFetcher::new(vec![
        Err(Error::auth("bad key")),
        Err(Error::auth("bad key")),
    ]);
    for _ in 0..5 {
        assert_eq!(
            get(&entry, &config, &clock, &fetcher).unwrap_err().message,
            "bad key"
        );
        clock.advance(399 * MS);
    }
    assert_eq!(fetcher.calls.get(), 1);
    clock.advance(5 * MS); // 2 s since the failure
    get(&entry, &config, &clock, &fetcher).unwrap_err();
    assert_eq!(fetcher.calls.get(), 2);
}

#[test]
fn the_storm_bound_through_the_entry_counts_the_skipped_fetches() {
    let (entry, config, clock) = (
        Entry::new("test".into(), None),
        portone_v1(),
        HeldClock::new(),
    );
    let fetcher = ScriptedFetcher::new(vec![token("T1", 1800 * S, 1), token("T2", 1800 * S, 2)]);
    let t1 = Secret::new(get(&entry, &config, &clock, &fetcher).unwrap());
    // The first 401: drop T1 (also from the snapshot), fetch T2, retry.
    assert_eq!(
        entry.refused_at(&t1, Attempt::First, &clock),
        AfterRefusal::RetryWithFreshToken
    );
    assert!(entry.fresh_snapshot.load().is_none());
    let t2 = Secret::new(get(&entry, &config, &clock, &fetcher).unwrap());
    assert_eq!(t2.expose(), "T2");
    // The retry is refused too: T2 stays cached and served, 401s stop fetching.
    let AfterRefusal::GiveUp {
        fetch_blocked_for: Some(hold),
        skipped_fetch: false,
    } = entry.refused_at(&t2, Attempt::Retry, &clock)
    else {
        panic!("the fresh token's refusal starts the hold")
    };
    assert!((5 * S..6 * S).contains(&hold), "{hold:?}");
    for _ in 0..10 {
        clock.advance(100 * MS);
        assert_eq!(get(&entry, &config, &clock, &fetcher).unwrap(), "T2");
        assert!(matches!(
            entry.refused_at(&t2, Attempt::First, &clock),
            AfterRefusal::GiveUp {
                skipped_fetch: true,
                ..
            }
        ));
    }
    assert_eq!(fetcher.calls.get(), 2);
    assert_eq!(
        entry
            .stats
            .fetches_skipped_after_refusal
            .load(Ordering::Relaxed),
        10
    );
    assert_eq!(entry.stats.retries_after_401.load(Ordering::Relaxed), 1);
    assert_eq!(entry.stats.token_fetches.load(Ordering::Relaxed), 2);
}

#[test]
fn a_panicking_fetcher_is_an_internal_error_and_ends_the_flight() {
    struct Panics;
    impl TokenFetcher for Panics {
        fn fetch(&self, _config: &Config, _budget: Duration) -> Result<Fetched, Error> {
            panic!("boom")
        }
    }
    let (entry, config, clock) = (
        Entry::new("test".into(), None),
        portone_v1(),
        HeldClock::new(),
    );
    let e = entry
        .with_token_using(&config, BUDGET, &clock, &Panics, |_| ())
        .unwrap_err();
    assert_eq!(e.status, crate::error::Status::Internal);
    assert!(!entry.lock().flight.running);
}

#[test]
fn the_gateway_clock_skew_comes_from_the_last_answer_that_carried_its_time() {
    let (entry, config, clock) = (
        Entry::new("test".into(), None),
        portone_v1(),
        HeldClock::new(),
    );
    let with_time = |now_ms: i64| {
        let mut fetched = token("T", 120 * S, now_ms + 120_000).unwrap();
        fetched.gateway_now_ms = Some(now_ms);
        Ok(fetched)
    };
    let fetcher = ScriptedFetcher::new(vec![
        with_time(WALL_START_MS + 3_600_000),
        token("T", 120 * S, 1),
        with_time(WALL_START_MS - 1_500 + 200_000),
    ]);
    assert_eq!(entry.gateway_clock_skew_ms(), None);
    get(&entry, &config, &clock, &fetcher).unwrap();
    assert_eq!(
        entry.gateway_clock_skew_ms(),
        Some(3_600_000),
        "an hour ahead"
    );
    entry.invalidate(None);
    get(&entry, &config, &clock, &fetcher).unwrap();
    assert_eq!(
        entry.gateway_clock_skew_ms(),
        Some(3_600_000),
        "kept without a reading"
    );
    entry.invalidate(None);
    clock.advance(200 * S);
    get(&entry, &config, &clock, &fetcher).unwrap();
    assert_eq!(entry.gateway_clock_skew_ms(), Some(-1_500), "1.5 s behind");
}

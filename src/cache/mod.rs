//! The process-global token cache (see `token-cache.md` in the design documents).
//!
//! One entry per (gateway, scheme, origin, credentials hash, tier, storeId), created by
//! `registry` and kept for the life of the process. The rules — serve, refresh, fetch,
//! wait or fail, and what a fetch, an invalidation or a refused token changes — live in
//! `decision`, a pure state machine tested at exact instants. This file holds the
//! effects: the lock, the waits, the fetch, the lock-free snapshot; the clock and the
//! fetcher are injected (`clock`, `fetcher`), the monotonic clock and HTTP in production;
//! with `cacheDir` the fetcher first consults the host-wide cache file (`host_fetcher`,
//! `host_file`).
//!
//! Reading a fresh token takes no lock: the entry publishes a snapshot that readers load
//! without writing to shared memory. Everything else goes through the state under a
//! mutex, which is never held during I/O.

mod clock;
mod coarse_clock;
#[cfg(feature = "test-clock")]
pub use clock::test_clock;
mod decision;
mod fetcher;
mod host_fetcher;
mod host_file;
pub(crate) mod host_lock;
mod jitter;
mod registry;
mod stats;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use arc_swap::ArcSwapOption;

use crate::config::Config;
use crate::error::Error;
use crate::gateway;
use crate::runtime::log;
use crate::secrets::secret::Secret;
use crate::transport::http;

use clock::{gateway_skew_ms, Clock, MonotonicClock};
use decision::{fresh_for, CachedToken, Decision};
pub(crate) use decision::{AfterRefusal, Attempt, EntryState};
use fetcher::{HttpFetcher, TokenFetcher};
use host_fetcher::HostCacheFetcher;
pub(crate) use host_file::prepare_dir as prepare_host_cache_dir;
use host_file::HostFile;
pub(crate) use registry::{entry_for, fork_prepare, ForkGuard};
pub use stats::Stats;

pub struct Entry {
    /// The cached token for the lock-free path (each reader checks it is fresh by its own
    /// window); `None` after an invalidation.
    fresh_snapshot: ArcSwapOption<Snapshot>,
    pub(crate) state: Mutex<EntryState>,
    /// Signalled when a flight ends (waiters share its outcome).
    flight_ended: Condvar,
    pub stats: Stats,
    /// Gateway, origin and a fingerprint of the key: safe to log.
    pub label: String,
    /// The host-wide cache file, with `cacheDir`.
    host_file: Option<HostFile>,
}

/// How long an invalidation waits for another process's fetch before leaving the host
/// cache file alone (that process replaces the file anyway).
const HOST_INVALIDATE_BUDGET: Duration = Duration::from_secs(1);

struct Snapshot {
    token: Secret,
    deadline: Instant,
    /// `deadline` for the lock-free check's cheap clock (see `coarse_clock`).
    coarse_deadline: u64,
}

impl Entry {
    fn new(label: String, host_file: Option<HostFile>) -> Entry {
        Entry {
            host_file,
            fresh_snapshot: ArcSwapOption::empty(),
            state: Mutex::new(EntryState::default()),
            flight_ended: Condvar::new(),
            stats: Stats::default(),
            label,
        }
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, EntryState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Calls `f` with a servable token, fetching one if needed (see the module docs).
    pub fn with_token<R>(&self, config: &Config, f: impl FnOnce(&Secret) -> R) -> Result<R, Error> {
        self.with_token_within(config, http::fetch_budget(config), f)
    }

    /// As [`with_token`](Self::with_token), spending at most `budget` on getting the
    /// token: what is left of a call's deadline (`call::run`). A token request this
    /// caller makes gets `min(timeoutMs, budget)`; waiting for another caller's request
    /// ends after `budget` too.
    pub fn with_token_within<R>(
        &self,
        config: &Config,
        budget: Duration,
        f: impl FnOnce(&Secret) -> R,
    ) -> Result<R, Error> {
        let got = match &self.host_file {
            None => self.with_token_using(config, budget, &MonotonicClock, &HttpFetcher, f),
            Some(file) => {
                let shared = HostCacheFetcher {
                    file,
                    network: &HttpFetcher,
                };
                self.with_token_using(config, budget, &MonotonicClock, &shared, f)
            }
        };
        // Whoever asked, a failure here is one of getting the token (paytoken_error_phase).
        got.map_err(Error::in_token_phase)
    }

    fn with_token_using<R>(
        &self,
        config: &Config,
        budget: Duration,
        clock: &impl Clock,
        fetcher: &impl TokenFetcher,
        f: impl FnOnce(&Secret) -> R,
    ) -> Result<R, Error> {
        // Hot path: no lock, no allocation, no shared write.
        {
            let snapshot = self.fresh_snapshot.load();
            if let Some(s) = snapshot.as_ref() {
                if fresh_for(s.deadline, clock.now(), config.refresh_before) {
                    self.stats.cache_hits.add();
                    if log::debug_enabled() {
                        log::debug(format_args!(
                            "cache hit {} token={}",
                            self.label,
                            s.token.fingerprint()
                        ));
                    }
                    return Ok(f(&s.token));
                }
            }
        }
        let token = self.acquire(config, budget, clock, fetcher)?;
        Ok(f(&token))
    }

    /// Calls `f` with the current token only if it is fresh for `config`: the lock-free
    /// snapshot, no I/O, no lock, never waiting on another thread's fetch. `None` when
    /// getting a token would need the slow path (missing, due, expired), or when it is
    /// within the cheap clock's resolution of due (then the exact path decides).
    pub fn fresh_token<R>(&self, config: &Config, f: impl FnOnce(&Secret) -> R) -> Option<R> {
        let snapshot = self.fresh_snapshot.load();
        let s = snapshot.as_ref()?;
        let window = config.refresh_before.max(decision::UNSERVED_FINAL_STRETCH);
        if !coarse_clock::fresh(s.coarse_deadline, window) {
            return None;
        }
        self.stats.cache_hits.add();
        Some(f(&s.token))
    }

    /// The slow path: carries out the decisions until one yields a token or an error.
    fn acquire(
        &self,
        config: &Config,
        budget: Duration,
        clock: &impl Clock,
        fetcher: &impl TokenFetcher,
    ) -> Result<Secret, Error> {
        let budget = budget.min(http::fetch_budget(config));
        let give_up_at = clock.now() + budget;
        let renews_early = gateway::renews_early(config.gateway);
        let mut st = self.lock();
        loop {
            let now = clock.now();
            match st.decide(now, config.refresh_before, renews_early) {
                Decision::Serve { token, fresh } => {
                    if fresh {
                        if let Some(c) = &st.cached {
                            self.publish(c);
                        }
                    }
                    self.stats.cache_hits.add();
                    log::debug(format_args!(
                        "cache hit {} (slow path, due={})",
                        self.label, !fresh
                    ));
                    return Ok(token);
                }
                Decision::Refresh { fallback } => {
                    let remaining = st
                        .cached
                        .as_ref()
                        .map_or(0, |c| (c.deadline - now).as_millis());
                    log::info(format_args!(
                        "refreshing {}: {remaining} ms left, refreshBeforeSecs={}",
                        self.label,
                        config.refresh_before.as_secs()
                    ));
                    return self.fetch_as_leader(
                        st,
                        config,
                        budget,
                        clock,
                        fetcher,
                        Some(fallback),
                    );
                }
                Decision::Fetch => {
                    return self.fetch_as_leader(st, config, budget, clock, fetcher, None);
                }
                Decision::Fail(e) => return Err(e),
                Decision::AwaitFlight(flight) => {
                    while st.flight.finished < flight {
                        let now = clock.now();
                        if now >= give_up_at {
                            return Err(Error::timeout(format!(
                                "waited {} ms for the token fetch in flight for {} without an answer",
                                budget.as_millis(),
                                config.gateway.display()
                            )));
                        }
                        st = self.wait(st, give_up_at - now);
                    }
                    if let Some(e) = st.failure_of(flight) {
                        return Err(e.clone());
                    }
                }
                Decision::AwaitDeadline(until) => {
                    if until > give_up_at {
                        // Waiting would overrun the caller's deadline (call::run's budget).
                        return Err(Error::timeout(format!(
                            "{}: the token expires in {} ms (asking sooner returns the same token), after this call's deadline",
                            config.gateway.display(),
                            (until - now).as_millis()
                        )));
                    }
                    log::debug(format_args!(
                        "{}: waiting {} ms for the token to expire",
                        self.label,
                        (until - now).as_millis()
                    ));
                    st = self.wait(st, until - now);
                }
            }
        }
    }

    fn wait<'a>(
        &self,
        st: MutexGuard<'a, EntryState>,
        at_most: Duration,
    ) -> MutexGuard<'a, EntryState> {
        self.flight_ended
            .wait_timeout(st, at_most)
            .unwrap_or_else(|p| p.into_inner())
            .0
    }

    /// Fetches a token as the one caller of this flight; the lock is released during I/O.
    /// `fallback` is the still-valid token to keep serving if a refresh fails.
    fn fetch_as_leader(
        &self,
        mut st: MutexGuard<'_, EntryState>,
        config: &Config,
        budget: Duration,
        clock: &impl Clock,
        fetcher: &impl TokenFetcher,
        fallback: Option<Secret>,
    ) -> Result<Secret, Error> {
        let ticket = st.begin_flight();
        drop(st);

        // The deadline is measured from before the request left: never later than the
        // gateway's own expiry.
        let sent_at = clock.now();
        let outcome = catch_unwind(AssertUnwindSafe(|| fetcher.fetch(config, budget)))
            .unwrap_or_else(|_| {
                Err(Error::internal(
                    "internal error: a panic was caught while fetching a token",
                ))
            });

        let mut st = self.lock();
        let now = clock.now();
        let elapsed = now.saturating_duration_since(sent_at);
        let from_host_cache = matches!(&outcome, Ok(f) if f.from_host_cache);
        Stats::count(if from_host_cache {
            &self.stats.host_cache_reads
        } else {
            &self.stats.token_fetches
        });
        let result = match outcome {
            Ok(fetched) => {
                if let Some(gateway_now_ms) = fetched.gateway_now_ms {
                    st.gateway_clock_skew_ms =
                        Some(gateway_skew_ms(gateway_now_ms, clock.wall_ms(), elapsed));
                }
                let issued = fetched.issued;
                let lifetime_s = issued.lifetime_ms / 1000;
                let (cached, same) = st.fetched(
                    ticket,
                    issued,
                    sent_at,
                    now,
                    config.refresh_before,
                    gateway::renews_early(config.gateway),
                    jitter::random_permille(),
                );
                log::info(format_args!(
                    "{} token {} for {} in {} ms, valid {lifetime_s} s{}",
                    if from_host_cache {
                        "read the host cache's"
                    } else {
                        "fetched"
                    },
                    cached.token.fingerprint(),
                    self.label,
                    elapsed.as_millis(),
                    if same {
                        " (the same token and expiry as before)"
                    } else {
                        ""
                    }
                ));
                self.publish(cached);
                Ok(cached.token.clone())
            }
            Err(e) => {
                Stats::count(&self.stats.refresh_failures);
                log::warning(format_args!(
                    "token fetch for {} failed after {} ms: {}",
                    self.label,
                    elapsed.as_millis(),
                    e.message
                ));
                st.failed(ticket, e, now, fallback, jitter::random_permille())
            }
        };
        drop(st);
        self.flight_ended.notify_all();
        result
    }

    /// Publishes the cached token for the lock-free path (each reader checks freshness).
    fn publish(&self, cached: &CachedToken) {
        let current = self.fresh_snapshot.load();
        if current
            .as_ref()
            .is_some_and(|s| s.deadline == cached.deadline && s.token == cached.token)
        {
            return;
        }
        self.fresh_snapshot.store(Some(Arc::new(Snapshot {
            token: cached.token.clone(),
            deadline: cached.deadline,
            coarse_deadline: coarse_clock::coarse_deadline(cached.deadline),
        })));
    }

    /// Drops the cached token if it is `token` (or whatever is cached, for `None`).
    /// Returns whether something was dropped.
    pub fn invalidate(&self, token: Option<&str>) -> bool {
        let mut st = self.lock();
        let dropped = st.invalidate(token);
        if dropped {
            self.fresh_snapshot.store(None);
            log::info(format_args!("invalidated the token of {}", self.label));
        }
        drop(st);
        self.invalidate_host_file(token);
        dropped
    }

    /// Compare-and-invalidate in the host cache file too, so that the other processes
    /// take no longer the token this one dropped.
    fn invalidate_host_file(&self, token: Option<&str>) {
        if let Some(file) = &self.host_file {
            if let Err(e) = file.remove_if(token, HOST_INVALIDATE_BUDGET) {
                log::warning(format_args!("host cache file left as is: {}", e.message));
            }
        }
    }

    /// A business request with `token` got 401 on its `attempt`: drops the token and
    /// says to retry, or says to give up (the token-storm bound). Counts both.
    pub(crate) fn refused(&self, token: &Secret, attempt: Attempt) -> AfterRefusal {
        self.refused_at(token, attempt, &MonotonicClock)
    }

    fn refused_at(&self, token: &Secret, attempt: Attempt, clock: &impl Clock) -> AfterRefusal {
        let mut st = self.lock();
        let cached_before = st.cached.is_some();
        let after = st.refused(token, attempt, clock.now(), jitter::random_permille());
        let dropped = cached_before && st.cached.is_none();
        if dropped {
            self.fresh_snapshot.store(None);
        }
        drop(st);
        if dropped {
            self.invalidate_host_file(Some(token.expose()));
        }
        match &after {
            AfterRefusal::RetryWithFreshToken => {
                Stats::count(&self.stats.retries_after_401);
                log::info(format_args!(
                    "401 with token {} for {}: retrying once with a fresh token",
                    token.fingerprint(),
                    self.label
                ));
            }
            AfterRefusal::GiveUp {
                fetch_blocked_for,
                skipped_fetch,
            } => {
                if *skipped_fetch {
                    Stats::count(&self.stats.fetches_skipped_after_refusal);
                }
                if let Some(hold) = fetch_blocked_for {
                    log::warning(format_args!(
                        "401 with token {} for {}: a fresh token was refused; no token fetch for {} ms",
                        token.fingerprint(),
                        self.label,
                        hold.as_millis()
                    ));
                }
            }
        }
        after
    }

    /// How far the gateway's clock was ahead of this host's (ms, negative: behind) at
    /// the last token answer that carried its time, for the stats.
    pub fn gateway_clock_skew_ms(&self) -> Option<i64> {
        self.lock().gateway_clock_skew_ms
    }

    /// The published token, if any, without fetching or locking: what `redact` removes
    /// from messages (it may run while this entry's lock is held).
    pub(crate) fn peek_token(&self) -> Option<Secret> {
        self.fresh_snapshot.load().as_ref().map(|s| s.token.clone())
    }

    /// How long the cached token stays servable, for the stats.
    pub fn valid_for_ms(&self) -> Option<u128> {
        self.lock()
            .servable_for(MonotonicClock.now())
            .map(|d| d.as_millis())
    }
}

#[cfg(test)]
#[path = "effects_tests.rs"]
mod effects_tests;

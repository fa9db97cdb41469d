//! The process-global token cache (see `docs/token-cache.md`).
//!
//! One entry per (gateway, scheme, origin, credentials hash, tier, storeId). Entries are
//! created once and live as long as the process (`&'static`), so clients can hold them
//! directly and the fork handlers can lock them all.
//!
//! Reading a fresh token takes no lock: the entry publishes a snapshot (`fast`) that
//! readers load without writing to shared memory. Everything else — due, missing or
//! expired tokens, single-flight fetches, failures — goes through `state` under a mutex,
//! which is never held during I/O.

use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, Once};
use std::time::{Duration, Instant};

use arc_swap::ArcSwapOption;

use crate::config::Config;
use crate::error::Error;
use crate::gateway::{self, IssuedToken};
use crate::http::{self, Purpose};
use crate::log;
use crate::secret::Secret;

/// Never serve a token in its last second: the request carrying it needs time to arrive.
const FLIGHT_TIME: Duration = Duration::from_secs(1);
/// After a failed refresh while the cached token is still valid, wait this long (plus
/// jitter) before the next attempt.
const REFRESH_RETRY_GAP: Duration = Duration::from_secs(5);
/// How long a credential error is remembered (no lock-out by retry storms).
const AUTH_ERROR_MEMORY: Duration = Duration::from_secs(2);

pub struct Entry {
    /// The current token while it is fresh; `None` otherwise. Read lock-free.
    fast: ArcSwapOption<Fresh>,
    pub(crate) state: Mutex<State>,
    changed: Condvar,
    pub stats: Stats,
    /// Gateway, origin and a fingerprint of the key: safe to log.
    pub label: String,
}

struct Fresh {
    token: Secret,
    deadline: Instant,
}

impl Fresh {
    /// Neither due for refresh (by this caller's window) nor in its last second. Each
    /// caller applies its own config: clients sharing an entry may differ in window.
    fn is_fresh(&self, now: Instant, config: &Config) -> bool {
        now + config.refresh_before.max(FLIGHT_TIME) < self.deadline
    }
}

struct Cached {
    token: Secret,
    /// Local monotonic instant at which the gateway considers the token expired.
    deadline: Instant,
    /// The gateway's own expiry (ms since epoch on its clock).
    expiry_ms: i64,
    /// How long the fetch took. The deadline was taken before the request left, so the
    /// gateway's expiry can be up to this much later: a gateway that does not renew early
    /// is asked again only after deadline + round trip.
    round_trip: Duration,
}

#[derive(Default)]
pub(crate) struct State {
    cached: Option<Cached>,
    /// A fetch is running (single-flight); its number is `started`.
    in_flight: bool,
    started: u64,
    finished: u64,
    /// The error of flight number `.0`, for the callers that waited on it.
    last_failure: Option<(u64, Error)>,
    /// A credential error and until when it is served without asking again.
    auth_error: Option<(Instant, Error)>,
    /// No refresh attempt before this instant (after a failure, or a useless refresh).
    retry_after: Option<Instant>,
    /// The gateway repeated the cached token with the same expiry (NICEPAY): asking
    /// again before the deadline cannot help.
    hold: bool,
}

impl State {
    /// Called in the child after `fork()`: the thread that was fetching does not exist
    /// there, so its flight is over.
    pub(crate) fn reset_after_fork(&mut self) {
        if self.in_flight {
            self.in_flight = false;
            self.finished = self.started;
            self.last_failure = None;
        }
    }
}

/// Counters of one cache entry (shared by the clients that share it).
#[derive(Default)]
pub struct Stats {
    pub token_fetches: AtomicU64,
    cache_hits: StripedCounter,
    pub refresh_failures: AtomicU64,
    pub retries_after_401: AtomicU64,
}

impl Stats {
    pub fn cache_hits(&self) -> u64 {
        self.cache_hits.sum()
    }
}

/// A counter spread over cache lines so that cores counting hits at once do not fight
/// over one line.
#[derive(Default)]
struct StripedCounter([PaddedU64; 8]);

#[derive(Default)]
#[repr(align(128))]
struct PaddedU64(AtomicU64);

impl StripedCounter {
    fn add(&self) {
        thread_local! {
            static SLOT: usize = {
                static NEXT: AtomicUsize = AtomicUsize::new(0);
                NEXT.fetch_add(1, Ordering::Relaxed)
            };
        }
        let slot = SLOT.with(|s| *s) % self.0.len();
        self.0[slot].0.fetch_add(1, Ordering::Relaxed);
    }
    fn sum(&self) -> u64 {
        self.0.iter().map(|c| c.0.load(Ordering::Relaxed)).sum()
    }
}

pub(crate) type Registry = Option<HashMap<[u8; 32], &'static Entry>>;
pub(crate) static REGISTRY: Mutex<Registry> = Mutex::new(None);

pub(crate) fn lock_registry() -> MutexGuard<'static, Registry> {
    REGISTRY.lock().unwrap_or_else(|p| p.into_inner())
}

/// The entry for a config's cache key, created on first use.
pub fn entry_for(config: &Config) -> &'static Entry {
    static FORK_HANDLERS: Once = Once::new();
    FORK_HANDLERS.call_once(crate::fork::install);

    let key = config.cache_key();
    let mut registry = lock_registry();
    let map = registry.get_or_insert_with(HashMap::new);
    map.entry(key).or_insert_with(|| {
        let label = format!(
            "{} {} key={:02x}{:02x}{:02x}{:02x}",
            config.gateway.name(),
            config.origin.as_str(),
            key[0],
            key[1],
            key[2],
            key[3]
        );
        log::debug(format_args!("new cache entry {label}"));
        Box::leak(Box::new(Entry {
            fast: ArcSwapOption::empty(),
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
            stats: Stats::default(),
            label,
        }))
    })
}

/// All entries, for the fork handlers.
pub(crate) fn all_entries(registry: &Registry) -> Vec<&'static Entry> {
    registry
        .as_ref()
        .map(|m| m.values().copied().collect())
        .unwrap_or_default()
}

impl Entry {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Calls `f` with a servable token, fetching one if needed (see the module docs).
    pub fn with_token<R>(&self, config: &Config, f: impl FnOnce(&Secret) -> R) -> Result<R, Error> {
        // Hot path: no lock, no allocation, no shared write.
        {
            let fast = self.fast.load();
            if let Some(fresh) = fast.as_ref() {
                if fresh.is_fresh(Instant::now(), config) {
                    self.stats.cache_hits.add();
                    if log::debug_enabled() {
                        log::debug(format_args!(
                            "cache hit {} token={}",
                            self.label,
                            fresh.token.fingerprint()
                        ));
                    }
                    return Ok(f(&fresh.token));
                }
            }
        }
        let token = self.acquire(config)?;
        Ok(f(&token))
    }

    /// The slow path: everything that is not a fresh token.
    fn acquire(&self, config: &Config) -> Result<Secret, Error> {
        let give_up_at = Instant::now() + http::fetch_budget(config);
        let mut st = self.lock();
        loop {
            let now = Instant::now();
            if let Some(c) = st
                .cached
                .as_ref()
                .filter(|c| now + FLIGHT_TIME < c.deadline)
            {
                // Valid. Fresh, or due for a refresh that one caller makes.
                let remaining = c.deadline - now;
                let due = remaining <= config.refresh_before;
                let token = c.token.clone();
                let refresh_blocked =
                    st.in_flight || st.hold || st.retry_after.is_some_and(|t| now < t);
                if !due || refresh_blocked {
                    if !due {
                        self.publish(c);
                    }
                    self.stats.cache_hits.add();
                    log::debug(format_args!(
                        "cache hit {} (slow path, due={due})",
                        self.label
                    ));
                    return Ok(token);
                }
                log::info(format_args!(
                    "refreshing {}: {} ms left, refreshBeforeSecs={}",
                    self.label,
                    remaining.as_millis(),
                    config.refresh_before.as_secs()
                ));
                return self.fetch_as_leader(st, config, Some(token));
            }

            let waiting_for_deadline = st
                .cached
                .as_ref()
                .map(|c| c.deadline + c.round_trip.min(FLIGHT_TIME))
                .filter(|until| now < *until && !gateway::renews_early(config.gateway));
            if st.in_flight {
                // Someone is fetching: wait for that one fetch and share its outcome.
                let flight = st.started;
                while st.finished < flight {
                    let now = Instant::now();
                    if now >= give_up_at {
                        return Err(Error::timeout(format!(
                            "waited {} ms for the token fetch in flight for {} without an answer",
                            http::fetch_budget(config).as_millis(),
                            config.gateway.display()
                        )));
                    }
                    st = self
                        .changed
                        .wait_timeout(st, give_up_at - now)
                        .unwrap_or_else(|p| p.into_inner())
                        .0;
                }
                if let Some((failed_flight, e)) = &st.last_failure {
                    if *failed_flight >= flight {
                        return Err(e.clone());
                    }
                }
                continue;
            }
            if let Some(deadline) = waiting_for_deadline {
                // NICEPAY in its token's last second: asking now would return the same
                // token; wait for the deadline and the one fetch after it.
                log::debug(format_args!(
                    "{}: waiting {} ms for the token to expire",
                    self.label,
                    (deadline - now).as_millis()
                ));
                st = self
                    .changed
                    .wait_timeout(st, deadline - now)
                    .unwrap_or_else(|p| p.into_inner())
                    .0;
                continue;
            }
            if let Some((until, e)) = &st.auth_error {
                if now < *until {
                    return Err(e.clone());
                }
                st.auth_error = None;
            }
            return self.fetch_as_leader(st, config, None);
        }
    }

    /// Fetches a token as the one caller of this flight; the lock is released during I/O.
    /// `fallback` is the still-valid token to keep serving if a refresh fails.
    fn fetch_as_leader(
        &self,
        mut st: MutexGuard<'_, State>,
        config: &Config,
        fallback: Option<Secret>,
    ) -> Result<Secret, Error> {
        st.in_flight = true;
        st.started += 1;
        let flight = st.started;
        let previous = st.cached.as_ref().map(|c| (c.token.clone(), c.expiry_ms));
        drop(st);

        self.stats.token_fetches.fetch_add(1, Ordering::Relaxed);
        // The deadline is measured from before the request left: never later than the
        // gateway's own expiry.
        let sent_at = Instant::now();
        let outcome = catch_unwind(AssertUnwindSafe(|| fetch(config))).unwrap_or_else(|_| {
            Err(Error::internal(
                "internal error: a panic was caught while fetching a token",
            ))
        });
        let elapsed = sent_at.elapsed();

        let mut st = self.lock();
        st.in_flight = false;
        st.finished = flight;
        let result = match outcome {
            Ok(issued) => {
                let same = previous
                    .as_ref()
                    .is_some_and(|(t, e)| *t == issued.token && *e == issued.expiry_ms);
                let now = Instant::now();
                let lifetime = Duration::from_millis(issued.lifetime_ms as u64);
                let cached = Cached {
                    deadline: sent_at + lifetime,
                    token: issued.token,
                    expiry_ms: issued.expiry_ms,
                    round_trip: elapsed,
                };
                log::info(format_args!(
                    "fetched token {} for {} in {} ms, valid {} s{}",
                    cached.token.fingerprint(),
                    self.label,
                    elapsed.as_millis(),
                    issued.lifetime_ms / 1000,
                    if same {
                        " (the same token and expiry as before)"
                    } else {
                        ""
                    }
                ));
                st.hold = same && !gateway::renews_early(config.gateway);
                // A refresh that changed nothing, or a token already inside the refresh
                // window (shorter-lived than refreshBeforeSecs): wait before asking again,
                // or every call would be a refresh.
                let useless = same && gateway::renews_early(config.gateway);
                let due_at_once = lifetime <= config.refresh_before;
                st.retry_after = (useless || due_at_once).then(|| now + jitter(REFRESH_RETRY_GAP));
                st.auth_error = None;
                st.last_failure = None;
                self.publish(&cached);
                let token = cached.token.clone();
                st.cached = Some(cached);
                Ok(token)
            }
            Err(e) => {
                self.stats.refresh_failures.fetch_add(1, Ordering::Relaxed);
                log::info(format_args!(
                    "token fetch for {} failed after {} ms: {}",
                    self.label,
                    elapsed.as_millis(),
                    e.message
                ));
                let now = Instant::now();
                if e.status == crate::error::paytoken_status::PAYTOKEN_E_AUTH {
                    st.auth_error = Some((now + AUTH_ERROR_MEMORY, e.clone()));
                }
                st.last_failure = Some((flight, e.clone()));
                let still_valid = st
                    .cached
                    .as_ref()
                    .is_some_and(|c| now + FLIGHT_TIME < c.deadline);
                match fallback {
                    Some(token) if still_valid => {
                        st.retry_after = Some(now + jitter(REFRESH_RETRY_GAP));
                        Ok(token)
                    }
                    _ => Err(e),
                }
            }
        };
        drop(st);
        self.changed.notify_all();
        result
    }

    /// Publishes the cached token for the lock-free path (each reader checks freshness).
    fn publish(&self, cached: &Cached) {
        let current = self.fast.load();
        if current
            .as_ref()
            .is_some_and(|f| f.deadline == cached.deadline && f.token == cached.token)
        {
            return;
        }
        self.fast.store(Some(Arc::new(Fresh {
            token: cached.token.clone(),
            deadline: cached.deadline,
        })));
    }

    /// Drops the cached token if it is `token` (or whatever is cached, for `None`).
    /// Returns whether something was dropped.
    pub fn invalidate(&self, token: Option<&str>) -> bool {
        let mut st = self.lock();
        let matches = match (&st.cached, token) {
            (Some(c), Some(t)) => c.token.expose() == t,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if matches {
            st.cached = None;
            st.hold = false;
            st.retry_after = None;
            self.fast.store(None);
            log::info(format_args!("invalidated the token of {}", self.label));
        }
        matches
    }

    /// Seconds the cached token stays servable, for the stats.
    pub fn valid_for_ms(&self) -> Option<u128> {
        let st = self.lock();
        let now = Instant::now();
        st.cached
            .as_ref()
            .and_then(|c| c.deadline.checked_sub(FLIGHT_TIME))
            .filter(|d| *d > now)
            .map(|d| (d - now).as_millis())
    }
}

/// One token request: build, send, parse.
fn fetch(config: &Config) -> Result<IssuedToken, Error> {
    let request = gateway::token_request(config);
    let headers: Vec<(&str, &str)> = request
        .headers
        .iter()
        .map(|(n, v)| (*n, v.as_str()))
        .collect();
    let answer = http::send(
        config,
        Purpose::Token,
        "POST",
        &request.path,
        &headers,
        &request.body,
    )?;
    gateway::parse_token_answer(config, &answer)
}

/// `base` plus up to 20 % more, so that processes that failed together retry apart.
fn jitter(base: Duration) -> Duration {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u64(std::process::id().into());
    let fraction = (h.finish() % 1000) as u32;
    base + base / 5 * fraction / 1000
}

//! The cache's rules as a pure state machine: given an entry's state, a clock reading and
//! one caller's refresh window, what that caller does (serve, refresh, fetch, wait, fail),
//! and how the state changes when a fetch ends, a token is invalidated or refused.
//!
//! Nothing here reads a clock, takes a lock or does I/O: the instants and the jitter come
//! in as arguments, so every rule of `token-cache.md` is tested at exact instants (see
//! `decision_tests.rs`). `mod.rs` holds the effects: locks, waits, the fetch.

use std::time::{Duration, Instant};

use crate::error::{Error, Status};
use crate::gateway::IssuedToken;
use crate::secrets::secret::Secret;

use super::jitter::spread;

/// A token is never served this close to its deadline: the request carrying it needs
/// time to arrive.
pub(crate) const UNSERVED_FINAL_STRETCH: Duration = Duration::from_secs(1);
/// After a failed refresh while the cached token is still valid (or a refresh that
/// changed nothing), no new attempt before this much time (plus jitter).
pub(crate) const REFRESH_RETRY_GAP: Duration = Duration::from_secs(5);
/// How long a credential error is served without asking again (no account lock-out by a
/// retry storm).
pub(crate) const CREDENTIAL_ERROR_MEMORY: Duration = Duration::from_secs(2);
/// After a freshly fetched token is refused too, 401s with it are `PAYTOKEN_E_AUTH`
/// without a new fetch for this long (plus jitter): the token-storm bound.
pub(crate) const REFUSED_TOKEN_HOLD: Duration = Duration::from_secs(5);

/// Whether a token with this deadline is served without any refresh by a caller whose
/// window is `refresh_before`: neither due nor in its final stretch. The lock-free path
/// and `decide` share this rule.
pub(crate) fn fresh_for(deadline: Instant, now: Instant, refresh_before: Duration) -> bool {
    now + refresh_before.max(UNSERVED_FINAL_STRETCH) < deadline
}

/// The token an entry holds.
#[derive(Clone)]
pub(crate) struct CachedToken {
    pub token: Secret,
    /// Local monotonic instant at which the gateway considers the token expired.
    pub deadline: Instant,
    /// The gateway's own expiry (ms since epoch on its clock).
    pub gateway_expiry_ms: i64,
    /// How long the fetch took. The deadline was taken before the request left, so the
    /// gateway's expiry can be up to this much later: a gateway that does not renew early
    /// is asked again only after deadline + round trip.
    pub fetch_round_trip: Duration,
    /// Set when this token was fetched to replace one refused with 401: when it arrived.
    pub replaced_a_refused_token_at: Option<Instant>,
    /// This token, fetched fresh, was refused too: until then a 401 with it is
    /// `PAYTOKEN_E_AUTH` without a new fetch.
    pub refused_until: Option<Instant>,
}

/// Single-flight bookkeeping: fetch number `started` runs while `running`.
#[derive(Default)]
pub(crate) struct Flight {
    pub running: bool,
    pub started: u64,
    pub finished: u64,
    /// The error of flight number `.0`, for the callers that waited on it.
    pub failure: Option<(u64, Error)>,
}

/// Everything an entry knows, behind its mutex.
#[derive(Default)]
pub(crate) struct EntryState {
    pub cached: Option<CachedToken>,
    pub flight: Flight,
    /// A credential error and until when it is served without asking again.
    pub credential_error: Option<(Instant, Error)>,
    /// No refresh attempt before this instant (after a failure, or a useless refresh).
    pub no_refresh_before: Option<Instant>,
    /// The gateway repeated the cached token with the same expiry (NICEPAY): asking again
    /// before the deadline cannot help.
    pub same_token_until_deadline: bool,
    /// The next fetch replaces a token that was refused with 401.
    pub next_fetch_replaces_refused: bool,
    /// Reported only (never used for expiry): the gateway's clock minus ours at the last
    /// token answer that carried the gateway's time.
    pub gateway_clock_skew_ms: Option<i64>,
}

/// What one caller does now.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Use this valid token. `fresh`: by this caller's window it is not due, so it may be
    /// published for the lock-free path.
    Serve { token: Secret, fresh: bool },
    /// The token is due and nobody refreshes it: fetch as the one caller, and serve
    /// `fallback` (still valid) if the fetch fails.
    Refresh { fallback: Secret },
    /// No valid token and no fetch running: fetch as the one caller.
    Fetch,
    /// Wait for flight number `.0` and share its outcome.
    AwaitFlight(u64),
    /// NICEPAY in its token's final stretch: asking now would return the same token;
    /// wait until this instant, then decide again.
    AwaitDeadline(Instant),
    /// A remembered credential error.
    Fail(Error),
}

/// What a fetch that is about to start needs to remember.
pub(crate) struct FlightTicket {
    pub number: u64,
    previous: Option<(Secret, i64)>,
    replaces_refused: bool,
}

/// Which attempt of one call got the 401.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Attempt {
    First,
    /// The one retry, with a token obtained after the first 401.
    Retry,
}

/// What a call does after a 401.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum AfterRefusal {
    /// The refused token was dropped (or already replaced): get a token, retry once.
    RetryWithFreshToken,
    /// Give up with `PAYTOKEN_E_AUTH`. `fetch_blocked_for`: no token is fetched for that
    /// long because a freshly fetched token was refused (the storm bound); `skipped_fetch`
    /// says this call would otherwise have fetched one.
    GiveUp {
        fetch_blocked_for: Option<Duration>,
        skipped_fetch: bool,
    },
}

impl EntryState {
    /// The rule for one caller at `now` with its own refresh window.
    pub fn decide(&self, now: Instant, refresh_before: Duration, renews_early: bool) -> Decision {
        if let Some(c) = self.valid_token(now) {
            let due = c.deadline - now <= refresh_before;
            let refresh_blocked = self.flight.running
                || self.same_token_until_deadline
                || self.no_refresh_before.is_some_and(|t| now < t);
            return match (due, refresh_blocked) {
                (false, _) => Decision::Serve {
                    token: c.token.clone(),
                    fresh: true,
                },
                (true, true) => Decision::Serve {
                    token: c.token.clone(),
                    fresh: false,
                },
                (true, false) => Decision::Refresh {
                    fallback: c.token.clone(),
                },
            };
        }
        if self.flight.running {
            return Decision::AwaitFlight(self.flight.started);
        }
        if !renews_early {
            let until = self
                .cached
                .as_ref()
                .map(|c| c.deadline + c.fetch_round_trip.min(UNSERVED_FINAL_STRETCH));
            if let Some(until) = until.filter(|until| now < *until) {
                return Decision::AwaitDeadline(until);
            }
        }
        match &self.credential_error {
            Some((until, e)) if now < *until => Decision::Fail(e.clone()),
            _ => Decision::Fetch,
        }
    }

    /// The cached token if it may still be served at `now`.
    pub fn valid_token(&self, now: Instant) -> Option<&CachedToken> {
        self.cached
            .as_ref()
            .filter(|c| now + UNSERVED_FINAL_STRETCH < c.deadline)
    }

    /// How long the cached token stays servable after `now`.
    pub fn servable_for(&self, now: Instant) -> Option<Duration> {
        self.valid_token(now)
            .map(|c| c.deadline - UNSERVED_FINAL_STRETCH - now)
    }

    /// The caller decided `Fetch` or `Refresh`: its flight starts.
    pub fn begin_flight(&mut self) -> FlightTicket {
        self.flight.running = true;
        self.flight.started += 1;
        FlightTicket {
            number: self.flight.started,
            previous: self
                .cached
                .as_ref()
                .map(|c| (c.token.clone(), c.gateway_expiry_ms)),
            replaces_refused: std::mem::take(&mut self.next_fetch_replaces_refused),
        }
    }

    fn end_flight(&mut self, ticket: &FlightTicket) {
        self.flight.running = false;
        self.flight.finished = ticket.number;
    }

    /// The fetch of `ticket`, sent at `sent_at`, brought `issued`; `now` is when it
    /// arrived. Returns the token now cached (and whether the gateway repeated the cached
    /// token with the same expiry).
    #[allow(clippy::too_many_arguments)]
    pub fn fetched(
        &mut self,
        ticket: FlightTicket,
        issued: IssuedToken,
        sent_at: Instant,
        now: Instant,
        refresh_before: Duration,
        renews_early: bool,
        jitter_permille: u32,
    ) -> (&CachedToken, bool) {
        self.end_flight(&ticket);
        let same = ticket
            .previous
            .as_ref()
            .is_some_and(|(t, e)| *t == issued.token && *e == issued.expiry_ms);
        let lifetime = Duration::from_millis(issued.lifetime_ms.max(0) as u64);
        self.same_token_until_deadline = same && !renews_early;
        // A refresh that changed nothing, or a token already inside the refresh window
        // (shorter-lived than refreshBeforeSecs): wait before asking again, or every call
        // would be a refresh.
        let useless = same && renews_early;
        let due_at_once = lifetime <= refresh_before;
        self.no_refresh_before =
            (useless || due_at_once).then(|| now + spread(REFRESH_RETRY_GAP, jitter_permille));
        self.credential_error = None;
        self.flight.failure = None;
        let cached = self.cached.insert(CachedToken {
            token: issued.token,
            deadline: sent_at + lifetime,
            gateway_expiry_ms: issued.expiry_ms,
            fetch_round_trip: now.saturating_duration_since(sent_at),
            replaced_a_refused_token_at: ticket.replaces_refused.then_some(now),
            refused_until: None,
        });
        (cached, same)
    }

    /// The fetch of `ticket` failed at `now`. A refresh (`fallback` = the token that was
    /// due) keeps serving that token while it is valid, and waits before trying again.
    pub fn failed(
        &mut self,
        ticket: FlightTicket,
        error: Error,
        now: Instant,
        fallback: Option<Secret>,
        jitter_permille: u32,
    ) -> Result<Secret, Error> {
        self.end_flight(&ticket);
        if error.status == Status::Auth {
            self.credential_error = Some((now + CREDENTIAL_ERROR_MEMORY, error.clone()));
        }
        self.flight.failure = Some((ticket.number, error.clone()));
        match fallback {
            Some(token) if self.valid_token(now).is_some() => {
                self.no_refresh_before = Some(now + spread(REFRESH_RETRY_GAP, jitter_permille));
                Ok(token)
            }
            _ => Err(error),
        }
    }

    /// The error of a flight numbered `flight` or later, for a caller that waited on it.
    pub fn failure_of(&self, flight: u64) -> Option<&Error> {
        self.flight
            .failure
            .as_ref()
            .filter(|(n, _)| *n >= flight)
            .map(|(_, e)| e)
    }

    /// Compare-and-invalidate: drops the cached token if it is `token` (anything, for
    /// `None`). Returns whether something was dropped.
    pub fn invalidate(&mut self, token: Option<&str>) -> bool {
        let matches = match (&self.cached, token) {
            (Some(c), Some(t)) => c.token.expose() == t,
            (Some(_), None) => true,
            (None, _) => false,
        };
        if matches {
            self.cached = None;
            self.same_token_until_deadline = false;
            self.no_refresh_before = None;
        }
        matches
    }

    /// A business request with `token` got 401 on its `attempt` at `now`.
    ///
    /// A first refusal drops the token (if still cached) and the call retries with a
    /// fresh one. But a token that was itself fetched fresh to replace a refused one, and
    /// is refused too, is kept and marked: for `REFUSED_TOKEN_HOLD` (+ jitter) every 401
    /// with it gives up without a fetch, so an API that refuses every token (an IP off the
    /// allow-list, a revoked key) costs one token request per hold, not one per call.
    pub fn refused(
        &mut self,
        token: &Secret,
        attempt: Attempt,
        now: Instant,
        jitter_permille: u32,
    ) -> AfterRefusal {
        let cached = self.cached.as_mut().filter(|c| c.token == *token);
        let Some(c) = cached else {
            // Already replaced by another caller (or dropped): the first attempt retries
            // with whatever is current; a refused retry gives up.
            return match attempt {
                Attempt::First => AfterRefusal::RetryWithFreshToken,
                Attempt::Retry => AfterRefusal::GiveUp {
                    fetch_blocked_for: None,
                    skipped_fetch: false,
                },
            };
        };
        if let Some(until) = c.refused_until.filter(|until| now < *until) {
            return AfterRefusal::GiveUp {
                fetch_blocked_for: Some(until - now),
                skipped_fetch: attempt == Attempt::First,
            };
        }
        let just_replaced = c
            .replaced_a_refused_token_at
            .is_some_and(|at| now < at + REFUSED_TOKEN_HOLD);
        if attempt == Attempt::Retry || just_replaced {
            let hold = spread(REFUSED_TOKEN_HOLD, jitter_permille);
            c.refused_until = Some(now + hold);
            return AfterRefusal::GiveUp {
                fetch_blocked_for: Some(hold),
                skipped_fetch: attempt == Attempt::First,
            };
        }
        self.invalidate(Some(token.expose()));
        self.next_fetch_replaces_refused = true;
        AfterRefusal::RetryWithFreshToken
    }

    /// Called in the child after `fork()`: the thread that was fetching does not exist
    /// there, so its flight is over.
    pub fn reset_after_fork(&mut self) {
        if self.flight.running {
            self.flight.running = false;
            self.flight.finished = self.flight.started;
            self.flight.failure = None;
        }
    }
}

#[cfg(test)]
#[path = "decision_tests.rs"]
mod tests;

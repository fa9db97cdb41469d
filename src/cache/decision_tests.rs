//! Every rule of the README's cache section and `token-cache.md`, at exact instants: the
//! state machine takes the clock reading and the jitter draw as arguments, so nothing
//! here sleeps.

use std::time::{Duration, Instant};

use super::*;
use crate::error::Error;

const S: Duration = Duration::from_secs(1);
const MS: Duration = Duration::from_millis(1);
/// PortOne V1 and V2 renew early; NICEPAY does not.
const RENEWS: bool = true;
const NICEPAY: bool = false;
const WINDOW_60: Duration = Duration::from_secs(60);
const NO_WINDOW: Duration = Duration::ZERO;

fn secret(s: &str) -> Secret {
    Secret::new(s.to_string())
}

fn issued(token: &str, lifetime: Duration, expiry_ms: i64) -> IssuedToken {
    IssuedToken {
        token: secret(token),
        lifetime_ms: lifetime.as_millis() as i64,
        expiry_ms,
    }
}

/// A fetch sent at `sent_at` that arrives `round_trip` later with `token`.
fn fetch(
    st: &mut EntryState,
    sent_at: Instant,
    round_trip: Duration,
    token: IssuedToken,
    window: Duration,
    renews_early: bool,
) {
    let ticket = st.begin_flight();
    st.fetched(
        ticket,
        token,
        sent_at,
        sent_at + round_trip,
        window,
        renews_early,
        0,
    );
}

/// An entry holding "T1", fetched at `t0` with no round trip, valid for 1800 s.
fn holding_t1(t0: Instant, window: Duration, renews_early: bool) -> EntryState {
    let mut st = EntryState::default();
    fetch(
        &mut st,
        t0,
        Duration::ZERO,
        issued("T1", 1800 * S, 1_000),
        window,
        renews_early,
    );
    st
}

fn serve(token: &str, fresh: bool) -> Decision {
    Decision::Serve {
        token: secret(token),
        fresh,
    }
}

fn refresh(token: &str) -> Decision {
    Decision::Refresh {
        fallback: secret(token),
    }
}

#[test]
fn a_cold_entry_fetches_once_and_later_callers_wait_for_that_flight() {
    let t0 = Instant::now();
    let mut st = EntryState::default();
    assert_eq!(st.decide(t0, WINDOW_60, RENEWS), Decision::Fetch);
    let ticket = st.begin_flight();
    assert_eq!(
        st.decide(t0, WINDOW_60, RENEWS),
        Decision::AwaitFlight(ticket.number)
    );
    st.fetched(
        ticket,
        issued("T1", 1800 * S, 1),
        t0,
        t0,
        WINDOW_60,
        RENEWS,
        0,
    );
    assert_eq!(st.decide(t0, WINDOW_60, RENEWS), serve("T1", true));
}

#[test]
fn the_deadline_counts_from_before_the_request_left() {
    let t0 = Instant::now();
    let mut st = EntryState::default();
    // Sent at t0, answered 2 s later with a 10 s lifetime: expires at t0 + 10 s.
    fetch(
        &mut st,
        t0,
        2 * S,
        issued("T1", 10 * S, 1),
        NO_WINDOW,
        NICEPAY,
    );
    assert_eq!(st.cached.as_ref().unwrap().deadline, t0 + 10 * S);
    assert_eq!(st.servable_for(t0 + 2 * S), Some(7 * S));
}

#[test]
fn fresh_then_due_at_exactly_the_window() {
    let t0 = Instant::now();
    let deadline = t0 + 1800 * S;
    let st = holding_t1(t0, WINDOW_60, RENEWS);
    assert_eq!(
        st.decide(t0 + 1000 * S, WINDOW_60, RENEWS),
        serve("T1", true)
    );
    let last_fresh = deadline - WINDOW_60 - MS;
    assert_eq!(st.decide(last_fresh, WINDOW_60, RENEWS), serve("T1", true));
    assert!(fresh_for(deadline, last_fresh, WINDOW_60));
    // remaining == window: due; one caller refreshes.
    assert_eq!(
        st.decide(deadline - WINDOW_60, WINDOW_60, RENEWS),
        refresh("T1")
    );
    assert!(!fresh_for(deadline, deadline - WINDOW_60, WINDOW_60));
}

#[test]
fn while_one_caller_refreshes_the_others_are_served_the_valid_token() {
    let t0 = Instant::now();
    let mut st = holding_t1(t0, WINDOW_60, RENEWS);
    let due = t0 + 1750 * S;
    assert_eq!(st.decide(due, WINDOW_60, RENEWS), refresh("T1"));
    let _ticket = st.begin_flight();
    assert_eq!(st.decide(due, WINDOW_60, RENEWS), serve("T1", false));
    assert_eq!(
        st.decide(due + 49 * S - MS, WINDOW_60, RENEWS),
        serve("T1", false)
    );
}

#[test]
fn clients_sharing_an_entry_apply_their_own_window() {
    let t0 = Instant::now();
    let st = holding_t1(t0, WINDOW_60, RENEWS);
    let at = t0 + 1790 * S;
    assert_eq!(st.decide(at, WINDOW_60, RENEWS), refresh("T1"));
    assert_eq!(st.decide(at, NO_WINDOW, RENEWS), serve("T1", true));
}

#[test]
fn never_served_in_the_last_second() {
    let t0 = Instant::now();
    let deadline = t0 + 1800 * S;
    for renews in [RENEWS, NICEPAY] {
        let st = holding_t1(t0, NO_WINDOW, renews);
        assert_eq!(
            st.decide(deadline - S - MS, NO_WINDOW, renews),
            serve("T1", true)
        );
        assert!(st.valid_token(deadline - S).is_none());
        assert_eq!(st.servable_for(deadline - S - MS), Some(MS));
        assert_eq!(st.servable_for(deadline - S), None);
    }
    // PortOne asks at once; NICEPAY would get the same token back: it waits.
    let portone = holding_t1(t0, NO_WINDOW, RENEWS);
    assert_eq!(
        portone.decide(deadline - S, NO_WINDOW, RENEWS),
        Decision::Fetch
    );
}

#[test]
fn nicepay_in_its_last_second_waits_for_the_deadline_plus_the_round_trip() {
    let t0 = Instant::now();
    let mut st = EntryState::default();
    let rtt = 300 * MS;
    fetch(
        &mut st,
        t0,
        rtt,
        issued("N1", 60 * S, 5),
        NO_WINDOW,
        NICEPAY,
    );
    let deadline = t0 + 60 * S;
    assert_eq!(
        st.decide(deadline - S, NO_WINDOW, NICEPAY),
        Decision::AwaitDeadline(deadline + rtt)
    );
    assert_eq!(
        st.decide(deadline + rtt - MS, NO_WINDOW, NICEPAY),
        Decision::AwaitDeadline(deadline + rtt)
    );
    assert_eq!(
        st.decide(deadline + rtt, NO_WINDOW, NICEPAY),
        Decision::Fetch
    );
    // A round trip over a second adds at most a second.
    let mut slow = EntryState::default();
    fetch(
        &mut slow,
        t0,
        3 * S,
        issued("N1", 60 * S, 5),
        NO_WINDOW,
        NICEPAY,
    );
    assert_eq!(
        slow.decide(deadline - S, NO_WINDOW, NICEPAY),
        Decision::AwaitDeadline(deadline + S)
    );
    // A fetch already running: wait for it instead.
    let ticket = slow.begin_flight();
    assert_eq!(
        slow.decide(deadline - S, NO_WINDOW, NICEPAY),
        Decision::AwaitFlight(ticket.number)
    );
}

#[test]
fn nicepay_repeating_the_same_token_holds_until_the_deadline() {
    let t0 = Instant::now();
    let window = 3 * S;
    let mut st = EntryState::default();
    fetch(
        &mut st,
        t0,
        Duration::ZERO,
        issued("N1", 10 * S, 77),
        window,
        NICEPAY,
    );
    let deadline = t0 + 10 * S;
    assert_eq!(st.decide(deadline - window, window, NICEPAY), refresh("N1"));
    // The early refresh brings the same token with the same expiry...
    fetch(
        &mut st,
        deadline - window,
        Duration::ZERO,
        issued("N1", window, 77),
        window,
        NICEPAY,
    );
    assert!(st.same_token_until_deadline);
    // ...so nobody asks again before the deadline: no storm in the last seconds.
    for left in [window - MS, 2 * S, S + MS] {
        assert_eq!(
            st.decide(deadline - left, window, NICEPAY),
            serve("N1", false)
        );
    }
    assert_eq!(
        st.decide(deadline - S, window, NICEPAY),
        Decision::AwaitDeadline(deadline)
    );
    assert_eq!(st.decide(deadline, window, NICEPAY), Decision::Fetch);
    // After the deadline a new token ends the hold.
    fetch(
        &mut st,
        deadline,
        Duration::ZERO,
        issued("N2", 10 * S, 88),
        window,
        NICEPAY,
    );
    assert!(!st.same_token_until_deadline);
}

#[test]
fn a_refresh_that_changed_nothing_is_not_repeated_for_five_seconds() {
    let t0 = Instant::now();
    let mut st = holding_t1(t0, WINDOW_60, RENEWS);
    let due = t0 + 1750 * S;
    fetch(
        &mut st,
        due,
        Duration::ZERO,
        issued("T1", 50 * S, 1_000),
        WINDOW_60,
        RENEWS,
    );
    assert_eq!(
        st.decide(due + 5 * S - MS, WINDOW_60, RENEWS),
        serve("T1", false)
    );
    assert_eq!(st.decide(due + 5 * S, WINDOW_60, RENEWS), refresh("T1"));
}

#[test]
fn a_token_shorter_than_the_window_is_not_refreshed_per_call() {
    let t0 = Instant::now();
    let mut st = EntryState::default();
    fetch(
        &mut st,
        t0,
        Duration::ZERO,
        issued("V1", 4 * S, 1),
        WINDOW_60,
        RENEWS,
    );
    assert_eq!(st.decide(t0 + MS, WINDOW_60, RENEWS), serve("V1", false));
    assert_eq!(st.decide(t0 + 2 * S, WINDOW_60, RENEWS), serve("V1", false));
    assert_eq!(st.no_refresh_before, Some(t0 + 5 * S));
}

#[test]
fn a_failed_refresh_keeps_the_token_and_waits_five_seconds_plus_jitter() {
    let t0 = Instant::now();
    let failed_at = t0 + 1750 * S;
    for (permille, gap) in [(0, 5000 * MS), (500, 5500 * MS), (999, 5999 * MS)] {
        let mut st = holding_t1(t0, WINDOW_60, RENEWS);
        let Decision::Refresh { fallback } = st.decide(failed_at, WINDOW_60, RENEWS) else {
            panic!("due")
        };
        let ticket = st.begin_flight();
        let served = st.failed(
            ticket,
            Error::gateway("503"),
            failed_at,
            Some(fallback),
            permille,
        );
        assert_eq!(served.unwrap(), secret("T1"));
        assert_eq!(
            st.decide(failed_at + gap - MS, WINDOW_60, RENEWS),
            serve("T1", false),
            "jitter {permille}"
        );
        assert_eq!(
            st.decide(failed_at + gap, WINDOW_60, RENEWS),
            refresh("T1"),
            "jitter {permille}"
        );
    }
}

#[test]
fn a_failed_fetch_with_no_valid_token_is_the_callers_error_and_the_waiters() {
    let t0 = Instant::now();
    let mut st = EntryState::default();
    let ticket = st.begin_flight();
    let number = ticket.number;
    let err = st.failed(ticket, Error::gateway("502"), t0, None, 0);
    assert_eq!(err.unwrap_err().message, "502");
    assert_eq!(st.failure_of(number).unwrap().message, "502");
    // Not a credential error: nothing is remembered, the next caller fetches.
    assert_eq!(st.decide(t0, WINDOW_60, RENEWS), Decision::Fetch);
    // A refresh failing after the token's last servable instant is an error too.
    let mut late = holding_t1(t0, WINDOW_60, RENEWS);
    let ticket = late.begin_flight();
    let gone = t0 + 1800 * S - S;
    let r = late.failed(ticket, Error::gateway("502"), gone, Some(secret("T1")), 0);
    assert!(r.is_err());
}

#[test]
fn credential_errors_are_remembered_for_exactly_two_seconds() {
    let t0 = Instant::now();
    let mut st = EntryState::default();
    let ticket = st.begin_flight();
    let _ = st.failed(ticket, Error::auth("refused"), t0, None, 0);
    let Decision::Fail(e) = st.decide(t0 + 2 * S - MS, WINDOW_60, RENEWS) else {
        panic!("remembered")
    };
    assert_eq!(e.message, "refused");
    assert_eq!(st.decide(t0 + 2 * S, WINDOW_60, RENEWS), Decision::Fetch);
    // A success forgets it.
    fetch(
        &mut st,
        t0 + MS,
        Duration::ZERO,
        issued("T1", 1800 * S, 1),
        WINDOW_60,
        RENEWS,
    );
    assert!(st.credential_error.is_none());
}

#[test]
fn invalidation_compares_before_dropping() {
    let t0 = Instant::now();
    let mut st = holding_t1(t0, WINDOW_60, RENEWS);
    assert!(
        !st.invalidate(Some("T0")),
        "a stale token keeps the new one"
    );
    assert_eq!(st.decide(t0, WINDOW_60, RENEWS), serve("T1", true));
    assert!(st.invalidate(Some("T1")));
    assert!(!st.invalidate(Some("T1")), "ten callers, one drop");
    assert_eq!(st.decide(t0, WINDOW_60, RENEWS), Decision::Fetch);
    let mut any = holding_t1(t0, WINDOW_60, RENEWS);
    assert!(any.invalidate(None));
    assert!(!any.invalidate(None));
}

/// An entry whose T1 was refused once and replaced by T2 at `t`.
fn replaced_after_refusal(t0: Instant, t: Instant) -> EntryState {
    let mut st = holding_t1(t0, WINDOW_60, RENEWS);
    assert_eq!(
        st.refused(&secret("T1"), Attempt::First, t, 0),
        AfterRefusal::RetryWithFreshToken
    );
    assert_eq!(st.decide(t, WINDOW_60, RENEWS), Decision::Fetch);
    fetch(
        &mut st,
        t,
        Duration::ZERO,
        issued("T2", 1800 * S, 2),
        WINDOW_60,
        RENEWS,
    );
    st
}

fn give_up(blocked: Option<Duration>, skipped: bool) -> AfterRefusal {
    AfterRefusal::GiveUp {
        fetch_blocked_for: blocked,
        skipped_fetch: skipped,
    }
}

#[test]
fn a_refused_fresh_token_stops_fetches_for_five_seconds_plus_jitter() {
    let t0 = Instant::now();
    let t = t0 + 100 * S;
    for (permille, hold) in [(0, 5000 * MS), (999, 5999 * MS)] {
        let mut st = replaced_after_refusal(t0, t);
        let r = t + 20 * MS;
        // The retry with the fresh T2 is refused too: T2 is kept, fetches stop.
        assert_eq!(
            st.refused(&secret("T2"), Attempt::Retry, r, permille),
            give_up(Some(hold), false)
        );
        assert_eq!(st.decide(r, WINDOW_60, RENEWS), serve("T2", true));
        // Other calls' 401s in the hold: E_AUTH without a fetch, counted as skipped.
        assert_eq!(
            st.refused(&secret("T2"), Attempt::First, r + hold - MS, 0),
            give_up(Some(MS), true)
        );
        assert!(st.cached.is_some(), "kept: other endpoints may accept it");
        // The hold is bounded: then one refusal drops it and fetches once more.
        assert_eq!(
            st.refused(&secret("T2"), Attempt::First, r + hold, 0),
            AfterRefusal::RetryWithFreshToken,
            "jitter {permille}"
        );
        assert_eq!(st.decide(r + hold, WINDOW_60, RENEWS), Decision::Fetch);
    }
}

#[test]
fn a_late_caller_refused_with_the_just_fetched_replacement_does_not_fetch_again() {
    // The replacement is refused on another caller's first attempt before any retry was
    // refused (the retries are still on the wire): that is the same storm.
    let t0 = Instant::now();
    let t = t0 + 100 * S;
    let mut st = replaced_after_refusal(t0, t);
    assert_eq!(
        st.refused(&secret("T2"), Attempt::First, t + 10 * MS, 0),
        give_up(Some(5 * S), true)
    );
    assert_eq!(
        st.refused(&secret("T2"), Attempt::Retry, t + 20 * MS, 0),
        give_up(Some(5 * S - 10 * MS), false)
    );
    // A caller refused with the old T1 after it was replaced: T2 is current, retry.
    assert_eq!(
        st.refused(&secret("T1"), Attempt::First, t + 30 * MS, 0),
        AfterRefusal::RetryWithFreshToken
    );
    assert_eq!(st.decide(t + 30 * MS, WINDOW_60, RENEWS), serve("T2", true));
}

#[test]
fn a_replacement_that_worked_for_a_while_is_replaced_normally_when_refused() {
    let t0 = Instant::now();
    let t = t0 + 100 * S;
    let mut st = replaced_after_refusal(t0, t);
    // T2 served requests for 5 s; then it is revoked: a normal retry, not the storm rule.
    assert_eq!(
        st.refused(&secret("T2"), Attempt::First, t + 5 * S, 0),
        AfterRefusal::RetryWithFreshToken
    );
    // A refused retry whose token was already replaced by someone else just gives up.
    assert_eq!(
        st.refused(&secret("T2"), Attempt::Retry, t + 5 * S, 0),
        give_up(None, false)
    );
}

#[test]
fn a_first_refusal_of_an_ordinary_token_retries_and_an_invalidate_ends_a_hold() {
    let t0 = Instant::now();
    let mut st = holding_t1(t0, WINDOW_60, RENEWS);
    assert_eq!(
        st.refused(&secret("T1"), Attempt::First, t0 + MS, 0),
        AfterRefusal::RetryWithFreshToken
    );
    assert!(st.next_fetch_replaces_refused);
    let mut held = replaced_after_refusal(t0, t0 + S);
    let _ = held.refused(&secret("T2"), Attempt::Retry, t0 + S, 0);
    assert!(held.invalidate(Some("T2")));
    fetch(
        &mut held,
        t0 + 2 * S,
        Duration::ZERO,
        issued("T3", 1800 * S, 3),
        WINDOW_60,
        RENEWS,
    );
    assert!(held
        .cached
        .as_ref()
        .unwrap()
        .replaced_a_refused_token_at
        .is_none());
    assert_eq!(
        held.refused(&secret("T3"), Attempt::First, t0 + 2 * S, 0),
        AfterRefusal::RetryWithFreshToken
    );
}

#[test]
fn a_fork_ends_the_flight_the_child_cannot_finish() {
    let mut st = EntryState::default();
    let ticket = st.begin_flight();
    st.reset_after_fork();
    assert!(!st.flight.running);
    assert_eq!(st.flight.finished, ticket.number);
    assert!(st.failure_of(ticket.number).is_none());
    assert_eq!(
        st.decide(Instant::now(), WINDOW_60, RENEWS),
        Decision::Fetch
    );
}

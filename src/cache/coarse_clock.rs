//! The clock of the lock-free cached-token check: `CLOCK_MONOTONIC_COARSE`.
//!
//! `Instant::now()` reads the TSC through the vDSO; on the benchmark's VM that cost 3–5
//! times a coarse reading, side by side (350–560 ns against 110 ns at load 20), on a call
//! whose whole budget is tens of ns. The
//! coarse clock is the same monotonic clock as of the last timer tick, read in a few ns.
//! It is behind the exact one by a tick (its resolution, 1–10 ms) on a quiet machine, and
//! by tens of ms on a loaded VM whose ticks come late (76 ms measured at load 20). A
//! snapshot's coarse deadline is therefore moved a whole second earlier: the lock-free
//! check never serves a token later than the exact rule (`decision::fresh_for`) would
//! unless the clock's ticks stop for over a second; in that last second it answers "not
//! fresh" and the caller takes the exact path, which still serves the cached token.

use std::time::{Duration, Instant};

/// A point of `CLOCK_MONOTONIC`, in nanoseconds.
type Nanos = u64;

fn read(clock: libc::clockid_t) -> Option<Nanos> {
    crate::sys::clock_ns(clock)
}

/// How much earlier than the exact rule the coarse check gives up (see the module docs).
const MARGIN: Nanos = 1_000_000_000;

/// `deadline` on the coarse clock, moved [`MARGIN`] earlier; 0 (never fresh: the exact
/// path decides) if the clock cannot be read.
pub(crate) fn coarse_deadline(deadline: Instant) -> Nanos {
    // CLOCK_MONOTONIC first, then Instant::now() (the same clock): the gap between the two
    // reads can only make the converted deadline earlier, never later.
    let Some(exact_now) = read(libc::CLOCK_MONOTONIC) else {
        return 0;
    };
    let remaining = deadline.saturating_duration_since(Instant::now());
    let remaining = u64::try_from(remaining.as_nanos()).unwrap_or(u64::MAX);
    exact_now.saturating_add(remaining).saturating_sub(MARGIN)
}

/// Whether a token whose coarse deadline is `deadline` is still fresh with `window` left:
/// the rule of `decision::fresh_for`, on the coarse clock.
pub(crate) fn fresh(deadline: Nanos, window: Duration) -> bool {
    // A test that moved the cache's clock (feature `test-clock`) is answered by the exact
    // rule: the coarse clock does not see that move.
    #[cfg(feature = "test-clock")]
    if !super::clock::test_clock::advanced().is_zero() {
        return false;
    }
    let window = u64::try_from(window.as_nanos()).unwrap_or(u64::MAX);
    read(libc::CLOCK_MONOTONIC_COARSE).is_some_and(|now| now.saturating_add(window) < deadline)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_fresher_than_the_exact_rule() {
        let now = Instant::now();
        // Fresh with an hour to spare, not fresh with the window reaching the deadline.
        let deadline = coarse_deadline(now + Duration::from_secs(3600));
        assert!(fresh(deadline, Duration::from_secs(60)));
        assert!(!fresh(deadline, Duration::from_secs(3600)));
        // The coarse deadline is the exact one a second earlier, or earlier still (the
        // exact deadline is at most `after` + 10 s, `after` read once it is converted).
        let converted = coarse_deadline(Instant::now() + Duration::from_secs(10));
        let after = read(libc::CLOCK_MONOTONIC).unwrap();
        assert!(converted <= after + 10_000_000_000 - MARGIN);
        assert!(
            !fresh(coarse_deadline(now), Duration::ZERO),
            "a passed deadline"
        );
    }
}

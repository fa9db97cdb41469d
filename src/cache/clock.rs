//! The clocks the cache reads, injected so that tests can hold time still. Production
//! uses the monotonic clock for every deadline (the wall clock never decides expiry);
//! the wall clock is read only to report the gateway's clock skew.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

pub(crate) trait Clock {
    /// Monotonic: deadlines, waits, holds.
    fn now(&self) -> Instant;
    /// This host's wall clock, ms since the epoch: only compared with the gateway's.
    fn wall_ms(&self) -> i64;
}

/// `Instant::now()` and `SystemTime::now()`.
pub(crate) struct MonotonicClock;

impl Clock for MonotonicClock {
    #[inline]
    fn now(&self) -> Instant {
        #[cfg(feature = "test-clock")]
        return Instant::now() + test_clock::advanced();
        #[cfg(not(feature = "test-clock"))]
        Instant::now()
    }

    fn wall_ms(&self) -> i64 {
        match SystemTime::now().duration_since(UNIX_EPOCH) {
            Ok(d) => d.as_millis() as i64,
            Err(e) => -(e.duration().as_millis() as i64),
        }
    }
}

/// The integration tests' seam (feature `test-clock`, enabled only by the crate's own
/// dev-dependency): a test moves the cache's clock forward instead of sleeping. Per
/// thread, because the tests of one binary run in parallel, each on its own simulator
/// (its own cache entries); a synchronous call decides on the caller's thread, so only
/// single-threaded tests of synchronous calls may use it.
#[cfg(feature = "test-clock")]
pub mod test_clock {
    use std::cell::Cell;
    use std::time::Duration;

    thread_local! {
        static ADVANCED: Cell<Duration> = const { Cell::new(Duration::ZERO) };
    }

    pub(crate) fn advanced() -> Duration {
        ADVANCED.with(Cell::get)
    }

    /// Moves this thread's view of the cache's monotonic clock forward by `by`.
    pub fn advance(by: Duration) {
        ADVANCED.with(|a| a.set(a.get() + by));
    }
}

/// How far the gateway's clock is ahead of ours (negative: behind), in ms. The gateway
/// read its clock while answering: on average half a round trip before the answer
/// arrived, when our wall clock read `wall_at_arrival_ms`.
pub(crate) fn gateway_skew_ms(
    gateway_now_ms: i64,
    wall_at_arrival_ms: i64,
    round_trip: std::time::Duration,
) -> i64 {
    let our_reading_then = wall_at_arrival_ms - (round_trip.as_millis() / 2) as i64;
    gateway_now_ms - our_reading_then
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn skew_is_measured_at_the_middle_of_the_round_trip() {
        // The gateway says 12:00:00.000; the answer arrived at 12:00:00.100 after a 200 ms
        // round trip: the gateway read its clock at our 12:00:00.000.
        let noon = 1_800_000_000_000;
        assert_eq!(
            gateway_skew_ms(noon, noon + 100, Duration::from_millis(200)),
            0
        );
        assert_eq!(
            gateway_skew_ms(noon + 3_600_000, noon, Duration::ZERO),
            3_600_000
        );
        assert_eq!(gateway_skew_ms(noon - 2_500, noon, Duration::ZERO), -2_500);
    }
}

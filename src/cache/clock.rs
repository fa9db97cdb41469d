//! The clock the cache reads, injected so that tests can hold time still. Production uses
//! the monotonic clock: the wall clock never decides expiry.

use std::time::Instant;

pub(crate) trait Clock {
    fn now(&self) -> Instant;
}

/// `Instant::now()`, the monotonic clock.
pub(crate) struct MonotonicClock;

impl Clock for MonotonicClock {
    #[inline]
    fn now(&self) -> Instant {
        Instant::now()
    }
}

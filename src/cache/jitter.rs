//! Jitter, so that processes and entries that failed together retry apart. The spread is
//! a pure function of a per-mille draw, which the state machine takes as an argument: its
//! tests pass the extremes and check the exact range.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};

use std::time::Duration;

/// `base` plus `permille`/1000 of a fifth of it: from `base` to just under `base` × 1.2.
/// A draw above 999 counts as 999.
pub(crate) fn spread(base: Duration, permille: u32) -> Duration {
    base + base / 5 * permille.min(999) / 1000
}

/// A draw in 0..1000, different in each process and for each call.
pub(crate) fn random_permille() -> u32 {
    static CALLS: AtomicU64 = AtomicU64::new(0);
    // RandomState is seeded randomly per process (and per thread); the pid and a counter
    // make draws differ between forked children and between calls.
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    h.write_u64(CALLS.fetch_add(1, Ordering::Relaxed));
    (h.finish() % 1000) as u32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spread_is_zero_to_twenty_percent() {
        let base = Duration::from_secs(5);
        assert_eq!(spread(base, 0), base);
        assert_eq!(spread(base, 500), Duration::from_millis(5500));
        assert_eq!(spread(base, 999), Duration::from_millis(5999));
        assert_eq!(spread(base, 5000), Duration::from_millis(5999));
    }

    #[test]
    fn draws_stay_in_range_and_vary() {
        let draws: Vec<u32> = (0..200).map(|_| random_permille()).collect();
        assert!(draws.iter().all(|d| *d < 1000));
        let distinct: std::collections::HashSet<_> = draws.iter().collect();
        assert!(distinct.len() > 50, "{} distinct draws", distinct.len());
    }
}

//! Counters of one cache entry, shared by the clients that share it.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};

#[derive(Default)]
pub struct Stats {
    pub token_fetches: AtomicU64,
    pub(crate) cache_hits: StripedCounter,
    pub refresh_failures: AtomicU64,
    pub retries_after_401: AtomicU64,
    /// 401s answered with `PAYTOKEN_E_AUTH` without fetching a token, because a freshly
    /// fetched token had just been refused (the token-storm bound).
    pub fetches_skipped_after_refusal: AtomicU64,
    /// Tokens taken from the host-wide cache file (`cacheDir`) instead of a token request.
    pub host_cache_reads: AtomicU64,
    /// Requests resent with the same idempotency key after an unknown outcome.
    pub unknown_outcome_retries: AtomicU64,
}

impl Stats {
    pub fn cache_hits(&self) -> u64 {
        self.cache_hits.sum()
    }

    pub(crate) fn count(counter: &AtomicU64) {
        counter.fetch_add(1, Ordering::Relaxed);
    }
}

/// A counter spread over cache lines so that cores counting hits at once do not fight
/// over one line.
#[derive(Default)]
pub(crate) struct StripedCounter([PaddedU64; 8]);

#[derive(Default)]
#[repr(align(128))]
struct PaddedU64(AtomicU64);

impl StripedCounter {
    pub fn add(&self) {
        thread_local! {
            static SLOT: usize = {
                static NEXT: AtomicUsize = AtomicUsize::new(0);
                NEXT.fetch_add(1, Ordering::Relaxed)
            };
        }
        let slot = SLOT.with(|s| *s) % self.0.len();
        self.0[slot].0.fetch_add(1, Ordering::Relaxed);
    }

    pub fn sum(&self) -> u64 {
        self.0.iter().map(|c| c.0.load(Ordering::Relaxed)).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn striped_hits_add_up_across_threads() {
        let counter = std::sync::Arc::new(StripedCounter::default());
        let threads: Vec<_> = (0..4)
            .map(|_| {
                let c = counter.clone();
                std::thread::spawn(move || (0..1000).for_each(|_| c.add()))
            })
            .collect();
        threads.into_iter().for_each(|t| t.join().unwrap());
        assert_eq!(counter.sum(), 4000);
    }
}

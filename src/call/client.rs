//! A client: a validated config bound to its process-global cache entry and to its lane
//! in the async worker pool. Creating one does no network I/O and costs microseconds.

use std::sync::atomic::Ordering;

use serde_json::Value;

use crate::cache::{self, Entry};
use crate::config::Config;
use crate::error::Error;
use crate::runtime::worker_pool;

/// One gateway account. Clients with the same gateway, origin and credentials share
/// one cache entry (one cached token).
pub struct Client {
    pub config: Config,
    pub entry: &'static Entry,
    /// This client's lane in the async worker pool (its `maxInFlight` bound).
    pub lane: worker_pool::LaneId,
}

impl Client {
    /// Parses and validates `config_json` and binds it to its cache entry. A `caFile`
    /// that cannot be read and a `cacheDir` that is unsafe are errors here, not at the
    /// first request.
    pub fn new(config_json: &str) -> Result<Client, Error> {
        let config = Config::parse(config_json)?;
        crate::transport::http::prepare(&config)?;
        if let Some(dir) = &config.cache_dir {
            cache::prepare_host_cache_dir(dir)?;
        }
        let entry = cache::entry_for(&config);
        let lane = worker_pool::new_lane();
        Ok(Client {
            config,
            entry,
            lane,
        })
    }

    /// The counters of the client's cache entry and the process-wide async pool.
    pub fn stats(&self) -> Value {
        let stats = &self.entry.stats;
        let pool = worker_pool::snapshot();
        serde_json::json!({
            "tokenFetches": stats.token_fetches.load(Ordering::Relaxed),
            "cacheHits": stats.cache_hits(),
            "refreshFailures": stats.refresh_failures.load(Ordering::Relaxed),
            "retriesAfter401": stats.retries_after_401.load(Ordering::Relaxed),
            "fetchesSkippedAfterRefusal": stats.fetches_skipped_after_refusal.load(Ordering::Relaxed),
            "gateway": self.config.gateway.name(),
            "tokenValidForMs": self.entry.valid_for_ms().map(|ms| ms as u64),
            "gatewayClockSkewMs": self.entry.gateway_clock_skew_ms(),
            "hostCacheReads": stats.host_cache_reads.load(Ordering::Relaxed),
            "unknownOutcomeRetries": stats.unknown_outcome_retries.load(Ordering::Relaxed),
            // Process-wide: the async I/O threads and the calls they run or hold.
            "asyncThreads": pool.0,
            "asyncRunning": pool.1,
            "asyncQueued": pool.2,
        })
    }

    /// An error unless this client's auth scheme uses tokens.
    pub fn require_token_scheme(&self) -> Result<(), Error> {
        use crate::config::Scheme;
        match self.config.scheme {
            Scheme::Token => Ok(()),
            Scheme::Basic => Err(Error::invalid(
                "this NICEPAY client uses the \"basic\" auth scheme, which needs no token (set \"auth\": \"token\" to use tokens)",
            )),
            Scheme::Secret => Err(Error::invalid(
                "this PortOne V2 client uses the \"secret\" auth scheme (Authorization: PortOne <apiSecret>), which needs no token (set \"auth\": \"token\" to use tokens)",
            )),
        }
    }
}

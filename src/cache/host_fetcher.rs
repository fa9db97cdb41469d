//! The token source with the host-wide cache in front: take a token another process put
//! in the cache file; else, holding the cross-process lock, look again (another process
//! may have just fetched), and only then ask the gateway and write the file. N processes
//! on a cold cache make one token request.

use std::time::{Duration, Instant};

use crate::config::Config;
use crate::error::Error;
use crate::gateway::IssuedToken;
use crate::runtime::log;
use crate::transport::http;

use super::decision::fresh_for;
use super::fetcher::{Fetched, TokenFetcher};
use super::host_file::{FileToken, HostFile};

pub(crate) struct HostCacheFetcher<'a, F> {
    pub file: &'a HostFile,
    pub network: &'a F,
}

impl<F: TokenFetcher> TokenFetcher for HostCacheFetcher<'_, F> {
    fn fetch(&self, config: &Config, budget: Duration) -> Result<Fetched, Error> {
        // The caller took its "sent at" instant before this call: a deadline computed
        // from `started` and the file's deadline is never later than the file's.
        let started = Instant::now();
        // A token that this caller would refresh anyway (due by its window) is not taken.
        let usable = |t: &FileToken| fresh_for(t.deadline, Instant::now(), config.refresh_before);
        if let Some(t) = self.file.read()?.filter(usable) {
            return Ok(adopt(t, started));
        }
        let _lock = self.file.lock(budget.min(http::fetch_budget(config)))?;
        if let Some(t) = self.file.read()?.filter(usable) {
            return Ok(adopt(t, started));
        }
        let sent_at = Instant::now();
        let fetched = self
            .network
            .fetch(config, budget.saturating_sub(started.elapsed()))?;
        let issued = &fetched.issued;
        if issued.lifetime_ms > 0 {
            let deadline = sent_at + std::time::Duration::from_millis(issued.lifetime_ms as u64);
            if let Err(e) = self.file.write(&issued.token, deadline, issued.expiry_ms) {
                // The token is good for this process; the others will fetch their own.
                log::warning(format_args!("host cache not written: {}", e.message));
            }
        }
        Ok(fetched)
    }
}

fn adopt(t: FileToken, started: Instant) -> Fetched {
    Fetched {
        issued: IssuedToken {
            token: t.token,
            lifetime_ms: t.deadline.saturating_duration_since(started).as_millis() as i64,
            expiry_ms: t.expiry_ms,
        },
        gateway_now_ms: None,
        from_host_cache: true,
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;
    use std::time::Duration;

    use super::*;
    use crate::secrets::secret::Secret;

    /// Counts network fetches; each brings a new token valid for `lifetime`.
    struct Network {
        calls: Cell<u32>,
        lifetime: Duration,
    }

    impl TokenFetcher for Network {
        fn fetch(&self, _config: &Config, _budget: Duration) -> Result<Fetched, Error> {
            self.calls.set(self.calls.get() + 1);
            Ok(Fetched {
                issued: IssuedToken {
                    token: Secret::new(format!("N{}", self.calls.get())),
                    lifetime_ms: self.lifetime.as_millis() as i64,
                    expiry_ms: self.calls.get() as i64,
                },
                gateway_now_ms: None,
                from_host_cache: false,
            })
        }
    }

    fn config(refresh_before_secs: u32) -> Config {
        Config::parse(&format!(
            r#"{{"gateway":"portone-v1","impKey":"k","impSecret":"s","baseUrl":"http://127.0.0.1:9","refreshBeforeSecs":{refresh_before_secs}}}"#
        ))
        .unwrap()
    }

    #[test]
    fn the_file_serves_a_token_fresh_by_the_callers_window_and_no_other() {
        let dir =
            std::env::temp_dir().join(format!("paytoken-host-fetcher-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        super::super::host_file::prepare_dir(&dir).unwrap();
        let file = HostFile::new(&dir, &[3; 32]);
        let network = Network {
            calls: Cell::new(0),
            lifetime: Duration::from_secs(120),
        };
        let shared = HostCacheFetcher {
            file: &file,
            network: &network,
        };
        // Cold: one network fetch, written to the file.
        let first = shared.fetch(&config(60), Duration::from_secs(10)).unwrap();
        assert!(!first.from_host_cache);
        assert_eq!(network.calls.get(), 1);
        // Another process (same file): read, with a deadline no later than the file's.
        let read = shared.fetch(&config(60), Duration::from_secs(10)).unwrap();
        assert!(read.from_host_cache);
        assert_eq!(read.issued.token.expose(), "N1");
        assert!(read.issued.lifetime_ms <= 120_000 && read.issued.lifetime_ms > 119_000);
        assert_eq!(network.calls.get(), 1);
        // A caller whose window makes the file's token due fetches (and rewrites it).
        let due = shared.fetch(&config(120), Duration::from_secs(10)).unwrap();
        assert!(!due.from_host_cache);
        assert_eq!(network.calls.get(), 2);
        assert_eq!(file.read().unwrap().unwrap().token.expose(), "N2");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

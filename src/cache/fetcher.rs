//! Where tokens come from, injected so that the cache's effects can be tested without a
//! network. Production sends the gateway's token request over HTTP.

use std::time::Duration;

use crate::config::Config;
use crate::error::Error;
use crate::gateway::{self, IssuedToken};
use crate::transport::http::{self, Purpose};

/// A token answer, and the gateway's clock reading in it when it carried one.
pub(crate) struct Fetched {
    pub issued: IssuedToken,
    /// The gateway's "now" (ms since the epoch, its clock): NICEPAY `now`, PortOne V1
    /// `now`, PortOne V2 the `Date` header. `None` when the answer had no clock reading.
    pub gateway_now_ms: Option<i64>,
    /// Taken from the host-wide cache file: no token request was made.
    pub from_host_cache: bool,
}

pub(crate) trait TokenFetcher {
    /// Gets a token within `budget` (what is left of the caller's deadline; a token
    /// request's own deadline is the smaller of it and the config's `timeoutMs`).
    fn fetch(&self, config: &Config, budget: Duration) -> Result<Fetched, Error>;
}

/// One token request: build, send, parse.
pub(crate) struct HttpFetcher;

impl TokenFetcher for HttpFetcher {
    fn fetch(&self, config: &Config, budget: Duration) -> Result<Fetched, Error> {
        let request = gateway::token_request(config);
        let headers: Vec<(&str, &str)> = request
            .headers
            .iter()
            .map(|(n, v)| (*n, v.as_str()))
            .collect();
        let answer = http::send_within(
            config,
            config.timeout.min(budget),
            Purpose::Token,
            "POST",
            &request.path,
            &headers,
            &request.body,
        )?;
        let issued = gateway::parse_token_answer(config, &answer)?;
        let gateway_now_ms = gateway::clock_reading(config, &answer, &issued);
        Ok(Fetched {
            issued,
            gateway_now_ms,
            from_host_cache: false,
        })
    }
}

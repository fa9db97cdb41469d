//! Where tokens come from, injected so that the cache's effects can be tested without a
//! network. Production sends the gateway's token request over HTTP.

use crate::config::Config;
use crate::error::Error;
use crate::gateway::{self, IssuedToken};
use crate::http::{self, Purpose};

pub(crate) trait TokenFetcher {
    fn fetch(&self, config: &Config) -> Result<IssuedToken, Error>;
}

/// One token request: build, send, parse.
pub(crate) struct HttpFetcher;

impl TokenFetcher for HttpFetcher {
    fn fetch(&self, config: &Config) -> Result<IssuedToken, Error> {
        let request = gateway::token_request(config);
        let headers: Vec<(&str, &str)> = request
            .headers
            .iter()
            .map(|(n, v)| (*n, v.as_str()))
            .collect();
        let answer = http::send(
            config,
            Purpose::Token,
            "POST",
            &request.path,
            &headers,
            &request.body,
        )?;
        gateway::parse_token_answer(config, &answer)
    }
}

//! Host-name resolution for the HTTP agent.
//!
//! ureq resolves the host before it looks for a pooled connection, and with a deadline set
//! (paytoken always sets one) its default resolver runs the lookup on a new thread so it
//! can be abandoned. That is a thread per request, even on a kept-alive connection to an
//! IP literal (measured: +40 % per request on loopback, ×10 on a busy machine). Here IP
//! literals are answered inline, and host-name answers are reused for a short while; only
//! a miss pays for ureq's timed lookup.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use ureq::config::Config;
use ureq::http::Uri;
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::NextTimeout;

/// How long a host name's addresses are reused. Short: gateways move behind load
/// balancers, and a stale address fails to connect until this passes.
const REUSE_FOR: Duration = Duration::from_secs(30);

#[derive(Debug, Default)]
pub struct CachingResolver {
    lookup: DefaultResolver,
    /// "host:port" → when looked up, and the answer. One entry per gateway origin.
    answers: Mutex<HashMap<String, (Instant, ResolvedSocketAddrs)>>,
}

impl Resolver for CachingResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        let authority = uri
            .authority()
            .ok_or_else(|| ureq::Error::BadUri("no host".into()))?;
        let port = authority
            .port_u16()
            .unwrap_or(if uri.scheme_str() == Some("http") {
                80
            } else {
                443
            });
        let host = authority.host();
        if let Ok(ip) = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<IpAddr>()
        {
            let mut addrs = self.empty();
            addrs.push(SocketAddr::new(ip, port));
            return Ok(addrs);
        }
        let key = format!("{host}:{port}");
        {
            let answers = self.answers.lock().unwrap_or_else(|p| p.into_inner());
            if let Some((at, addrs)) = answers.get(&key) {
                if at.elapsed() < REUSE_FOR {
                    return Ok(addrs.clone());
                }
            }
        }
        let addrs = self.lookup.resolve(uri, config, timeout)?;
        let mut answers = self.answers.lock().unwrap_or_else(|p| p.into_inner());
        answers.insert(key, (Instant::now(), addrs.clone()));
        Ok(addrs)
    }
}

//! Which proxy a request to the gateway goes through, from the environment.
//!
//! - `https_proxy`/`HTTPS_PROXY`, then `all_proxy`/`ALL_PROXY`: a CONNECT (or SOCKS) proxy.
//! - `HTTP_PROXY`/`http_proxy` are never read: every proxied origin is HTTPS (plain http is
//!   allowed only to loopback, which never goes through a proxy), and under CGI a request's
//!   `Proxy:` header becomes `HTTP_PROXY` ("httpoxy"), which would hand tokens to whoever
//!   sent that header. (ureq's own `Proxy::try_from_env` does read it, so it is not used.)
//! - `NO_PROXY`/`no_proxy`: comma-separated host names, with curl's rules: `example.com`
//!   and `.example.com` both match example.com and its subdomains, `*` matches every host,
//!   a `:port` suffix is ignored, case does not matter.

use ureq::Proxy;

use crate::runtime::log;
use crate::transport::origin::Origin;

const PROXY_VARS: &[&str] = &["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"];
const NO_PROXY_VARS: &[&str] = &["no_proxy", "NO_PROXY"];

/// The proxy for HTTPS origins named by the environment, if any. A value ureq cannot parse
/// is logged and ignored, as curl does.
pub fn from_env() -> Option<Proxy> {
    let (name, value) = first_set(PROXY_VARS)?;
    match Proxy::new(&value) {
        Ok(proxy) => Some(proxy),
        Err(_) => {
            log::warning(format_args!(
                "{name} is not a valid proxy URL; connecting directly"
            ));
            None
        }
    }
}

/// Whether the origin is reached directly: loopback always, or `NO_PROXY` names its host.
pub fn bypass(origin: &Origin) -> bool {
    if origin.is_loopback() {
        return true;
    }
    let authority = origin.as_str().split_once("://").map_or("", |(_, a)| a);
    match first_set(NO_PROXY_VARS) {
        Some((_, list)) => matches_no_proxy(&list, strip_port(authority)),
        None => false,
    }
}

fn first_set(names: &[&'static str]) -> Option<(&'static str, String)> {
    names.iter().find_map(|name| match std::env::var(name) {
        Ok(v) if !v.trim().is_empty() => Some((*name, v.trim().to_owned())),
        _ => None,
    })
}

fn matches_no_proxy(list: &str, host: &str) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    list.split(',').map(str::trim).any(|entry| {
        if entry == "*" {
            return true;
        }
        let entry = strip_port(entry)
            .trim_start_matches("*.")
            .trim_start_matches('.')
            .trim_end_matches('.')
            .to_ascii_lowercase();
        !entry.is_empty()
            && (host == entry
                || (host.len() > entry.len()
                    && host.ends_with(&entry)
                    && host.as_bytes()[host.len() - entry.len() - 1] == b'.'))
    })
}

/// "host:443" → "host"; "[::1]:443" → "::1"; an IPv6 literal without brackets stays.
fn strip_port(entry: &str) -> &str {
    if let Some(rest) = entry.strip_prefix('[') {
        return rest.split(']').next().unwrap_or(rest);
    }
    match entry.rsplit_once(':') {
        Some((host, port)) if !host.contains(':') && port.bytes().all(|b| b.is_ascii_digit()) => {
            host
        }
        _ => entry,
    }
}

#[cfg(test)]
mod tests {
    use super::matches_no_proxy;

    #[test]
    fn no_proxy_follows_curl() {
        assert!(matches_no_proxy("gateway.test", "gateway.test"));
        assert!(matches_no_proxy("other, .gateway.test", "api.gateway.test"));
        assert!(matches_no_proxy("gateway.test", "API.Gateway.Test"));
        assert!(matches_no_proxy("gateway.test:443", "gateway.test"));
        assert!(matches_no_proxy("*.gateway.test", "gateway.test"));
        assert!(matches_no_proxy("*", "anything"));
        assert!(matches_no_proxy("[::1]:8443", "[::1]"));
        assert!(!matches_no_proxy("gateway.test", "evilgateway.test"));
        assert!(!matches_no_proxy("gateway.test", "gateway.test.evil"));
        assert!(!matches_no_proxy("", "gateway.test"));
        assert!(!matches_no_proxy(" , ", "gateway.test"));
    }
}

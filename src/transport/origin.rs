//! The configured origin (scheme, host, port): the only place tokens are ever sent.
//! HTTPS only; plain `http://` is accepted for loopback hosts (tests, the simulator).

use crate::error::Error;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// `https://host[:port]` with no trailing slash.
    text: String,
    loopback: bool,
}

impl Origin {
    pub fn parse(url: &str) -> Result<Origin, Error> {
        let bad = |why: &str| Error::invalid(format!("config key \"baseUrl\" {why}"));
        let (scheme, rest) = url
            .split_once("://")
            .ok_or_else(|| bad("must look like https://host[:port]"))?;
        let scheme = scheme.to_ascii_lowercase();
        if scheme != "https" && scheme != "http" {
            return Err(bad("must use https://"));
        }
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if authority.is_empty() {
            return Err(bad("has no host"));
        }
        if authority.contains(['/', '?', '#']) {
            return Err(bad(
                "must be an origin only (https://host[:port]), without a path, query or fragment",
            ));
        }
        if authority.contains('@') {
            return Err(bad("must not carry user information"));
        }
        if !authority
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-.:[]_".contains(c))
        {
            return Err(bad("has characters that are not allowed in a host name"));
        }
        let (host, port) = split_host_port(authority).ok_or_else(|| bad("has an invalid port"))?;
        if host.is_empty() {
            return Err(bad("has no host"));
        }
        if scheme == "http" && !is_loopback(host) {
            return Err(bad("uses plain http://, which is allowed only for loopback hosts (127.0.0.1, ::1, localhost); use https://"));
        }
        let mut text = format!("{scheme}://{}", host.to_ascii_lowercase());
        if let Some(port) = port {
            text.push_str(&format!(":{port}"));
        }
        Ok(Origin {
            text,
            loopback: is_loopback(host),
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// This machine: never reached through a proxy.
    pub fn is_loopback(&self) -> bool {
        self.loopback
    }

    /// The full URL of a path on this origin. `path` was validated to start with one `/`.
    pub fn url(&self, path: &str) -> String {
        let mut url = String::with_capacity(self.text.len() + path.len());
        url.push_str(&self.text);
        url.push_str(path);
        url
    }
}

fn split_host_port(authority: &str) -> Option<(&str, Option<u16>)> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (inner, after) = rest.split_once(']')?;
        let port = match after {
            "" => None,
            p => Some(p.strip_prefix(':')?),
        };
        (&authority[..inner.len() + 2], port)
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let port = match port {
        None => None,
        Some(p) => match p.parse::<u16>() {
            Ok(n) if n > 0 && p.chars().all(|c| c.is_ascii_digit()) => Some(n),
            _ => return None,
        },
    };
    Some((host, port))
}

fn is_loopback(host: &str) -> bool {
    let h = host.to_ascii_lowercase();
    if h == "localhost" || h == "[::1]" {
        return true;
    }
    match h.parse::<std::net::Ipv4Addr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_https_and_loopback_http() {
        assert_eq!(
            Origin::parse("https://api.iamport.kr/").unwrap().as_str(),
            "https://api.iamport.kr"
        );
        assert_eq!(
            Origin::parse("http://127.0.0.1:8080").unwrap().as_str(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            Origin::parse("http://[::1]:9").unwrap().as_str(),
            "http://[::1]:9"
        );
        assert_eq!(
            Origin::parse("HTTP://LOCALHOST:1").unwrap().as_str(),
            "http://localhost:1"
        );
    }

    #[test]
    fn refuses_the_rest() {
        for url in [
            "http://api.iamport.kr",
            "http://10.0.0.1",
            "http://127.0.0.1.evil.com",
            "ftp://x",
            "https://a.kr/v1",
            "https://user@a.kr",
            "https://a.kr:0",
            "https://a.kr:99999",
            "https://",
            "api.iamport.kr",
            "https://a b",
        ] {
            assert!(Origin::parse(url).is_err(), "{url}");
        }
    }
}

//! What a parsed config holds.

use std::time::Duration;

use crate::secrets::secret::{digest_parts, Secret};
use crate::transport::origin::Origin;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Gateway {
    Nicepay,
    PortoneV1,
    PortoneV2,
}

impl Gateway {
    pub fn name(self) -> &'static str {
        match self {
            Gateway::Nicepay => "nicepay",
            Gateway::PortoneV1 => "portone-v1",
            Gateway::PortoneV2 => "portone-v2",
        }
    }
    pub fn display(self) -> &'static str {
        match self {
            Gateway::Nicepay => "NICEPAY",
            Gateway::PortoneV1 => "PortOne V1",
            Gateway::PortoneV2 => "PortOne V2",
        }
    }
}

/// How business requests are authorized.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    /// A cached access token, `Authorization: Bearer <token>`.
    Token,
    /// NICEPAY `Authorization: Basic base64(clientKey:secretKey)`, no token.
    Basic,
    /// PortOne V2 `Authorization: PortOne <apiSecret>`, no token.
    Secret,
}

#[derive(Clone, Debug)]
pub enum Credentials {
    Nicepay {
        client_key: Secret,
        secret_key: Secret,
    },
    PortoneV1 {
        imp_key: Secret,
        imp_secret: Secret,
    },
    PortoneV2 {
        api_secret: Secret,
    },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Charset {
    Utf8,
    EucKr,
}

#[derive(Clone, Debug)]
pub struct Config {
    pub gateway: Gateway,
    pub scheme: Scheme,
    pub credentials: Credentials,
    pub origin: Origin,
    pub connect_timeout: Duration,
    pub timeout: Duration,
    pub refresh_before: Duration,
    pub return_charset: Charset,
    pub tier: Option<String>,
    pub store_id: Option<String>,
    pub max_response_bytes: u64,
    pub user_agent: String,
    /// PEM bundle added to the trusted roots (for TLS-inspecting proxies and tests).
    pub ca_file: Option<String>,
    /// The host-wide token cache directory (`cacheDir`), absolute.
    pub cache_dir: Option<std::path::PathBuf>,
    /// At most this many of the client's asynchronous calls run at once; more wait.
    pub max_in_flight: usize,
    /// PortOne V2: send an `Idempotency-Key` on every mutating request (`idempotency`).
    pub idempotency: bool,
    /// Resend a request that carries an idempotency key after an unknown outcome
    /// (`retryUnknownOutcome`; see `unknown_outcome.rs`).
    pub retry_unknown_outcome: bool,
}

impl Config {
    /// The process-wide cache key: gateway, scheme, origin, a hash of the credentials,
    /// tier and storeId. Never the secret itself.
    pub fn cache_key(&self) -> [u8; 32] {
        let scheme = format!("{:?}", self.scheme);
        let mut parts: Vec<&[u8]> = vec![
            self.gateway.name().as_bytes(),
            scheme.as_bytes(),
            self.origin.as_str().as_bytes(),
        ];
        match &self.credentials {
            Credentials::Nicepay {
                client_key,
                secret_key,
            } => parts.extend([
                client_key.expose().as_bytes(),
                secret_key.expose().as_bytes(),
            ]),
            Credentials::PortoneV1 {
                imp_key,
                imp_secret,
            } => parts.extend([imp_key.expose().as_bytes(), imp_secret.expose().as_bytes()]),
            Credentials::PortoneV2 { api_secret } => parts.push(api_secret.expose().as_bytes()),
        }
        parts.push(self.tier.as_deref().unwrap_or("\u{0}none").as_bytes());
        parts.push(self.store_id.as_deref().unwrap_or("\u{0}none").as_bytes());
        digest_parts(&parts)
    }
}

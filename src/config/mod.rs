//! The client configuration: a JSON object, validated strictly. Unknown keys, keys of
//! another gateway, wrong types and padded credentials are refused with a message that
//! names the key (and never shows a credential's value).

pub(crate) mod schema;

use std::time::Duration;

use serde_json::{Map, Value};

use crate::error::Error;
use crate::secrets::secret::{digest_parts, Secret};
use crate::transport::origin::Origin;

/// A config larger than this is certainly a mistake.
const MAX_CONFIG_BYTES: usize = 64 * 1024;
const MAX_CREDENTIAL_BYTES: usize = 4096;
pub(crate) const MAX_TIMEOUT_MS: u64 = 600_000;
pub(crate) const MAX_RESPONSE_BYTES_LIMIT: u64 = 1 << 30;
pub(crate) const MAX_IN_FLIGHT_LIMIT: u64 = 4096;

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
    pub fn parse(json: &str) -> Result<Config, Error> {
        if json.len() > MAX_CONFIG_BYTES {
            return Err(Error::invalid(format!(
                "config is {} bytes; at most {MAX_CONFIG_BYTES} are accepted",
                json.len()
            )));
        }
        let value: Value = serde_json::from_str(json).map_err(|e| {
            // serde_json's message gives line/column and never echoes the input text.
            Error::invalid(format!("config is not valid JSON: {e}"))
        })?;
        let Value::Object(map) = value else {
            return Err(Error::invalid("config must be a JSON object"));
        };
        let reader = Reader { map: &map };
        let gateway = match reader.string("gateway")?.as_deref() {
            Some("nicepay") => Gateway::Nicepay,
            Some("portone-v1") => Gateway::PortoneV1,
            Some("portone-v2") => Gateway::PortoneV2,
            Some(other) => {
                return Err(Error::invalid(format!(
                    "config key \"gateway\" is \"{}\"; expected \"nicepay\", \"portone-v1\" or \"portone-v2\"",
                    printable(other)
                )))
            }
            None => return Err(Error::invalid("config key \"gateway\" is required (\"nicepay\", \"portone-v1\" or \"portone-v2\")")),
        };
        reader.check_keys(gateway)?;

        let scheme = match (gateway, reader.string("auth")?.as_deref()) {
            (Gateway::Nicepay, None | Some("token")) => Scheme::Token,
            (Gateway::Nicepay, Some("basic")) => Scheme::Basic,
            (Gateway::PortoneV1, None | Some("token")) => Scheme::Token,
            (Gateway::PortoneV2, None | Some("secret")) => Scheme::Secret,
            (Gateway::PortoneV2, Some("token")) => Scheme::Token,
            (g, Some(other)) => {
                let allowed = match g {
                    Gateway::Nicepay => "\"token\" or \"basic\"",
                    Gateway::PortoneV1 => "\"token\"",
                    Gateway::PortoneV2 => "\"secret\" or \"token\"",
                };
                return Err(Error::invalid(format!(
                    "config key \"auth\" is \"{}\"; {} accepts {allowed}",
                    printable(other),
                    g.name()
                )));
            }
        };

        let credentials = match gateway {
            Gateway::Nicepay => {
                let client_key = reader.credential("clientKey")?;
                if client_key.expose().contains(':') {
                    return Err(Error::invalid("config key \"clientKey\" contains ':'; NICEPAY client keys never do (check what was pasted)"));
                }
                Credentials::Nicepay {
                    client_key,
                    secret_key: reader.credential("secretKey")?,
                }
            }
            Gateway::PortoneV1 => Credentials::PortoneV1 {
                imp_key: reader.credential("impKey")?,
                imp_secret: reader.credential("impSecret")?,
            },
            Gateway::PortoneV2 => Credentials::PortoneV2 {
                api_secret: reader.credential("apiSecret")?,
            },
        };

        let sandbox = reader.table_boolean("sandbox", gateway)?;
        let origin = match reader.string("baseUrl")? {
            Some(url) => Origin::parse(&url)?,
            None => {
                Origin::parse(default_origin(gateway, sandbox)).expect("built-in origins are valid")
            }
        };

        // Ranges and defaults come from the key table (schema.rs), written once there.
        let connect_ms = reader.table_integer("connectTimeoutMs", gateway)?;
        let timeout_ms = reader.table_integer("timeoutMs", gateway)?;
        let refresh_before = reader.table_integer("refreshBeforeSecs", gateway)?;
        if map.contains_key("refreshBeforeSecs") && scheme != Scheme::Token {
            return Err(Error::invalid(
                "config key \"refreshBeforeSecs\" applies only to the \"token\" auth scheme",
            ));
        }

        let return_charset = match reader
            .string("returnCharSet")?
            .map(|s| s.to_ascii_lowercase())
            .as_deref()
        {
            None | Some("utf-8") | Some("utf8") => Charset::Utf8,
            Some("euc-kr") | Some("euckr") => Charset::EucKr,
            Some(other) => {
                return Err(Error::invalid(format!(
                    "config key \"returnCharSet\" is \"{}\"; expected \"utf-8\" or \"euc-kr\"",
                    printable(other)
                )))
            }
        };

        let tier = reader.header_text("tier")?;
        let store_id = reader.header_text("storeId")?;
        let max_response_bytes = reader.table_integer("maxResponseBytes", gateway)?;
        let mut user_agent = format!("paytoken/{}", env!("CARGO_PKG_VERSION"));
        if let Some(extra) = reader.header_text("userAgent")? {
            user_agent.push(' ');
            user_agent.push_str(&extra);
        }
        let ca_file = reader.string("caFile")?;
        if let Some(path) = &ca_file {
            if path.is_empty() {
                return Err(Error::invalid("config key \"caFile\" is empty"));
            }
        }

        let cache_dir = match reader.string("cacheDir")? {
            None => None,
            Some(dir) if dir.starts_with('/') && !dir.contains('\0') => Some(dir.into()),
            Some(_) => {
                return Err(Error::invalid(
                    "config key \"cacheDir\" must be an absolute directory path",
                ))
            }
        };
        if cache_dir.is_some() && scheme != Scheme::Token {
            return Err(Error::invalid(
                "config key \"cacheDir\" applies only to the \"token\" auth scheme",
            ));
        }
        let max_in_flight = reader.table_integer("maxInFlight", gateway)? as usize;
        let idempotency = reader.table_boolean("idempotency", gateway)?;
        let retry_unknown_outcome = reader.table_boolean("retryUnknownOutcome", gateway)?;

        Ok(Config {
            gateway,
            scheme,
            credentials,
            origin,
            connect_timeout: Duration::from_millis(connect_ms),
            timeout: Duration::from_millis(timeout_ms),
            refresh_before: Duration::from_secs(refresh_before),
            return_charset,
            tier,
            store_id,
            max_response_bytes,
            user_agent,
            ca_file,
            cache_dir,
            max_in_flight,
            idempotency,
            retry_unknown_outcome,
        })
    }

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

fn default_origin(gateway: Gateway, sandbox: bool) -> &'static str {
    match (gateway, sandbox) {
        (Gateway::Nicepay, false) => "https://api.nicepay.co.kr",
        (Gateway::Nicepay, true) => "https://sandbox-api.nicepay.co.kr",
        (Gateway::PortoneV1, _) => "https://api.iamport.kr",
        (Gateway::PortoneV2, _) => "https://api.portone.io",
    }
}

/// A user-supplied value shown in a message: cut short, control characters escaped.
fn printable(s: &str) -> String {
    let mut out: String = s.chars().take(40).flat_map(char::escape_debug).collect();
    if s.chars().count() > 40 {
        out.push('…');
    }
    out
}

struct Reader<'a> {
    map: &'a Map<String, Value>,
}

impl Reader<'_> {
    /// Every key must be in the one key table (`schema::KEYS`) for this gateway.
    fn check_keys(&self, gateway: Gateway) -> Result<(), Error> {
        for key in self.map.keys() {
            match schema::find(key) {
                Some(k) if k.accepted_by(gateway) => continue,
                Some(k) => {
                    let owner = match k.gateways {
                        schema::Gateways::Only(g) => g.name(),
                        _ => "another gateway",
                    };
                    return Err(Error::invalid(format!(
                        "config key \"{key}\" belongs to {owner}, not {}",
                        gateway.name()
                    )));
                }
                None => {
                    return Err(Error::invalid(format!(
                        "unknown config key \"{}\"",
                        printable(key)
                    )))
                }
            }
        }
        Ok(())
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    fn string(&self, key: &str) -> Result<Option<String>, Error> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(Error::invalid(format!(
                "config key \"{key}\" must be a string"
            ))),
        }
    }

    fn boolean(&self, key: &str) -> Result<Option<bool>, Error> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(Error::invalid(format!(
                "config key \"{key}\" must be true or false"
            ))),
        }
    }

    fn integer(&self, key: &str, min: u64, max: u64) -> Result<Option<u64>, Error> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => match n.as_u64() {
                Some(v) if (min..=max).contains(&v) => Ok(Some(v)),
                _ => Err(Error::invalid(format!(
                    "config key \"{key}\" must be a whole number from {min} to {max}"
                ))),
            },
            Some(_) => Err(Error::invalid(format!(
                "config key \"{key}\" must be a number"
            ))),
        }
    }

    /// An integer key read with the range and default of the key table (`schema.rs`):
    /// the one place they are written.
    fn table_integer(&self, key: &str, gateway: Gateway) -> Result<u64, Error> {
        let entry = schema::find(key).expect("the key is in the table");
        let (min, max) = entry.range.expect("integer keys have a range in the table");
        let default = schema::default_for(key, gateway).and_then(|v| v.as_u64());
        Ok(self
            .integer(key, min, max)?
            .unwrap_or_else(|| default.expect("integer keys have a default in the table")))
    }

    /// A boolean key read with the default of the key table.
    fn table_boolean(&self, key: &str, gateway: Gateway) -> Result<bool, Error> {
        let default = schema::default_for(key, gateway).and_then(|v| v.as_bool());
        Ok(self
            .boolean(key)?
            .unwrap_or_else(|| default.expect("boolean keys have a default in the table")))
    }

    /// A credential: required, non-empty, no surrounding whitespace, no control characters.
    fn credential(&self, key: &str) -> Result<Secret, Error> {
        let value = match self.get(key) {
            None => return Err(Error::invalid(format!("config key \"{key}\" is required"))),
            Some(Value::String(s)) => s,
            Some(_) => {
                return Err(Error::invalid(format!(
                    "config key \"{key}\" must be a string"
                )))
            }
        };
        if value.is_empty() {
            return Err(Error::invalid(format!("config key \"{key}\" is empty")));
        }
        if value.trim() != value {
            return Err(Error::invalid(format!(
                "config key \"{key}\" has whitespace around it (a trailing newline is a classic cause of NICEPAY U104); remove it"
            )));
        }
        if value.chars().any(char::is_control) {
            return Err(Error::invalid(format!(
                "config key \"{key}\" contains a control character"
            )));
        }
        if value.len() > MAX_CREDENTIAL_BYTES {
            return Err(Error::invalid(format!(
                "config key \"{key}\" is longer than {MAX_CREDENTIAL_BYTES} bytes"
            )));
        }
        Ok(Secret::new(value.clone()))
    }

    /// Text that goes into a header or query: printable, no surrounding whitespace.
    fn header_text(&self, key: &str) -> Result<Option<String>, Error> {
        let Some(value) = self.string(key)? else {
            return Ok(None);
        };
        if value.is_empty()
            || value.trim() != value
            || value.chars().any(char::is_control)
            || value.len() > 256
        {
            return Err(Error::invalid(format!(
                "config key \"{key}\" must be 1 to 256 characters with no surrounding whitespace or control characters"
            )));
        }
        Ok(Some(value))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(json: &str) -> String {
        Config::parse(json).unwrap_err().message
    }

    #[test]
    fn defaults_per_gateway() {
        let c = Config::parse(
            r#"{"gateway":"nicepay","clientKey":"k","secretKey":"s","sandbox":true}"#,
        )
        .unwrap();
        assert_eq!(c.origin.as_str(), "https://sandbox-api.nicepay.co.kr");
        assert_eq!(c.scheme, Scheme::Token);
        assert_eq!(c.refresh_before, Duration::ZERO);
        assert_eq!(c.timeout, Duration::from_secs(30));
        let c = Config::parse(r#"{"gateway":"portone-v2","apiSecret":"s"}"#).unwrap();
        assert_eq!(c.scheme, Scheme::Secret);
        assert_eq!(c.timeout, Duration::from_secs(60));
        assert_eq!(c.refresh_before, Duration::from_secs(60));
    }

    #[test]
    fn strict_validation_names_the_key() {
        assert!(
            err(r#"{"gateway":"nicepay","clientKey":"k","secretKey":"s","colour":1}"#)
                .contains("unknown config key \"colour\"")
        );
        assert!(
            err(r#"{"gateway":"nicepay","clientKey":"k","secretKey":"s","tier":"x"}"#)
                .contains("belongs to portone-v1")
        );
        assert!(
            err(r#"{"gateway":"nicepay","clientKey":"k","secretKey":"s\n"}"#)
                .contains("whitespace")
        );
        assert!(
            err(r#"{"gateway":"nicepay","clientKey":"","secretKey":"s"}"#)
                .contains("\"clientKey\" is empty")
        );
        assert!(
            err(r#"{"gateway":"portone-v1","impKey":"k"}"#).contains("\"impSecret\" is required")
        );
        assert!(
            err(r#"{"gateway":"portone-v1","impKey":"k","impSecret":5}"#)
                .contains("must be a string")
        );
        assert!(err(r#"{"gateway":"toss"}"#).contains("\"toss\""));
        assert!(err(r#"[1]"#).contains("JSON object"));
        assert!(err(r#"{"gateway":"#).contains("not valid JSON"));
        assert!(
            err(r#"{"gateway":"portone-v2","apiSecret":"s","timeoutMs":0}"#).contains("timeoutMs")
        );
        assert!(
            err(r#"{"gateway":"portone-v2","apiSecret":"s","auth":"basic"}"#)
                .contains("\"secret\" or \"token\"")
        );
    }

    #[test]
    fn errors_never_show_a_credential() {
        let e = err(r#"{"gateway":"nicepay","clientKey":"TOPSECRETKEY ","secretKey":"s"}"#);
        assert!(!e.contains("TOPSECRETKEY"), "{e}");
    }

    #[test]
    fn cache_key_depends_on_credentials_and_origin() {
        let a = Config::parse(r#"{"gateway":"portone-v1","impKey":"k","impSecret":"s"}"#).unwrap();
        let b = Config::parse(r#"{"gateway":"portone-v1","impKey":"k","impSecret":"s2"}"#).unwrap();
        let c = Config::parse(r#"{"gateway":"portone-v1","impKey":"k","impSecret":"s","baseUrl":"https://static-api.iamport.kr"}"#).unwrap();
        let d = Config::parse(
            r#"{"gateway":"portone-v1","impKey":"k","impSecret":"s","timeoutMs":1000}"#,
        )
        .unwrap();
        assert_ne!(a.cache_key(), b.cache_key());
        assert_ne!(a.cache_key(), c.cache_key());
        assert_eq!(a.cache_key(), d.cache_key());
    }
}

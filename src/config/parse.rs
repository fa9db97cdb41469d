//! `Config::parse`: the JSON read key by key (each key's checks are in `reader.rs`, its
//! default and range in the key table, `schema.rs`).

use std::time::Duration;

use serde_json::Value;

use super::reader::{printable, Reader};
use super::{Charset, Config, Credentials, Gateway, Scheme, MAX_CONFIG_BYTES};
use crate::error::Error;
use crate::transport::origin::Origin;

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
}

fn default_origin(gateway: Gateway, sandbox: bool) -> &'static str {
    match (gateway, sandbox) {
        (Gateway::Nicepay, false) => "https://api.nicepay.co.kr",
        (Gateway::Nicepay, true) => "https://sandbox-api.nicepay.co.kr",
        (Gateway::PortoneV1, _) => "https://api.iamport.kr",
        (Gateway::PortoneV2, _) => "https://api.portone.io",
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

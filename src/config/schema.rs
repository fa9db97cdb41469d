//! The config keys, declared once: name, type, gateways, default and range. `Config::parse`
//! checks keys against this table, `paytoken_config_schema` exports it as JSON for the
//! bindings (each derives or tests its option names from it), and a test checks the
//! README's config table against it. A new key is one line here plus its parsing.

use serde_json::{json, Value};

use crate::config::{Gateway, MAX_TIMEOUT_MS};

/// What a key's value must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// A string (for `values`, one of them).
    String,
    /// A credential: a non-empty string, never shown in messages or logs.
    Secret,
    Boolean,
    /// A whole number in `range`.
    Integer,
}

/// Which gateways accept a key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gateways {
    All,
    /// The schemes that use a cached token (nicepay "token", portone-v1, portone-v2 "token").
    TokenSchemes,
    Only(Gateway),
}

pub struct Key {
    pub name: &'static str,
    pub kind: Kind,
    pub gateways: Gateways,
    pub required: bool,
    /// The default as JSON text: a value, or an object by gateway name; "" for none.
    pub default: &'static str,
    pub range: Option<(u64, u64)>,
    pub values: &'static [&'static str],
}

const fn key(name: &'static str, kind: Kind, gateways: Gateways) -> Key {
    Key {
        name,
        kind,
        gateways,
        required: false,
        default: "",
        range: None,
        values: &[],
    }
}

use Gateway::{Nicepay, PortoneV1, PortoneV2};
use Gateways::{All, Only, TokenSchemes};
use Kind::{Boolean, Integer, Secret, String as Str};

/// Every key `paytoken_client_new` accepts.
pub const KEYS: &[Key] = &[
    Key {
        required: true,
        values: &["nicepay", "portone-v1", "portone-v2"],
        ..key("gateway", Str, All)
    },
    Key {
        required: true,
        ..key("clientKey", Secret, Only(Nicepay))
    },
    Key {
        required: true,
        ..key("secretKey", Secret, Only(Nicepay))
    },
    Key {
        required: true,
        ..key("impKey", Secret, Only(PortoneV1))
    },
    Key {
        required: true,
        ..key("impSecret", Secret, Only(PortoneV1))
    },
    Key {
        required: true,
        ..key("apiSecret", Secret, Only(PortoneV2))
    },
    Key {
        default: r#"{"nicepay":"token","portone-v1":"token","portone-v2":"secret"}"#,
        values: &["token", "basic", "secret"],
        ..key("auth", Str, All)
    },
    Key {
        default: "false",
        ..key("sandbox", Boolean, Only(Nicepay))
    },
    Key {
        ..key("baseUrl", Str, All)
    },
    Key {
        default: "5000",
        range: Some((1, MAX_TIMEOUT_MS)),
        ..key("connectTimeoutMs", Integer, All)
    },
    Key {
        default: r#"{"nicepay":30000,"portone-v1":30000,"portone-v2":60000}"#,
        range: Some((1, MAX_TIMEOUT_MS)),
        ..key("timeoutMs", Integer, All)
    },
    Key {
        default: r#"{"nicepay":0,"portone-v1":60,"portone-v2":60}"#,
        range: Some((0, 1200)),
        ..key("refreshBeforeSecs", Integer, TokenSchemes)
    },
    Key {
        default: "\"utf-8\"",
        values: &["utf-8", "euc-kr"],
        ..key("returnCharSet", Str, Only(Nicepay))
    },
    Key {
        ..key("tier", Str, Only(PortoneV1))
    },
    Key {
        ..key("storeId", Str, Only(PortoneV2))
    },
    Key {
        default: "8388608",
        range: Some((1, crate::config::MAX_RESPONSE_BYTES_LIMIT)),
        ..key("maxResponseBytes", Integer, All)
    },
    Key {
        ..key("userAgent", Str, All)
    },
    Key {
        ..key("caFile", Str, All)
    },
    Key {
        ..key("cacheDir", Str, TokenSchemes)
    },
    Key {
        default: "256",
        range: Some((1, crate::config::MAX_IN_FLIGHT_LIMIT)),
        ..key("maxInFlight", Integer, All)
    },
    Key {
        default: "true",
        ..key("idempotency", Boolean, Only(PortoneV2))
    },
    Key {
        default: "false",
        ..key("retryUnknownOutcome", Boolean, All)
    },
];

/// The JSON type of a config key's value, for callers that hold values as text (the
/// `paytoken` command's `PAYTOKEN_*` environment variables).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyType {
    String,
    /// A whole number (milliseconds, seconds, bytes).
    Integer,
    Boolean,
}

/// Every config key with the type of its value, `gateway` first: derived from [`KEYS`],
/// so a new key reaches the command without a second table.
pub fn key_table() -> Vec<(&'static str, KeyType)> {
    KEYS.iter()
        .map(|k| {
            let kind = match k.kind {
                Integer => KeyType::Integer,
                Boolean => KeyType::Boolean,
                Str | Secret => KeyType::String,
            };
            (k.name, kind)
        })
        .collect()
}

/// The gateway that owns `name` alone, or None for a key every gateway accepts (or an
/// unknown key: see [`find`]).
/// The table's default of key `name` for `gateway` (a value, or the gateway's entry of
/// an object by gateway); None when the key has no default there.
pub fn default_for(name: &str, gateway: Gateway) -> Option<serde_json::Value> {
    let key = find(name)?;
    if key.default.is_empty() {
        return None;
    }
    let value: serde_json::Value = serde_json::from_str(key.default).ok()?;
    match value {
        serde_json::Value::Object(mut by_gateway) => by_gateway.remove(gateway.name()),
        other => Some(other),
    }
}

pub fn find(name: &str) -> Option<&'static Key> {
    KEYS.iter().find(|k| k.name == name)
}

impl Key {
    pub fn accepted_by(&self, gateway: Gateway) -> bool {
        match self.gateways {
            All | TokenSchemes => true,
            Only(g) => g == gateway,
        }
    }

    fn to_json(&self) -> Value {
        let gateways: Vec<&str> = match self.gateways {
            All | TokenSchemes => vec!["nicepay", "portone-v1", "portone-v2"],
            Only(g) => vec![g.name()],
        };
        let kind = match self.kind {
            Str => "string",
            Secret => "secret",
            Boolean => "boolean",
            Integer => "integer",
        };
        let mut v = json!({
            "name": self.name,
            "type": kind,
            "gateways": gateways,
            "required": self.required,
        });
        if self.gateways == TokenSchemes {
            v["tokenSchemesOnly"] = json!(true);
        }
        if !self.default.is_empty() {
            v["default"] = serde_json::from_str(self.default).expect("defaults are valid JSON");
        }
        if let Some((min, max)) = self.range {
            v["min"] = json!(min);
            v["max"] = json!(max);
        }
        if !self.values.is_empty() {
            v["values"] = json!(self.values);
        }
        v
    }
}

/// The table as JSON text (the boundary builds its C string from it once).
pub fn schema_json() -> String {
    let keys: Vec<Value> = KEYS.iter().map(Key::to_json).collect();
    json!({ "version": 1, "keys": keys }).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_and_defaults_parse() {
        let mut names: Vec<&str> = KEYS.iter().map(|k| k.name).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), KEYS.len());
        let doc: Value = serde_json::from_str(&schema_json()).unwrap();
        assert_eq!(doc["keys"].as_array().unwrap().len(), KEYS.len());
        let timeout = doc["keys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["name"] == "timeoutMs")
            .unwrap();
        assert_eq!(timeout["default"]["portone-v2"], 60000);
        assert_eq!(timeout["max"], MAX_TIMEOUT_MS);
    }

    /// The table and the parser agree: a config with every key of a gateway set to a
    /// valid value parses, and each other gateway's own key is refused.
    #[test]
    fn the_parser_accepts_exactly_the_table() {
        for gateway in [Nicepay, PortoneV1, PortoneV2] {
            for k in KEYS.iter().filter(|k| k.name != "gateway") {
                let base = match gateway {
                    Nicepay => json!({"gateway":"nicepay","clientKey":"k","secretKey":"s"}),
                    PortoneV1 => json!({"gateway":"portone-v1","impKey":"k","impSecret":"s"}),
                    PortoneV2 => json!({"gateway":"portone-v2","apiSecret":"s","auth":"token"}),
                };
                let mut cfg = base.clone();
                let value = match (k.kind, k.name) {
                    (_, "auth") => json!("token"),
                    (_, "baseUrl") => json!("http://127.0.0.1:1"),
                    (_, "cacheDir") => json!("/tmp/paytoken-schema-test"),
                    (_, "caFile") => continue, // checked for existence by the security work
                    (Boolean, _) => json!(true),
                    (Integer, _) => json!(k.range.unwrap().1),
                    (_, _) if !k.values.is_empty() => json!(k.values[0]),
                    _ => json!("value"),
                };
                cfg[k.name] = value;
                let parsed = crate::config::Config::parse(&cfg.to_string());
                assert_eq!(
                    parsed.is_ok(),
                    k.accepted_by(gateway),
                    "{} on {:?}: {:?}",
                    k.name,
                    gateway,
                    parsed.err().map(|e| e.message)
                );
            }
        }
    }

    /// A value of another type than the table says is refused for its type.
    #[test]
    fn the_key_table_gives_each_key_the_type_the_parser_reads() {
        for (k, (name, kind)) in KEYS.iter().zip(key_table()) {
            assert_eq!(k.name, name);
            let mut cfg = match k.gateways {
                Only(Nicepay) => json!({"gateway":"nicepay","clientKey":"c","secretKey":"s"}),
                Only(PortoneV2) => json!({"gateway":"portone-v2","apiSecret":"a"}),
                _ => json!({"gateway":"portone-v1","impKey":"k","impSecret":"s"}),
            };
            cfg[name] = match kind {
                KeyType::String => json!(12),
                KeyType::Integer | KeyType::Boolean => json!("text"),
            };
            let message = crate::config::Config::parse(&cfg.to_string())
                .unwrap_err()
                .message;
            let expected = match kind {
                KeyType::String => "must be a string",
                KeyType::Integer => "must be a number",
                KeyType::Boolean => "must be true or false",
            };
            if name == "gateway" {
                assert!(message.contains("\"gateway\""), "{message}");
            } else {
                assert!(
                    message.contains(&format!("\"{name}\" {expected}")),
                    "{name}: {message}"
                );
            }
        }
    }
}

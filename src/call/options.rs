//! Per-call options: what one request may set for itself, beside the client's config.
//!
//! Passed to `paytoken_request_ex` (and the asynchronous calls) as a JSON object, so a
//! later option is a new key, never a new function. NULL or `{}` means "the client's
//! defaults". Unknown keys are an error that names the key, as in the config.

use std::time::Duration;

use serde_json::{Map, Value};

use crate::config::{Config, MAX_TIMEOUT_MS};
use crate::error::Error;

/// Larger option objects are refused before parsing.
const MAX_OPTIONS_BYTES: usize = 16 * 1024;

/// The keys `options_json` accepts.
pub const KEYS: &[&str] = &["timeoutMs", "idempotencyKey", "retryUnknownOutcome"];

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CallOptions {
    /// Whole-request deadline for this call, replacing the config's `timeoutMs`.
    pub timeout: Option<Duration>,
    /// The caller's own `Idempotency-Key` (checked: 16–256 printable ASCII, no `"` `\`).
    pub idempotency_key: Option<String>,
    /// Overrides the config's `retryUnknownOutcome` for this call.
    pub retry_unknown_outcome: Option<bool>,
}

impl CallOptions {
    /// Parses `options_json` (`None` = defaults).
    pub fn parse(json: Option<&str>) -> Result<CallOptions, Error> {
        let Some(json) = json else {
            return Ok(CallOptions::default());
        };
        if json.len() > MAX_OPTIONS_BYTES {
            return Err(Error::invalid(format!(
                "options_json is {} bytes; at most {MAX_OPTIONS_BYTES} are accepted",
                json.len()
            )));
        }
        let value: Value = serde_json::from_str(json)
            .map_err(|e| Error::invalid(format!("options_json is not valid JSON: {e}")))?;
        let Value::Object(map) = value else {
            return Err(Error::invalid(
                "options_json must be a JSON object, e.g. {\"timeoutMs\":5000}",
            ));
        };
        if let Some(unknown) = map.keys().find(|k| !KEYS.contains(&k.as_str())) {
            let shown: String = unknown
                .chars()
                .take(40)
                .flat_map(char::escape_debug)
                .collect();
            return Err(Error::invalid(format!(
                "options_json: unknown key \"{shown}\" (known: {})",
                KEYS.join(", ")
            )));
        }
        let idempotency_key = match map.get("idempotencyKey") {
            None => None,
            Some(Value::String(key)) => {
                crate::recovery::idempotency::check_key(key)?;
                Some(key.clone())
            }
            Some(_) => {
                return Err(Error::invalid(
                    "options_json: \"idempotencyKey\" must be a string",
                ))
            }
        };
        let retry_unknown_outcome = match map.get("retryUnknownOutcome") {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => {
                return Err(Error::invalid(
                    "options_json: \"retryUnknownOutcome\" must be true or false",
                ))
            }
        };
        Ok(CallOptions {
            timeout: millis(&map, "timeoutMs")?.map(Duration::from_millis),
            idempotency_key,
            retry_unknown_outcome,
        })
    }

    /// Whether this call resends after an unknown outcome (when it carries a key).
    pub fn retry_unknown_outcome(&self, config: &Config) -> bool {
        self.retry_unknown_outcome
            .unwrap_or(config.retry_unknown_outcome)
    }

    /// The whole-request deadline this call runs under.
    pub fn timeout(&self, config: &Config) -> Duration {
        self.timeout.unwrap_or(config.timeout)
    }
}

fn millis(map: &Map<String, Value>, key: &str) -> Result<Option<u64>, Error> {
    match map.get(key) {
        None => Ok(None),
        Some(Value::Number(n)) => match n.as_u64() {
            Some(v) if (1..=MAX_TIMEOUT_MS).contains(&v) => Ok(Some(v)),
            _ => Err(Error::invalid(format!(
                "options_json: \"{key}\" must be a whole number from 1 to {MAX_TIMEOUT_MS}"
            ))),
        },
        Some(_) => Err(Error::invalid(format!(
            "options_json: \"{key}\" must be a number"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_timeout() {
        assert_eq!(CallOptions::parse(None).unwrap(), CallOptions::default());
        assert_eq!(
            CallOptions::parse(Some("{}")).unwrap(),
            CallOptions::default()
        );
        let o = CallOptions::parse(Some(r#"{"timeoutMs":1500}"#)).unwrap();
        assert_eq!(o.timeout, Some(Duration::from_millis(1500)));
        let o = CallOptions::parse(Some(
            r#"{"idempotencyKey":"order-1234-cancel-01","retryUnknownOutcome":true}"#,
        ))
        .unwrap();
        assert_eq!(o.idempotency_key.as_deref(), Some("order-1234-cancel-01"));
        assert_eq!(o.retry_unknown_outcome, Some(true));
    }

    #[test]
    fn bad_options_name_the_problem() {
        let msg = |j: &str| CallOptions::parse(Some(j)).unwrap_err().message;
        assert!(msg(r#"{"timeout":5}"#).contains("unknown key \"timeout\""));
        assert!(msg(r#"{"timeoutMs":0}"#).contains("timeoutMs"));
        assert!(msg(r#"{"timeoutMs":"5"}"#).contains("must be a number"));
        assert!(msg("[1]").contains("JSON object"));
        assert!(msg(r#"{"idempotencyKey":"short"}"#).contains("idempotencyKey"));
        assert!(msg(r#"{"idempotencyKey":7}"#).contains("must be a string"));
        assert!(msg(r#"{"retryUnknownOutcome":1}"#).contains("true or false"));
        assert!(msg("{").contains("not valid JSON"));
        assert!(msg(&format!("{{\"timeoutMs\":1{}}}", " ".repeat(20_000))).contains("at most"));
    }
}

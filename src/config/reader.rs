//! One config key's checks: its type, its range and default from the key table
//! (`schema.rs`), the text rules for credentials and header values.

use serde_json::{Map, Value};

use super::schema;
use super::{Gateway, MAX_CREDENTIAL_BYTES};
use crate::error::Error;
use crate::secrets::secret::Secret;

/// A user-supplied value shown in a message: cut short, control characters escaped.
pub(super) fn printable(s: &str) -> String {
    let mut out: String = s.chars().take(40).flat_map(char::escape_debug).collect();
    if s.chars().count() > 40 {
        out.push('…');
    }
    out
}

pub(super) struct Reader<'a> {
    pub(super) map: &'a Map<String, Value>,
}

impl Reader<'_> {
    /// Every key must be in the one key table (`schema::KEYS`) for this gateway.
    pub(super) fn check_keys(&self, gateway: Gateway) -> Result<(), Error> {
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

    pub(super) fn get(&self, key: &str) -> Option<&Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub(super) fn string(&self, key: &str) -> Result<Option<String>, Error> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(Error::invalid(format!(
                "config key \"{key}\" must be a string"
            ))),
        }
    }

    pub(super) fn boolean(&self, key: &str) -> Result<Option<bool>, Error> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(Error::invalid(format!(
                "config key \"{key}\" must be true or false"
            ))),
        }
    }

    pub(super) fn integer(&self, key: &str, min: u64, max: u64) -> Result<Option<u64>, Error> {
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
    pub(super) fn table_integer(&self, key: &str, gateway: Gateway) -> Result<u64, Error> {
        let entry = schema::find(key).expect("the key is in the table");
        let (min, max) = entry.range.expect("integer keys have a range in the table");
        let default = schema::default_for(key, gateway).and_then(|v| v.as_u64());
        Ok(self
            .integer(key, min, max)?
            .unwrap_or_else(|| default.expect("integer keys have a default in the table")))
    }

    /// A boolean key read with the default of the key table.
    pub(super) fn table_boolean(&self, key: &str, gateway: Gateway) -> Result<bool, Error> {
        let default = schema::default_for(key, gateway).and_then(|v| v.as_bool());
        Ok(self
            .boolean(key)?
            .unwrap_or_else(|| default.expect("boolean keys have a default in the table")))
    }

    /// A credential: required, non-empty, no surrounding whitespace, no control characters.
    pub(super) fn credential(&self, key: &str) -> Result<Secret, Error> {
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
    pub(super) fn header_text(&self, key: &str) -> Result<Option<String>, Error> {
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

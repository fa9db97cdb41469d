//! The client configuration: a JSON object, validated strictly. Unknown keys, keys of
//! another gateway, wrong types and padded credentials are refused with a message that
//! names the key (and never shows a credential's value).
//!
//! - `types.rs`: what a parsed config holds (`Config`, `Gateway`, `Scheme`, ...);
//! - `parse.rs`: `Config::parse`, the JSON read key by key into those types;
//! - `reader.rs`: one key's checks (type, range, text rules), driven by the key table;
//! - `schema.rs`: the key table, with each key's type, gateways, default and range.

mod parse;
mod reader;
pub(crate) mod schema;
mod types;

pub use types::{Charset, Config, Credentials, Gateway, Scheme};

/// A config larger than this is certainly a mistake.
const MAX_CONFIG_BYTES: usize = 64 * 1024;
const MAX_CREDENTIAL_BYTES: usize = 4096;
pub(crate) const MAX_TIMEOUT_MS: u64 = 600_000;
pub(crate) const MAX_RESPONSE_BYTES_LIMIT: u64 = 1 << 30;
pub(crate) const MAX_IN_FLIGHT_LIMIT: u64 = 4096;

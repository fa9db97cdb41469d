//! Exit statuses: 0, a paytoken status code (1-7, as `paytoken_status`), or a sysexits
//! code for what goes wrong before the library is called.

use crate::native::Failure;

/// `paytoken verify`: the gateway answered, and the payment is not what was expected.
pub const EX_NOT_VERIFIED: i32 = 10;
/// Wrong arguments: unknown subcommand or option, missing value.
pub const EX_USAGE: i32 = 64;
/// A `--config` or `--data @FILE` file cannot be read.
pub const EX_NOINPUT: i32 = 66;
/// A `--config` file other users can read, or that another user owns.
pub const EX_NOPERM: i32 = 77;

/// What ends the command: its exit status and a message for stderr (never a secret).
#[derive(Debug)]
pub struct CliError {
    pub code: i32,
    pub message: String,
    /// The library's failure, when there was one (for `--json`).
    pub failure: Option<Failure>,
}

impl CliError {
    pub fn new(code: i32, message: impl Into<String>) -> CliError {
        CliError {
            code,
            message: message.into(),
            failure: None,
        }
    }

    pub fn usage(message: impl Into<String>) -> CliError {
        CliError::new(EX_USAGE, message)
    }

    /// A config that cannot be a config: as the library's PAYTOKEN_E_INVALID_ARGUMENT.
    pub fn config(message: impl Into<String>) -> CliError {
        CliError::from(Failure::invalid(message))
    }

    pub fn json(&self) -> serde_json::Value {
        match &self.failure {
            Some(f) => serde_json::json!({
                "ok": false,
                "code": f.code,
                "status": f.status_name(),
                "httpStatus": f.http_status,
                "gatewayCode": f.gateway_code,
                "message": f.message,
                "phase": if f.token_phase { "token" } else { "call" },
            }),
            None => serde_json::json!({
                "ok": false,
                "code": self.code,
                "status": match self.code {
                    EX_USAGE => "usage",
                    EX_NOINPUT => "no-input",
                    EX_NOPERM => "no-permission",
                    EX_NOT_VERIFIED => "not-verified",
                    _ => "error",
                },
                "message": self.message,
            }),
        }
    }
}

impl From<Failure> for CliError {
    fn from(f: Failure) -> CliError {
        let mut message = format!("{} ({}): {}", f.description(), f.status_name(), f.message);
        if f.http_status != 0 {
            message.push_str(&format!(" (HTTP {}", f.http_status));
            if !f.gateway_code.is_empty() {
                message.push_str(&format!(", gateway code {}", f.gateway_code));
            }
            message.push(')');
        }
        CliError {
            code: f.code,
            message,
            failure: Some(f),
        }
    }
}

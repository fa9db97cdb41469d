//! Status codes and the library's error type (`ffi::error` copies it into the caller's
//! `paytoken_error`).

use std::fmt;

/// Status codes returned by every fallible function. Stable: never renumbered or reused.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum paytoken_status {
    /// Success.
    PAYTOKEN_OK = 0,
    /// A NULL where a pointer is required, non-UTF-8 text, malformed or unknown config,
    /// bad method/path/headers.
    PAYTOKEN_E_INVALID_ARGUMENT = 1,
    /// The gateway refused the credentials, or a request still got 401 after one retry
    /// with a fresh token.
    PAYTOKEN_E_AUTH = 2,
    /// The gateway answered, but not usefully: 5xx or a non-success result code from the
    /// token endpoint, a malformed/undecodable/oversized body, a token already expired on
    /// arrival.
    PAYTOKEN_E_GATEWAY = 3,
    /// DNS failure, connection refused, connection closed before a full response.
    PAYTOKEN_E_NETWORK = 4,
    /// A connect or read deadline passed; for a business request the outcome at the
    /// gateway is unknown.
    PAYTOKEN_E_TIMEOUT = 5,
    /// TLS handshake or certificate verification failed.
    PAYTOKEN_E_TLS = 6,
    /// A bug: a panic was caught at the boundary.
    PAYTOKEN_E_INTERNAL = 7,
}

use paytoken_status::*;

/// Which step of a call failed (`paytoken_error_phase`). A call first gets its token,
/// then sends the request: a failure while getting the token means nothing of the call
/// reached the payment API (or, after a 401, nothing was resent), so its outcome is
/// known — not processed — whatever the status, a timeout included.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Phase {
    /// The request itself, or a failure not tied to a step.
    #[default]
    Call,
    /// Getting the call's token (a token request, or waiting for another thread's).
    Token,
}

/// The library's error: what the caller learns through `paytoken_error`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub status: paytoken_status,
    pub http_status: u16,
    pub gateway_code: String,
    pub message: String,
    pub phase: Phase,
}

impl Error {
    pub fn new(status: paytoken_status, message: impl Into<String>) -> Error {
        Error {
            status,
            http_status: 0,
            gateway_code: String::new(),
            message: message.into(),
            phase: Phase::Call,
        }
    }
    pub fn invalid(message: impl Into<String>) -> Error {
        Error::new(PAYTOKEN_E_INVALID_ARGUMENT, message)
    }
    pub fn auth(message: impl Into<String>) -> Error {
        Error::new(PAYTOKEN_E_AUTH, message)
    }
    pub fn gateway(message: impl Into<String>) -> Error {
        Error::new(PAYTOKEN_E_GATEWAY, message)
    }
    pub fn network(message: impl Into<String>) -> Error {
        Error::new(PAYTOKEN_E_NETWORK, message)
    }
    pub fn timeout(message: impl Into<String>) -> Error {
        Error::new(PAYTOKEN_E_TIMEOUT, message)
    }
    pub fn tls(message: impl Into<String>) -> Error {
        Error::new(PAYTOKEN_E_TLS, message)
    }
    pub fn internal(message: impl Into<String>) -> Error {
        Error::new(PAYTOKEN_E_INTERNAL, message)
    }
    pub fn with_http_status(mut self, status: u16) -> Error {
        self.http_status = status;
        self
    }
    pub fn with_gateway_code(mut self, code: impl Into<String>) -> Error {
        self.gateway_code = code.into();
        self
    }
    /// Marks a failure of getting the call's token (see [`Phase`]).
    pub fn in_token_phase(mut self) -> Error {
        self.phase = Phase::Token;
        self
    }
    pub fn code(&self) -> i32 {
        self.status as i32
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Static text for a status code.
pub fn describe(code: i32) -> &'static std::ffi::CStr {
    match code {
        0 => c"ok",
        1 => c"invalid argument",
        2 => c"the gateway refused the credentials or the token",
        3 => c"the gateway answered, but not usefully",
        4 => c"network error",
        5 => c"timed out (for a payment call, the outcome at the gateway is unknown)",
        6 => c"TLS handshake or certificate verification failed",
        7 => c"internal error (a bug in paytoken)",
        _ => c"unknown status",
    }
}

//! The library's error type and its kinds (the boundary, `ffi::error`, turns it into
//! what C callers read).

use std::fmt;

/// What kind of failure an [`Error`] is. The numbers are the C API's status codes
/// (`ffi::status::paytoken_status` has the same values, checked there at compile time);
/// the core uses this enum, the boundary hands out the number.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Bad input: config, method, path, headers, options.
    InvalidArgument = 1,
    /// The gateway refused the credentials or the token.
    Auth = 2,
    /// The gateway answered, but not usefully.
    Gateway = 3,
    /// DNS, refused or dropped connection.
    Network = 4,
    /// A deadline passed.
    Timeout = 5,
    /// TLS handshake or certificate verification failed.
    Tls = 6,
    /// A bug (a caught panic).
    Internal = 7,
}

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
    pub status: Status,
    pub http_status: u16,
    pub gateway_code: String,
    pub message: String,
    pub phase: Phase,
}

impl Error {
    pub fn new(status: Status, message: impl Into<String>) -> Error {
        Error {
            status,
            http_status: 0,
            gateway_code: String::new(),
            message: message.into(),
            phase: Phase::Call,
        }
    }
    pub fn invalid(message: impl Into<String>) -> Error {
        Error::new(Status::InvalidArgument, message)
    }
    pub fn auth(message: impl Into<String>) -> Error {
        Error::new(Status::Auth, message)
    }
    pub fn gateway(message: impl Into<String>) -> Error {
        Error::new(Status::Gateway, message)
    }
    pub fn network(message: impl Into<String>) -> Error {
        Error::new(Status::Network, message)
    }
    pub fn timeout(message: impl Into<String>) -> Error {
        Error::new(Status::Timeout, message)
    }
    pub fn tls(message: impl Into<String>) -> Error {
        Error::new(Status::Tls, message)
    }
    pub fn internal(message: impl Into<String>) -> Error {
        Error::new(Status::Internal, message)
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

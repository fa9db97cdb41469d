//! The status codes of the C API: `paytoken_status` (cbindgen writes it into the header)
//! and the static text `paytoken_strerror` hands out. The core's `error::Status` has the
//! same numbers; the checks below fail the build if one ever drifts.

use crate::error::Status;

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

// The core's kinds are the C statuses, number for number.
const _: () = {
    assert!(Status::InvalidArgument as i32 == PAYTOKEN_E_INVALID_ARGUMENT as i32);
    assert!(Status::Auth as i32 == PAYTOKEN_E_AUTH as i32);
    assert!(Status::Gateway as i32 == PAYTOKEN_E_GATEWAY as i32);
    assert!(Status::Network as i32 == PAYTOKEN_E_NETWORK as i32);
    assert!(Status::Timeout as i32 == PAYTOKEN_E_TIMEOUT as i32);
    assert!(Status::Tls as i32 == PAYTOKEN_E_TLS as i32);
    assert!(Status::Internal as i32 == PAYTOKEN_E_INTERNAL as i32);
    assert!(PAYTOKEN_OK as i32 == 0);
};

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

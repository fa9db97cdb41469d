//! Status codes, the caller-owned `paytoken_error` struct, and the library's internal
//! error type that fills it.

use std::fmt;
use std::os::raw::c_char;

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

/// Details of a failure. The caller owns it (on its stack, or `FFI::new`); the library
/// fills it on failure and zeroes it on success.
#[allow(non_camel_case_types)]
#[repr(C)]
pub struct paytoken_error {
    /// Same as the function's return value; 0 on success.
    pub code: i32,
    /// HTTP status of the gateway answer behind the error, 0 if none.
    pub http_status: i32,
    /// The gateway's own code ("U104", "-1", "UNAUTHORIZED"), "" if none.
    pub gateway_code: [c_char; 32],
    /// English, NUL-terminated UTF-8, cut at a character boundary. Never contains a
    /// secret, a credential or a token.
    pub message: [c_char; 512],
}

/// The library's error: what the caller learns through `paytoken_error`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub status: paytoken_status,
    pub http_status: u16,
    pub gateway_code: String,
    pub message: String,
}

impl Error {
    pub fn new(status: paytoken_status, message: impl Into<String>) -> Error {
        Error {
            status,
            http_status: 0,
            gateway_code: String::new(),
            message: message.into(),
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
    pub fn code(&self) -> i32 {
        self.status as i32
    }

    /// Fills the caller's struct (if any).
    ///
    /// # Safety
    /// `out` is NULL or points to a writable `paytoken_error`.
    pub unsafe fn write_to(&self, out: *mut paytoken_error) {
        if out.is_null() {
            return;
        }
        // SAFETY: the caller promises `out` is valid for writes.
        let out = unsafe { &mut *out };
        out.code = self.code();
        out.http_status = i32::from(self.http_status);
        copy_c_string(&self.gateway_code, &mut out.gateway_code);
        copy_c_string(&self.message, &mut out.message);
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// Zeroes the caller's struct after a success.
///
/// # Safety
/// `out` is NULL or points to a writable `paytoken_error`.
pub unsafe fn clear(out: *mut paytoken_error) {
    if !out.is_null() {
        // SAFETY: all-zero is a valid paytoken_error.
        unsafe { std::ptr::write_bytes(out, 0, 1) };
    }
}

/// Copies `text` into a fixed C buffer, NUL-terminated, cut at a UTF-8 character boundary.
fn copy_c_string(text: &str, buf: &mut [c_char]) {
    let mut len = text.len().min(buf.len() - 1);
    while !text.is_char_boundary(len) {
        len -= 1;
    }
    for (dst, src) in buf.iter_mut().zip(text.as_bytes()[..len].iter()) {
        *dst = *src as c_char;
    }
    for dst in buf[len..].iter_mut() {
        *dst = 0;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_is_cut_at_a_character_boundary() {
        let mut buf = [1 as c_char; 8];
        copy_c_string("가나다", &mut buf); // 9 bytes, room for 7
        let bytes: Vec<u8> = buf.iter().map(|c| *c as u8).collect();
        assert_eq!(&bytes[..6], "가나".as_bytes());
        assert!(bytes[6..].iter().all(|b| *b == 0));
    }
}

//! A safe Rust layer over the library's own C functions, shared by the integration tests
//! (tests/common), the benchmarks (benches/gateway.rs) and the `paytoken` command
//! (src/bin/paytoken): each calls exactly what a C program calls, and the error plumbing
//! (reading `paytoken_error`, freeing what the library allocated) exists once, here.
//!
//! Not part of the C API and not a supported Rust API (`#[doc(hidden)]`): it lives in
//! the library crate only so that the three callers, which are different crates
//! (integration tests, benches, a binary), can share it without a fourth crate.

use std::ffi::{CStr, CString};
use std::fmt;
use std::os::raw::c_char;
use std::ptr;

use serde_json::Value;

use crate::{
    paytoken_client, paytoken_client_free, paytoken_client_new, paytoken_client_stats,
    paytoken_error, paytoken_error_phase, paytoken_get_token, paytoken_invalidate, paytoken_phase,
    paytoken_request_ex, paytoken_response, paytoken_response_body, paytoken_response_free,
    paytoken_response_header, paytoken_response_headers_json, paytoken_response_idempotency_key,
    paytoken_response_status, paytoken_status, paytoken_strerror, paytoken_string_free,
    paytoken_verify_payment,
};

/// A failed call, as `paytoken_error` reported it. The message never holds a secret.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub code: i32,
    pub http_status: i32,
    pub gateway_code: String,
    pub message: String,
    /// `paytoken_error_phase` says the token could not be got: nothing was sent to the
    /// payment API, so the outcome is known even for a timeout.
    pub token_phase: bool,
}

impl Failure {
    /// A failure found before any library call (e.g. a NUL byte in an argument).
    pub fn invalid(message: impl Into<String>) -> Failure {
        Failure::new(paytoken_status::PAYTOKEN_E_INVALID_ARGUMENT, message)
    }

    /// `PAYTOKEN_E_INVALID_ARGUMENT`: the call was refused before any I/O.
    pub fn is_invalid_argument(&self) -> bool {
        self.code == paytoken_status::PAYTOKEN_E_INVALID_ARGUMENT as i32
    }

    fn new(status: paytoken_status, message: impl Into<String>) -> Failure {
        Failure {
            code: status as i32,
            http_status: 0,
            gateway_code: String::new(),
            message: message.into(),
            token_phase: false,
        }
    }

    /// The status's stable name, e.g. "PAYTOKEN_E_AUTH" (from the library's enum).
    pub fn status_name(&self) -> String {
        use paytoken_status::*;
        [
            PAYTOKEN_OK,
            PAYTOKEN_E_INVALID_ARGUMENT,
            PAYTOKEN_E_AUTH,
            PAYTOKEN_E_GATEWAY,
            PAYTOKEN_E_NETWORK,
            PAYTOKEN_E_TIMEOUT,
            PAYTOKEN_E_TLS,
            PAYTOKEN_E_INTERNAL,
        ]
        .into_iter()
        .find(|s| *s as i32 == self.code)
        .map_or_else(|| format!("status {}", self.code), |s| format!("{s:?}"))
    }

    /// The library's English text for the status (`paytoken_strerror`); for a failure
    /// while getting the token, one that does not call the outcome unknown.
    pub fn description(&self) -> String {
        if self.token_phase && self.code == paytoken_status::PAYTOKEN_E_TIMEOUT as i32 {
            return "the token request timed out (nothing was sent to the payment API)".into();
        }
        // SAFETY: paytoken_strerror returns a static NUL-terminated string for any code.
        unsafe { CStr::from_ptr(paytoken_strerror(self.code)) }
            .to_string_lossy()
            .into_owned()
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.status_name(), self.message)
    }
}

/// `paytoken_version()`: the library's version text.
pub fn version() -> String {
    // SAFETY: a static NUL-terminated string.
    unsafe { CStr::from_ptr(crate::paytoken_version()) }
        .to_string_lossy()
        .into_owned()
}

/// A `paytoken_error` filled with a non-zero pattern, so that a call that forgets to
/// fill it (on failure) or to zero it (on success) shows in `contract`.
pub fn blank_error() -> paytoken_error {
    paytoken_error {
        code: -1,
        http_status: -1,
        gateway_code: [0x55; 32],
        message: [0x55; 512],
    }
}

/// What `paytoken_error` promises after a call that returned `rc`: zeroed on success;
/// on failure the same code, and NUL-terminated UTF-8 texts. The reason if not.
pub fn contract(rc: i32, err: &paytoken_error) -> Result<(), String> {
    if rc == 0 {
        let zeroed = err.code == 0
            && err.http_status == 0
            && err.gateway_code[0] == 0
            && err.message[0] == 0;
        return if zeroed {
            Ok(())
        } else {
            Err("paytoken_error is not zeroed after a success".into())
        };
    }
    if err.code != rc {
        return Err(format!(
            "paytoken_error.code {} differs from the return value {rc}",
            err.code
        ));
    }
    text(&err.gateway_code).map_err(|e| format!("gateway_code: {e}"))?;
    text(&err.message).map_err(|e| format!("message: {e}"))?;
    Ok(())
}

/// `Ok` on success, else the failure `err` describes. A broken `contract` is reported
/// as `PAYTOKEN_E_INTERNAL` rather than read as garbage.
pub fn check(rc: i32, err: &paytoken_error) -> Result<(), Failure> {
    if let Err(broken) = contract(rc, err) {
        return Err(Failure::new(paytoken_status::PAYTOKEN_E_INTERNAL, broken));
    }
    if rc == 0 {
        return Ok(());
    }
    Err(Failure {
        code: rc,
        http_status: err.http_status,
        gateway_code: text(&err.gateway_code).unwrap_or_default(),
        message: text(&err.message).unwrap_or_default(),
        token_phase: paytoken_error_phase(err) == paytoken_phase::PAYTOKEN_PHASE_TOKEN as i32,
    })
}

/// A fixed-size C text field: up to its NUL, which must be there, as UTF-8.
fn text(buf: &[c_char]) -> Result<String, String> {
    let end = buf
        .iter()
        .position(|&c| c == 0)
        .ok_or("not NUL-terminated")?;
    let bytes: Vec<u8> = buf[..end].iter().map(|&c| c as u8).collect();
    String::from_utf8(bytes).map_err(|_| "not UTF-8".to_string())
}

fn c_string(what: &str, value: &str) -> Result<CString, Failure> {
    CString::new(value).map_err(|_| Failure::invalid(format!("{what} contains a NUL byte")))
}

fn optional_ptr(value: &Option<CString>) -> *const c_char {
    value.as_ref().map_or(ptr::null(), |v| v.as_ptr())
}

/// A NUL-terminated text the library owns (NULL: none), copied out.
fn borrowed_text(ptr: *const c_char) -> Option<String> {
    // SAFETY: the library's NUL-terminated string, alive while its owner is.
    (!ptr.is_null()).then(|| {
        unsafe { CStr::from_ptr(ptr) }
            .to_string_lossy()
            .into_owned()
    })
}

/// A string the library allocated; released on drop (the library wipes it: it may be a token).
pub struct LibString(*mut c_char);

impl LibString {
    pub fn bytes(&self) -> &[u8] {
        if self.0.is_null() {
            return &[];
        }
        // SAFETY: a NUL-terminated string from the library, alive until drop.
        unsafe { CStr::from_ptr(self.0) }.to_bytes()
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(self.bytes()).into_owned()
    }
}

impl Drop for LibString {
    fn drop(&mut self) {
        paytoken_string_free(self.0);
    }
}

/// An answer from the gateway; freed on drop.
pub struct Response(*mut paytoken_response);

impl Response {
    pub fn raw(&self) -> *const paytoken_response {
        self.0
    }

    pub fn status(&self) -> i32 {
        paytoken_response_status(self.0)
    }

    pub fn body(&self) -> &[u8] {
        let mut len = 0usize;
        let ptr = paytoken_response_body(self.0, &mut len);
        if ptr.is_null() {
            return &[];
        }
        // SAFETY: the library keeps `len` bytes alive until the response is freed.
        unsafe { std::slice::from_raw_parts(ptr, len) }
    }

    /// The headers as a JSON object text (lower-case names).
    pub fn headers_json(&self) -> String {
        borrowed_text(paytoken_response_headers_json(self.0)).unwrap_or_else(|| "{}".into())
    }

    /// The headers as a JSON object.
    pub fn headers(&self) -> Value {
        serde_json::from_str(&self.headers_json()).unwrap_or(Value::Null)
    }

    /// One header's value (`paytoken_response_header`), None if absent.
    pub fn header(&self, name: &str) -> Option<String> {
        let name = CString::new(name).ok()?;
        borrowed_text(paytoken_response_header(self.0, name.as_ptr()))
    }

    /// The Idempotency-Key the request carried (`paytoken_response_idempotency_key`).
    pub fn idempotency_key(&self) -> Option<String> {
        borrowed_text(paytoken_response_idempotency_key(self.0))
    }
}

impl Drop for Response {
    fn drop(&mut self) {
        paytoken_response_free(self.0);
    }
}

/// A client made through the C ABI; freed on drop.
pub struct Client(*mut paytoken_client);

// SAFETY: the C API documents a client as thread-safe (share it between any threads).
unsafe impl Send for Client {}
unsafe impl Sync for Client {}

impl Client {
    pub fn new(config_json: &str) -> Result<Client, Failure> {
        let config = c_string("the config", config_json)?;
        let mut out = ptr::null_mut();
        let mut err = blank_error();
        let rc = paytoken_client_new(config.as_ptr(), &mut out, &mut err);
        // The config holds the credentials: wipe this copy (the library keeps its own).
        zeroize::Zeroize::zeroize(&mut config.into_bytes_with_nul());
        check(rc, &err).map(|_| Client(out))
    }

    /// For calling a C function the wrapper does not cover.
    pub fn raw(&self) -> *const paytoken_client {
        self.0
    }

    /// The current token (from memory, the host cache, or a token request).
    pub fn token(&self) -> Result<LibString, Failure> {
        let mut out = ptr::null_mut();
        let mut err = blank_error();
        let rc = paytoken_get_token(self.0, &mut out, &mut err);
        let token = LibString(out); // freed even on failure (NULL is fine)
        check(rc, &err).map(|_| token)
    }

    /// `paytoken_invalidate`: `None` drops whatever token is cached.
    pub fn invalidate(&self, token: Option<&str>) -> Result<(), Failure> {
        let token = token.map(|t| c_string("the token", t)).transpose()?;
        let mut err = blank_error();
        let rc = paytoken_invalidate(self.0, optional_ptr(&token), &mut err);
        check(rc, &err)
    }

    /// The stats JSON object.
    pub fn stats(&self) -> Result<Value, Failure> {
        let mut out = ptr::null_mut();
        let mut err = blank_error();
        let rc = paytoken_client_stats(self.0, &mut out, &mut err);
        let json = LibString(out);
        check(rc, &err)?;
        serde_json::from_slice(json.bytes()).map_err(|_| {
            Failure::new(
                paytoken_status::PAYTOKEN_E_INTERNAL,
                "the library's stats are not JSON",
            )
        })
    }

    /// Looks a payment up and judges it (`paytoken_verify_payment`): the verdict JSON.
    pub fn verify_payment(&self, request_json: &str) -> Result<Value, Failure> {
        let request = c_string("the verify request", request_json)?;
        let (mut out, mut err) = (ptr::null_mut(), blank_error());
        let rc = paytoken_verify_payment(self.0, request.as_ptr(), &mut out, &mut err);
        let verdict = LibString(out);
        check(rc, &err)?;
        serde_json::from_slice(verdict.bytes()).map_err(|_| {
            Failure::new(
                paytoken_status::PAYTOKEN_E_INTERNAL,
                "the library's verdict is not JSON",
            )
        })
    }

    /// One authorized request (`paytoken_request_ex`; `paytoken_request` is the same call
    /// without options). An empty body is sent as NULL.
    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers_json: Option<&str>,
        body: &[u8],
        options_json: Option<&str>,
    ) -> Result<Response, Failure> {
        let method = c_string("the method", method)?;
        let path = c_string("the path", path)?;
        let headers = headers_json.map(|h| c_string("a header", h)).transpose()?;
        let options = options_json.map(|o| c_string("an option", o)).transpose()?;
        let body_ptr = if body.is_empty() {
            ptr::null()
        } else {
            body.as_ptr()
        };
        let body_len = body.len();
        let mut out = ptr::null_mut();
        let mut err = blank_error();
        let rc = paytoken_request_ex(
            self.0,
            method.as_ptr(),
            path.as_ptr(),
            optional_ptr(&headers),
            body_ptr,
            body_len,
            optional_ptr(&options),
            &mut out,
            &mut err,
        );
        let response = Response(out); // freed even on failure (NULL is fine)
        check(rc, &err).map(|_| response)
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        paytoken_client_free(self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zeroed() -> paytoken_error {
        paytoken_error {
            code: 0,
            http_status: 0,
            gateway_code: [0; 32],
            message: [0; 512],
        }
    }

    #[test]
    fn the_error_contract_is_checked_both_ways() {
        assert!(contract(0, &zeroed()).is_ok());
        assert!(
            contract(0, &blank_error()).is_err(),
            "not zeroed on success"
        );
        assert!(contract(2, &blank_error()).is_err(), "code not filled");
        let mut err = blank_error();
        err.code = 2;
        assert!(contract(2, &err).is_err(), "texts not NUL-terminated");
        err.gateway_code[0] = 0;
        err.message[0] = 0;
        assert!(contract(2, &err).is_ok());
        let broken = check(0, &blank_error()).unwrap_err();
        assert_eq!(broken.code, paytoken_status::PAYTOKEN_E_INTERNAL as i32);
    }

    #[test]
    fn a_refused_config_is_a_failure_with_the_library_message() {
        let failure = Client::new(r#"{"gateway":"nicepay","colour":1}"#)
            .err()
            .expect("refused");
        assert_eq!(failure.status_name(), "PAYTOKEN_E_INVALID_ARGUMENT");
        assert!(failure.message.contains("colour"), "{failure}");
        let nul = Client::new("{\0}").err().expect("refused");
        assert_eq!(nul.message, "the config contains a NUL byte");
    }
}

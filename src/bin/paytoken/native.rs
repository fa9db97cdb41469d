//! A small safe layer over the library's C functions: the command calls exactly what a C
//! program would (through the rlib, so the binary needs no libpaytoken.so beside it).

use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::ptr;

use paytoken::*;
use serde_json::Value;

/// A failed call, as `paytoken_error` reported it. The message never holds a secret.
#[derive(Debug)]
pub struct Failure {
    pub code: i32,
    pub http_status: i32,
    pub gateway_code: String,
    pub message: String,
}

impl Failure {
    /// A failure found by the command itself (before any library call).
    pub fn invalid(message: impl Into<String>) -> Failure {
        Failure {
            code: paytoken_status::PAYTOKEN_E_INVALID_ARGUMENT as i32,
            http_status: 0,
            gateway_code: String::new(),
            message: message.into(),
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

    /// The library's English text for the status (`paytoken_strerror`).
    pub fn description(&self) -> String {
        // SAFETY: paytoken_strerror returns a static NUL-terminated string for any code.
        unsafe { CStr::from_ptr(paytoken_strerror(self.code)) }
            .to_string_lossy()
            .into_owned()
    }
}

fn text(buf: &[c_char]) -> String {
    let bytes: Vec<u8> = buf
        .iter()
        .take_while(|&&c| c != 0)
        .map(|&c| c as u8)
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

fn check(rc: i32, err: &paytoken_error) -> Result<(), Failure> {
    if rc == 0 {
        return Ok(());
    }
    Err(Failure {
        code: rc,
        http_status: err.http_status,
        gateway_code: text(&err.gateway_code),
        message: text(&err.message),
    })
}

fn blank_error() -> paytoken_error {
    paytoken_error {
        code: 0,
        http_status: 0,
        gateway_code: [0; 32],
        message: [0; 512],
    }
}

fn c_string(what: &str, value: &str) -> Result<CString, Failure> {
    CString::new(value).map_err(|_| Failure::invalid(format!("{what} contains a NUL byte")))
}

/// A string the library allocated; wiped and released on drop (it may be a token).
pub struct LibString(*mut c_char);

impl LibString {
    pub fn bytes(&self) -> &[u8] {
        // SAFETY: a NUL-terminated string from the library, alive until drop.
        unsafe { CStr::from_ptr(self.0) }.to_bytes()
    }
}

impl Drop for LibString {
    fn drop(&mut self) {
        paytoken_string_free(self.0);
    }
}

/// An answer from the gateway.
pub struct Response(*mut paytoken_response);

impl Response {
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

    /// The headers as a JSON object (lower-case names).
    pub fn headers(&self) -> Value {
        let ptr = paytoken_response_headers_json(self.0);
        if ptr.is_null() {
            return Value::Null;
        }
        // SAFETY: NUL-terminated, alive until the response is freed.
        let json = unsafe { CStr::from_ptr(ptr) }.to_string_lossy();
        serde_json::from_str(&json).unwrap_or(Value::Null)
    }
}

impl Drop for Response {
    fn drop(&mut self) {
        paytoken_response_free(self.0);
    }
}

pub struct Client(*mut paytoken_client);

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

    /// The current token (from memory, the host cache, or a token request).
    pub fn token(&self) -> Result<LibString, Failure> {
        let mut out = ptr::null_mut();
        let mut err = blank_error();
        let rc = paytoken_get_token(self.0, &mut out, &mut err);
        check(rc, &err).map(|_| LibString(out))
    }

    /// `paytoken_verify_payment`: the verdict JSON (a verdict, not an error, when unpaid).
    pub fn verify_payment(&self, request_json: &str) -> Result<Value, Failure> {
        let request = c_string("the verify request", request_json)?;
        let (mut out, mut err) = (ptr::null_mut(), blank_error());
        check(
            paytoken_verify_payment(self.0, request.as_ptr(), &mut out, &mut err),
            &err,
        )?;
        serde_json::from_slice(LibString(out).bytes())
            .map_err(|_| Failure::invalid("the library's verdict is not JSON"))
    }

    /// The stats JSON object.
    pub fn stats(&self) -> Result<Value, Failure> {
        let mut out = ptr::null_mut();
        let mut err = blank_error();
        let rc = paytoken_client_stats(self.0, &mut out, &mut err);
        check(rc, &err)?;
        let json = LibString(out);
        serde_json::from_slice(json.bytes())
            .map_err(|_| Failure::invalid("the library's stats are not JSON"))
    }

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
        let mut out = ptr::null_mut();
        let mut err = blank_error();
        let rc = paytoken_request_ex(
            self.0,
            method.as_ptr(),
            path.as_ptr(),
            headers.as_ref().map_or(ptr::null(), |h| h.as_ptr()),
            if body.is_empty() {
                ptr::null()
            } else {
                body.as_ptr()
            },
            body.len(),
            options.as_ref().map_or(ptr::null(), |o| o.as_ptr()),
            &mut out,
            &mut err,
        );
        check(rc, &err).map(|_| Response(out))
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        paytoken_client_free(self.0);
    }
}

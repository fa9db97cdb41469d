//! The C boundary: every exported function, and nothing else. One module per exposed
//! type (client, token, request, response, async_call, log, recovery, verify, version,
//! error, status, heap); this file holds what they share: panic catching, NULL checks and C
//! string conversions. Modelled on rustls-ffi: each `extern "C"` function body is wrapped in a
//! small macro, so cbindgen still sees a plain function.
//!
//! The rule of this folder: argument checks, panic catching, secret scrubbing of what
//! crosses it (`redact::within`), conversion between C and Rust. Every `unsafe` of the C
//! API is here; the core (`call`, `cache`, `gateway`, ...) never names a C type
//! (`scripts/check-boundary.sh`, run by `make lint`, checks that). `safe_api.rs` is the one
//! Rust consumer of these functions (tests, benches, the command): it names C types, so it
//! lives here too, though it exports nothing.

pub mod async_call;
pub mod client;
pub mod error;
pub mod heap;
pub mod log;
pub mod phase;
pub mod queue;
pub mod queued_call;
pub mod recovery;
pub mod request;
pub mod response;
pub mod response_view;
#[doc(hidden)]
pub mod safe_api;
pub mod status;
pub mod token;
pub mod verify;
pub mod version;

use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::Error;
use error::paytoken_error;

/// Body of a fallible exported function: runs it, catches panics, fills `err`, and returns
/// the status code.
macro_rules! ffi_fallible {
    ($err:ident, $body:block) => {
        $crate::ffi::run_fallible($err, move || -> Result<(), $crate::error::Error> { $body })
    };
}

/// Body of an infallible exported function: a panic yields `$on_panic`.
macro_rules! ffi_infallible {
    ($on_panic:expr, $body:block) => {
        $crate::ffi::run_infallible(move || $body, $on_panic)
    };
}

/// A required pointer argument as a reference, or `PAYTOKEN_E_INVALID_ARGUMENT` naming it.
macro_rules! try_ref {
    ($ptr:ident) => {
        // SAFETY: the caller passes NULL or a pointer obtained from this library.
        match unsafe { $ptr.as_ref() } {
            Some(r) => r,
            None => {
                return Err($crate::error::Error::invalid(concat!(
                    stringify!($ptr),
                    " is NULL"
                )))
            }
        }
    };
}

/// A required output pointer, or `PAYTOKEN_E_INVALID_ARGUMENT` naming it.
macro_rules! try_out {
    ($ptr:ident) => {
        if $ptr.is_null() {
            return Err($crate::error::Error::invalid(concat!(
                stringify!($ptr),
                " is NULL"
            )));
        }
    };
}

pub(crate) use {ffi_fallible, ffi_infallible, try_out, try_ref};

pub(crate) fn run_fallible(
    err: *mut paytoken_error,
    body: impl FnOnce() -> Result<(), Error>,
) -> i32 {
    let outcome = catch_unwind(AssertUnwindSafe(body)).unwrap_or_else(|_| {
        Err(Error::internal(
            "internal error: a panic was caught in paytoken (please report it)",
        ))
    });
    match outcome {
        Ok(()) => {
            // SAFETY: err is NULL or the caller's writable struct.
            unsafe { error::clear(err) };
            0
        }
        Err(e) => {
            crate::runtime::log::debug(format_args!("call failed: {} ({})", e.message, e.code()));
            // SAFETY: as above.
            unsafe { error::write(&e, err) };
            e.code()
        }
    }
}

pub(crate) fn run_infallible<T>(body: impl FnOnce() -> T, on_panic: T) -> T {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(on_panic)
}

/// Borrows a required C string argument as UTF-8.
///
/// # Safety
/// `ptr` is NULL or a NUL-terminated string valid for the duration of the call.
pub(crate) unsafe fn str_arg<'a>(ptr: *const c_char, name: &str) -> Result<&'a str, Error> {
    if ptr.is_null() {
        return Err(Error::invalid(format!("{name} is NULL")));
    }
    // SAFETY: the caller promises a NUL-terminated string.
    let cstr = unsafe { CStr::from_ptr(ptr) };
    cstr.to_str().map_err(|e| {
        Error::invalid(format!(
            "{name} is not valid UTF-8 (invalid byte at offset {})",
            e.valid_up_to()
        ))
    })
}

/// Borrows an optional C string argument (NULL is `None`).
///
/// # Safety
/// As [`str_arg`].
pub(crate) unsafe fn opt_str_arg<'a>(
    ptr: *const c_char,
    name: &str,
) -> Result<Option<&'a str>, Error> {
    if ptr.is_null() {
        Ok(None)
    } else {
        // SAFETY: forwarded.
        unsafe { str_arg(ptr, name) }.map(Some)
    }
}

/// Hands a string to C; the caller releases it with `paytoken_string_free`.
pub(crate) fn into_c_string(s: &str) -> Result<*mut c_char, Error> {
    CString::new(s)
        .map(CString::into_raw)
        .map_err(|_| Error::gateway("the gateway sent text with a NUL byte in it"))
}

/// Hands bytes known to contain no NUL to C; same ownership as [`into_c_string`].
pub(crate) fn copy_to_c(bytes: &[u8]) -> *mut c_char {
    // One allocation of exactly len+1 bytes: this is the whole cost of a cached token.
    let mut v = Vec::with_capacity(bytes.len() + 1);
    v.extend_from_slice(bytes);
    // SAFETY: callers only pass text that contains no NUL (tokens are checked on arrival).
    unsafe { CString::from_vec_unchecked(v) }.into_raw()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::ptr;

    fn blank() -> paytoken_error {
        paytoken_error {
            code: -1,
            http_status: -1,
            gateway_code: [1; 32],
            message: [1; 512],
        }
    }

    #[test]
    fn a_panic_becomes_status_7_with_a_message() {
        let mut err = blank();
        let p: *mut paytoken_error = &mut err;
        let code = run_fallible(p, || panic!("boom with secret-ish text"));
        assert_eq!(code, 7);
        assert_eq!(err.code, 7);
        let msg = unsafe { CStr::from_ptr(err.message.as_ptr()) }
            .to_str()
            .unwrap();
        assert!(msg.contains("panic"), "{msg}");
        assert!(!msg.contains("secret-ish"), "{msg}");
    }

    #[test]
    fn success_zeroes_the_struct_and_null_err_is_fine() {
        let mut err = blank();
        assert_eq!(run_fallible(&mut err, || Ok(())), 0);
        assert_eq!(err.code, 0);
        assert_eq!(err.message[0], 0);
        assert_eq!(
            run_fallible(ptr::null_mut(), || Err(Error::invalid("x"))),
            1
        );
    }

    #[test]
    fn non_utf8_is_an_invalid_argument() {
        let bad = b"ab\xffcd\0";
        let e = unsafe { str_arg(bad.as_ptr() as *const c_char, "path") }.unwrap_err();
        assert_eq!(e.code(), 1);
        assert!(e.message.contains("path is not valid UTF-8"));
    }
}

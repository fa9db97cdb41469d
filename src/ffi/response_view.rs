//! `paytoken_response_view`: everything a binding copies out of a response, in one call
//! (`paytoken_response_read`) instead of one foreign call per accessor.

use std::os::raw::c_char;

use crate::ffi::error::paytoken_error;
use crate::ffi::response::paytoken_response;
use crate::ffi::{ffi_fallible, try_out, try_ref};

/// A response's parts, written by `paytoken_response_read`. Every pointer lives as long
/// as the response (do not free them); each text is followed by one NUL byte that its
/// length does not count. The same values the single accessors give
/// (`paytoken_response_status`, `_body`, `_text`, `_headers_json`, `_idempotency_key`).
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct paytoken_response_view {
    /// The HTTP status (200, 404, 500, ...).
    pub status: i32,
    /// 1 when the text is the body itself (`text` == `body`, the same bytes: valid UTF-8,
    /// no BOM), so a binding that already copied the body need not copy the text; else 0.
    pub text_is_body: i32,
    /// The body bytes as received (not re-encoded).
    pub body: *const u8,
    /// The number of bytes at `body`.
    pub body_len: usize,
    /// The body as UTF-8 text, decoded as `paytoken_response_text` says. Bytes, not
    /// `char *`: the text may contain NUL if the body did, so read `text_len` of them
    /// (an FFI that turns a `const char *` into a string would stop at the first NUL).
    pub text: *const u8,
    /// The number of bytes at `text`.
    pub text_len: usize,
    /// All headers as the JSON object `paytoken_response_headers_json` gives (no NUL
    /// inside).
    pub headers_json: *const c_char,
    /// The number of bytes at `headers_json`.
    pub headers_json_len: usize,
    /// The `Idempotency-Key` the request carried, unquoted, or NULL (as
    /// `paytoken_response_idempotency_key`).
    pub idempotency_key: *const c_char,
}

/// Reads a response's status, body, text, headers JSON and idempotency key into
/// `*view_out` in one call: for bindings whose every foreign call costs (PHP FFI), the
/// same values as the five single accessors. Makes the text and the headers JSON on
/// first use as those do; thread-safe. Errors: `PAYTOKEN_E_INVALID_ARGUMENT` for a NULL
/// `response` or `view_out` (then `*view_out` is untouched). Never does I/O.
#[no_mangle]
pub extern "C" fn paytoken_response_read(
    response: *const paytoken_response,
    view_out: *mut paytoken_response_view,
    err: *mut paytoken_error,
) -> i32 {
    ffi_fallible!(err, {
        let response = try_ref!(response);
        try_out!(view_out);
        let view = response.view();
        // SAFETY: checked non-NULL; the caller's writable struct.
        unsafe { view_out.write(view) };
        Ok(())
    })
}

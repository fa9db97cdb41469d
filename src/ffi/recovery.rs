//! The recovery entry points: `paytoken_idempotency_key_new`, `_drawn` and `_pin` (PortOne V2),
//! `paytoken_nicepay_sign` and `paytoken_nicepay_netcancel` (NICEPAY). The rules are
//! `recovery::idempotency` and `recovery::netcancel`.

use std::os::raw::c_char;

use super::client::paytoken_client;
use super::error::paytoken_error;
use super::{ffi_fallible, into_c_string, opt_str_arg, str_arg, try_out, try_ref};
use crate::call::args::check_method;
use crate::call::Call;
use crate::error::Error;
use crate::recovery::{idempotency, netcancel};

/// At most this many parts are signed (NICEPAY's messages sign a handful of fields).
const MAX_PARTS: usize = 64;

/// Gives a fresh idempotency key in `*key_out` if this client sends one on `method`
/// (a PortOne V2 client with config `idempotency` on, the default, and a POST, PUT,
/// PATCH or DELETE); otherwise returns `PAYTOKEN_OK` with `*key_out = NULL`. Release the
/// key with `paytoken_string_free`.
///
/// The key is 32 URL-safe ASCII characters from the OS's random source. Nothing is sent
/// and nothing is remembered: the key is only useful if you pass it to the request as
/// the per-call option `{"idempotencyKey":"<key>"}`. That is the pattern for a payment
/// call whose outcome you must never lose: make the key, store it with the order, send
/// the request with it; after a timeout or network error, send the same request with the
/// same key again (within 3 hours) and PortOne V2 answers what the first one did instead
/// of acting twice. Every binding does this for you and puts the key on its responses
/// and errors.
///
/// Errors: `PAYTOKEN_E_INVALID_ARGUMENT` for a NULL client, method or `key_out`, or a
/// method that is not GET/POST/PUT/PATCH/DELETE. Thread-safe; no I/O.
#[no_mangle]
pub extern "C" fn paytoken_idempotency_key_new(
    client: *const paytoken_client,
    method: *const c_char,
    key_out: *mut *mut c_char,
    err: *mut paytoken_error,
) -> i32 {
    ffi_fallible!(err, {
        let client = try_ref!(client);
        try_out!(key_out);
        // SAFETY: NULL or the caller's NUL-terminated string.
        let method = unsafe { str_arg(method, "method") }?;
        let method = check_method(method)?;
        let key = if idempotency::sends_key(&client.config, method) {
            into_c_string(&idempotency::new_key()?)?
        } else {
            std::ptr::null_mut()
        };
        // SAFETY: checked non-NULL above.
        unsafe { *key_out = key };
        Ok(())
    })
}

/// Writes to `*drawn_out` 1 when a request of this client with `method` and no key of
/// the caller's (no `Idempotency-Key` header, no `idempotencyKey` option) carries a
/// fresh key the library draws (rule 3 of `paytoken_idempotency_key_pin`: a PortOne V2
/// client with config `idempotency` on, and a POST, PUT, PATCH or DELETE), else 0. The
/// answer depends only on the client and the method, so a binding may keep it per
/// client and method: when it is 0 and the caller gives no key, no key is drawn and the
/// request carries none, so `paytoken_idempotency_key_pin` would return NULL for both
/// outputs and can be skipped.
///
/// Errors: `PAYTOKEN_E_INVALID_ARGUMENT` for a NULL client, method or `drawn_out`, or a
/// method that is not GET/POST/PUT/PATCH/DELETE (any case). Thread-safe; no I/O.
#[no_mangle]
pub extern "C" fn paytoken_idempotency_key_drawn(
    client: *const paytoken_client,
    method: *const c_char,
    drawn_out: *mut i32,
    err: *mut paytoken_error,
) -> i32 {
    ffi_fallible!(err, {
        let client = try_ref!(client);
        try_out!(drawn_out);
        // SAFETY: NULL or the caller's NUL-terminated string.
        let method = check_method(unsafe { str_arg(method, "method") }?)?;
        let drawn = idempotency::sends_key(&client.config, method);
        // SAFETY: checked non-NULL above.
        unsafe { *drawn_out = i32::from(drawn) };
        Ok(())
    })
}

/// Decides, before sending, the `Idempotency-Key` that `paytoken_request_ex` (or
/// `paytoken_request_async`) with these `method`, `headers_json` and `options_json`
/// carries, and pins it, so that the caller has the key whatever the outcome (the
/// error struct has no room for it). The rule, the same for every language:
///
/// 1. an `Idempotency-Key` header in `headers_json`: on a PortOne V2 client its key is
///    sent as the RFC 8941 string `"<key>"`, whether the header was quoted or not (a
///    key with a `"`, a `\` or a character that is not printable ASCII is
///    `PAYTOKEN_E_INVALID_ARGUMENT`); other gateways get the header as is;
/// 2. else the `idempotencyKey` option (PortOne V2 clients only);
/// 3. else, when this client sends keys on `method` (PortOne V2, config `idempotency`
///    on, POST/PUT/PATCH/DELETE), a fresh key (as `paytoken_idempotency_key_new`);
/// 4. else none.
///
/// On `PAYTOKEN_OK`: `*key_out` is the key (unquoted; NULL when the request carries
/// none), and `*options_out` is the options JSON to send instead of `options_json`: the
/// same options, plus `"idempotencyKey"` when the key is a fresh one drawn here (so the
/// request carries exactly this key); NULL when `options_json` was NULL and nothing was
/// added. Release both with `paytoken_string_free`. Send the request with the same
/// `method` and `headers_json`; `paytoken_response_idempotency_key` then answers the
/// same key.
///
/// Errors: `PAYTOKEN_E_INVALID_ARGUMENT` for a NULL client, method, `key_out` or
/// `options_out`, and for every argument error the request itself would report about
/// `method`, `headers_json` and `options_json`. Thread-safe; no I/O.
#[no_mangle]
pub extern "C" fn paytoken_idempotency_key_pin(
    client: *const paytoken_client,
    method: *const c_char,
    headers_json: *const c_char,
    options_json: *const c_char,
    key_out: *mut *mut c_char,
    options_out: *mut *mut c_char,
    err: *mut paytoken_error,
) -> i32 {
    ffi_fallible!(err, {
        let client = try_ref!(client);
        try_out!(key_out);
        try_out!(options_out);
        // SAFETY: NULL or the caller's NUL-terminated strings.
        let (method, headers_json, options_json) = unsafe {
            (
                str_arg(method, "method")?,
                opt_str_arg(headers_json, "headers_json")?,
                opt_str_arg(options_json, "options_json")?,
            )
        };
        // The request's own checks of these arguments (path and body play no part).
        let call = Call::check(
            method,
            "/".into(),
            headers_json,
            (&[][..]).into(),
            options_json,
        )?;
        let pinned = idempotency::pin(
            &client.config,
            call.method,
            &call.headers,
            call.options.idempotency_key.as_deref(),
            options_json,
        )?;
        let key = pinned.key.as_deref().map(into_c_string).transpose()?;
        let options = match pinned
            .options_json
            .as_deref()
            .map(into_c_string)
            .transpose()
        {
            Ok(options) => options,
            Err(e) => {
                super::token::paytoken_string_free(key.unwrap_or(std::ptr::null_mut()));
                return Err(e);
            }
        };
        // SAFETY: both checked non-NULL above.
        unsafe {
            *key_out = key.unwrap_or(std::ptr::null_mut());
            *options_out = options.unwrap_or(std::ptr::null_mut());
        }
        Ok(())
    })
}

/// Computes NICEPAY's `signData` for the fields a call needs: lower-case hex of
/// SHA-256 over `parts[0] + parts[1] + ... + parts[n_parts-1] + secretKey` (the
/// client's secret key appended last, as every NICEPAY message that carries `signData`
/// does; e.g. the network cancel signs `orderId, ediDate`). The secret key never leaves
/// the library. Release `*hex_out` (64 characters) with `paytoken_string_free`.
///
/// Errors: `PAYTOKEN_E_INVALID_ARGUMENT` for a NULL client or `hex_out`, a client that
/// is not NICEPAY, `parts` NULL with `n_parts > 0`, a NULL or non-UTF-8 part, or more
/// than 64 parts. `n_parts` may be 0 (the hash of the secret key alone). Thread-safe; no
/// I/O.
#[no_mangle]
pub extern "C" fn paytoken_nicepay_sign(
    client: *const paytoken_client,
    parts: *const *const c_char,
    n_parts: usize,
    hex_out: *mut *mut c_char,
    err: *mut paytoken_error,
) -> i32 {
    ffi_fallible!(err, {
        let client = try_ref!(client);
        try_out!(hex_out);
        if n_parts > MAX_PARTS {
            return Err(Error::invalid(format!(
                "n_parts is {n_parts}; at most {MAX_PARTS} parts are signed"
            )));
        }
        if n_parts > 0 && parts.is_null() {
            return Err(Error::invalid(format!(
                "parts is NULL but n_parts is {n_parts}"
            )));
        }
        let mut texts = Vec::with_capacity(n_parts);
        for i in 0..n_parts {
            // SAFETY: the caller's array of n_parts pointers, checked non-NULL above.
            let ptr = unsafe { *parts.add(i) };
            // SAFETY: NULL or the caller's NUL-terminated string.
            texts.push(unsafe { str_arg(ptr, &format!("parts[{i}]")) }?);
        }
        let hex = netcancel::sign(&client.config, &texts)?;
        // SAFETY: checked non-NULL above.
        unsafe { *hex_out = into_c_string(&hex)? };
        Ok(())
    })
}

/// Sends NICEPAY's network cancel for `order_id`: `POST /v1/payments/netcancel` with
/// `{"orderId", "ediDate" (now, ISO 8601 with +09:00), "signData"}` (signData =
/// hex(sha256(orderId + ediDate + secretKey)), computed here) and the client's
/// authorization. Use it when an approval's outcome is unknown (a timeout or a network
/// error on `POST /v1/payments/{tid}`): NICEPAY requires it within ONE HOUR, and it
/// cancels the order's payment if the approval went through.
///
/// `options_json`: NULL or per-call options as for `paytoken_request_ex` (`timeoutMs`).
///
/// On `PAYTOKEN_OK`, `*result_json_out` (release with `paytoken_string_free`) is
/// `{"outcome":"cancelled"|"notNeeded"|"retry","resultCode":"…","resultMsg":"…","httpStatus":n}`:
/// - `"cancelled"`: NICEPAY cancelled the approved payment (resultCode `0000`).
/// - `"notNeeded"`: there was nothing to cancel (resultCode `2015`: the order has no
///   approved payment — the approval never happened, or it is already cancelled).
/// - `"retry"`: anything else — a timeout, a network error (`httpStatus` 0 and the
///   error's message in `resultMsg`), a 5xx, any other code. The cancel may not have
///   happened: call this again (the cancel is idempotent: a second one of a cancelled
///   order answers `notNeeded`) until you get one of the other two, within the hour.
///
/// Transport errors are never returned as errors here: one call always tells the shop
/// what to do next. Errors are only `PAYTOKEN_E_INVALID_ARGUMENT`: a NULL client,
/// `order_id` or `result_json_out`, an empty `order_id`, a client that is not NICEPAY,
/// malformed `options_json`. Blocks for up to the call's `timeoutMs`; thread-safe.
#[no_mangle]
pub extern "C" fn paytoken_nicepay_netcancel(
    client: *const paytoken_client,
    order_id: *const c_char,
    options_json: *const c_char,
    result_json_out: *mut *mut c_char,
    err: *mut paytoken_error,
) -> i32 {
    ffi_fallible!(err, {
        let client = try_ref!(client);
        try_out!(result_json_out);
        // SAFETY: NULL or the caller's NUL-terminated strings.
        let (order_id, options) = unsafe {
            (
                str_arg(order_id, "order_id")?,
                opt_str_arg(options_json, "options_json")?,
            )
        };
        let result = netcancel::netcancel(client, order_id, options, netcancel::now_unix_secs())?;
        // SAFETY: checked non-NULL above.
        unsafe { *result_json_out = into_c_string(&result.to_string())? };
        Ok(())
    })
}

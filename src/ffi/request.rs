//! `paytoken_request` and `paytoken_request_ex`: the C arguments of a request read and
//! checked into a `Call`, sent through the one pipeline (`call::run`), and the answer
//! handed back as a `paytoken_response`.

use std::borrow::Cow;
use std::os::raw::c_char;

use super::client::paytoken_client;
use super::error::paytoken_error;
use super::response::paytoken_response;
use super::{ffi_fallible, opt_str_arg, str_arg, try_out, try_ref};
use crate::call::{args::MAX_BODY_BYTES, Call};
use crate::error::Error;

/// Sends `method origin+path` with the right `Authorization` header (Bearer token, Basic
/// or `PortOne <secret>`), the config's fixed headers (`Tier`), then the caller's extra
/// headers, and writes the answer to `*response_out` (release it with
/// `paytoken_response_free`).
///
/// - `method`: "GET", "POST", "PUT", "PATCH" or "DELETE".
/// - `path`: starts with "/", may carry "?query"; an absolute URL is refused (the token
///   only ever goes to the configured origin).
/// - `headers_json`: NULL or a JSON object of extra headers, string values only.
/// - `body`/`body_len`: NULL/0 for none. With a body and no Content-Type given,
///   `application/json;charset=utf-8` is sent.
///
/// Any HTTP status comes back as a response (200, 404, 500 are not errors) except 401:
/// then the token is dropped, a fresh one fetched, and the request retried once; a second
/// 401 is `PAYTOKEN_E_AUTH`. When that fresh token is refused too, the token is kept and
/// for 5–6 s a 401 with it is `PAYTOKEN_E_AUTH` at once, without a token request (the
/// token-storm bound: an API refusing every token costs one token request per hold, not
/// one per call; the message says so, the stats count `fetchesSkippedAfterRefusal`). No redirect is followed. Nothing is resent after the request
/// may have reached the gateway: a timeout there is `PAYTOKEN_E_TIMEOUT` and the outcome
/// is unknown (reconcile with `paytoken_nicepay_netcancel` or PortOne V2's
/// Idempotency-Key) — unless `retryUnknownOutcome` is on and the request carries an
/// idempotency key (see `paytoken_request_ex`). A PortOne V2 POST/PUT/PATCH/DELETE
/// carries one by default (config `idempotency`).
#[no_mangle]
pub extern "C" fn paytoken_request(
    client: *const paytoken_client,
    method: *const c_char,
    path: *const c_char,
    headers_json: *const c_char,
    body: *const u8,
    body_len: usize,
    response_out: *mut *mut paytoken_response,
    err: *mut paytoken_error,
) -> i32 {
    paytoken_request_ex(
        client,
        method,
        path,
        headers_json,
        body,
        body_len,
        std::ptr::null(),
        response_out,
        err,
    )
}

/// `paytoken_request` with per-call options: `options_json` is NULL (the client's
/// defaults) or a JSON object of options for this call only. Unknown keys are
/// `PAYTOKEN_E_INVALID_ARGUMENT` naming the key. Keys:
///
/// - `timeoutMs`: whole-request deadline for this call (1 to 600000), replacing the
///   config's `timeoutMs` (an approval may wait 60 s, a lookup 5 s). With
///   `retryUnknownOutcome` every attempt shares it: it is the whole call's deadline.
/// - `idempotencyKey` (PortOne V2 clients only, else `PAYTOKEN_E_INVALID_ARGUMENT`): this
///   call's `Idempotency-Key` (16–256 printable ASCII characters, no `"` or `\`), sent
///   as the RFC 8941 quoted string `"<key>"`. Get one from
///   `paytoken_idempotency_key_new` and store it before sending, so that you have it
///   when the call fails. Giving it together with an `Idempotency-Key` header in
///   `headers_json` is `PAYTOKEN_E_INVALID_ARGUMENT` (a header given alone is sent as is).
/// - `retryUnknownOutcome` (true/false): overrides the config key of that name.
///
/// Idempotency (PortOne V2): with config `idempotency` on (the default), every POST,
/// PUT, PATCH and DELETE of a PortOne V2 client carries an `Idempotency-Key`: the
/// caller's (option or header) or a fresh random one. NICEPAY and PortOne V1 requests
/// carry one only if the caller gives it. `paytoken_response_idempotency_key` tells the
/// key a response's request carried.
///
/// Unknown outcomes (`retryUnknownOutcome` on, and only for a request that carries an
/// idempotency key, i.e. PortOne V2 mutating requests): after a timeout, or a
/// connection lost before a full answer, the request is resent with the SAME key after a
/// short backoff (100 ms doubling to 1 s) while the call's deadline allows (an attempt
/// gets at most three quarters of the time left, so that a resend fits); a `409` whose `type` is
/// `IDEMPOTENCY_OUTSTANDING_REQUEST` (the first attempt is still running at the gateway)
/// is waited on and asked again within the same deadline. The gateway answers a resend
/// with the first attempt's answer, so the payment is processed once. When the deadline
/// runs out, the error (`PAYTOKEN_E_TIMEOUT`/`PAYTOKEN_E_NETWORK`) says how many attempts
/// were made and that the same key may be retried later (PortOne keeps it 3 hours).
/// Other requests (every NICEPAY and PortOne V1 request, even one with an
/// `Idempotency-Key` header of the caller's) are never resent. The
/// client's stats count resends as `unknownOutcomeRetries`.
///
/// Everything else is exactly as `paytoken_request`.
#[no_mangle]
pub extern "C" fn paytoken_request_ex(
    client: *const paytoken_client,
    method: *const c_char,
    path: *const c_char,
    headers_json: *const c_char,
    body: *const u8,
    body_len: usize,
    options_json: *const c_char,
    response_out: *mut *mut paytoken_response,
    err: *mut paytoken_error,
) -> i32 {
    ffi_fallible!(err, {
        let client = try_ref!(client);
        try_out!(response_out);
        // SAFETY: the caller's arguments, as documented above.
        let call =
            unsafe { call_from_c(method, path, headers_json, body, body_len, options_json) }?;
        let sent = call.send(client)?;
        let response = Box::new(paytoken_response::from_sent(
            sent,
            client.config.return_charset,
        ));
        // SAFETY: checked non-NULL above.
        unsafe { *response_out = Box::into_raw(response) };
        Ok(())
    })
}

/// The body argument as a slice.
///
/// # Safety
/// `body` is NULL or points to `body_len` readable bytes.
pub(crate) unsafe fn body_arg<'a>(body: *const u8, body_len: usize) -> Result<&'a [u8], Error> {
    match (body.is_null(), body_len) {
        (_, 0) => Ok(&[]),
        (true, n) => Err(Error::invalid(format!("body is NULL but body_len is {n}"))),
        (false, n) if n > MAX_BODY_BYTES => Err(Error::invalid(format!(
            "body_len is {n}; at most {MAX_BODY_BYTES} bytes are sent"
        ))),
        // SAFETY: forwarded from the caller.
        (false, n) => Ok(unsafe { std::slice::from_raw_parts(body, n) }),
    }
}

/// Reads and checks the C arguments of a request (shared by the sync and async calls).
///
/// # Safety
/// The strings are NULL or NUL-terminated and `body` points to `body_len` readable
/// bytes (or is NULL/0), all valid for `'a`.
pub(crate) unsafe fn call_from_c<'a>(
    method: *const c_char,
    path: *const c_char,
    headers_json: *const c_char,
    body: *const u8,
    body_len: usize,
    options_json: *const c_char,
) -> Result<Call<'a>, Error> {
    // SAFETY: forwarded from the caller.
    let (method, path, headers_json, options_json, body) = unsafe {
        (
            str_arg(method, "method")?,
            str_arg(path, "path")?,
            opt_str_arg(headers_json, "headers_json")?,
            opt_str_arg(options_json, "options_json")?,
            body_arg(body, body_len)?,
        )
    };
    Call::check(
        method,
        Cow::Borrowed(path),
        headers_json,
        Cow::Borrowed(body),
        options_json,
    )
}

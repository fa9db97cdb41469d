//! The asynchronous C API: `paytoken_request_async`, `paytoken_get_token_async`,
//! `paytoken_nicepay_netcancel_async` (a job on the library's I/O threads, completed
//! through a callback) and
//! `paytoken_get_token_cached` (the fresh token or nothing, never any I/O).
//!
//! The arguments are checked and copied on the caller's thread (the same `call_from_c`
//! as the synchronous request, then `Call::into_owned`), so the caller's buffers may be reused as soon as the
//! function returns; the worker holds a reference to the client until its callback has
//! returned.

use std::os::raw::{c_char, c_void};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use super::client::paytoken_client;
use super::error::paytoken_error;
use super::request::call_from_c;
use super::response::paytoken_response;
use crate::error::Error;
use crate::ffi::{self, ffi_fallible};
use crate::recovery::netcancel;
use crate::runtime::worker_pool::{self, Job};

/// Completion of an asynchronous call. Called exactly once per accepted call, on one of
/// the library's I/O threads (threads named `paytoken-io`, never the caller's thread,
/// with the one exception below), holding none of the library's locks.
///
/// - `user_data`: the pointer given to the call, untouched.
/// - `status`: `PAYTOKEN_OK` or the error's status code, exactly as the synchronous call
///   would have returned it.
/// - `result`: on success, owned by the callback from now on: a `paytoken_response *`
///   for `paytoken_request_async` (release it with `paytoken_response_free`), a
///   NUL-terminated `char *` token for `paytoken_get_token_async` (release it with
///   `paytoken_string_free`). NULL on error.
/// - `error`: never NULL; zeroed on success, the error otherwise. It is valid only
///   until the callback returns: copy what you need.
///
/// The callback may call any paytoken function, including starting another
/// asynchronous call or freeing the client. It must return (it runs on an I/O thread
/// that serves other calls afterwards) and must not unwind (no C++ exception, no
/// longjmp out of it).
#[allow(non_camel_case_types)]
pub type paytoken_callback = Option<
    extern "C" fn(
        user_data: *mut c_void,
        status: i32,
        result: *mut c_void,
        error: *const paytoken_error,
    ),
>;

/// The caller's callback and pointer, carried to a worker thread. The caller promises
/// (by calling an async function) that both may be used from another thread.
struct Completion {
    cb: extern "C" fn(*mut c_void, i32, *mut c_void, *const paytoken_error),
    user_data: *mut c_void,
}

// SAFETY: the documented contract of the async functions: the callback is called on a
// library thread with this pointer; the caller makes it safe to do so.
unsafe impl Send for Completion {}

impl Completion {
    fn deliver(self, outcome: Result<*mut c_void, Error>) {
        let mut error = paytoken_error {
            code: 0,
            http_status: 0,
            gateway_code: [0; 32],
            message: [0; 512],
        };
        let (status, result) = match outcome {
            Ok(result) => (0, result),
            Err(e) => {
                // SAFETY: a local, writable struct.
                unsafe { super::error::write(&e, &mut error) };
                (e.code(), std::ptr::null_mut())
            }
        };
        (self.cb)(self.user_data, status, result, &error);
    }
}

/// Lane for calls refused before a client was known (NULL client): they still complete
/// through the pool, never on the caller's thread.
const NO_CLIENT_LANE: worker_pool::LaneId = 0;

/// Accepts an asynchronous call: a NULL `cb` is refused here (there is nothing to call);
/// otherwise `work` runs on an I/O thread with the client (a NULL client is reported
/// through `cb`, like every other error) and its outcome goes to `cb`. The client is kept
/// alive until the callback has returned.
///
/// # Safety
/// `client` is NULL or a live pointer from `paytoken_client_new`.
unsafe fn dispatch(
    client: *const paytoken_client,
    cb: paytoken_callback,
    user_data: *mut c_void,
    work: impl FnOnce(&paytoken_client) -> Result<*mut c_void, Error> + Send + 'static,
) -> Result<(), Error> {
    let Some(cb) = cb else {
        return Err(Error::invalid("cb is NULL"));
    };
    let completion = Completion { cb, user_data };
    // SAFETY: forwarded from the caller.
    let client = unsafe { share(client) };
    let (lane, max_in_flight) = match &client {
        Some(c) => (c.lane, c.config.max_in_flight),
        None => (NO_CLIENT_LANE, usize::MAX),
    };
    let work = |client: Option<&paytoken_client>| {
        work(client.ok_or_else(|| Error::invalid("client is NULL"))?)
    };
    worker_pool::submit(Job {
        lane,
        max_in_flight,
        run: Box::new(move |refused: Option<Error>| {
            let outcome = match refused {
                Some(e) => Err(e),
                None => catch_unwind(AssertUnwindSafe(|| work(client.as_deref()))).unwrap_or_else(
                    |_| {
                        Err(Error::internal(
                            "internal error: a panic was caught in paytoken (please report it)",
                        ))
                    },
                ),
            };
            completion.deliver(outcome);
            drop(client); // only now: the client lives until its callback has returned
        }),
    });
    Ok(())
}

/// A new reference to the caller's client, or NULL.
///
/// # Safety
/// `client` is NULL or a live pointer from `paytoken_client_new`.
unsafe fn share(client: *const paytoken_client) -> Option<Arc<paytoken_client>> {
    if client.is_null() {
        return None;
    }
    // SAFETY: the pointer came from Arc::into_raw and the caller still owns its reference.
    unsafe {
        Arc::increment_strong_count(client);
        Some(Arc::from_raw(client))
    }
}

/// `paytoken_request_ex` without waiting: same arguments, same checks, same behaviour
/// (401 retry, no resend after the request may have reached the gateway, per-call
/// `options_json`, PortOne V2's `Idempotency-Key` and `retryUnknownOutcome`: the response
/// answers `paytoken_response_idempotency_key` too), but it returns at once and the outcome goes to `cb` (see
/// `paytoken_callback`): `result` is a `paytoken_response *` that the callback owns.
///
/// The arguments are copied before this returns: the caller may free or reuse them at
/// once. Whenever `cb` is not NULL the call is accepted and `PAYTOKEN_OK` is returned,
/// and `cb` is called exactly once: with the response, or with the error, including
/// invalid arguments (NULL client, bad method or path, malformed JSON: reported through
/// `cb` exactly as the synchronous call reports them through its return value),
/// timeouts and network errors. Only a NULL `cb` is refused here, with
/// `PAYTOKEN_E_INVALID_ARGUMENT` (there is nothing to call).
///
/// Threads: the request runs on one of the library's I/O threads (`paytoken-io`).
/// Up to the client's `maxInFlight` (config key, default 256) of its calls run at
/// once; more wait in order and start as earlier ones finish (never an error because of
/// load). Threads are started on demand and exit after 10 s idle. Only if the process
/// cannot start a single thread is `cb` called on the calling thread, before this
/// returns, with `PAYTOKEN_E_INTERNAL`.
///
/// Freeing the client with calls in flight is allowed: each completes normally and
/// the client's memory lives until its last callback has returned.
///
/// fork(): the child starts with no I/O threads and none of the parent's calls; their
/// callbacks are called in the parent only.
#[no_mangle]
pub extern "C" fn paytoken_request_async(
    client: *const paytoken_client,
    method: *const c_char,
    path: *const c_char,
    headers_json: *const c_char,
    body: *const u8,
    body_len: usize,
    options_json: *const c_char,
    cb: paytoken_callback,
    user_data: *mut c_void,
    err: *mut paytoken_error,
) -> i32 {
    ffi_fallible!(err, {
        // SAFETY: the caller's arguments, as documented above; copied before returning.
        // The checked call owns its path and body from here on.
        let checked =
            unsafe { call_from_c(method, path, headers_json, body, body_len, options_json) }
                .map(|call| call.into_owned());
        // SAFETY: NULL or a live client pointer from the caller.
        unsafe {
            dispatch(client, cb, user_data, move |client| {
                let sent = checked?.send(client)?;
                let response = paytoken_response::from_sent(sent, client.config.return_charset);
                Ok(Box::into_raw(Box::new(response)).cast())
            })
        }
    })
}

/// `paytoken_get_token` without waiting: the outcome goes to `cb` (see
/// `paytoken_callback`); on success `result` is a NUL-terminated token (`char *`) that
/// the callback owns and releases with `paytoken_string_free`.
///
/// Same acceptance, thread, lane, client-lifetime and fork rules as
/// `paytoken_request_async`: with a non-NULL `cb` it returns `PAYTOKEN_OK` and `cb` is
/// called exactly once (a NULL client or a client whose scheme uses no token is
/// `PAYTOKEN_E_INVALID_ARGUMENT` through `cb`). A fresh token is also cheaper to get
/// with `paytoken_get_token_cached`, which needs no thread at all.
#[no_mangle]
pub extern "C" fn paytoken_get_token_async(
    client: *const paytoken_client,
    cb: paytoken_callback,
    user_data: *mut c_void,
    err: *mut paytoken_error,
) -> i32 {
    ffi_fallible!(err, {
        // SAFETY: NULL or a live client pointer from the caller.
        unsafe {
            dispatch(client, cb, user_data, |client| {
                client.require_token_scheme()?;
                // As paytoken_get_token: every error is scrubbed of this client's secrets.
                let token = crate::secrets::redact::within(client, || {
                    client
                        .entry
                        .with_token(&client.config, |t| ffi::copy_to_c(t.expose().as_bytes()))
                })?;
                Ok(token.cast())
            })
        }
    })
}

/// The client's current token if it is fresh, without any I/O and without waiting for
/// anything (not for a lock held by a fetch, not for another thread's fetch): the
/// cheap first step of an asynchronous `token()`.
///
/// On `PAYTOKEN_OK`, `*token_out` is either a copy of the fresh token (release it with
/// `paytoken_string_free`), or NULL when none can be given without I/O (nothing cached
/// yet, or the cached one is due for refresh or expired): then use
/// `paytoken_get_token_async` (or `paytoken_get_token`). Errors: NULL arguments, or a
/// client whose scheme uses no token (`PAYTOKEN_E_INVALID_ARGUMENT`). Any thread.
#[no_mangle]
pub extern "C" fn paytoken_get_token_cached(
    client: *const paytoken_client,
    token_out: *mut *mut c_char,
    err: *mut paytoken_error,
) -> i32 {
    ffi_fallible!(err, {
        super::token::give_token(client, token_out, |client| {
            Ok(client
                .entry
                .fresh_token(&client.config, |t| ffi::copy_to_c(t.expose().as_bytes()))
                .unwrap_or(std::ptr::null_mut()))
        })
    })
}

/// `paytoken_nicepay_netcancel` without waiting: same arguments, same checks, same
/// outcome JSON, but it returns at once and the outcome goes to `cb` (see
/// `paytoken_callback`): on success `result` is the NUL-terminated outcome JSON
/// (`char *`, `{"outcome":"cancelled"|"notNeeded"|"retry",...}`) that the callback owns
/// and releases with `paytoken_string_free`. As with the synchronous call, transport
/// errors are an outcome (`"retry"`), never an error; errors are only invalid arguments
/// (a NULL client or `order_id`, an empty `order_id`, a client that is not NICEPAY,
/// malformed `options_json`), reported through `cb`.
///
/// Same acceptance, thread, lane, client-lifetime and fork rules as
/// `paytoken_request_async`: with a non-NULL `cb` it returns `PAYTOKEN_OK` and `cb` is
/// called exactly once; the arguments are copied before this returns.
#[no_mangle]
pub extern "C" fn paytoken_nicepay_netcancel_async(
    client: *const paytoken_client,
    order_id: *const c_char,
    options_json: *const c_char,
    cb: paytoken_callback,
    user_data: *mut c_void,
    err: *mut paytoken_error,
) -> i32 {
    ffi_fallible!(err, {
        // SAFETY: NULL or the caller's NUL-terminated strings; copied before returning.
        let args = unsafe {
            ffi::str_arg(order_id, "order_id").and_then(|order_id| {
                let options = ffi::opt_str_arg(options_json, "options_json")?;
                Ok((order_id.to_owned(), options.map(str::to_owned)))
            })
        };
        // SAFETY: NULL or a live client pointer from the caller.
        unsafe {
            dispatch(client, cb, user_data, move |client| {
                let (order_id, options) = args?;
                let now = netcancel::now_unix_secs();
                let outcome = netcancel::netcancel(client, &order_id, options.as_deref(), now)?;
                Ok(ffi::into_c_string(&outcome.to_string())?.cast())
            })
        }
    })
}

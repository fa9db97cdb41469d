//! The asynchronous C API: `paytoken_request_async`, `paytoken_get_token_async`,
//! `paytoken_nicepay_netcancel_async` (a job on the library's I/O threads, completed
//! through a callback) and
//! `paytoken_get_token_cached` (the fresh token or nothing, never any I/O). The work and
//! the dispatch are shared with their `_queued` twins (`queued_call.rs`), which complete
//! into a `paytoken_queue` instead of a callback.
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
use super::queue::{self, paytoken_queue, Owned, Queue};
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

/// Where a call's outcome goes: the caller's callback and pointer, or a completion
/// queue with the caller's tag (`queue.rs`). The caller promises (by calling an async
/// function) that the callback and pointer may be used from another thread.
pub(crate) enum Completion {
    Callback {
        cb: extern "C" fn(*mut c_void, i32, *mut c_void, *const paytoken_error),
        user_data: *mut c_void,
    },
    Queue {
        queue: Arc<Queue>,
        tag: u64,
        /// Releases this kind of result if the queue is freed before it is drained.
        free: unsafe fn(*mut c_void),
    },
}

// SAFETY: the documented contract of the async functions: the callback is called on a
// library thread with this pointer; the caller makes it safe to do so. A queue is Sync.
unsafe impl Send for Completion {}

impl Completion {
    /// The callback API's completion; a NULL `cb` is refused (there is nothing to call).
    pub(crate) fn callback(cb: paytoken_callback, user_data: *mut c_void) -> Result<Self, Error> {
        let cb = cb.ok_or_else(|| Error::invalid("cb is NULL"))?;
        Ok(Completion::Callback { cb, user_data })
    }

    /// The queue API's completion; a NULL `queue` is refused (there is nowhere to post).
    ///
    /// # Safety
    /// `queue` is NULL or a live pointer from `paytoken_queue_new`.
    pub(crate) unsafe fn queue(
        queue: *const paytoken_queue,
        tag: u64,
        free: unsafe fn(*mut c_void),
    ) -> Result<Self, Error> {
        // SAFETY: forwarded from the caller.
        let queue =
            unsafe { queue::share(queue) }.ok_or_else(|| Error::invalid("queue is NULL"))?;
        Ok(Completion::Queue { queue, tag, free })
    }

    fn deliver(self, outcome: Result<*mut c_void, Error>) {
        match self {
            Completion::Callback { cb, user_data } => {
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
                cb(user_data, status, result, &error);
            }
            Completion::Queue { queue, tag, free } => {
                // SAFETY: `free` is the release function of this call's kind of result.
                queue.post(tag, outcome.map(|ptr| unsafe { Owned::new(ptr, free) }));
            }
        }
    }
}

/// Lane for calls refused before a client was known (NULL client): they still complete
/// through the pool, never on the caller's thread.
const NO_CLIENT_LANE: worker_pool::LaneId = 0;

/// Accepts an asynchronous call: `work` runs on an I/O thread with the client (a NULL
/// client is reported through `completion`, like every other error) and its outcome goes
/// to `completion`. The client is kept alive until the outcome is delivered.
///
/// # Safety
/// `client` is NULL or a live pointer from `paytoken_client_new`.
pub(crate) unsafe fn dispatch(
    client: *const paytoken_client,
    completion: Completion,
    work: impl FnOnce(&paytoken_client) -> Result<*mut c_void, Error> + Send + 'static,
) {
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
            drop(client); // only now: the client lives until its outcome is delivered
        }),
    });
}

/// The work of `paytoken_request_async`/`_queued`: the arguments checked and copied on
/// the caller's thread, sent on an I/O thread; the result is a `paytoken_response *`.
///
/// # Safety
/// As `paytoken_request_ex`'s arguments.
pub(crate) unsafe fn request_work(
    method: *const c_char,
    path: *const c_char,
    headers_json: *const c_char,
    body: *const u8,
    body_len: usize,
    options_json: *const c_char,
) -> impl FnOnce(&paytoken_client) -> Result<*mut c_void, Error> + Send + 'static {
    // SAFETY: the caller's arguments, as documented; copied before returning.
    // The checked call owns its path and body from here on.
    let checked = unsafe { call_from_c(method, path, headers_json, body, body_len, options_json) }
        .map(|call| call.into_owned());
    move |client| {
        let sent = checked?.send(client)?;
        let response = paytoken_response::from_sent(sent, client.config.return_charset);
        Ok(Box::into_raw(Box::new(response)).cast())
    }
}

/// The work of `paytoken_get_token_async`/`_queued`: the result is a `char *` token.
pub(crate) fn token_work(client: &paytoken_client) -> Result<*mut c_void, Error> {
    client.require_token_scheme()?;
    // As paytoken_get_token: every error is scrubbed of this client's secrets.
    let token = crate::secrets::redact::within(client, || {
        client
            .entry
            .with_token(&client.config, |t| ffi::copy_to_c(t.expose().as_bytes()))
    })?;
    Ok(token.cast())
}

/// The work of `paytoken_nicepay_netcancel_async`/`_queued`: the result is the outcome
/// JSON (`char *`).
///
/// # Safety
/// `order_id` and `options_json` are NULL or NUL-terminated strings (copied here).
pub(crate) unsafe fn netcancel_work(
    order_id: *const c_char,
    options_json: *const c_char,
) -> impl FnOnce(&paytoken_client) -> Result<*mut c_void, Error> + Send + 'static {
    // SAFETY: the caller's promise; copied before returning.
    let args = unsafe {
        ffi::str_arg(order_id, "order_id").and_then(|order_id| {
            let options = ffi::opt_str_arg(options_json, "options_json")?;
            Ok((order_id.to_owned(), options.map(str::to_owned)))
        })
    };
    move |client| {
        let (order_id, options) = args?;
        let now = netcancel::now_unix_secs();
        let outcome = netcancel::netcancel(client, &order_id, options.as_deref(), now)?;
        Ok(ffi::into_c_string(&outcome.to_string())?.cast())
    }
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
        let completion = Completion::callback(cb, user_data)?;
        // SAFETY: the caller's arguments, as documented above; copied before returning.
        let work =
            unsafe { request_work(method, path, headers_json, body, body_len, options_json) };
        // SAFETY: NULL or a live client pointer from the caller.
        unsafe { dispatch(client, completion, work) };
        Ok(())
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
        let completion = Completion::callback(cb, user_data)?;
        // SAFETY: NULL or a live client pointer from the caller.
        unsafe { dispatch(client, completion, token_work) };
        Ok(())
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
        let completion = Completion::callback(cb, user_data)?;
        // SAFETY: NULL or the caller's NUL-terminated strings; copied before returning.
        let work = unsafe { netcancel_work(order_id, options_json) };
        // SAFETY: NULL or a live client pointer from the caller.
        unsafe { dispatch(client, completion, work) };
        Ok(())
    })
}

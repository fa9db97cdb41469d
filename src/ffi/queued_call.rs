//! The asynchronous calls that complete into a `paytoken_queue` (see `queue.rs`):
//! `paytoken_request_queued`, `paytoken_get_token_queued`,
//! `paytoken_nicepay_netcancel_queued`. Each is its `_async` twin (same checks, same
//! work, same I/O threads, lanes and `maxInFlight`) with a queue and a tag in place of a
//! callback and a pointer.

use std::os::raw::{c_char, c_void};

use super::async_call::{dispatch, netcancel_work, request_work, token_work, Completion};
use super::client::paytoken_client;
use super::error::paytoken_error;
use super::queue::paytoken_queue;
use super::response::{paytoken_response, paytoken_response_free};
use super::token::paytoken_string_free;
use crate::ffi::ffi_fallible;

/// Releases an undrained `paytoken_request_queued` result.
unsafe fn free_response(result: *mut c_void) {
    paytoken_response_free(result.cast::<paytoken_response>());
}

/// Releases an undrained token or outcome JSON.
unsafe fn free_string(result: *mut c_void) {
    paytoken_string_free(result.cast::<c_char>());
}

/// `paytoken_request_async`, completed into `queue` instead of a callback: same
/// arguments (copied before this returns), same checks, same behaviour (401 retry, no
/// resend after the request may have reached the gateway, `options_json`,
/// `Idempotency-Key`). Whenever `queue` is not NULL the call is accepted, `PAYTOKEN_OK`
/// is returned, and exactly one `paytoken_completion` with this `tag` is posted to
/// `queue`: on success its `result` is a `paytoken_response *` (release it with
/// `paytoken_response_free`); every error, invalid arguments included, is its `status`
/// and `error`. Only a NULL `queue` is refused here, with `PAYTOKEN_E_INVALID_ARGUMENT`.
///
/// Threads, `maxInFlight`, client lifetime and fork: as `paytoken_request_async`.
#[no_mangle]
pub extern "C" fn paytoken_request_queued(
    client: *const paytoken_client,
    method: *const c_char,
    path: *const c_char,
    headers_json: *const c_char,
    body: *const u8,
    body_len: usize,
    options_json: *const c_char,
    queue: *const paytoken_queue,
    tag: u64,
    err: *mut paytoken_error,
) -> i32 {
    ffi_fallible!(err, {
        // SAFETY: NULL or a live queue from paytoken_queue_new.
        let completion = unsafe { Completion::queue(queue, tag, free_response) }?;
        // SAFETY: the caller's arguments, as documented above; copied before returning.
        let work =
            unsafe { request_work(method, path, headers_json, body, body_len, options_json) };
        // SAFETY: NULL or a live client pointer from the caller.
        unsafe { dispatch(client, completion, work) };
        Ok(())
    })
}

/// `paytoken_get_token_async`, completed into `queue`: on success the completion's
/// `result` is a NUL-terminated token (`char *`, release it with
/// `paytoken_string_free`). Acceptance as `paytoken_request_queued`.
#[no_mangle]
pub extern "C" fn paytoken_get_token_queued(
    client: *const paytoken_client,
    queue: *const paytoken_queue,
    tag: u64,
    err: *mut paytoken_error,
) -> i32 {
    ffi_fallible!(err, {
        // SAFETY: NULL or a live queue from paytoken_queue_new.
        let completion = unsafe { Completion::queue(queue, tag, free_string) }?;
        // SAFETY: NULL or a live client pointer from the caller.
        unsafe { dispatch(client, completion, token_work) };
        Ok(())
    })
}

/// `paytoken_nicepay_netcancel_async`, completed into `queue`: on success the
/// completion's `result` is the outcome JSON (`char *`, release it with
/// `paytoken_string_free`). Acceptance as `paytoken_request_queued`.
#[no_mangle]
pub extern "C" fn paytoken_nicepay_netcancel_queued(
    client: *const paytoken_client,
    order_id: *const c_char,
    options_json: *const c_char,
    queue: *const paytoken_queue,
    tag: u64,
    err: *mut paytoken_error,
) -> i32 {
    ffi_fallible!(err, {
        // SAFETY: NULL or a live queue from paytoken_queue_new.
        let completion = unsafe { Completion::queue(queue, tag, free_string) }?;
        // SAFETY: NULL or the caller's NUL-terminated strings; copied before returning.
        let work = unsafe { netcancel_work(order_id, options_json) };
        // SAFETY: NULL or a live client pointer from the caller.
        unsafe { dispatch(client, completion, work) };
        Ok(())
    })
}

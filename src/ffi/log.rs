//! The log records' C side: `paytoken_log_configure`, `paytoken_log_next`,
//! `paytoken_log_dropped` (the queue and the log thread are `runtime::log_sink`).

use std::os::raw::{c_char, c_void};
use std::sync::Arc;

use super::error::paytoken_error;
use super::{ffi_fallible, ffi_infallible};
use crate::runtime::log_sink;

/// Receives one log record on the library's log thread. `level` is 1 (info: fetches,
/// refresh reasons, retries), 2 (debug) or 3 (warning: a failed token request, the
/// token-storm guard holding fetches back, records dropped, a caught panic; ABI 1.5);
/// `message` is NUL-terminated UTF-8 of `len` bytes, valid only during the call,
/// with tokens and secrets shown only as `fp:` fingerprints.
#[allow(non_camel_case_types)]
pub type paytoken_log_fn =
    Option<extern "C" fn(user_data: *mut c_void, level: i32, message: *const c_char, len: usize)>;

/// Sends the library's log records to the host language instead of (or beside)
/// `PAYTOKEN_LOG`'s stderr lines. Process-wide; call it again to change it.
///
/// `level`: 0 stops collecting, 1 info (fetches, refresh reasons, retries), 2 debug (also
/// cache hits and every failed call), 3 warnings only (ABI 1.5); 1 and 2 collect the
/// warnings too. When records were dropped, a warning record says how many once the
/// queue has room again. `callback`: called on one library thread
/// ("paytoken-log"), never on the thread that made the call, in order; a slow callback
/// only delays that thread. NULL `callback`: records wait in a queue for
/// `paytoken_log_next` (for hosts that must log on their own thread). Either way the
/// queue holds at most 1024 records; more are dropped and counted
/// (`paytoken_log_dropped`), so logging never blocks a payment call. `user_data` is passed
/// back to `callback` as is. When this returns, the previous callback is not running and
/// is not called again (it waits for a record being handed to it; ABI 1.5, before which
/// it could be called once more), so the host may then free or stop what it calls; called
/// from inside the callback, it does not wait for itself. A level outside 0..3 is
/// PAYTOKEN_E_INVALID_ARGUMENT.
#[no_mangle]
pub extern "C" fn paytoken_log_configure(
    level: i32,
    callback: paytoken_log_fn,
    user_data: *mut c_void,
    err: *mut paytoken_error,
) -> i32 {
    ffi_fallible!(err, {
        // The pointer travels as an integer: the caller made it safe to use from the log
        // thread by passing it here.
        let user_data = user_data as usize;
        let callback = callback.map(|func| -> log_sink::Callback {
            Arc::new(move |level: u8, message: &str| {
                let text = message.replace('\0', " ") + "\0";
                func(
                    user_data as *mut c_void,
                    i32::from(level),
                    text.as_ptr().cast(),
                    text.len() - 1,
                );
            })
        });
        log_sink::configure(level, callback)
    })
}

/// Takes the next queued record (polling mode: `paytoken_log_configure` with a NULL
/// callback). Returns 1 and sets `*level_out` (1 info, 2 debug, 3 warning) and `*message_out` (free
/// it with `paytoken_string_free`) when there was one, 0 when the queue is empty (or a
/// callback is set, or an argument is NULL). Never waits.
#[no_mangle]
pub extern "C" fn paytoken_log_next(level_out: *mut i32, message_out: *mut *mut c_char) -> i32 {
    ffi_infallible!(0, {
        if level_out.is_null() || message_out.is_null() {
            return 0;
        }
        let Some((level, message)) = log_sink::next() else {
            return 0;
        };
        let Ok(ptr) = super::into_c_string(&message.replace('\0', " ")) else {
            return 0;
        };
        // SAFETY: both checked non-NULL above.
        unsafe {
            *level_out = i32::from(level);
            *message_out = ptr;
        }
        1
    })
}

/// How many records were dropped because the queue was full, since the process started.
#[no_mangle]
pub extern "C" fn paytoken_log_dropped() -> u64 {
    log_sink::dropped()
}

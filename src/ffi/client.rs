//! `paytoken_client` (the C handle of a `call::Client`): new, free, stats.
//! Creating one does no network I/O and costs microseconds: one per PHP request is fine.

use std::os::raw::c_char;
use std::sync::Arc;

use super::error::paytoken_error;
use crate::call::Client;
use crate::error::Error;
use crate::ffi::{self, ffi_fallible, ffi_infallible, try_out, try_ref};

/// A client for one gateway account. Thread-safe: share it between any number of threads.
/// Clients with the same gateway, origin and credentials share one cached token.
#[allow(non_camel_case_types)]
pub struct paytoken_client {
    core: Client,
}

impl std::ops::Deref for paytoken_client {
    type Target = Client;
    fn deref(&self) -> &Client {
        &self.core
    }
}

/// Parses and validates `config_json` (see the config keys in the README) and creates a
/// client. No network I/O happens here.
///
/// On success `*client_out` receives a client to release with `paytoken_client_free`.
/// Unknown keys, keys of another gateway, wrong types, empty or whitespace-padded
/// credentials and plain `http://` to a non-loopback host are `PAYTOKEN_E_INVALID_ARGUMENT`
/// with a message naming the key. So is a `caFile` that cannot be read or holds no PEM
/// certificate: it is read here (once per path and process), not at the first request.
/// With `cacheDir`, the directory is created (`0700`) if missing; one that other users
/// can read or write, or that another user owns, is `PAYTOKEN_E_INVALID_ARGUMENT` here.
#[no_mangle]
pub extern "C" fn paytoken_client_new(
    config_json: *const c_char,
    client_out: *mut *mut paytoken_client,
    err: *mut paytoken_error,
) -> i32 {
    ffi_fallible!(err, {
        try_out!(client_out);
        // SAFETY: a NUL-terminated string from the caller.
        let json = unsafe { ffi::str_arg(config_json, "config_json") }?;
        // An Arc: asynchronous calls in flight hold a reference (see paytoken_client_free).
        let client = Arc::new(paytoken_client {
            core: Client::new(json)?,
        });
        // SAFETY: checked non-NULL above.
        unsafe { *client_out = Arc::into_raw(client).cast_mut() };
        // Parsing and hashing the credentials left copies in stack frames below this one.
        crate::secrets::wipe::scrub_stack();
        Ok(())
    })
}

/// Releases a client (its credentials are wiped from memory). The cached token stays in
/// the process-wide cache for other clients. NULL is accepted and ignored.
///
/// Asynchronous calls still in flight keep what they need: the client's memory lives
/// until the last of their callbacks has returned, and each of them still completes
/// normally. The pointer itself must not be used after this call.
#[no_mangle]
pub extern "C" fn paytoken_client_free(client: *mut paytoken_client) {
    ffi_infallible!((), {
        if !client.is_null() {
            // SAFETY: a pointer from paytoken_client_new (Arc::into_raw), released once.
            drop(unsafe { Arc::from_raw(client.cast_const()) });
        }
    })
}

/// Writes the counters of the client's cache entry as a JSON object to `*json_out`:
/// `{"tokenFetches":n,"cacheHits":n,"refreshFailures":n,"retriesAfter401":n,...}` (more
/// keys may follow). Release it with `paytoken_string_free`.
///
/// Also: `fetchesSkippedAfterRefusal` (401s answered with `PAYTOKEN_E_AUTH` without a
/// token request because a freshly fetched token was refused too: the token-storm
/// bound), `hostCacheReads` (tokens taken from the `cacheDir` file instead of a token
/// request), `tokenValidForMs` (null when none), and `gatewayClockSkewMs`: the gateway's
/// clock minus this host's wall clock at the last token answer, in ms (positive: the
/// gateway is ahead; to within a second, as gateways send whole seconds; null before
/// the first answer). Expiry never depends on it: it is there to alert on.
/// `unknownOutcomeRetries` counts requests resent with the same idempotency key after
/// an unknown outcome (`retryUnknownOutcome`).
/// `asyncThreads`, `asyncRunning` and `asyncQueued` describe the process-wide pool of I/O
/// threads behind the asynchronous calls.
#[no_mangle]
pub extern "C" fn paytoken_client_stats(
    client: *const paytoken_client,
    json_out: *mut *mut c_char,
    err: *mut paytoken_error,
) -> i32 {
    ffi_fallible!(err, {
        let client = try_ref!(client);
        try_out!(json_out);
        let json = client.stats();
        let out = ffi::into_c_string(&json.to_string())
            .map_err(|_| Error::internal("stats JSON had a NUL"))?;
        // SAFETY: checked non-NULL above.
        unsafe { *json_out = out };
        Ok(())
    })
}

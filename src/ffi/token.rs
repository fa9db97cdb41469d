//! Getting and invalidating the cached token, and freeing strings the library returns.

use std::ffi::CString;
use std::os::raw::c_char;

use super::client::paytoken_client;
use super::error::paytoken_error;
use crate::error::Error;
use crate::ffi::{self, ffi_fallible, ffi_infallible, try_out, try_ref};
use crate::runtime::log;
use crate::secrets::redact;
use crate::secrets::secret::Secret;

/// Writes a fresh copy of the client's current access token to `*token_out`, fetching
/// one if none is cached or the cached one is due. Release it with
/// `paytoken_string_free`. A fresh cached token is served from memory without I/O.
///
/// For a client whose auth scheme uses no token (NICEPAY `basic`, PortOne V2 `secret`)
/// this is `PAYTOKEN_E_INVALID_ARGUMENT`.
#[no_mangle]
pub extern "C" fn paytoken_get_token(
    client: *const paytoken_client,
    token_out: *mut *mut c_char,
    err: *mut paytoken_error,
) -> i32 {
    ffi_fallible!(err, {
        give_token(client, token_out, |client| {
            // The common case first: a fresh cached token is a lock-free load and a copy,
            // from which no error and no text can come, so it needs no scrubbing scope (a
            // third of this call's cost, see BENCHMARKS.md). With debug logging on, the full
            // path runs: it logs the hit inside the scope.
            let fresh = if log::debug_enabled() {
                None
            } else {
                client.entry.fresh_token(&client.config, copy_token)
            };
            match fresh {
                Some(copy) => Ok(copy),
                None => redact::within(client, || {
                    client.entry.with_token(&client.config, copy_token)
                }),
            }
        })
    })
}

/// The token out-parameter, shared by `paytoken_get_token` and
/// `paytoken_get_token_cached`: a non-NULL client whose scheme uses a token, a non-NULL
/// `token_out`, which gets what `copy` returns (a C string, or NULL for "none").
pub(crate) fn give_token(
    client: *const paytoken_client,
    token_out: *mut *mut c_char,
    copy: impl FnOnce(&paytoken_client) -> Result<*mut c_char, Error>,
) -> Result<(), Error> {
    let client = try_ref!(client);
    try_out!(token_out);
    client.require_token_scheme()?;
    let copy = copy(client)?;
    // SAFETY: checked non-NULL above.
    unsafe { *token_out = copy };
    Ok(())
}

/// Drops the cached token of the client's cache entry if it equals `token`
/// (compare-and-invalidate: a token fetched meanwhile by another thread is kept).
/// `token == NULL` drops whatever is cached. Not finding the token is not an error.
#[no_mangle]
pub extern "C" fn paytoken_invalidate(
    client: *const paytoken_client,
    token: *const c_char,
    err: *mut paytoken_error,
) -> i32 {
    ffi_fallible!(err, {
        let client = try_ref!(client);
        // SAFETY: NULL or a NUL-terminated string from the caller.
        let token = unsafe { ffi::opt_str_arg(token, "token") }?;
        client.require_token_scheme()?;
        redact::within(client, || Ok(client.entry.invalidate(token)))?;
        Ok(())
    })
}

/// Releases a string returned by the library (a token, stats JSON). Its bytes are
/// wiped first. NULL is accepted and ignored.
#[no_mangle]
pub extern "C" fn paytoken_string_free(s: *mut c_char) {
    ffi_infallible!((), {
        if !s.is_null() {
            // SAFETY: a pointer from CString::into_raw in this library, freed once.
            // Dropping it frees the block through the library's allocator, which wipes
            // every block it frees (`secrets::wipe::WipingAllocator`): one wipe, not a
            // byte-by-byte one before it (tests/string_free_wipes.rs).
            drop(unsafe { CString::from_raw(s) });
        }
    })
}

fn copy_token(token: &Secret) -> *mut c_char {
    ffi::copy_to_c(token.expose().as_bytes())
}

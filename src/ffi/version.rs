//! Static strings: the library version and the text of each status code.

use std::os::raw::c_char;

use crate::ffi::ffi_infallible;

/// The library version, e.g. "0.1.0". A static string: do not free it.
#[no_mangle]
pub extern "C" fn paytoken_version() -> *const c_char {
    c"0.1.0".as_ptr()
}

/// The ABI major version: bumped only when an existing function, struct or status
/// changes meaning (which the project promises never to do).
pub(crate) const ABI_MAJOR: u32 = 1;
/// The ABI minor version: bumped when functions are added. 1.1 added
/// paytoken_response_text, paytoken_abi_version, paytoken_error_size,
/// paytoken_config_schema and the paytoken_log_* functions; 1.2 the asynchronous calls
/// (paytoken_request_async, paytoken_get_token_async, paytoken_get_token_cached); 1.3
/// the unknown-outcome recovery (paytoken_response_idempotency_key,
/// paytoken_idempotency_key_new, paytoken_nicepay_sign, paytoken_nicepay_netcancel); 1.4
/// paytoken_idempotency_key_pin, paytoken_nicepay_netcancel_async and verification
/// (paytoken_verify_payment, paytoken_verify_webhook); 1.5 the completion queue
/// (paytoken_queue_new/_fd/_drain/_wait/_free, paytoken_request_queued,
/// paytoken_get_token_queued, paytoken_nicepay_netcancel_queued), paytoken_error_phase
/// (a token-request failure told apart from the request's), warning log records
/// (level 3), timeoutMs as the whole call's deadline, paytoken_heap_in_use, and
/// paytoken_response_read (with its struct paytoken_response_view) and
/// paytoken_idempotency_key_drawn.
pub(crate) const ABI_MINOR: u32 = 5;

/// The ABI version as `major << 16 | minor` (1.1 is 0x00010001). The rule for a binding
/// built against major.minor: the library must have the same major and a minor at least
/// as high; anything else is refused at load, naming both versions. Check it (and
/// `paytoken_error_size`) right after loading the library, before any other call.
#[no_mangle]
pub extern "C" fn paytoken_abi_version() -> u32 {
    (ABI_MAJOR << 16) | ABI_MINOR
}

/// `sizeof(paytoken_error)` as this library was built (552 on every platform): a binding
/// that allocates the struct itself checks it matches its own declaration.
#[no_mangle]
pub extern "C" fn paytoken_error_size() -> usize {
    std::mem::size_of::<super::error::paytoken_error>()
}

/// Every config key as static JSON (do not free): `{"version":1,"keys":[{"name",
/// "type" ("string"|"secret"|"boolean"|"integer"),"gateways":[...],"required",
/// "default" (a value, or an object by gateway),"min","max","values"}]}`. The bindings
/// derive or test their option names from it; it is the table `paytoken_client_new`
/// validates against.
#[no_mangle]
pub extern "C" fn paytoken_config_schema() -> *const c_char {
    ffi_infallible!(std::ptr::null(), {
        static SCHEMA: std::sync::OnceLock<std::ffi::CString> = std::sync::OnceLock::new();
        SCHEMA
            .get_or_init(|| {
                std::ffi::CString::new(crate::config::schema::schema_json())
                    .expect("no NUL in the schema")
            })
            .as_ptr()
    })
}

/// A static English text for a status code ("unknown status" for a code that has no
/// meaning). Do not free it.
#[no_mangle]
pub extern "C" fn paytoken_strerror(code: i32) -> *const c_char {
    ffi_infallible!(c"unknown status".as_ptr(), {
        super::status::describe(code).as_ptr()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn version_matches_the_crate() {
        let v = unsafe { std::ffi::CStr::from_ptr(super::paytoken_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }

    #[test]
    fn abi_and_error_size() {
        assert_eq!(super::paytoken_abi_version(), 0x0001_0005);
        assert_eq!(super::paytoken_error_size(), 4 + 4 + 32 + 512);
    }
}

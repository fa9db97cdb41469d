//! Static strings: the library version and the text of each status code.

use std::os::raw::c_char;

use crate::error;
use crate::ffi::ffi_infallible;

/// The library version, e.g. "0.1.0". A static string: do not free it.
#[no_mangle]
pub extern "C" fn paytoken_version() -> *const c_char {
    c"0.1.0".as_ptr()
}

/// A static English text for a status code ("unknown status" for a code that has no
/// meaning). Do not free it.
#[no_mangle]
pub extern "C" fn paytoken_strerror(code: i32) -> *const c_char {
    ffi_infallible!(c"unknown status".as_ptr(), {
        error::describe(code).as_ptr()
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn version_matches_the_crate() {
        let v = unsafe { std::ffi::CStr::from_ptr(super::paytoken_version()) };
        assert_eq!(v.to_str().unwrap(), env!("CARGO_PKG_VERSION"));
    }
}

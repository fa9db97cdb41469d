//! The caller-owned `paytoken_error` struct and how an `Error` fills it.

use std::os::raw::c_char;

use crate::error::Error;

/// Details of a failure. The caller owns it (on its stack, or `FFI::new`); the library
/// fills it on failure and zeroes it on success.
#[allow(non_camel_case_types)]
#[repr(C)]
pub struct paytoken_error {
    /// Same as the function's return value; 0 on success.
    pub code: i32,
    /// HTTP status of the gateway answer behind the error, 0 if none.
    pub http_status: i32,
    /// The gateway's own code ("U104", "-1", "UNAUTHORIZED"), "" if none.
    pub gateway_code: [c_char; 32],
    /// English, NUL-terminated UTF-8 of at most 510 bytes, cut at a character boundary.
    /// Never contains a secret, a credential or a token. Its last byte is reserved: read
    /// it with `paytoken_error_phase` (ABI 1.5).
    pub message: [c_char; 512],
}

/// Fills the caller's struct (if any).
///
/// # Safety
/// `out` is NULL or points to a writable `paytoken_error`.
pub(crate) unsafe fn write(e: &Error, out: *mut paytoken_error) {
    if out.is_null() {
        return;
    }
    // SAFETY: the caller promises `out` is valid for writes.
    let out = unsafe { &mut *out };
    out.code = e.code();
    out.http_status = i32::from(e.http_status);
    copy_c_string(&e.gateway_code, &mut out.gateway_code);
    let (text, phase) = out.message.split_at_mut(super::phase::PHASE_BYTE);
    copy_c_string(&e.message, text);
    phase[0] = super::phase::byte_of(e.phase);
}

/// Zeroes the caller's struct after a success.
///
/// # Safety
/// `out` is NULL or points to a writable `paytoken_error`.
pub(crate) unsafe fn clear(out: *mut paytoken_error) {
    if !out.is_null() {
        // SAFETY: all-zero is a valid paytoken_error.
        unsafe { std::ptr::write_bytes(out, 0, 1) };
    }
}

/// Copies `text` into a fixed C buffer, NUL-terminated, cut at a UTF-8 character boundary.
fn copy_c_string(text: &str, buf: &mut [c_char]) {
    let mut len = text.len().min(buf.len() - 1);
    while !text.is_char_boundary(len) {
        len -= 1;
    }
    for (dst, src) in buf.iter_mut().zip(text.as_bytes()[..len].iter()) {
        *dst = *src as c_char;
    }
    for dst in buf[len..].iter_mut() {
        *dst = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_is_cut_at_a_character_boundary() {
        let mut buf = [1 as c_char; 8];
        copy_c_string("가나다", &mut buf); // 9 bytes, room for 7
        let bytes: Vec<u8> = buf.iter().map(|c| *c as u8).collect();
        assert_eq!(&bytes[..6], "가나".as_bytes());
        assert!(bytes[6..].iter().all(|b| *b == 0));
    }
}

//! Which step of a call failed, read from a filled `paytoken_error` (ABI 1.5).
//!
//! `paytoken_error` is caller-allocated with a fixed size, so a new field cannot be
//! added without breaking every binding's declaration: the phase travels in the last
//! byte of `message`, which the message text (cut at 510 bytes) never reaches.

use std::os::raw::c_char;

use super::error::paytoken_error;
use super::ffi_infallible;
use crate::error::Phase;

/// The byte of `paytoken_error.message` that holds the phase.
pub(crate) const PHASE_BYTE: usize = 511;

/// Which step of a call a failure happened in (`paytoken_error_phase`).
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum paytoken_phase {
    /// The request itself (its outcome is what the status says: for
    /// PAYTOKEN_E_TIMEOUT/PAYTOKEN_E_NETWORK a payment's outcome is unknown), or a
    /// failure not tied to a step (bad arguments, success).
    PAYTOKEN_PHASE_CALL = 0,
    /// Getting the call's token: nothing of this call was sent to the payment API (after
    /// a 401, nothing was resent), so its outcome is known — not processed — whatever
    /// the status; a PAYTOKEN_E_TIMEOUT here is a token request that timed out.
    PAYTOKEN_PHASE_TOKEN = 1,
}

pub(crate) fn byte_of(phase: Phase) -> c_char {
    match phase {
        Phase::Call => paytoken_phase::PAYTOKEN_PHASE_CALL as c_char,
        Phase::Token => paytoken_phase::PAYTOKEN_PHASE_TOKEN as c_char,
    }
}

/// Which step of the call `err` (filled by a failed call) failed in:
/// PAYTOKEN_PHASE_TOKEN (1) when getting the token failed — nothing was sent to the
/// payment API, so the payment's outcome is known even for PAYTOKEN_E_TIMEOUT —
/// else PAYTOKEN_PHASE_CALL (0), also for NULL, a zeroed (successful) `err`, and
/// failures outside these steps (bad arguments, client creation). Set by every function that gets
/// a token or sends a request through a client (`paytoken_request*`,
/// `paytoken_get_token*`, the async calls, the network cancel,
/// `paytoken_verify_payment`). Thread-safe; reads `err` only. ABI 1.5.
#[no_mangle]
pub extern "C" fn paytoken_error_phase(err: *const paytoken_error) -> i32 {
    ffi_infallible!(0, {
        if err.is_null() {
            return 0;
        }
        // SAFETY: the caller passes a readable paytoken_error (checked non-NULL).
        let byte = unsafe { (*err).message[PHASE_BYTE] };
        i32::from(byte == paytoken_phase::PAYTOKEN_PHASE_TOKEN as c_char)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Error;

    fn filled(e: &Error) -> paytoken_error {
        let mut out = paytoken_error {
            code: 0,
            http_status: 0,
            gateway_code: [0; 32],
            message: [0x55; 512],
        };
        // SAFETY: a local, writable struct.
        unsafe { super::super::error::write(e, &mut out) };
        out
    }

    #[test]
    fn the_phase_survives_a_message_that_fills_the_buffer() {
        let long = "x".repeat(600);
        let token = filled(&Error::timeout(long.clone()).in_token_phase());
        assert_eq!(paytoken_error_phase(&token), 1);
        assert_eq!(
            token.message[PHASE_BYTE - 1],
            0,
            "the text stays NUL-terminated"
        );
        let call = filled(&Error::timeout(long));
        assert_eq!(paytoken_error_phase(&call), 0);
        assert_eq!(paytoken_error_phase(std::ptr::null()), 0);
    }
}

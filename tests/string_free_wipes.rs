//! `paytoken_string_free` wipes the token copy it releases: the block's bytes are zero once
//! it is freed. The cached-token path frees through the library's wiping allocator alone
//! (no second, byte-by-byte wipe before it); this proves that one wipe happens.
//!
//! It reads the freed block, which is only meaningful with glibc's allocator: the block
//! stays mapped, and a freed small block keeps all but its first 16 bytes (tcache's link
//! and key). Under AddressSanitizer (`make sanitize`) the read is refused, so it says
//! skipped there.

mod common;

use std::ffi::CStr;
use std::ptr;

use common::*;
use paytoken::*;

/// glibc writes its free-list link and key into the first 16 bytes of a freed block.
const ALLOCATOR_HEADER: usize = 16;

fn under_address_sanitizer() -> bool {
    // SAFETY: a lookup of a NUL-terminated symbol name in the running process.
    !unsafe { libc::dlsym(libc::RTLD_DEFAULT, c"__asan_init".as_ptr()) }.is_null()
}

#[test]
fn a_released_token_copy_is_zeroed() {
    if under_address_sanitizer() {
        println!("skipped: AddressSanitizer refuses reading a freed block");
        return;
    }
    let sim = Sim::start();
    let client = Client::new(&sim.portone_v1(serde_json::json!({}))).unwrap();
    client.token().unwrap(); // warm: the next call is the cached path
    for call in ["paytoken_get_token", "paytoken_get_token_cached"] {
        let mut out = ptr::null_mut();
        let mut err = blank_error();
        let rc = match call {
            "paytoken_get_token" => paytoken_get_token(client.raw(), &mut out, &mut err),
            _ => paytoken_get_token_cached(client.raw(), &mut out, &mut err),
        };
        assert_eq!(rc, 0, "{call}");
        assert!(!out.is_null(), "{call}: a fresh token");
        let len = unsafe { CStr::from_ptr(out) }.to_bytes().len();
        assert!(
            len > ALLOCATOR_HEADER + 8,
            "a token long enough to see its bytes"
        );
        let tail = |p: *const u8| -> Vec<u8> {
            // SAFETY: `len` bytes from `out` (still mapped after free with glibc, see above).
            (ALLOCATOR_HEADER..len)
                .map(|i| unsafe { ptr::read_volatile(p.add(i)) })
                .collect()
        };
        let before = tail(out.cast());
        assert!(before.iter().all(|b| *b != 0), "{call}: the token's bytes");
        paytoken_string_free(out);
        let after = tail(out.cast());
        assert!(
            after.iter().all(|b| *b == 0),
            "{call}: {} of {} bytes of the released token were not wiped",
            after.iter().filter(|b| **b != 0).count(),
            after.len()
        );
    }
}

//! The wiping global allocator and the zeroing it uses (why: `secrets::wipe`). This file
//! holds only the `unsafe` half; `secrets::wipe` holds the policy and its other users.

use std::alloc::{GlobalAlloc, Layout, System};

/// `System`, but every freed block is zeroed first.
pub struct WipingAllocator;

// SAFETY: forwards to `System`; the extra write stays inside the block being freed.
unsafe impl GlobalAlloc for WipingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded unchanged.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` is a live block of `layout.size()` bytes that we own until freed.
        unsafe { wipe_raw(ptr, layout.size()) };
        // SAFETY: forwarded unchanged.
        unsafe { System.dealloc(ptr, layout) }
    }

    // `realloc` is the trait's default: allocate, copy, then `dealloc` (which wipes) the
    // old block. `System.realloc` could move the data and free the old copy unwiped.
}

/// Zeroes `bytes` in a way the compiler cannot drop as a dead store.
pub fn wipe(bytes: &mut [u8]) {
    // SAFETY: a live, writable slice of exactly that length.
    unsafe { wipe_raw(bytes.as_mut_ptr(), bytes.len()) }
}

/// Zeroes `len` bytes at `ptr` in a way the compiler cannot drop as a dead store before
/// `free`.
///
/// # Safety
/// `ptr` is valid for `len` bytes of writes.
unsafe fn wipe_raw(ptr: *mut u8, len: usize) {
    // SAFETY: the caller's promise.
    unsafe { std::ptr::write_bytes(ptr, 0, len) };
    // The optimiser must assume the zeroed bytes are read here.
    std::hint::black_box(ptr);
    std::sync::atomic::compiler_fence(std::sync::atomic::Ordering::SeqCst);
}

//! Heap blocks of 128 KiB and more come straight from the kernel (`mmap`) and go straight
//! back to it (`munmap`), not through malloc.
//!
//! Why: glibc serves such blocks with `mmap` too, but the first time one is freed it
//! raises its mmap threshold to that block's size (up to 32 MiB) and its trim threshold
//! to twice that. From then on blocks of that size are carved from the per-thread arenas
//! (up to 8 × cores of them), and what they held stays there after a free. The library
//! frees such blocks all the time: each connection has two 128 KiB buffers, and a large
//! answer is read into a doubling `Vec`. In the soak (issue 23) the C driver's RSS climbed
//! by ~+190 MiB/h that way, with the library's heap in use flat and malloc's arenas full
//! of free memory; with glibc's threshold pinned (`MALLOC_MMAP_THRESHOLD_=131072`) its
//! arenas stayed at 3–6 MiB. Taking these blocks from the kernel directly leaves glibc's
//! thresholds where the host set them and gives each block's pages back when it is freed.
//!
//! Wiping: a block given back with `munmap` leaves the process (the kernel zeroes pages
//! before it hands them to anyone), so it is not zeroed first; zeroing would only fault
//! in the pages a call never touched. Smaller blocks go to the wiping allocator.

use std::alloc::{GlobalAlloc, Layout};

/// glibc's own default mmap threshold: what it would send to `mmap` before it adapts.
const BIG_BLOCK_BYTES: usize = 128 * 1024;
/// `mmap` gives page-aligned memory; no platform this library ships has smaller pages.
const PAGE_ALIGN: usize = 4096;

fn is_big(size: usize, align: usize) -> bool {
    size >= BIG_BLOCK_BYTES && align <= PAGE_ALIGN
}

/// A global allocator that maps big blocks itself and leaves the rest to `A`.
pub struct BigBlocksByMmap<A>(pub A);

// SAFETY: big blocks are fresh private anonymous mappings of at least `size` bytes,
// page-aligned (so aligned to any `align` up to PAGE_ALIGN), unmapped only in `dealloc`
// with the same size; everything else is forwarded to `A` unchanged. `is_big` of a
// block's layout is the same at allocation and at free, so each block goes back to the
// allocator that made it.
unsafe impl<A: GlobalAlloc> GlobalAlloc for BigBlocksByMmap<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if is_big(layout.size(), layout.align()) {
            return map(layout.size());
        }
        // SAFETY: the caller's promises, forwarded.
        unsafe { self.0.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if is_big(layout.size(), layout.align()) {
            return map(layout.size()); // fresh anonymous pages read as zero
        }
        // SAFETY: the caller's promises, forwarded.
        unsafe { self.0.alloc_zeroed(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if is_big(layout.size(), layout.align()) {
            // SAFETY: `ptr` is a mapping of `layout.size()` bytes made by `map`.
            unsafe { libc::munmap(ptr.cast(), layout.size()) };
            return;
        }
        // SAFETY: the caller's promises, forwarded.
        unsafe { self.0.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !is_big(layout.size(), layout.align()) && !is_big(new_size, layout.align()) {
            // SAFETY: the caller's promises, forwarded.
            return unsafe { self.0.realloc(ptr, layout, new_size) };
        }
        // Crossing the line or between two mappings: a new block, the bytes, the old freed
        // (wiped by `A` if it was small).
        // SAFETY: the caller promises `new_size` is a valid size for this alignment.
        let new_layout = unsafe { Layout::from_size_align_unchecked(new_size, layout.align()) };
        // SAFETY: a non-zero size, as the caller promises.
        let moved = unsafe { self.alloc(new_layout) };
        if !moved.is_null() {
            // SAFETY: both blocks are live for at least the smaller size and distinct.
            unsafe { std::ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new_size)) };
            // SAFETY: `ptr` was allocated by this allocator with `layout`.
            unsafe { self.dealloc(ptr, layout) };
        }
        moved
    }
}

fn map(size: usize) -> *mut u8 {
    // SAFETY: a new private anonymous mapping; no existing memory is touched.
    let ptr = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            size,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    if ptr == libc::MAP_FAILED {
        std::ptr::null_mut()
    } else {
        ptr.cast()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bytes glibc's malloc has mapped for blocks it serves with mmap.
    #[cfg(target_env = "gnu")]
    fn malloc_mapped() -> usize {
        // SAFETY: reads malloc's counters; no arguments.
        unsafe { libc::mallinfo2() }.hblkhd
    }

    #[test]
    #[cfg(target_env = "gnu")]
    fn big_blocks_do_not_go_through_malloc() {
        // 64 MiB: more than glibc's largest mmap threshold, so malloc would map it and
        // count it, whatever its threshold is now.
        let _alone = crate::sys::testing::big_allocation_lock();
        let before = malloc_mapped();
        let block = vec![1u8; 64 << 20];
        let during = malloc_mapped();
        drop(block);
        assert!(
            during < before + (32 << 20),
            "malloc mapped {before} -> {during}"
        );
    }

    #[test]
    fn bytes_survive_crossing_the_line_both_ways() {
        let _alone = crate::sys::testing::big_allocation_lock();
        let mut block = vec![7u8; BIG_BLOCK_BYTES - 1];
        block.resize(4 * BIG_BLOCK_BYTES, 9);
        assert_eq!(
            block.as_ptr() as usize % PAGE_ALIGN,
            0,
            "a mapping starts on a page"
        );
        assert!(block[..BIG_BLOCK_BYTES - 1].iter().all(|&b| b == 7));
        assert!(block[BIG_BLOCK_BYTES - 1..].iter().all(|&b| b == 9));
        block.truncate(100);
        block.shrink_to_fit();
        assert_eq!(block, vec![7u8; 100]);
        let zeroed = vec![0u8; 2 * BIG_BLOCK_BYTES];
        assert!(zeroed.iter().all(|&b| b == 0));
    }
}

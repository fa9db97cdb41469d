//! The library's own heap in use: bytes its Rust code has allocated and not yet freed,
//! counted by the global allocator ([`Counted`] around the wiping allocator).
//!
//! Why: a process's RSS is a poor leak signal. glibc keeps freed memory in per-thread
//! arenas (up to 8 × cores of them), so RSS can climb for a long time while nothing
//! leaks; and a leak in a host language shows in RSS too. This counter moves only with
//! the library's own blocks, so a soak (or an operator) can tell "the library holds more"
//! from "malloc keeps more" (`paytoken_heap_in_use`).
//!
//! Cost: one relaxed atomic add per allocation and per free, on one of [`STRIPES`]
//! cache lines picked per thread, so threads allocating at once do not fight over a line.

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counter cache lines; a thread always uses the same one.
const STRIPES: usize = 16;

#[repr(align(128))]
struct Stripe(AtomicUsize);

// Wrapping sums: a block freed on another thread than the one that allocated it takes
// its size off a different stripe; only the total over all stripes means anything.
static LIVE: [Stripe; STRIPES] = [const { Stripe(AtomicUsize::new(0)) }; STRIPES];

fn stripe() -> &'static AtomicUsize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        // Const-initialised and without a destructor: reading it never allocates (this
        // runs inside the allocator) and works during thread exit too.
        static SLOT: Cell<usize> = const { Cell::new(usize::MAX) };
    }
    let slot = SLOT
        .try_with(|s| {
            if s.get() == usize::MAX {
                s.set(NEXT.fetch_add(1, Ordering::Relaxed) % STRIPES);
            }
            s.get()
        })
        .unwrap_or(0);
    &LIVE[slot].0
}

fn grew(bytes: usize) {
    stripe().fetch_add(bytes, Ordering::Relaxed);
}

fn shrank(bytes: usize) {
    stripe().fetch_sub(bytes, Ordering::Relaxed);
}

/// Bytes the library's Rust code holds on the heap now (exact when no allocation is
/// under way on another thread).
pub(crate) fn in_use() -> u64 {
    let total = LIVE.iter().fold(0usize, |sum, s| {
        sum.wrapping_add(s.0.load(Ordering::Relaxed))
    });
    // A reading racing a free on another stripe can dip below zero for an instant.
    if (total as isize) < 0 {
        0
    } else {
        total as u64
    }
}

/// A global allocator that counts the bytes `A` hands out and gets back.
pub struct Counted<A>(pub A);

// SAFETY: forwards every call to `A` unchanged; it only adds to a counter.
unsafe impl<A: GlobalAlloc> GlobalAlloc for Counted<A> {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's promises, forwarded.
        let ptr = unsafe { self.0.alloc(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's promises, forwarded.
        let ptr = unsafe { self.0.alloc_zeroed(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: the caller's promises, forwarded.
        unsafe { self.0.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    // Forwarded (not the trait's default) so that `A`'s own realloc runs: the wiping
    // allocator's wipes the old block when it moves.
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's promises, forwarded.
        let moved = unsafe { self.0.realloc(ptr, layout, new_size) };
        if !moved.is_null() {
            grew(new_size);
            shrank(layout.size());
        }
        moved
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_held_block_counts_until_freed() {
        // Other tests allocate small blocks at the same time, so look for the block's
        // size among the readings rather than an exact difference.
        let _alone = crate::sys::testing::big_allocation_lock();
        let size = 64 << 20;
        let before = in_use();
        let block = vec![1u8; size];
        let held = in_use();
        drop(block);
        let after = in_use();
        assert!(held >= before + size as u64 / 2, "{before} -> {held}");
        assert!(after + (size as u64 / 2) <= held, "{held} -> {after}");
    }

    #[test]
    fn a_grown_block_counts_its_new_size() {
        let _alone = crate::sys::testing::big_allocation_lock();
        let size = 64 << 20;
        let mut block: Vec<u8> = Vec::with_capacity(1 << 20);
        let before = in_use();
        block.reserve_exact(size);
        let grown = in_use();
        drop(block);
        assert!(grown >= before + size as u64 / 2, "{before} -> {grown}");
    }

    #[test]
    fn frees_on_other_threads_add_up() {
        let _alone = crate::sys::testing::big_allocation_lock();
        let size = 32 << 20;
        let before = in_use();
        let blocks: Vec<Vec<u8>> = (0..4).map(|_| vec![0u8; size / 4]).collect();
        let held = in_use();
        std::thread::spawn(move || drop(blocks)).join().unwrap();
        let after = in_use();
        assert!(held >= before + size as u64 / 2, "{before} -> {held}");
        assert!(after + (size as u64 / 2) <= held, "{held} -> {after}");
    }
}

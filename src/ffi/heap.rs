//! `paytoken_heap_in_use`: the library's own heap bytes (counted in `sys::heap`).

/// Bytes of heap the library's own code holds right now (allocated and not yet freed),
/// process-wide: cached tokens, clients, responses not yet freed, calls in flight. For
/// leak checks and monitoring: a leak of the library grows it, while memory that the C
/// allocator keeps after a free (glibc's per-thread arenas, which can make RSS climb for
/// a long time without a leak) does not count. Counted with relaxed atomics at every
/// allocation, so it is exact when no call is running and a close reading otherwise.
/// Never fails.
#[no_mangle]
pub extern "C" fn paytoken_heap_in_use() -> u64 {
    crate::sys::heap::in_use()
}

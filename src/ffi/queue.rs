//! `paytoken_queue`: asynchronous calls completed into a queue that the caller drains,
//! instead of a callback on a library thread.
//!
//! Why: a callback runs on the library's I/O thread, so a host language pays, for every
//! call, a foreign thread entering its runtime (Python: a new thread state and the GIL,
//! then `call_soon_threadsafe`; Node: koffi's cross-thread call; Java: JNA attaching the
//! thread). A queue costs the I/O thread a lock and a push; the host wakes once per
//! batch (the queue's descriptor becomes readable, or `paytoken_queue_wait` returns) and
//! takes every finished call with one `paytoken_queue_drain`. The calls themselves are
//! the same jobs on the same I/O threads as the callback API (`async_call.rs`).

use std::collections::VecDeque;
use std::os::raw::c_void;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use super::error::paytoken_error;
use crate::error::Error;
use crate::ffi::{ffi_fallible, ffi_infallible, try_out};
use crate::sys::doorbell::Doorbell;

/// A queue of finished asynchronous calls (see `paytoken_request_queued`). Any thread may
/// post to it, drain it or wait on it.
#[allow(non_camel_case_types)]
pub struct paytoken_queue {
    inner: Arc<Queue>,
}

/// One finished call, as `paytoken_queue_drain` hands it over.
#[allow(non_camel_case_types)]
#[repr(C)]
pub struct paytoken_completion {
    /// The `tag` given to the queued call, untouched.
    pub tag: u64,
    /// `PAYTOKEN_OK` or the error's status, exactly as the synchronous call returns it.
    pub status: i32,
    /// On success, owned by the caller from now on: what the callback API would have
    /// passed (a `paytoken_response *` or a `char *`, see each queued function). NULL
    /// on error.
    pub result: *mut c_void,
    /// Zeroed on success, the error otherwise.
    pub error: paytoken_error,
}

/// A call's result, owned by the queue until it is drained; freed if it never is.
pub(crate) struct Owned {
    ptr: *mut c_void,
    free: unsafe fn(*mut c_void),
}

// SAFETY: the result was made on an I/O thread for whichever thread drains it; it is
// plain library-allocated memory, tied to no thread.
unsafe impl Send for Owned {}

impl Owned {
    /// # Safety
    /// `free(ptr)` releases `ptr`, once.
    pub(crate) unsafe fn new(ptr: *mut c_void, free: unsafe fn(*mut c_void)) -> Owned {
        Owned { ptr, free }
    }

    fn hand_over(self) -> *mut c_void {
        let ptr = self.ptr;
        std::mem::forget(self);
        ptr
    }
}

impl Drop for Owned {
    fn drop(&mut self) {
        // SAFETY: `new`'s promise; `hand_over` forgets `self` instead of coming here.
        unsafe { (self.free)(self.ptr) }
    }
}

struct Done {
    tag: u64,
    outcome: Result<Owned, Error>,
}

#[derive(Default)]
struct State {
    done: VecDeque<Done>,
    /// The doorbell holds a byte: set on the first post after a drain that emptied it.
    rung: bool,
    /// Threads in `paytoken_queue_wait` (only then is the condition variable signalled).
    waiters: usize,
    /// `paytoken_queue_free` was called: later completions are freed, not kept.
    closed: bool,
}

pub(crate) struct Queue {
    state: Mutex<State>,
    arrived: Condvar,
    bell: Doorbell,
}

impl Queue {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Called on an I/O thread when a queued call ends: one push, and a wake-up only if
    /// nobody has been woken since the last drain.
    pub(crate) fn post(&self, tag: u64, outcome: Result<Owned, Error>) {
        let mut s = self.lock();
        if s.closed {
            drop(s);
            drop(outcome); // frees the result: nobody can drain it any more
            return;
        }
        s.done.push_back(Done { tag, outcome });
        if !s.rung {
            s.rung = true;
            self.bell.ring();
        }
        let wake = s.waiters > 0;
        drop(s);
        if wake {
            self.arrived.notify_all();
        }
    }

    /// Moves up to `out.len()` finished calls into `out`; the doorbell is silenced once
    /// the queue is empty.
    fn drain_into(&self, s: &mut State, out: &mut [paytoken_completion]) -> usize {
        let mut n = 0;
        while n < out.len() {
            let Some(done) = s.done.pop_front() else {
                break;
            };
            let slot = &mut out[n];
            slot.tag = done.tag;
            match done.outcome {
                Ok(result) => {
                    slot.status = 0;
                    slot.result = result.hand_over();
                    // SAFETY: a live, writable struct inside the caller's array.
                    unsafe { super::error::clear(&mut slot.error) };
                }
                Err(e) => {
                    slot.status = e.code();
                    slot.result = std::ptr::null_mut();
                    // SAFETY: as above.
                    unsafe { super::error::write(&e, &mut slot.error) };
                }
            }
            n += 1;
        }
        if s.done.is_empty() && s.rung {
            s.rung = false;
            self.bell.silence();
        }
        n
    }
}

/// The queue behind a live `paytoken_queue *`, for a call to post to.
///
/// # Safety
/// `queue` is NULL or a live pointer from `paytoken_queue_new`.
pub(crate) unsafe fn share(queue: *const paytoken_queue) -> Option<Arc<Queue>> {
    // SAFETY: the caller's promise.
    unsafe { queue.as_ref() }.map(|q| Arc::clone(&q.inner))
}

/// Creates a completion queue. On success `*queue_out` receives it; release it with
/// `paytoken_queue_free`. It owns one pipe (two descriptors, close-on-exec): the failure
/// to create it (out of descriptors) is `PAYTOKEN_E_INTERNAL`.
///
/// One queue can serve any number of clients and calls; an event loop usually has one.
/// fork(): a child must not use its parent's queue (the pipe is shared with the
/// parent); it creates its own.
#[no_mangle]
pub extern "C" fn paytoken_queue_new(
    queue_out: *mut *mut paytoken_queue,
    err: *mut paytoken_error,
) -> i32 {
    ffi_fallible!(err, {
        try_out!(queue_out);
        let bell = Doorbell::new()
            .map_err(|e| Error::internal(format!("could not create the queue's pipe: {e}")))?;
        let queue = Box::new(paytoken_queue {
            inner: Arc::new(Queue {
                state: Mutex::new(State::default()),
                arrived: Condvar::new(),
                bell,
            }),
        });
        // SAFETY: checked non-NULL above.
        unsafe { *queue_out = Box::into_raw(queue) };
        Ok(())
    })
}

/// A new descriptor that is readable while the queue holds finished calls; the caller
/// owns it and closes it when done (each call makes another). Watch it with your event
/// loop (asyncio `add_reader`, libuv, `poll`); when it is readable, call
/// `paytoken_queue_drain` until it returns less than you asked for. Reading it yourself
/// is allowed (a libuv stream does) provided you then drain the same way: the queue
/// makes it readable again only after a drain that emptied it. -1 for NULL, or when the
/// process is out of descriptors.
#[no_mangle]
pub extern "C" fn paytoken_queue_fd(queue: *const paytoken_queue) -> i32 {
    ffi_infallible!(-1, {
        // SAFETY: NULL or a live pointer from paytoken_queue_new.
        match unsafe { queue.as_ref() } {
            Some(q) => q.inner.bell.watcher().unwrap_or(-1),
            None => -1,
        }
    })
}

/// The queue and the caller's completion array, or `None` for a NULL pointer or `max` 0.
///
/// # Safety
/// `queue` is NULL or a live pointer from `paytoken_queue_new`; `out` is NULL or an
/// array of `max` writable structs.
unsafe fn queue_and_out<'a>(
    queue: *const paytoken_queue,
    out: *mut paytoken_completion,
    max: usize,
) -> Option<(&'a Queue, &'a mut [paytoken_completion])> {
    // SAFETY: the caller's promise.
    let q = unsafe { queue.as_ref() }?;
    if out.is_null() || max == 0 {
        return None;
    }
    // SAFETY: the caller's promise.
    Some((&q.inner, unsafe {
        std::slice::from_raw_parts_mut(out, max)
    }))
}

/// Moves up to `max` finished calls into `out[0..max]`, oldest first, without waiting;
/// returns how many. Each `out[i].result` now belongs to the caller (see
/// `paytoken_completion`). 0 for a NULL `queue` or `out`. Any thread.
#[no_mangle]
pub extern "C" fn paytoken_queue_drain(
    queue: *const paytoken_queue,
    out: *mut paytoken_completion,
    max: usize,
) -> usize {
    ffi_infallible!(0, {
        // SAFETY: the caller's arguments, as documented above.
        let Some((q, out)) = (unsafe { queue_and_out(queue, out, max) }) else {
            return 0;
        };
        let mut s = q.lock();
        q.drain_into(&mut s, out)
    })
}

/// `paytoken_queue_drain`, but first waits up to `timeout_ms` milliseconds for at least
/// one finished call: for a dispatcher thread that has no event loop (Java). Returns 0
/// when the time ran out with nothing finished. Do not free the queue while a thread
/// waits in it.
#[no_mangle]
pub extern "C" fn paytoken_queue_wait(
    queue: *const paytoken_queue,
    out: *mut paytoken_completion,
    max: usize,
    timeout_ms: u32,
) -> usize {
    ffi_infallible!(0, {
        // SAFETY: the caller's arguments, as documented above.
        let Some((q, out)) = (unsafe { queue_and_out(queue, out, max) }) else {
            return 0;
        };
        let deadline = Instant::now() + Duration::from_millis(u64::from(timeout_ms));
        let mut s = q.lock();
        while s.done.is_empty() {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return 0;
            }
            s.waiters += 1;
            s = q
                .arrived
                .wait_timeout(s, left)
                .unwrap_or_else(|p| p.into_inner())
                .0;
            s.waiters -= 1;
        }
        q.drain_into(&mut s, out)
    })
}

/// Releases a queue. Finished calls not drained are freed (their results too), and so
/// will be those of calls still in flight when they end: free a queue when you no longer
/// care about its calls. Its own pipe is closed once the last of those has ended. NULL
/// is accepted and ignored.
#[no_mangle]
pub extern "C" fn paytoken_queue_free(queue: *mut paytoken_queue) {
    ffi_infallible!((), {
        if queue.is_null() {
            return;
        }
        // SAFETY: a pointer from paytoken_queue_new, freed once.
        let queue = unsafe { Box::from_raw(queue) };
        let dropped = {
            let mut s = queue.inner.lock();
            s.closed = true;
            std::mem::take(&mut s.done)
        };
        drop(dropped); // outside the lock: freeing runs the results' destructors
    })
}

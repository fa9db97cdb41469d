//! Log records for the host language (the C side is `ffi::log`).
//!
//! The calling thread only appends to a bounded queue under a mutex that is never held
//! while waiting or while the host's callback runs: it never waits for the host's
//! logging. A full queue drops the record and counts it. Records leave the queue in one
//! of two ways:
//! - a callback: one library thread ("paytoken-log") takes them and calls it, so a slow
//!   logging handler delays only that thread (Python, Java);
//! - polling: `paytoken_log_next` hands out the next record (PHP, which has no threads,
//!   and Node, whose JavaScript must run on its own thread).
//!
//! The log thread waits on a `Condvar`, which releases the queue's lock while it waits:
//! so `fork()` (see `runtime/fork.rs`, which takes both locks of this module in its
//! prepare hook) never leaves the child a lock held by a thread it does not have. In the
//! child, no log thread runs and the parent's queued records are the parent's: the
//! child starts its own thread with its first record.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Duration;

use crate::error::Error;
use crate::runtime::log::{takes, OFF, WARNING};

/// Records waiting for the host at most; more are dropped (and counted).
pub(crate) const CAPACITY: usize = 1024;
/// How long the log thread waits for a record before it looks at the callback again.
const POLL: Duration = Duration::from_millis(200);

/// The host's receiver of records: called on the log thread with (level, message).
pub(crate) type Callback = Arc<dyn Fn(u8, &str) + Send + Sync>;

struct Record {
    level: u8,
    message: String,
}

struct Queue {
    records: VecDeque<Record>,
    /// How many of the DROPPED records a warning record has reported.
    dropped_reported: u64,
    /// Whether this process has a log thread (a forked child starts with none).
    thread_running: bool,
    /// Whether the log thread has taken a record and may be calling a callback with it
    /// (set and cleared under this lock; `configure` waits for it to clear).
    delivering: bool,
}

static QUEUE: Mutex<Queue> = Mutex::new(Queue {
    records: VecDeque::new(),
    dropped_reported: 0,
    thread_running: false,
    delivering: false,
});
/// Signalled when a record is queued or the callback changes.
static READY: Condvar = Condvar::new();
/// Signalled when the log thread has finished handing a record to a callback.
static DELIVERED: Condvar = Condvar::new();

thread_local! {
    /// Set on the log thread: a callback that reconfigures logging must not wait for itself.
    static ON_LOG_THREAD: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}
static LEVEL: AtomicU8 = AtomicU8::new(OFF);
static DROPPED: AtomicU64 = AtomicU64::new(0);
static CALLBACK: Mutex<Option<Callback>> = Mutex::new(None);
/// Whether CALLBACK is set, readable without its lock.
static HAS_CALLBACK: AtomicBool = AtomicBool::new(false);

fn queue() -> MutexGuard<'static, Queue> {
    QUEUE.lock().unwrap_or_else(|p| p.into_inner())
}

fn callback() -> MutexGuard<'static, Option<Callback>> {
    CALLBACK.lock().unwrap_or_else(|p| p.into_inner())
}

/// The level records are collected at (0 = none).
pub(crate) fn level() -> u8 {
    LEVEL.load(Ordering::Relaxed)
}

/// Queues a record without waiting for the host; a full queue drops it and counts it.
pub(crate) fn push(level: u8, message: &str) {
    let record = Record {
        level,
        message: message.to_owned(),
    };
    let mut q = queue();
    if q.records.len() >= CAPACITY {
        DROPPED.fetch_add(1, Ordering::Relaxed);
        return;
    }
    report_dropped(&mut q);
    q.records.push_back(record);
    let start = claim_thread(&mut q);
    drop(q);
    READY.notify_one();
    if start {
        start_thread();
    }
}

/// Once the queue has room again, a warning record says how many records were dropped
/// (before the record that found the room), so the host learns of the gap in its log.
fn report_dropped(q: &mut Queue) {
    let unreported = DROPPED.load(Ordering::Relaxed) - q.dropped_reported;
    if unreported == 0 || q.records.len() + 1 >= CAPACITY || !takes(level(), WARNING) {
        return;
    }
    q.dropped_reported += unreported;
    q.records.push_back(Record {
        level: WARNING,
        message: format!(
            "{unreported} log records were dropped: the queue of {CAPACITY} was full (the host's logging is slower than the library's records)"
        ),
    });
}

fn has_callback() -> bool {
    HAS_CALLBACK.load(Ordering::Acquire)
}

/// Whether the caller must start the log thread (a callback is set and none runs);
/// marks it running if so.
fn claim_thread(q: &mut Queue) -> bool {
    if q.thread_running || !has_callback() {
        return false;
    }
    q.thread_running = true;
    true
}

fn start_thread() {
    crate::runtime::fork::install();
    let spawned = std::thread::Builder::new()
        .name("paytoken-log".into())
        .spawn(deliver);
    if spawned.is_err() {
        queue().thread_running = false;
    }
}

/// The log thread: hands each record to the callback, while one is set.
fn deliver() {
    ON_LOG_THREAD.with(|on| on.set(true));
    loop {
        let record = {
            let mut q = queue();
            q.delivering = false;
            DELIVERED.notify_all();
            loop {
                if !has_callback() {
                    // Polling mode now: leave the queue to paytoken_log_next. A later
                    // push with a callback set starts a thread again.
                    q.thread_running = false;
                    return;
                }
                if let Some(r) = q.records.pop_front() {
                    q.delivering = true;
                    break r;
                }
                // Releases the lock while waiting (fork safety: see the module doc).
                q = READY
                    .wait_timeout(q, POLL)
                    .unwrap_or_else(|p| p.into_inner())
                    .0;
            }
        };
        // Copied out so the callback runs without the lock (it may reconfigure logging).
        let Some(cb) = callback().clone() else {
            continue;
        };
        cb(record.level, &record.message);
    }
}

/// Sets the level records are collected at (0 none, 1 info, 2 debug, 3 warnings only;
/// every level but 0 collects warnings) and where they go: to `callback` on
/// the log thread, or (None) to a queue polled with [`next`].
pub(crate) fn configure(level: i32, callback_fn: Option<Callback>) -> Result<(), Error> {
    let level = u8::try_from(level)
        .ok()
        .filter(|l| *l <= WARNING)
        .ok_or_else(|| Error::invalid(format!("level is {level}; expected 0, 1, 2 or 3")))?;
    crate::runtime::fork::install();
    let has = callback_fn.is_some();
    {
        let mut cb = callback();
        *cb = callback_fn;
        HAS_CALLBACK.store(has, Ordering::Release);
    }
    LEVEL.store(level, Ordering::Relaxed);
    let mut q = queue();
    let start = has && claim_thread(&mut q);
    READY.notify_all();
    // The previous callback may be running with a record the log thread took before the
    // swap: wait until it returned, so that a host may free or stop what it called (an
    // interpreter shutting down). The log thread takes the new callback for its next
    // record. Not on the log thread itself: a callback that reconfigures would wait for
    // itself. The wait releases the lock (fork safety, as the log thread's).
    if !ON_LOG_THREAD.with(|on| on.get()) {
        while q.delivering {
            q = DELIVERED.wait(q).unwrap_or_else(|p| p.into_inner());
        }
    }
    drop(q);
    if start {
        start_thread();
    }
    Ok(())
}

/// The next queued record (polling mode), without waiting: None when the queue is
/// empty or a callback is set.
pub(crate) fn next() -> Option<(u8, String)> {
    if has_callback() {
        return None;
    }
    queue().records.pop_front().map(|r| (r.level, r.message))
}

/// How many records were dropped because the queue was full.
pub(crate) fn dropped() -> u64 {
    DROPPED.load(Ordering::Relaxed)
}

/// This module's locks, held across `fork()` (taken by `runtime::fork`'s prepare hook,
/// after every other lock of the library: logging is done under those).
pub(crate) struct ForkGuard {
    _callback: MutexGuard<'static, Option<Callback>>,
    queue: MutexGuard<'static, Queue>,
}

pub(crate) fn fork_prepare() -> ForkGuard {
    ForkGuard {
        _callback: callback(),
        queue: queue(),
    }
}

impl ForkGuard {
    /// In the child: no log thread runs here, and the queued records are the parent's
    /// (its thread delivers them); the child's first record starts its own thread.
    pub fn child(mut self) {
        self.queue.thread_running = false;
        self.queue.delivering = false;
        self.queue.records.clear();
    }
}

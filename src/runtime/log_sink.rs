//! Log records for the host language (the C side is `ffi::log`).
//!
//! The calling thread only `try_send`s into a bounded channel (std's array channel, lock
//! free): it never waits for the host's logging. A full channel drops the record and
//! counts it. Records leave the channel in one of two ways:
//! - a callback: one library thread ("paytoken-log") receives them and calls it, so a
//!   slow logging handler delays only that thread (Python, Java);
//! - polling: `paytoken_log_next` hands out the next record (PHP, which has no threads,
//!   and Node, whose JavaScript must run on its own thread).

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicU8, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use crate::error::Error;
use crate::runtime::log::{DEBUG, OFF};

/// Records waiting for the host at most; more are dropped (and counted).
pub(crate) const CAPACITY: usize = 1024;

struct Record {
    level: u8,
    message: String,
}

struct Channel {
    tx: SyncSender<Record>,
    rx: Mutex<Receiver<Record>>,
}

/// The host's receiver of records: called on the log thread with (level, message).
pub(crate) type Callback = Arc<dyn Fn(u8, &str) + Send + Sync>;

static LEVEL: AtomicU8 = AtomicU8::new(OFF);
static DROPPED: AtomicU64 = AtomicU64::new(0);
static CALLBACK: Mutex<Option<Callback>> = Mutex::new(None);
/// Whether CALLBACK is set, readable without its lock (the calling threads never lock).
static HAS_CALLBACK: AtomicBool = AtomicBool::new(false);
/// The process that runs the log thread (a forked child starts its own).
static THREAD_PID: AtomicU32 = AtomicU32::new(0);

fn channel() -> &'static Channel {
    static CHANNEL: OnceLock<Channel> = OnceLock::new();
    CHANNEL.get_or_init(|| {
        let (tx, rx) = mpsc::sync_channel(CAPACITY);
        Channel {
            tx,
            rx: Mutex::new(rx),
        }
    })
}

/// The level records are collected at (0 = none).
pub(crate) fn level() -> u8 {
    LEVEL.load(Ordering::Relaxed)
}

/// Queues a record without waiting; a full queue drops it and counts it.
pub(crate) fn push(level: u8, message: &str) {
    let record = Record {
        level,
        message: message.to_owned(),
    };
    match channel().tx.try_send(record) {
        Ok(()) => ensure_thread(),
        Err(TrySendError::Full(_)) | Err(TrySendError::Disconnected(_)) => {
            DROPPED.fetch_add(1, Ordering::Relaxed);
        }
    }
}

fn has_callback() -> bool {
    HAS_CALLBACK.load(Ordering::Acquire)
}

/// Starts the delivery thread in this process when a callback is set and none runs here.
fn ensure_thread() {
    let pid = std::process::id();
    if THREAD_PID.load(Ordering::Relaxed) == pid || !has_callback() {
        return;
    }
    if THREAD_PID.swap(pid, Ordering::AcqRel) == pid {
        return;
    }
    let spawned = std::thread::Builder::new()
        .name("paytoken-log".into())
        .spawn(deliver);
    if spawned.is_err() {
        THREAD_PID.store(0, Ordering::Release);
    }
}

/// The log thread: hands each record to the callback, while one is set.
fn deliver() {
    let me = std::process::id();
    loop {
        if THREAD_PID.load(Ordering::Acquire) != me {
            return;
        }
        if !has_callback() {
            // Polling mode now: leave the queue to paytoken_log_next. A later push with a
            // callback set starts a thread again.
            let _ = THREAD_PID.compare_exchange(me, 0, Ordering::AcqRel, Ordering::Relaxed);
            return;
        }
        let next = match channel().rx.lock() {
            Ok(rx) => rx.recv_timeout(Duration::from_millis(200)),
            Err(_) => return,
        };
        let Ok(record) = next else { continue };
        // Copied out so the callback runs without the lock (it may reconfigure logging).
        let Some(cb) = CALLBACK.lock().ok().and_then(|c| c.clone()) else {
            continue;
        };
        cb(record.level, &record.message);
    }
}

/// Sets the level records are collected at (0 to 2) and where they go: to `callback` on
/// the log thread, or (None) to a queue polled with [`next`].
pub(crate) fn configure(level: i32, callback: Option<Callback>) -> Result<(), Error> {
    let level = u8::try_from(level)
        .ok()
        .filter(|l| *l <= DEBUG)
        .ok_or_else(|| Error::invalid(format!("level is {level}; expected 0, 1 or 2")))?;
    let has_callback = callback.is_some();
    {
        let mut cb = CALLBACK
            .lock()
            .map_err(|_| Error::internal("log callback lock poisoned"))?;
        *cb = callback;
        HAS_CALLBACK.store(has_callback, Ordering::Release);
    }
    LEVEL.store(level, Ordering::Relaxed);
    if has_callback {
        ensure_thread();
    }
    Ok(())
}

/// The next queued record (polling mode), without waiting: None when the queue is
/// empty or a callback is set.
pub(crate) fn next() -> Option<(u8, String)> {
    if has_callback() {
        return None;
    }
    let rx = channel().rx.try_lock().ok()?;
    rx.try_recv().ok().map(|r| (r.level, r.message))
}

/// How many records were dropped because the queue was full.
pub(crate) fn dropped() -> u64 {
    DROPPED.load(Ordering::Relaxed)
}

//! Log records for the host language: `paytoken_log_configure`, `paytoken_log_next`,
//! `paytoken_log_dropped`.
//!
//! The calling thread only `try_send`s into a bounded channel (std's array channel, lock
//! free): it never waits for the host's logging. A full channel drops the record and
//! counts it. Records leave the channel in one of two ways:
//! - a callback: one library thread ("paytoken-log") receives them and calls it, so a
//!   slow logging handler delays only that thread (Python, Java);
//! - polling: `paytoken_log_next` hands out the next record (PHP, which has no threads,
//!   and Node, whose JavaScript must run on its own thread).

use std::os::raw::{c_char, c_void};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, AtomicU8, Ordering};
use std::sync::mpsc::{self, Receiver, SyncSender, TrySendError};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use crate::error::{paytoken_error, Error};
use crate::ffi::{self, ffi_fallible, ffi_infallible, try_out};
use crate::log::{DEBUG, OFF};

/// Records waiting for the host at most; more are dropped (and counted).
pub(crate) const CAPACITY: usize = 1024;

/// Receives one log record on the library's log thread. `level` is 1 (info) or 2
/// (debug); `message` is NUL-terminated UTF-8 of `len` bytes, valid only during the call,
/// with tokens and secrets shown only as `fp:` fingerprints.
#[allow(non_camel_case_types)]
pub type paytoken_log_fn =
    Option<extern "C" fn(user_data: *mut c_void, level: i32, message: *const c_char, len: usize)>;

struct Record {
    level: u8,
    message: String,
}

struct Channel {
    tx: SyncSender<Record>,
    rx: Mutex<Receiver<Record>>,
}

#[derive(Clone, Copy)]
struct Callback {
    func: extern "C" fn(*mut c_void, i32, *const c_char, usize),
    user_data: usize,
}

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
        let Some(cb) = CALLBACK.lock().ok().and_then(|c| *c) else {
            continue;
        };
        let text = record.message.replace('\0', " ") + "\0";
        (cb.func)(
            cb.user_data as *mut c_void,
            i32::from(record.level),
            text.as_ptr().cast(),
            text.len() - 1,
        );
    }
}

/// Sends the library's log records to the host language instead of (or beside)
/// `PAYTOKEN_LOG`'s stderr lines. Process-wide; call it again to change it.
///
/// `level`: 0 stops collecting, 1 info (fetches, refresh reasons, retries), 2 debug (also
/// cache hits and every failed call). `callback`: called on one library thread
/// ("paytoken-log"), never on the thread that made the call, in order; a slow callback
/// only delays that thread. NULL `callback`: records wait in a queue for
/// `paytoken_log_next` (for hosts that must log on their own thread). Either way the
/// queue holds at most 1024 records; more are dropped and counted
/// (`paytoken_log_dropped`), so logging never blocks a payment call. `user_data` is passed
/// back to `callback` as is; a record already taken by the log thread may still reach the
/// previous callback once after this returns, so keep it callable. A level outside 0..2 is PAYTOKEN_E_INVALID_ARGUMENT.
#[no_mangle]
pub extern "C" fn paytoken_log_configure(
    level: i32,
    callback: paytoken_log_fn,
    user_data: *mut c_void,
    err: *mut paytoken_error,
) -> i32 {
    ffi_fallible!(err, {
        let level = u8::try_from(level)
            .ok()
            .filter(|l| *l <= DEBUG)
            .ok_or_else(|| Error::invalid(format!("level is {level}; expected 0, 1 or 2")))?;
        {
            let mut cb = CALLBACK
                .lock()
                .map_err(|_| Error::internal("log callback lock poisoned"))?;
            *cb = callback.map(|func| Callback {
                func,
                user_data: user_data as usize,
            });
            HAS_CALLBACK.store(cb.is_some(), Ordering::Release);
        }
        LEVEL.store(level, Ordering::Relaxed);
        if callback.is_some() {
            ensure_thread();
        }
        Ok(())
    })
}

/// Takes the next queued record (polling mode: `paytoken_log_configure` with a NULL
/// callback). Returns 1 and sets `*level_out` (1 info, 2 debug) and `*message_out` (free
/// it with `paytoken_string_free`) when there was one, 0 when the queue is empty (or a
/// callback is set, or an argument is NULL). Never waits.
#[no_mangle]
pub extern "C" fn paytoken_log_next(level_out: *mut i32, message_out: *mut *mut c_char) -> i32 {
    ffi_infallible!(0, {
        let taken = (|| -> Result<Option<Record>, Error> {
            try_out!(level_out);
            try_out!(message_out);
            if has_callback() {
                return Ok(None);
            }
            let Ok(rx) = channel().rx.try_lock() else {
                return Ok(None);
            };
            Ok(rx.try_recv().ok())
        })();
        match taken {
            Ok(Some(record)) => {
                let text = record.message.replace('\0', " ");
                let Ok(ptr) = ffi::into_c_string(&text) else {
                    return 0;
                };
                // SAFETY: both checked non-NULL above.
                unsafe {
                    *level_out = i32::from(record.level);
                    *message_out = ptr;
                }
                1
            }
            _ => 0,
        }
    })
}

/// How many records were dropped because the queue was full, since the process started.
#[no_mangle]
pub extern "C" fn paytoken_log_dropped() -> u64 {
    DROPPED.load(Ordering::Relaxed)
}

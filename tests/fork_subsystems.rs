//! Fork safety per subsystem: after `fork()`, in the child, the log callback still gets
//! records, asynchronous calls complete, and the host-wide token cache (`cacheDir`)
//! still works — each while the parent was busy with that subsystem at the fork.
//! (`runtime/fork.rs` is the one owner of the hooks these exercise.)

mod common;
mod fork_support;

use std::os::raw::{c_char, c_void};
use std::ptr;
use std::sync::atomic::{AtomicI32, Ordering};
use std::thread;
use std::time::Duration;

use common::*;
use fork_support::{byte_arrives, in_child, pipe, wait_child, wait_for};
use paytoken::*;
use serde_json::json;

const BOUND: Duration = Duration::from_secs(15);

/// Where the log callback signals a record: one byte per record.
static LOG_PIPE: AtomicI32 = AtomicI32::new(-1);

extern "C" fn on_log(_: *mut c_void, _level: i32, _message: *const c_char, _len: usize) {
    let fd = LOG_PIPE.load(Ordering::SeqCst);
    if fd >= 0 {
        unsafe { libc::write(fd, b"r".as_ptr().cast(), 1) };
    }
}

#[test]
fn the_log_callback_gets_a_childs_records() {
    let sim = Sim::start();
    let (parent_rx, parent_tx) = pipe();
    LOG_PIPE.store(parent_tx, Ordering::SeqCst);
    let mut err = blank_error();
    assert_eq!(
        paytoken_log_configure(2, Some(on_log), ptr::null_mut(), &mut err),
        0
    );
    // A record reaches the callback: the log thread runs, and now waits for the next.
    Client::new(&sim.portone_v1(json!({})))
        .unwrap()
        .token()
        .unwrap();
    assert!(byte_arrives(parent_rx, BOUND), "no record in the parent");

    let config = sim.nicepay(json!({}));
    let pid = in_child(move || {
        let (rx, tx) = pipe();
        LOG_PIPE.store(tx, Ordering::SeqCst);
        if Client::new(&config).unwrap().token().is_err() {
            return 30;
        }
        // The fetch logged at least one record: it must reach the callback here.
        if byte_arrives(rx, BOUND) {
            0
        } else {
            31
        }
    });
    let code = wait_child(pid, BOUND * 2);
    assert_eq!(
        paytoken_log_configure(0, None, ptr::null_mut(), &mut err),
        0
    );
    assert_eq!(
        code, 0,
        "31: no log record reached the callback in the child"
    );
}

/// The async completion: writes the status as one byte to the pipe in `user_data`.
extern "C" fn on_done(
    user_data: *mut c_void,
    status: i32,
    result: *mut c_void,
    _: *const paytoken_error,
) {
    paytoken_string_free(result.cast());
    let byte = status as u8;
    unsafe { libc::write(user_data as usize as i32, (&byte as *const u8).cast(), 1) };
}

fn token_async(client: &Client, pipe_tx: i32) {
    let mut err = blank_error();
    let rc = paytoken_get_token_async(
        client.raw(),
        Some(on_done),
        pipe_tx as usize as *mut c_void,
        &mut err,
    );
    assert_eq!(rc, 0);
}

/// The status byte the completion wrote, or None if none came within `BOUND`.
fn completion(rx: i32) -> Option<u8> {
    let mut p = libc::pollfd {
        fd: rx,
        events: libc::POLLIN,
        revents: 0,
    };
    if unsafe { libc::poll(&mut p, 1, BOUND.as_millis() as i32) } != 1 {
        return None;
    }
    let mut byte = 0u8;
    (unsafe { libc::read(rx, (&mut byte as *mut u8).cast(), 1) } == 1).then_some(byte)
}

#[test]
fn async_calls_complete_in_a_child_while_the_parents_hang() {
    let sim = Sim::start();
    // With logging on (what the Python and Java wrappers do), so that the child's calls
    // also go through the log sink.
    let mut err = blank_error();
    let (_log_rx, log_tx) = pipe();
    LOG_PIPE.store(log_tx, Ordering::SeqCst);
    assert_eq!(
        paytoken_log_configure(2, Some(on_log), ptr::null_mut(), &mut err),
        0
    );
    // A parent call is running on an I/O thread at the fork: its token request hangs.
    sim.fault(json!({"gateway": "nicepay", "endpoint": "token", "kind": "hang", "count": 1}));
    let hanging = Client::new(&sim.nicepay(json!({"timeoutMs": 2000}))).unwrap();
    let (parent_rx, parent_tx) = pipe();
    token_async(&hanging, parent_tx);
    wait_for(
        "the parent's token request reaches the simulator",
        BOUND,
        || sim.token_requests("nicepay") == 1,
    );

    let config = sim.portone_v1(json!({}));
    let pid = in_child(move || {
        let client = Client::new(&config).unwrap();
        let (rx, tx) = pipe();
        for _ in 0..3 {
            token_async(&client, tx);
            match completion(rx) {
                Some(0) => {}
                Some(_) => return 41,
                None => return 40,
            }
        }
        0
    });
    let code = wait_child(pid, BOUND * 2);
    // The parent's own call ends (with a timeout) in the parent.
    assert_eq!(completion(parent_rx), Some(5));
    assert_eq!(
        paytoken_log_configure(0, None, ptr::null_mut(), &mut err),
        0
    );
    assert_eq!(code, 0, "40: an async call never completed in the child");
}

#[test]
fn the_host_cache_works_in_a_child_forked_during_a_fetch() {
    let sim = Sim::start();
    let dir = std::env::temp_dir().join(format!("paytoken-fork-host-{}", std::process::id()));
    let dir_text = dir.to_str().unwrap().to_owned();
    // The parent's fetch holds the host cache's cross-process lock at the fork: its token
    // request hangs until its 1 s timeout.
    sim.fault(json!({"gateway": "nicepay", "endpoint": "token", "kind": "hang", "count": 1}));
    let slow = sim.nicepay(json!({"cacheDir": dir_text, "timeoutMs": 1000}));
    let in_flight = thread::spawn(move || Client::new(&slow).unwrap().token());
    wait_for(
        "the parent's token request reaches the simulator",
        BOUND,
        || sim.token_requests("nicepay") == 1,
    );

    // The child waits for the parent's fetch to end (the lock is the parent's), then
    // fetches for itself: the lock the child inherited must not be held forever.
    let patient = sim.nicepay(json!({"cacheDir": dir_text, "timeoutMs": 8000}));
    let pid = in_child(move || match Client::new(&patient).unwrap().token() {
        Ok(_) => 0,
        Err(e) => {
            eprintln!("child: {}", e.message);
            50
        }
    });
    let code = wait_child(pid, BOUND * 2);
    assert!(
        in_flight.join().unwrap().is_err(),
        "the parent's fetch timed out"
    );
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        code, 0,
        "50: the child could not take the host cache's lock"
    );
    assert_eq!(sim.token_requests("nicepay"), 2, "the child fetched once");
}

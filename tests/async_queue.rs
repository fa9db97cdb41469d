//! The completion queue (`paytoken_queue_*` and the `_queued` calls) against the
//! simulator: each accepted call is posted exactly once with its tag (success, invalid
//! arguments, gateway errors), the descriptor is readable exactly while something waits,
//! `paytoken_queue_wait` waits for an arrival, and a queue freed with calls in flight
//! stays safe. Every wait is on the queue itself (poll or `paytoken_queue_wait`).

mod common;

use std::collections::HashMap;
use std::ffi::{CStr, CString};
use std::ptr;

use common::*;
use paytoken::*;
use serde_json::json;

/// A queue and the descriptor this test watches.
struct Queue(*mut paytoken_queue, i32);

impl Queue {
    fn new() -> Queue {
        let mut q = ptr::null_mut();
        let mut err = blank_error();
        assert_eq!(paytoken_queue_new(&mut q, &mut err), 0);
        let fd = paytoken_queue_fd(q);
        assert!(fd >= 0);
        Queue(q, fd)
    }

    fn readable(&self, wait_ms: i32) -> bool {
        let mut p = libc::pollfd {
            fd: self.1,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one live pollfd.
        unsafe { libc::poll(&mut p, 1, wait_ms) == 1 }
    }

    /// Waits (poll on the descriptor, like an event loop) until `n` completions were
    /// drained; returns (status, value or message) by tag. Results are read and freed.
    fn collect(&self, n: usize, free_as_response: bool) -> HashMap<u64, (i32, String)> {
        let mut got = HashMap::new();
        let mut out: Vec<paytoken_completion> = (0..8).map(|_| blank_completion()).collect();
        while got.len() < n {
            assert!(self.readable(30_000), "nothing arrived in 30 s");
            let k = paytoken_queue_drain(self.0, out.as_mut_ptr(), out.len());
            for c in &out[..k] {
                let value = if c.status != 0 {
                    assert!(c.result.is_null());
                    message(&c.error)
                } else if free_as_response {
                    let r = c.result.cast::<paytoken_response>();
                    let status = paytoken_response_status(r);
                    paytoken_response_free(r);
                    status.to_string()
                } else {
                    // SAFETY: a NUL-terminated string the completion handed over.
                    let s = unsafe { CStr::from_ptr(c.result.cast()) }
                        .to_string_lossy()
                        .into_owned();
                    paytoken_string_free(c.result.cast());
                    s
                };
                assert!(
                    got.insert(c.tag, (c.status, value)).is_none(),
                    "tag {} twice",
                    c.tag
                );
            }
        }
        assert!(
            !self.readable(0),
            "the drained queue's descriptor is not readable"
        );
        got
    }
}

impl Drop for Queue {
    fn drop(&mut self) {
        // SAFETY: the test's own descriptor.
        unsafe { libc::close(self.1) };
        paytoken_queue_free(self.0);
    }
}

fn blank_completion() -> paytoken_completion {
    paytoken_completion {
        tag: 0,
        status: -1,
        result: ptr::null_mut(),
        error: blank_error(),
    }
}

fn message(err: &paytoken_error) -> String {
    // SAFETY: the library NUL-terminates it.
    unsafe { CStr::from_ptr(err.message.as_ptr()) }
        .to_string_lossy()
        .into_owned()
}

fn request(client: *const paytoken_client, q: &Queue, method: &str, path: &str, tag: u64) -> i32 {
    let method = CString::new(method).unwrap();
    let path = CString::new(path).unwrap();
    let mut err = blank_error();
    paytoken_request_queued(
        client,
        method.as_ptr(),
        path.as_ptr(),
        ptr::null(),
        ptr::null(),
        0,
        ptr::null(),
        q.0,
        tag,
        &mut err,
    )
}

#[test]
fn each_call_is_posted_once_with_its_tag_and_the_descriptor_follows_the_queue() {
    let sim = Sim::start();
    let client = Client::new(&sim.portone_v1(json!({}))).unwrap();
    let q = Queue::new();
    assert!(!q.readable(0), "a new queue is not readable");
    for tag in 0..50 {
        assert_eq!(
            request(client.raw(), &q, "GET", api_path("portone-v1"), tag),
            0
        );
    }
    let got = q.collect(50, true);
    assert_eq!(got.len(), 50);
    assert!(
        got.values().all(|(s, v)| (*s, v.as_str()) == (0, "200")),
        "{got:?}"
    );

    let mut err = blank_error();
    assert_eq!(paytoken_get_token_queued(client.raw(), q.0, 7, &mut err), 0);
    let token = q.collect(1, false);
    assert_eq!(
        token[&7],
        (0, client.token().unwrap()),
        "the same cached token"
    );
}

#[test]
fn errors_are_posted_too_and_only_a_null_queue_is_refused() {
    let sim = Sim::start();
    let client = Client::new(&sim.portone_v1(json!({}))).unwrap();
    let wrong =
        Client::new(&sim.portone_v1(json!({"impKey": "wrong", "impSecret": "wrong"}))).unwrap();
    let q = Queue::new();
    assert_eq!(request(ptr::null(), &q, "GET", "/payments/x", 1), 0);
    assert_eq!(request(client.raw(), &q, "TRACE", "/payments/x", 2), 0);
    assert_eq!(request(wrong.raw(), &q, "GET", "/payments/x", 3), 0);
    let got = q.collect(3, true);
    assert_eq!(got[&1].0, 1, "{:?}", got[&1]);
    assert!(got[&1].1.contains("client is NULL"), "{:?}", got[&1]);
    assert_eq!(got[&2].0, 1, "{:?}", got[&2]);
    assert_eq!(
        got[&3].0, 2,
        "wrong credentials (PAYTOKEN_E_AUTH): {:?}",
        got[&3]
    );

    let mut err = blank_error();
    let rc = paytoken_get_token_queued(client.raw(), ptr::null(), 1, &mut err);
    assert_eq!(rc, 1);
    assert!(message(&err).contains("queue is NULL"));
    assert_eq!(paytoken_queue_fd(ptr::null()), -1);
    assert_eq!(paytoken_queue_drain(ptr::null(), ptr::null_mut(), 4), 0);
}

#[test]
fn wait_returns_what_arrives_and_nothing_when_the_time_runs_out() {
    let sim = Sim::start();
    let client = Client::new(&sim.portone_v1(json!({}))).unwrap();
    let q = Queue::new();
    let mut out = [blank_completion(), blank_completion()];
    assert_eq!(
        paytoken_queue_wait(q.0, out.as_mut_ptr(), 2, 0),
        0,
        "nothing queued"
    );
    assert_eq!(
        request(client.raw(), &q, "GET", api_path("portone-v1"), 42),
        0
    );
    assert_eq!(paytoken_queue_wait(q.0, out.as_mut_ptr(), 2, 30_000), 1);
    assert_eq!((out[0].tag, out[0].status), (42, 0));
    paytoken_response_free(out[0].result.cast());
    assert!(
        !q.readable(0),
        "wait drains like drain: the descriptor is quiet"
    );
}

#[test]
fn a_queue_freed_with_calls_in_flight_frees_their_results() {
    let sim = Sim::start_with(|c| c.delay_ms = 300);
    let client = Client::new(&sim.portone_v1(json!({}))).unwrap();
    client.token().unwrap();
    let q = Queue::new();
    for tag in 0..20 {
        assert_eq!(
            request(client.raw(), &q, "GET", api_path("portone-v1"), tag),
            0
        );
    }
    drop(q); // paytoken_queue_free with 20 calls in flight
             // The calls end on their own; a second queue sees only its own call.
    let q2 = Queue::new();
    assert_eq!(
        request(client.raw(), &q2, "GET", api_path("portone-v1"), 99),
        0
    );
    let got = q2.collect(1, true);
    assert_eq!(got[&99], (0, "200".to_string()));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while client.stats()["asyncRunning"].as_u64() != Some(0) {
        assert!(
            std::time::Instant::now() < deadline,
            "the orphaned calls never ended"
        );
        assert!(
            !q2.readable(50),
            "an orphaned call was posted to another queue"
        );
    }
}

//! A burst of calls in flight keeps its connections for the next burst (as aiohttp, fetch
//! and Java's HttpClient do): with only 16 idle connections kept per host, every burst of
//! 1000 reopened 984 connections and overflowed the gateway's accept queue (1 s SYN
//! retries; bench/BENCHMARKS.analysis.md). A test server of our own counts connections and
//! answers each burst only once all of its requests have arrived, so every call of a burst
//! is on its own connection at once (an event, never a delay).

mod common;

use std::io::{BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::ptr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};

use common::*;
use paytoken::*;

const BURST: usize = 40;

#[derive(Default)]
struct Counts {
    connections: AtomicUsize,
    /// Requests arrived so far; a request is answered once its burst is complete.
    requests: Mutex<usize>,
    complete: Condvar,
}

fn serve(stream: TcpStream, counts: Arc<Counts>) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut writer = stream;
    loop {
        if !read_request_head(&mut reader) {
            return; // the client closed the connection
        }
        let mut arrived = counts.requests.lock().unwrap();
        *arrived += 1;
        let burst_end = arrived.div_ceil(BURST) * BURST;
        counts.complete.notify_all();
        while *arrived < burst_end {
            arrived = counts.complete.wait(arrived).unwrap();
        }
        drop(arrived);
        let answer =
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}";
        if writer.write_all(answer.as_bytes()).is_err() {
            return;
        }
    }
}

fn start_server() -> (String, Arc<Counts>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let counts = Arc::new(Counts::default());
    let accepting = Arc::clone(&counts);
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            accepting.connections.fetch_add(1, Ordering::SeqCst);
            let c = Arc::clone(&accepting);
            std::thread::spawn(move || serve(stream, c));
        }
    });
    (url, counts)
}

/// Starts `BURST` queued GETs at once and waits for all of them; each must answer 200.
fn burst(client: &Client, queue: *mut paytoken_queue) {
    let method = c"GET";
    let path = c"/v1/payments/reuse";
    for tag in 0..BURST as u64 {
        let mut err = blank_error();
        let rc = paytoken_request_queued(
            client.raw(),
            method.as_ptr(),
            path.as_ptr(),
            ptr::null(),
            ptr::null(),
            0,
            ptr::null(),
            queue,
            tag,
            &mut err,
        );
        assert_eq!(rc, 0);
    }
    let mut out: Vec<paytoken_completion> = (0..BURST)
        .map(|_| paytoken_completion {
            tag: 0,
            status: -1,
            result: ptr::null_mut(),
            error: blank_error(),
        })
        .collect();
    let mut done = 0;
    while done < BURST {
        let n = paytoken_queue_wait(queue, out[done..].as_mut_ptr(), BURST - done, 30_000);
        assert!(n > 0, "the burst did not complete in 30 s");
        done += n;
    }
    for c in &out {
        assert_eq!(c.status, 0, "{:?}", failure(c.status, &c.error).message);
        let response = c.result.cast::<paytoken_response>();
        assert_eq!(paytoken_response_status(response), 200);
        paytoken_response_free(response);
    }
}

#[test]
fn a_bursts_connections_serve_the_next_burst() {
    let (url, counts) = start_server();
    let config = serde_json::json!({
        "gateway": "nicepay", "clientKey": "reuse_client", "secretKey": "reuse_secret",
        "auth": "basic", "baseUrl": url, "maxInFlight": BURST,
    });
    let client = Client::new(&config.to_string()).unwrap();
    let mut queue = ptr::null_mut();
    let mut err = blank_error();
    assert_eq!(paytoken_queue_new(&mut queue, &mut err), 0);

    burst(&client, queue);
    assert_eq!(
        counts.connections.load(Ordering::SeqCst),
        BURST,
        "one connection per call in flight"
    );
    burst(&client, queue);
    assert_eq!(
        counts.connections.load(Ordering::SeqCst),
        BURST,
        "the second burst reused the first one's connections"
    );
    paytoken_queue_free(queue);
}

//! A pooled connection is probed once, when it is taken for the next request (the probe
//! when it went back to the pool is skipped: `secrets/wipe.rs`, `WipingTransport::
//! is_open`): bytes a gateway sent after an answer, while the connection sat idle, must
//! still keep it from being reused. A test server of our own sends them once the first
//! call has returned (an event, never a delay).

mod common;

use std::io::{BufReader, Write};
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::Arc;

use common::*;
use serde_json::json;

const ANSWER: &str =
    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}";

/// Serves every connection: answers each GET; after the first answer on the first
/// connection, waits for `returned`, writes stray bytes, and tells `written`.
fn start_server(
    returned: mpsc::Receiver<()>,
    written: mpsc::Sender<()>,
) -> (String, Arc<AtomicUsize>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let connections = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&connections);
    std::thread::spawn(move || {
        let mut stray = Some((returned, written));
        for stream in listener.incoming().flatten() {
            counted.fetch_add(1, Ordering::SeqCst);
            let mut stray_now = stray.take();
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut writer = stream;
                loop {
                    if !read_request_head(&mut reader) {
                        return; // the client closed the connection
                    }
                    if writer.write_all(ANSWER.as_bytes()).is_err() {
                        return;
                    }
                    if let Some((returned, written)) = stray_now.take() {
                        returned.recv().unwrap();
                        writer.write_all(b"HTTP/1.1 200 OK\r\n").unwrap();
                        writer.flush().unwrap();
                        written.send(()).unwrap();
                    }
                }
            });
        }
    });
    (url, connections)
}

#[test]
fn bytes_sent_to_an_idle_pooled_connection_keep_it_from_being_reused() {
    let (returned_tx, returned_rx) = mpsc::channel();
    let (written_tx, written_rx) = mpsc::channel();
    let (url, connections) = start_server(returned_rx, written_tx);
    let config = json!({"gateway": "portone-v2", "apiSecret": API_SECRET, "baseUrl": url});
    let client = Client::new(&config.to_string()).unwrap();

    let first = client.get("/payments/one").expect("the first call");
    assert_eq!(first.status, 200);
    returned_tx.send(()).unwrap();
    written_rx.recv().unwrap();

    // The stray bytes are in the idle connection's socket now: reusing it would read
    // them as this call's answer.
    let second = client
        .get("/payments/two")
        .expect("the second call, on a new connection");
    assert_eq!((second.status, second.body.as_slice()), (200, &b"{}"[..]));
    assert_eq!(
        connections.load(Ordering::SeqCst),
        2,
        "the dirty connection was not reused"
    );

    // A clean idle connection is reused (the probe did not just refuse everything).
    client.get("/payments/three").unwrap();
    assert_eq!(connections.load(Ordering::SeqCst), 2);
}

//! What a hostile gateway can send, from a raw TCP server started here (the simulator
//! speaks correct HTTP; these answers do not): slow bodies, endless headers and chunks,
//! tokens that cannot be header values, absurd expiry numbers, bodies in no known
//! charset, answers from another protocol. Each is a clear status code within the
//! deadline, never a crash or a hang, and a business request is never resent.

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::{Duration, Instant};

use common::*;
use paytoken::paytoken_status::*;
use serde_json::json;

type Script = dyn Fn(&mut TcpStream) -> std::io::Result<()> + Send + Sync;

/// A server that reads each request and then runs `script` on the connection.
struct Hostile {
    url: String,
    requests: Arc<AtomicUsize>,
}

impl Hostile {
    fn start(
        script: impl Fn(&mut TcpStream) -> std::io::Result<()> + Send + Sync + 'static,
    ) -> Hostile {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(AtomicUsize::new(0));
        let counter = requests.clone();
        let script: Arc<Script> = Arc::new(script);
        thread::spawn(move || {
            for mut conn in listener.incoming().flatten() {
                let (script, counter) = (script.clone(), counter.clone());
                thread::spawn(move || {
                    if read_request(&mut conn) {
                        counter.fetch_add(1, Ordering::SeqCst);
                        let _ = script(&mut conn);
                    }
                });
            }
        });
        Hostile { url, requests }
    }

    fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

/// Reads one request head and its Content-Length body.
fn read_request(conn: &mut TcpStream) -> bool {
    conn.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match conn.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return false,
        }
    }
    let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let length = text
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    conn.read_exact(&mut body).is_ok()
}

fn answer(conn: &mut TcpStream, content_type: &str, body: &[u8]) -> std::io::Result<()> {
    write!(
        conn,
        "HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n\r\n",
        body.len()
    )?;
    conn.write_all(body)
}

const DEADLINE_MS: u64 = 1500;

fn config(gateway: &str, url: &str) -> String {
    let mut c = match gateway {
        "nicepay" => {
            json!({"gateway": "nicepay", "clientKey": NICEPAY_CLIENT_KEY, "secretKey": NICEPAY_SECRET_KEY})
        }
        "portone-v1" => {
            json!({"gateway": "portone-v1", "impKey": IMP_KEY, "impSecret": IMP_SECRET})
        }
        _ => json!({"gateway": "portone-v2", "apiSecret": API_SECRET, "auth": "secret"}),
    };
    c["baseUrl"] = json!(url);
    c["connectTimeoutMs"] = json!(1000);
    c["timeoutMs"] = json!(DEADLINE_MS);
    c["maxResponseBytes"] = json!(64 * 1024);
    c.to_string()
}

/// The token request's failure, checked to come within the deadline (plus slack for a
/// loaded machine).
fn token_failure(gateway: &str, server: &Hostile) -> Failure {
    let started = Instant::now();
    let failure = Client::new(&config(gateway, &server.url))
        .unwrap()
        .token()
        .expect_err("a hostile answer gives no token");
    assert!(
        started.elapsed() < Duration::from_millis(DEADLINE_MS + 3000),
        "{gateway}: took {:?}",
        started.elapsed()
    );
    failure
}

fn expect_code(failure: &Failure, code: paytoken::paytoken_status, what: &str) {
    assert_eq!(failure.code, code as i32, "{what}: {failure:?}");
    assert!(
        !failure.message.is_empty(),
        "{what}: a message says what happened"
    );
}

#[test]
fn a_body_that_trickles_times_out_within_the_deadline_and_is_not_resent() {
    let server = Hostile::start(|conn| {
        conn.write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 200\r\n\r\n{",
        )?;
        loop {
            thread::sleep(Duration::from_millis(100));
            conn.write_all(b" ")?;
        }
    });
    expect_code(
        &token_failure("portone-v1", &server),
        PAYTOKEN_E_TIMEOUT,
        "token",
    );
    // A business request (no token needed with the secret scheme): timed out, sent once.
    let before = server.requests();
    let client = Client::new(&config("portone-v2", &server.url)).unwrap();
    let failure = client.get("/payments/slow").expect_err("trickle");
    expect_code(&failure, PAYTOKEN_E_TIMEOUT, "request");
    assert!(
        failure.message.contains("outcome is unknown"),
        "{}",
        failure.message
    );
    assert_eq!(server.requests() - before, 1, "never resent");
}

#[test]
fn endless_headers_are_a_gateway_error() {
    let server = Hostile::start(|conn| {
        conn.write_all(b"HTTP/1.1 200 OK\r\n")?;
        for i in 0u64.. {
            write!(conn, "x-padding-{i}: {}\r\n", "a".repeat(64))?;
        }
        Ok(())
    });
    let failure = token_failure("nicepay", &server);
    expect_code(&failure, PAYTOKEN_E_GATEWAY, "endless headers");
}

#[test]
fn endless_chunks_stop_at_max_response_bytes() {
    let server = Hostile::start(|conn| {
        conn.write_all(b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n")?;
        let chunk = format!("1000\r\n{}\r\n", " ".repeat(0x1000));
        loop {
            conn.write_all(chunk.as_bytes())?;
        }
    });
    let failure = token_failure("portone-v1", &server);
    expect_code(&failure, PAYTOKEN_E_GATEWAY, "endless chunks");
    assert!(
        failure.message.contains("maxResponseBytes"),
        "{}",
        failure.message
    );
    let client = Client::new(&config("portone-v2", &server.url)).unwrap();
    let failure = client.get("/payments/endless").expect_err("endless chunks");
    expect_code(&failure, PAYTOKEN_E_GATEWAY, "endless chunks, business");
}

#[test]
fn tokens_that_cannot_be_header_values_are_refused() {
    for bad in ["tok\r\nx-evil: 1", "tok en", "토큰", "", "tok\u{0}en"] {
        let bad = bad.to_owned();
        let server = Hostile::start(move |conn| {
            let body = json!({"code": 0, "message": null, "response": {"access_token": bad, "now": 1_700_000_000, "expired_at": 1_700_001_800}});
            answer(conn, "application/json", body.to_string().as_bytes())
        });
        let failure = token_failure("portone-v1", &server);
        expect_code(&failure, PAYTOKEN_E_GATEWAY, "bad token");
        assert!(
            failure.message.contains("access_token"),
            "{}",
            failure.message
        );
    }
}

#[test]
fn absurd_expiry_numbers_are_gateway_errors_not_panics() {
    let cases = [
        json!({"now": 0, "expired_at": i64::MAX}),
        json!({"now": 1_700_000_000, "expired_at": 1e300}),
        json!({"now": -9_223_372_036_854_775_807i64, "expired_at": 9_223_372_036_854_775_807i64}),
        json!({"now": 1_700_000_000, "expired_at": 1_800_000_000}),
        json!({"now": 1_700_000_000, "expired_at": -1e300}),
        json!({"now": 1_700_000_000, "expired_at": "soon"}),
    ];
    for times in cases {
        let body = json!({"code": 0, "message": null, "response": {
            "access_token": "0123456789abcdef0123456789abcdef01234567",
            "now": times["now"], "expired_at": times["expired_at"]}});
        let server = Hostile::start(move |conn| {
            answer(conn, "application/json", body.to_string().as_bytes())
        });
        let failure = token_failure("portone-v1", &server);
        expect_code(&failure, PAYTOKEN_E_GATEWAY, &times.to_string());
    }
    // NICEPAY's ISO 8601 times: year 9999.
    let body = json!({"resultCode": "0000", "resultMsg": "ok", "accessToken": "abc-123",
        "expiredAt": "9999-12-31T23:59:59.000+0900", "now": "2026-01-01T00:00:00.000+0900"});
    let server =
        Hostile::start(move |conn| answer(conn, "application/json", body.to_string().as_bytes()));
    expect_code(
        &token_failure("nicepay", &server),
        PAYTOKEN_E_GATEWAY,
        "year 9999",
    );
}

#[test]
fn a_body_in_no_known_charset_is_a_gateway_error() {
    // Shift_JIS bytes (not UTF-8, not EUC-KR-declared) in a token answer.
    let server = Hostile::start(|conn| {
        let mut body = b"{\"resultCode\":\"0000\",\"resultMsg\":\"".to_vec();
        body.extend_from_slice(&[0x83, 0x65, 0x83, 0x58, 0x83, 0x67, 0xff, 0xfe]);
        body.extend_from_slice(b"\"}");
        answer(conn, "application/json; charset=shift_jis", &body)
    });
    let failure = token_failure("nicepay", &server);
    expect_code(&failure, PAYTOKEN_E_GATEWAY, "unknown charset");
    assert!(failure.message.contains("UTF-8"), "{}", failure.message);
}

#[test]
fn answers_from_another_protocol_are_gateway_errors() {
    let banners: [&[u8]; 5] = [
        b"SSH-2.0-OpenSSH_9.6\r\n",
        b"220 mail.example ESMTP ready\r\n",
        // An HTTP/2 server's first frame (SETTINGS) where HTTP/1.1 was expected.
        b"\x00\x00\x12\x04\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00\x64\x00\x04\x00\x01\x00\x00\x00\x05\x00\xff\xff\xff",
        b"HTTP/1.1 999999999999 Nope\r\n\r\n",
        b"\x16\x03\x03\x00\x02\x02\x28",
    ];
    for banner in banners {
        let server = Hostile::start(move |conn| {
            conn.write_all(banner)?;
            thread::sleep(Duration::from_millis(200));
            Ok(())
        });
        let failure = token_failure("portone-v1", &server);
        assert!(
            failure.code == PAYTOKEN_E_GATEWAY as i32 || failure.code == PAYTOKEN_E_NETWORK as i32,
            "{:?}: {failure:?}",
            String::from_utf8_lossy(banner)
        );
        assert_ne!(failure.code, PAYTOKEN_E_INTERNAL as i32);
    }
}

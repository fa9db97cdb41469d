//! A deliberately tiny HTTP/1.1 client over `std::net::TcpStream` (one request per
//! connection), so the simulator is tested over real sockets without an HTTP crate.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use paytoken_sim::{SimConfig, Simulator};
use serde_json::Value;

pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }
}

/// A simulator for token, transport and fault tests, which use ad-hoc payment ids:
/// `implicit_payments` makes any id a paid payment. Payment-state tests use the default.
pub fn transport_sim() -> Simulator {
    Simulator::start(SimConfig {
        implicit_payments: true,
        ..SimConfig::default()
    })
    .expect("simulator starts")
}

/// Sends one request; `Err` when the server closed the connection without an answer.
pub fn send(
    sim: &Simulator,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> io::Result<Reply> {
    send_timeout(sim, method, path, headers, body, Duration::from_secs(10))
}

/// `send` that gives up waiting for the answer after `timeout` (and closes the socket).
pub fn send_timeout(
    sim: &Simulator,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
    timeout: Duration,
) -> io::Result<Reply> {
    let mut stream = TcpStream::connect(("127.0.0.1", sim.port()))?;
    stream.set_read_timeout(Some(timeout))?;
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str(&format!("Content-Length: {}\r\n\r\n", body.len()));
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut raw = Vec::new();
    // A reset after a partial answer still leaves what arrived in `raw`.
    let _ = stream.read_to_end(&mut raw);
    parse(&raw)
}

fn parse(raw: &[u8]) -> io::Result<Reply> {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("no answer ({} bytes)", raw.len()),
            )
        })?;
    let head = String::from_utf8_lossy(&raw[..end]);
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Ok(Reply {
        status,
        headers,
        body: raw[end + 4..].to_vec(),
    })
}

pub fn get(sim: &Simulator, path: &str, headers: &[(&str, &str)]) -> Reply {
    send(sim, "GET", path, headers, b"").expect("an answer")
}

pub fn post(sim: &Simulator, path: &str, headers: &[(&str, &str)], body: &str) -> Reply {
    send(sim, "POST", path, headers, body.as_bytes()).expect("an answer")
}

/// POSTs admin JSON and insists on a 200.
pub fn admin(sim: &Simulator, path: &str, body: &str) -> Value {
    let reply = post(sim, path, &[], body);
    assert_eq!(
        reply.status,
        200,
        "{path} {body}: {}",
        String::from_utf8_lossy(&reply.body)
    );
    reply.json()
}

pub fn stats(sim: &Simulator, counter: &str, gateway: &str) -> u64 {
    get(sim, "/__sim/stats", &[]).json()[counter][gateway]
        .as_u64()
        .expect("a counter")
}

/// A top-level number of `/__sim/stats` (not per gateway).
pub fn stats_value(sim: &Simulator, name: &str) -> u64 {
    get(sim, "/__sim/stats", &[]).json()[name]
        .as_u64()
        .expect("a counter")
}

pub fn nicepay_basic() -> String {
    use base64::Engine as _;
    let encoded = base64::engine::general_purpose::STANDARD
        .encode("S2_sim_client_key:sim_nicepay_secret_key");
    format!("Basic {encoded}")
}

pub fn nicepay_token(sim: &Simulator) -> Value {
    let reply = post(
        sim,
        "/v1/access-token",
        &[("Authorization", &nicepay_basic())],
        "",
    );
    assert_eq!(reply.status, 200);
    reply.json()
}

pub fn v1_token(sim: &Simulator) -> Value {
    let reply = post(
        sim,
        "/users/getToken",
        &[],
        r#"{"imp_key":"sim_imp_key","imp_secret":"sim_imp_secret"}"#,
    );
    assert_eq!(
        reply.status,
        200,
        "{}",
        String::from_utf8_lossy(&reply.body)
    );
    reply.json()["response"].clone()
}

/// Unix seconds of an IMF-fixdate such as `Fri, 20 Nov 2026 22:15:10 GMT`.
pub fn parse_http_date(text: &str) -> i64 {
    let parts: Vec<&str> = text.split([' ', ':']).collect();
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .iter()
    .position(|m| *m == parts[2])
    .expect("a month") as i64
        + 1;
    let number = |i: usize| parts[i].parse::<i64>().expect("a number");
    let (year, day) = (number(3), number(1));
    // days_from_civil (Howard Hinnant), independent of the simulator's own code.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    days * 86_400 + number(4) * 3600 + number(5) * 60 + number(6)
}

pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A request the webhook receiver got.
#[derive(Clone, Debug)]
pub struct Received {
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A loopback HTTP server standing in for a shop's webhook endpoint: answers the n-th
/// request with `statuses[n]` (the last one repeats) and body `answer`, and keeps what
/// it received. Its thread lives until the test process ends.
pub struct Receiver {
    pub url: String,
    pub received: std::sync::Arc<std::sync::Mutex<Vec<Received>>>,
}

pub fn receiver(statuses: &[u16], answer: &'static str) -> Receiver {
    use std::io::BufRead;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hooks/payments", listener.local_addr().unwrap());
    let received = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = std::sync::Arc::clone(&received);
    let statuses = statuses.to_vec();
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().enumerate() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = std::io::BufReader::new(stream.try_clone().unwrap());
            let mut headers = Vec::new();
            let mut line = String::new();
            let _ = reader.read_line(&mut line); // request line
            loop {
                line.clear();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some((name, value)) = line.trim_end().split_once(':') {
                    headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
                }
            }
            let length: usize = headers
                .iter()
                .find(|(n, _)| n == "content-length")
                .and_then(|(_, v)| v.parse().ok())
                .unwrap_or(0);
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            log.lock().unwrap().push(Received {
                headers,
                body: String::from_utf8_lossy(&body).into_owned(),
            });
            let status = statuses[n.min(statuses.len() - 1)];
            let _ = write!(
                stream,
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
                answer.len()
            );
        }
    });
    Receiver { url, received }
}

/// Polls `check` every 10 ms until it holds or `secs` pass (then panics with `what`).
pub fn wait_until(secs: u64, what: &str, mut check: impl FnMut() -> bool) {
    let deadline = std::time::Instant::now() + Duration::from_secs(secs);
    while !check() {
        assert!(
            std::time::Instant::now() < deadline,
            "timed out waiting: {what}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// PortOne V2's API-secret authorization the simulator accepts by default.
pub const V2: (&str, &str) = ("Authorization", "PortOne sim_portone_v2_api_secret");

/// A simulator with the faithful default: payments exist only once the admin API made them.
pub fn faithful_sim() -> Simulator {
    Simulator::start(SimConfig::default()).expect("simulator starts")
}

/// `POST /__sim/payments` with this spec; answers the payment.
pub fn create(sim: &Simulator, spec: Value) -> Value {
    admin(sim, "/__sim/payments", &spec.to_string())
}

/// Percent-encodes a query value.
pub fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

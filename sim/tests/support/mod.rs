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
    let mut stream = TcpStream::connect(("127.0.0.1", sim.port()))?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
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

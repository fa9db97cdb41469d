//! Proxies, redirects and `caFile`, tested in the positive over real sockets:
//!
//! - a CONNECT proxy started here maps the non-loopback origin `gateway.test:PORT` to the
//!   simulator (HTTPS, whose certificate also names `gateway.test`), so no DNS is needed;
//!   `HTTPS_PROXY` goes through it, `HTTP_PROXY` never does (httpoxy), `NO_PROXY` skips it;
//! - the simulator's `redirect` fault points at a second listener that must never see a
//!   connection;
//! - `caFile` adds the simulator's root, and a bad file fails `paytoken_client_new`.
//!
//! And what a request carries on the wire (a GET: no `content-length`).

mod common;

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use common::*;
use paytoken::paytoken_status::*;
use serde_json::json;

/// A minimal HTTP CONNECT proxy: `host:port` targets found in `routes` are tunnelled to
/// the mapped address; every request line it receives is recorded.
struct ConnectProxy {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<String>>>,
}

impl ConnectProxy {
    fn start(routes: HashMap<String, SocketAddr>) -> ConnectProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = seen.clone();
        thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let (routes, log) = (routes.clone(), log.clone());
                thread::spawn(move || tunnel(conn, &routes, &log));
            }
        });
        ConnectProxy { addr, seen }
    }

    fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().unwrap().clone()
    }
}

fn tunnel(mut client: TcpStream, routes: &HashMap<String, SocketAddr>, log: &Mutex<Vec<String>>) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") && head.len() < 8192 {
        match client.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return,
        }
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let line = text.lines().next().unwrap_or("").to_owned();
    log.lock().unwrap().push(line.clone());
    let mut parts = line.split(' ');
    let (Some("CONNECT"), Some(target)) = (parts.next(), parts.next()) else {
        let _ = client.write_all(b"HTTP/1.1 400 Bad Request\r\ncontent-length: 0\r\n\r\n");
        return;
    };
    let Some(upstream) = routes.get(target).and_then(|a| TcpStream::connect(a).ok()) else {
        let _ = client.write_all(b"HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n");
        return;
    };
    let _ = client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
    let (mut up_read, mut client_write) =
        (upstream.try_clone().unwrap(), client.try_clone().unwrap());
    let pump = thread::spawn(move || {
        let _ = std::io::copy(&mut up_read, &mut client_write);
        let _ = client_write.shutdown(Shutdown::Write);
    });
    let mut up_write = upstream;
    let _ = std::io::copy(&mut client, &mut up_write);
    let _ = up_write.shutdown(Shutdown::Write);
    let _ = pump.join();
}

fn temp_dir(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("paytoken-transport-{}-{name}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A copy of the simulator's root under a new name: HTTP agents are kept per `caFile`, and
/// ureq reads the proxy variables when an agent is made, so each scenario gets its own.
fn ca_copy(dir: &std::path::Path, sim: &Sim, n: usize) -> String {
    let path = dir.join(format!("sim-{n}.pem"));
    std::fs::write(&path, sim.inner.certificate_pem().unwrap()).unwrap();
    path.to_str().unwrap().to_owned()
}

const PROXY_VARS: [&str; 10] = [
    "HTTPS_PROXY",
    "https_proxy",
    "HTTP_PROXY",
    "http_proxy",
    "ALL_PROXY",
    "all_proxy",
    "NO_PROXY",
    "no_proxy",
    "REQUEST_METHOD",
    "GATEWAY_INTERFACE",
];

fn set_env(vars: &[(&str, &str)]) {
    for name in PROXY_VARS {
        std::env::remove_var(name);
    }
    for (name, value) in vars {
        std::env::set_var(name, value);
    }
}

/// All proxy scenarios in one test: the environment is process-wide.
#[test]
fn proxies_from_the_environment() {
    let sim = Sim::start_with(|c| c.tls = true);
    let sim_addr: SocketAddr = sim.url().trim_start_matches("https://").parse().unwrap();
    let dir = temp_dir("proxy");
    // One origin name per scenario: a token cached for one must not hide the next's fetch.
    let origins: Vec<String> = (1..=5)
        .map(|n| format!("gateway.test:{}", 40000 + n))
        .collect();
    let routes: HashMap<String, SocketAddr> =
        origins.iter().map(|o| (o.clone(), sim_addr)).collect();
    let good = ConnectProxy::start(routes.clone());
    let wrong = ConnectProxy::start(routes);
    let client_for = |n: usize| {
        let config = json!({
            "gateway": "portone-v1", "impKey": IMP_KEY, "impSecret": IMP_SECRET,
            "baseUrl": format!("https://{}", origins[n - 1]),
            "caFile": ca_copy(&dir, &sim, n), "connectTimeoutMs": 3000, "timeoutMs": 5000,
        });
        Client::new(&config.to_string()).expect("client")
    };

    // 1. HTTPS_PROXY is used: token and request both go through the tunnel.
    set_env(&[("HTTPS_PROXY", &good.url())]);
    let client = client_for(1);
    assert_eq!(client.token().expect("token through the proxy").len(), 40);
    assert_eq!(
        client.get("/payments/imp_proxy").expect("request").status,
        200
    );
    let connects: Vec<_> = good
        .seen()
        .into_iter()
        .filter(|l| l.contains(&origins[0]))
        .collect();
    assert!(
        !connects.is_empty(),
        "the proxy saw the CONNECT: {:?}",
        good.seen()
    );
    assert!(
        connects
            .iter()
            .all(|l| l.starts_with("CONNECT gateway.test:40001 ")),
        "{connects:?}"
    );

    // 2. httpoxy: HTTP_PROXY (what a CGI host makes of a `Proxy:` request header) is never
    //    applied to an HTTPS origin. Without a proxy, gateway.test does not resolve.
    set_env(&[
        ("HTTP_PROXY", &wrong.url()),
        ("http_proxy", &wrong.url()),
        ("REQUEST_METHOD", "GET"),
    ]);
    let failure = client_for(2)
        .token()
        .expect_err("no proxy: the name does not resolve");
    assert_eq!(failure.code, PAYTOKEN_E_NETWORK as i32, "{failure:?}");
    assert!(
        wrong.seen().is_empty(),
        "HTTP_PROXY was used: {:?}",
        wrong.seen()
    );

    // 3. NO_PROXY names the host (with curl's leading dot and a port): it is reached
    //    directly, so the proxy sees nothing.
    set_env(&[
        ("HTTPS_PROXY", &wrong.url()),
        ("NO_PROXY", "localhost, .gateway.test:443"),
    ]);
    let failure = client_for(3)
        .token()
        .expect_err("direct: the name does not resolve");
    assert_eq!(failure.code, PAYTOKEN_E_NETWORK as i32, "{failure:?}");
    assert!(
        wrong.seen().is_empty(),
        "NO_PROXY was ignored: {:?}",
        wrong.seen()
    );

    // 4. NO_PROXY that names other hosts leaves the proxy in use (lower-case variables too).
    set_env(&[
        ("https_proxy", &good.url()),
        ("no_proxy", "example.test,gateway.test.evil"),
    ]);
    let before = good.seen().len();
    assert_eq!(client_for(4).token().expect("through the proxy").len(), 40);
    assert!(good.seen()[before..]
        .iter()
        .any(|l| l.starts_with("CONNECT gateway.test:40004 ")));

    // 5. ALL_PROXY is the fallback for HTTPS.
    set_env(&[("ALL_PROXY", &good.url())]);
    let before = good.seen().len();
    assert_eq!(client_for(5).token().expect("through ALL_PROXY").len(), 40);
    assert!(good.seen()[before..]
        .iter()
        .any(|l| l.starts_with("CONNECT gateway.test:40005 ")));

    set_env(&[]);
    assert!(wrong.seen().is_empty(), "{:?}", wrong.seen());
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A listener that records whether anybody ever connected to it.
fn trap() -> (TcpListener, String) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let url = format!("http://{}/steal", listener.local_addr().unwrap());
    (listener, url)
}

fn assert_untouched(listener: &TcpListener) {
    thread::sleep(Duration::from_millis(200));
    match listener.accept() {
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        Ok((_, peer)) => panic!("the redirect target got a connection from {peer}"),
        Err(e) => panic!("accept: {e}"),
    }
}

#[test]
fn a_redirect_of_a_business_request_is_returned_never_followed() {
    let sim = Sim::start();
    let (listener, location) = trap();
    let client = Client::new(&sim.portone_v1(json!({}))).unwrap();
    client.token().unwrap();
    for status in [301, 302, 303, 307, 308] {
        sim.fault(
            json!({"kind": "redirect", "endpoint": "api", "status": status, "location": location}),
        );
        let answer = client
            .get("/payments/imp_redirect")
            .expect("a 3xx is a response");
        assert_eq!(answer.status, status);
        assert!(
            answer.headers_json.contains(&location),
            "{}",
            answer.headers_json
        );
    }
    assert_untouched(&listener);
}

#[test]
fn a_redirect_of_the_token_request_is_a_gateway_error_never_followed() {
    let sim = Sim::start();
    let (listener, location) = trap();
    for (gateway, config) in [
        ("nicepay", sim.nicepay(json!({}))),
        ("portone-v1", sim.portone_v1(json!({}))),
        ("portone-v2", sim.portone_v2(json!({"auth": "token"}))),
    ] {
        sim.fault(json!({"kind": "redirect", "gateway": gateway, "endpoint": "token", "status": 307, "location": location}));
        let failure = Client::new(&config)
            .unwrap()
            .token()
            .expect_err("no token from a 307");
        assert_eq!(
            failure.code, PAYTOKEN_E_GATEWAY as i32,
            "{gateway}: {failure:?}"
        );
        assert_eq!(failure.http_status, 307, "{gateway}");
    }
    assert_untouched(&listener);
}

#[test]
fn ca_file_is_checked_when_the_client_is_made() {
    let sim = Sim::start();
    let dir = temp_dir("cafile");
    let missing = dir.join("missing.pem");
    let empty = dir.join("empty.pem");
    std::fs::write(&empty, "not a certificate\n").unwrap();
    for (path, says) in [
        (&missing, "cannot read"),
        (&empty, "no certificate"),
        (&dir, "cannot read"),
    ] {
        let config = sim.portone_v1(json!({"caFile": path.to_str().unwrap()}));
        let failure = Client::new(&config)
            .err()
            .expect("refused at paytoken_client_new");
        assert_eq!(failure.code, PAYTOKEN_E_INVALID_ARGUMENT as i32);
        assert!(
            failure.message.contains("caFile") && failure.message.contains(says),
            "{}",
            failure.message
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn ca_file_trusts_the_simulator_and_without_it_tls_fails() {
    let sim = Sim::start_with(|c| c.tls = true);
    let dir = temp_dir("trust");
    let pem = ca_copy(&dir, &sim, 0);
    let trusted = Client::new(&sim.portone_v1(json!({"caFile": pem}))).unwrap();
    assert_eq!(trusted.token().unwrap().len(), 40);
    // Another account on the same simulator, so the cached token cannot answer for it.
    let untrusted = Client::new(&sim.portone_v1(json!({"tier": "untrusted"}))).unwrap();
    let failure = untrusted.token().expect_err("self-signed root not trusted");
    assert_eq!(failure.code, PAYTOKEN_E_TLS as i32, "{failure:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A GET goes out as curl sends it: no body and no `content-length: 0` (one header less
/// to write and to parse on every lookup); a POST with an empty body still declares 0.
#[test]
fn a_get_carries_no_content_length_and_an_empty_post_declares_zero() {
    let sim = Sim::start();
    let client = Client::new(&sim.portone_v1(json!({}))).unwrap();
    assert_eq!(client.get(api_path("portone-v1")).unwrap().status, 200);
    let headers = sim.last_request()["headers"].clone();
    assert!(headers.get("content-length").is_none(), "{headers}");
    assert!(headers.get("transfer-encoding").is_none(), "{headers}");
    client
        .request("POST", "/payments/cancel", None, None)
        .unwrap();
    assert_eq!(sim.last_request()["headers"]["content-length"], "0");
}

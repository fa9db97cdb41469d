//! Shared by the integration tests: a simulator started in-process on a loopback port,
//! its admin API, and the tests' conveniences over `paytoken::safe_api`, the library's one
//! safe layer over its C ABI (the tests call the very `extern "C"` functions that the
//! shared library exports).
#![allow(dead_code)]

mod child;
// Not every test binary runs child tests.
#[allow(unused_imports)]
pub use child::*;

use paytoken::safe_api;
use paytoken::*;
use paytoken_sim::{SimConfig, Simulator};
use serde_json::Value;

pub const NICEPAY_CLIENT_KEY: &str = "S2_sim_client_key";
pub const NICEPAY_SECRET_KEY: &str = "sim_nicepay_secret_key";
pub const IMP_KEY: &str = "sim_imp_key";
pub const IMP_SECRET: &str = "sim_imp_secret";
pub const API_SECRET: &str = "sim_portone_v2_api_secret";

pub struct Sim {
    pub inner: Simulator,
    agent: ureq::Agent,
}

impl Sim {
    pub fn start() -> Sim {
        Sim::start_with(|_| {})
    }

    pub fn start_with(tweak: impl FnOnce(&mut SimConfig)) -> Sim {
        // Token and transport tests use ad-hoc payment ids: any id exists as paid.
        let mut config = SimConfig {
            implicit_payments: true,
            ..SimConfig::default()
        };
        tweak(&mut config);
        let inner = Simulator::start(config).expect("simulator starts");
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .new_agent();
        Sim { inner, agent }
    }

    pub fn url(&self) -> String {
        self.inner.url()
    }

    fn admin(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{}", self.url(), path);
        let mut response = match (method, body) {
            ("GET", _) => self.agent.get(&url).call(),
            ("DELETE", _) => self.agent.delete(&url).call(),
            (_, body) => self
                .agent
                .post(&url)
                .header("content-type", "application/json")
                .send(body.unwrap_or(Value::Null).to_string()),
        }
        .expect("admin call reaches the simulator");
        // The admin API is strict: a typo in a fault or config is a 400, never ignored.
        assert!(
            response.status().is_success() || path.ends_with("last-request"),
            "admin {method} {path}: {}",
            response.status()
        );
        let text = response.body_mut().read_to_string().unwrap_or_default();
        serde_json::from_str(&text).unwrap_or(Value::Null)
    }

    pub fn stats(&self) -> Value {
        self.admin("GET", "/__sim/stats", None)
    }

    pub fn token_requests(&self, gateway: &str) -> u64 {
        self.stats()["tokenRequests"][gateway]
            .as_u64()
            .expect("tokenRequests counter")
    }

    pub fn unauthorized(&self, gateway: &str) -> u64 {
        self.stats()["unauthorized"][gateway]
            .as_u64()
            .expect("unauthorized counter")
    }

    pub fn fault(&self, fault: Value) {
        self.admin("POST", "/__sim/fault", Some(fault));
    }

    pub fn clear_faults(&self) {
        self.admin("DELETE", "/__sim/fault", None);
    }

    /// The next `count` requests (0: every one until the faults are cleared) to
    /// `gateway`'s `endpoint` ("token" or "api") are counted, then held until
    /// [`Sim::release`]: in flight for exactly as long as the test needs.
    pub fn hold(&self, gateway: &str, endpoint: &str, count: u64) {
        self.fault(serde_json::json!({"gateway": gateway, "endpoint": endpoint, "kind": "hold", "count": count}));
    }

    /// Waits until `n` requests are held (`GET /__sim/stats` → `held`).
    pub fn wait_held(&self, n: u64) {
        self.wait_for(&format!("{n} held requests"), |s| s["held"] == n);
    }

    /// Lets every held request go on (later ones are held again until the next release,
    /// until the hold fault is cleared); returns how many were waiting.
    pub fn release(&self) -> u64 {
        self.admin("POST", "/__sim/release", None)["released"]
            .as_u64()
            .expect("released count")
    }

    /// Waits until the simulator's stats satisfy `ready` (its counters are the events a
    /// test synchronizes on) and returns them. The bound only turns a broken test into a
    /// failure that says what it waited for; it is not a timing assumption.
    pub fn wait_for(&self, what: &str, mut ready: impl FnMut(&Value) -> bool) -> Value {
        let bound = std::time::Instant::now() + std::time::Duration::from_secs(120);
        loop {
            let stats = self.stats();
            if ready(&stats) {
                return stats;
            }
            assert!(
                std::time::Instant::now() < bound,
                "the simulator never showed {what}: {stats}"
            );
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
    }

    pub fn revoke(&self, gateway: &str) {
        self.admin(
            "POST",
            "/__sim/revoke",
            Some(serde_json::json!({ "gateway": gateway })),
        );
    }

    pub fn configure(&self, config: Value) {
        self.admin("POST", "/__sim/config", Some(config));
    }

    /// Creates a payment through the admin API (the faithful simulator's payment state).
    pub fn create_payment(&self, payment: Value) -> Value {
        self.admin("POST", "/__sim/payments", Some(payment))
    }

    /// Every payment the simulator holds.
    pub fn payments(&self) -> Value {
        self.admin("GET", "/__sim/payments", None)["payments"].clone()
    }

    pub fn last_request(&self) -> Value {
        self.admin("GET", "/__sim/last-request", None)
    }

    pub fn nicepay(&self, extra: Value) -> String {
        self.config(
            serde_json::json!({"gateway": "nicepay", "clientKey": NICEPAY_CLIENT_KEY, "secretKey": NICEPAY_SECRET_KEY}),
            extra,
        )
    }

    pub fn portone_v1(&self, extra: Value) -> String {
        self.config(serde_json::json!({"gateway": "portone-v1", "impKey": IMP_KEY, "impSecret": IMP_SECRET}), extra)
    }

    pub fn portone_v2(&self, extra: Value) -> String {
        self.config(
            serde_json::json!({"gateway": "portone-v2", "apiSecret": API_SECRET}),
            extra,
        )
    }

    fn config(&self, base: Value, extra: Value) -> String {
        let mut map = base.as_object().cloned().unwrap();
        map.insert("baseUrl".into(), Value::String(self.url()));
        if let Value::Object(extra) = extra {
            for (k, v) in extra {
                map.insert(k, v);
            }
        }
        Value::Object(map).to_string()
    }
}

// Not every test binary reads `paytoken_error` itself.
#[allow(unused_imports)]
pub use paytoken::safe_api::{blank_error, Failure};

/// The failure a call that returned `rc` reported, after checking what `paytoken_error`
/// promises (the same code, NUL-terminated UTF-8 texts).
pub fn failure(rc: i32, err: &paytoken_error) -> Failure {
    safe_api::contract(rc, err).expect("paytoken_error keeps its contract");
    safe_api::check(rc, err).expect_err("the call failed")
}

/// A client made through the C ABI (`paytoken::safe_api`), with the tests' conveniences:
/// tokens as Strings, answers copied into `Resp`.
pub struct Client(safe_api::Client);

#[derive(Debug)]
pub struct Resp {
    pub status: i32,
    pub body: Vec<u8>,
    pub headers_json: String,
    pub content_type: Option<String>,
    /// `paytoken_response_idempotency_key`: the key the request carried.
    pub idempotency_key: Option<String>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("JSON body")
    }

    fn copy(response: &safe_api::Response) -> Resp {
        let body = response.body();
        let mut len = 0usize;
        let start = paytoken_response_body(response.raw(), &mut len);
        // SAFETY: the library keeps len + 1 bytes alive until the response is freed.
        assert_eq!(unsafe { *start.add(len) }, 0, "a NUL follows the body");
        Resp {
            status: response.status(),
            body: body.to_vec(),
            headers_json: response.headers_json(),
            content_type: response.header("Content-Type"),
            idempotency_key: response.idempotency_key(),
        }
    }
}

impl Client {
    pub fn new(config: &str) -> Result<Client, Failure> {
        safe_api::Client::new(config).map(Client)
    }

    pub fn raw(&self) -> *const paytoken_client {
        self.0.raw()
    }

    pub fn token(&self) -> Result<String, Failure> {
        self.0.token().map(|t| t.text())
    }

    pub fn invalidate(&self, token: Option<&str>) -> Result<(), Failure> {
        self.0.invalidate(token)
    }

    pub fn request(
        &self,
        method: &str,
        path: &str,
        headers: Option<&str>,
        body: Option<&[u8]>,
    ) -> Result<Resp, Failure> {
        self.request_ex(method, path, headers, body, None)
    }

    /// As `request`, with per-call options (JSON): `paytoken_request_ex`.
    pub fn request_ex(
        &self,
        method: &str,
        path: &str,
        headers: Option<&str>,
        body: Option<&[u8]>,
        options: Option<&str>,
    ) -> Result<Resp, Failure> {
        let response = self
            .0
            .request(method, path, headers, body.unwrap_or_default(), options)?;
        Ok(Resp::copy(&response))
    }

    pub fn get(&self, path: &str) -> Result<Resp, Failure> {
        self.request("GET", path, None, None)
    }

    pub fn stats(&self) -> Value {
        self.0.stats().expect("stats")
    }
}

/// The business path each gateway's simulator answers.
pub fn api_path(gateway: &str) -> &'static str {
    match gateway {
        "nicepay" => "/v1/payments/T_sim_0001",
        "portone-v1" => "/payments/imp_448280090638",
        _ => "/payments/pay_0001",
    }
}

/// For test servers of our own: reads one request head (a GET: no body) up to its empty
/// line; false when the client closed the connection.
#[allow(dead_code)] // not every test binary serves HTTP itself
pub fn read_request_head(reader: &mut impl std::io::BufRead) -> bool {
    let mut line = String::new();
    loop {
        line.clear();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return false,
            Ok(_) if line == "\r\n" => return true,
            Ok(_) => {}
        }
    }
}

//! Shared by the integration tests: a simulator started in-process on a loopback port,
//! its admin API, and a small safe wrapper over the C ABI (the tests call the very
//! `extern "C"` functions that the shared library exports).
#![allow(dead_code)]

use std::ffi::{CStr, CString};
use std::os::raw::c_char;
use std::ptr;

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

/// What a failed call reported through `paytoken_error`.
#[derive(Debug, Clone)]
pub struct Failure {
    pub code: i32,
    pub http_status: i32,
    pub gateway_code: String,
    pub message: String,
}

pub fn blank_error() -> paytoken_error {
    paytoken_error {
        code: -1,
        http_status: -1,
        gateway_code: [0x55; 32],
        message: [0x55; 512],
    }
}

pub fn failure(rc: i32, err: &paytoken_error) -> Failure {
    assert_eq!(rc, err.code, "the struct's code equals the return value");
    let text = |buf: &[c_char]| {
        assert!(buf.contains(&0), "NUL-terminated");
        unsafe { CStr::from_ptr(buf.as_ptr()) }
            .to_str()
            .expect("UTF-8")
            .to_owned()
    };
    Failure {
        code: rc,
        http_status: err.http_status,
        gateway_code: text(&err.gateway_code),
        message: text(&err.message),
    }
}

fn check(rc: i32, err: &paytoken_error) -> Result<(), Failure> {
    if rc == 0 {
        assert_eq!(err.code, 0, "zeroed on success");
        assert_eq!(err.message[0], 0, "zeroed on success");
        Ok(())
    } else {
        Err(failure(rc, err))
    }
}

/// A client made through the C ABI.
pub struct Client(*mut paytoken_client);
unsafe impl Send for Client {}
unsafe impl Sync for Client {}

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
}

impl Client {
    pub fn new(config: &str) -> Result<Client, Failure> {
        let config = CString::new(config).unwrap();
        let mut out = ptr::null_mut();
        let mut err = blank_error();
        let rc = paytoken_client_new(config.as_ptr(), &mut out, &mut err);
        check(rc, &err).map(|_| Client(out))
    }

    pub fn raw(&self) -> *const paytoken_client {
        self.0
    }

    pub fn token(&self) -> Result<String, Failure> {
        let mut out = ptr::null_mut();
        let mut err = blank_error();
        let rc = paytoken_get_token(self.0, &mut out, &mut err);
        check(rc, &err)?;
        let token = unsafe { CStr::from_ptr(out) }.to_str().unwrap().to_owned();
        paytoken_string_free(out);
        Ok(token)
    }

    pub fn invalidate(&self, token: Option<&str>) -> Result<(), Failure> {
        let token = token.map(|t| CString::new(t).unwrap());
        let mut err = blank_error();
        let rc = paytoken_invalidate(
            self.0,
            token.as_ref().map_or(ptr::null(), |t| t.as_ptr()),
            &mut err,
        );
        check(rc, &err)
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

    /// `paytoken_request_ex`: as `request`, with per-call options (JSON).
    pub fn request_ex(
        &self,
        method: &str,
        path: &str,
        headers: Option<&str>,
        body: Option<&[u8]>,
        options: Option<&str>,
    ) -> Result<Resp, Failure> {
        let method = CString::new(method).unwrap();
        let path = CString::new(path).unwrap();
        let headers = headers.map(|h| CString::new(h).unwrap());
        let options = options.map(|o| CString::new(o).unwrap());
        let mut out = ptr::null_mut();
        let mut err = blank_error();
        let (body_ptr, body_len) = body.map_or((ptr::null(), 0), |b| (b.as_ptr(), b.len()));
        let rc = paytoken_request_ex(
            self.0,
            method.as_ptr(),
            path.as_ptr(),
            headers.as_ref().map_or(ptr::null(), |h| h.as_ptr()),
            body_ptr,
            body_len,
            options.as_ref().map_or(ptr::null(), |o| o.as_ptr()),
            &mut out,
            &mut err,
        );
        check(rc, &err)?;
        let mut len = 0usize;
        let body_ptr = paytoken_response_body(out, &mut len);
        let body = unsafe { std::slice::from_raw_parts(body_ptr, len) }.to_vec();
        assert_eq!(unsafe { *body_ptr.add(len) }, 0, "a NUL follows the body");
        let headers_json = unsafe { CStr::from_ptr(paytoken_response_headers_json(out)) }
            .to_str()
            .unwrap()
            .to_owned();
        let ct = paytoken_response_header(out, c"Content-Type".as_ptr());
        let content_type =
            (!ct.is_null()).then(|| unsafe { CStr::from_ptr(ct) }.to_str().unwrap().to_owned());
        let key = paytoken_response_idempotency_key(out);
        let idempotency_key =
            (!key.is_null()).then(|| unsafe { CStr::from_ptr(key) }.to_str().unwrap().to_owned());
        let resp = Resp {
            status: paytoken_response_status(out),
            body,
            headers_json,
            content_type,
            idempotency_key,
        };
        paytoken_response_free(out);
        Ok(resp)
    }

    pub fn get(&self, path: &str) -> Result<Resp, Failure> {
        self.request("GET", path, None, None)
    }

    pub fn stats(&self) -> Value {
        let mut out = ptr::null_mut();
        let mut err = blank_error();
        let rc = paytoken_client_stats(self.0, &mut out, &mut err);
        check(rc, &err).expect("stats");
        let text = unsafe { CStr::from_ptr(out) }.to_str().unwrap().to_owned();
        paytoken_string_free(out);
        serde_json::from_str(&text).unwrap()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        paytoken_client_free(self.0);
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

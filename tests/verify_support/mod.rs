//! Shared by tests/verify_payment.rs and tests/verify_webhook.rs: the two verification
//! calls through the C ABI, and a one-shot loopback HTTP listener that receives the
//! simulator's webhooks exactly as sent (raw headers and body bytes).
#![allow(dead_code)]

use std::collections::HashMap;
use std::ffi::{CStr, CString};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::os::raw::c_char;
use std::ptr;
use std::time::Duration;

use paytoken::*;
use serde_json::Value;

use crate::common::{blank_error, failure, Client, Failure};

fn take_json(rc: i32, out: *mut c_char, err: &paytoken_error) -> Result<Value, Failure> {
    if rc != 0 {
        assert!(out.is_null());
        return Err(failure(rc, err));
    }
    let text = unsafe { CStr::from_ptr(out) }.to_str().unwrap().to_owned();
    paytoken_string_free(out);
    Ok(serde_json::from_str(&text).expect("verification JSON"))
}

pub fn verify_payment(client: &Client, request: &Value) -> Result<Value, Failure> {
    let request = CString::new(request.to_string()).unwrap();
    let mut out: *mut c_char = ptr::null_mut();
    let mut err = blank_error();
    let rc = paytoken_verify_payment(client.raw(), request.as_ptr(), &mut out, &mut err);
    take_json(rc, out, &err)
}

pub fn verify_webhook(
    client: Option<&Client>,
    request: &Value,
    body: &[u8],
) -> Result<Value, Failure> {
    let request = CString::new(request.to_string()).unwrap();
    let mut out: *mut c_char = ptr::null_mut();
    let mut err = blank_error();
    let rc = paytoken_verify_webhook(
        client.map_or(ptr::null(), |c| c.raw()),
        request.as_ptr(),
        body.as_ptr(),
        body.len(),
        &mut out,
        &mut err,
    );
    take_json(rc, out, &err)
}

/// The reason codes of a verdict, in order.
pub fn reasons(verdict: &Value) -> Vec<String> {
    verdict["reasons"]
        .as_array()
        .expect("reasons")
        .iter()
        .map(|r| r["code"].as_str().unwrap().to_owned())
        .collect()
}

/// One webhook as it arrived: header names lower-cased, the body's exact bytes.
pub struct Received {
    pub headers: HashMap<String, String>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn headers_json(&self) -> Value {
        serde_json::to_value(&self.headers).unwrap()
    }
}

/// A loopback listener for webhooks: `next()` blocks until the simulator delivers one
/// (the delivery is the event the test waits on) and acknowledges it as `answer`.
pub struct Hook {
    listener: TcpListener,
}

impl Hook {
    pub fn start() -> Hook {
        Hook {
            listener: TcpListener::bind("127.0.0.1:0").unwrap(),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}/hook", self.listener.local_addr().unwrap())
    }

    pub fn next(&self, answer: &str) -> Received {
        self.receive(200, answer)
    }

    /// Receives one webhook and answers it with `status` (a 500 makes the simulator retry).
    pub fn next_with_status(&self, status: u16) -> Received {
        self.receive(status, "")
    }

    fn receive(&self, status: u16, answer: &str) -> Received {
        let (stream, _) = self.listener.accept().expect("a webhook arrives");
        // A bound on a broken simulator, not a synchronization: the accept above is the event.
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        let mut reader = BufReader::new(stream.try_clone().unwrap());
        let mut headers = HashMap::new();
        let mut line = String::new();
        reader.read_line(&mut line).unwrap();
        loop {
            line.clear();
            reader.read_line(&mut line).unwrap();
            let trimmed = line.trim_end_matches(['\r', '\n']);
            if trimmed.is_empty() {
                break;
            }
            let (name, value) = trimmed.split_once(':').unwrap();
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_owned());
        }
        let len: usize = headers["content-length"].parse().unwrap();
        let mut body = vec![0; len];
        reader.read_exact(&mut body).unwrap();
        let mut stream = stream;
        write!(
            stream,
            "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{answer}",
            answer.len()
        )
        .unwrap();
        Received { headers, body }
    }
}

/// `POST` to the simulator's admin API (`/__sim/...`), the answer as JSON.
pub fn admin_post(sim: &crate::common::Sim, path: &str, body: &Value) -> Value {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(true)
        .build()
        .new_agent();
    let text = agent
        .post(&format!("{}{path}", sim.url()))
        .header("content-type", "application/json")
        .send(body.to_string())
        .expect("admin call")
        .body_mut()
        .read_to_string()
        .unwrap();
    serde_json::from_str(&text).unwrap()
}

//! HTTP through one long-lived, pooled `ureq` agent per trust configuration.
//!
//! - No redirect is followed and 4xx/5xx come back as responses, not errors.
//! - Bodies are read up to `maxResponseBytes`; a larger one is `PAYTOKEN_E_GATEWAY`.
//! - After `fork()` the child gets fresh agents (an empty pool) and never touches the
//!   parent's sockets: the old agents are leaked, not dropped, so no TLS close_notify is
//!   ever written to a connection the parent still uses.
//! - ureq never resends a request; neither does this module.

use std::collections::HashMap;
use std::io;
use std::sync::atomic::Ordering;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use ureq::http;
use ureq::tls::{Certificate, RootCerts, TlsConfig};
use ureq::unversioned::transport::{Connector as _, DefaultConnector};
use ureq::Agent;

use crate::config::Config;
use crate::error::Error;
use crate::runtime::fork;
use crate::secrets::wipe::WipeOutput;
use crate::transport::proxy;
use crate::transport::resolver::CachingResolver;

/// What a request is for: decides how failures are worded (a business request that may
/// have reached the gateway has an unknown outcome; `reconcile` is the gateway's way to
/// learn it, from `gateway::reconcile_advice`: this module names no gateway).
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Token,
    Business { reconcile: &'static str },
}

/// The agents' lock, held across `fork()` (see `runtime/fork.rs`).
pub(crate) struct ForkGuard(MutexGuard<'static, Option<Agents>>);

pub(crate) fn fork_prepare() -> ForkGuard {
    ForkGuard(lock_agents())
}

impl ForkGuard {
    /// In the child: the parent's agents are leaked (dropping them could write to its
    /// sockets); the next request makes new ones (the generation moved on).
    pub fn child(mut self) {
        if let Some(old) = self.0.take() {
            std::mem::forget(old);
        }
    }
}

/// Idle connections kept, in all and per host: enough for `maxInFlight` up to 1024.
const IDLE_CONNECTIONS: usize = 1024;
/// Each connection's input and output buffer.
const BUFFER_BYTES: usize = 16 * 1024;
/// At most this much is reserved for a body before reading it (from its Content-Length).
const PRESIZE_MAX_BYTES: u64 = 64 * 1024;

pub struct HttpResponse {
    pub status: u16,
    /// Names lower-cased, in the order received; values as text (non-UTF-8 bytes replaced).
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl HttpResponse {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Agents by CA file (`None` = the built-in Mozilla roots), tagged with the fork
/// generation they were made in.
pub(crate) struct Agents {
    generation: u64,
    by_ca_file: HashMap<Option<String>, Agent>,
}

static AGENTS: Mutex<Option<Agents>> = Mutex::new(None);

fn lock_agents() -> MutexGuard<'static, Option<Agents>> {
    AGENTS.lock().unwrap_or_else(|p| p.into_inner())
}

fn agent_for(config: &Config) -> Result<Agent, Error> {
    let generation = fork::GENERATION.load(Ordering::Acquire);
    let mut slot = lock_agents();
    if slot.as_ref().map(|a| a.generation) != Some(generation) {
        if let Some(old) = slot.take() {
            // Made before a fork: its pooled sockets belong to the parent.
            std::mem::forget(old);
        }
        *slot = Some(Agents {
            generation,
            by_ca_file: HashMap::new(),
        });
    }
    let agents = slot.as_mut().expect("just set");
    if let Some(agent) = agents.by_ca_file.get(&config.ca_file) {
        return Ok(agent.clone());
    }
    let agent = new_agent(config.ca_file.as_deref())?;
    agents
        .by_ca_file
        .insert(config.ca_file.clone(), agent.clone());
    Ok(agent)
}

fn new_agent(ca_file: Option<&str>) -> Result<Agent, Error> {
    let mut tls = TlsConfig::builder();
    if let Some(path) = ca_file {
        tls = tls.root_certs(mozilla_roots_plus(path)?);
    }
    let config = Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .max_redirects_will_error(false)
        .tls_config(tls.build())
        .proxy(proxy::from_env())
        // A burst of calls in flight keeps its connections for the next one (ureq closes
        // an idle one after 15 s), as aiohttp, fetch and Java's HttpClient do: with only 16
        // kept, a burst of 1000 reopened 984 connections, overflowing the gateway's accept
        // queue (TCP retries a dropped SYN after 1 s). See bench/BENCHMARKS.analysis.md.
        .max_idle_connections(IDLE_CONNECTIONS)
        .max_idle_connections_per_host(IDLE_CONNECTIONS)
        // ureq's 128 KiB + 128 KiB per connection were zero-filled when the connection
        // opened: 256 KiB resident per call in flight. A response header must fit in the
        // input buffer (16 KiB: twice what a default nginx proxy passes through).
        .input_buffer_size(BUFFER_BYTES)
        .output_buffer_size(BUFFER_BYTES)
        .max_response_header_size(BUFFER_BYTES)
        .build();
    Ok(Agent::with_parts(
        config,
        DefaultConnector::new().chain(WipeOutput),
        CachingResolver::default(),
    ))
}

/// Checks a config's `caFile` now (readable, PEM, at least one certificate) and keeps the
/// agent built from it: `paytoken_client_new` calls this so a bad file is its error, not
/// the first request's.
pub fn prepare(config: &Config) -> Result<(), Error> {
    match config.ca_file {
        Some(_) => agent_for(config).map(drop),
        None => Ok(()),
    }
}

/// The built-in Mozilla roots plus every certificate of the `caFile` bundle: ureq takes a
/// single root set, so both go into it (a TLS-inspecting proxy's CA is added, never
/// substituted for the public roots).
fn mozilla_roots_plus(path: &str) -> Result<RootCerts, Error> {
    let extra = load_ca_file(path)?;
    let mozilla = webpki_root_certs::TLS_SERVER_ROOT_CERTS
        .iter()
        .map(|der| Certificate::from_der(der.as_ref()).to_owned());
    Ok(RootCerts::from(mozilla.chain(extra)))
}

fn load_ca_file(path: &str) -> Result<Vec<Certificate<'static>>, Error> {
    let pem = std::fs::read(path)
        .map_err(|e| Error::invalid(format!("config key \"caFile\": cannot read {path}: {e}")))?;
    let mut certs = Vec::new();
    for item in ureq::tls::parse_pem(&pem) {
        match item {
            Ok(ureq::tls::PemItem::Certificate(c)) => certs.push(c),
            Ok(_) => {}
            Err(_) => {
                return Err(Error::invalid(format!(
                    "config key \"caFile\": {path} is not a valid PEM bundle"
                )))
            }
        }
    }
    if certs.is_empty() {
        return Err(Error::invalid(format!(
            "config key \"caFile\": {path} holds no certificate"
        )));
    }
    Ok(certs)
}

/// Sends one request to the configured origin and reads the whole answer, within
/// `timeout` (the step's share of the call's deadline; see `call::run`).
pub fn send_within(
    config: &Config,
    timeout: Duration,
    purpose: Purpose,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> Result<HttpResponse, Error> {
    let url = config.origin.url(path);
    let mut builder = http::Request::builder()
        .method(method)
        .uri(&url)
        .header("user-agent", &config.user_agent);
    for (name, value) in headers {
        builder = builder.header(*name, *value);
    }
    if purpose == Purpose::Token {
        // The token answer would stay in a pooled connection's input buffer: close it, so
        // that it is dropped (and wiped) once read. One token request per token lifetime.
        builder = builder.header("connection", "close");
    }
    let agent = agent_for(config)?;
    let what = describe(config, purpose);
    // A GET carries no body and, as curl and browsers send it, no `content-length: 0`.
    let response = if body.is_empty() && method == "GET" {
        agent.run(configured(&agent, config, timeout, builder.body(()))?)
    } else {
        agent.run(configured(&agent, config, timeout, builder.body(body))?)
    }
    .map_err(|e| map_error(e, config, timeout, purpose, &what))?;

    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(n, v)| {
            // One byte of room: the C response appends a NUL to each value (CString)
            // without moving it.
            let text = String::from_utf8_lossy(v.as_bytes());
            let mut value = String::with_capacity(text.len() + 1);
            value.push_str(&text);
            (n.as_str().to_owned(), value)
        })
        .collect();
    let limit = config.max_response_bytes;
    // Sized once from Content-Length (bounded, whatever a gateway declares), with room
    // for the NUL the C response appends: no growth and no probe reads on the way.
    let declared = response
        .headers()
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .unwrap_or(0)
        .min(limit)
        .min(PRESIZE_MAX_BYTES) as usize;
    let mut body = Vec::with_capacity(declared + 1);
    io::Read::read_to_end(
        &mut response.into_body().with_config().limit(limit).reader(),
        &mut body,
    )
    .map_err(ureq::Error::from)
    .map_err(|e| match e {
        ureq::Error::BodyExceedsLimit(_) => Error::gateway(format!(
            "{what}: the answer is larger than maxResponseBytes ({limit} bytes)"
        ))
        .with_http_status(status),
        other => map_error(other, config, timeout, purpose, &what).with_http_status(status),
    })?;
    Ok(HttpResponse {
        status,
        headers,
        body,
    })
}

/// The request with this call's deadline, connect timeout and proxy choice.
fn configured<B: ureq::AsSendBody>(
    agent: &Agent,
    config: &Config,
    timeout: Duration,
    request: Result<http::Request<B>, http::Error>,
) -> Result<http::Request<B>, Error> {
    let request = request.map_err(|e| Error::invalid(format!("cannot build the request: {e}")))?;
    let mut request = agent
        .configure_request(request)
        .timeout_connect(Some(config.connect_timeout))
        .timeout_global(Some(timeout))
        .allow_non_standard_methods(true);
    if proxy::bypass(&config.origin) {
        // A token for this machine (the simulator, a local stub) never goes through a
        // proxy; neither does one for a host NO_PROXY names.
        request = request.proxy(None);
    }
    Ok(request.build())
}

fn describe(config: &Config, purpose: Purpose) -> String {
    match purpose {
        Purpose::Token => format!("{} token request", config.gateway.display()),
        Purpose::Business { .. } => format!("{} request", config.gateway.display()),
    }
}

fn map_error(
    e: ureq::Error,
    config: &Config,
    timeout: Duration,
    purpose: Purpose,
    what: &str,
) -> Error {
    let unknown = match purpose {
        Purpose::Business { reconcile } => format!(
            "; the request may have reached the gateway, so its outcome is unknown (reconcile: {reconcile})"
        ),
        Purpose::Token => String::new(),
    };
    let unknown = unknown.as_str();
    let origin = config.origin.as_str();
    match e {
        ureq::Error::Timeout(t) => Error::timeout(format!(
            "{what} to {origin} timed out ({t}; connect {} ms, whole request {} ms){unknown}",
            config.connect_timeout.as_millis(),
            timeout.as_millis()
        )),
        ureq::Error::HostNotFound => {
            Error::network(format!("{what}: cannot resolve the host of {origin}"))
        }
        ureq::Error::ConnectionFailed => {
            Error::network(format!("{what}: cannot connect to {origin}"))
        }
        ureq::Error::Io(io) => map_io(io, what, origin, unknown),
        ureq::Error::Tls(msg) => Error::tls(format!("{what} to {origin}: TLS failed: {msg}")),
        ureq::Error::Rustls(err) => Error::tls(format!("{what} to {origin}: TLS failed: {err}")),
        ureq::Error::Pem(_) => Error::tls(format!("{what}: cannot read certificates")),
        ureq::Error::Protocol(p) => Error::gateway(format!(
            "{what}: {origin} answered with something that is not valid HTTP ({p})"
        )),
        ureq::Error::LargeResponseHeader(_, _) => {
            Error::gateway(format!("{what}: the answer's headers are too large"))
        }
        ureq::Error::BodyStalled => {
            Error::timeout(format!("{what} to {origin}: the answer stalled{unknown}"))
        }
        ureq::Error::ConnectProxyFailed(m) => {
            Error::network(format!("{what}: the proxy refused the connection ({m})"))
        }
        ureq::Error::InvalidProxyUrl => {
            Error::invalid("the proxy URL in the environment (HTTPS_PROXY/ALL_PROXY) is invalid")
        }
        ureq::Error::BadUri(_) | ureq::Error::Http(_) => {
            Error::invalid(format!("{what}: invalid request URL or header"))
        }
        other => Error::network(format!("{what} to {origin} failed: {other}{unknown}")),
    }
}

fn map_io(io: io::Error, what: &str, origin: &str, unknown: &str) -> Error {
    use io::ErrorKind::*;
    // ureq passes rustls failures (bad certificate, not TLS at all) up as io errors.
    if let Some(tls) = io
        .get_ref()
        .and_then(|inner| inner.downcast_ref::<rustls::Error>())
    {
        return Error::tls(format!("{what} to {origin}: TLS failed: {tls}"));
    }
    match io.kind() {
        TimedOut | WouldBlock => Error::timeout(format!("{what} to {origin} timed out{unknown}")),
        ConnectionRefused => Error::network(format!("{what}: connection to {origin} refused")),
        ConnectionReset | ConnectionAborted | UnexpectedEof | BrokenPipe => Error::network(
            format!("{what}: {origin} closed the connection before a full answer{unknown}"),
        ),
        _ => Error::network(format!("{what} to {origin} failed: {io}{unknown}")),
    }
}

/// The deadline after which nobody should still wait for this client's token fetch.
pub fn fetch_budget(config: &Config) -> Duration {
    config.connect_timeout + config.timeout + Duration::from_millis(250)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEM: &str = "-----BEGIN CERTIFICATE-----\nMIIBazCCARGgAwIBAgIUB6eJ0SleU7yKDU8zOQvwC8kpW8AwCgYIKoZIzj0EAwIw\n-----END CERTIFICATE-----\n";

    #[test]
    fn ca_file_adds_to_the_mozilla_roots() {
        let dir = std::env::temp_dir().join(format!("paytoken-roots-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("one.pem");
        std::fs::write(&path, PEM).unwrap();
        let roots = mozilla_roots_plus(path.to_str().unwrap());
        std::fs::remove_dir_all(&dir).unwrap();
        let Ok(RootCerts::Specific(certs)) = roots else {
            panic!("a specific root set");
        };
        let mozilla = webpki_root_certs::TLS_SERVER_ROOT_CERTS.len();
        assert!(mozilla > 100, "the Mozilla set is there");
        assert_eq!(certs.len(), mozilla + 1);
    }

    #[test]
    fn an_unreadable_ca_file_is_an_invalid_argument() {
        let e = load_ca_file("/nonexistent/paytoken.pem").unwrap_err();
        assert_eq!(e.status, crate::error::Status::InvalidArgument);
        assert!(e.message.contains("caFile"), "{}", e.message);
    }
}

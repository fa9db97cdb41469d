//! `paytoken-sim`: the token and business endpoints of NICEPAY, PortOne V1 and PortOne V2
//! on a loopback port, with an admin API for tests (`/__sim/...`). See `README.md`.
//!
//! Used as a binary (`src/main.rs`) and in-process by paytoken's Rust tests:
//!
//! ```no_run
//! let sim = paytoken_sim::Simulator::start(paytoken_sim::SimConfig::default()).unwrap();
//! println!("{}", sim.url()); // http://127.0.0.1:PORT; stops when `sim` is dropped
//! ```

// serde_json's json! of PortOne V1's payment object (50 fields) nests deeper than 128.
#![recursion_limit = "256"]

mod admin;
mod admin_payments;
mod body;
mod clock;
mod exchange;
mod faults;
mod holds;
mod idempotency;
mod nicepay;
mod nicepay_payments;
mod payment_spec;
mod payments;
mod portone_v1;
mod portone_v1_payments;
mod portone_v2;
mod portone_v2_list;
mod portone_v2_payments;
pub mod served;
mod server;
mod stale_tokens;
mod state;
mod tls;
mod webhook_order;
mod webhook_sender;
mod webhooks;

use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use clock::NicepayTimeFormat;
use server::Shared;
use state::{Credentials, Settings, State};

/// How the simulator starts; `Default` gives the README's defaults.
#[derive(Clone, Debug)]
pub struct SimConfig {
    /// `127.0.0.1`, `::1` or `localhost`: loopback only.
    pub host: String,
    /// 0 = any free port.
    pub port: u16,
    pub nicepay_client_key: String,
    pub nicepay_secret_key: String,
    pub imp_key: String,
    pub imp_secret: String,
    pub api_secret: String,
    pub token_ttl_secs: u64,
    /// The gateway's clock = real time + this.
    pub clock_offset_secs: i64,
    /// Added before every gateway answer.
    pub delay_ms: u64,
    /// Serve HTTPS with a self-signed certificate made at start (see
    /// [`Simulator::certificate_pem`]) instead of plain HTTP.
    pub tls: bool,
    /// A network round trip to model a distant gateway: every new connection waits it
    /// once for the TCP handshake and, with `tls`, once more for the TLS 1.3 handshake;
    /// every gateway answer waits it too (on top of `delay_ms`).
    pub rtt_ms: u64,
    /// Any looked-up id exists as a paid payment: for testing a client's transport and
    /// auth only. Lookups and cancels of ids the admin API never created answer as for
    /// a paid payment of 1004 (not stored, so cancels never change it), unknown
    /// endpoints answer 200 `{}`, and business answers carry the request's `echo`.
    /// Off by default: the simulator then answers like the real gateways (404s, state).
    pub implicit_payments: bool,
}

impl Default for SimConfig {
    fn default() -> Self {
        SimConfig {
            host: "127.0.0.1".into(),
            port: 0,
            nicepay_client_key: "S2_sim_client_key".into(),
            nicepay_secret_key: "sim_nicepay_secret_key".into(),
            imp_key: "sim_imp_key".into(),
            imp_secret: "sim_imp_secret".into(),
            api_secret: "sim_portone_v2_api_secret".into(),
            token_ttl_secs: 1800,
            clock_offset_secs: 0,
            delay_ms: 0,
            tls: false,
            rtt_ms: 0,
            implicit_payments: false,
        }
    }
}

/// A running simulator. Dropping it stops it: the port and its threads are freed
/// before `drop` returns.
pub struct Simulator {
    addr: SocketAddr,
    /// PEM of the self-signed certificate in TLS mode.
    certificate_pem: Option<String>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

/// Loopback addresses only: the simulator must never be reachable from the network.
fn loopback_address(host: &str) -> io::Result<IpAddr> {
    match host {
        "127.0.0.1" | "localhost" => Ok(IpAddr::V4(Ipv4Addr::LOCALHOST)),
        "::1" | "[::1]" => Ok(IpAddr::V6(Ipv6Addr::LOCALHOST)),
        other => Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("host {other:?} is not loopback: use 127.0.0.1, ::1 or localhost"),
        )),
    }
}

impl Simulator {
    /// Binds, starts serving on its own thread(s) with its own tokio runtime, and
    /// returns once it accepts connections.
    /// With `PAYTOKEN_SIM_LOG=1` in the environment it logs one line per request to stderr.
    pub fn start(config: SimConfig) -> io::Result<Simulator> {
        let ip = loopback_address(&config.host)?;
        // Bound and listening before `start` returns: connections queue from here on.
        let listener = std::net::TcpListener::bind(SocketAddr::new(ip, config.port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("paytoken-sim-worker")
            .enable_io()
            .enable_time()
            .build()?;
        let tls = if config.tls {
            Some(tls::self_signed()?)
        } else {
            None
        };
        let certificate_pem = tls.as_ref().map(|t| t.certificate_pem.clone());
        let shared = Arc::new(Shared {
            creds: Credentials {
                nicepay_client_key: config.nicepay_client_key,
                nicepay_secret_key: config.nicepay_secret_key,
                imp_key: config.imp_key,
                imp_secret: config.imp_secret,
                api_secret: config.api_secret,
            },
            state: Mutex::new(State::new(Settings {
                token_ttl_secs: config.token_ttl_secs,
                clock_offset_secs: config.clock_offset_secs,
                delay_ms: config.delay_ms,
                nicepay_expiry_field: "expireAt",
                nicepay_time_format: NicepayTimeFormat::Compact,
                implicit_payments: config.implicit_payments,
                webhook_retry_delays_ms: webhooks::DEFAULT_RETRY_DELAYS_MS.to_vec(),
                webhook_timeout_ms: webhooks::DEFAULT_TIMEOUT_MS,
                idempotency_ttl_secs: idempotency::DEFAULT_TTL_SECS,
            })),
            verbose: std::env::var_os("PAYTOKEN_SIM_LOG").is_some_and(|v| v == "1"),
            tls: tls.map(|t| t.acceptor),
            rtt: Duration::from_millis(config.rtt_ms),
        });
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let thread = std::thread::Builder::new()
            .name("paytoken-sim".into())
            .spawn(move || {
                runtime.block_on(async move {
                    match tokio::net::TcpListener::from_std(listener) {
                        Ok(listener) => {
                            tokio::select! {
                                _ = server::serve(listener, shared) => {}
                                _ = stopped => {}
                            }
                        }
                        Err(e) => eprintln!("paytoken-sim: cannot serve: {e}"),
                    }
                });
                // Drops every connection task, hung ones included.
                runtime.shutdown_timeout(Duration::from_secs(2));
            })?;
        Ok(Simulator {
            addr,
            certificate_pem,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// `http://127.0.0.1:PORT` (or `http://[::1]:PORT`; `https://` in TLS mode).
    pub fn url(&self) -> String {
        let scheme = if self.certificate_pem.is_some() {
            "https"
        } else {
            "http"
        };
        format!("{scheme}://{}", self.addr)
    }

    /// In TLS mode, the PEM of the simulator's self-signed certificate: the one root a
    /// client must trust to reach it (e.g. paytoken's `caFile`). `None` for plain HTTP.
    pub fn certificate_pem(&self) -> Option<&str> {
        self.certificate_pem.as_deref()
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }
}

impl Drop for Simulator {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

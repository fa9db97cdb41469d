//! `cargo bench --bench gateway -- [request] [realworld] [stampede]` (all three by default):
//! paytoken's request path against a bare `ureq` agent, the official V1 clients' pattern
//! against paytoken over TLS to a distant (simulated) gateway, and a cold-cache stampede.
//!
//! Run by `scripts/bench.sh`, which starts the simulators and reads the output: one JSON
//! line per measurement and run (`{"id","run","value","unit"}`), so that the report can
//! take medians and pair runs. Progress goes to stderr. Any failed call aborts the bench.
//!
//! Environment: `PAYTOKEN_SIM_URL` (plain HTTP simulator) for `request`;
//! `PAYTOKEN_TLS_SIM_URL` and `PAYTOKEN_TLS_SIM_CA` (its certificate) for `realworld`.
//! `stampede` starts its own simulators in-process. `BENCH_RUNS` overrides the run count.

use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

use paytoken::safe_api;
use serde_json::{json, Value};
use ureq::config::Config;
use ureq::http::Uri;
use ureq::tls::{PemItem, RootCerts, TlsConfig};
use ureq::unversioned::resolver::{DefaultResolver, ResolvedSocketAddrs, Resolver};
use ureq::unversioned::transport::{time, DefaultConnector, NextTimeout};
use ureq::Agent;

const IMP_KEY: &str = "sim_imp_key";
const IMP_SECRET: &str = "sim_imp_secret";
const API_PATH: &str = "/payments/imp_bench";

fn emit(id: &str, run: usize, value: f64, unit: &str) {
    println!(
        "{}",
        json!({"id": id, "run": run, "value": value, "unit": unit})
    );
}

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("set {name} (scripts/bench.sh does)"))
}

fn runs(default: usize) -> usize {
    std::env::var("BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(default)
}

/// A paytoken client through the C ABI (`paytoken::safe_api`), panicking with the
/// library's message on failure.
struct Client(safe_api::Client);

fn must<T>(result: Result<T, safe_api::Failure>, what: &str) -> T {
    result.unwrap_or_else(|f| panic!("{what} failed: {f}"))
}

impl Client {
    fn new(config: Value) -> Client {
        Client(must(
            safe_api::Client::new(&config.to_string()),
            "paytoken_client_new",
        ))
    }

    fn portone_v1(base_url: &str, extra: Value) -> Client {
        let mut config = json!({"gateway": "portone-v1", "impKey": IMP_KEY, "impSecret": IMP_SECRET, "baseUrl": base_url});
        config
            .as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        Client::new(config)
    }

    fn token(&self) -> String {
        must(self.0.token(), "paytoken_get_token").text()
    }

    fn invalidate(&self) {
        must(self.0.invalidate(None), "paytoken_invalidate");
    }

    /// An authorized GET (`paytoken_request_ex` without options, which is what
    /// `paytoken_request` calls); returns the body length (read, as a shop would).
    fn get(&self, path: &str) -> usize {
        let response = must(
            self.0.request("GET", path, None, &[], None),
            "paytoken_request_ex",
        );
        let status = response.status();
        assert!(status == 200, "GET answered {status}");
        response.body().len()
    }

    fn token_fetches(&self) -> u64 {
        must(self.0.stats(), "paytoken_client_stats")["tokenFetches"]
            .as_u64()
            .unwrap()
    }
}

/// A ureq agent configured like the one a hand-written Rust client would use.
fn agent(ca_pem: Option<&[u8]>) -> Agent {
    let mut tls = TlsConfig::builder();
    if let Some(pem) = ca_pem {
        let certs: Vec<_> = ureq::tls::parse_pem(pem)
            .filter_map(|item| match item.expect("PEM") {
                PemItem::Certificate(c) => Some(c),
                _ => None,
            })
            .collect();
        tls = tls.root_certs(RootCerts::new_with_certs(&certs));
    }
    Agent::config_builder()
        .tls_config(tls.build())
        .build()
        .into()
}

fn bare_get(agent: &Agent, url: &str, authorization: &str) -> usize {
    let mut response = agent
        .get(url)
        .header("Authorization", authorization)
        .call()
        .expect("bare ureq GET");
    assert_eq!(response.status(), 200);
    response.body_mut().read_to_vec().expect("body").len()
}

/// The same GET with the per-request deadlines paytoken sets (its defaults: 5 s connect,
/// 30 s in all). With a deadline, ureq 3.5's default resolver resolves the host on a new
/// thread for every request, pooled connection or not.
fn timed_get(agent: &Agent, url: &str, authorization: &str) -> usize {
    let request = agent
        .get(url)
        .header("Authorization", authorization)
        .config()
        .timeout_connect(Some(Duration::from_secs(5)))
        .timeout_global(Some(Duration::from_secs(30)))
        .build();
    let mut response = request.call().expect("ureq GET with deadlines");
    assert_eq!(response.status(), 200);
    response.body_mut().read_to_vec().expect("body").len()
}

/// ureq's default resolver, without its thread: how deadlines stop costing a thread per
/// request (the core's `src/resolver.rs` does this, and caches host names). Kept beside
/// the default-resolver row so the table shows what that thread costs.
#[derive(Debug, Default)]
struct InlineResolver(DefaultResolver);

impl Resolver for InlineResolver {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        self.0.resolve(
            uri,
            config,
            NextTimeout {
                after: time::Duration::NotHappening,
                ..timeout
            },
        )
    }
}

/// paytoken_request against the same GET made with a bare, kept-alive ureq agent and the
/// same token: the difference is paytoken's own work (cache lookup, C strings, copies).
/// The two alternate in small blocks so that drift on a shared machine hits both alike.
fn request_overhead() {
    let base_url = env("PAYTOKEN_SIM_URL");
    let client = Client::portone_v1(&base_url, json!({}));
    let authorization = format!("Bearer {}", client.token());
    let bare = agent(None);
    let inline = Agent::with_parts(
        Agent::config_builder().build(),
        DefaultConnector::new(),
        InlineResolver::default(),
    );
    let url = format!("{base_url}{API_PATH}");
    let path = API_PATH;
    type Call<'a> = Box<dyn Fn() -> usize + 'a>;
    let variants: [(&str, Call); 4] = [
        ("rust.request.paytoken", Box::new(|| client.get(path))),
        (
            "rust.request.ureq",
            Box::new(|| bare_get(&bare, &url, &authorization)),
        ),
        (
            "rust.request.ureq_deadlines",
            Box::new(|| timed_get(&bare, &url, &authorization)),
        ),
        (
            "rust.request.ureq_deadlines_inline_resolver",
            Box::new(|| timed_get(&inline, &url, &authorization)),
        ),
    ];
    for _ in 0..200 {
        variants.iter().for_each(|(_, call)| assert!(call() > 0));
    }
    const BLOCK: u32 = 50;
    const BLOCKS: usize = 20;
    for run in 0..runs(7) {
        let mut spent = [Duration::ZERO; 4];
        for block in 0..BLOCKS {
            // Rotate who goes first, so drift on a shared machine hits every variant alike.
            for k in 0..variants.len() {
                let i = (block + k) % variants.len();
                let started = Instant::now();
                (0..BLOCK).for_each(|_| assert!(variants[i].1() > 0));
                spent[i] += started.elapsed();
            }
        }
        let calls = f64::from(BLOCK) * BLOCKS as f64;
        let mut line = format!("  request run {run}:");
        for ((id, _), spent) in variants.iter().zip(spent) {
            let ns = spent.as_nanos() as f64 / calls;
            emit(id, run, ns, "ns");
            line.push_str(&format!(
                " {}={:.1}us",
                id.trim_start_matches("rust.request."),
                ns / 1e3
            ));
        }
        eprintln!("{line}");
    }
}

/// What the official PortOne V1 clients do for every API call: a new connection (TLS
/// handshake included) to ask for a token, then another new connection for the call.
fn official_client_call(base_url: &str, ca_pem: &[u8]) -> usize {
    let token_agent = agent(Some(ca_pem));
    let mut answer = token_agent
        .post(format!("{base_url}/users/getToken"))
        .header("Content-Type", "application/json")
        .send(json!({"imp_key": IMP_KEY, "imp_secret": IMP_SECRET}).to_string())
        .expect("getToken");
    let answer: Value =
        serde_json::from_slice(&answer.body_mut().read_to_vec().unwrap()).expect("getToken JSON");
    let token = answer["response"]["access_token"]
        .as_str()
        .expect("a token")
        .to_owned();
    bare_get(
        &agent(Some(ca_pem)),
        &format!("{base_url}{API_PATH}"),
        &token,
    )
}

/// 100 sequential authorized calls over TLS to a gateway one `--rtt-ms` away: the
/// official clients' pattern against paytoken. Each paytoken run starts cold: its cache
/// is invalidated (one token fetch) and its CA file is a fresh copy, which gives it a
/// fresh connection pool (one TLS handshake), as a newly started worker would have.
fn real_world() {
    let base_url = env("PAYTOKEN_TLS_SIM_URL");
    let ca_file = env("PAYTOKEN_TLS_SIM_CA");
    let ca_pem = std::fs::read(&ca_file).expect("the simulator's certificate");
    const CALLS: usize = 100;
    let path = API_PATH;
    for run in 0..runs(5) {
        let started = Instant::now();
        for _ in 0..CALLS {
            assert!(official_client_call(&base_url, &ca_pem) > 0);
        }
        let official = started.elapsed();

        let fresh_ca = format!("{ca_file}.run{run}.pem");
        std::fs::copy(&ca_file, &fresh_ca).unwrap();
        let client = Client::portone_v1(&base_url, json!({"caFile": fresh_ca}));
        client.invalidate();
        let fetches_before = client.token_fetches();
        let started = Instant::now();
        for _ in 0..CALLS {
            assert!(client.get(path) > 0);
        }
        let ours = started.elapsed();
        assert_eq!(
            client.token_fetches() - fetches_before,
            1,
            "one token fetch per paytoken run"
        );
        std::fs::remove_file(&fresh_ca).unwrap();

        emit(
            "rust.realworld.official",
            run,
            official.as_nanos() as f64,
            "ns",
        );
        emit("rust.realworld.paytoken", run, ours.as_nanos() as f64, "ns");
        eprintln!("  real world run {run}: official pattern {official:?}, paytoken {ours:?} for {CALLS} calls");
    }
}

/// 64 threads ask a cold cache for a token while the token endpoint takes 200 ms: one
/// token request must be made, and every thread served when it lands.
fn stampede() {
    const THREADS: usize = 64;
    const TOKEN_DELAY_MS: u64 = 200;
    for run in 0..runs(5) {
        // A new simulator is a new origin: a cold cache entry.
        let sim = paytoken_sim::Simulator::start(paytoken_sim::SimConfig {
            implicit_payments: true,
            ..paytoken_sim::SimConfig::default()
        })
        .unwrap();
        let admin = agent(None);
        let fault = json!({"gateway": "portone-v1", "endpoint": "token", "kind": "delay", "delayMs": TOKEN_DELAY_MS, "count": 0});
        admin
            .post(format!("{}/__sim/fault", sim.url()))
            .send(fault.to_string())
            .expect("fault");
        let client = Arc::new(Client::portone_v1(&sim.url(), json!({})));
        let barrier = Arc::new(Barrier::new(THREADS + 1));
        let threads: Vec<_> = (0..THREADS)
            .map(|_| {
                let (client, barrier) = (Arc::clone(&client), Arc::clone(&barrier));
                std::thread::spawn(move || {
                    barrier.wait();
                    let token = client.token();
                    (token, Instant::now())
                })
            })
            .collect();
        barrier.wait();
        let started = Instant::now();
        let served: Vec<(String, Instant)> = threads
            .into_iter()
            .map(|t| t.join().expect("a thread failed"))
            .collect();
        let all_served = served.iter().map(|(_, at)| *at).max().unwrap() - started;
        assert!(
            served.iter().all(|(t, _)| *t == served[0].0),
            "every thread got the same token"
        );
        let mut stats = admin
            .get(format!("{}/__sim/stats", sim.url()))
            .call()
            .expect("stats");
        let stats: Value =
            serde_json::from_slice(&stats.body_mut().read_to_vec().unwrap()).unwrap();
        let requests = stats["tokenRequests"]["portone-v1"].as_u64().unwrap();
        emit(
            "rust.stampede.token_requests",
            run,
            requests as f64,
            "count",
        );
        emit(
            "rust.stampede.all_served",
            run,
            all_served.as_nanos() as f64,
            "ns",
        );
        eprintln!("  stampede run {run}: {requests} token request(s), all {THREADS} served after {all_served:?}");
    }
}

fn main() {
    // `cargo bench` passes `--bench`; anything else names a part to run.
    let parts: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    let wanted = |name: &str| parts.is_empty() || parts.iter().any(|p| p == name);
    if wanted("request") {
        eprintln!("rust: paytoken_request vs bare ureq (keep-alive GET, loopback)");
        request_overhead();
    }
    if wanted("realworld") {
        eprintln!("rust: 100 calls over TLS to a distant gateway: official V1 pattern vs paytoken");
        real_world();
    }
    if wanted("stampede") {
        eprintln!("rust: stampede, 64 threads on a cold cache, 200 ms token endpoint");
        stampede();
    }
}

//! The HTTP side: accept loop, routing, the 1 MiB request-body cap, global delay, faults,
//! and stamping every answer with a `Date` in the gateway's clock.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use bytes::Bytes;
use bytes::BytesMut;
use http_body_util::BodyExt;
use hyper::body::Incoming;
use hyper::header::{CONTENT_LENGTH, CONTENT_TYPE, DATE};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{HeaderMap, Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::json;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use crate::body::{BoxError, SimBody};
use crate::clock::http_date;
use crate::exchange::{random_bytes, Answer, Req};
use crate::faults::{self, FaultKind};
use crate::holds::Held;
use crate::idempotency::Recorded;
use crate::state::{Credentials, Endpoint, Gateway, State};
use crate::{admin, nicepay, portone_v1, portone_v2, webhook_sender};

/// Request bodies above this are refused with 413 (gateway bodies are a few hundred bytes).
const MAX_REQUEST_BODY: usize = 1024 * 1024;
/// Beyond this an oversized request is not even drained: the connection is dropped.
const DRAIN_LIMIT: usize = 64 * 1024 * 1024;
/// A `hang` fault gives up after this long even if the client never does.
const HANG_LIMIT: Duration = Duration::from_secs(3600);

pub struct Shared {
    pub creds: Credentials,
    pub state: Mutex<State>,
    /// Log one line per request to stderr.
    pub verbose: bool,
    /// TLS mode: every connection is a TLS handshake first.
    pub tls: Option<TlsAcceptor>,
    /// The modelled network round trip (`SimConfig::rtt_ms`).
    pub rtt: Duration,
}

impl Shared {
    pub fn lock(&self) -> MutexGuard<'_, State> {
        // Nothing panics while holding the lock, but never let a poisoned lock take the
        // whole simulator down.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

/// The error a service returns to make hyper drop the connection without an answer.
#[derive(Debug)]
struct CloseConnection;

impl std::fmt::Display for CloseConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection closed on purpose (fault)")
    }
}

impl std::error::Error for CloseConnection {}

#[derive(Clone, Copy)]
enum Route {
    Admin,
    Gateway(Gateway, Endpoint),
}

/// Token endpoints by path; `/v1/...` is NICEPAY; any other path is PortOne, V2 when
/// the `Authorization` header is `PortOne ...` or carries a JWT, else V1.
fn route(path: &str, headers: &HeaderMap) -> Route {
    match path {
        p if p == "/__sim" || p.starts_with("/__sim/") => Route::Admin,
        "/v1/access-token" => Route::Gateway(Gateway::Nicepay, Endpoint::Token),
        "/users/getToken" => Route::Gateway(Gateway::PortoneV1, Endpoint::Token),
        "/login/api-secret" => Route::Gateway(Gateway::PortoneV2, Endpoint::Token),
        p if p.starts_with("/v1/") => Route::Gateway(Gateway::Nicepay, Endpoint::Api),
        _ => {
            let auth = headers
                .get("authorization")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .trim();
            let (scheme, credential) = auth.split_once(' ').unwrap_or(("", auth));
            let v2 = scheme.eq_ignore_ascii_case("portone")
                || portone_v2::looks_like_jwt(credential.trim());
            Route::Gateway(
                if v2 {
                    Gateway::PortoneV2
                } else {
                    Gateway::PortoneV1
                },
                Endpoint::Api,
            )
        }
    }
}

pub async fn serve(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            Err(e) => {
                // Out of file descriptors and the like: wait instead of spinning.
                eprintln!("paytoken-sim: accept failed: {e}");
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let shared = Arc::clone(&shared);
        tokio::spawn(async move {
            // The handshakes a distant gateway costs: TCP, then TLS 1.3 (one round trip
            // each). Loopback completes them at once, so the first answer waits instead.
            let handshakes = if shared.tls.is_some() { 2 } else { 1 };
            if !shared.rtt.is_zero() {
                tokio::time::sleep(shared.rtt * handshakes).await;
            }
            match shared.tls.clone() {
                None => serve_connection(stream, shared).await,
                Some(acceptor) => match acceptor.accept(stream).await {
                    Ok(stream) => serve_connection(stream, shared).await,
                    Err(e) if shared.verbose => {
                        eprintln!("paytoken-sim: TLS handshake failed: {e}")
                    }
                    Err(_) => {}
                },
            }
        });
    }
}

async fn serve_connection<I>(io: I, shared: Arc<Shared>)
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let service = service_fn(move |req| handle(req, Arc::clone(&shared)));
    // Our own Date header (gateway clock) only: no real-clock one from hyper.
    let _ = http1::Builder::new()
        .auto_date_header(false)
        .serve_connection(TokioIo::new(io), service)
        .await;
}

async fn handle(
    request: Request<Incoming>,
    shared: Arc<Shared>,
) -> Result<Response<SimBody>, BoxError> {
    let (parts, body) = request.into_parts();
    let path = parts.uri.path().to_owned();
    let route = route(&path, &parts.headers);
    let bearer = bearer_token(&parts.headers);
    let user_agent = parts
        .headers
        .get(hyper::header::USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let request_line = shared
        .verbose
        .then(|| format!("{} {}", parts.method, parts.uri));
    if let Some(line) = &request_line {
        eprintln!("paytoken-sim: {line}");
    }
    // Counted and matched against faults before anything can fail.
    let (fault, held) = match route {
        Route::Admin => (None, None),
        Route::Gateway(gateway, endpoint) => {
            let mut st = shared.lock();
            match endpoint {
                Endpoint::Token => st.count_token_request(gateway),
                Endpoint::Api => st.count_api_request(gateway),
            }
            if let (Endpoint::Api, Some(token)) = (endpoint, &bearer) {
                st.stale_tokens
                    .used(gateway, &user_agent, token, std::time::Instant::now());
            }
            let fault = st.take_fault(gateway, endpoint);
            // Held from its arrival, under the same lock as its count: a test that saw
            // the count go up and then releases cannot miss this request.
            let held = matches!(fault, Some(FaultKind::Hold(_))).then(|| st.holds.hold());
            (fault, held)
        }
    };
    let gateway = match route {
        Route::Admin => None,
        Route::Gateway(gateway, _) => Some(gateway),
    };
    let Some(body) = read_capped(body).await? else {
        let message = format!("request body larger than {MAX_REQUEST_BODY} bytes");
        return Ok(finish(
            &shared,
            gateway,
            Answer::json(413, &json!({"error": message})),
        ));
    };
    let req = Req {
        method: parts.method.as_str().to_owned(),
        path,
        query: parts.uri.query().unwrap_or("").to_owned(),
        headers: parts.headers,
        body,
    };
    let answer = match route {
        Route::Admin => {
            let answer = admin::handle(&mut shared.lock(), &req.method, &req.path, &req.body);
            webhook_sender::dispatch(&shared);
            answer
        }
        Route::Gateway(gateway, endpoint) => {
            // Its own task: a gateway does not stop processing a request because the
            // client went away (hyper drops this future then, not the task).
            let task = tokio::spawn(gateway_request(
                Arc::clone(&shared),
                gateway,
                endpoint,
                req,
                fault,
                held,
            ));
            task.await??
        }
    };
    if let (401, Some(gateway), Some(token)) = (answer.status, gateway, &bearer) {
        shared
            .lock()
            .stale_tokens
            .rejected(gateway, &user_agent, token, std::time::Instant::now());
    }
    // A request refused with 401 was not processed, so a client may resend it with a
    // fresh token: the log says which (the soak tells such resends from unsafe ones).
    if let (401, Some(line)) = (answer.status, &request_line) {
        eprintln!("paytoken-sim: answered 401 to {line}");
    }
    Ok(finish(&shared, gateway, answer))
}

/// The credential of an `Authorization: Bearer ...` header (for `staleTokenUses`).
fn bearer_token(headers: &hyper::HeaderMap) -> Option<String> {
    let value = headers
        .get(hyper::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

/// What happens after the gateway processed a request (unknown-outcome faults).
enum After {
    Hang,
    Close,
}

/// A gateway request after its body was read: idempotency, delays, faults, the answer.
async fn gateway_request(
    shared: Arc<Shared>,
    gateway: Gateway,
    endpoint: Endpoint,
    req: Req,
    fault: Option<FaultKind>,
    held: Option<Held>,
) -> Result<Answer, BoxError> {
    let delay_ms = {
        let mut st = shared.lock();
        if endpoint == Endpoint::Api {
            st.last_request = Some(req.record(gateway.name()));
        }
        st.settings.delay_ms
    };
    let key = match portone_v2::idempotency_key(&shared, gateway, endpoint, &req) {
        Ok(key) => key,
        Err(answer) => return Ok(*answer),
    };
    let delay_ms = delay_ms + shared.rtt.as_millis() as u64;
    if delay_ms > 0 {
        tokio::time::sleep(Duration::from_millis(delay_ms)).await;
    }
    if let Some(held) = held {
        held.released().await;
    }
    let outcome = act(&shared, gateway, endpoint, &req, fault).await;
    if let Some(key) = &key {
        let mut st = shared.lock();
        match &outcome {
            Ok((answer, _)) => match answer.full_bytes() {
                Some(body) => st.idempotency.finish(
                    key,
                    Recorded {
                        status: answer.status,
                        content_type: answer.content_type,
                        body,
                    },
                ),
                None => st.idempotency.abandon(key),
            },
            Err(_) => st.idempotency.abandon(key),
        }
    }
    // Before any hang: the gateway acted, so its webhooks go out.
    webhook_sender::dispatch(&shared);
    match outcome? {
        (answer, None) => Ok(answer),
        (_, Some(After::Hang)) => {
            tokio::time::sleep(HANG_LIMIT).await;
            Err(CloseConnection.into())
        }
        (_, Some(After::Close)) => Err(CloseConnection.into()),
    }
}

/// The request body, or `None` when it is over `MAX_REQUEST_BODY`. The excess is read and
/// discarded (up to `DRAIN_LIMIT`) so the client, still sending, gets the 413 instead of
/// a connection reset. `Err` when the client went away mid-body.
async fn read_capped(mut body: Incoming) -> Result<Option<Bytes>, BoxError> {
    let mut kept = BytesMut::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame?.into_data() else {
            continue;
        };
        seen = seen.saturating_add(data.len());
        if seen <= MAX_REQUEST_BODY {
            kept.extend_from_slice(&data);
        } else if seen > DRAIN_LIMIT {
            break;
        }
    }
    Ok((seen <= MAX_REQUEST_BODY).then(|| kept.freeze()))
}

/// The gateway's answer, as bent by the fault (if any) that applies to this request.
async fn act(
    shared: &Shared,
    gateway: Gateway,
    endpoint: Endpoint,
    req: &Req,
    fault: Option<FaultKind>,
) -> Result<(Answer, Option<After>), BoxError> {
    let malformed = match gateway {
        Gateway::Nicepay => nicepay::MALFORMED,
        Gateway::PortoneV1 => portone_v1::MALFORMED,
        Gateway::PortoneV2 => portone_v2::MALFORMED,
    };
    // Every early answer below is a fault's, with no processing behind it.
    let bent = |answer: Answer| (answer, None);
    let mut expired = false;
    let mut after = None;
    match fault {
        None => {}
        Some(FaultKind::Status(status, html)) => {
            return Ok(bent(faults::status_answer(gateway, status, html)))
        }
        Some(FaultKind::PgError { code, message }) => {
            return Ok(bent(faults::pg_error(gateway, &code, &message)))
        }
        Some(FaultKind::Unauthorized) => return Ok(bent(unauthorized(gateway, req))),
        Some(FaultKind::Redirect(status, location)) => {
            return Ok(bent(faults::redirect(status, &location)))
        }
        Some(FaultKind::EchoCredentials) => {
            return Ok(bent(faults::echo_credentials(gateway, req)))
        }
        Some(FaultKind::Delay(ms)) => tokio::time::sleep(Duration::from_millis(ms)).await,
        // Already waited for its release in `gateway_request`.
        Some(FaultKind::Hold(None)) => {}
        Some(FaultKind::Hold(Some(status))) => {
            return Ok(bent(faults::status_answer(gateway, status, true)))
        }
        Some(FaultKind::Hang) => {
            // Cancelled when the simulator stops: its runtime drops every task.
            tokio::time::sleep(HANG_LIMIT).await;
            return Err(CloseConnection.into());
        }
        Some(FaultKind::Malformed) => {
            return Ok(bent(Answer::bytes(
                200,
                "application/json;charset=utf-8",
                malformed,
            )))
        }
        Some(FaultKind::Garbage) => {
            // 0xFF never occurs in UTF-8, so this is never valid text.
            let mut bytes = random_bytes(256);
            bytes[0] = 0xFF;
            return Ok(bent(Answer::bytes(200, "application/json", bytes)));
        }
        Some(FaultKind::Close) => return Err(CloseConnection.into()),
        Some(FaultKind::Truncate) => {
            let mut answer = Answer::bytes(200, "application/json;charset=utf-8", Bytes::new());
            answer.content_length = Some(malformed.len() as u64 + 1024);
            answer.body = SimBody::truncated(malformed);
            return Ok(bent(answer));
        }
        Some(FaultKind::Oversized(bytes)) => {
            let mut answer = Answer::bytes(200, "application/json;charset=utf-8", Bytes::new());
            answer.body = SimBody::oversized_json(bytes);
            return Ok(bent(answer));
        }
        Some(FaultKind::Expired) if endpoint == Endpoint::Api => {
            return Ok(bent(unauthorized(gateway, req)))
        }
        Some(FaultKind::Expired) => expired = true,
        Some(FaultKind::ProcessThenHang) => after = Some(After::Hang),
        Some(FaultKind::ProcessThenClose) => after = Some(After::Close),
    }
    let mut st = shared.lock();
    let st = &mut *st;
    let creds = &shared.creds;
    let answer = match (gateway, endpoint) {
        (_, Endpoint::Token) if req.method != "POST" => Answer::json(
            405,
            &json!({"error": format!("{} is not allowed on {}", req.method, req.path)}),
        ),
        (Gateway::Nicepay, Endpoint::Token) => nicepay::token(st, creds, req, expired),
        (Gateway::Nicepay, Endpoint::Api) => nicepay::api(st, creds, req),
        (Gateway::PortoneV1, Endpoint::Token) => portone_v1::token(st, creds, req, expired),
        (Gateway::PortoneV1, Endpoint::Api) => portone_v1::api(st, req),
        (Gateway::PortoneV2, Endpoint::Token) => portone_v2::token(st, creds, req, expired),
        (Gateway::PortoneV2, Endpoint::Api) => portone_v2::api(st, creds, req),
    };
    Ok((answer, after))
}

fn unauthorized(gateway: Gateway, req: &Req) -> Answer {
    match gateway {
        Gateway::Nicepay => nicepay::unauthorized(req),
        Gateway::PortoneV1 => portone_v1::unauthorized(),
        Gateway::PortoneV2 => portone_v2::unauthorized(),
    }
}

/// Stamps the gateway-clock `Date`, counts a 401, and builds the hyper response.
fn finish(shared: &Shared, gateway: Option<Gateway>, answer: Answer) -> Response<SimBody> {
    let now_ms = {
        let mut st = shared.lock();
        if let (401, Some(gateway)) = (answer.status, gateway) {
            st.count_unauthorized(gateway);
        }
        st.now_ms()
    };
    let mut response = Response::new(answer.body);
    // Statuses are validated when a fault is added; 500 is only a fallback.
    *response.status_mut() = hyper::StatusCode::from_u16(answer.status)
        .unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        hyper::header::HeaderValue::from_static(answer.content_type),
    );
    if let Ok(date) = http_date(now_ms).parse() {
        headers.insert(DATE, date);
    }
    if let Some(length) = answer.content_length {
        headers.insert(CONTENT_LENGTH, length.into());
    }
    if let Some(location) = answer.location.and_then(|l| l.parse().ok()) {
        headers.insert(hyper::header::LOCATION, location);
    }
    response
}

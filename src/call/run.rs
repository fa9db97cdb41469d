//! The call pipeline: every request, synchronous or asynchronous, and the network
//! cancel, flows through `run`, in this order:
//!
//! 1. the idempotency key the call carries is decided (`recovery::idempotency`);
//! 2. within the client's redaction scope (every error scrubbed of its secrets):
//! 3. the authorization is taken: a cached token (fetched if due), Basic or a secret;
//! 4. the request is sent once (`send_once`): the library's headers, then the caller's;
//!    a PortOne V2 request with a key may be resent with the same key after an unknown
//!    outcome (`recovery::unknown_outcome`), nothing else ever is;
//! 5. a 401 drops the token and retries once with a fresh one, unless a fresh token was
//!    refused too (the token-storm guard in the cache).
//!
//! The call's `timeoutMs` is its whole deadline ([`Deadline`]): getting the token, the
//! request (with its V2 resends) and the one retry after a 401 share it, each step
//! getting what the steps before it left. A failure while getting the token is marked
//! `Phase::Token`: nothing was sent to the payment API, so the outcome is known.
//!
//! Gateway-specific rules (authorization header, 401 advice) are asked of `gateway`.

use crate::cache::Stats;
use crate::cache::{AfterRefusal, Attempt};
use crate::config::{Config, Gateway, Scheme};
use std::time::{Duration, Instant};

use crate::error::Error;
use crate::gateway;
use crate::recovery::{idempotency, unknown_outcome};
use crate::secrets::redact;
use crate::secrets::secret::Secret;
use crate::transport::http::{self, HttpResponse, Purpose};

use super::client::Client;
use super::{Call, Sent};

/// Sends `call` with the client's authorization (one retry on 401 with a fresh token).
/// Every error is scrubbed of the client's secrets and tokens (`redact`).
pub(crate) fn run(client: &Client, call: &Call) -> Result<Sent, Error> {
    let key = idempotency::for_call(
        &client.config,
        call.method,
        &call.headers,
        call.options.idempotency_key.as_deref(),
    )?;
    let deadline = Deadline::after(call.options.timeout(&client.config));
    let answer = redact::within(client, || {
        send_authorized(client, call, key.as_ref(), &deadline)
    })?;
    Ok(Sent {
        answer,
        idempotency_key: key.map(|k| k.key),
    })
}

fn send_authorized(
    client: &Client,
    call: &Call,
    key: Option<&idempotency::Keyed>,
    deadline: &Deadline,
) -> Result<HttpResponse, Error> {
    let config = &client.config;
    if config.scheme != Scheme::Token {
        let answer = send_once(client, None, call, key, deadline)?;
        if answer.status == 401 {
            return Err(gateway::unauthorized(config, &answer, false));
        }
        return Ok(answer);
    }
    let entry = client.entry;
    let token = token_within(client, deadline)?;
    let answer = send_once(client, Some(&token), call, key, deadline)?;
    if answer.status != 401 {
        return Ok(answer);
    }
    // The gateway rejected this token (revoked, expired early, clock trouble): drop it
    // unless another thread already replaced it, get a fresh one, and retry once — unless
    // a freshly fetched token was refused too (the token-storm bound).
    if let AfterRefusal::GiveUp {
        fetch_blocked_for, ..
    } = entry.refused(&token, Attempt::First)
    {
        return Err(refused(config, &answer, false, fetch_blocked_for));
    }
    let fresh = token_within(client, deadline)?;
    let answer = send_once(client, Some(&fresh), call, key, deadline)?;
    if answer.status == 401 {
        let blocked = match entry.refused(&fresh, Attempt::Retry) {
            AfterRefusal::GiveUp {
                fetch_blocked_for, ..
            } => fetch_blocked_for,
            AfterRefusal::RetryWithFreshToken => None,
        };
        return Err(refused(config, &answer, true, blocked));
    }
    Ok(answer)
}

/// A call's whole deadline: `timeoutMs` from the moment the call started.
struct Deadline {
    at: Instant,
    total: Duration,
}

impl Deadline {
    fn after(total: Duration) -> Deadline {
        Deadline {
            at: Instant::now() + total,
            total,
        }
    }

    /// What is left for the next step, or the timeout that ends the call before `step`.
    fn left_for(&self, step: &str) -> Result<Duration, Error> {
        let left = self.at.saturating_duration_since(Instant::now());
        // Under a millisecond no request can be made (and 0 would mean no deadline).
        if left < Duration::from_millis(1) {
            return Err(Error::timeout(format!(
                "the call's deadline (timeoutMs {} ms) passed before {step}",
                self.total.as_millis()
            )));
        }
        Ok(left)
    }
}

/// The call's token, within what is left of its deadline. Any failure is marked
/// `Phase::Token` (the cache marks its own): the payment request was not sent (or,
/// after a 401, not resent).
fn token_within(client: &Client, deadline: &Deadline) -> Result<Secret, Error> {
    let left = deadline
        .left_for("the token was got")
        .map_err(Error::in_token_phase)?;
    client
        .entry
        .with_token_within(&client.config, left, Secret::clone)
}

/// The `PAYTOKEN_E_AUTH` for a refused token, saying when no token will be fetched.
fn refused(
    config: &Config,
    answer: &HttpResponse,
    retried: bool,
    fetch_blocked_for: Option<std::time::Duration>,
) -> Error {
    let mut e = gateway::unauthorized(config, answer, retried);
    if let Some(hold) = fetch_blocked_for {
        e.message = format!(
            "{}; a freshly fetched token was refused, so no new token is fetched for {:.1} s (token-storm guard: is this server's IP on the gateway's allow-list, is the key revoked?)",
            e.message,
            hold.as_secs_f64()
        );
    }
    e
}

fn send_once(
    client: &Client,
    token: Option<&Secret>,
    call: &Call,
    key: Option<&idempotency::Keyed>,
    deadline: &Deadline,
) -> Result<HttpResponse, Error> {
    let (config, stats) = (&client.config, &client.entry.stats);
    let (extra, body) = (&call.headers, &call.body[..]);
    if let Some(token) = token {
        // The gateway may quote it after we drop it from the cache (a 401).
        redact::remember(token);
    }
    let authorization = gateway::authorization(config, token);
    let mut headers: Vec<(&str, &str)> = Vec::with_capacity(extra.len() + 3);
    headers.push(("authorization", authorization.as_str()));
    if let Some(tier) = &config.tier {
        headers.push(("tier", tier));
    }
    if !body.is_empty()
        && !extra
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
    {
        headers.push(("content-type", "application/json;charset=utf-8"));
    }
    let library_key = key.and_then(idempotency::Keyed::header);
    if let Some(value) = library_key {
        headers.push((idempotency::HEADER, value));
    }
    // The caller's headers; an Idempotency-Key of theirs the library sends normalized
    // (above) is not sent twice.
    headers.extend(
        extra
            .iter()
            .filter(|(n, _)| library_key.is_none() || !n.eq_ignore_ascii_case(idempotency::HEADER))
            .map(|(n, v)| (n.as_str(), v.as_str())),
    );
    let send = |timeout| {
        http::send_within(
            config,
            timeout,
            Purpose::Business {
                reconcile: gateway::reconcile_advice(config.gateway),
            },
            call.method,
            &call.path,
            &headers,
            body,
        )
    };
    // Nothing sent yet (a token that came just at the deadline): the outcome is known.
    let timeout = deadline
        .left_for("the request was sent")
        .map_err(Error::in_token_phase)?;
    // Only PortOne V2 keeps keys: a key a caller put on another gateway's request (its
    // own header) changes nothing here, and such a request is never resent.
    let Some(key) = key.filter(|_| config.gateway == Gateway::PortoneV2) else {
        return send(timeout);
    };
    if !call.options.retry_unknown_outcome(config) {
        return send(timeout).map_err(|e| unknown_outcome::with_key_advice(e, &key.key, None));
    }
    unknown_outcome::run(timeout, &key.key, send, || {
        Stats::count(&stats.unknown_outcome_retries)
    })
}

//! Everything one simulator remembers: its run-time settings, counters, issued tokens,
//! pending faults and the last business request. One `Mutex<State>` per simulator;
//! it is never held across an `.await`.

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::clock::{real_now_ms, NicepayTimeFormat};
use crate::faults::{Fault, FaultKind};
use crate::holds::Holds;
use crate::idempotency::Idempotency;
use crate::payments::Payments;
use crate::stale_tokens::StaleTokens;
use crate::webhooks::Webhooks;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Gateway {
    Nicepay,
    PortoneV1,
    PortoneV2,
}

impl Gateway {
    pub const ALL: [Gateway; 3] = [Gateway::Nicepay, Gateway::PortoneV1, Gateway::PortoneV2];

    pub fn name(self) -> &'static str {
        match self {
            Gateway::Nicepay => "nicepay",
            Gateway::PortoneV1 => "portone-v1",
            Gateway::PortoneV2 => "portone-v2",
        }
    }

    pub fn parse(name: &str) -> Option<Gateway> {
        Gateway::ALL.into_iter().find(|g| g.name() == name)
    }

    pub(crate) fn index(self) -> usize {
        self as usize
    }
}

/// Which kind of endpoint a request reached (faults can target one of them).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Endpoint {
    Token,
    Api,
}

/// The credentials the simulator accepts; fixed for its lifetime.
#[derive(Clone)]
pub struct Credentials {
    pub nicepay_client_key: String,
    pub nicepay_secret_key: String,
    pub imp_key: String,
    pub imp_secret: String,
    pub api_secret: String,
}

/// Settings `/__sim/config` may change while running.
#[derive(Clone, Debug)]
pub struct Settings {
    pub token_ttl_secs: u64,
    pub clock_offset_secs: i64,
    pub delay_ms: u64,
    /// `expireAt` (every NICEPAY example) or `expiredAt` (NICEPAY's field table).
    pub nicepay_expiry_field: &'static str,
    pub nicepay_time_format: NicepayTimeFormat,
    /// Any looked-up id exists as a paid payment (transport and auth tests only).
    pub implicit_payments: bool,
    /// Waits between webhook attempts; one retry per entry.
    pub webhook_retry_delays_ms: Vec<u64>,
    pub webhook_timeout_ms: u64,
    pub idempotency_ttl_secs: u64,
}

impl Settings {
    pub fn to_json(&self) -> Value {
        json!({
            "tokenTtlSecs": self.token_ttl_secs,
            "clockOffsetSecs": self.clock_offset_secs,
            "delayMs": self.delay_ms,
            "nicepayExpiryField": self.nicepay_expiry_field,
            "nicepayTimeFormat": self.nicepay_time_format.name(),
            "implicitPayments": self.implicit_payments,
            "webhookRetryDelaysMs": self.webhook_retry_delays_ms,
            "webhookTimeoutMs": self.webhook_timeout_ms,
            "idempotencyTtlSecs": self.idempotency_ttl_secs,
        })
    }

    pub fn ttl_ms(&self) -> i64 {
        // Capped so expiry arithmetic never overflows (2^61 ms is 73 million years).
        i64::try_from(self.token_ttl_secs.saturating_mul(1000))
            .map_or(i64::MAX / 4, |ms| ms.min(i64::MAX / 4))
    }
}

/// Per-gateway counters, as `/__sim/stats` reports them.
#[derive(Default, Clone, Copy)]
pub struct Counters {
    pub token_requests: [u64; 3],
    pub tokens_issued: [u64; 3],
    pub api_requests: [u64; 3],
    pub unauthorized: [u64; 3],
}

impl Counters {
    pub fn to_json(self) -> Value {
        let per_gateway = |values: &[u64; 3]| {
            let map: serde_json::Map<String, Value> = Gateway::ALL
                .iter()
                .map(|g| (g.name().to_owned(), json!(values[g.index()])))
                .collect();
            Value::Object(map)
        };
        json!({
            "tokenRequests": per_gateway(&self.token_requests),
            "tokensIssued": per_gateway(&self.tokens_issued),
            "apiRequests": per_gateway(&self.api_requests),
            "unauthorized": per_gateway(&self.unauthorized),
        })
    }
}

/// An issued token and its expiry in the gateway's clock.
#[derive(Clone)]
pub struct Token {
    pub value: String,
    pub expires_ms: i64,
}

/// The tokens of one gateway that may still work. A map, because PortOne V2 keeps every
/// unexpired JWT valid and a benchmark may log in thousands of times.
#[derive(Default)]
struct Issued {
    expiry_by_token: HashMap<String, i64>,
    current: Option<String>,
    /// Expired entries are swept when the map grows past this.
    sweep_at: usize,
}

pub struct State {
    pub settings: Settings,
    pub counters: Counters,
    /// Per gateway; expired entries are dropped lazily.
    tokens: [Issued; 3],
    faults: Vec<Fault>,
    next_fault_id: u64,
    pub last_request: Option<Value>,
    pub payments: Payments,
    pub webhooks: Webhooks,
    pub idempotency: Idempotency,
    pub stale_tokens: StaleTokens,
    /// Requests held by a `hold` fault until released.
    pub holds: Holds,
}

impl State {
    pub fn new(settings: Settings) -> State {
        State {
            settings,
            counters: Counters::default(),
            tokens: Default::default(),
            faults: Vec::new(),
            next_fault_id: 1,
            last_request: None,
            payments: Payments::default(),
            webhooks: Webhooks::default(),
            idempotency: Idempotency::default(),
            stale_tokens: StaleTokens::default(),
            holds: Holds::default(),
        }
    }

    /// Counters including payment processing and idempotency, for `/__sim/stats`.
    pub fn stats_json(&self) -> Value {
        let mut stats = self.counters.to_json();
        let processed: serde_json::Map<String, Value> = Gateway::ALL
            .iter()
            .map(|g| {
                (
                    g.name().to_owned(),
                    json!(self.payments.processed[g.index()]),
                )
            })
            .collect();
        stats["processed"] = Value::Object(processed);
        stats["idempotentReplays"] = json!(self.idempotency.replays);
        stats["idempotencyConflicts"] = json!(self.idempotency.conflicts);
        stats["idempotencyOutstanding"] = json!(self.idempotency.outstanding());
        stats["staleTokenUses"] = Value::Object(
            Gateway::ALL
                .iter()
                .map(|g| {
                    (
                        g.name().to_owned(),
                        json!(self.stale_tokens.uses[g.index()]),
                    )
                })
                .collect(),
        );
        stats["held"] = json!(self.holds.waiting());
        stats["webhooksDelivered"] = json!(self
            .webhooks
            .deliveries
            .iter()
            .filter(|d| d.delivered)
            .count());
        stats
    }

    /// Forget counters, tokens, faults, the last request, payments, webhook
    /// registrations and deliveries, and idempotency keys; settings stay.
    pub fn reset(&mut self) {
        self.payments = Payments::default();
        self.webhooks.reset();
        self.idempotency.reset();
        self.stale_tokens = StaleTokens::default();
        self.counters = Counters::default();
        self.tokens = Default::default();
        self.clear_faults();
        self.last_request = None;
    }

    /// The gateway's clock: real time plus the configured offset.
    pub fn now_ms(&self) -> i64 {
        // Clamped to ±35,000 years so that adding any TTL or extension cannot overflow,
        // whatever offset a test sets.
        const LIMIT: i64 = 1 << 50;
        real_now_ms()
            .saturating_add(self.settings.clock_offset_secs.saturating_mul(1000))
            .clamp(-LIMIT, LIMIT)
    }

    pub fn count_token_request(&mut self, gateway: Gateway) {
        self.counters.token_requests[gateway.index()] += 1;
    }

    pub fn count_api_request(&mut self, gateway: Gateway) {
        self.counters.api_requests[gateway.index()] += 1;
    }

    pub fn count_unauthorized(&mut self, gateway: Gateway) {
        self.counters.unauthorized[gateway.index()] += 1;
    }

    /// Whether `value` is a token of `gateway` that is neither expired nor revoked.
    pub fn is_live(&self, gateway: Gateway, value: &str, now_ms: i64) -> bool {
        self.tokens[gateway.index()]
            .expiry_by_token
            .get(value)
            .is_some_and(|&expires| now_ms < expires)
    }

    /// The most recently issued token of `gateway`, if it is still live.
    pub fn current_token(&self, gateway: Gateway, now_ms: i64) -> Option<Token> {
        let issued = &self.tokens[gateway.index()];
        let value = issued.current.as_ref()?;
        let expires_ms = *issued.expiry_by_token.get(value)?;
        (now_ms < expires_ms).then(|| Token {
            value: value.clone(),
            expires_ms,
        })
    }

    /// Moves the expiry of an issued token (PortOne V1's extension).
    pub fn set_expiry(&mut self, gateway: Gateway, value: &str, expires_ms: i64) {
        if let Some(expiry) = self.tokens[gateway.index()].expiry_by_token.get_mut(value) {
            *expiry = expires_ms;
        }
    }

    /// Counts a newly issued token and, unless it is born expired, makes it the current one.
    pub fn issue(&mut self, gateway: Gateway, value: String, expires_ms: i64, now_ms: i64) {
        self.counters.tokens_issued[gateway.index()] += 1;
        if now_ms >= expires_ms {
            return;
        }
        let issued = &mut self.tokens[gateway.index()];
        if issued.expiry_by_token.len() >= issued.sweep_at {
            issued
                .expiry_by_token
                .retain(|_, &mut expires| now_ms < expires);
            issued.sweep_at = (issued.expiry_by_token.len() * 2).max(64);
        }
        issued.expiry_by_token.insert(value.clone(), expires_ms);
        issued.current = Some(value);
    }

    /// Makes every token of `gateway` stop working; returns how many were live.
    pub fn revoke(&mut self, gateway: Gateway) -> usize {
        let now = self.now_ms();
        let issued = std::mem::take(&mut self.tokens[gateway.index()]);
        issued
            .expiry_by_token
            .values()
            .filter(|&&expires| now < expires)
            .count()
    }

    pub fn add_fault(&mut self, mut fault: Fault) -> u64 {
        fault.id = self.next_fault_id;
        self.next_fault_id += 1;
        let id = fault.id;
        self.faults.push(fault);
        id
    }

    /// Also releases every held request: no test leaves one waiting for ever.
    pub fn clear_faults(&mut self) {
        self.faults.clear();
        self.holds.release();
    }

    pub fn faults_json(&self) -> Value {
        Value::Array(self.faults.iter().map(Fault::to_json).collect())
    }

    /// The first fault (in the order added) that matches this request, using up one of
    /// its applications.
    pub fn take_fault(&mut self, gateway: Gateway, endpoint: Endpoint) -> Option<FaultKind> {
        let index = self
            .faults
            .iter()
            .position(|f| f.matches(gateway, endpoint))?;
        let fault = &mut self.faults[index];
        let kind = fault.kind.clone();
        if let Some(left) = fault.remaining.as_mut() {
            *left -= 1;
            if *left == 0 {
                self.faults.remove(index);
            }
        }
        Some(kind)
    }
}

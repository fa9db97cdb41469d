//! Webhooks: the shop registers a URL per gateway through the admin API; every payment
//! state change is sent there in that gateway's format, retried on failure on a
//! configurable schedule, and every attempt is logged for `GET /__sim/webhooks`.
//!
//! - PortOne V2: Standard Webhooks. `webhook-id`, `webhook-timestamp` (unix seconds,
//!   gateway clock), `webhook-signature: v1,<base64(HMAC-SHA256(key, "id.timestamp.body"))>`
//!   where `key` is the base64 decoding of the secret after its `whsec_` prefix.
//!   Body: `{"type":"Transaction.Paid","timestamp":..,"data":{"paymentId",..}}`.
//! - PortOne V1: `{"imp_uid","merchant_uid","status"}` as JSON.
//! - NICEPAY: the transaction object its lookup returns, with `signature`.

use std::time::Duration;

use base64::engine::general_purpose::STANDARD;
use base64::Engine as _;
use serde_json::{json, Value};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::exchange::{random_bytes, random_hex};
use crate::payments::{Payment, Status};
use crate::state::Gateway;
use crate::webhook_order::{DeliveryOrder, ReleaseOrder};

/// PortOne documents retries without a schedule we could confirm offline; this one
/// (1 min, 5 min, 30 min, 1 h) is our assumption and `webhookRetryDelaysMs` changes it.
pub const DEFAULT_RETRY_DELAYS_MS: [u64; 4] = [60_000, 300_000, 1_800_000, 3_600_000];
/// One attempt gives up after this long (`webhookTimeoutMs`).
pub const DEFAULT_TIMEOUT_MS: u64 = 10_000;

#[derive(Clone, Debug)]
pub struct Registration {
    pub gateway: Gateway,
    pub url: String,
    /// PortOne V2 only: `whsec_` + base64 of the HMAC key.
    pub secret: Option<String>,
}

/// A state change worth a webhook: the payment as it is after the change.
#[derive(Clone, Debug)]
pub struct Event {
    pub payment: Payment,
    pub cancellation_id: Option<String>,
}

impl Event {
    pub fn new(payment: &Payment, cancellation_id: Option<&str>) -> Event {
        Event {
            payment: payment.clone(),
            cancellation_id: cancellation_id.map(str::to_owned),
        }
    }
}

/// One webhook on its way: what is sent, and what happened to each attempt.
#[derive(Clone, Debug)]
pub struct Delivery {
    pub id: String,
    pub gateway: Gateway,
    pub url: String,
    pub secret: Option<String>,
    pub body: String,
    /// `200`, `500`, `"connection refused"`...
    pub attempts: Vec<Value>,
    pub delivered: bool,
    pub gave_up: bool,
    /// Created while webhooks are held: not sent until released.
    pub held: bool,
}

impl Delivery {
    pub fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "gateway": self.gateway.name(),
            "url": self.url,
            "body": self.body,
            "attempts": self.attempts,
            "delivered": self.delivered,
            "gaveUp": self.gave_up,
            "held": self.held,
        })
    }
}

#[derive(Default)]
pub struct Webhooks {
    pub registrations: Vec<Registration>,
    /// Events not yet turned into deliveries (drained after each request).
    outbox: Vec<Event>,
    pub deliveries: Vec<Delivery>,
    /// In which order deliveries are sent (one payment's in order unless held).
    pub order: DeliveryOrder,
}

impl Webhooks {
    /// Forgets registrations, events and the log.
    pub fn reset(&mut self) {
        self.registrations.clear();
        self.outbox.clear();
        self.deliveries.clear();
        self.order.reset();
    }

    pub fn enqueue(&mut self, event: Event) {
        if self
            .registrations
            .iter()
            .any(|r| r.gateway == event.payment.gateway)
        {
            self.outbox.push(event);
        }
    }

    /// Pending events paired with the registrations that want them.
    pub fn take_outbox(&mut self) -> Vec<(Registration, Event)> {
        let events = std::mem::take(&mut self.outbox);
        events
            .into_iter()
            .flat_map(|e| {
                self.registrations
                    .iter()
                    .filter(|r| r.gateway == e.payment.gateway)
                    .map(|r| (r.clone(), e.clone()))
                    .collect::<Vec<_>>()
            })
            .collect()
    }

    /// Lets the held deliveries go in `order` (the next dispatch starts them).
    pub fn release(&mut self, order: ReleaseOrder) -> Value {
        let ids = self.order.release(order);
        for d in self.deliveries.iter_mut().filter(|d| ids.contains(&d.id)) {
            d.held = false;
        }
        DeliveryOrder::release_json(order, &ids)
    }

    pub fn register(&mut self, value: &Value) -> Result<Value, String> {
        let spec = value.as_object().ok_or("a webhook is a JSON object")?;
        if let Some(k) = spec
            .keys()
            .find(|k| !["gateway", "url", "secret"].contains(&k.as_str()))
        {
            return Err(format!(
                "unknown webhook field {k:?} (gateway, url, secret)"
            ));
        }
        let gateway = spec
            .get("gateway")
            .and_then(Value::as_str)
            .and_then(Gateway::parse)
            .ok_or("\"gateway\" must be nicepay, portone-v1 or portone-v2")?;
        let url = spec
            .get("url")
            .and_then(Value::as_str)
            .ok_or("\"url\" is required")?;
        parse_loopback_url(url)?;
        let secret = match (gateway, spec.get("secret")) {
            (Gateway::PortoneV2, None | Some(Value::Null)) => {
                Some(format!("whsec_{}", STANDARD.encode(random_bytes(32))))
            }
            (Gateway::PortoneV2, Some(Value::String(s))) => {
                secret_key(s)?;
                Some(s.clone())
            }
            (Gateway::PortoneV2, Some(_)) => return Err("\"secret\" must be a string".into()),
            (_, None | Some(Value::Null)) => None,
            (_, Some(_)) => {
                return Err(
                    "\"secret\" is for portone-v2 (V1 and NICEPAY do not sign with one)".into(),
                )
            }
        };
        self.registrations.push(Registration {
            gateway,
            url: url.to_owned(),
            secret: secret.clone(),
        });
        Ok(json!({"gateway": gateway.name(), "url": url, "secret": secret}))
    }

    pub fn to_json(&self) -> Value {
        json!({
            "holding": self.order.holding(),
            "registrations": self.registrations.iter().map(|r| json!({
                "gateway": r.gateway.name(), "url": r.url, "secret": r.secret,
            })).collect::<Vec<_>>(),
            "deliveries": self.deliveries.iter().map(Delivery::to_json).collect::<Vec<_>>(),
        })
    }
}

/// The HMAC key of a `whsec_<base64>` secret.
pub fn secret_key(secret: &str) -> Result<Vec<u8>, String> {
    let encoded = secret
        .strip_prefix("whsec_")
        .ok_or("a PortOne V2 webhook secret starts with whsec_")?;
    STANDARD
        .decode(encoded)
        .map_err(|_| "the webhook secret after whsec_ must be base64".to_owned())
}

/// `v1,<base64 HMAC-SHA256>` over `id.timestamp.body`.
pub fn sign(key: &[u8], id: &str, timestamp: i64, body: &str) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, key);
    let tag = ring::hmac::sign(&key, format!("{id}.{timestamp}.{body}").as_bytes());
    format!("v1,{}", STANDARD.encode(tag.as_ref()))
}

/// PortOne V2's event type for a payment's status.
fn v2_type(status: Status) -> &'static str {
    match status {
        Status::Ready => "Transaction.Ready",
        Status::Paid => "Transaction.Paid",
        Status::Failed => "Transaction.Failed",
        Status::VirtualAccountIssued => "Transaction.VirtualAccountIssued",
        Status::PayPending => "Transaction.PayPending",
        Status::PartialCancelled => "Transaction.PartialCancelled",
        Status::Cancelled => "Transaction.Cancelled",
    }
}

/// The body a webhook carries. `nicepay` renders NICEPAY's transaction object.
pub fn body(event: &Event, now_ms: i64, nicepay: impl Fn(&Payment) -> Value) -> String {
    let p = &event.payment;
    let value = match p.gateway {
        Gateway::PortoneV2 => {
            let mut data = json!({
                "paymentId": p.id,
                "storeId": p.store_id,
                "transactionId": p.transaction_id,
            });
            if let Some(id) = &event.cancellation_id {
                data["cancellationId"] = json!(id);
            }
            json!({
                "type": v2_type(p.status),
                "timestamp": crate::clock::nicepay_time(now_ms, crate::clock::NicepayTimeFormat::Utc),
                "data": data,
            })
        }
        Gateway::PortoneV1 => json!({
            "imp_uid": p.id,
            "merchant_uid": p.order_id,
            "status": crate::portone_v1_payments::v1_status(p.status),
        }),
        Gateway::Nicepay => nicepay(p),
    };
    value.to_string()
}

pub fn new_delivery(reg: &Registration, body: String) -> Delivery {
    Delivery {
        id: format!("msg_{}", random_hex(24)),
        gateway: reg.gateway,
        url: reg.url.clone(),
        secret: reg.secret.clone(),
        body,
        attempts: Vec::new(),
        delivered: false,
        gave_up: false,
        held: false,
    }
}

/// `(host:port, path)` of an `http://` URL on loopback: webhooks never leave the machine.
pub fn parse_loopback_url(url: &str) -> Result<(String, String), String> {
    let rest = url
        .strip_prefix("http://")
        .ok_or("a webhook URL is http://127.0.0.1:PORT/... (loopback only)")?;
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let host = authority
        .rsplit_once(':')
        .map_or(authority, |(host, _)| host);
    if !(host == "localhost" || host == "[::1]" || host.starts_with("127.")) {
        return Err(format!("webhook host {host:?} is not loopback"));
    }
    if !authority.contains(':') || authority.ends_with(']') {
        return Err("a webhook URL needs an explicit port".into());
    }
    Ok((authority.to_owned(), path.to_owned()))
}

/// One POST; `Ok((status, body))` or why it failed. Only loopback URLs get here.
pub async fn post(
    url: &str,
    headers: &[(String, String)],
    body: &str,
    timeout: Duration,
) -> Result<(u16, String), String> {
    let (authority, path) = parse_loopback_url(url)?;
    let attempt = async {
        let address = authority.replace("localhost", "127.0.0.1");
        let address = address.trim_start_matches('[').replace("]:", ":");
        let address = match address.matches(':').count() {
            1 => address,
            // ::1:PORT
            _ => {
                let (ip, port) = address.rsplit_once(':').unwrap_or((&address, "80"));
                format!("[{ip}]:{port}")
            }
        };
        let mut stream = tokio::net::TcpStream::connect(&address)
            .await
            .map_err(|e| e.to_string())?;
        let mut head = format!(
            "POST {path} HTTP/1.1\r\nHost: {authority}\r\nConnection: close\r\n\
             Content-Type: application/json;charset=utf-8\r\nContent-Length: {}\r\n",
            body.len()
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream
            .write_all(head.as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        stream
            .write_all(body.as_bytes())
            .await
            .map_err(|e| e.to_string())?;
        let mut raw = Vec::new();
        // Connection: close: the answer ends at EOF. A reset after the status line still counts.
        let _ = stream.read_to_end(&mut raw).await;
        let text = String::from_utf8_lossy(&raw);
        let status = text
            .split(' ')
            .nth(1)
            .and_then(|s| s.parse::<u16>().ok())
            .ok_or_else(|| "no HTTP answer".to_owned())?;
        let body = text
            .split_once("\r\n\r\n")
            .map_or("", |(_, b)| b)
            .to_owned();
        Ok((status, body))
    };
    tokio::time::timeout(timeout, attempt)
        .await
        .unwrap_or_else(|_| Err(format!("no answer within {} ms", timeout.as_millis())))
}

/// Whether the shop's answer acknowledges the webhook: any 2xx; NICEPAY also wants
/// the text `OK` in the body (its manual asks merchants to answer "OK").
pub fn acknowledged(gateway: Gateway, status: u16, body: &str) -> bool {
    (200..300).contains(&status)
        && (gateway != Gateway::Nicepay || body.split_whitespace().any(|w| w == "OK"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signature_matches_the_standard_webhooks_reference() {
        // The example of the Standard Webhooks specification.
        let key = secret_key("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").unwrap();
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            sign(&key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn only_loopback_urls_with_a_port() {
        assert!(parse_loopback_url("http://127.0.0.1:9/hook").is_ok());
        assert!(parse_loopback_url("http://localhost:9").is_ok());
        assert!(parse_loopback_url("http://[::1]:9/x").is_ok());
        for bad in [
            "https://127.0.0.1:9/",
            "http://example.com:9/",
            "http://127.0.0.1/",
        ] {
            assert!(parse_loopback_url(bad).is_err(), "{bad}");
        }
    }
}

//! Sends the webhooks that business and admin requests queued: one task per delivery,
//! in its payment's line (webhook_order.rs), retrying on the configured schedule,
//! logging every attempt in the state.

use std::sync::Arc;
use std::time::Duration;

use crate::nicepay_payments;
use crate::server::Shared;
use crate::state::Gateway;
use crate::webhook_order::line_key;
use crate::webhooks::{acknowledged, body, new_delivery, post, secret_key, sign};

/// Turns queued events into deliveries, puts each in its payment's line (or holds it)
/// and starts whatever may start. Called after every request.
pub fn dispatch(shared: &Arc<Shared>) {
    let startable = {
        let mut st = shared.lock();
        let now = st.now_ms();
        let format = st.settings.nicepay_time_format;
        let secret = &shared.creds.nicepay_secret_key;
        for (registration, event) in st.webhooks.take_outbox() {
            let text = body(&event, now, |p| {
                nicepay_payments::render(p, secret, format, now)
            });
            let mut delivery = new_delivery(&registration, text);
            let key = line_key(
                &registration.url,
                event.payment.gateway.name(),
                &event.payment.id,
            );
            delivery.held = st.webhooks.order.admit(delivery.id.clone(), key);
            st.webhooks.deliveries.push(delivery);
        }
        st.webhooks.order.take_startable()
    };
    for (id, turn, done) in startable {
        let shared = Arc::clone(shared);
        tokio::spawn(async move {
            if let Some(turn) = turn {
                // Err is the normal signal: the delivery ahead dropped its `done`.
                let _ = turn.await;
            }
            run(shared, id).await;
            drop(done);
        });
    }
}

/// Attempts one delivery until acknowledged or the schedule runs out. Every attempt
/// of a PortOne V2 webhook keeps its `webhook-id` and is signed with a fresh timestamp.
async fn run(shared: Arc<Shared>, id: String) {
    let mut attempt = 0usize;
    loop {
        let prepared = {
            let st = shared.lock();
            let Some(d) = st.webhooks.deliveries.iter().find(|d| d.id == id) else {
                return; // reset meanwhile
            };
            let timestamp = st.now_ms().div_euclid(1000);
            let mut headers = Vec::new();
            if d.gateway == Gateway::PortoneV2 {
                if let Some(key) = d.secret.as_deref().and_then(|s| secret_key(s).ok()) {
                    headers.push(("webhook-id".to_owned(), d.id.clone()));
                    headers.push(("webhook-timestamp".to_owned(), timestamp.to_string()));
                    headers.push((
                        "webhook-signature".to_owned(),
                        sign(&key, &d.id, timestamp, &d.body),
                    ));
                }
            }
            (
                d.gateway,
                d.url.clone(),
                d.body.clone(),
                headers,
                Duration::from_millis(st.settings.webhook_timeout_ms),
                st.settings.webhook_retry_delays_ms.get(attempt).copied(),
            )
        };
        let (gateway, url, text, headers, timeout, next_delay) = prepared;
        let result = post(&url, &headers, &text, timeout).await;
        let done = matches!(&result, Ok((status, body)) if acknowledged(gateway, *status, body));
        {
            let mut st = shared.lock();
            let Some(d) = st.webhooks.deliveries.iter_mut().find(|d| d.id == id) else {
                return;
            };
            d.attempts.push(match result {
                Ok((status, _)) => serde_json::json!(status),
                Err(e) => serde_json::json!(e),
            });
            d.delivered = done;
            d.gave_up = !done && next_delay.is_none();
        }
        match (done, next_delay) {
            (false, Some(delay)) => tokio::time::sleep(Duration::from_millis(delay)).await,
            _ => return,
        }
        attempt += 1;
    }
}

//! The order in which one payment's webhooks reach a URL. The simulator promises it:
//! a payment's next webhook to a URL is sent only after the previous one was
//! acknowledged or given up, so a shop sees `ready` before `paid`. Real gateways promise
//! no order, so a shop can rehearse that too: `POST /__sim/webhooks/hold`, make the
//! changes, then `POST /__sim/webhooks/release {"order":"reverse"}` (or `"shuffle"`).
//!
//! The line is built when a delivery is created, under the state lock, never by which
//! sending task the runtime happens to start first.

use std::collections::HashMap;

use serde_json::{json, Value};
use tokio::sync::oneshot;

use crate::exchange::random_u64;

/// Resolves (with an error: the sender is dropped) once the delivery ahead in line is
/// finished; `None` when nothing is ahead.
pub type Turn = Option<oneshot::Receiver<()>>;
/// Held by a sending task; dropping it lets the next delivery in line go.
pub type Done = oneshot::Sender<()>;

/// A delivery ready to be started: its id, when it may send, and what it signals.
pub type Start = (String, Turn, Done);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ReleaseOrder {
    /// The order the changes happened in.
    InOrder,
    /// Newest first: a payment's `paid` before its `ready`.
    Reverse,
    Shuffle,
}

impl ReleaseOrder {
    /// `{"order": "in-order"|"reverse"|"shuffle"}`; an empty body is `in-order`.
    pub fn from_body(body: &[u8]) -> Result<ReleaseOrder, String> {
        if body.iter().all(u8::is_ascii_whitespace) {
            return Ok(ReleaseOrder::InOrder);
        }
        let value: Value =
            serde_json::from_slice(body).map_err(|e| format!("the body is not JSON: {e}"))?;
        let fields = value.as_object().ok_or("a release is a JSON object")?;
        if let Some(k) = fields.keys().find(|k| k.as_str() != "order") {
            return Err(format!("unknown release field {k:?} (order)"));
        }
        match fields.get("order").map(|v| v.as_str()) {
            None | Some(Some("in-order")) => Ok(ReleaseOrder::InOrder),
            Some(Some("reverse")) => Ok(ReleaseOrder::Reverse),
            Some(Some("shuffle")) => Ok(ReleaseOrder::Shuffle),
            Some(_) => Err("\"order\" must be \"in-order\", \"reverse\" or \"shuffle\"".into()),
        }
    }

    fn name(self) -> &'static str {
        match self {
            ReleaseOrder::InOrder => "in-order",
            ReleaseOrder::Reverse => "reverse",
            ReleaseOrder::Shuffle => "shuffle",
        }
    }
}

/// The key that orders deliveries: one line per URL and payment.
pub fn line_key(url: &str, gateway: &str, payment_id: &str) -> String {
    format!("{url} {gateway} {payment_id}")
}

#[derive(Default)]
pub struct DeliveryOrder {
    holding: bool,
    /// Deliveries created while holding, oldest first: (delivery id, line key).
    held: Vec<(String, String)>,
    /// Per line, the completion of the delivery last put in it.
    last: HashMap<String, oneshot::Receiver<()>>,
    /// Put in line, not yet handed to a sending task.
    startable: Vec<Start>,
}

impl DeliveryOrder {
    pub fn reset(&mut self) {
        *self = DeliveryOrder::default();
    }

    pub fn holding(&self) -> bool {
        self.holding
    }

    pub fn hold(&mut self) -> Value {
        self.holding = true;
        json!({"holding": true})
    }

    /// A delivery was just created: held, or put at the end of its line. Answers whether
    /// it is held.
    pub fn admit(&mut self, id: String, key: String) -> bool {
        if self.holding {
            self.held.push((id, key));
        } else {
            self.line_up(id, key);
        }
        self.holding
    }

    /// Stops holding and lines the held deliveries up in `order`. Answers their ids in
    /// that order.
    pub fn release(&mut self, order: ReleaseOrder) -> Vec<String> {
        self.holding = false;
        let mut held = std::mem::take(&mut self.held);
        match order {
            ReleaseOrder::InOrder => {}
            ReleaseOrder::Reverse => held.reverse(),
            ReleaseOrder::Shuffle => {
                for i in (1..held.len()).rev() {
                    held.swap(i, (random_u64() % (i as u64 + 1)) as usize);
                }
            }
        }
        let ids: Vec<String> = held.iter().map(|(id, _)| id.clone()).collect();
        for (id, key) in held {
            self.line_up(id, key);
        }
        ids
    }

    pub fn release_json(order: ReleaseOrder, ids: &[String]) -> Value {
        json!({"released": ids, "order": order.name()})
    }

    /// What the caller must start now (each waits for its turn by itself).
    pub fn take_startable(&mut self) -> Vec<Start> {
        std::mem::take(&mut self.startable)
    }

    fn line_up(&mut self, id: String, key: String) {
        let (done, finished) = oneshot::channel();
        let turn = self.last.insert(key, finished);
        self.startable.push((id, turn, done));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_delivery_waits_for_the_one_before_it_on_the_same_line() {
        let mut order = DeliveryOrder::default();
        order.admit("a".into(), "k".into());
        order.admit("b".into(), "other".into());
        order.admit("c".into(), "k".into());
        let mut started = order.take_startable();
        let ids: Vec<&str> = started.iter().map(|(id, _, _)| id.as_str()).collect();
        assert_eq!(ids, ["a", "b", "c"]);
        assert!(started[0].1.is_none() && started[1].1.is_none());
        let (_, turn_c, _) = started.pop().unwrap();
        let mut turn_c = turn_c.expect("c waits for a");
        assert_eq!(turn_c.try_recv(), Err(oneshot::error::TryRecvError::Empty));
        drop(started.remove(0)); // a is finished
        assert_eq!(turn_c.try_recv(), Err(oneshot::error::TryRecvError::Closed));
    }

    #[test]
    fn held_deliveries_are_released_in_the_asked_order() {
        let mut order = DeliveryOrder::default();
        order.hold();
        assert!(order.admit("ready".into(), "k".into()));
        assert!(order.admit("paid".into(), "k".into()));
        assert!(order.take_startable().is_empty());
        assert_eq!(order.release(ReleaseOrder::Reverse), ["paid", "ready"]);
        let started = order.take_startable();
        assert!(started[0].1.is_none(), "paid goes first");
        assert!(started[1].1.is_some(), "ready waits for paid");
        assert!(
            !order.admit("cancelled".into(), "k".into()),
            "no longer holding"
        );
    }

    #[test]
    fn release_bodies_are_strict() {
        assert_eq!(ReleaseOrder::from_body(b""), Ok(ReleaseOrder::InOrder));
        assert_eq!(
            ReleaseOrder::from_body(br#"{"order":"shuffle"}"#),
            Ok(ReleaseOrder::Shuffle)
        );
        assert!(ReleaseOrder::from_body(br#"{"order":"backwards"}"#).is_err());
        assert!(ReleaseOrder::from_body(br#"{"ordre":"reverse"}"#).is_err());
    }
}

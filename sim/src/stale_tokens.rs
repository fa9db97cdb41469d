//! Counts business requests that carry a bearer token the gateway already rejected
//! (answered 401) to the same client after that client had moved on to a fresher token:
//! a client that goes back to such a token has lost track of its cache. `GET /__sim/stats`
//! reports them per gateway as `staleTokenUses` (`make soak` asserts there are none).
//! A client is told apart by its `User-Agent`: processes sharing a NICEPAY or PortOne V1
//! token each learn of its rejection from their own 401, and a client that has no other
//! token (NICEPAY hands out the same one until it expires) is not going back to anything.
//!
//! A request that left the client a moment before it moved on is not stale: only uses
//! more than `GRACE` after both the rejection and the fresher token's first use count.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::state::Gateway;

/// How long after a rejection, and after the client first sent a fresher token, it may
/// still send the rejected one: requests already on their way.
const GRACE: Duration = Duration::from_secs(2);
/// Rejections older than this are forgotten when the map grows (bounded memory).
const REMEMBER: Duration = Duration::from_secs(3600);

#[derive(Default)]
pub struct StaleTokens {
    /// Per gateway: (client, rejected token) -> when it was first answered 401 to it.
    rejected: [HashMap<(String, String), Instant>; 3],
    /// Per gateway: client -> the last token it sent that was not rejected to it, and when
    /// it first sent that one.
    current: [HashMap<String, (String, Instant)>; 3],
    sweep_at: usize,
    pub uses: [u64; 3],
}

impl StaleTokens {
    /// A business request of `gateway` from `client` carrying `token` arrived.
    pub fn used(&mut self, gateway: Gateway, client: &str, token: &str, now: Instant) {
        let g = gateway.index();
        let key = (client.to_owned(), token.to_owned());
        let Some(&rejected_at) = self.rejected[g].get(&key) else {
            let current = self.current[g].get(client);
            if current.is_none_or(|(t, _)| t != token) {
                if self.current[g].len() >= 4096 {
                    self.current[g].clear(); // a simulator fed random user agents: bounded
                }
                self.current[g].insert(client.to_owned(), (token.to_owned(), now));
            }
            return;
        };
        if let Some((fresher, first_sent)) = self.current[g].get(client) {
            if fresher != token
                && *first_sent > rejected_at
                && now.saturating_duration_since(*first_sent) > GRACE
            {
                self.uses[g] += 1;
            }
        }
    }

    /// The gateway answered 401 to a request from `client` carrying `token`.
    pub fn rejected(&mut self, gateway: Gateway, client: &str, token: &str, now: Instant) {
        let map = &mut self.rejected[gateway.index()];
        map.entry((client.to_owned(), token.to_owned()))
            .or_insert(now);
        if map.len() >= self.sweep_at {
            map.retain(|_, at| now.duration_since(*at) < REMEMBER);
            self.sweep_at = (map.len() * 2).max(64);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NICEPAY: Gateway = Gateway::Nicepay;

    fn after(t0: Instant, ms: u64) -> Instant {
        t0 + Duration::from_millis(ms)
    }

    #[test]
    fn counts_going_back_to_a_rejected_token_after_a_fresher_one_and_the_grace() {
        let t0 = Instant::now();
        let mut stale = StaleTokens::default();
        stale.used(NICEPAY, "shop-a", "old", t0);
        stale.rejected(NICEPAY, "shop-a", "old", after(t0, 1000));
        stale.used(NICEPAY, "shop-a", "new", after(t0, 1100));
        stale.used(NICEPAY, "shop-a", "old", after(t0, 2000)); // still on its way: within the grace
        stale.used(NICEPAY, "shop-a", "new", after(t0, 5000)); // the fresh one: fine
                                                               // Another process holding the old token learns of the rejection from its own 401.
        stale.used(NICEPAY, "shop-b", "old", after(t0, 5000));
        assert_eq!(stale.uses, [0, 0, 0]);
        stale.used(NICEPAY, "shop-a", "old", after(t0, 3200));
        assert_eq!(stale.uses, [1, 0, 0]);
    }

    #[test]
    fn a_rejected_token_the_client_has_nothing_fresher_than_is_not_stale() {
        // NICEPAY hands out the same token until it expires: after a 401 for a live token
        // a client has nothing fresher to send.
        let t0 = Instant::now();
        let mut stale = StaleTokens::default();
        stale.used(NICEPAY, "shop", "only", t0);
        stale.rejected(NICEPAY, "shop", "only", after(t0, 10));
        stale.used(NICEPAY, "shop", "only", after(t0, 10_000));
        // A fresher token sent before the rejection does not make the rejected one stale.
        stale.used(Gateway::PortoneV1, "shop", "newer", t0);
        stale.used(Gateway::PortoneV1, "shop", "older", after(t0, 5));
        stale.rejected(Gateway::PortoneV1, "shop", "older", after(t0, 10));
        stale.used(Gateway::PortoneV1, "shop", "older", after(t0, 10_000));
        assert_eq!(stale.uses, [0, 0, 0]);
    }
}

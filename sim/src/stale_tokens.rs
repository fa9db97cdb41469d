//! Counts business requests that carry a bearer token the gateway already rejected
//! (answered 401) to the same client while a fresher token of that gateway existed: a
//! client that keeps sending such a token has lost track of its cache. `GET /__sim/stats`
//! reports them per gateway as `staleTokenUses` (`make soak` asserts there are none).
//! A client is told apart by its `User-Agent`: processes sharing a NICEPAY or PortOne V1
//! token each learn of its rejection from their own 401.
//!
//! A request that left the client a moment before its 401 or the fresher token became
//! known to it is not stale: only uses more than `GRACE` after both are counted.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::state::Gateway;

/// How long after a rejection (and after the fresher token was issued) a client may
/// still send the rejected token: requests already on their way.
const GRACE: Duration = Duration::from_secs(2);
/// Rejections older than this are forgotten when the map grows (bounded memory).
const REMEMBER: Duration = Duration::from_secs(3600);

#[derive(Default)]
pub struct StaleTokens {
    /// Per gateway: (client, rejected token) -> when it was first answered 401 to it.
    rejected: [HashMap<(String, String), Instant>; 3],
    /// Per gateway: the newest issued token and when.
    newest: [Option<(String, Instant)>; 3],
    sweep_at: usize,
    pub uses: [u64; 3],
}

impl StaleTokens {
    pub fn issued(&mut self, gateway: Gateway, token: &str, now: Instant) {
        self.newest[gateway.index()] = Some((token.to_owned(), now));
    }

    /// A business request of `gateway` from `client` carrying `token` arrived.
    pub fn used(&mut self, gateway: Gateway, client: &str, token: &str, now: Instant) {
        let g = gateway.index();
        let key = (client.to_owned(), token.to_owned());
        let (Some(&rejected_at), Some((newest, issued_at))) =
            (self.rejected[g].get(&key), &self.newest[g])
        else {
            return;
        };
        if newest != token && now.saturating_duration_since(rejected_at.max(*issued_at)) > GRACE {
            self.uses[g] += 1;
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
    fn counts_a_rejected_token_sent_after_a_fresher_one_and_the_grace() {
        let t0 = Instant::now();
        let mut stale = StaleTokens::default();
        stale.issued(NICEPAY, "old", t0);
        stale.rejected(NICEPAY, "shop-a", "old", after(t0, 1000));
        stale.issued(NICEPAY, "new", after(t0, 1100));
        stale.used(NICEPAY, "shop-a", "old", after(t0, 2000)); // still on its way: within the grace
        stale.used(NICEPAY, "shop-a", "new", after(t0, 5000));
        // Another process holding the old token learns of the rejection from its own 401.
        stale.used(NICEPAY, "shop-b", "old", after(t0, 5000)); // the fresh one: fine
        assert_eq!(stale.uses, [0, 0, 0]);
        stale.used(NICEPAY, "shop-a", "old", after(t0, 3200));
        assert_eq!(stale.uses, [1, 0, 0]);
    }

    #[test]
    fn a_rejected_token_that_is_still_the_newest_is_not_stale() {
        // NICEPAY hands out the same token until it expires: after a 401 for a live token
        // a client has nothing fresher to send.
        let t0 = Instant::now();
        let mut stale = StaleTokens::default();
        stale.issued(NICEPAY, "only", t0);
        stale.rejected(NICEPAY, "shop", "only", after(t0, 10));
        stale.used(NICEPAY, "shop", "only", after(t0, 10_000));
        stale.used(Gateway::PortoneV1, "shop", "only", after(t0, 10_000));
        assert_eq!(stale.uses, [0, 0, 0]);
    }
}

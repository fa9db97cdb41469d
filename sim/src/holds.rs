//! The `hold` fault: a matching gateway request is counted on arrival, then waits until
//! `POST /__sim/release` (or a cleared fault list, or a reset) lets every held request go
//! on to its normal answer. A test keeps requests in flight for exactly as long as it
//! needs — no delay that a loaded machine may outlive — and learns how many are waiting
//! from `GET /__sim/stats` → `held`.

use serde_json::{json, Value};
use tokio::sync::watch;

/// The requests held now, and the release signal they wait on.
pub struct Holds {
    /// Bumped by each release; a held request waits for the next bump after its arrival.
    released: watch::Sender<u64>,
    /// Held and not yet released.
    waiting: u64,
}

impl Default for Holds {
    fn default() -> Self {
        Holds {
            released: watch::channel(0).0,
            waiting: 0,
        }
    }
}

/// One held request: resolves when it is released.
pub struct Held(watch::Receiver<u64>);

impl Held {
    pub async fn released(mut self) {
        // An error means the simulator is stopping: the request goes on, as if released.
        let _ = self.0.changed().await;
    }
}

impl Holds {
    /// Holds a request that just arrived (called under the state lock, like the fault
    /// match, so a release can never slip in between).
    pub fn hold(&mut self) -> Held {
        self.waiting += 1;
        Held(self.released.subscribe())
    }

    /// Lets every held request go on; answers how many there were.
    pub fn release(&mut self) -> Value {
        let released = std::mem::take(&mut self.waiting);
        self.released.send_modify(|n| *n += 1);
        json!({"released": released})
    }

    pub fn waiting(&self) -> u64 {
        self.waiting
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn held_requests_wait_for_the_next_release_and_no_other() {
        let mut holds = Holds::default();
        let first = tokio::spawn(holds.hold().released());
        let second = tokio::spawn(holds.hold().released());
        assert_eq!(holds.waiting(), 2);
        tokio::task::yield_now().await;
        assert!(!first.is_finished() && !second.is_finished());
        assert_eq!(holds.release(), json!({"released": 2}));
        first.await.unwrap();
        second.await.unwrap();
        // A request held after that release waits for the next one.
        let later = holds.hold();
        assert_eq!(holds.waiting(), 1);
        let later = tokio::spawn(later.released());
        tokio::task::yield_now().await;
        assert!(!later.is_finished());
        holds.release();
        later.await.unwrap();
        assert_eq!(holds.waiting(), 0);
    }
}

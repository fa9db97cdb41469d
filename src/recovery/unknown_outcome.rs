//! Resending a request whose outcome is unknown, with the same idempotency key
//! (`retryUnknownOutcome`). Only a request that carries a key is ever resent: PortOne V2
//! answers a resend with the first attempt's answer, so the payment is processed once.
//! Everything else (NICEPAY, PortOne V1, a V2 GET) is sent exactly once, as before.
//!
//! The decision is a pure function of what the attempt gave and the time left ([`decide`]),
//! so it is tested without sleeping; [`run`] is the loop around it.

use std::time::{Duration, Instant};

use crate::error::{Error, Status};
use crate::transport::http::HttpResponse;

/// The first wait before a resend; it doubles up to [`MAX_BACKOFF`].
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(1);
/// A resend needs at least this much of the deadline after its wait, or it is not made.
const MIN_ATTEMPT: Duration = Duration::from_millis(100);
/// PortOne V2's answer while the first request with the key is still running.
pub const OUTSTANDING: &str = "IDEMPOTENCY_OUTSTANDING_REQUEST";

/// What one attempt gave, as far as resending goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attempt {
    /// An answer or an error that resending would not change: return it.
    Final,
    /// A timeout or a connection lost before a full answer: the gateway may have acted.
    Unknown,
    /// `409 IDEMPOTENCY_OUTSTANDING_REQUEST`: the first attempt is still running.
    Outstanding,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    Return,
    ResendAfter(Duration),
    GiveUp,
}

pub fn classify(outcome: &Result<HttpResponse, Error>) -> Attempt {
    match outcome {
        Err(e) if e.status == Status::Timeout || e.status == Status::Network => Attempt::Unknown,
        Ok(answer)
            if answer.status == 409 && error_type(answer).as_deref() == Some(OUTSTANDING) =>
        {
            Attempt::Outstanding
        }
        _ => Attempt::Final,
    }
}

fn error_type(answer: &HttpResponse) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(&answer.body).ok()?;
    value.get("type")?.as_str().map(str::to_owned)
}

/// The wait before resend number `resends + 1`: 100 ms, 200 ms, 400 ms, ... at most 1 s.
pub fn backoff(resends: u32) -> Duration {
    FIRST_BACKOFF
        .saturating_mul(1u32 << resends.min(10))
        .min(MAX_BACKOFF)
}

/// Whether to resend after an attempt, given the resends made so far and the time left
/// until the call's deadline.
pub fn decide(attempt: Attempt, resends: u32, left: Duration) -> Verdict {
    if attempt == Attempt::Final {
        return Verdict::Return;
    }
    let wait = backoff(resends);
    if left >= wait + MIN_ATTEMPT {
        Verdict::ResendAfter(wait)
    } else {
        Verdict::GiveUp
    }
}

/// How long one attempt may take, out of the `left` of the call's deadline: three
/// quarters of it, so that a resend (after a gateway that hangs once it has acted) still
/// fits in the deadline and gets the gateway's stored answer; all of it when the quarter
/// kept back would be too short for a resend anyway. A request that is merely slow loses
/// nothing: the resend finds it still running (409) and waits for its answer.
pub fn attempt_budget(left: Duration, resends: u32) -> Duration {
    let reserve = left / 4;
    if reserve >= backoff(resends) + MIN_ATTEMPT {
        left - reserve
    } else {
        left
    }
}

/// Sends with `attempt(time_for_this_attempt)` and resends while [`decide`] says so, within
/// `timeout` from now; `on_resend` is called before each resend (the stats counter).
pub fn run(
    timeout: Duration,
    key: &str,
    mut attempt: impl FnMut(Duration) -> Result<HttpResponse, Error>,
    mut on_resend: impl FnMut(),
) -> Result<HttpResponse, Error> {
    let deadline = Instant::now() + timeout;
    let mut resends = 0u32;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let outcome = attempt(attempt_budget(left, resends).max(Duration::from_millis(1)));
        let kind = classify(&outcome);
        let left = deadline.saturating_duration_since(Instant::now());
        match decide(kind, resends, left) {
            Verdict::Return => return outcome,
            Verdict::ResendAfter(wait) => {
                std::thread::sleep(wait);
                resends += 1;
                on_resend();
            }
            Verdict::GiveUp => return Err(gave_up(outcome, kind, resends + 1, key, timeout)),
        }
    }
}

/// The error when the deadline ran out with the outcome still unknown: how many attempts
/// were made, and that the same key may be resent later (PortOne keeps it 3 hours).
fn gave_up(
    outcome: Result<HttpResponse, Error>,
    kind: Attempt,
    attempts: u32,
    key: &str,
    timeout: Duration,
) -> Error {
    let last = match (outcome, kind) {
        (Err(e), _) => e,
        (Ok(answer), _) => Error::timeout(format!(
            "PortOne V2 was still processing the first request with this key (HTTP 409 {OUTSTANDING})"
        ))
        .with_http_status(answer.status)
        .with_gateway_code(OUTSTANDING),
    };
    with_key_advice(last, key, Some((attempts, timeout)))
}

/// Puts the key, and what to do with it, at the front of a timeout or network error's
/// message (the outcome is unknown; the same key tells it later).
pub fn with_key_advice(mut e: Error, key: &str, tries: Option<(u32, Duration)>) -> Error {
    let unknown = e.status == Status::Timeout || e.status == Status::Network;
    if !unknown {
        return e;
    }
    let tries = match tries {
        Some((n, t)) => format!(
            " after {n} attempt{} within the call's {} ms",
            if n == 1 { "" } else { "s" },
            t.as_millis()
        ),
        None => String::new(),
    };
    e.message = format!(
        "outcome unknown{tries}; the request carried Idempotency-Key \"{key}\": send it again with the same key (PortOne keeps it 3 h) to get the gateway's answer without acting twice: {}",
        e.message
    );
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, body: &str) -> Result<HttpResponse, Error> {
        Ok(HttpResponse {
            status,
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
        })
    }

    #[test]
    fn what_is_resent() {
        assert_eq!(classify(&Err(Error::timeout("t"))), Attempt::Unknown);
        assert_eq!(classify(&Err(Error::network("n"))), Attempt::Unknown);
        assert_eq!(classify(&Err(Error::tls("x"))), Attempt::Final);
        assert_eq!(classify(&Err(Error::gateway("x"))), Attempt::Final);
        assert_eq!(classify(&answer(200, "{}")), Attempt::Final);
        assert_eq!(
            classify(&answer(
                409,
                r#"{"type":"IDEMPOTENCY_OUTSTANDING_REQUEST","message":"m"}"#
            )),
            Attempt::Outstanding
        );
        assert_eq!(
            classify(&answer(409, r#"{"type":"PAYMENT_ALREADY_CANCELLED"}"#)),
            Attempt::Final
        );
        assert_eq!(classify(&answer(409, "not json")), Attempt::Final);
    }

    #[test]
    fn backoff_doubles_to_a_cap() {
        let ms: Vec<u128> = (0..6).map(|n| backoff(n).as_millis()).collect();
        assert_eq!(ms, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(backoff(u32::MAX), MAX_BACKOFF);
    }

    #[test]
    fn resends_only_while_the_deadline_allows() {
        let s = Duration::from_secs;
        let ms = Duration::from_millis;
        assert_eq!(decide(Attempt::Final, 0, s(10)), Verdict::Return);
        assert_eq!(
            decide(Attempt::Unknown, 0, s(10)),
            Verdict::ResendAfter(ms(100))
        );
        assert_eq!(
            decide(Attempt::Outstanding, 3, s(10)),
            Verdict::ResendAfter(ms(800))
        );
        assert_eq!(
            decide(Attempt::Unknown, 0, ms(200)),
            Verdict::ResendAfter(ms(100))
        );
        assert_eq!(decide(Attempt::Unknown, 0, ms(199)), Verdict::GiveUp);
        assert_eq!(decide(Attempt::Outstanding, 9, ms(1099)), Verdict::GiveUp);
        assert_eq!(decide(Attempt::Unknown, 0, Duration::ZERO), Verdict::GiveUp);
    }

    #[test]
    fn an_attempt_leaves_room_for_a_resend() {
        let ms = Duration::from_millis;
        assert_eq!(attempt_budget(ms(60_000), 0), ms(45_000));
        assert_eq!(attempt_budget(ms(4_000), 0), ms(3_000));
        assert_eq!(attempt_budget(ms(800), 0), ms(600));
        assert_eq!(
            attempt_budget(ms(799), 0),
            ms(799),
            "too little to keep back"
        );
        assert_eq!(
            attempt_budget(ms(1_000), 3),
            ms(1_000),
            "the backoff has grown"
        );
    }

    #[test]
    fn giving_up_names_the_attempts_and_the_key() {
        let e = gave_up(
            answer(409, r#"{"type":"IDEMPOTENCY_OUTSTANDING_REQUEST"}"#),
            Attempt::Outstanding,
            3,
            "k-0123456789abcdef",
            Duration::from_millis(1500),
        );
        assert_eq!(e.status, Status::Timeout);
        assert_eq!(e.http_status, 409);
        assert_eq!(e.gateway_code, OUTSTANDING);
        assert!(e
            .message
            .contains("after 3 attempts within the call's 1500 ms"));
        assert!(e.message.contains("\"k-0123456789abcdef\""));
        assert!(e.message.contains("3 h"));
        let auth = with_key_advice(Error::auth("no"), "k", None);
        assert_eq!(auth.message, "no");
    }
}

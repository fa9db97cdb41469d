//! Recovery from unknown outcomes: PortOne V2's `Idempotency-Key` (`idempotency`), the
//! resend-with-the-same-key loop (`unknown_outcome`) and NICEPAY's network cancel
//! (`netcancel`).

pub(crate) mod idempotency;
pub(crate) mod netcancel;
pub(crate) mod unknown_outcome;

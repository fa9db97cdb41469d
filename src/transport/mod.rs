//! Transport: how bytes reach a gateway. `http` (agents, deadlines, error mapping),
//! `origin` (which origins are allowed: HTTPS only except loopback), `proxy` and
//! `resolver` (DNS with a short cache). Knows nothing of gateways or tokens.

pub(crate) mod http;
pub(crate) mod origin;
pub(crate) mod proxy;
pub(crate) mod resolver;

//! paytoken: a process-wide cache of payment-gateway access tokens (NICEPAY, PortOne V1,
//! PortOne V2) and authorized requests, exposed as a C ABI for PHP, Python, Node and
//! Java servers. See `include/paytoken.h` for the API and README.md for the behaviour.
//!
//! Layout (each folder one subsystem; its `mod.rs` says what it holds):
//! - `ffi/`: the C boundary, every exported function and nothing else (argument checks,
//!   panic catching, secret scrubbing of what crosses it, conversions). All the C API's
//!   `unsafe` is there, and nothing outside it names a C type (`paytoken_status` is
//!   `ffi/status.rs`; the core's `error::Status` has the same numbers). `safe_api.rs`,
//!   the Rust callers' layer over the C functions, lives there too.
//! - `sys/`: every system call and the core's other `unsafe` (atfork hooks, `flock`,
//!   fd 2, the wiping allocator), as small safe functions. `scripts/check-boundary.sh`
//!   (`make lint`) fails on a C type, an export or an `unsafe` outside `ffi/` and `sys/`.
//! - `call/`: the call pipeline (`run.rs`): a checked `Call` sent with the client's
//!   authorization, 401 handling and the idempotency key; `client.rs` is the client.
//! - `config/`: the config's types, its parser and per-key checks, and its key table
//!   (`schema.rs`).
//! - `cache/`: the process-wide token cache (and the host-wide `cacheDir` file).
//! - `gateway/`: everything NICEPAY, PortOne V1 and PortOne V2 specific.
//! - `transport/`: HTTP, allowed origins, proxy, DNS.
//! - `recovery/`: idempotency keys, resends after an unknown outcome, NICEPAY's
//!   network cancel.
//! - `runtime/`: the async worker pool, the log sink, and `fork.rs`, the one owner of
//!   fork safety.
//! - `secrets/`: the secret type, redaction, and the wiping allocator.
//! - `error.rs` (the error type and its kinds), `text.rs` (charsets), `timestamp.rs`.

#![deny(unsafe_op_in_unsafe_fn)]
// `unsafe` (and `#[no_mangle]`) only where it is allowed by name: `ffi/`, `sys/`, and the
// one documented exception in `secrets/redact.rs`. The compiler checks what
// scripts/check-boundary.sh also checks as text.
#![deny(unsafe_code)]
// The exported functions take raw pointers from C by design; each checks them (NULL is
// PAYTOKEN_E_INVALID_ARGUMENT) and documents what it needs. Marking them `unsafe fn`
// would change nothing for C callers. rustls-ffi makes the same choice.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

#[allow(unsafe_code)]
pub mod ffi;

mod cache;
#[cfg(feature = "test-clock")]
#[doc(hidden)]
pub use cache::test_clock;
mod call;
mod config;
pub mod error;
mod gateway;
mod recovery;
mod runtime;
mod secrets;
// System calls and the core's other `unsafe`, in one place (`pub` only for the command's
// `effective_uid`; not a supported Rust API).
#[doc(hidden)]
#[allow(unsafe_code)]
pub mod sys;
mod text;
mod timestamp;
mod transport;
mod verify;

// The safe Rust layer over the C functions for tests, benches and the command (not C API;
// it lives in ffi/ because it names the C types).
#[doc(hidden)]
pub use ffi::safe_api;

// Internal parsers for the fuzz targets in fuzz/ (see src/fuzzing.rs); off by default.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;

/// Every heap block the library frees is zeroed first (see `secrets/wipe.rs`,
/// `sys/alloc.rs`), or given back to the kernel if it is 128 KiB or more
/// (`sys/big_blocks.rs`: glibc would otherwise keep such memory in its arenas), and the
/// bytes it holds are counted (`sys/heap.rs`, `paytoken_heap_in_use`).
#[global_allocator]
static ALLOCATOR: sys::heap::Counted<
    sys::big_blocks::BigBlocksByMmap<sys::alloc::WipingAllocator>,
> = sys::heap::Counted(sys::big_blocks::BigBlocksByMmap(
    sys::alloc::WipingAllocator,
));

pub use ffi::async_call::{
    paytoken_callback, paytoken_get_token_async, paytoken_get_token_cached,
    paytoken_nicepay_netcancel_async, paytoken_request_async,
};
pub use ffi::client::{
    paytoken_client, paytoken_client_free, paytoken_client_new, paytoken_client_stats,
};
pub use ffi::error::paytoken_error;
pub use ffi::heap::paytoken_heap_in_use;
pub use ffi::log::{
    paytoken_log_configure, paytoken_log_dropped, paytoken_log_fn, paytoken_log_next,
};
pub use ffi::phase::{paytoken_error_phase, paytoken_phase};
pub use ffi::queue::{
    paytoken_completion, paytoken_queue, paytoken_queue_drain, paytoken_queue_fd,
    paytoken_queue_free, paytoken_queue_new, paytoken_queue_wait,
};
pub use ffi::queued_call::{
    paytoken_get_token_queued, paytoken_nicepay_netcancel_queued, paytoken_request_queued,
};
pub use ffi::recovery::{
    paytoken_idempotency_key_drawn, paytoken_idempotency_key_new, paytoken_idempotency_key_pin,
    paytoken_nicepay_netcancel, paytoken_nicepay_sign,
};
pub use ffi::request::{paytoken_request, paytoken_request_ex};
pub use ffi::response::{
    paytoken_response, paytoken_response_body, paytoken_response_free, paytoken_response_header,
    paytoken_response_headers_json, paytoken_response_idempotency_key, paytoken_response_status,
    paytoken_response_text,
};
pub use ffi::response_view::{paytoken_response_read, paytoken_response_view};
pub use ffi::status::paytoken_status;
pub use ffi::token::{paytoken_get_token, paytoken_invalidate, paytoken_string_free};
pub use ffi::verify::{paytoken_verify_payment, paytoken_verify_webhook};
pub use ffi::version::{
    paytoken_abi_version, paytoken_config_schema, paytoken_error_size, paytoken_strerror,
    paytoken_version,
};

/// The config key table, for the `paytoken` command (not part of the C API).
#[doc(hidden)]
pub use config::schema::{key_table as config_key_table, KeyType as ConfigKeyType};

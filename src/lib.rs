//! paytoken: a process-wide cache of payment-gateway access tokens (NICEPAY, PortOne V1,
//! PortOne V2) and authorized requests, exposed as a C ABI for PHP, Python, Node and
//! Java servers. See `include/paytoken.h` for the API and README.md for the behaviour.
//!
//! One module per exposed type (client, token, request, response), the shared machinery
//! beside them (config, cache, http, gateway), and `ffi` for the boundary itself.

#![deny(unsafe_op_in_unsafe_fn)]
// The exported functions take raw pointers from C by design; each checks them (NULL is
// PAYTOKEN_E_INVALID_ARGUMENT) and documents what it needs. Marking them `unsafe fn`
// would change nothing for C callers. rustls-ffi makes the same choice.
#![allow(clippy::not_unsafe_ptr_arg_deref)]

mod ffi;

pub mod async_call;

mod cache;
mod call_options;
pub mod client;
mod config;
mod config_schema;
pub mod error;
mod fork;
mod gateway;
mod http;
mod idempotency;
mod log;
pub mod log_sink;
mod netcancel;
mod origin;
mod proxy;
mod redact;
pub mod request;
mod resolver;
pub mod response;
mod secret;
mod text;
mod timestamp;
pub mod token;
mod unknown_outcome;
pub mod version;
mod wipe;
mod worker_pool;

// The safe Rust layer over the C functions for tests, benches and the command (not C API).
#[doc(hidden)]
pub mod safe_api;

// Internal parsers for the fuzz targets in fuzz/ (see src/fuzzing.rs); off by default.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;

/// Every heap block the library frees is zeroed first (see `wipe.rs`).
#[global_allocator]
static ALLOCATOR: wipe::WipingAllocator = wipe::WipingAllocator;

pub use async_call::{
    paytoken_callback, paytoken_get_token_async, paytoken_get_token_cached, paytoken_request_async,
};
pub use client::{
    paytoken_client, paytoken_client_free, paytoken_client_new, paytoken_client_stats,
};
pub use error::{paytoken_error, paytoken_status};
pub use idempotency::paytoken_idempotency_key_new;
pub use log_sink::{paytoken_log_configure, paytoken_log_dropped, paytoken_log_next};
pub use netcancel::{paytoken_nicepay_netcancel, paytoken_nicepay_sign};
pub use request::{paytoken_request, paytoken_request_ex};
pub use response::{
    paytoken_response, paytoken_response_body, paytoken_response_free, paytoken_response_header,
    paytoken_response_headers_json, paytoken_response_idempotency_key, paytoken_response_status,
    paytoken_response_text,
};
pub use token::{paytoken_get_token, paytoken_invalidate, paytoken_string_free};
pub use version::{
    paytoken_abi_version, paytoken_config_schema, paytoken_error_size, paytoken_strerror,
    paytoken_version,
};

/// The config key table, for the `paytoken` command (not part of the C API).
#[doc(hidden)]
pub use config_schema::{key_table as config_key_table, KeyType as ConfigKeyType};

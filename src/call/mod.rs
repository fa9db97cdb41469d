//! A call: one request's checked arguments (`Call`), what it produced (`Sent`), and the
//! pipeline that sends it (`run`). The C boundary (`ffi::request`, `ffi::async_call`)
//! only converts arguments into a `Call` and a `Sent` into a response.

pub(crate) mod args;
pub(crate) mod client;
pub(crate) mod options;
pub(crate) mod run;

use std::borrow::Cow;

use crate::error::Error;
use crate::recovery::idempotency;
use crate::transport::http::HttpResponse;

pub(crate) use client::Client;
use options::CallOptions;

/// One request's arguments, checked. The synchronous call borrows the caller's path and
/// body; the asynchronous one owns them (`into_owned`), so nothing is copied twice.
pub(crate) struct Call<'a> {
    pub method: &'static str,
    pub path: Cow<'a, str>,
    pub headers: Vec<(String, String)>,
    pub body: Cow<'a, [u8]>,
    pub options: CallOptions,
}

impl<'a> Call<'a> {
    pub fn check(
        method: &str,
        path: Cow<'a, str>,
        headers_json: Option<&str>,
        body: Cow<'a, [u8]>,
        options_json: Option<&str>,
    ) -> Result<Call<'a>, Error> {
        let method = args::check_method(method)?;
        args::check_path(&path)?;
        let headers = args::parse_headers(headers_json)?;
        if method == "GET" && !body.is_empty() {
            return Err(Error::invalid("a GET request carries no body"));
        }
        let options = CallOptions::parse(options_json)?;
        if options.idempotency_key.is_some()
            && headers
                .iter()
                .any(|(n, _)| n.eq_ignore_ascii_case(idempotency::HEADER))
        {
            return Err(Error::invalid(
                "an Idempotency-Key header in headers_json and the idempotencyKey option were both given: give one",
            ));
        }
        Ok(Call {
            method,
            path,
            headers,
            body,
            options,
        })
    }

    /// The same call, owning its path and body (for a call that outlives the caller's
    /// buffers: the asynchronous ones).
    pub fn into_owned(self) -> Call<'static> {
        Call {
            method: self.method,
            path: Cow::Owned(self.path.into_owned()),
            headers: self.headers,
            body: Cow::Owned(self.body.into_owned()),
            options: self.options,
        }
    }

    /// Sends it through the pipeline (see `run`).
    pub fn send(&self, client: &Client) -> Result<Sent, Error> {
        run::run(client, self)
    }
}

/// What a sent call produced: the answer and the idempotency key the request carried.
pub(crate) struct Sent {
    pub answer: HttpResponse,
    pub idempotency_key: Option<String>,
}

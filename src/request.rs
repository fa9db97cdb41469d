//! `paytoken_request`: an authorized request to the configured origin, with one retry
//! on 401 using a fresh token.

use std::os::raw::c_char;

use serde_json::Value;

use crate::cache::Stats;
use crate::cache::{AfterRefusal, Attempt};
use crate::call_options::CallOptions;
use crate::client::paytoken_client;
use crate::config::{Config, Scheme};
use crate::error::{paytoken_error, Error};
use crate::ffi::{self, ffi_fallible, try_out, try_ref};
use crate::gateway;
use crate::http::{self, HttpResponse, Purpose};
use crate::idempotency;
use crate::redact;
use crate::response::paytoken_response;
use crate::secret::Secret;
use crate::unknown_outcome;

const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;
const MAX_PATH_BYTES: usize = 8 * 1024;
const MAX_HEADERS: usize = 64;
/// Headers the library owns: the caller may not set them.
const RESERVED_HEADERS: &[&str] = &[
    "authorization",
    "host",
    "content-length",
    "transfer-encoding",
    "connection",
    "upgrade",
    "te",
    "trailer",
];

/// Sends `method origin+path` with the right `Authorization` header (Bearer token, Basic
/// or `PortOne <secret>`), the config's fixed headers (`Tier`), then the caller's extra
/// headers, and writes the answer to `*response_out` (release it with
/// `paytoken_response_free`).
///
/// - `method`: "GET", "POST", "PUT", "PATCH" or "DELETE".
/// - `path`: starts with "/", may carry "?query"; an absolute URL is refused (the token
///   only ever goes to the configured origin).
/// - `headers_json`: NULL or a JSON object of extra headers, string values only.
/// - `body`/`body_len`: NULL/0 for none. With a body and no Content-Type given,
///   `application/json;charset=utf-8` is sent.
///
/// Any HTTP status comes back as a response (200, 404, 500 are not errors) except 401:
/// then the token is dropped, a fresh one fetched, and the request retried once; a second
/// 401 is `PAYTOKEN_E_AUTH`. When that fresh token is refused too, the token is kept and
/// for 5–6 s a 401 with it is `PAYTOKEN_E_AUTH` at once, without a token request (the
/// token-storm bound: an API refusing every token costs one token request per hold, not
/// one per call; the message says so, the stats count `fetchesSkippedAfterRefusal`). No redirect is followed. Nothing is resent after the request
/// may have reached the gateway: a timeout there is `PAYTOKEN_E_TIMEOUT` and the outcome
/// is unknown (reconcile with `paytoken_nicepay_netcancel` or PortOne V2's
/// Idempotency-Key) — unless `retryUnknownOutcome` is on and the request carries an
/// idempotency key (see `paytoken_request_ex`). A PortOne V2 POST/PUT/PATCH/DELETE
/// carries one by default (config `idempotency`).
#[no_mangle]
pub extern "C" fn paytoken_request(
    client: *const paytoken_client,
    method: *const c_char,
    path: *const c_char,
    headers_json: *const c_char,
    body: *const u8,
    body_len: usize,
    response_out: *mut *mut paytoken_response,
    err: *mut paytoken_error,
) -> i32 {
    paytoken_request_ex(
        client,
        method,
        path,
        headers_json,
        body,
        body_len,
        std::ptr::null(),
        response_out,
        err,
    )
}

/// `paytoken_request` with per-call options: `options_json` is NULL (the client's
/// defaults) or a JSON object of options for this call only. Unknown keys are
/// `PAYTOKEN_E_INVALID_ARGUMENT` naming the key. Keys:
///
/// - `timeoutMs`: whole-request deadline for this call (1 to 600000), replacing the
///   config's `timeoutMs` (an approval may wait 60 s, a lookup 5 s). With
///   `retryUnknownOutcome` every attempt shares it: it is the whole call's deadline.
/// - `idempotencyKey`: this call's `Idempotency-Key` (16–256 printable ASCII characters,
///   no `"` or `\`), sent as the RFC 8941 quoted string `"<key>"`. Get one from
///   `paytoken_idempotency_key_new` and store it before sending, so that you have it
///   when the call fails. Giving it together with an `Idempotency-Key` header in
///   `headers_json` is `PAYTOKEN_E_INVALID_ARGUMENT` (a header given alone is sent as is).
/// - `retryUnknownOutcome` (true/false): overrides the config key of that name.
///
/// Idempotency (PortOne V2): with config `idempotency` on (the default), every POST,
/// PUT, PATCH and DELETE of a PortOne V2 client carries an `Idempotency-Key`: the
/// caller's (option or header) or a fresh random one. NICEPAY and PortOne V1 requests
/// carry one only if the caller gives it. `paytoken_response_idempotency_key` tells the
/// key a response's request carried.
///
/// Unknown outcomes (`retryUnknownOutcome` on, and only for a request that carries an
/// idempotency key, i.e. PortOne V2 mutating requests): after a timeout, or a
/// connection lost before a full answer, the request is resent with the SAME key after a
/// short backoff (100 ms doubling to 1 s) while the call's deadline allows (an attempt
/// gets at most three quarters of the time left, so that a resend fits); a `409` whose `type` is
/// `IDEMPOTENCY_OUTSTANDING_REQUEST` (the first attempt is still running at the gateway)
/// is waited on and asked again within the same deadline. The gateway answers a resend
/// with the first attempt's answer, so the payment is processed once. When the deadline
/// runs out, the error (`PAYTOKEN_E_TIMEOUT`/`PAYTOKEN_E_NETWORK`) says how many attempts
/// were made and that the same key may be retried later (PortOne keeps it 3 hours).
/// Requests without a key (all NICEPAY and PortOne V1 requests) are never resent. The
/// client's stats count resends as `unknownOutcomeRetries`.
///
/// Everything else is exactly as `paytoken_request`.
#[no_mangle]
pub extern "C" fn paytoken_request_ex(
    client: *const paytoken_client,
    method: *const c_char,
    path: *const c_char,
    headers_json: *const c_char,
    body: *const u8,
    body_len: usize,
    options_json: *const c_char,
    response_out: *mut *mut paytoken_response,
    err: *mut paytoken_error,
) -> i32 {
    ffi_fallible!(err, {
        let client = try_ref!(client);
        try_out!(response_out);
        // SAFETY: the caller's arguments, as documented above.
        let call =
            unsafe { Call::from_c(method, path, headers_json, body, body_len, options_json) }?;
        let response = Box::new(
            call.send(client)?
                .into_response(client.config.return_charset),
        );
        // SAFETY: checked non-NULL above.
        unsafe { *response_out = Box::into_raw(response) };
        Ok(())
    })
}

/// The body argument as a slice.
///
/// # Safety
/// `body` is NULL or points to `body_len` readable bytes.
pub(crate) unsafe fn body_arg<'a>(body: *const u8, body_len: usize) -> Result<&'a [u8], Error> {
    match (body.is_null(), body_len) {
        (_, 0) => Ok(&[]),
        (true, n) => Err(Error::invalid(format!("body is NULL but body_len is {n}"))),
        (false, n) if n > MAX_BODY_BYTES => Err(Error::invalid(format!(
            "body_len is {n}; at most {MAX_BODY_BYTES} bytes are sent"
        ))),
        // SAFETY: forwarded from the caller.
        (false, n) => Ok(unsafe { std::slice::from_raw_parts(body, n) }),
    }
}

/// One request's arguments, checked: what the synchronous and asynchronous calls share.
pub(crate) struct Call<'a> {
    pub method: &'static str,
    pub path: &'a str,
    pub headers: Vec<(String, String)>,
    pub body: &'a [u8],
    pub options: CallOptions,
}

impl<'a> Call<'a> {
    /// Reads and checks the C arguments of a request (shared by the sync and async calls).
    ///
    /// # Safety
    /// The strings are NULL or NUL-terminated and `body` points to `body_len` readable
    /// bytes (or is NULL/0), all valid for `'a`.
    pub unsafe fn from_c(
        method: *const c_char,
        path: *const c_char,
        headers_json: *const c_char,
        body: *const u8,
        body_len: usize,
        options_json: *const c_char,
    ) -> Result<Call<'a>, Error> {
        // SAFETY: forwarded from the caller.
        let (method, path, headers_json, options_json, body) = unsafe {
            (
                ffi::str_arg(method, "method")?,
                ffi::str_arg(path, "path")?,
                ffi::opt_str_arg(headers_json, "headers_json")?,
                ffi::opt_str_arg(options_json, "options_json")?,
                body_arg(body, body_len)?,
            )
        };
        Call::check(method, path, headers_json, body, options_json)
    }

    pub fn check(
        method: &str,
        path: &'a str,
        headers_json: Option<&str>,
        body: &'a [u8],
        options_json: Option<&str>,
    ) -> Result<Call<'a>, Error> {
        let method = check_method(method)?;
        check_path(path)?;
        let headers = parse_headers(headers_json)?;
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

    /// Sends it with the client's authorization (one retry on 401 with a fresh token).
    /// Every error is scrubbed of the client's secrets and tokens (`redact`).
    pub fn send(&self, client: &paytoken_client) -> Result<Sent, Error> {
        let key = self.idempotency_key(&client.config)?;
        let answer = redact::within(client, || send_authorized(client, self, key.as_ref()))?;
        Ok(Sent {
            answer,
            idempotency_key: key.map(|k| k.key),
        })
    }

    /// The idempotency key this call carries: the caller's header (used as is), the
    /// caller's `idempotencyKey` option, or a fresh one when the client sends keys.
    fn idempotency_key(&self, config: &Config) -> Result<Option<Keyed>, Error> {
        let header = self
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(idempotency::HEADER));
        Ok(match (header, &self.options.idempotency_key) {
            (Some((_, value)), _) => Some(Keyed {
                key: idempotency::unquoted(value).to_owned(),
                header: None,
            }),
            (None, Some(key)) => Some(Keyed::sent(key.clone())),
            (None, None) if idempotency::sends_key(config, self.method) => {
                Some(Keyed::sent(idempotency::new_key()?))
            }
            (None, None) => None,
        })
    }
}

/// The idempotency key of a call, and the header the library adds for it (None when the
/// caller's own `Idempotency-Key` header is already among the call's headers).
pub(crate) struct Keyed {
    pub key: String,
    header: Option<String>,
}

impl Keyed {
    fn sent(key: String) -> Keyed {
        let header = Some(idempotency::header_value(&key));
        Keyed { key, header }
    }
}

/// What a sent call produced: the answer and the idempotency key the request carried.
pub(crate) struct Sent {
    pub answer: HttpResponse,
    pub idempotency_key: Option<String>,
}

impl Sent {
    pub fn into_response(self, charset: crate::config::Charset) -> paytoken_response {
        paytoken_response::from_http(self.answer)
            .expecting(charset)
            .with_idempotency_key(self.idempotency_key.as_deref())
    }
}

fn send_authorized(
    client: &paytoken_client,
    call: &Call,
    key: Option<&Keyed>,
) -> Result<HttpResponse, Error> {
    let config = &client.config;
    if config.scheme != Scheme::Token {
        let answer = send_once(client, None, call, key)?;
        if answer.status == 401 {
            return Err(gateway::unauthorized(config, &answer, false));
        }
        return Ok(answer);
    }
    let entry = client.entry;
    let token = entry.with_token(config, Secret::clone)?;
    let answer = send_once(client, Some(&token), call, key)?;
    if answer.status != 401 {
        return Ok(answer);
    }
    // The gateway rejected this token (revoked, expired early, clock trouble): drop it
    // unless another thread already replaced it, get a fresh one, and retry once — unless
    // a freshly fetched token was refused too (the token-storm bound).
    if let AfterRefusal::GiveUp {
        fetch_blocked_for, ..
    } = entry.refused(&token, Attempt::First)
    {
        return Err(refused(config, &answer, false, fetch_blocked_for));
    }
    let fresh = entry.with_token(config, Secret::clone)?;
    let answer = send_once(client, Some(&fresh), call, key)?;
    if answer.status == 401 {
        let blocked = match entry.refused(&fresh, Attempt::Retry) {
            AfterRefusal::GiveUp {
                fetch_blocked_for, ..
            } => fetch_blocked_for,
            AfterRefusal::RetryWithFreshToken => None,
        };
        return Err(refused(config, &answer, true, blocked));
    }
    Ok(answer)
}

/// The `PAYTOKEN_E_AUTH` for a refused token, saying when no token will be fetched.
fn refused(
    config: &Config,
    answer: &HttpResponse,
    retried: bool,
    fetch_blocked_for: Option<std::time::Duration>,
) -> Error {
    let mut e = gateway::unauthorized(config, answer, retried);
    if let Some(hold) = fetch_blocked_for {
        e.message = format!(
            "{}; a freshly fetched token was refused, so no new token is fetched for {:.1} s (token-storm guard: is this server's IP on the gateway's allow-list, is the key revoked?)",
            e.message,
            hold.as_secs_f64()
        );
    }
    e
}

fn send_once(
    client: &paytoken_client,
    token: Option<&Secret>,
    call: &Call,
    key: Option<&Keyed>,
) -> Result<HttpResponse, Error> {
    let (config, stats) = (&client.config, &client.entry.stats);
    let (extra, body) = (&call.headers, call.body);
    if let Some(token) = token {
        // The gateway may quote it after we drop it from the cache (a 401).
        redact::remember(token);
    }
    let authorization = gateway::authorization(config, token);
    let mut headers: Vec<(&str, &str)> = Vec::with_capacity(extra.len() + 3);
    headers.push(("authorization", authorization.as_str()));
    if let Some(tier) = &config.tier {
        headers.push(("tier", tier));
    }
    if !body.is_empty()
        && !extra
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case("content-type"))
    {
        headers.push(("content-type", "application/json;charset=utf-8"));
    }
    if let Some(value) = key.and_then(|k| k.header.as_deref()) {
        headers.push((idempotency::HEADER, value));
    }
    headers.extend(extra.iter().map(|(n, v)| (n.as_str(), v.as_str())));
    let send = |timeout| {
        http::send_within(
            config,
            timeout,
            Purpose::Business,
            call.method,
            call.path,
            &headers,
            body,
        )
    };
    let timeout = call.options.timeout(config);
    let Some(key) = key else {
        return send(timeout);
    };
    if !call.options.retry_unknown_outcome(config) {
        return send(timeout).map_err(|e| unknown_outcome::with_key_advice(e, &key.key, None));
    }
    unknown_outcome::run(timeout, &key.key, send, || {
        Stats::count(&stats.unknown_outcome_retries)
    })
}

pub(crate) fn check_method(method: &str) -> Result<&'static str, Error> {
    ["GET", "POST", "PUT", "PATCH", "DELETE"]
        .into_iter()
        .find(|m| m.eq_ignore_ascii_case(method))
        .ok_or_else(|| {
            let shown: String = method
                .chars()
                .take(20)
                .flat_map(char::escape_debug)
                .collect();
            Error::invalid(format!(
                "method \"{shown}\" is not one of GET, POST, PUT, PATCH, DELETE"
            ))
        })
}

fn check_path(path: &str) -> Result<(), Error> {
    if !path.starts_with('/') {
        let why = if path.contains("://") {
            "an absolute URL is refused: the token only goes to the configured origin (baseUrl); pass the path, e.g. /v1/payments/..."
        } else {
            "it must start with \"/\""
        };
        return Err(Error::invalid(format!("path is not a path: {why}")));
    }
    if path.starts_with("//") {
        return Err(Error::invalid(
            "path must not start with \"//\" (that names another host)",
        ));
    }
    if path.len() > MAX_PATH_BYTES {
        return Err(Error::invalid(format!(
            "path is longer than {MAX_PATH_BYTES} bytes"
        )));
    }
    if let Some(c) = path
        .chars()
        .find(|c| c.is_control() || c.is_whitespace() || *c == '#' || *c == '\\')
    {
        return Err(Error::invalid(format!(
            "path contains {:?}, which is not allowed (percent-encode it)",
            c
        )));
    }
    Ok(())
}

fn parse_headers(json: Option<&str>) -> Result<Vec<(String, String)>, Error> {
    let Some(json) = json else {
        return Ok(Vec::new());
    };
    let value: Value = serde_json::from_str(json)
        .map_err(|e| Error::invalid(format!("headers_json is not valid JSON: {e}")))?;
    let Value::Object(map) = value else {
        return Err(Error::invalid(
            "headers_json must be a JSON object of header names to string values",
        ));
    };
    if map.len() > MAX_HEADERS {
        return Err(Error::invalid(format!(
            "headers_json has {} headers; at most {MAX_HEADERS}",
            map.len()
        )));
    }
    let mut out = Vec::with_capacity(map.len());
    for (name, value) in map {
        let valid_name = !name.is_empty()
            && name.len() <= 256
            && name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        if !valid_name {
            let shown: String = name.chars().take(40).flat_map(char::escape_debug).collect();
            return Err(Error::invalid(format!(
                "headers_json: \"{shown}\" is not a valid header name"
            )));
        }
        if RESERVED_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
            return Err(Error::invalid(format!(
                "headers_json: \"{name}\" is set by paytoken and cannot be given"
            )));
        }
        let Value::String(value) = value else {
            return Err(Error::invalid(format!(
                "headers_json: the value of \"{name}\" must be a string"
            )));
        };
        if value.len() > 8192 || value.chars().any(|c| c.is_control() && c != '\t') {
            return Err(Error::invalid(format!(
                "headers_json: the value of \"{name}\" has control characters or is longer than 8192 bytes"
            )));
        }
        out.push((name, value));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        assert!(check_path("/v1/payments/T1?orderDate=20260101").is_ok());
        for bad in [
            "v1/x",
            "https://evil.example/x",
            "//evil.example/x",
            "/a b",
            "/a\r\nb",
            "/a#b",
            "",
        ] {
            assert!(check_path(bad).is_err(), "{bad:?}");
        }
        assert!(check_path("https://evil/x")
            .unwrap_err()
            .message
            .contains("absolute URL"));
    }

    #[test]
    fn headers() {
        assert_eq!(
            parse_headers(Some(r#"{"Idempotency-Key":"k1"}"#)).unwrap(),
            vec![("Idempotency-Key".into(), "k1".into())]
        );
        for bad in [
            r#"[1]"#,
            r#"{"a":1}"#,
            r#"{"Authorization":"x"}"#,
            r#"{"bad name":"x"}"#,
            r#"{"a":"x\ny"}"#,
            "{",
        ] {
            assert!(parse_headers(Some(bad)).is_err(), "{bad}");
        }
    }

    #[test]
    fn methods() {
        assert_eq!(check_method("post").unwrap(), "POST");
        assert!(check_method("TRACE").is_err());
    }
}

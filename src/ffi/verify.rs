//! The C entry points of issue 25: `paytoken_verify_payment` and
//! `paytoken_verify_webhook`: the C arguments read and checked, the work done by
//! `verify::check` (lookups through the one call pipeline), the JSON handed back.

use std::os::raw::c_char;

use super::client::paytoken_client;
use super::error::paytoken_error;
use super::request::body_arg;
use crate::ffi::{self, ffi_fallible, try_out, try_ref};
use crate::verify::check;
use crate::verify::payment::Expectation;
use crate::verify::webhook::WebhookRequest;

/// Looks a payment up and compares it with what the shop expects. The answer is a
/// verdict, not an error: the shop must not fulfil an order on the browser's word.
///
/// `request_json`: `{"paymentId"?, "orderId"?, "orderDate"?, "amount", "currency"?}`.
/// `paymentId` is the gateway's id (PortOne V2 `paymentId`, V1 `imp_uid`, NICEPAY `tid`);
/// without it the payment is found by the shop's `orderId` (V1 `merchant_uid`; NICEPAY
/// `orderId` with `orderDate` YYYYMMDD; a V2 payment id is the shop's own id). Given
/// with `paymentId`, `orderId` is checked. `amount` (required) is a whole number or a
/// string of digits; `currency` (e.g. "KRW") is checked when given.
///
/// On `PAYTOKEN_OK`, `*verdict_json_out` (release with `paytoken_string_free`) is
/// `{"verified":bool,"reasons":[{"code","message",...}],"status","gateway","paymentId",
/// "orderId","amount","cancelledAmount","currency","httpStatus","raw"}`. Reason codes:
/// `notFound`, `notPaid` (ready, pending, failed, virtual account issued...),
/// `cancelled`, `partiallyCancelled` (with `cancelledAmount`), `amountDiffers`,
/// `currencyDiffers`, `orderIdDiffers` (each `...Differs` with `expected` and `actual`).
/// `status` is normalized across the gateways: `paid`, `ready`, `pending`,
/// `virtualAccountIssued`, `failed`, `cancelled`, `partialCancelled`, `expired`,
/// `notFound` or `unknown`; `raw` is the gateway's answer as JSON. Amounts are compared
/// as integers (a V2 `amount.total`, a V1 `amount` sent as a string are read exactly).
///
/// Errors: `PAYTOKEN_E_INVALID_ARGUMENT` for a NULL argument or a malformed request;
/// transport errors as for `paytoken_request` (the lookup is an ordinary authorized GET:
/// tokens, the 401 retry); `PAYTOKEN_E_GATEWAY` for an answer that is neither a payment
/// nor "not found" (a 5xx, a 403...). Blocks for up to the client's `timeoutMs`.
#[no_mangle]
pub extern "C" fn paytoken_verify_payment(
    client: *const paytoken_client,
    request_json: *const c_char,
    verdict_json_out: *mut *mut c_char,
    err: *mut paytoken_error,
) -> i32 {
    ffi_fallible!(err, {
        let client = try_ref!(client);
        try_out!(verdict_json_out);
        // SAFETY: NULL or the caller's NUL-terminated string.
        let json = unsafe { ffi::str_arg(request_json, "request_json") }?;
        let expected = Expectation::parse(json)?;
        let verdict = check::payment(client, &expected)?;
        // SAFETY: checked non-NULL above.
        unsafe { *verdict_json_out = ffi::into_c_string(&verdict.to_string())? };
        Ok(())
    })
}

/// Verifies a webhook the shop received, with the body exactly as received (bytes; do
/// not parse and re-serialize it first). No network I/O except for PortOne V1.
///
/// `client`: NULL or a client; required for NICEPAY (its secret key signs the notice)
/// and PortOne V1 (the notice is confirmed by a lookup). `request_json`:
/// `{"gateway"?, "secret"?, "headers"?, "toleranceSecs"?, "nowUnixSecs"?}` — `gateway`
/// defaults to the client's, else to PortOne V2 when a `secret` is given; `secret` is PortOne V2's webhook secret (`whsec_...`);
/// `headers` the request's headers, names in any case, values strings or lists of
/// strings (`webhook-id`, `webhook-timestamp`, `webhook-signature` for V2; one given
/// twice is refused as `malformed`, as PortOne's SDK does); `toleranceSecs` the accepted age
/// and future skew of V2's `webhook-timestamp` (default 300); `nowUnixSecs` replaces the
/// clock (tests).
///
/// - PortOne V2: Standard Webhooks: HMAC-SHA256 of `id.timestamp.body` with the base64
///   key after `whsec_`, any of the space-separated `v1,` signatures, compared in
///   constant time; the timestamp within the tolerance.
/// - NICEPAY: the body's `signature` = hex(sha256(tid + amount + ediDate + secretKey)).
/// - PortOne V1 signs nothing: the notice's `imp_uid` is looked up and the event is
///   built from the gateway's answer; a `merchant_uid` that differs is refused.
///
/// On `PAYTOKEN_OK`, `*result_json_out` (release with `paytoken_string_free`) is either
/// the event `{"verified":true,"gateway","webhookId","type","paymentId","timestamp",
/// "data",...}` (V2 adds `webhookTimestamp`; NICEPAY and V1 add `orderId`; V1 adds
/// `status` and `amount` from the lookup) or a refusal `{"verified":false,"gateway",
/// "reason","message"}` with `reason` one of `malformed`, `badSignature`, `tooOld`,
/// `tooNew`, `unsigned`, `notFound`, `orderIdDiffers`. A verified V2 webhook may be a
/// retry: deduplicate on `webhookId`. No secret appears in any message.
///
/// Errors: `PAYTOKEN_E_INVALID_ARGUMENT` (NULL arguments, a malformed `request_json`, a
/// missing or non-base64 secret, no client where one is needed); for V1, the lookup's
/// errors as for `paytoken_verify_payment`.
#[no_mangle]
pub extern "C" fn paytoken_verify_webhook(
    client: *const paytoken_client,
    request_json: *const c_char,
    body: *const u8,
    body_len: usize,
    result_json_out: *mut *mut c_char,
    err: *mut paytoken_error,
) -> i32 {
    ffi_fallible!(err, {
        try_out!(result_json_out);
        // SAFETY: NULL or a client from paytoken_client_new.
        let client = unsafe { client.as_ref() }.map(|c| &**c);
        // SAFETY: the caller's string and body, as documented above.
        let (json, body) = unsafe {
            (
                ffi::str_arg(request_json, "request_json")?,
                body_arg(body, body_len)?,
            )
        };
        let request = WebhookRequest::parse(json)?;
        let result = check::webhook(client, &request, body)?;
        // SAFETY: checked non-NULL above.
        unsafe { *result_json_out = ffi::into_c_string(&result.to_string())? };
        Ok(())
    })
}

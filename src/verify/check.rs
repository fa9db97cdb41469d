//! Verification that needs a client: payment lookups and PortOne V1's unsigned notices,
//! sent as ordinary authorized GETs through the one call pipeline (tokens, the 401
//! retry, redaction); the judging itself is pure (`payment`, `webhook`).

use std::borrow::Cow;

use serde_json::{json, Value};

use super::payment::{self, Expectation};
use super::webhook::{self, Refusal, WebhookRequest};
use super::Problem;
use crate::call::options::CallOptions;
use crate::call::{Call, Client};
use crate::config::{Credentials, Gateway};
use crate::error::Error;

pub(crate) fn webhook(
    client: Option<&Client>,
    request: &WebhookRequest,
    body: &[u8],
) -> Result<Value, Error> {
    let gateway = request
        .gateway
        .or(client.map(|c| c.config.gateway))
        // Only PortOne V2 signs with a shared secret.
        .or(request.secret.as_ref().map(|_| Gateway::PortoneV2))
        .ok_or_else(|| {
            Error::invalid("request_json: give \"gateway\", a \"secret\" (PortOne V2) or a client")
        })?;
    if let (Some(c), true) = (client, request.gateway.is_some()) {
        if c.config.gateway != gateway {
            return Err(Error::invalid(format!(
                "request_json: \"gateway\" is {} but the client is {}",
                gateway.name(),
                c.config.gateway.name()
            )));
        }
    }
    let refused = |r: Refusal| r.to_json(gateway);
    Ok(match gateway {
        Gateway::PortoneV2 => {
            let now = request
                .now_unix_secs
                .unwrap_or_else(crate::recovery::netcancel::now_unix_secs);
            webhook::verify_portone_v2(request, body, now)?.unwrap_or_else(refused)
        }
        Gateway::Nicepay => {
            let client = client.ok_or_else(|| {
                Error::invalid(
                    "client is NULL: a NICEPAY webhook is checked with the client's secret key",
                )
            })?;
            let Credentials::Nicepay { secret_key, .. } = &client.config.credentials else {
                return Err(Error::invalid("client is not a NICEPAY client"));
            };
            webhook::verify_nicepay(body, secret_key.expose()).unwrap_or_else(refused)
        }
        Gateway::PortoneV1 => {
            let client = client.ok_or_else(|| {
                Error::invalid(
                    "client is NULL: a PortOne V1 webhook is confirmed by looking the payment up",
                )
            })?;
            match webhook::portone_v1_notice(body) {
                Err(r) => refused(r),
                Ok((imp_uid, merchant_uid)) => {
                    confirm_v1(client, &imp_uid, merchant_uid.as_deref())?.unwrap_or_else(refused)
                }
            }
        }
    })
}

/// PortOne V1's notice confirmed by the gateway: the event comes from the lookup.
fn confirm_v1(
    client: &Client,
    imp_uid: &str,
    merchant_uid: Option<&str>,
) -> Result<Result<Value, Refusal>, Error> {
    let path = format!("/payments/{}", crate::verify::path_segment(imp_uid));
    let (status, text) = get(client, &path)?;
    let Some(found) = payment::describe(Gateway::PortoneV1, status, &text)? else {
        return Ok(Err(Refusal::new(
            "notFound",
            "PortOne V1 has no payment with the notice's imp_uid",
        )));
    };
    if merchant_uid.is_some_and(|m| found["orderId"] != m) {
        return Ok(Err(Refusal::new(
            "orderIdDiffers",
            "the notice's merchant_uid is not the payment's",
        )));
    }
    Ok(Ok(json!({
        "verified": true,
        "gateway": "portone-v1",
        "webhookId": null,
        "type": found["status"],
        "status": found["status"],
        "paymentId": found["paymentId"],
        "orderId": found["orderId"],
        "amount": found["amount"],
        "timestamp": null,
        "data": found["raw"]["response"],
    })))
}

/// Looks the payment up and judges it against what the shop expects.
pub(crate) fn payment(client: &Client, expected: &Expectation) -> Result<Value, Error> {
    let path = expected.lookup_path(client.config.gateway, client.config.store_id.as_deref())?;
    let (status, text) = get(client, &path)?;
    Ok(payment::judge(
        client.config.gateway,
        expected,
        status,
        &text,
    )?)
}

/// An authorized GET through the ordinary request path; the answer decoded as text.
fn get(client: &Client, path: &str) -> Result<(u16, String), Error> {
    let call = Call {
        method: "GET",
        path: Cow::Borrowed(path),
        headers: Vec::new(),
        body: Cow::Borrowed(&[]),
        options: CallOptions::default(),
    };
    let answer = call.send(client)?.answer;
    let euc_kr = client.config.return_charset == crate::config::Charset::EucKr;
    let text = crate::text::decode(&answer.body, answer.header("content-type"), euc_kr);
    Ok((answer.status, text.into_owned()))
}

impl From<Problem> for Error {
    fn from(problem: Problem) -> Error {
        match problem {
            Problem::Invalid(message) => Error::invalid(message),
            Problem::Gateway {
                message,
                http_status,
                code,
            } => Error::gateway(message)
                .with_http_status(http_status)
                .with_gateway_code(code),
        }
    }
}

//! PortOne V2 `GET /payments` (`getPayments`): the page-based list a shop reconciles
//! with. The request (`GetPaymentsBody`) comes as the `requestBody` query parameter
//! (URL-encoded JSON) or as a JSON body, both as PortOne documents; its `filter` and
//! sort apply, and a request the schema does not allow is a 400 `INVALID_REQUEST`.

use serde_json::{json, Map, Value};

use crate::clock::parse_rfc3339;
use crate::exchange::{Answer, Req};
use crate::payments::{Payment, Status};
use crate::portone_v2_payments::{error, render_payment, status_name};
use crate::state::{Gateway, State};

/// `(number + 1) * size` may not exceed this (`GetPaymentsBody.page`).
const PAGE_WINDOW: i64 = 60_000;
/// Without `from`, the range starts this long before `until`.
const DEFAULT_RANGE_MS: i64 = 90 * 86_400_000;

const STATUSES: [&str; 7] = [
    "READY",
    "PENDING",
    "VIRTUAL_ACCOUNT_ISSUED",
    "PAID",
    "FAILED",
    "PARTIAL_CANCELLED",
    "CANCELLED",
];
const METHODS: [&str; 8] = [
    "CARD",
    "TRANSFER",
    "VIRTUAL_ACCOUNT",
    "GIFT_CERTIFICATE",
    "MOBILE",
    "EASY_PAY",
    "CONVENIENCE_STORE",
    "CRYPTO",
];

fn invalid(message: &str) -> Answer {
    error(400, "INVALID_REQUEST", message)
}

/// One enum value of the request, checked against the schema's list.
fn one_of<'a>(value: &'a Value, name: &str, allowed: &[&str]) -> Result<&'a str, String> {
    value
        .as_str()
        .filter(|v| allowed.contains(v))
        .ok_or(format!("{name} must be one of {}", allowed.join(", ")))
}

/// An array of enum values.
fn list_of(value: &Value, name: &str, allowed: &[&str]) -> Result<Vec<String>, String> {
    let items = value.as_array().ok_or(format!("{name} must be an array"))?;
    items
        .iter()
        .map(|v| one_of(v, name, allowed).map(str::to_owned))
        .collect()
}

/// The filter a request asked for, validated.
struct Filter {
    store_id: Option<String>,
    merchant_id: Option<String>,
    by_status_change: bool,
    from_ms: i64,
    until_ms: i64,
    statuses: Option<Vec<String>>,
    methods: Option<Vec<String>>,
    is_test: Option<bool>,
    currency: Option<String>,
    is_escrow: Option<bool>,
    sort_by_status_change: bool,
    ascending: bool,
}

fn parse_filter(filter: &Map<String, Value>, now_ms: i64) -> Result<Filter, String> {
    let text = |name: &str| -> Result<Option<String>, String> {
        match filter.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(format!("filter.{name} must be a string")),
        }
    };
    let flag = |name: &str| -> Result<Option<bool>, String> {
        match filter.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(format!("filter.{name} must be true or false")),
        }
    };
    let time = |name: &str| -> Result<Option<i64>, String> {
        text(name)?
            .map(|t| {
                parse_rfc3339(&t).ok_or(format!("filter.{name} must be an RFC 3339 date-time"))
            })
            .transpose()
    };
    let until_ms = time("until")?.unwrap_or(now_ms);
    let from_ms = time("from")?.unwrap_or(until_ms - DEFAULT_RANGE_MS);
    if from_ms > until_ms {
        return Err("filter.from is after filter.until".into());
    }
    let enum_field = |name: &str, allowed: &[&str]| -> Result<Option<String>, String> {
        match filter.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => one_of(v, &format!("filter.{name}"), allowed).map(|s| Some(s.to_owned())),
        }
    };
    let timestamp_type = enum_field("timestampType", &["CREATED_AT", "STATUS_CHANGED_AT"])?;
    let sort_by = enum_field("sortBy", &["REQUESTED_AT", "STATUS_CHANGED_AT"])?;
    let sort_order = enum_field("sortOrder", &["DESC", "ASC"])?;
    let version = enum_field("version", &["V1", "V2"])?;
    let statuses = match filter.get("status") {
        None | Some(Value::Null) => None,
        Some(v) => Some(list_of(v, "filter.status", &STATUSES)?),
    };
    let methods = match filter.get("methods") {
        None | Some(Value::Null) => None,
        Some(v) => Some(list_of(v, "filter.methods", &METHODS)?),
    };
    let currency = text("currency")?;
    if currency
        .as_ref()
        .is_some_and(|c| c.len() != 3 || !c.bytes().all(|b| b.is_ascii_uppercase()))
    {
        return Err("filter.currency must be a currency code such as KRW".into());
    }
    Ok(Filter {
        store_id: text("storeId")?,
        merchant_id: text("merchantId")?,
        by_status_change: timestamp_type.as_deref() == Some("STATUS_CHANGED_AT"),
        from_ms,
        until_ms,
        // The simulator's payments are all V2: a V1 filter matches none of them.
        statuses: if version.as_deref() == Some("V1") {
            Some(Vec::new())
        } else {
            statuses
        },
        methods,
        is_test: flag("isTest")?,
        currency,
        is_escrow: flag("isEscrow")?,
        sort_by_status_change: sort_by.as_deref() == Some("STATUS_CHANGED_AT"),
        ascending: sort_order.as_deref() == Some("ASC"),
    })
}

/// The `PaymentMethodType` of the payment's `method`, if it has one.
fn method_type(rendered: &Value) -> Option<&'static str> {
    Some(match rendered["method"]["type"].as_str()? {
        "PaymentMethodCard" => "CARD",
        "PaymentMethodTransfer" => "TRANSFER",
        "PaymentMethodVirtualAccount" => "VIRTUAL_ACCOUNT",
        "PaymentMethodGiftCertificate" => "GIFT_CERTIFICATE",
        "PaymentMethodMobile" => "MOBILE",
        "PaymentMethodEasyPay" => "EASY_PAY",
        "PaymentMethodConvenienceStore" => "CONVENIENCE_STORE",
        "PaymentMethodCrypto" => "CRYPTO",
        _ => return None,
    })
}

impl Filter {
    fn matches(&self, p: &Payment, rendered: &Value) -> bool {
        let at = if self.by_status_change {
            p.status_changed_ms
        } else {
            p.created_ms
        };
        // The filter's name for PAY_PENDING is PENDING (`PaymentStatus`).
        let status = match p.status {
            Status::PayPending => "PENDING",
            other => status_name(other),
        };
        self.store_id.as_ref().is_none_or(|s| *s == p.store_id)
            && self
                .merchant_id
                .as_ref()
                .is_none_or(|m| rendered["merchantId"] == m.as_str())
            && (self.from_ms..=self.until_ms).contains(&at)
            && self
                .statuses
                .as_ref()
                .is_none_or(|list| list.iter().any(|s| s == status))
            && self.methods.as_ref().is_none_or(|list| {
                method_type(rendered).is_some_and(|m| list.iter().any(|x| x == m))
            })
            && self
                .is_test
                .is_none_or(|t| t == (rendered["channel"]["type"] == "TEST"))
            && self.currency.as_ref().is_none_or(|c| *c == p.currency)
            && self
                .is_escrow
                .is_none_or(|e| e == rendered.get("escrow").is_some())
    }
}

/// `GET /payments`: `{"items":[..],"page":{"number","size","totalCount"}}` where
/// `totalCount` counts every payment that matches, across pages.
pub fn list(st: &State, req: &Req) -> Answer {
    let text = match req.query_param("requestBody") {
        Some(text) => text,
        None => String::from_utf8_lossy(&req.body).trim().to_owned(),
    };
    let body = if text.is_empty() {
        Map::new()
    } else {
        match serde_json::from_str::<Value>(&text) {
            Ok(Value::Object(map)) => map,
            _ => return invalid("requestBody must be a JSON object (GetPaymentsBody)"),
        }
    };
    let page = match body.get("page") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(p)) => p.clone(),
        Some(_) => return invalid("page must be an object {number, size}"),
    };
    let int = |name: &str, default: i64| match page.get(name) {
        None | Some(Value::Null) => Some(default),
        Some(v) => v.as_i64().filter(|n| i32::try_from(*n).is_ok()),
    };
    let (Some(number), Some(size)) = (int("number", 0), int("size", 10)) else {
        return invalid("page.number and page.size must be 32-bit integers");
    };
    if number < 0 || size < 1 {
        return invalid("page.number must be 0 or more and page.size 1 or more");
    }
    if (number + 1).saturating_mul(size) > PAGE_WINDOW {
        return invalid("(page.number + 1) * page.size may not exceed 60000");
    }
    let filter = match body.get("filter") {
        None | Some(Value::Null) => parse_filter(&Map::new(), st.now_ms()),
        Some(Value::Object(f)) => parse_filter(f, st.now_ms()),
        Some(_) => Err("filter must be an object (PaymentFilterInput)".into()),
    };
    let filter = match filter {
        Ok(f) => f,
        Err(message) => return invalid(&message),
    };
    // Creation order breaks ties, so equal timestamps keep a stable order.
    let mut matching: Vec<(usize, &Payment, Value)> = st
        .payments
        .all(Gateway::PortoneV2)
        .into_iter()
        .enumerate()
        .map(|(i, p)| (i, p, render_payment(p)))
        .filter(|(_, p, rendered)| filter.matches(p, rendered))
        .collect();
    matching.sort_by_key(|(i, p, _)| {
        let at = if filter.sort_by_status_change {
            p.status_changed_ms
        } else {
            p.created_ms
        };
        (at, *i)
    });
    if !filter.ascending {
        matching.reverse();
    }
    let total = matching.len();
    let items: Vec<Value> = matching
        .into_iter()
        .skip((number * size) as usize)
        .take(size as usize)
        .map(|(_, _, rendered)| rendered)
        .collect();
    Answer::json(
        200,
        &json!({"items": items, "page": {"number": number, "size": size, "totalCount": total}}),
    )
}

//! `POST /__sim/payments`: a new payment as the admin API describes it, strict like the
//! rest of the admin API (an unknown or mistyped field is a 400 that names it).

use serde_json::{Map, Value};

use crate::clock::parse_rfc3339;
use crate::exchange::{random_hex, random_u64};
use crate::payments::{Failure, Payment, Status};
use crate::state::Gateway;

/// PortOne V2's optional payment fields the admin API passes through as given, with the
/// JSON type each must have (their content is the shop's: the conformance test checks
/// the README's examples against PortOne's schema).
pub const V2_FIELDS: [(&str, &str); 14] = [
    ("method", "object"),
    ("customer", "object"),
    ("customData", "string"),
    ("products", "array"),
    ("productCount", "integer"),
    ("receiptUrl", "string"),
    ("escrow", "object"),
    ("promotionId", "string"),
    ("isCulturalExpense", "boolean"),
    ("country", "string"),
    ("billingKey", "string"),
    ("scheduleId", "string"),
    ("cashReceipt", "object"),
    ("pgResponse", "string"),
];

const FIELDS: [&str; 12] = [
    "gateway",
    "id",
    "orderId",
    "orderName",
    "amount",
    "currency",
    "status",
    "storeId",
    "taxFree",
    "vat",
    "failure",
    "requestedAt",
];

fn json_type_matches(value: &Value, kind: &str) -> bool {
    match kind {
        "object" => value.is_object(),
        "string" => value.is_string(),
        "array" => value.is_array(),
        "integer" => value.is_i64(),
        "boolean" => value.is_boolean(),
        _ => false,
    }
}

/// `{"reason"?, "pgCode"?, "pgMessage"?}`: what the PG said when it refused a payment.
pub fn parse_failure(value: Option<&Value>) -> Result<Failure, String> {
    let mut failure = Failure::default();
    let Some(value) = value.filter(|v| !v.is_null()) else {
        return Ok(failure);
    };
    let spec = value
        .as_object()
        .ok_or("\"failure\" is an object {reason?, pgCode?, pgMessage?}")?;
    for (k, v) in spec {
        let text = v
            .as_str()
            .ok_or(format!("failure.{k} must be a string"))?
            .to_owned();
        match k.as_str() {
            "reason" => failure.reason = text,
            "pgCode" => failure.pg_code = text,
            "pgMessage" => failure.pg_message = text,
            _ => {
                return Err(format!(
                    "unknown failure field {k:?} (reason, pgCode, pgMessage)"
                ))
            }
        }
    }
    Ok(failure)
}

pub fn parse_new(value: &Value, now_ms: i64) -> Result<Payment, String> {
    let spec = value.as_object().ok_or("a payment is a JSON object")?;
    let mut v2_fields = Map::new();
    for (k, v) in spec {
        if FIELDS.contains(&k.as_str()) {
            continue;
        }
        let Some((_, kind)) = V2_FIELDS.iter().find(|(name, _)| name == k) else {
            let known: Vec<&str> = FIELDS
                .iter()
                .copied()
                .chain(V2_FIELDS.iter().map(|(n, _)| *n))
                .collect();
            return Err(format!(
                "unknown payment field {k:?} (known: {})",
                known.join(", ")
            ));
        };
        if !json_type_matches(v, kind) {
            return Err(format!("{k:?} must be a JSON {kind}"));
        }
        v2_fields.insert(k.clone(), v.clone());
    }
    let text = |name: &str| -> Result<Option<String>, String> {
        match spec.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) if !s.is_empty() => Ok(Some(s.clone())),
            Some(_) => Err(format!("{name:?} must be a non-empty string")),
        }
    };
    let gateway_name = text("gateway")?.ok_or("\"gateway\" is required")?;
    let gateway = Gateway::parse(&gateway_name)
        .ok_or("\"gateway\" must be nicepay, portone-v1 or portone-v2")?;
    if !v2_fields.is_empty() && gateway != Gateway::PortoneV2 {
        // V1 and NICEPAY render customer and customData in their own fields.
        if let Some(k) = v2_fields
            .keys()
            .find(|k| !["customer", "customData"].contains(&k.as_str()))
        {
            return Err(format!("{k:?} is a PortOne V2 field"));
        }
    }
    let amount = spec
        .get("amount")
        .and_then(Value::as_i64)
        .filter(|a| *a > 0)
        .ok_or("\"amount\" is required: a positive integer")?;
    let part = |name: &str| -> Result<Option<i64>, String> {
        match spec.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_i64()
                .filter(|n| (0..=amount).contains(n))
                .map(Some)
                .ok_or(format!("{name:?} must be an integer from 0 to the amount")),
        }
    };
    let tax_free = part("taxFree")?.unwrap_or(0);
    let vat = part("vat")?;
    if tax_free + vat.unwrap_or(0) > amount {
        return Err("\"taxFree\" plus \"vat\" is more than the amount".into());
    }
    let status = match text("status")? {
        None => Status::Paid,
        Some(name) => Status::parse(&name).ok_or(
            "\"status\" must be ready, paid, failed, virtual-account-issued or pay-pending"
                .to_owned(),
        )?,
    };
    let created_ms = match text("requestedAt")? {
        None => now_ms,
        Some(t) => parse_rfc3339(&t)
            .ok_or("\"requestedAt\" must be an RFC 3339 time, e.g. 2026-11-29T10:00:00+09:00")?,
    };
    let id = match text("id")? {
        Some(id) => id,
        None => match gateway {
            // imp_ + 12 digits, like real imp_uids.
            Gateway::PortoneV1 => format!("imp_{:012}", random_u64() % 1_000_000_000_000),
            Gateway::Nicepay => format!("nicuntct1m{}", random_hex(20)),
            Gateway::PortoneV2 => format!("payment-{}", random_hex(20)),
        },
    };
    let order_id = text("orderId")?.unwrap_or_else(|| format!("order-{}", random_hex(12)));
    Ok(Payment {
        gateway,
        order_id,
        order_name: text("orderName")?.unwrap_or_else(|| "paytoken-sim order".into()),
        amount,
        currency: text("currency")?.unwrap_or_else(|| "KRW".into()),
        status,
        transaction_id: uuid_like(),
        store_id: text("storeId")?.unwrap_or_else(|| "store-sim".into()),
        created_ms,
        updated_ms: created_ms,
        status_changed_ms: created_ms,
        paid_ms: (status == Status::Paid).then_some(created_ms),
        failed_ms: (status == Status::Failed).then_some(created_ms),
        cancellations: Vec::new(),
        tax_free,
        vat,
        failure: parse_failure(spec.get("failure"))?,
        v2_fields,
        id,
    })
}

/// A random id in UUID form (PortOne V2 transaction ids look like this).
pub fn uuid_like() -> String {
    let h = random_hex(32);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

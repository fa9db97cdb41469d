//! Payment state: what the admin API creates and the business endpoints read and change.
//! Gateway-neutral (amounts, cancellations, status changes); each gateway module renders
//! it in its own shape and error codes.

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::exchange::{random_hex, random_u64};
use crate::state::Gateway;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Created, not paid yet (NICEPAY: authenticated, waiting for the approve call).
    Ready,
    Paid,
    Failed,
    /// A virtual account was issued; the buyer has not deposited yet.
    VirtualAccountIssued,
    PartialCancelled,
    Cancelled,
}

impl Status {
    pub fn parse(name: &str) -> Option<Status> {
        Some(match name {
            "ready" => Status::Ready,
            "paid" => Status::Paid,
            "failed" => Status::Failed,
            "virtual-account-issued" => Status::VirtualAccountIssued,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug)]
pub struct Cancellation {
    pub id: String,
    pub amount: i64,
    pub reason: String,
    pub at_ms: i64,
}

#[derive(Clone, Debug)]
pub struct Payment {
    pub gateway: Gateway,
    /// PortOne V2 `paymentId`, V1 `imp_uid`, NICEPAY `tid`.
    pub id: String,
    /// PortOne V1 `merchant_uid`, NICEPAY `orderId`; V2 has none (its id is the shop's).
    pub order_id: String,
    pub order_name: String,
    pub amount: i64,
    pub currency: String,
    pub status: Status,
    /// PortOne V2 `transactionId`, V1 `pg_tid`.
    pub transaction_id: String,
    pub store_id: String,
    pub created_ms: i64,
    pub updated_ms: i64,
    pub status_changed_ms: i64,
    pub paid_ms: Option<i64>,
    pub failed_ms: Option<i64>,
    pub cancellations: Vec<Cancellation>,
}

impl Payment {
    pub fn cancelled_amount(&self) -> i64 {
        self.cancellations.iter().map(|c| c.amount).sum()
    }

    pub fn cancellable(&self) -> i64 {
        self.amount - self.cancelled_amount()
    }

    pub fn cancelled_ms(&self) -> Option<i64> {
        self.cancellations.last().map(|c| c.at_ms)
    }

    fn set_status(&mut self, status: Status, now_ms: i64) {
        self.status = status;
        self.status_changed_ms = now_ms;
        self.updated_ms = now_ms;
    }

    /// A paid payment that exists only for one answer (`implicit_payments`).
    pub fn implicit(gateway: Gateway, id: &str, now_ms: i64) -> Payment {
        Payment {
            gateway,
            id: id.to_owned(),
            order_id: "sim_merchant_uid".into(),
            order_name: "paytoken-sim implicit payment".into(),
            amount: 1004,
            currency: "KRW".into(),
            status: Status::Paid,
            transaction_id: format!("sim-tx-{}", random_hex(16)),
            store_id: "store-sim".into(),
            created_ms: now_ms,
            updated_ms: now_ms,
            status_changed_ms: now_ms,
            paid_ms: Some(now_ms),
            failed_ms: None,
            cancellations: Vec::new(),
        }
    }

    /// The admin API's view of a payment (gateway-neutral).
    pub fn to_admin_json(&self) -> Value {
        json!({
            "gateway": self.gateway.name(),
            "id": self.id,
            "orderId": self.order_id,
            "orderName": self.order_name,
            "amount": self.amount,
            "cancelledAmount": self.cancelled_amount(),
            "currency": self.currency,
            "status": match self.status {
                Status::Ready => "ready",
                Status::Paid => "paid",
                Status::Failed => "failed",
                Status::VirtualAccountIssued => "virtual-account-issued",
                Status::PartialCancelled => "partial-cancelled",
                Status::Cancelled => "cancelled",
            },
            "transactionId": self.transaction_id,
            "storeId": self.store_id,
            "cancellations": self.cancellations.iter().map(|c| json!({
                "id": c.id, "amount": c.amount, "reason": c.reason,
            })).collect::<Vec<_>>(),
        })
    }
}

/// Why a cancel was refused; each gateway maps it to its own status and code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CancelRefusal {
    AlreadyCancelled,
    NotPaid,
    ExceedsCancellable,
    /// Zero or negative amount.
    InvalidAmount,
}

/// Why an approval (NICEPAY) was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ApproveRefusal {
    NotReady,
    AmountMismatch,
}

/// All payments of one simulator, keyed by gateway and id.
#[derive(Default)]
pub struct Payments {
    by_id: HashMap<(Gateway, String), Payment>,
    /// Creation order, for lists.
    order: Vec<(Gateway, String)>,
    /// State changes applied by business requests (approve, cancel, network cancel),
    /// per gateway: what a test asserts as "processed once".
    pub processed: [u64; 3],
}

impl Payments {
    pub fn get(&self, gateway: Gateway, id: &str) -> Option<&Payment> {
        self.by_id.get(&(gateway, id.to_owned()))
    }

    pub fn get_mut(&mut self, gateway: Gateway, id: &str) -> Option<&mut Payment> {
        self.by_id.get_mut(&(gateway, id.to_owned()))
    }

    /// Payments of `gateway` with this order id, oldest first.
    pub fn by_order(&self, gateway: Gateway, order_id: &str) -> Vec<&Payment> {
        self.all(gateway)
            .into_iter()
            .filter(|p| p.order_id == order_id)
            .collect()
    }

    pub fn all(&self, gateway: Gateway) -> Vec<&Payment> {
        self.order
            .iter()
            .filter(|(g, _)| *g == gateway)
            .filter_map(|key| self.by_id.get(key))
            .collect()
    }

    pub fn all_gateways_json(&self) -> Value {
        Value::Array(
            self.order
                .iter()
                .filter_map(|key| self.by_id.get(key))
                .map(Payment::to_admin_json)
                .collect(),
        )
    }

    pub fn insert(&mut self, payment: Payment) {
        let key = (payment.gateway, payment.id.clone());
        if self.by_id.insert(key.clone(), payment).is_none() {
            self.order.push(key);
        }
    }

    pub fn count_processed(&mut self, gateway: Gateway) {
        self.processed[gateway as usize] += 1;
    }

    /// Cancels `amount` (all that is left when `None`). Returns the new cancellation.
    pub fn cancel(
        &mut self,
        gateway: Gateway,
        id: &str,
        amount: Option<i64>,
        reason: &str,
        now_ms: i64,
    ) -> Result<Cancellation, CancelRefusal> {
        let payment = self
            .get_mut(gateway, id)
            .expect("cancel is called for an existing payment");
        match payment.status {
            Status::Cancelled => return Err(CancelRefusal::AlreadyCancelled),
            Status::Paid | Status::PartialCancelled => {}
            _ => return Err(CancelRefusal::NotPaid),
        }
        let amount = amount.unwrap_or_else(|| payment.cancellable());
        if amount <= 0 {
            return Err(CancelRefusal::InvalidAmount);
        }
        if amount > payment.cancellable() {
            return Err(CancelRefusal::ExceedsCancellable);
        }
        let cancellation = Cancellation {
            id: format!("sim-cancel-{}", random_hex(16)),
            amount,
            reason: reason.to_owned(),
            at_ms: now_ms,
        };
        payment.cancellations.push(cancellation.clone());
        let status = if payment.cancellable() == 0 {
            Status::Cancelled
        } else {
            Status::PartialCancelled
        };
        payment.set_status(status, now_ms);
        self.count_processed(gateway);
        Ok(cancellation)
    }

    /// NICEPAY's approve: a ready payment of exactly this amount becomes paid.
    pub fn approve(
        &mut self,
        gateway: Gateway,
        id: &str,
        amount: i64,
        now_ms: i64,
    ) -> Result<(), ApproveRefusal> {
        let payment = self
            .get_mut(gateway, id)
            .expect("approve is called for an existing payment");
        if payment.status != Status::Ready {
            return Err(ApproveRefusal::NotReady);
        }
        if payment.amount != amount {
            return Err(ApproveRefusal::AmountMismatch);
        }
        payment.paid_ms = Some(now_ms);
        payment.set_status(Status::Paid, now_ms);
        self.count_processed(gateway);
        Ok(())
    }
}

/// A new payment from `POST /__sim/payments`; strict like the rest of the admin API.
pub fn parse_new(value: &Value, now_ms: i64) -> Result<Payment, String> {
    const FIELDS: [&str; 8] = [
        "gateway",
        "id",
        "orderId",
        "orderName",
        "amount",
        "currency",
        "status",
        "storeId",
    ];
    let spec = value.as_object().ok_or("a payment is a JSON object")?;
    if let Some(unknown) = spec.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(format!(
            "unknown payment field {unknown:?} (known: {})",
            FIELDS.join(", ")
        ));
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
    let amount = spec
        .get("amount")
        .and_then(Value::as_i64)
        .filter(|a| *a > 0)
        .ok_or("\"amount\" is required: a positive integer")?;
    let status = match text("status")? {
        None => Status::Paid,
        Some(name) => Status::parse(&name)
            .ok_or("\"status\" must be ready, paid, failed or virtual-account-issued".to_owned())?,
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
        created_ms: now_ms,
        updated_ms: now_ms,
        status_changed_ms: now_ms,
        paid_ms: (status == Status::Paid).then_some(now_ms),
        failed_ms: (status == Status::Failed).then_some(now_ms),
        cancellations: Vec::new(),
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

//! Payment state: what the admin API creates and the business endpoints read and change.
//! Gateway-neutral (amounts, cancellations, status changes); each gateway module renders
//! it in its own shape and error codes.

use std::collections::HashMap;

use serde_json::{json, Value};

use crate::exchange::random_hex;
use crate::state::Gateway;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    /// Created, not paid yet (NICEPAY: authenticated, waiting for the approve call).
    Ready,
    Paid,
    Failed,
    /// A virtual account was issued; the buyer has not deposited yet.
    VirtualAccountIssued,
    /// PortOne V2 `PAY_PENDING`: approved by the buyer, the PG's confirmation is pending.
    PayPending,
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
            "pay-pending" => Status::PayPending,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug)]
pub struct Cancellation {
    pub id: String,
    pub amount: i64,
    /// The tax-free part of `amount`, and the VAT in its taxable part.
    pub tax_free: i64,
    pub vat: i64,
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
    /// The tax-free part of `amount` (0: all taxable).
    pub tax_free: i64,
    /// The VAT in the taxable part; `None`: 1/11 of it, as Korean PGs compute it.
    pub vat: Option<i64>,
    /// Why the PG refused it (`failed`), as PortOne V2's `failure` reports it.
    pub failure: Failure,
    /// PortOne V2's optional payment fields, as given to the admin API (`method`,
    /// `customer`, `customData`, `products`, `receiptUrl`, `escrow`, ...).
    pub v2_fields: serde_json::Map<String, Value>,
}

/// A PG's refusal of a payment: PortOne V2 `failure`, V1 `fail_reason`.
#[derive(Clone, Debug)]
pub struct Failure {
    pub reason: String,
    pub pg_code: String,
    pub pg_message: String,
}

impl Default for Failure {
    fn default() -> Self {
        Failure {
            reason: "paytoken-sim: failed payment".into(),
            pg_code: "F100".into(),
            pg_message: "paytoken-sim: the PG refused the payment".into(),
        }
    }
}

/// What a cancel asks for: `None` amounts take the gateway's default.
#[derive(Clone, Copy, Debug, Default)]
pub struct CancelAsk<'a> {
    /// `None`: all that is left.
    pub amount: Option<i64>,
    /// `None`: all the tax-free part left for a full cancel, else 0 (PortOne: "누락되면 0원처리").
    pub tax_free: Option<i64>,
    /// `None`: 1/11 of the taxable part (all the VAT left when it cancels all that is taxable).
    pub vat: Option<i64>,
    pub reason: &'a str,
}

/// The VAT included in a KRW amount (1/11, rounded), as Korean gateways compute it.
pub fn vat_of(taxable: i64) -> i64 {
    (taxable + 5) / 11
}

impl Payment {
    pub fn cancelled_amount(&self) -> i64 {
        self.cancellations.iter().map(|c| c.amount).sum()
    }

    pub fn cancellable(&self) -> i64 {
        self.amount - self.cancelled_amount()
    }

    pub fn cancelled_tax_free(&self) -> i64 {
        self.cancellations.iter().map(|c| c.tax_free).sum()
    }

    pub fn cancellable_tax_free(&self) -> i64 {
        self.tax_free - self.cancelled_tax_free()
    }

    /// What is left of the taxable part (VAT included).
    pub fn cancellable_taxable(&self) -> i64 {
        self.cancellable() - self.cancellable_tax_free()
    }

    pub fn vat(&self) -> i64 {
        self.vat
            .unwrap_or_else(|| vat_of(self.amount - self.tax_free))
    }

    fn cancellable_vat(&self) -> i64 {
        self.vat() - self.cancellations.iter().map(|c| c.vat).sum::<i64>()
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
            tax_free: 0,
            vat: None,
            failure: Failure::default(),
            v2_fields: serde_json::Map::new(),
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
                Status::PayPending => "pay-pending",
                Status::PartialCancelled => "partial-cancelled",
                Status::Cancelled => "cancelled",
            },
            "transactionId": self.transaction_id,
            "storeId": self.store_id,
            "taxFree": self.tax_free,
            "vat": self.vat(),
            "cancelledTaxFree": self.cancelled_tax_free(),
            "cancellations": self.cancellations.iter().map(|c| json!({
                "id": c.id, "amount": c.amount, "taxFree": c.tax_free, "vat": c.vat,
                "reason": c.reason,
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
    /// Zero or negative amount (or a negative tax-free or VAT part).
    InvalidAmount,
    /// The tax-free part plus the VAT is more than the amount.
    SumOfPartsExceeds,
    TaxFreeExceeds,
    /// The taxable part is more than what is left of the payment's taxable part.
    TaxExceeds,
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

    /// Cancels what `ask` says (all that is left when its amount is `None`), checking
    /// the tax-free and taxable parts the way PortOne V2 reports them. Returns the new
    /// cancellation.
    pub fn cancel(
        &mut self,
        gateway: Gateway,
        id: &str,
        ask: CancelAsk<'_>,
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
        let amount = ask.amount.unwrap_or_else(|| payment.cancellable());
        let tax_free = ask.tax_free.unwrap_or(if ask.amount.is_none() {
            payment.cancellable_tax_free()
        } else {
            0
        });
        if amount <= 0 || tax_free < 0 || ask.vat.is_some_and(|v| v < 0) {
            return Err(CancelRefusal::InvalidAmount);
        }
        if tax_free + ask.vat.unwrap_or(0) > amount {
            return Err(CancelRefusal::SumOfPartsExceeds);
        }
        if amount > payment.cancellable() {
            return Err(CancelRefusal::ExceedsCancellable);
        }
        if tax_free > payment.cancellable_tax_free() {
            return Err(CancelRefusal::TaxFreeExceeds);
        }
        let taxable = amount - tax_free;
        if taxable > payment.cancellable_taxable() {
            return Err(CancelRefusal::TaxExceeds);
        }
        let vat = ask
            .vat
            .unwrap_or(if taxable == payment.cancellable_taxable() {
                payment.cancellable_vat()
            } else {
                vat_of(taxable)
            });
        let cancellation = Cancellation {
            id: format!("sim-cancel-{}", random_hex(16)),
            amount,
            tax_free,
            vat,
            reason: ask.reason.to_owned(),
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

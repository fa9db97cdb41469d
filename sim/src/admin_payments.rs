//! The admin API's payment and webhook part: create payments in a given state, move
//! them on (the buyer paid, the deposit arrived, the payment failed), list them, and
//! register webhook URLs.

use serde_json::{json, Value};

use crate::payment_spec::{parse_failure, parse_new};
use crate::payments::Status;
use crate::state::{Gateway, State};
use crate::webhooks::Event;

/// `POST /__sim/payments`: `{"gateway", "amount", "id"?, "orderId"?, "orderName"?,
/// "status"?, "currency"?, "storeId"?}`. A webhook goes out as for any state change.
pub fn create(st: &mut State, value: &Value) -> Result<Value, String> {
    let payment = parse_new(value, st.now_ms())?;
    if st.payments.get(payment.gateway, &payment.id).is_some() {
        return Err(format!(
            "{} payment {:?} exists already",
            payment.gateway.name(),
            payment.id
        ));
    }
    let answer = payment.to_admin_json();
    st.webhooks.enqueue(Event::new(&payment, None));
    st.payments.insert(payment);
    Ok(answer)
}

/// `POST /__sim/payments/update`: `{"gateway", "id", "status", "failure"?}` where the
/// move is one a buyer, PG or bank makes: ready → paid | failed | virtual-account-issued
/// | pay-pending, and virtual-account-issued or pay-pending → paid | failed. `failure`
/// (`{reason?, pgCode?, pgMessage?}`) is what the PG said, for a move to failed.
pub fn update(st: &mut State, value: &Value) -> Result<Value, String> {
    let text = |name: &str| {
        value
            .get(name)
            .and_then(Value::as_str)
            .ok_or(format!("{name:?} is required (gateway, id, status)"))
    };
    if let Some(k) = value.as_object().and_then(|o| {
        o.keys()
            .find(|k| !["gateway", "id", "status", "failure"].contains(&k.as_str()))
    }) {
        return Err(format!(
            "unknown field {k:?} (gateway, id, status, failure)"
        ));
    }
    let failure = parse_failure(value.get("failure"))?;
    let gateway = Gateway::parse(text("gateway")?)
        .ok_or("\"gateway\" must be nicepay, portone-v1 or portone-v2")?;
    let id = text("id")?;
    let next = Status::parse(text("status")?)
        .ok_or("\"status\" must be paid, failed, virtual-account-issued or pay-pending")?;
    let now = st.now_ms();
    let payment = st
        .payments
        .get_mut(gateway, id)
        .ok_or(format!("no {} payment {id:?}", gateway.name()))?;
    let allowed = matches!(
        (payment.status, next),
        (
            Status::Ready,
            Status::Paid | Status::Failed | Status::VirtualAccountIssued | Status::PayPending
        ) | (
            Status::VirtualAccountIssued | Status::PayPending,
            Status::Paid | Status::Failed
        )
    );
    if !allowed {
        return Err(format!(
            "a {:?} payment cannot become {:?}",
            payment.status, next
        ));
    }
    payment.status = next;
    payment.status_changed_ms = now;
    payment.updated_ms = now;
    match next {
        Status::Paid => payment.paid_ms = Some(now),
        Status::Failed => {
            payment.failed_ms = Some(now);
            payment.failure = failure;
        }
        _ => {}
    }
    let snapshot = payment.clone();
    st.webhooks.enqueue(Event::new(&snapshot, None));
    Ok(snapshot.to_admin_json())
}

pub fn list(st: &State) -> Value {
    json!({"payments": st.payments.all_gateways_json()})
}

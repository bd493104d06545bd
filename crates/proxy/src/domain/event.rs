//! The transactional outbox (docs/webhooks.md, DESIGN.md "The outbox"): every event the
//! merchant's system must learn of — a seat change the ledger applied or found disputed,
//! a change Cleverbridge reports that the ledger did not make, a payment that failed or
//! was refunded or charged back — is written to the store in the same transaction as the
//! fact it reports, then delivered by the deliverer (`workers::deliverer`) as a signed webhook.
//!
//! This module holds the event types and how their JSON bodies are built; the store's
//! interface is `store::OutboxStore`.

use serde_json::{json, Value};

use super::intent::Intent;
use super::notification::{Notification, NotifiedItem};
use super::quote_token::sha256_hex;

/// An event to write (its body is final: what the merchant receives, byte for byte).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// Stable id (`evt_…`): the same fact always gets the same id, so writing it twice
    /// keeps one event.
    pub id: String,
    /// `seat_change.applied`, `subscription.changed_outside`, ….
    pub kind: String,
    /// The subscription (`S…`; empty when the fact names none).
    pub subscription: String,
    /// The delivery lane ([`lane`]): events of one lane are delivered in the order written.
    pub lane: String,
    /// The JSON body.
    pub body: String,
}

/// The delivery lane of an event (docs/webhooks.md, "Delivery"): a subscription's events
/// share the subscription's lane (`S…`), so they reach the merchant in order; a payment
/// that names no subscription shares only its purchase's (`purchase:<id>`), or, naming
/// none either, is alone in its own (its event id). One slow or failing event then holds
/// back only the events of its own lane.
pub fn lane(subscription: Option<&str>, purchase: Option<&str>, id: &str) -> String {
    match (subscription.filter(|s| !s.is_empty()), purchase) {
        (Some(s), _) => s.to_owned(),
        (None, Some(p)) => format!("purchase:{p}"),
        (None, None) => id.to_owned(),
    }
}

/// Where a stored event's delivery stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    /// Not delivered yet; retried until the retry period ends.
    Pending,
    /// The merchant's endpoint answered 2xx.
    Delivered,
    /// Every attempt of the retry period failed; kept, visible, re-deliverable. It holds
    /// back the later events of its lane until it is delivered (order is never broken
    /// silently).
    Exhausted,
}

impl Delivery {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Delivered => "delivered",
            Self::Exhausted => "exhausted",
        }
    }

    /// From the stored spelling.
    pub fn parse(s: &str) -> Self {
        match s {
            "delivered" => Self::Delivered,
            "exhausted" => Self::Exhausted,
            _ => Self::Pending,
        }
    }
}

/// A stored event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Event {
    /// Position in the outbox: the events API's cursor.
    pub seq: i64,
    /// The event's id.
    pub id: String,
    /// Its type.
    pub kind: String,
    /// Its subscription.
    pub subscription: String,
    /// Its delivery lane ([`lane`]).
    pub lane: String,
    /// The webhook URL it is delivered to: the one configured when it was written (or, for
    /// an event written while none was, the one configured at its first attempt); a
    /// re-delivery asked by the operator takes the one configured then.
    pub target: Option<String>,
    /// The JSON body.
    pub body: String,
    /// When written, Unix milliseconds.
    pub created_ms: i64,
    /// Delivery state.
    pub state: Delivery,
    /// Delivery attempts so far.
    pub attempts: u32,
    /// Not attempted again before this time.
    pub next_attempt_ms: i64,
    /// The last failed attempt's cause.
    pub last_error: Option<String>,
    /// When delivered.
    pub delivered_ms: Option<i64>,
    /// When the current retry period began (written, or re-delivery asked).
    pub retry_from_ms: i64,
}

/// Unix milliseconds as RFC 3339 (UTC, milliseconds).
pub fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn envelope(id: &str, kind: &str, now: i64, data: Value) -> String {
    json!({ "id": id, "type": kind, "timestamp": rfc3339(now), "data": data }).to_string()
}

fn event_id(parts: &[&str]) -> String {
    format!("evt_{}", &sha256_hex(parts.join("\u{1f}").as_bytes())[..32])
}

/// The customer of a ledger key (`customer \u{1f} Idempotency-Key`).
fn customer_of(key: &str) -> &str {
    key.split('\u{1f}').next().unwrap_or_default()
}

/// The event for a commit the ledger records as applied (`status` 200,
/// `seat_change.applied`) or disputed (`seat_change.failed`): the committed quote's
/// amounts exactly as the customer was answered (decimal strings).
///
/// A change of plan, an add and a drop applied are `plan.changed`, `item.added` and
/// `item.deactivated` (docs/webhooks.md), with the change's `kind` and the products
/// before and after as the customer was answered; a scheduled change of plan keeps the
/// `seat_change.*` path with the same product fields.
pub fn commit_event(i: &Intent, status: u16, now: i64) -> NewEvent {
    let committed: Value = serde_json::from_str(&i.response).unwrap_or(Value::Null);
    let change = committed["kind"].as_str().unwrap_or("seats");
    let (kind, outcome) = match (status, change) {
        (200, _) if i.effective_on.is_some() => ("seat_change.applied", "applied"),
        (200, "plan") => ("plan.changed", "applied"),
        (200, "add") => ("item.added", "applied"),
        (200, "drop") => ("item.deactivated", "applied"),
        (200, _) => ("seat_change.applied", "applied"),
        _ => ("seat_change.failed", "disputed"),
    };
    let id = event_id(&[kind, &i.key]);
    let mut data = json!({
        "subscriptionId": i.subscription,
        "runningNumber": i.running_no,
        "customerId": customer_of(&i.key),
        "fromQuantity": i.from_quantity,
        "quantity": i.quantity,
        "alignment": committed["mode"],
        "amounts": committed["quote"],
        "committedAt": committed["committedAt"],
        "outcome": outcome,
    });
    products(&mut data, &committed);
    if change == "drop" {
        data["deactivationDate"] = committed["effectiveOn"].clone();
    }
    if let Some(on) = &i.effective_on {
        // A scheduled change, applied by the scheduler before its date.
        data["effectiveOn"] = on.as_str().into();
    }
    NewEvent {
        body: envelope(&id, kind, now, data),
        lane: lane(Some(i.subscription.as_str()), None, &id),
        id,
        kind: kind.into(),
        subscription: i.subscription.clone(),
    }
}

/// `seat_change.scheduled`: a change at the next billing date recorded in the ledger
/// (nothing sent to Cleverbridge yet; the customer keeps the seats until then).
pub fn scheduled_event(i: &Intent, now: i64) -> NewEvent {
    schedule_event("seat_change.scheduled", i, None, now)
}

/// `seat_change.cancelled`: a scheduled change that will not be made — cancelled by the
/// customer (`reason` `customer`), replaced by a later change of the item (`replaced`), or
/// found with the item changed elsewhere when it was due (`changed_elsewhere`).
pub fn cancelled_event(i: &Intent, reason: &str, now: i64) -> NewEvent {
    schedule_event("seat_change.cancelled", i, Some(reason), now)
}

/// The change's `kind` and products before and after, as answered (a change of seats
/// written before kinds existed: `seats`, products absent).
fn products(data: &mut Value, answered: &Value) {
    data["kind"] = answered
        .get("kind")
        .cloned()
        .unwrap_or_else(|| "seats".into());
    for field in ["productBefore", "productAfter"] {
        if let Some(p) = answered.get(field) {
            data[field] = p.clone();
        }
    }
}

fn schedule_event(kind: &str, i: &Intent, reason: Option<&str>, now: i64) -> NewEvent {
    let answered: Value = serde_json::from_str(&i.response).unwrap_or(Value::Null);
    let id = event_id(&[kind, &i.key]);
    let mut data = json!({
        "subscriptionId": i.subscription,
        "runningNumber": i.running_no,
        "customerId": customer_of(&i.key),
        "fromQuantity": i.from_quantity,
        "quantity": i.quantity,
        "effectiveOn": i.effective_on,
        "alignment": answered["mode"],
        "amounts": answered["quote"],
    });
    products(&mut data, &answered);
    if let Some(r) = reason {
        data["reason"] = r.into();
    }
    NewEvent {
        body: envelope(&id, kind, now, data),
        lane: lane(Some(i.subscription.as_str()), None, &id),
        id,
        kind: kind.into(),
        subscription: i.subscription.clone(),
    }
}

/// `seat_change.needs_attention`: a commit whose outcome is unknown could not be resolved by
/// `failures` reads of Cleverbridge and is parked: read no more until an operator retries it
/// (DESIGN.md, "The commit state machine"). The amounts are the quote the customer agreed to;
/// whether it was applied is what a person must find out. One event per parking (`now`).
pub fn attention_event(i: &Intent, failures: u32, now: i64) -> NewEvent {
    const KIND: &str = "seat_change.needs_attention";
    let committed: Value = serde_json::from_str(&i.response).unwrap_or(Value::Null);
    let id = event_id(&[KIND, &i.key, &now.to_string()]);
    let data = json!({
        "subscriptionId": i.subscription,
        "runningNumber": i.running_no,
        "customerId": i.customer(),
        "idempotencyKey": i.idempotency_key(),
        "fromQuantity": i.from_quantity,
        "quantity": i.quantity,
        "alignment": committed["mode"],
        "amounts": committed["quote"],
        "resolveFailures": failures,
        "outcome": "unknown",
    });
    NewEvent {
        body: envelope(&id, KIND, now, data),
        lane: lane(Some(i.subscription.as_str()), None, &id),
        id,
        kind: KIND.into(),
        subscription: i.subscription.clone(),
    }
}

/// `subscription.changed_outside`: Cleverbridge reports an item quantity the ledger did
/// not set.
pub fn outside_event(
    n: &Notification,
    item: &NotifiedItem,
    from: Option<u32>,
    now: i64,
) -> NewEvent {
    const KIND: &str = "subscription.changed_outside";
    let sub = n.subscription.clone().unwrap_or_default();
    let id = event_id(&[KIND, &n.digest, &item.running_no.to_string()]);
    let data = json!({
        "subscriptionId": sub,
        "runningNumber": item.running_no,
        "customerId": n.customer,
        "fromQuantity": from,
        "quantity": item.quantity,
        "productId": item.product_id,
        "version": item.version,
        "itemStatus": item.status,
        "notificationType": n.kind,
        "notifiedAt": n.date,
    });
    NewEvent {
        body: envelope(&id, KIND, now, data),
        lane: lane(Some(sub.as_str()), None, &id),
        id,
        kind: KIND.into(),
        subscription: sub,
    }
}

/// The event a payment notification implies (`payment.succeeded`, `payment.failed`,
/// `payment.refunded`, `payment.charged_back`), or none.
pub fn payment_event(n: &Notification, now: i64) -> Option<NewEvent> {
    let kind = n.payment_kind()?;
    let sub = n.subscription.clone().unwrap_or_default();
    let id = event_id(&[kind, &n.digest]);
    let data = json!({
        "subscriptionId": n.subscription,
        "customerId": n.customer,
        "purchaseId": n.purchase,
        "notificationType": n.kind,
        "notifiedAt": n.date,
        "items": n.items.iter().map(|i| json!({
            "runningNumber": i.running_no, "quantity": i.quantity, "productId": i.product_id,
        })).collect::<Vec<_>>(),
    });
    Some(NewEvent {
        body: envelope(&id, kind, now, data),
        lane: lane(n.subscription.as_deref(), n.purchase.as_deref(), &id),
        id,
        kind: kind.into(),
        subscription: sub,
    })
}

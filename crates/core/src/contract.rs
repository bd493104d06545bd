//! The browser ↔ proxy contract: the JSON bodies of the merchant proxy's API, defined
//! once as serde types. The proxy serializes them; `crates/proxy/openapi.json` documents
//! them (a test keeps the two equal); the widget reads them. Field names are camelCase on
//! the wire; money is always a decimal string, never a JSON number.
//!
//! | route | request | answer |
//! |---|---|---|
//! | `GET /api/subscriptions/{id}` | — | [`Summary`] |
//! | `POST …/items/{runningNumber}/preview` | [`PreviewRequest`] | [`Preview`] |
//! | `POST …/items/{runningNumber}/commit` | [`CommitRequest`] | [`Commit`] |
//! | `POST …/items/preview` (an add-on) | [`AddOnPreviewRequest`] | [`Preview`] |
//! | `POST …/items/commit` (an add-on) | [`CommitRequest`] | [`Commit`] |
//! | `DELETE …/items/{runningNumber}/scheduled` | — | [`Cancellation`] |
//! | any failure | — | [`Problem`] (`application/problem+json`) |

use serde::{Deserialize, Serialize};

use crate::quote::Quote;

mod catalogue;

pub use catalogue::{AddOnOffer, AddOnPreviewRequest, ChangeOption, ProductRef};

/// A billing interval: months and days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interval {
    /// Whole months.
    pub months: u32,
    /// Days on top.
    pub days: u32,
}

/// One current item of a subscription, with what the customer may do with it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SummaryItem {
    /// Cleverbridge's running number of the item.
    pub running_number: u64,
    /// Product id.
    pub product_id: String,
    /// Product name.
    pub product_name: String,
    /// Seats now.
    pub quantity: u64,
    /// Unit price a new seat costs (the policy's offer price, else the current one).
    pub unit_price: String,
    /// Unit price the current seats are billed at.
    pub current_unit_price: String,
    /// Fewest seats the merchant allows.
    pub min_quantity: u32,
    /// Most seats the merchant allows.
    pub max_quantity: u32,
    /// Alignment modes offered for more seats (`immediate`, `nextBilling`, `extend`).
    pub increase_modes: Vec<String>,
    /// Alignment modes offered for fewer seats.
    pub decrease_modes: Vec<String>,
    /// Changes of this item not yet in effect, oldest first (empty when none): one in
    /// progress, or a decrease scheduled for the next billing date.
    #[serde(default)]
    pub pending: Vec<PendingChange>,
    /// The products this item may change to (empty when none).
    #[serde(default)]
    pub change_to: Vec<ChangeOption>,
    /// Whether the item may be dropped (deactivated at the next billing date): the
    /// policy lists its product as removable and it is not the last active item.
    #[serde(default)]
    pub removable: bool,
    /// The item ends on this date, `YYYY-MM-DD` (dropped already); absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deactivation_date: Option<String>,
}

/// A change of an item that is not in effect yet (docs/proxy.md, "API").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PendingChange {
    /// `inProgress`: a commit recorded and not finished (its outcome at Cleverbridge is
    /// not known yet); `scheduled`: a change that takes effect on `effectiveOn`, made at
    /// Cleverbridge shortly before it (until then the customer keeps the seats they have).
    pub state: String,
    /// The seats the change leads to.
    pub to_quantity: u32,
    /// When a scheduled change takes effect, `YYYY-MM-DD` (absent while in progress).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_on: Option<String>,
    /// When the change was asked for (RFC 3339, UTC, milliseconds).
    pub since: String,
    /// A change of plan's target product (a scheduled downgrade); absent for seats.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_product_id: Option<String>,
}

/// `DELETE …/items/{runningNumber}/scheduled`: the scheduled change that was cancelled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Cancellation {
    /// Always `cancelled`.
    pub status: String,
    /// `S…`.
    pub subscription_id: String,
    /// The item.
    pub running_number: u64,
    /// The seats the change would have left (the customer keeps what they have).
    pub to_quantity: u32,
    /// The date it would have taken effect, `YYYY-MM-DD`.
    pub effective_on: String,
}

/// Whether a subscription can be changed now, and if not, why (the code and message of
/// the problem a preview would answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Changeable {
    /// `true`: its items can be changed now.
    pub ok: bool,
    /// Why not: a stable problem code (`subscription_not_active`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<String>,
    /// Why not, for a person.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

/// `GET /api/subscriptions/{id}`: the subscription as the widget shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Summary {
    /// `S…`.
    pub id: String,
    /// Status name in lower case (`active`, `grace`, …).
    pub status: String,
    /// Whether the subscription can be changed now, and why not.
    pub changeable: Changeable,
    /// ISO 4217 code.
    pub currency: String,
    /// `gross` or `net`.
    pub tax_mode: String,
    /// Decimal string; an estimate until a preview.
    pub tax_rate: String,
    /// Always `true`: the rate is derived from the subscription's prices.
    pub tax_rate_is_estimate: bool,
    /// First day of the current period, `YYYY-MM-DD`.
    pub period_start: String,
    /// Next billing date, `YYYY-MM-DD`.
    pub next_billing_date: String,
    /// Billing interval.
    pub interval: Interval,
    /// The proxy's today, `YYYY-MM-DD`.
    pub today: String,
    /// Current items.
    pub items: Vec<SummaryItem>,
    /// The add-ons this subscription may add (not held already; empty when none).
    #[serde(default)]
    pub add_ons: Vec<AddOnOffer>,
}

/// The body of a preview request. Prices are never accepted from the browser.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PreviewRequest {
    /// The new number of seats: a JSON integer (`2`, or `2.0`, which JSON Schema also
    /// calls an integer; not `2.5` or `"2"`).
    #[serde(deserialize_with = "whole_number")]
    pub quantity: i64,
    /// `immediate`, `nextBilling` or `extend`.
    pub alignment: String,
    /// A change of plan: the product the item changes to (one of its `changeTo`).
    /// `quantity: 0` with `nextBilling` and no product drops the item.
    #[serde(default, rename = "productId", skip_serializing_if = "Option::is_none")]
    pub product_id: Option<String>,
}

/// A JSON number with no fractional part, as `i64`.
fn whole_number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    let n = serde_json::Number::deserialize(d)?;
    if let Some(i) = n.as_i64() {
        return Ok(i);
    }
    if n.as_u64().is_some() {
        return Ok(i64::MAX);
    }
    // Quantities are counts, not money: a float is only inspected to accept `2.0`.
    match n.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Ok(f as i64),
        Some(f) if f.fract() == 0.0 => Ok(if f < 0.0 { i64::MIN } else { i64::MAX }),
        _ => Err(serde::de::Error::custom(format!(
            "invalid value: {n}, expected a whole number of seats"
        ))),
    }
}

/// A verified quote (priced by Cleverbridge) and the token that commits exactly it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Preview {
    /// The quote, field for field as `quote()` returns it.
    #[serde(flatten)]
    pub quote: Quote,
    /// Signed token binding the customer, item, quantity, mode, date and amounts.
    pub quote_token: String,
    /// When the token expires (RFC 3339, UTC).
    pub expires_at: String,
    /// The alignment mode.
    pub mode: String,
    /// `seats`, `plan`, `add` or `drop`.
    pub kind: String,
    /// The product before the change (`null` for an add).
    pub product_before: Option<ProductRef>,
    /// The product after the change (`null` for a drop).
    pub product_after: Option<ProductRef>,
}

/// The body of a commit request (with an `Idempotency-Key` header).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CommitRequest {
    /// The token of the preview the customer agreed to.
    pub quote_token: String,
    /// Must be `true`: the customer agreed to be charged.
    #[serde(default)]
    pub consent: Option<bool>,
}

/// A committed change, or one scheduled for the next billing date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Commit {
    /// `committed` (made at Cleverbridge), or `scheduled` (a decrease at the next billing
    /// date: recorded, made shortly before `effectiveOn`; the seats stay until then).
    pub status: String,
    /// `S…`.
    pub subscription_id: String,
    /// The item.
    pub running_number: u64,
    /// Seats after the change.
    pub quantity: u32,
    /// The alignment mode.
    pub mode: String,
    /// The quote that was committed.
    pub quote: Quote,
    /// When (RFC 3339, UTC, milliseconds).
    pub committed_at: String,
    /// A scheduled change's date, or a dropped item's deactivation date, `YYYY-MM-DD`;
    /// absent for a change made now.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_on: Option<String>,
    /// `seats`, `plan`, `add` or `drop`.
    #[serde(default = "seats")]
    pub kind: String,
    /// The product before the change (`null` for an add).
    #[serde(default)]
    pub product_before: Option<ProductRef>,
    /// The product after the change (`null` for a drop).
    #[serde(default)]
    pub product_after: Option<ProductRef>,
}

fn seats() -> String {
    "seats".into()
}

/// An RFC 9457 problem document: every failure of the API.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// `https://seatquote.dev/problems/{code}`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The HTTP status's reason phrase.
    pub title: String,
    /// The HTTP status.
    pub status: u16,
    /// What went wrong, for a person.
    pub detail: String,
    /// Stable machine code (`quantity_out_of_range`, `quote_changed`, …).
    pub code: String,
    /// With `quote_changed`: the new quote, to show instead.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quote: Option<Box<Preview>>,
}

/// One event of the outbox, as the events API lists it (docs/webhooks.md).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventRecord {
    /// Where this event is in the outbox: pass it as `after` to read on from here.
    pub cursor: String,
    /// The event id (the webhook's `webhook-id`).
    pub id: String,
    /// `seat_change.applied`, `subscription.changed_outside`, ….
    #[serde(rename = "type")]
    pub kind: String,
    /// `S…`, or empty when the event names no subscription.
    pub subscription_id: String,
    /// When written (RFC 3339, UTC).
    pub created_at: String,
    /// `pending`, `delivered` or `exhausted` (every attempt of the retry period failed; it
    /// holds back the later events of its lane until it is re-delivered and delivered).
    pub delivery: String,
    /// Delivery attempts so far.
    pub attempts: u32,
    /// When the next attempt is due (pending events; null otherwise).
    #[serde(default)]
    pub next_attempt_at: Option<String>,
    /// The last failed attempt's cause.
    #[serde(default)]
    pub last_error: Option<String>,
    /// When delivered.
    #[serde(default)]
    pub delivered_at: Option<String>,
    /// The webhook URL it is delivered to: the one configured when it was written (null:
    /// none was, and it has not been attempted yet).
    #[serde(default)]
    pub target_url: Option<String>,
    /// The webhook body, exactly as delivered.
    pub payload: serde_json::Value,
}

/// A page of events (`GET /api/events`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EventPage {
    /// The events after the cursor, oldest first.
    pub events: Vec<EventRecord>,
    /// The cursor to read on from (the last event's, or the one given when the page is empty).
    pub next_cursor: String,
}

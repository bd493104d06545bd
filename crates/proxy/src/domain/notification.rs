//! Reading a Cleverbridge JSON notification (docs/webhooks.md, "Notifications from
//! Cleverbridge"): a `meta` object with the notification `type` and `date`, an integer
//! `subscriptionId`, and `subscriptionItems[]` with `runningNumber`, `quantity`,
//! `productId`, `version` and `status`. Only what the proxy acts on is read; the whole body
//! is kept as received.

use seatquote_core::wire::normalize_subscription_id;
use serde::Deserialize;
use serde_json::Value;

use super::intent::Intent;
use super::quote_token::sha256_hex;

/// One subscription item as a notification reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifiedItem {
    /// The item's running number.
    pub running_no: u64,
    /// Seats.
    pub quantity: u32,
    /// The item's version at Cleverbridge: a higher version is a later state.
    pub version: i64,
    /// Product id, as sent.
    pub product_id: Option<String>,
    /// Item status, as sent.
    pub status: Option<String>,
}

/// A notification, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    /// SHA-256 of the body as received: the same notification twice has the same digest.
    pub digest: String,
    /// `meta.type`, e.g. `SubscriptionUpdatedNotification`.
    pub kind: String,
    /// `meta.date`, as sent.
    pub date: Option<String>,
    /// The subscription (`S…`), when the notification names one.
    pub subscription: Option<String>,
    /// The merchant's customer id (`customerReferenceId`), when sent.
    pub customer: Option<String>,
    /// The purchase (`purchaseId`, Cleverbridge's order), when sent: a payment that names
    /// no subscription is delivered in its purchase's lane.
    pub purchase: Option<String>,
    /// The items it reports.
    pub items: Vec<NotifiedItem>,
    /// The body as received.
    pub raw: String,
}

/// Notification types that report subscription items' state.
pub const ITEM_TYPES: &[&str] = &[
    "SubscriptionUpdatedNotification",
    "SubscriptionPaidNotification",
    "PaidOrderNotification",
    "SubscriptionPaymentFailedNotification",
];

impl Notification {
    /// Whether the proxy acts on this type (others are kept and acknowledged only).
    pub fn is_known(&self) -> bool {
        ITEM_TYPES.contains(&self.kind.as_str()) || self.payment_kind().is_some()
    }

    /// Whether its items are compared with the ledger.
    pub fn reports_items(&self) -> bool {
        ITEM_TYPES.contains(&self.kind.as_str())
    }

    /// The payment event type this notification implies, if any.
    pub fn payment_kind(&self) -> Option<&'static str> {
        match self.kind.as_str() {
            "SubscriptionPaidNotification" | "PaidOrderNotification" => Some("payment.succeeded"),
            "SubscriptionPaymentFailedNotification" | "PaymentFailedNotification" => {
                Some("payment.failed")
            }
            "RefundNotification" | "PartialRefundNotification" => Some("payment.refunded"),
            "ChargebackNotification" => Some("payment.charged_back"),
            _ => None,
        }
    }
}

#[derive(Deserialize)]
struct Meta {
    #[serde(rename = "type")]
    kind: String,
    #[serde(default)]
    date: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Item {
    running_number: u64,
    quantity: u32,
    #[serde(default)]
    version: i64,
    #[serde(default)]
    product_id: Option<Value>,
    #[serde(default)]
    status: Option<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Wire {
    meta: Meta,
    #[serde(default)]
    subscription_id: Option<Value>,
    #[serde(default)]
    customer_reference_id: Option<String>,
    #[serde(default)]
    purchase_id: Option<Value>,
    #[serde(default)]
    subscription_items: Vec<Item>,
}

fn id_text(v: &Value) -> Option<String> {
    match v {
        Value::Number(n) if n.is_u64() => Some(n.to_string()),
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        _ => None,
    }
}

/// Reads a notification body.
///
/// # Errors
/// Not JSON, or not the shape above (the message says where).
pub fn parse(body: &[u8]) -> Result<Notification, String> {
    let raw = std::str::from_utf8(body).map_err(|_| "the body is not UTF-8".to_owned())?;
    let w: Wire = serde_json::from_str(raw).map_err(|e| e.to_string())?;
    if w.meta.kind.trim().is_empty() {
        return Err("meta.type is empty".into());
    }
    let subscription = match &w.subscription_id {
        None | Some(Value::Null) => None,
        Some(v) => Some(
            id_text(v)
                .map(|s| normalize_subscription_id(&s))
                .filter(|s| s.len() > 1 && s[1..].bytes().all(|b| b.is_ascii_digit()))
                .ok_or("subscriptionId is not an integer")?,
        ),
    };
    let items = w
        .subscription_items
        .into_iter()
        .map(|i| NotifiedItem {
            running_no: i.running_number,
            quantity: i.quantity,
            version: i.version,
            product_id: i.product_id.as_ref().and_then(id_text),
            status: i.status,
        })
        .collect();
    Ok(Notification {
        digest: sha256_hex(body),
        kind: w.meta.kind.trim().to_owned(),
        date: w.meta.date,
        subscription,
        customer: w.customer_reference_id,
        purchase: w.purchase_id.as_ref().and_then(id_text),
        items,
        raw: raw.to_owned(),
    })
}

/// What the store knew of an item before a notification about it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemKnowledge {
    /// The last notification's version and quantity, and when it was recorded.
    pub notified: Option<(i64, u32, i64)>,
    /// The ledger's latest applied change: its quantity, and when it was applied.
    pub applied: Option<(u32, i64)>,
    /// Unfinished commits of the item (sent, outcome unknown).
    pub unfinished: Vec<Intent>,
}

/// What a notified item means, given what was known ([`ItemKnowledge`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemVerdict {
    /// An older (or the same) version than one already recorded: ignored.
    Stale,
    /// Nothing new: the quantity is the one known, or the ledger's own change.
    Known,
    /// These unfinished commits' intended quantity is notified: a hint, checked by a
    /// read of the item (never settled by the notification itself).
    Check(Vec<Intent>),
    /// A change the ledger did not make: from (if known) → to.
    Outside(Option<u32>),
}

/// The ledger's rows about a notified item (`?2` its running number, `?3` its product):
/// its own, and an add of its product whose new item's running number was not known when
/// it was recorded (DESIGN.md, "Plans, add-ons and drops").
pub const OF_ITEM: &str =
    "(running_no = ?2 OR (kind = 'add' AND running_no = 0 AND product_after = ?3))";

/// The seats an applied change leaves: its quantity, except a drop's — the item keeps its
/// seats until the next billing date (its record's quantity is 0).
pub const SEATS_AFTER: &str = "CASE WHEN kind = 'drop' THEN from_quantity ELSE quantity END";

/// Classifies one notified item (shared by every store implementation).
pub fn classify(item: &NotifiedItem, k: &ItemKnowledge) -> ItemVerdict {
    if let Some((version, _, _)) = k.notified {
        if item.version <= version {
            return ItemVerdict::Stale;
        }
    }
    let check: Vec<Intent> = k
        .unfinished
        .iter()
        .filter(|i| {
            let seats = if i.change.kind == super::catalogue::Kind::Drop {
                i.from_quantity
            } else {
                i.quantity
            };
            seats == item.quantity
        })
        .cloned()
        .collect();
    if !check.is_empty() {
        return ItemVerdict::Check(check);
    }
    // The latest known quantity: the ledger's change if it came after the last
    // notification, else the last notification's.
    let since = k.notified.map_or(i64::MIN, |(_, _, at)| at);
    let baseline = match (k.applied, k.notified) {
        (Some((q, at)), _) if at >= since => Some(q),
        (_, Some((_, q, _))) => Some(q),
        _ => None,
    };
    // An item seen for the first time at its first version: its initial state.
    if baseline == Some(item.quantity) || (baseline.is_none() && item.version <= 1) {
        ItemVerdict::Known
    } else {
        ItemVerdict::Outside(baseline)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_subscription_model() {
        let n = parse(br#"{"meta":{"type":"SubscriptionUpdatedNotification","date":"2026-05-13T10:00:00Z"},
            "subscriptionId":68841753,"customerReferenceId":"C-1001",
            "subscriptionItems":[{"runningNumber":1,"quantity":3,"productId":294835,"version":4,"status":"Active"}]}"#).unwrap();
        assert_eq!(n.subscription.as_deref(), Some("S68841753"));
        assert_eq!(n.items[0].quantity, 3);
        assert_eq!(n.items[0].product_id.as_deref(), Some("294835"));
        assert!(n.reports_items());
        assert!(parse(br#"{"meta":{}}"#).is_err());
        assert!(parse(br#"{"meta":{"type":"X"},"subscriptionId":-1}"#).is_err());
        assert!(parse(b"not json").is_err());
        assert!(!parse(br#"{"meta":{"type":"SomethingNewNotification"}}"#)
            .unwrap()
            .is_known());
    }
}

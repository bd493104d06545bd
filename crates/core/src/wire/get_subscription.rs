//! The `getsubscription` response.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::numbers::{id_text, opt_id_text, subscription_id_text};
use super::{SubscriptionStatus, WireDate, WireDecimal, WireError, WireUint};
use crate::date::Date;

/// One item of a subscription (`Items[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubscriptionItem {
    /// The item's running number (`RunningNo`, older pages `RunningNumber`).
    #[serde(alias = "RunningNumber")]
    pub running_no: WireUint,
    /// The product.
    #[serde(deserialize_with = "id_text")]
    pub product_id: String,
    /// The product's name.
    #[serde(default)]
    pub product_name: Option<String>,
    /// Seats.
    pub quantity: WireUint,
    /// Whether the item is part of the current subscription (absent: yes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_current: Option<bool>,
    /// When the item was or will be deactivated.
    #[serde(default)]
    pub deactivation_date: Option<WireDate>,
    /// What the next billing charges for this item, gross (a line total).
    #[serde(default)]
    pub next_billing_customer_gross_price: Option<WireDecimal>,
    /// … net.
    #[serde(default)]
    pub next_billing_customer_net_price: Option<WireDecimal>,
    /// … VAT.
    #[serde(default)]
    pub next_billing_customer_vat_price: Option<WireDecimal>,
    /// What renewals after that charge, gross.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_renewal_customer_gross_price: Option<WireDecimal>,
    /// … net.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_renewal_customer_net_price: Option<WireDecimal>,
    /// … VAT.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_renewal_customer_vat_price: Option<WireDecimal>,
    /// Currency of the next-billing prices.
    #[serde(default)]
    pub next_billing_currency_id: Option<String>,
}

impl SubscriptionItem {
    /// Current (not flagged `IsCurrent: false`) and not deactivated on or before `today`.
    pub fn is_active_on(&self, today: Date) -> bool {
        self.is_current != Some(false) && self.deactivation_date.is_none_or(|d| d.0 > today)
    }
}

/// A subscription as `getsubscription` returns it (inside the wrapper).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Subscription {
    /// `S…` identifier (a bare number, as a JSON number or a string, gains its `S`).
    #[serde(deserialize_with = "subscription_id_text")]
    pub id: String,
    /// Cleverbridge's customer id.
    #[serde(default, deserialize_with = "opt_id_text")]
    pub customer_id: Option<String>,
    /// The merchant's own customer id.
    #[serde(default, deserialize_with = "opt_id_text")]
    pub customer_reference_id: Option<String>,
    /// The subscription's currency (ISO 4217).
    #[serde(default)]
    pub customer_currency_id: Option<String>,
    /// Interval months.
    #[serde(default)]
    pub interval_month_count: WireUint,
    /// Interval days.
    #[serde(default)]
    pub interval_day_count: WireUint,
    /// The next billing date.
    #[serde(default)]
    pub next_billing_date: Option<WireDate>,
    /// Status (integer or name).
    #[serde(default)]
    pub subscription_status: SubscriptionStatus,
    /// End date, if any.
    #[serde(default)]
    pub end_date: Option<WireDate>,
    /// Grace period length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grace_period_days: Option<WireUint>,
    /// The items.
    #[serde(default)]
    pub items: Vec<SubscriptionItem>,
}

impl Subscription {
    /// The item with this running number: its current revision (`IsCurrent` not
    /// false) when `Items` lists several (a change of product keeps the old revision
    /// with `IsCurrent: false`), else the first listed.
    pub fn item(&self, running_no: u64) -> Option<&SubscriptionItem> {
        let mut all = self.items.iter().filter(|i| i.running_no.0 == running_no);
        let current = all.clone().find(|i| i.is_current != Some(false));
        current.or_else(|| all.next())
    }
}

/// The `getsubscription` response: `{"Subscription": {…}, "ResultMessage": "OK"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetSubscriptionResponse {
    /// The subscription.
    pub subscription: Subscription,
    /// `"OK"` in practice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_message: Option<String>,
}

/// Reads a `getsubscription` response, wrapped (`{"Subscription": {…}}`) or not.
///
/// # Errors
/// [`WireError`] when the text is not such a document.
pub fn parse_get_subscription(json: &str) -> Result<GetSubscriptionResponse, WireError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Outer {
        #[serde(default)]
        subscription: Option<Box<RawValue>>,
        #[serde(default)]
        result_message: Option<String>,
    }
    let err = |e: serde_json::Error| WireError(e.to_string());
    let outer: Outer = serde_json::from_str(json).map_err(err)?;
    let subscription = match &outer.subscription {
        Some(raw) if raw.get().trim() != "null" => serde_json::from_str(raw.get()),
        _ => serde_json::from_str(json),
    }
    .map_err(err)?;
    Ok(GetSubscriptionResponse {
        subscription,
        result_message: outer.result_message,
    })
}

//! The `updatesubscriptionitem` request and response, and Cleverbridge's error body.

use serde::{Deserialize, Serialize, Serializer};

use super::numbers::id_text;
use super::{WireDate, WireDecimal, WireUint, WireUpdateAction};
use crate::alignment::{Alignment, AlignmentFlags};

/// `AlignmentSettings` of an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AlignmentSettings {
    /// Co-term with the current interval.
    #[serde(default)]
    pub align_to_current_interval: bool,
    /// Start a new interval today.
    #[serde(default)]
    pub extend_interval: bool,
    /// `true`: only compute prices; `false`: commit (and bill).
    #[serde(default)]
    pub get_customer_price_preview_only: bool,
}

impl AlignmentSettings {
    /// The settings for a mode, as a preview or as a commit.
    pub fn new(mode: Alignment, preview_only: bool) -> Self {
        let f = mode.flags();
        Self {
            align_to_current_interval: f.align_to_current_interval,
            extend_interval: f.extend_interval,
            get_customer_price_preview_only: preview_only,
        }
    }

    /// The engine's flags.
    pub fn flags(&self) -> AlignmentFlags {
        AlignmentFlags {
            align_to_current_interval: self.align_to_current_interval,
            extend_interval: self.extend_interval,
        }
    }
}

/// An offer price (`CustomerPrice`): a unit price in the subscription's currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CustomerPrice {
    /// ISO 4217 code; must equal the subscription's.
    pub currency: String,
    /// Must match the product's tax mode.
    pub is_gross: bool,
    /// The unit price.
    pub value: WireDecimal,
}

fn default_true() -> bool {
    true
}

/// The `updatesubscriptionitem` request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateSubscriptionItemRequest {
    /// `S…` (the `S` is optional on input).
    #[serde(deserialize_with = "id_text")]
    pub subscription_id: String,
    /// The item's running number.
    #[serde(alias = "RunningNo")]
    pub running_number: WireUint,
    /// The item's product.
    #[serde(deserialize_with = "id_text", serialize_with = "product_id_number")]
    pub product_id: String,
    /// Seats after the update.
    pub quantity: WireUint,
    /// Alignment and preview flags.
    pub alignment_settings: AlignmentSettings,
    /// Optional offer price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_price: Option<CustomerPrice>,
    /// Tracking only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_action: Option<WireUpdateAction>,
    /// Whether Cleverbridge mails the customer (default true).
    #[serde(default = "default_true")]
    pub generate_mail: bool,
}

fn product_id_number<S: Serializer>(id: &str, s: S) -> Result<S::Ok, S::Error> {
    match id.parse::<u64>() {
        Ok(n) => s.serialize_u64(n),
        Err(_) => s.serialize_str(id),
    }
}

impl UpdateSubscriptionItemRequest {
    /// The subscription id with a leading `S` (as `getsubscription` wants it).
    pub fn normalized_subscription_id(&self) -> String {
        normalize_subscription_id(&self.subscription_id)
    }
}

/// `68841753` → `S68841753`; ids that already start with `S` are kept.
pub fn normalize_subscription_id(id: &str) -> String {
    let id = id.trim();
    if id.starts_with(['S', 's']) {
        format!("S{}", &id[1..])
    } else {
        format!("S{id}")
    }
}

/// The `updatesubscriptionitem` response. On a preview the price fields are set; on a
/// commit they are null and only `ResultMessage` (and perhaps a confirmation URL) says
/// anything.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateSubscriptionItemResponse {
    /// Due today, gross.
    #[serde(default)]
    pub alignment_customer_gross_price: Option<WireDecimal>,
    /// Due today, net.
    #[serde(default)]
    pub alignment_customer_net_price: Option<WireDecimal>,
    /// Due today, VAT.
    #[serde(default)]
    pub alignment_customer_vat_price: Option<WireDecimal>,
    /// Next billing, gross.
    #[serde(default)]
    pub next_billing_customer_gross_price: Option<WireDecimal>,
    /// Next billing, net.
    #[serde(default)]
    pub next_billing_customer_net_price: Option<WireDecimal>,
    /// Next billing, VAT.
    #[serde(default)]
    pub next_billing_customer_vat_price: Option<WireDecimal>,
    /// Later renewals, gross.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_renewal_customer_gross_price: Option<WireDecimal>,
    /// Later renewals, net.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_renewal_customer_net_price: Option<WireDecimal>,
    /// Later renewals, VAT.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_renewal_customer_vat_price: Option<WireDecimal>,
    /// Currency of the prices.
    #[serde(default)]
    pub price_currency_id: Option<String>,
    /// The next billing date after the change, when sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_billing_date: Option<WireDate>,
    /// `"OK"` on success.
    #[serde(default)]
    pub result_message: Option<String>,
}

/// A Cleverbridge error body (`{"ResultMessage": "Item not found."}`), when JSON.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResultMessage {
    /// The message.
    #[serde(default)]
    pub result_message: Option<String>,
}

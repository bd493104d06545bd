//! The contract's catalogue types (DESIGN.md, "Plans, add-ons and drops"): what an item
//! may change to ([`ChangeOption`]), the add-ons a subscription may add ([`AddOnOffer`]),
//! the add-on preview's body ([`AddOnPreviewRequest`]) and the product a change starts
//! from or leads to ([`ProductRef`]).

use serde::{Deserialize, Serialize};

/// A product an item may change to (`SummaryItem.changeTo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ChangeOption {
    /// The target product.
    pub product_id: String,
    /// Its name.
    pub product_name: String,
    /// Its unit price per period (the merchant's catalogue: an estimate until a preview).
    pub unit_price: String,
    /// `upgrade` (unit price at least the current one: allowed now) or `downgrade` (at
    /// the next billing date).
    pub direction: String,
    /// The alignment modes allowed for this change.
    pub modes: Vec<String>,
}

/// An add-on the subscription may add (`Summary.addOns`): not held already.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddOnOffer {
    /// The add-on product.
    pub product_id: String,
    /// Its name.
    pub product_name: String,
    /// Its unit price per period (an estimate until a preview).
    pub unit_price: String,
    /// Fewest units.
    pub min_quantity: u32,
    /// Most units.
    pub max_quantity: u32,
    /// The alignment modes an add allows.
    pub modes: Vec<String>,
}

/// A product a change starts from or leads to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProductRef {
    /// Product id.
    pub product_id: String,
    /// Product name.
    pub product_name: String,
}

/// The body of `POST /api/subscriptions/{id}/items/preview`: an add-on as a new item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct AddOnPreviewRequest {
    /// The add-on product (one of the summary's `addOns`).
    pub product_id: String,
    /// Units of it: a JSON integer.
    #[serde(deserialize_with = "super::whole_number")]
    pub quantity: i64,
    /// `immediate` (or another mode the policy lists for it).
    pub alignment: String,
}

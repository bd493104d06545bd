//! The item calls the proxy sends to Cleverbridge, one wire shape each (DESIGN.md, "Plans,
//! add-ons and drops"): `updatesubscriptionitem` (seats, or another `ProductId`: a change
//! of plan; `seatquote_core::wire`), `addsubscriptionitem` (an add-on as a new item; no
//! running number in the request or, reliably, the answer) and
//! `deactivatesubscriptionitems` (a drop: the item runs to the next billing date).

use seatquote_core::wire::{
    normalize_subscription_id, AlignmentSettings, CustomerPrice, UpdateSubscriptionItemRequest,
    WireUint,
};
use serde::{Serialize, Serializer};

/// The `addsubscriptionitem` request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct AddSubscriptionItemRequest {
    /// `S…`.
    pub subscription_id: String,
    /// The add-on product.
    #[serde(serialize_with = "product_id_number")]
    pub product_id: String,
    /// Units of it.
    pub quantity: WireUint,
    /// Alignment and preview flags (co-termed: `AlignToCurrentInterval`).
    pub alignment_settings: AlignmentSettings,
    /// Optional offer price.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_price: Option<CustomerPrice>,
    /// Whether Cleverbridge mails the customer.
    pub generate_mail: bool,
}

/// The `deactivatesubscriptionitems` request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct DeactivateSubscriptionItemsRequest {
    /// `S…`.
    pub subscription_id: String,
    /// The running numbers to deactivate at the next billing date.
    pub items: Vec<u64>,
    /// Whether the item may be reinstated before then.
    pub allow_reinstate: bool,
    /// Whether Cleverbridge mails the customer.
    pub generate_mail: bool,
}

fn product_id_number<S: Serializer>(id: &str, s: S) -> Result<S::Ok, S::Error> {
    match id.parse::<u64>() {
        Ok(n) => s.serialize_u64(n),
        Err(_) => s.serialize_str(id),
    }
}

/// One item call, as a preview or a commit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ItemCall {
    /// Seats or another product of an item.
    Update(UpdateSubscriptionItemRequest),
    /// An add-on as a new item.
    Add(AddSubscriptionItemRequest),
    /// Items deactivated at the next billing date.
    Deactivate(DeactivateSubscriptionItemsRequest),
}

impl ItemCall {
    /// The endpoint (after the base URL).
    pub fn endpoint(&self) -> &'static str {
        match self {
            Self::Update(_) => "updatesubscriptionitem",
            Self::Add(_) => "addsubscriptionitem",
            Self::Deactivate(_) => "deactivatesubscriptionitems",
        }
    }

    /// The subscription, with its `S`.
    pub fn subscription_id(&self) -> String {
        normalize_subscription_id(match self {
            Self::Update(r) => &r.subscription_id,
            Self::Add(r) => &r.subscription_id,
            Self::Deactivate(r) => &r.subscription_id,
        })
    }

    /// The JSON body.
    ///
    /// # Errors
    /// Serialization (not expected).
    pub fn body(&self) -> Result<String, serde_json::Error> {
        match self {
            Self::Update(r) => serde_json::to_string(r),
            Self::Add(r) => serde_json::to_string(r),
            Self::Deactivate(r) => serde_json::to_string(r),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use seatquote_core::alignment::Alignment;

    #[test]
    fn wire_shapes() {
        let add = ItemCall::Add(AddSubscriptionItemRequest {
            subscription_id: "S1".into(),
            product_id: "294900".into(),
            quantity: WireUint(1),
            alignment_settings: AlignmentSettings::new(Alignment::Immediate, true),
            customer_price: None,
            generate_mail: true,
        });
        let v: serde_json::Value = serde_json::from_str(&add.body().unwrap()).unwrap();
        assert_eq!(v["ProductId"], 294900);
        assert_eq!(v["AlignmentSettings"]["AlignToCurrentInterval"], true);
        assert!(v.get("RunningNumber").is_none() && v.get("CustomerPrice").is_none());
        assert_eq!(add.endpoint(), "addsubscriptionitem");
        let drop = ItemCall::Deactivate(DeactivateSubscriptionItemsRequest {
            subscription_id: "70000004".into(),
            items: vec![2],
            allow_reinstate: true,
            generate_mail: false,
        });
        assert_eq!(drop.subscription_id(), "S70000004");
        assert_eq!(
            drop.body().unwrap(),
            r#"{"SubscriptionId":"70000004","Items":[2],"AllowReinstate":true,"GenerateMail":false}"#
        );
    }
}

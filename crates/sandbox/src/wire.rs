//! The request bodies of `addsubscriptionitem` and `deactivatesubscriptionitems` as the
//! sandbox reads them (SPEC §11), liberal in what they accept: ids as strings or numbers,
//! `CurrencyId` or `Currency` in `CustomerPrice`, `Items` as running numbers or as
//! `{"RunningNumber"|"RunningNo": n}`. The shapes shared with the proxy
//! (`getsubscription`, `updatesubscriptionitem`, the preview's answer) are
//! `seatquote_core::wire`'s.

use serde::de::{self, Deserializer};
use serde::Deserialize;
use serde_json::value::RawValue;

use seatquote_core::wire::{normalize_subscription_id, AlignmentSettings, WireDecimal, WireUint};

/// An identifier sent as a string or a number (`"S68841753"`, `294900`), kept as text.
fn id_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let raw = Box::<RawValue>::deserialize(d)?;
    let t = raw.get().trim();
    if t.starts_with('"') {
        serde_json::from_str::<String>(t).map_err(de::Error::custom)
    } else if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        Ok(t.to_owned())
    } else {
        Err(de::Error::custom(format!("not an identifier: {t}")))
    }
}

/// `CustomerPrice` of an add: the currency as `Currency` (the docs) or `CurrencyId` (a
/// client library); `IsGross` is accepted and not checked, as for an update.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AddCustomerPrice {
    /// ISO 4217 code; must equal the subscription's.
    #[serde(alias = "CurrencyId")]
    pub currency: String,
    /// The unit price.
    pub value: WireDecimal,
}

/// The `addsubscriptionitem` request: no running number (Cleverbridge assigns the next).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct AddSubscriptionItemRequest {
    /// `S…` (the `S` is optional).
    #[serde(deserialize_with = "id_text")]
    pub subscription_id: String,
    /// The product to add.
    #[serde(deserialize_with = "id_text")]
    pub product_id: String,
    /// Its quantity.
    pub quantity: WireUint,
    /// Alignment and preview flags.
    pub alignment_settings: AlignmentSettings,
    /// Optional offer price.
    #[serde(default)]
    pub customer_price: Option<AddCustomerPrice>,
}

impl AddSubscriptionItemRequest {
    /// The subscription id with its leading `S`.
    pub fn normalized_subscription_id(&self) -> String {
        normalize_subscription_id(&self.subscription_id)
    }
}

/// One entry of `Items`: a running number, bare or as an object.
fn running_numbers<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u64>, D::Error> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Entry {
        #[serde(alias = "RunningNo")]
        running_number: WireUint,
    }
    let raw = Vec::<Box<RawValue>>::deserialize(d)?;
    raw.iter()
        .map(|r| {
            let t = r.get().trim();
            if t.starts_with('{') {
                serde_json::from_str::<Entry>(t).map(|e| e.running_number.0)
            } else {
                serde_json::from_str::<WireUint>(t).map(|n| n.0)
            }
            .map_err(de::Error::custom)
        })
        .collect()
}

/// The `deactivatesubscriptionitems` request; `AllowReinstate` and `GenerateMail` are
/// accepted and change nothing (the sandbox has no reinstate and mails no one).
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub(crate) struct DeactivateSubscriptionItemsRequest {
    /// `S…` (the `S` is optional).
    #[serde(deserialize_with = "id_text")]
    pub subscription_id: String,
    /// The running numbers to deactivate.
    #[serde(deserialize_with = "running_numbers")]
    pub items: Vec<u64>,
}

impl DeactivateSubscriptionItemsRequest {
    /// The subscription id with its leading `S`.
    pub fn normalized_subscription_id(&self) -> String {
        normalize_subscription_id(&self.subscription_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_spellings() {
        let a: AddSubscriptionItemRequest = serde_json::from_str(
            r#"{"SubscriptionId":68841753,"ProductId":294900,"Quantity":1,
                "AlignmentSettings":{"AlignToCurrentInterval":true,"GetCustomerPricePreviewOnly":true},
                "CustomerPrice":{"CurrencyId":"USD","IsGross":true,"Value":1000.10}}"#,
        )
        .unwrap();
        assert_eq!(a.normalized_subscription_id(), "S68841753");
        assert_eq!(a.product_id, "294900");
        let cp = a.customer_price.unwrap();
        assert_eq!(
            (cp.currency.as_str(), cp.value.0.to_string()),
            ("USD", "1000.10".into())
        );
        let a: AddSubscriptionItemRequest = serde_json::from_str(
            r#"{"SubscriptionId":"S1","ProductId":"294900","Quantity":"2","AlignmentSettings":{},
                "CustomerPrice":{"Currency":"EUR","Value":"9.5"}}"#,
        )
        .unwrap();
        assert_eq!(a.customer_price.unwrap().currency, "EUR");
        let d: DeactivateSubscriptionItemsRequest = serde_json::from_str(
            r#"{"SubscriptionId":"S70000004","Items":[2,{"RunningNo":3},{"RunningNumber":"4"}],
                "AllowReinstate":true,"GenerateMail":false}"#,
        )
        .unwrap();
        assert_eq!(d.items, vec![2, 3, 4]);
        assert!(serde_json::from_str::<DeactivateSubscriptionItemsRequest>(
            r#"{"SubscriptionId":"S1","Items":[-1]}"#
        )
        .is_err());
    }
}

//! Cleverbridge Subscription API wire types (see "Cleverbridge's wire" in `DESIGN.md`): `getsubscription` and
//! `updatesubscriptionitem`, in PascalCase JSON.
//!
//! Strict in what we send, liberal in what we accept:
//!
//! - JSON numbers are read **exactly** into [`Decimal`](rust_decimal::Decimal) from their
//!   raw text (through `serde_json`'s `RawValue`, never through `f64`); numbers written as
//!   strings are accepted too. Deserialize these types with `serde_json::from_str` / `from_slice`
//!   (not `from_value`: the raw text is needed).
//! - Unknown fields are ignored; everything Cleverbridge may leave out is optional.
//! - `RunningNo` or `RunningNumber`; the `{"Subscription": …}` wrapper or a bare object
//!   ([`parse_get_subscription`]).
//! - Status as an integer or a name ([`SubscriptionStatus`]); an unknown value is not
//!   Active.
//! - Dates with or without an offset, with up to 9 fractional digits, or a bare
//!   `YYYY-MM-DD` ([`WireDate`]): the UTC calendar date is kept.
//! - `UpdateAction` as an integer or a name; always sent as the integer.
//!
//! What we send mirrors the real API's untidiness where the sandbox needs it: status as
//! its integer, dates without an offset, `RunningNo` in subscription items.

use std::fmt;

mod dates;
mod get_subscription;
mod numbers;
mod status;
mod update_action;
mod update_subscription_item;

pub use dates::WireDate;
pub use get_subscription::{
    parse_get_subscription, GetSubscriptionResponse, Subscription, SubscriptionItem,
};
pub use numbers::{decimal_from_raw, WireDecimal, WireUint};
pub use status::SubscriptionStatus;
pub use update_action::WireUpdateAction;
pub use update_subscription_item::{
    normalize_subscription_id, AlignmentSettings, CustomerPrice, ResultMessage,
    UpdateSubscriptionItemRequest, UpdateSubscriptionItemResponse,
};

/// A wire document that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireError(pub String);

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed Cleverbridge response: {}", self.0)
    }
}

impl std::error::Error for WireError {}

//! A `getsubscription` read as the proxy uses it: parsed, and a hash of its raw text
//! minus volatile fields (DESIGN.md, "The quote token"). The hash covers every field
//! Cleverbridge sent, those the proxy does not parse included (a customer's country, VAT
//! id, coupons …), so a commit skips its second preview only when Cleverbridge's read is
//! exactly the one quoted.

use std::collections::BTreeMap;

use seatquote_core::wire::GetSubscriptionResponse;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};

/// Top-level fields of a read that may differ between two reads of an unchanged
/// subscription, left out of [`raw_hash`].
pub const VOLATILE: &[&str] = &["ResultMessage"];

/// A subscription read: the parsed answer and [`raw_hash`] of its text.
#[derive(Debug, Clone)]
pub struct SubscriptionRead {
    /// The parsed answer.
    pub response: GetSubscriptionResponse,
    /// The hash of the raw answer minus [`VOLATILE`] fields (hex, 128 bits).
    pub raw_hash: String,
}

/// A hash (hex, 128 bits) of a read's raw text: its top-level members in name order,
/// each value's text exactly as sent, [`VOLATILE`] ones left out. A body that is not a
/// JSON object is hashed whole.
pub fn raw_hash(body: &str) -> String {
    let mut h = Sha256::new();
    match serde_json::from_str::<BTreeMap<String, Box<RawValue>>>(body) {
        Ok(members) => {
            for (k, v) in members
                .iter()
                .filter(|(k, _)| !VOLATILE.contains(&k.as_str()))
            {
                h.update(k.as_bytes());
                h.update([0x1f]);
                h.update(v.get().as_bytes());
                h.update([0x1e]);
            }
        }
        Err(_) => h.update(body.as_bytes()),
    }
    h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::raw_hash;

    #[test]
    fn only_volatile_fields_are_left_out() {
        let a = raw_hash(r#"{"Subscription":{"Id":"S1","Quantity":2},"ResultMessage":"OK"}"#);
        let b = raw_hash(r#"{"ResultMessage":"Done","Subscription":{"Id":"S1","Quantity":2}}"#);
        assert_eq!(a, b, "the message and the member order do not count");
        let coupon = raw_hash(
            r#"{"Subscription":{"Id":"S1","Quantity":2,"CouponCode":"X"},"ResultMessage":"OK"}"#,
        );
        assert_ne!(a, coupon, "a field the proxy does not parse counts");
        let price = raw_hash(r#"{"Subscription":{"Id":"S1","Quantity":2.0},"ResultMessage":"OK"}"#);
        assert_ne!(a, price, "numbers as sent, never as floats");
        assert_eq!(raw_hash("not json").len(), 32);
    }
}

//! Exact numbers and identifiers on the wire: JSON numbers read from their raw text into
//! [`Decimal`], never through `f64`.

use rust_decimal::Decimal;
use serde::de::{self, Deserializer};
use serde::ser::{self, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

/// Parses the raw JSON text of a number (`2400.0`, `1e3`) or of a string holding one
/// (`"2016.81"`) into an exact [`Decimal`]. `None` for anything else.
///
/// ```
/// use seatquote_core::wire::decimal_from_raw;
/// assert_eq!(decimal_from_raw("1008.40").unwrap().to_string(), "1008.40");
/// assert_eq!(decimal_from_raw("\"383.19\"").unwrap().to_string(), "383.19");
/// assert_eq!(decimal_from_raw("0.1").unwrap().to_string(), "0.1");
/// assert!(decimal_from_raw("true").is_none());
/// ```
pub fn decimal_from_raw(raw: &str) -> Option<Decimal> {
    let raw = raw.trim();
    let owned;
    let text = if raw.starts_with('"') {
        owned = serde_json::from_str::<String>(raw).ok()?;
        owned.trim()
    } else {
        raw
    };
    if text.is_empty() || text.len() > 64 {
        return None;
    }
    let ok_chars = text
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    if !ok_chars {
        return None;
    }
    if text.contains(['e', 'E']) {
        Decimal::from_scientific(text).ok()
    } else {
        Decimal::from_str_exact(text).ok()
    }
}

/// An exact decimal on the wire: read from a JSON number or numeric string, written as a
/// JSON number with exactly the decimal's digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct WireDecimal(pub Decimal);

impl<'de> Deserialize<'de> for WireDecimal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(d)?;
        decimal_from_raw(raw.get())
            .map(WireDecimal)
            .ok_or_else(|| de::Error::custom(format!("not a decimal number: {}", raw.get())))
    }
}

impl Serialize for WireDecimal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let raw = RawValue::from_string(self.0.to_string()).map_err(ser::Error::custom)?;
        raw.serialize(s)
    }
}

impl From<Decimal> for WireDecimal {
    fn from(d: Decimal) -> Self {
        Self(d)
    }
}

/// A non-negative whole number on the wire (`2`, `2.0`, `"2"`), as `u64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct WireUint(pub u64);

impl<'de> Deserialize<'de> for WireUint {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let WireDecimal(v) = WireDecimal::deserialize(d)?;
        if v.fract().is_zero() && !v.is_sign_negative() {
            if let Ok(n) = u64::try_from(v.trunc()) {
                return Ok(WireUint(n));
            }
        }
        Err(de::Error::custom(format!("not a whole number: {v}")))
    }
}

impl Serialize for WireUint {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(self.0)
    }
}

/// An identifier sent as a string or a number (`"S68841753"`, `294835`), kept as text.
pub(super) fn id_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
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

/// A subscription id as [`id_text`] reads it, normalised to Cleverbridge's `S…` spelling
/// (`68841753`, a JSON number or a string, is `S68841753`): the one id every comparison
/// (the customer token's list, a quote's subscription) uses.
pub(super) fn subscription_id_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    id_text(d).map(|id| super::normalize_subscription_id(&id))
}

pub(super) fn opt_id_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    struct Id(#[serde(deserialize_with = "id_text")] String);
    Ok(Option::<Id>::deserialize(d)?.map(|i| i.0))
}

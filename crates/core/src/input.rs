//! The JSON-shaped input of `quote()` and its validation into a typed [`Change`].
//!
//! [`QuoteInput`] is deliberately loose (every scalar is a [`Scalar`]) so that a wrong
//! type gets the field's own error code (`invalid_price` for a numeric price, …) rather
//! than a generic parse failure. The rules and the validation order are in
//! `docs/pricing.md`.

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use crate::alignment::AlignmentFlags;
use crate::change::Change;
use crate::error::{ErrorCode, QuoteError};
use crate::validate::{AlignmentRef, InputRef, PriceRef, ScalarRef};

/// One JSON scalar as received, before validation. Numbers keep only what validation
/// needs: an integer value, or the fact that it was not an integer (no float is kept).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Scalar {
    /// A string.
    Str(String),
    /// An integer number.
    Int(i128),
    /// A number that is not an integer (fractional, NaN, infinite).
    NonInteger,
    /// `true` or `false`.
    Bool(bool),
    /// `null`, an object or an array.
    #[default]
    Other,
}

impl Scalar {
    /// The borrowed form validation reads.
    pub fn as_ref(&self) -> ScalarRef<'_> {
        match self {
            Self::Str(s) => ScalarRef::Str(s),
            Self::Int(n) => ScalarRef::Int(*n),
            Self::NonInteger => ScalarRef::NonInteger,
            Self::Bool(b) => ScalarRef::Bool(*b),
            Self::Other => ScalarRef::Other,
        }
    }
}

impl From<&str> for Scalar {
    fn from(s: &str) -> Self {
        Self::Str(s.to_owned())
    }
}

impl From<u32> for Scalar {
    fn from(n: u32) -> Self {
        Self::Int(i128::from(n))
    }
}

impl From<bool> for Scalar {
    fn from(b: bool) -> Self {
        Self::Bool(b)
    }
}

impl<'de> Deserialize<'de> for Scalar {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Scalar;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a JSON scalar")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Scalar, E> {
                Ok(Scalar::Str(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Scalar, E> {
                Ok(Scalar::Str(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Scalar, E> {
                Ok(Scalar::Int(i128::from(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Scalar, E> {
                Ok(Scalar::Int(i128::from(v)))
            }
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<Scalar, E> {
                Ok(Scalar::Int(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Scalar, E> {
                // Only whole numbers within the safe-integer range count as integers
                // (JS numbers arrive here); the float itself is never kept.
                if v.fract() == 0.0 && v.abs() <= 9_007_199_254_740_991.0 {
                    Ok(Scalar::Int(v as i128))
                } else {
                    Ok(Scalar::NonInteger)
                }
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<Scalar, E> {
                Ok(Scalar::Bool(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Scalar, E> {
                Ok(Scalar::Other)
            }
            fn visit_none<E: de::Error>(self) -> Result<Scalar, E> {
                Ok(Scalar::Other)
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Scalar, A::Error> {
                while m.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(Scalar::Other)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut s: A) -> Result<Scalar, A::Error> {
                while s.next_element::<IgnoredAny>()?.is_some() {}
                Ok(Scalar::Other)
            }
        }
        d.deserialize_any(V)
    }
}

/// The `interval` object.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct IntervalInput {
    /// Whole months.
    #[serde(default)]
    pub months: Scalar,
    /// Days.
    #[serde(default)]
    pub days: Scalar,
}

/// `current` and `next`: a unit price (string) and a quantity (integer), plus for `next`
/// the optional CustomerPrice guards.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PriceInput {
    /// Unit price as a decimal string.
    #[serde(default)]
    pub unit_price: Scalar,
    /// Seats.
    #[serde(default)]
    pub quantity: Scalar,
    /// `next` only: the CustomerPrice currency, checked against the subscription's.
    #[serde(default)]
    pub currency: Option<Scalar>,
    /// `next` only: the CustomerPrice IsGross, checked against the tax mode.
    #[serde(default)]
    pub is_gross: Option<Scalar>,
}

/// `alignment`: a mode name, or Cleverbridge's two flags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AlignmentInput {
    /// `"immediate"`, `"nextBilling"`, `"extend"` (anything else is refused).
    Mode(Scalar),
    /// `{ "alignToCurrentInterval": bool, "extendInterval": bool }`.
    Flags(AlignmentFlags),
}

impl Default for AlignmentInput {
    fn default() -> Self {
        Self::Mode(Scalar::Other)
    }
}

impl<'de> Deserialize<'de> for AlignmentInput {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        struct Flags {
            align_to_current_interval: bool,
            #[serde(default)]
            extend_interval: bool,
        }
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = AlignmentInput;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an alignment mode or {alignToCurrentInterval, extendInterval}")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<AlignmentInput, E> {
                Ok(AlignmentInput::Mode(Scalar::Str(v.to_owned())))
            }
            fn visit_map<A: MapAccess<'de>>(self, m: A) -> Result<AlignmentInput, A::Error> {
                let f = Flags::deserialize(de::value::MapAccessDeserializer::new(m))?;
                Ok(AlignmentInput::Flags(AlignmentFlags {
                    align_to_current_interval: f.align_to_current_interval,
                    extend_interval: f.extend_interval,
                }))
            }
            fn visit_i64<E: de::Error>(self, _: i64) -> Result<AlignmentInput, E> {
                Ok(AlignmentInput::Mode(Scalar::Other))
            }
            fn visit_u64<E: de::Error>(self, _: u64) -> Result<AlignmentInput, E> {
                Ok(AlignmentInput::Mode(Scalar::Other))
            }
            fn visit_f64<E: de::Error>(self, _: f64) -> Result<AlignmentInput, E> {
                Ok(AlignmentInput::Mode(Scalar::Other))
            }
            fn visit_bool<E: de::Error>(self, _: bool) -> Result<AlignmentInput, E> {
                Ok(AlignmentInput::Mode(Scalar::Other))
            }
            fn visit_unit<E: de::Error>(self) -> Result<AlignmentInput, E> {
                Ok(AlignmentInput::Mode(Scalar::Other))
            }
        }
        d.deserialize_any(V)
    }
}

/// The JSON-shaped input of `quote()`, as received (see `docs/pricing.md`). Unknown
/// fields are refused. [`QuoteInput::to_change`] validates it into a [`Change`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct QuoteInput {
    /// ISO 4217 code of the subscription.
    #[serde(default)]
    pub currency: Scalar,
    /// `"gross"` or `"net"`.
    #[serde(default)]
    pub tax_mode: Scalar,
    /// Decimal string, 0 ≤ r < 1.
    #[serde(default)]
    pub tax_rate: Scalar,
    /// First day of the current period, `YYYY-MM-DD`.
    #[serde(default)]
    pub period_start: Scalar,
    /// Next billing date (first day after the period).
    #[serde(default)]
    pub next_billing_date: Scalar,
    /// The billing interval.
    pub interval: Option<IntervalInput>,
    /// The day of the change.
    #[serde(default)]
    pub change_date: Scalar,
    /// The item as it is.
    pub current: Option<PriceInput>,
    /// The item as it would be.
    pub next: Option<PriceInput>,
    /// The alignment mode.
    #[serde(default)]
    pub alignment: AlignmentInput,
}

impl QuoteInput {
    /// Parses the JSON form.
    ///
    /// # Errors
    /// `invalid_input` for text over 64 KiB, or anything that is not a JSON object of the
    /// right shape (not JSON, a wrong structure, an unknown field). Scalars of a wrong
    /// type are accepted here and refused by [`QuoteInput::to_change`] with the field's
    /// own code.
    pub fn from_json(json: &str) -> Result<Self, QuoteError> {
        if json.len() > 64 * 1024 {
            return Err(QuoteError::new(
                ErrorCode::InvalidInput,
                "quote input is larger than 64 KiB",
            ));
        }
        serde_json::from_str(json).map_err(|e| {
            QuoteError::with_message(ErrorCode::InvalidInput, format!("malformed input: {e}"))
        })
    }
}

impl QuoteInput {
    /// Validates the input into a typed [`Change`], in a fixed order: currency, tax mode,
    /// tax rate, the three dates, interval, both unit prices, both quantities, the
    /// CustomerPrice guards (`next.currency`, `next.isGross`), alignment, the period, the
    /// change date in it, and finally the change itself (0 → 0, a drop not at the next
    /// billing date). The first failure is returned.
    ///
    /// # Errors
    /// The first failing field's [`QuoteError`]: `invalid_currency`, `invalid_input`
    /// (tax mode, a missing object, a guard of the wrong type), `invalid_tax_rate`,
    /// `invalid_date`, `invalid_interval`, `invalid_price`, `invalid_quantity`,
    /// `currency_mismatch`, `tax_mode_mismatch`, `invalid_alignment` (also a drop with
    /// `immediate` or `extend`), `outside_period` or `empty_change` (all described in
    /// `docs/pricing.md`).
    ///
    /// # Example
    /// ```
    /// use seatquote_core::QuoteInput;
    /// let input = QuoteInput::from_json(r#"{"currency":"EUR","taxMode":"net","taxRate":"0.19",
    ///   "periodStart":"2026-05-01","nextBillingDate":"2026-06-01","interval":{"months":1,"days":0},
    ///   "changeDate":"2026-06-01","current":{"unitPrice":"10","quantity":5},
    ///   "next":{"unitPrice":"10","quantity":6},"alignment":"immediate"}"#)?;
    /// assert_eq!(input.to_change().unwrap_err().code.as_str(), "outside_period");
    /// # Ok::<(), seatquote_core::QuoteError>(())
    /// ```
    pub fn to_change(&self) -> Result<Change, QuoteError> {
        self.as_ref().to_change()
    }

    /// A borrowed view of the input, for [`InputRef::to_change`].
    pub fn as_ref(&self) -> InputRef<'_> {
        fn price(p: &PriceInput) -> PriceRef<'_> {
            PriceRef {
                unit_price: p.unit_price.as_ref(),
                quantity: p.quantity.as_ref(),
                currency: p.currency.as_ref().map(Scalar::as_ref),
                is_gross: p.is_gross.as_ref().map(Scalar::as_ref),
            }
        }
        InputRef {
            currency: self.currency.as_ref(),
            tax_mode: self.tax_mode.as_ref(),
            tax_rate: self.tax_rate.as_ref(),
            period_start: self.period_start.as_ref(),
            next_billing_date: self.next_billing_date.as_ref(),
            interval: self
                .interval
                .as_ref()
                .map(|i| (i.months.as_ref(), i.days.as_ref())),
            change_date: self.change_date.as_ref(),
            current: self.current.as_ref().map(price),
            next: self.next.as_ref().map(price),
            alignment: match &self.alignment {
                AlignmentInput::Mode(m) => AlignmentRef::Mode(m.as_ref()),
                AlignmentInput::Flags(f) => AlignmentRef::Flags(*f),
            },
        }
    }
}

//! The `quote()` contract of SPEC §5: JSON-shaped input in, JSON-shaped output out.
//!
//! [`QuoteInput`] is deliberately loose (every scalar is a [`Scalar`]) so that a wrong
//! type gets the field's own error code (`invalid_price` for a numeric price, …) rather
//! than a generic parse failure; [`quote`] validates it in SPEC order and computes.

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

use crate::alignment::{Alignment, AlignmentFlags, UpdateAction};
use crate::currency::Currency;
use crate::date::{Date, Interval, Proration};
use crate::error::{ErrorCode, QuoteError};
use crate::money::{format_amount, parse_plain_decimal, round};
use crate::tax::{split, TaxMode, TaxRate, TaxSplit};
use crate::text::ShortStr;

/// Largest unit price (SPEC §1).
pub const MAX_UNIT_PRICE: u64 = 1_000_000_000;
/// Largest quantity (SPEC §1).
pub const MAX_QUANTITY: u32 = 1_000_000;

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
    fn as_str(&self) -> Option<&str> {
        match self {
            Self::Str(s) => Some(s),
            _ => None,
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

/// The input of [`quote`] (SPEC §5), as received. Unknown fields are refused.
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
    /// Parses the JSON form; anything that is not a JSON object of the right shape is
    /// `invalid_input`.
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

/// Day counts in the output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ProrationOut {
    /// Days from the change date to the next billing date.
    pub remaining_days: u32,
    /// Days in the current period.
    pub period_days: u32,
}

/// `current` / `next` in the output.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LineOut {
    /// Unit price, at the currency's minor digits (or more, when the price has more).
    pub unit_price: ShortStr,
    /// Seats.
    pub quantity: u32,
    /// `round(unitPrice × quantity)`.
    pub total: ShortStr,
}

/// Net, VAT and gross amounts as strings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AmountsOut {
    /// Before tax.
    pub net: ShortStr,
    /// The tax.
    pub vat: ShortStr,
    /// Including tax.
    pub gross: ShortStr,
}

/// What will be billed on the next billing date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NextBillingOut {
    /// The next billing date, `YYYY-MM-DD`.
    pub date: ShortStr,
    /// Before tax.
    pub net: ShortStr,
    /// The tax.
    pub vat: ShortStr,
    /// Including tax.
    pub gross: ShortStr,
}

/// The output of [`quote`] (SPEC §5), field for field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Quote {
    /// ISO 4217 code.
    pub currency: ShortStr,
    /// `upgrade`, `downgrade` or `update`.
    pub update_action: ShortStr,
    /// Day counts.
    pub proration: ProrationOut,
    /// The item as it is.
    pub current: LineOut,
    /// The item as it would be.
    pub next: LineOut,
    /// Due today.
    pub alignment: AmountsOut,
    /// Billed on the next billing date.
    pub next_billing: NextBillingOut,
}

fn amounts(s: TaxSplit, minor: u32) -> AmountsOut {
    AmountsOut {
        net: format_amount(s.net, minor),
        vat: format_amount(s.vat, minor),
        gross: format_amount(s.gross, minor),
    }
}

fn text(v: &Scalar, err: QuoteError) -> Result<&str, QuoteError> {
    v.as_str().ok_or(err)
}

fn unit_price(v: &Scalar) -> Result<Decimal, QuoteError> {
    const BAD: QuoteError = QuoteError::new(
        ErrorCode::InvalidPrice,
        "unitPrice must be a decimal string from 0 to 1000000000 with at most 6 decimals",
    );
    let p = parse_plain_decimal(text(v, BAD)?, 6).ok_or(BAD)?;
    if p > Decimal::from(MAX_UNIT_PRICE) {
        return Err(BAD);
    }
    Ok(p)
}

fn quantity(v: &Scalar) -> Result<u32, QuoteError> {
    match v {
        Scalar::Int(n) if (1..=i128::from(MAX_QUANTITY)).contains(n) => Ok(*n as u32),
        _ => Err(QuoteError::new(
            ErrorCode::InvalidQuantity,
            "quantity must be a whole number from 1 to 1000000",
        )),
    }
}

fn interval_part(v: &Scalar) -> Result<u32, QuoteError> {
    match v {
        Scalar::Int(n) if (0..=3650).contains(n) => Ok(*n as u32),
        _ => Err(QuoteError::new(
            ErrorCode::InvalidInterval,
            "interval months and days must be whole numbers (months 0–120, days 0–3650)",
        )),
    }
}

fn date(v: &Scalar) -> Result<Date, QuoteError> {
    Date::parse(v.as_str().unwrap_or(""))
}

fn missing(field: &'static str) -> QuoteError {
    QuoteError::with_message(ErrorCode::InvalidInput, format!("missing field `{field}`"))
}

/// Prices a seat change (SPEC §2–§5). Validation runs in a fixed order: currency,
/// tax mode, tax rate, dates, interval, prices, quantities, the CustomerPrice guards,
/// alignment, and finally a negative amount due today.
///
/// # Errors
/// A [`QuoteError`] whose `code` is one of SPEC §5's.
///
/// # Example
/// ```
/// use seatquote_core::quote::{quote, QuoteInput};
/// let input = QuoteInput::from_json(r#"{"currency":"EUR","taxMode":"net","taxRate":"0.19",
///   "periodStart":"2026-05-01","nextBillingDate":"2026-06-01","interval":{"months":1,"days":0},
///   "changeDate":"2026-05-01","current":{"unitPrice":"10","quantity":5},
///   "next":{"unitPrice":"10","quantity":5},"alignment":"nextBilling"}"#).unwrap();
/// let q = quote(&input).unwrap();
/// assert_eq!(q.next_billing.gross, "59.50");
/// assert_eq!(q.update_action, "update");
/// ```
pub fn quote(input: &QuoteInput) -> Result<Quote, QuoteError> {
    let currency = Currency::from_code(input.currency.as_str().unwrap_or(""))?;
    let minor = currency.minor_units();
    let tax_mode = input
        .tax_mode
        .as_str()
        .and_then(TaxMode::parse)
        .ok_or(QuoteError::new(
            ErrorCode::InvalidInput,
            "taxMode must be \"gross\" or \"net\"",
        ))?;
    let tax_rate = TaxRate::parse(input.tax_rate.as_str().unwrap_or(""))?;

    let period_start = date(&input.period_start)?;
    let next_billing = date(&input.next_billing_date)?;
    let change_date = date(&input.change_date)?;
    let interval = input.interval.as_ref().ok_or_else(|| missing("interval"))?;
    let months = interval_part(&interval.months)?;
    let interval = Interval::new(months, interval_part(&interval.days)?)?;

    let current = input.current.as_ref().ok_or_else(|| missing("current"))?;
    let next = input.next.as_ref().ok_or_else(|| missing("next"))?;
    if current.currency.is_some() || current.is_gross.is_some() {
        return Err(QuoteError::new(
            ErrorCode::InvalidInput,
            "current takes only unitPrice and quantity",
        ));
    }
    let current_unit = unit_price(&current.unit_price)?;
    let next_unit = unit_price(&next.unit_price)?;
    let current_qty = quantity(&current.quantity)?;
    let next_qty = quantity(&next.quantity)?;

    if let Some(c) = &next.currency {
        let c = Currency::from_code(c.as_str().unwrap_or(""))?;
        if c != currency {
            return Err(QuoteError::new(
                ErrorCode::CurrencyMismatch,
                "'CustomerPrice' currency differs from subscription currency",
            ));
        }
    }
    if let Some(g) = &next.is_gross {
        match g {
            Scalar::Bool(g) if *g == tax_mode.is_gross() => {}
            Scalar::Bool(_) => {
                return Err(QuoteError::new(
                    ErrorCode::TaxModeMismatch,
                    "CustomerPrice IsGross contradicts the product's tax mode",
                ))
            }
            _ => {
                return Err(QuoteError::new(
                    ErrorCode::InvalidInput,
                    "next.isGross must be true or false",
                ))
            }
        }
    }

    let alignment = match &input.alignment {
        AlignmentInput::Mode(m) => Alignment::parse(m.as_str().unwrap_or(""))?,
        AlignmentInput::Flags(f) => Alignment::from_flags(*f)?,
    };
    let proration = Proration::new(period_start, next_billing, change_date)?;

    let current_total = round(current_unit * Decimal::from(current_qty), minor);
    let new_total = round(next_unit * Decimal::from(next_qty), minor);
    let due = alignment.amount_due(current_total, new_total, proration, minor)?;
    let next_date = match alignment {
        Alignment::Extend => change_date.add(interval).ok_or(QuoteError::new(
            ErrorCode::InvalidDate,
            "the extended next billing date is past 9999-12-31",
        ))?,
        _ => next_billing,
    };

    let due_split = if alignment == Alignment::NextBilling {
        TaxSplit::zero(minor)
    } else {
        split(due, tax_mode, tax_rate, minor)
    };
    let next_split = split(new_total, tax_mode, tax_rate, minor);
    let price_digits = |p: Decimal| minor.max(p.normalize().scale());

    Ok(Quote {
        currency: ShortStr::new(currency.code()).unwrap_or_default(),
        update_action: ShortStr::new(UpdateAction::classify(current_total, new_total).as_str())
            .unwrap_or_default(),
        proration: ProrationOut {
            remaining_days: proration.remaining_days,
            period_days: proration.period_days,
        },
        current: LineOut {
            unit_price: format_amount(current_unit, price_digits(current_unit)),
            quantity: current_qty,
            total: format_amount(current_total, minor),
        },
        next: LineOut {
            unit_price: format_amount(next_unit, price_digits(next_unit)),
            quantity: next_qty,
            total: format_amount(new_total, minor),
        },
        alignment: amounts(due_split, minor),
        next_billing: NextBillingOut {
            date: next_date.iso(),
            net: format_amount(next_split.net, minor),
            vat: format_amount(next_split.vat, minor),
            gross: format_amount(next_split.gross, minor),
        },
    })
}

impl Quote {
    /// The SPEC §5 JSON text, written directly (no serializer): every field is an ASCII
    /// `ShortStr` or an integer, so nothing needs escaping. Byte-identical to
    /// `serde_json::to_string(&quote)` (tested), and what `quote()` hands to JavaScript.
    ///
    /// ```
    /// # use seatquote_core::quote::{quote, QuoteInput};
    /// # let q = quote(&QuoteInput::from_json(r#"{"currency":"JPY","taxMode":"net","taxRate":"0",
    /// #   "periodStart":"2026-05-01","nextBillingDate":"2026-06-01","interval":{"months":1,"days":0},
    /// #   "changeDate":"2026-05-01","current":{"unitPrice":"100","quantity":1},
    /// #   "next":{"unitPrice":"100","quantity":1},"alignment":"nextBilling"}"#).unwrap()).unwrap();
    /// assert!(q.to_json().starts_with(r#"{"currency":"JPY","updateAction":"update","#));
    /// ```
    pub fn to_json(&self) -> String {
        let mut w = JsonWriter(String::with_capacity(400));
        w.raw("{\"currency\":");
        w.string(&self.currency);
        w.raw(",\"updateAction\":");
        w.string(&self.update_action);
        w.raw(",\"proration\":{\"remainingDays\":");
        w.number(self.proration.remaining_days);
        w.raw(",\"periodDays\":");
        w.number(self.proration.period_days);
        w.raw("},\"current\":");
        w.line(&self.current);
        w.raw(",\"next\":");
        w.line(&self.next);
        w.raw(",\"alignment\":{");
        w.amounts(
            &self.alignment.net,
            &self.alignment.vat,
            &self.alignment.gross,
        );
        w.raw("},\"nextBilling\":{\"date\":");
        w.string(&self.next_billing.date);
        w.raw(",");
        w.amounts(
            &self.next_billing.net,
            &self.next_billing.vat,
            &self.next_billing.gross,
        );
        w.raw("}}");
        w.0
    }
}

/// Appends JSON for [`Quote::to_json`]; strings are ASCII without quotes or backslashes.
struct JsonWriter(String);

impl JsonWriter {
    fn raw(&mut self, s: &str) {
        self.0.push_str(s);
    }

    fn string(&mut self, s: &ShortStr) {
        self.0.push('"');
        for c in s.chars() {
            // ShortStr holds ASCII; escape the two characters JSON requires, should a
            // code ever contain one.
            if c == '"' || c == '\\' {
                self.0.push('\\');
            }
            self.0.push(c);
        }
        self.0.push('"');
    }

    fn number(&mut self, n: u32) {
        let mut digits = [0u8; 10];
        let mut i = digits.len();
        let mut n = n;
        loop {
            i -= 1;
            digits[i] = b'0' + (n % 10) as u8;
            n /= 10;
            if n == 0 {
                break;
            }
        }
        for &d in &digits[i..] {
            self.0.push(char::from(d));
        }
    }

    fn line(&mut self, l: &LineOut) {
        self.raw("{\"unitPrice\":");
        self.string(&l.unit_price);
        self.raw(",\"quantity\":");
        self.number(l.quantity);
        self.raw(",\"total\":");
        self.string(&l.total);
        self.raw("}");
    }

    fn amounts(&mut self, net: &ShortStr, vat: &ShortStr, gross: &ShortStr) {
        self.raw("\"net\":");
        self.string(net);
        self.raw(",\"vat\":");
        self.string(vat);
        self.raw(",\"gross\":");
        self.string(gross);
    }
}

/// [`quote`] from JSON text to JSON text (the Rust face of the JS `quote()`).
///
/// # Errors
/// `invalid_input` for malformed JSON, else as [`quote`].
pub fn quote_json(json: &str) -> Result<String, QuoteError> {
    Ok(quote(&QuoteInput::from_json(json)?)?.to_json())
}

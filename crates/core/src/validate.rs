//! Validation of `quote()`'s input into a typed [`Change`], on a borrowed view
//! ([`InputRef`]) so that every boundary — JSON text, a JS object, a packed string — shares
//! one validation order and one set of messages (`docs/pricing.md` §5) without copying.

use rust_decimal::Decimal;

use crate::alignment::{Alignment, AlignmentFlags};
use crate::change::{
    check_unit_price, Change, Line, Period, Tax, BAD_PRICE, BAD_QUANTITY, MAX_PRICE_DECIMALS,
    MAX_QUANTITY,
};
use crate::currency::Currency;
use crate::date::{Date, Interval};
use crate::error::{ErrorCode, QuoteError};
use crate::money::parse_plain_decimal;
use crate::tax::{TaxMode, TaxRate};

/// One input scalar as received, borrowed (see [`Scalar`](crate::input::Scalar)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarRef<'a> {
    /// A string.
    Str(&'a str),
    /// An integer number.
    Int(i128),
    /// A number that is not an integer (fractional, NaN, infinite).
    NonInteger,
    /// `true` or `false`.
    Bool(bool),
    /// Absent, `null`, an object or an array.
    Other,
}

impl<'a> ScalarRef<'a> {
    fn as_str(self) -> Option<&'a str> {
        match self {
            Self::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// `current` / `next`, borrowed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PriceRef<'a> {
    /// Unit price.
    pub unit_price: ScalarRef<'a>,
    /// Seats.
    pub quantity: ScalarRef<'a>,
    /// `next` only: the CustomerPrice currency guard, when given.
    pub currency: Option<ScalarRef<'a>>,
    /// `next` only: the CustomerPrice IsGross guard, when given.
    pub is_gross: Option<ScalarRef<'a>>,
}

/// `alignment`, borrowed: a mode name or Cleverbridge's flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlignmentRef<'a> {
    /// A mode name (anything but the three names is refused).
    Mode(ScalarRef<'a>),
    /// `{ alignToCurrentInterval, extendInterval }`.
    Flags(AlignmentFlags),
}

/// The whole input, borrowed; `None` for an absent object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InputRef<'a> {
    /// ISO 4217 code.
    pub currency: ScalarRef<'a>,
    /// `"gross"` or `"net"`.
    pub tax_mode: ScalarRef<'a>,
    /// Tax rate.
    pub tax_rate: ScalarRef<'a>,
    /// First day of the period.
    pub period_start: ScalarRef<'a>,
    /// Next billing date.
    pub next_billing_date: ScalarRef<'a>,
    /// Interval `(months, days)`.
    pub interval: Option<(ScalarRef<'a>, ScalarRef<'a>)>,
    /// The day of the change.
    pub change_date: ScalarRef<'a>,
    /// The item as it is.
    pub current: Option<PriceRef<'a>>,
    /// The item as it would be.
    pub next: Option<PriceRef<'a>>,
    /// The alignment.
    pub alignment: AlignmentRef<'a>,
}

fn text(v: ScalarRef<'_>, err: QuoteError) -> Result<&str, QuoteError> {
    v.as_str().ok_or(err)
}

fn unit_price(v: ScalarRef<'_>) -> Result<Decimal, QuoteError> {
    let p = parse_plain_decimal(text(v, BAD_PRICE)?, MAX_PRICE_DECIMALS).ok_or(BAD_PRICE)?;
    check_unit_price(p)
}

fn quantity(v: ScalarRef<'_>) -> Result<u32, QuoteError> {
    match v {
        ScalarRef::Int(n) if (0..=i128::from(MAX_QUANTITY)).contains(&n) => Ok(n as u32),
        _ => Err(BAD_QUANTITY),
    }
}

fn interval_part(v: ScalarRef<'_>) -> Result<u32, QuoteError> {
    match v {
        ScalarRef::Int(n) if (0..=3650).contains(&n) => Ok(n as u32),
        _ => Err(QuoteError::new(
            ErrorCode::InvalidInterval,
            "interval months and days must be whole numbers (months 0–120, days 0–3650)",
        )),
    }
}

fn date(v: ScalarRef<'_>) -> Result<Date, QuoteError> {
    Date::parse(v.as_str().unwrap_or(""))
}

fn missing(field: &'static str) -> QuoteError {
    // Pushed, not `format!` (keeps `std::fmt` out of the wasm modules' error path) nor
    // `[..].concat()` (its generic join is larger than three pushes).
    let mut message = String::with_capacity(field.len() + 16);
    message.push_str("missing field `");
    message.push_str(field);
    message.push('`');
    QuoteError::with_message(ErrorCode::InvalidInput, message)
}

impl InputRef<'_> {
    /// Validates into a [`Change`]; see [`QuoteInput::to_change`](crate::QuoteInput::to_change)
    /// for the order.
    ///
    /// # Errors
    /// As [`QuoteInput::to_change`](crate::QuoteInput::to_change).
    pub fn to_change(&self) -> Result<Change, QuoteError> {
        let currency = Currency::from_code(self.currency.as_str().unwrap_or(""))?;
        let tax_mode = self
            .tax_mode
            .as_str()
            .and_then(TaxMode::parse)
            .ok_or(QuoteError::new(
                ErrorCode::InvalidInput,
                "taxMode must be \"gross\" or \"net\"",
            ))?;
        let tax_rate = TaxRate::parse(self.tax_rate.as_str().unwrap_or(""))?;

        let period_start = date(self.period_start)?;
        let next_billing = date(self.next_billing_date)?;
        let change_date = date(self.change_date)?;
        let interval = self.interval.ok_or_else(|| missing("interval"))?;
        let months = interval_part(interval.0)?;
        let interval = Interval::new(months, interval_part(interval.1)?)?;

        let current = self.current.ok_or_else(|| missing("current"))?;
        let next = self.next.ok_or_else(|| missing("next"))?;
        if current.currency.is_some() || current.is_gross.is_some() {
            return Err(QuoteError::new(
                ErrorCode::InvalidInput,
                "current takes only unitPrice and quantity",
            ));
        }
        let current_unit = unit_price(current.unit_price)?;
        let next_unit = unit_price(next.unit_price)?;
        let current_qty = quantity(current.quantity)?;
        let next_qty = quantity(next.quantity)?;

        if let Some(c) = next.currency {
            let c = Currency::from_code(c.as_str().unwrap_or(""))?;
            if c != currency {
                return Err(QuoteError::new(
                    ErrorCode::CurrencyMismatch,
                    "'CustomerPrice' currency differs from subscription currency",
                ));
            }
        }
        if let Some(g) = next.is_gross {
            match g {
                ScalarRef::Bool(g) if g == tax_mode.is_gross() => {}
                ScalarRef::Bool(_) => {
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

        let alignment = match self.alignment {
            AlignmentRef::Mode(m) => Alignment::parse(m.as_str().unwrap_or(""))?,
            AlignmentRef::Flags(f) => Alignment::from_flags(f)?,
        };
        let period = Period::new(period_start, next_billing, interval)?;
        Change::new(
            currency,
            Tax {
                mode: tax_mode,
                rate: tax_rate,
            },
            period,
            change_date,
            Line::checked(current_unit, current_qty),
            Line::checked(next_unit, next_qty),
            alignment,
        )
    }
}

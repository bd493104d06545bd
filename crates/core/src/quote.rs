//! Pricing a seat change: [`quote`] takes a typed [`Change`] and returns a [`Quote`];
//! [`quote_json`] is the same from JSON text to JSON text (the boundary for JavaScript
//! and the golden table). The rules are in `docs/pricing.md`.

use std::borrow::Cow;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::alignment::{Alignment, UpdateAction};
use crate::change::Change;
use crate::error::{ErrorCode, QuoteError};
use crate::money::{format_amount, round};
use crate::tax::{split, TaxSplit};
use crate::text::ShortStr;

pub use crate::change::{MAX_QUANTITY, MAX_UNIT_PRICE};
pub use crate::input::{AlignmentInput, IntervalInput, PriceInput, QuoteInput, Scalar};

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

/// The output of [`quote`], field for field as the JSON contract of `docs/pricing.md`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Quote {
    /// ISO 4217 code.
    pub currency: ShortStr,
    /// `upgrade`, `downgrade` or `update` (serialized as those strings).
    pub update_action: UpdateAction,
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

/// What [`quote`] accepts: a typed [`Change`], or (for callers not yet moved to it) a
/// [`QuoteInput`], which is validated into a `Change` first.
pub trait QuoteRequest {
    /// The validated change.
    ///
    /// # Errors
    /// As [`QuoteInput::to_change`]; never for a [`Change`].
    fn to_change(&self) -> Result<Cow<'_, Change>, QuoteError>;
}

impl QuoteRequest for Change {
    fn to_change(&self) -> Result<Cow<'_, Change>, QuoteError> {
        Ok(Cow::Borrowed(self))
    }
}

impl QuoteRequest for QuoteInput {
    fn to_change(&self) -> Result<Cow<'_, Change>, QuoteError> {
        QuoteInput::to_change(self).map(Cow::Owned)
    }
}

/// Prices a seat change: the line totals, the amount due today split into net, VAT and
/// gross, the next billing date and amount, and the update action (the rules, with
/// worked examples, are in `docs/pricing.md`).
///
/// Takes a [`Change`] (or a [`QuoteInput`], validated first through
/// [`QuoteInput::to_change`]).
///
/// # Errors
/// For a `Change`: `negative_alignment` when `immediate` or `extend` would make the
/// amount due today negative, and `invalid_date` when `extend` would move the next
/// billing date past 9999-12-31. For a `QuoteInput`, first any error of
/// [`QuoteInput::to_change`].
///
/// # Example
/// ```
/// use seatquote_core::quote::{quote, QuoteInput};
/// let input = QuoteInput::from_json(r#"{"currency":"EUR","taxMode":"net","taxRate":"0.19",
///   "periodStart":"2026-05-01","nextBillingDate":"2026-06-01","interval":{"months":1,"days":0},
///   "changeDate":"2026-05-01","current":{"unitPrice":"10","quantity":5},
///   "next":{"unitPrice":"10","quantity":5},"alignment":"nextBilling"}"#)?;
/// let change = input.to_change()?;
/// let q = quote(&change)?;
/// assert_eq!(q.next_billing.gross, "59.50");
/// assert_eq!(q.update_action.as_str(), "update");
/// # Ok::<(), seatquote_core::QuoteError>(())
/// ```
pub fn quote<R: QuoteRequest + ?Sized>(request: &R) -> Result<Quote, QuoteError> {
    price(&*request.to_change()?)
}

fn price(c: &Change) -> Result<Quote, QuoteError> {
    let currency = c.currency();
    let minor = currency.minor_units();
    let (tax_mode, tax_rate) = (c.tax().mode, c.tax().rate);
    let alignment = c.alignment();
    let proration = c.proration();
    let change_date = c.change_date();
    let interval = c.period().interval();
    let next_billing = c.period().next_billing();
    let (current_unit, current_qty) = (c.current().unit_price(), c.current().quantity());
    let (next_unit, next_qty) = (c.next().unit_price(), c.next().quantity());

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
    let price_digits = |p: Decimal| minor.max(significant_decimals(p));

    Ok(Quote {
        currency: ShortStr::new(currency.code()).unwrap_or_default(),
        update_action: UpdateAction::classify(current_total, new_total),
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

/// The decimals of `p` without trailing zeros (`p.normalize().scale()`, cheaper).
fn significant_decimals(p: Decimal) -> u32 {
    let (mut m, mut scale) = (p.mantissa().unsigned_abs(), p.scale());
    while scale > 0 && m % 10 == 0 {
        m /= 10;
        scale -= 1;
    }
    scale
}

impl Quote {
    /// The JSON text of the contract, written directly (no serializer): every field is an ASCII
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
        let mut out = String::with_capacity(400);
        self.write_json(&mut out);
        out
    }

    /// Appends [`Quote::to_json`]'s text to `out` (a batch writes many into one buffer).
    pub fn write_json(&self, out: &mut String) {
        let mut w = JsonWriter(out);
        w.raw("{\"currency\":");
        w.string(&self.currency);
        w.raw(",\"updateAction\":\"");
        w.raw(self.update_action.as_str());
        w.raw("\"");
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
    }
}

/// Appends JSON for [`Quote::to_json`]; strings are ASCII without quotes or backslashes.
struct JsonWriter<'a>(&'a mut String);

impl JsonWriter<'_> {
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
        crate::text::push_u32(self.0, n);
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

/// [`quote`] from JSON text to JSON text (the Rust face of the JS `quote()`, and what the
/// golden table `tests/golden.json` checks byte for byte).
///
/// # Errors
/// `invalid_input` for malformed JSON (see [`QuoteInput::from_json`]), else any error of
/// [`QuoteInput::to_change`] or [`quote`].
///
/// # Example
/// ```
/// use seatquote_core::quote::quote_json;
/// let out = quote_json(r#"{"currency":"JPY","taxMode":"net","taxRate":"0",
///   "periodStart":"2026-05-01","nextBillingDate":"2026-06-01","interval":{"months":1,"days":0},
///   "changeDate":"2026-05-01","current":{"unitPrice":"100","quantity":1},
///   "next":{"unitPrice":"100","quantity":2},"alignment":"nextBilling"}"#)?;
/// assert!(out.starts_with(r#"{"currency":"JPY","updateAction":"upgrade","#));
/// let err = quote_json("[]").unwrap_err();
/// assert_eq!(err.code.as_str(), "invalid_input");
/// # Ok::<(), seatquote_core::QuoteError>(())
/// ```
pub fn quote_json(json: &str) -> Result<String, QuoteError> {
    Ok(quote(&QuoteInput::from_json(json)?.to_change()?)?.to_json())
}

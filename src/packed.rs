//! The fast JS boundary of `quote()`: one string in, one string out per call.
//!
//! Reading a JS object from wasm costs a crossing per field (a `Reflect.get` and a UTF-8
//! copy each). Instead, `js/quote-fast.js` reads the object in JavaScript, where property
//! reads are cheap, checks its shape (objects where objects belong, no unknown field, the
//! alignment flags) and packs it into one string; this module unpacks it into the engine's
//! borrowed input view ([`InputRef`]) without copying, validates and prices it with the
//! same code as every other boundary, and returns one string. This is the only boundary
//! the wasm modules export for quotes: the field-by-field reader (`js_value.rs`) stays for
//! Rust callers only, which keeps it out of the downloaded bytes. The reasons and figures
//! are in `DESIGN.md` ("Size and speed").
//!
//! Packed input: seventeen fields separated by U+001F, in this order: currency, taxMode,
//! taxRate, periodStart, nextBillingDate, changeDate, interval.months, interval.days,
//! current.unitPrice, current.quantity, current.currency, current.isGross,
//! next.unitPrice, next.quantity, next.currency, next.isGross, alignment. Each field is a tag and a payload: `s` + text, `i` + a safe
//! integer, `n` (a number that is not a safe integer), `t` / `f` (booleans), `o` (null,
//! undefined or anything else), `u` (an absent optional guard); the alignment may also be
//! `F` + two digits (`alignToCurrentInterval`, `extendInterval`, `1` or `0`).
//! Several inputs are separated by U+001E.
//!
//! A packed input that does not unpack (wrong tags or field count, as when a string held a
//! separator) is answered `?`: the JS side then packs it again with each separator inside a
//! string replaced by U+001D (as invalid in every field, and no message repeats a value).
//!
//! Packed output: the quote's seventeen values separated by U+001F, in the order of the
//! JSON contract (currency, updateAction, remainingDays, periodDays, current.unitPrice,
//! current.quantity, current.total, next.unitPrice, next.quantity, next.total,
//! alignment.net, .vat, .gross, nextBilling.date, .net, .vat, .gross), from which the JS
//! side builds the object with a literal (cheaper than `JSON.parse`); or `!` + code +
//! U+001F + message for an error.

use seatquote_core::alignment::AlignmentFlags;
use seatquote_core::quote::quote;
use seatquote_core::text::u32_digits;
use seatquote_core::validate::{AlignmentRef, InputRef, PriceRef, ScalarRef};
use seatquote_core::{ErrorCode, Quote, QuoteError};
use wasm_bindgen::prelude::*;

const FIELD: u8 = 0x1f;
const RECORD: u8 = 0x1e;

/// Splits on one ASCII byte (never part of a multi-byte UTF-8 character), without the
/// per-character decoding of `str::split`.
struct SplitByte<'a> {
    rest: Option<&'a str>,
    sep: u8,
}

impl<'a> Iterator for SplitByte<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        let r = self.rest?;
        match r.as_bytes().iter().position(|&b| b == self.sep) {
            Some(i) => {
                self.rest = r.get(i + 1..);
                r.get(..i)
            }
            None => {
                self.rest = None;
                Some(r)
            }
        }
    }
}

fn split_byte(s: &str, sep: u8) -> SplitByte<'_> {
    SplitByte { rest: Some(s), sep }
}

const MALFORMED: QuoteError = QuoteError::new(ErrorCode::InvalidInput, "malformed packed input");

fn scalar(field: &str) -> Result<ScalarRef<'_>, QuoteError> {
    let (tag, payload) = field.split_at_checked(1).ok_or(MALFORMED)?;
    Ok(match tag {
        "s" => ScalarRef::Str(payload),
        "i" => ScalarRef::Int(i128::from(payload.parse::<i64>().map_err(|_| MALFORMED)?)),
        "n" => ScalarRef::NonInteger,
        "t" => ScalarRef::Bool(true),
        "f" => ScalarRef::Bool(false),
        "o" => ScalarRef::Other,
        _ => return Err(MALFORMED),
    })
}

fn guard(field: &str) -> Result<Option<ScalarRef<'_>>, QuoteError> {
    if field == "u" {
        Ok(None)
    } else {
        scalar(field).map(Some)
    }
}

fn alignment(field: &str) -> Result<AlignmentRef<'_>, QuoteError> {
    match field.as_bytes() {
        [b'F', a, x] => Ok(AlignmentRef::Flags(AlignmentFlags {
            align_to_current_interval: *a == b'1',
            extend_interval: *x == b'1',
        })),
        _ => scalar(field).map(AlignmentRef::Mode),
    }
}

/// Unpacks one input (no copy: every string borrows from `packed`).
fn unpack(packed: &str) -> Result<InputRef<'_>, QuoteError> {
    let mut f = split_byte(packed, FIELD);
    let mut next = || f.next().ok_or(MALFORMED);
    let currency = scalar(next()?)?;
    let tax_mode = scalar(next()?)?;
    let tax_rate = scalar(next()?)?;
    let period_start = scalar(next()?)?;
    let next_billing_date = scalar(next()?)?;
    let change_date = scalar(next()?)?;
    let interval = Some((scalar(next()?)?, scalar(next()?)?));
    let current = Some(PriceRef {
        unit_price: scalar(next()?)?,
        quantity: scalar(next()?)?,
        currency: guard(next()?)?,
        is_gross: guard(next()?)?,
    });
    let next_line = Some(PriceRef {
        unit_price: scalar(next()?)?,
        quantity: scalar(next()?)?,
        currency: guard(next()?)?,
        is_gross: guard(next()?)?,
    });
    let alignment = alignment(next()?)?;
    if f.next().is_some() {
        return Err(MALFORMED);
    }
    Ok(InputRef {
        currency,
        tax_mode,
        tax_rate,
        period_start,
        next_billing_date,
        interval,
        change_date,
        current,
        next: next_line,
        alignment,
    })
}

fn write_quote(out: &mut Vec<u8>, q: &Quote) {
    let mut first = true;
    let mut put = |s: &[u8]| {
        if !first {
            out.push(FIELD);
        }
        first = false;
        out.extend_from_slice(s);
    };
    let mut n = [0u8; 10];
    put(q.currency.as_bytes());
    put(q.update_action.as_str().as_bytes());
    put(u32_digits(&mut n, q.proration.remaining_days));
    put(u32_digits(&mut n, q.proration.period_days));
    for line in [&q.current, &q.next] {
        put(line.unit_price.as_bytes());
        put(u32_digits(&mut n, line.quantity));
        put(line.total.as_bytes());
    }
    for s in [
        &q.alignment.net,
        &q.alignment.vat,
        &q.alignment.gross,
        &q.next_billing.date,
        &q.next_billing.net,
        &q.next_billing.vat,
        &q.next_billing.gross,
    ] {
        put(s.as_bytes());
    }
}

fn write_one(out: &mut Vec<u8>, packed: &str) {
    // A packing the engine cannot read (a separator inside a string shifts the fields):
    // `?` tells the JS side to use the exact object reader for this input instead.
    let Ok(input) = unpack(packed) else {
        out.push(b'?');
        return;
    };
    match input.to_change().and_then(|c| quote(&c)) {
        Ok(q) => write_quote(out, &q),
        Err(e) => {
            out.push(b'!');
            out.extend_from_slice(e.code.as_str().as_bytes());
            out.push(FIELD);
            out.extend_from_slice(e.message.as_bytes());
        }
    }
}

/// The written answer as a string (everything written is UTF-8: ASCII figures, codes and
/// the engine's messages).
fn text(out: Vec<u8>) -> String {
    String::from_utf8(out).unwrap_or_default()
}

/// One packed input in, its packed answer out (used by `js/quote-fast.js`).
#[wasm_bindgen(js_name = quotePacked)]
pub fn quote_packed(packed: &str) -> String {
    let mut out = Vec::with_capacity(256);
    write_one(&mut out, packed);
    text(out)
}

/// Several packed inputs (separated by U+001E) in, their answers (separated the same way)
/// out: one crossing for a whole batch (`quoteMany()`).
#[wasm_bindgen(js_name = quoteManyPacked)]
pub fn quote_many_packed(packed: &str) -> String {
    let mut out = Vec::with_capacity(256 * (1 + packed.len() / 150));
    for (i, one) in split_byte(packed, RECORD).enumerate() {
        if i > 0 {
            out.push(RECORD);
        }
        write_one(&mut out, one);
    }
    text(out)
}

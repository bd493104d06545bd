//! The fast JS boundary of `quote()`: one string in, one string out per call.
//!
//! Reading a JS object from wasm costs a crossing per field (a `Reflect.get` and a UTF-8
//! copy each). Instead, `js/quote-fast.js` reads the object in JavaScript, where property
//! reads are cheap, and packs it into one string; this module unpacks it into the engine's
//! borrowed input view ([`InputRef`]) without copying, validates and prices it with the
//! same code as every other boundary, and returns one string. Anything the packer does
//! not handle (an unknown field, a non-object where an object belongs, a separator inside a
//! string) goes through the exact reader in `js_value.rs` instead, so both paths give the
//! same answers and the same errors (the golden table and the Node tests run through this
//! one). The reasons and figures are in `DESIGN.md` ("Size and speed").
//!
//! Packed input: fifteen fields separated by U+001F, in this order: currency, taxMode,
//! taxRate, periodStart, nextBillingDate, changeDate, interval.months, interval.days,
//! current.unitPrice, current.quantity, next.unitPrice, next.quantity, next.currency,
//! next.isGross, alignment. Each field is a tag and a payload: `s` + text, `i` + a safe
//! integer, `n` (a number that is not a safe integer), `t` / `f` (booleans), `o` (null,
//! undefined or anything else), `u` (an absent optional guard); the alignment may also be
//! `F` + two digits (`alignToCurrentInterval`, `extendInterval`, `1` or `0`).
//! Several inputs are separated by U+001E.
//!
//! Packed output: the quote's seventeen values separated by U+001F, in the order of the
//! JSON contract (currency, updateAction, remainingDays, periodDays, current.unitPrice,
//! current.quantity, current.total, next.unitPrice, next.quantity, next.total,
//! alignment.net, .vat, .gross, nextBilling.date, .net, .vat, .gross), from which the JS
//! side builds the object with a literal (cheaper than `JSON.parse`); or `!` + code +
//! U+001F + message for an error.

use seatquote_core::alignment::AlignmentFlags;
use seatquote_core::quote::quote;
use seatquote_core::validate::{AlignmentRef, InputRef, PriceRef, ScalarRef};
use seatquote_core::{ErrorCode, Quote, QuoteError};
use wasm_bindgen::prelude::*;

const FIELD: char = '\u{1f}';
const RECORD: char = '\u{1e}';

const MALFORMED: QuoteError = QuoteError::new(ErrorCode::InvalidInput, "malformed packed input");

fn scalar(field: &str) -> Result<ScalarRef<'_>, QuoteError> {
    let (tag, payload) = field.split_at_checked(1).ok_or(MALFORMED)?;
    Ok(match tag {
        "s" => ScalarRef::Str(payload),
        "i" => ScalarRef::Int(payload.parse().map_err(|_| MALFORMED)?),
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
    let mut f = packed.split(FIELD);
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
        currency: None,
        is_gross: None,
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

fn price_one(packed: &str) -> Result<Quote, QuoteError> {
    quote(&unpack(packed)?.to_change()?)
}

/// `n` in decimal, written into `buf` (no `std::fmt`).
fn digits(buf: &mut [u8; 10], mut n: u32) -> &str {
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    std::str::from_utf8(&buf[i..]).unwrap_or("0")
}

fn write_quote(out: &mut String, q: &Quote) {
    let mut first = true;
    let mut put = |s: &str| {
        if !first {
            out.push(FIELD);
        }
        first = false;
        out.push_str(s);
    };
    let mut n = [0u8; 10];
    put(&q.currency);
    put(q.update_action.as_str());
    put(digits(&mut n, q.proration.remaining_days));
    put(digits(&mut n, q.proration.period_days));
    for line in [&q.current, &q.next] {
        put(&line.unit_price);
        put(digits(&mut n, line.quantity));
        put(&line.total);
    }
    put(&q.alignment.net);
    put(&q.alignment.vat);
    put(&q.alignment.gross);
    put(&q.next_billing.date);
    put(&q.next_billing.net);
    put(&q.next_billing.vat);
    put(&q.next_billing.gross);
}

fn write_one(out: &mut String, packed: &str) {
    match price_one(packed) {
        Ok(q) => write_quote(out, &q),
        Err(e) => {
            out.push('!');
            out.push_str(e.code.as_str());
            out.push(FIELD);
            out.push_str(&e.message);
        }
    }
}

/// One packed input in, its packed answer out (used by `js/quote-fast.js`).
#[wasm_bindgen(js_name = quotePacked)]
pub fn quote_packed(packed: &str) -> String {
    let mut out = String::with_capacity(400);
    write_one(&mut out, packed);
    out
}

/// Several packed inputs (separated by U+001E) in, their answers (separated the same way)
/// out: one crossing for a whole batch (`quoteMany()`).
#[wasm_bindgen(js_name = quoteManyPacked)]
pub fn quote_many_packed(packed: &str) -> String {
    let mut out = String::with_capacity(400 * (1 + packed.len() / 200));
    for (i, one) in packed.split(RECORD).enumerate() {
        if i > 0 {
            out.push(RECORD);
        }
        write_one(&mut out, one);
    }
    out
}

//! The TypeScript types of `quote()` (the contract of `docs/pricing.md` §5), and `quote()`
//! over a plain JS object for Rust callers in the browser.

use seatquote_core::quote::quote as core_quote;
use seatquote_core::QuoteError;
use wasm_bindgen::prelude::*;

use crate::js_error::to_js_error;
use crate::js_value::{read_quote_input, write_quote};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** Input of `quote()` (docs/pricing.md). Money and rates are decimal strings, never numbers. */
export interface QuoteInput {
  /** ISO 4217 code of the subscription, e.g. `"USD"`; its minor units set every amount's digits. */
  currency: string;
  /** `"gross"`: VAT is inside the prices; `"net"`: VAT is added on top. */
  taxMode: "gross" | "net";
  /** VAT rate as a decimal string, 0 ≤ rate < 1, at most 6 decimals (`"0.19"` is 19 %). */
  taxRate: string;
  /** First day of the current period, `YYYY-MM-DD` (UTC calendar date). */
  periodStart: string;
  /** Next billing date (the first day after the period), `YYYY-MM-DD`. */
  nextBillingDate: string;
  /** The billing interval: whole months (0–120) and days (0–3650), not both zero. */
  interval: { months: number; days: number };
  /** The day of the change, `YYYY-MM-DD`, inside `[periodStart, nextBillingDate)`. */
  changeDate: string;
  /**
   * The item as it is: unit price (0–1 000 000 000, ≤ 6 decimals) and seats (0–1 000 000;
   * 0 is an item being added).
   */
  current: { unitPrice: string; quantity: number };
  /**
   * The item as it would be. Seats 0 is a drop, priced only with `"nextBilling"` (else
   * `invalid_alignment`; 0 → 0 is `empty_change`). `currency` and `isGross` are optional
   * guards for Cleverbridge's CustomerPrice: a different currency is `currency_mismatch`, a
   * contradicting IsGross `tax_mode_mismatch`.
   */
  next: { unitPrice: string; quantity: number; currency?: string; isGross?: boolean };
  /**
   * `"immediate"` (co-term: the prorated difference is due today), `"nextBilling"` (nothing
   * due today) or `"extend"` (a new full period starts today), or Cleverbridge's flags.
   */
  alignment: "immediate" | "nextBilling" | "extend" | { alignToCurrentInterval: boolean; extendInterval?: boolean };
}
/** Net, VAT and gross as strings with exactly the currency's minor digits; gross = net + vat. */
export interface Amounts {
  /** Before tax. */
  net: string;
  /** The tax. */
  vat: string;
  /** Including tax. */
  gross: string;
}
/** Output of `quote()` (docs/pricing.md), always with these fields in this order. */
export interface Quote {
  /** ISO 4217 code. */
  currency: string;
  /** `upgrade` if the new total is larger, `downgrade` if smaller, else `update`. */
  updateAction: "upgrade" | "downgrade" | "update";
  /** Whole days from the change date to the next billing date, and in the period. */
  proration: { remainingDays: number; periodDays: number };
  /** The current line: unit price, seats and `round(unitPrice × quantity)`. */
  current: { unitPrice: string; quantity: number; total: string };
  /** The new line: unit price, seats and `round(unitPrice × quantity)`. */
  next: { unitPrice: string; quantity: number; total: string };
  /** Due today. */
  alignment: Amounts;
  /** Billed on the next billing date (moved by `extend`): the new line total. */
  nextBilling: Amounts & { date: string };
}
/** The machine codes a `quote()` error carries on `.code` (docs/pricing.md, "Error codes"). */
export type QuoteErrorCode = "invalid_currency" | "invalid_price" | "invalid_quantity" |
  "invalid_tax_rate" | "invalid_date" | "invalid_interval" | "outside_period" |
  "invalid_alignment" | "negative_alignment" | "empty_change" | "currency_mismatch" |
  "tax_mode_mismatch" | "invalid_input";
"#;

/// Prices a seat change from a plain JS object, for Rust code in the browser: `Ok` with the
/// quote object, or `Err` with an `Error` whose `code` is one of the codes in
/// `docs/pricing.md`. JavaScript does not call this: the package's `quote()` reads the
/// object in JavaScript and crosses once, packed (`js/quote-fast.js`, `src/packed.rs`), so
/// this reader is not exported from the wasm modules (it would add 5–8 KB gzipped to each).
pub fn quote(input: JsValue) -> Result<JsValue, JsValue> {
    quote_value(&input).map_err(|e| to_js_error(&e))
}

/// The work of [`quote`], with Rust errors (the widget's local estimate uses it too).
pub fn quote_value(input: &JsValue) -> Result<JsValue, QuoteError> {
    let parsed = read_quote_input(input)?;
    write_quote(&core_quote(&parsed)?)
}

//! `quote(input)` for JavaScript: a plain object in, a plain object out (the contract of `docs/pricing.md` §5).

use seatquote_core::quote::quote as core_quote;
use seatquote_core::QuoteError;
use wasm_bindgen::prelude::*;

use crate::js_error::to_js_error;
use crate::js_value::{read_quote_input, write_quote};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** Input of `quote()`. Money and rates are decimal strings. */
export interface QuoteInput {
  currency: string;
  taxMode: "gross" | "net";
  taxRate: string;
  periodStart: string;
  nextBillingDate: string;
  interval: { months: number; days: number };
  changeDate: string;
  current: { unitPrice: string; quantity: number };
  next: { unitPrice: string; quantity: number; currency?: string; isGross?: boolean };
  alignment: "immediate" | "nextBilling" | "extend" | { alignToCurrentInterval: boolean; extendInterval?: boolean };
}
/** Net, VAT and gross as strings with the currency's minor digits. */
export interface Amounts { net: string; vat: string; gross: string }
/** Output of `quote()`. */
export interface Quote {
  currency: string;
  updateAction: "upgrade" | "downgrade" | "update";
  proration: { remainingDays: number; periodDays: number };
  current: { unitPrice: string; quantity: number; total: string };
  next: { unitPrice: string; quantity: number; total: string };
  alignment: Amounts;
  nextBilling: Amounts & { date: string };
}
/** The machine codes a `quote()` error carries on `.code`. */
export type QuoteErrorCode = "invalid_currency" | "invalid_price" | "invalid_quantity" |
  "invalid_tax_rate" | "invalid_date" | "invalid_interval" | "outside_period" |
  "invalid_alignment" | "negative_alignment" | "currency_mismatch" | "tax_mode_mismatch" |
  "invalid_input";
"#;

/// Prices a seat change. Throws an `Error` whose `code` is one of the codes in
/// `docs/pricing.md`.
///
/// ```js
/// import { quote } from 'seatquote';
/// quote(specInput).alignment.gross; // "604.93" for the worked check of docs/pricing.md
/// ```
#[wasm_bindgen(js_name = quote, unchecked_return_type = "Quote")]
pub fn quote(
    #[wasm_bindgen(unchecked_param_type = "QuoteInput")] input: JsValue,
) -> Result<JsValue, JsValue> {
    quote_value(&input).map_err(|e| to_js_error(&e))
}

/// The work of [`quote`], with Rust errors (the widget's local estimate uses it too).
pub fn quote_value(input: &JsValue) -> Result<JsValue, QuoteError> {
    let parsed = read_quote_input(input)?;
    write_quote(&core_quote(&parsed)?)
}

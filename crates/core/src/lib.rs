//! # seatquote-core
//!
//! The pricing engine behind seatquote: exact money ([`money`]), ISO 4217 currencies
//! ([`currency`]), the gross/net tax split ([`tax`]), UTC calendar dates and billing
//! intervals ([`date`]), Cleverbridge's alignment modes ([`alignment`]), the `quote()`
//! contract ([`quote`](mod@quote)) and Cleverbridge's wire format ([`wire`]).
//!
//! The rules, with worked examples, are in `docs/pricing.md`; the decisions behind them in
//! `DESIGN.md`. Where each rule lives:
//!
//! | rule | module |
//! |---|---|
//! | minor units, half-away-from-zero rounding, amount strings | [`money`], [`currency`] |
//! | gross/net split, `gross == net + vat` | [`tax`] |
//! | `add`/`sub` with end-of-month clamping, remaining/period days | [`date`] |
//! | `immediate` / `nextBilling` / `extend`, `updateAction` | [`alignment`] |
//! | the typed request ([`Change`]) and its validated parts | [`change`] |
//! | the JSON input and its validation order | [`input`] |
//! | [`quote()`](quote()), the output, the JSON contract | [`quote`](mod@quote), [`error`] |
//!
//! Typed, from validated parts ([`Change`] → [`Quote`]), or from JSON text to JSON text:
//!
//! ```
//! let out = seatquote_core::quote::quote_json(r#"{
//!   "currency": "USD", "taxMode": "gross", "taxRate": "0.19",
//!   "periodStart": "2025-11-13", "nextBillingDate": "2026-11-13",
//!   "interval": { "months": 12, "days": 0 }, "changeDate": "2026-05-13",
//!   "current": { "unitPrice": "1200.00", "quantity": 1 },
//!   "next": { "unitPrice": "1200.00", "quantity": 2 },
//!   "alignment": "immediate" }"#).unwrap();
//! assert!(out.contains(r#""gross":"604.93""#));
//! ```
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![warn(clippy::missing_errors_doc)]

pub mod alignment;
pub mod change;
pub mod contract;
pub mod currency;
pub mod date;
pub mod error;
pub mod input;
pub mod money;
pub mod quote;
pub mod tax;
pub mod text;
pub mod validate;
pub mod wire;

pub use alignment::{Alignment, UpdateAction};
pub use change::{Change, Line, Period, Tax};
pub use error::{ErrorCode, QuoteError};
pub use quote::{quote, quote_json, Quote, QuoteInput, QuoteRequest};
pub use rust_decimal::Decimal;

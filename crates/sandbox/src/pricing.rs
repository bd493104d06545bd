//! Prices a change for `updatesubscriptionitem` and `addsubscriptionitem` with the core
//! engine, and answers a preview in Cleverbridge's shape: `AlignmentCustomer*` (less a
//! coupon), `NextBillingCustomer*` for the changed item or the whole subscription
//! ([`NextBillingScope`], docs/proxy.md "The sandbox"), `NextBillingDate` on `extend`.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use rust_decimal::Decimal;
use seatquote_core::alignment::{Alignment, AlignmentFlags};
use seatquote_core::change::{Change, Line, Period, Tax};
use seatquote_core::currency::Currency;
use seatquote_core::date::Date;
use seatquote_core::error::{ErrorCode, QuoteError};
use seatquote_core::money::round;
use seatquote_core::quote::quote;
use seatquote_core::tax::{split, TaxSplit};
use seatquote_core::wire::{
    AlignmentSettings, UpdateSubscriptionItemResponse, WireDate, WireDecimal,
};
use serde::{Deserialize, Serialize};

use crate::model::Sub;

/// What a preview's `NextBillingCustomer*` prices cover: Cleverbridge's docs do not say
/// for a subscription of several items (SPEC §11), so the sandbox answers either way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NextBillingScope {
    /// The changed (or added) item's next billing only.
    #[default]
    Item,
    /// The whole subscription's next billing after the change: every current item not
    /// deactivated, the changed one at its new price and quantity.
    Subscription,
}

impl NextBillingScope {
    /// Parses `item` or `subscription`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "item" => Some(Self::Item),
            "subscription" => Some(Self::Subscription),
            _ => None,
        }
    }
}

/// A priced change: what is due today and what the next billing charges.
pub(crate) struct Priced {
    /// Due today (after a coupon).
    due: TaxSplit,
    /// The next billing, in the preview's scope.
    next: TaxSplit,
    /// The next billing date after the change.
    pub next_date: Option<Date>,
    /// Whether the interval restarts today (`extend`): the date is answered then.
    extend: bool,
}

/// The engine's change from `current` (unit price, quantity; an add: `(0, 1)`, a line
/// costing nothing) to `next`, checked in the JSON boundary's order (so its errors are the
/// ones Cleverbridge's own validation would name).
fn engine_change(
    s: &Sub,
    today: Date,
    current: (Decimal, u32),
    next: (Decimal, u64),
    flags: AlignmentFlags,
) -> Result<Change, QuoteError> {
    let period_start = s.next_billing.sub(s.interval).unwrap_or(s.next_billing);
    let currency = Currency::from_code(&s.currency)?;
    let tax = Tax {
        mode: s.tax_mode,
        rate: s.tax_rate,
    };
    let (current, next) = Line::pair(current, (next.0, u32::try_from(next.1).unwrap_or(u32::MAX)))?;
    let alignment = Alignment::from_flags(flags)?;
    let period = Period::new(period_start, s.next_billing, s.interval)?;
    Change::new(currency, tax, period, today, current, next, alignment)
}

/// Prices the change of item `replacing` (an add: `None`) of `s` from `current` to
/// `next`, with the next billing in `scope`. A refusal is Cleverbridge's status and
/// `ResultMessage`.
pub(crate) fn price(
    s: &Sub,
    today: Date,
    (current, next): ((Decimal, u32), (Decimal, u64)),
    a: &AlignmentSettings,
    scope: NextBillingScope,
    replacing: Option<u64>,
) -> Result<Priced, (StatusCode, String)> {
    let q = match engine_change(s, today, current, next, a.flags()).and_then(|c| quote(&c)) {
        Ok(q) => q,
        Err(e) if e.code == ErrorCode::NegativeAlignment => {
            return Err((
                StatusCode::BAD_REQUEST,
                "The alignment amount is negative. The update was not processed.".into(),
            ))
        }
        Err(e) => {
            return Err((
                StatusCode::PAYMENT_REQUIRED,
                format!("Invalid parameters: {}", e.message),
            ))
        }
    };
    let dec = |t: &str| t.parse::<Decimal>().unwrap_or_default();
    let mut due = TaxSplit {
        gross: dec(&q.alignment.gross),
        net: dec(&q.alignment.net),
        vat: dec(&q.alignment.vat),
    };
    if let Some((_, off)) = &s.coupon {
        // The coupon's percentage off today's amount, in the product's tax mode.
        let base = if s.tax_mode.is_gross() {
            due.gross
        } else {
            due.net
        };
        let hundred = Decimal::ONE_HUNDRED;
        due = split(
            round(base * (hundred - *off) / hundred, s.minor),
            s.tax_mode,
            s.tax_rate,
            s.minor,
        );
    }
    let mut next = TaxSplit {
        gross: dec(&q.next_billing.gross),
        net: dec(&q.next_billing.net),
        vat: dec(&q.next_billing.vat),
    };
    if scope == NextBillingScope::Subscription {
        for i in s
            .items
            .iter()
            .filter(|i| i.is_active() && Some(i.running_no) != replacing)
        {
            let t = i.total(s);
            next.gross += t.gross;
            next.net += t.net;
            next.vat += t.vat;
        }
    }
    Ok(Priced {
        due,
        next,
        next_date: Date::parse(&q.next_billing.date).ok(),
        extend: a.align_to_current_interval && a.extend_interval,
    })
}

/// A preview's answer (`updatesubscriptionitem` and `addsubscriptionitem` alike).
pub(crate) fn preview_answer(s: &Sub, p: &Priced) -> Response {
    let w = |d: Decimal| Some(WireDecimal(d));
    Json(UpdateSubscriptionItemResponse {
        alignment_customer_gross_price: w(p.due.gross),
        alignment_customer_net_price: w(p.due.net),
        alignment_customer_vat_price: w(p.due.vat),
        next_billing_customer_gross_price: w(p.next.gross),
        next_billing_customer_net_price: w(p.next.net),
        next_billing_customer_vat_price: w(p.next.vat),
        next_renewal_customer_gross_price: w(p.next.gross),
        next_renewal_customer_net_price: w(p.next.net),
        next_renewal_customer_vat_price: w(p.next.vat),
        price_currency_id: Some(s.currency.clone()),
        next_billing_date: if p.extend {
            p.next_date.map(WireDate)
        } else {
            None
        },
        result_message: Some("OK".into()),
    })
    .into_response()
}

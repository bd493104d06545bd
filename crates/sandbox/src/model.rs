//! The sandbox's model in memory: subscriptions and their items, loaded from the fixture
//! with dates relative to today.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use seatquote_core::currency::Currency;
use seatquote_core::date::{Date, Interval};
use seatquote_core::tax::{TaxMode, TaxRate};
use seatquote_core::wire::SubscriptionStatus;

use crate::fixture::Fixture;

/// One item in memory.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    pub running_no: u64,
    pub product_id: String,
    pub product_name: String,
    pub quantity: u32,
    pub unit_price: Decimal,
    pub is_current: Option<bool>,
}

/// One subscription in memory.
#[derive(Debug, Clone)]
pub(crate) struct Sub {
    pub id: String,
    pub customer_id: String,
    pub customer_reference_id: String,
    pub currency: String,
    pub minor: u32,
    pub tax_mode: TaxMode,
    pub tax_rate: TaxRate,
    pub interval: Interval,
    pub next_billing: Date,
    pub status: SubscriptionStatus,
    pub grace_period_days: Option<u64>,
    pub items: Vec<Item>,
    /// A coupon on the subscription (`POST /sandbox/_admin/coupon`): its code, shown in the
    /// raw `getsubscription` read only (not in the fields the proxy parses), and the
    /// percentage taken off what a change costs today.
    pub coupon: Option<(String, Decimal)>,
}

pub(crate) fn load(fixture: &Fixture, today: Date) -> BTreeMap<String, Sub> {
    let mut subs = BTreeMap::new();
    for s in &fixture.subscriptions {
        let Ok(currency) = Currency::from_code(&s.currency) else {
            continue;
        };
        let (Some(tax_mode), Ok(tax_rate), Ok(interval)) = (
            TaxMode::parse(&s.tax_mode),
            TaxRate::parse(&s.tax_rate),
            Interval::new(s.interval.months, s.interval.days),
        ) else {
            continue;
        };
        let Some(next_billing) = today.add(Interval {
            months: 0,
            days: s.next_billing_in_days,
        }) else {
            continue;
        };
        let items = s
            .items
            .iter()
            .map(|i| Item {
                running_no: i.running_no,
                product_id: i.product_id.clone(),
                product_name: i.product_name.clone(),
                quantity: i.quantity,
                unit_price: i.unit_price.parse().unwrap_or_default(),
                is_current: i.is_current,
            })
            .collect();
        subs.insert(
            s.id.clone(),
            Sub {
                id: s.id.clone(),
                customer_id: s.customer_id.clone(),
                customer_reference_id: s.customer_reference_id.clone(),
                currency: s.currency.clone(),
                minor: currency.minor_units(),
                tax_mode,
                tax_rate,
                interval,
                next_billing,
                status: SubscriptionStatus::from_name(&s.status),
                grace_period_days: s.grace_period_days,
                items,
                coupon: None,
            },
        );
    }
    subs
}

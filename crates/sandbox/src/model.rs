//! The sandbox's model in memory: subscriptions and their items (revisions: a plan change
//! keeps the old revision with `IsCurrent: false`), and the product catalogue, loaded from
//! the fixture with dates relative to today.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use seatquote_core::currency::Currency;
use seatquote_core::date::{Date, Interval};
use seatquote_core::money::round;
use seatquote_core::tax::{split, TaxMode, TaxRate, TaxSplit};
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
    /// Set by `deactivatesubscriptionitems`: the item runs to this date (the next billing
    /// date then) and is not renewed.
    pub deactivation: Option<Date>,
}

impl Item {
    /// Part of the subscription now (not an old revision, not retired).
    pub fn is_current(&self) -> bool {
        self.is_current != Some(false)
    }

    /// Current and not deactivated: renewed at the next billing date.
    pub fn is_active(&self) -> bool {
        self.is_current() && self.deactivation.is_none()
    }

    /// Its line total (unit price × quantity, rounded) split into gross, net and VAT.
    pub fn total(&self, s: &Sub) -> TaxSplit {
        let total = round(self.unit_price * Decimal::from(self.quantity), s.minor);
        split(total, s.tax_mode, s.tax_rate, s.minor)
    }
}

/// A product of the catalogue (`products` in the fixture).
#[derive(Debug, Clone)]
pub(crate) struct Product {
    pub id: String,
    pub name: String,
    pub currency: String,
    pub tax_mode: TaxMode,
    pub unit_price: Decimal,
    pub interval: Interval,
}

impl Product {
    /// Whether `s` may hold this product: the same currency, tax mode and interval, as
    /// Cleverbridge requires of a plan change or an add-on (SPEC §11); else the refusal's
    /// text.
    pub fn fits(&self, s: &Sub) -> Result<(), String> {
        if self.currency != s.currency {
            return Err(format!(
                "Invalid parameters: product {} is sold in {}, the subscription is billed in {}.",
                self.id, self.currency, s.currency
            ));
        }
        if self.interval != s.interval {
            return Err(format!(
                "Invalid parameters: product {} renews every {} month(s) {} day(s), the subscription every {} month(s) {} day(s).",
                self.id, self.interval.months, self.interval.days, s.interval.months, s.interval.days
            ));
        }
        if self.tax_mode != s.tax_mode {
            return Err(format!(
                "Invalid parameters: product {} is priced {}, the subscription {}.",
                self.id,
                self.tax_mode.as_str(),
                s.tax_mode.as_str()
            ));
        }
        Ok(())
    }
}

/// The catalogue of a fixture, by product id.
pub(crate) fn products(fixture: &Fixture) -> BTreeMap<String, Product> {
    let mut out = BTreeMap::new();
    for p in &fixture.products {
        let (Some(tax_mode), Ok(interval), Ok(unit_price)) = (
            TaxMode::parse(&p.tax_mode),
            Interval::new(p.interval.months, p.interval.days),
            p.unit_price.parse::<Decimal>(),
        ) else {
            continue;
        };
        out.insert(
            p.id.clone(),
            Product {
                id: p.id.clone(),
                name: p.name.clone(),
                currency: p.currency.clone(),
                tax_mode,
                unit_price,
                interval,
            },
        );
    }
    out
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
                deactivation: None,
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

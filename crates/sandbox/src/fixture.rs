//! The fixture file (`fixtures/sandbox.json`): subscriptions, their items and owners, with
//! dates relative to the sandbox's today, and the product catalogue Cleverbridge knows
//! (what a plan change or an add-on may name).

use rust_decimal::Decimal;
use seatquote_core::currency::Currency;
use seatquote_core::date::Interval;
use seatquote_core::tax::{TaxMode, TaxRate};
use serde::Deserialize;

/// The built-in fixture.
pub const DEFAULT_FIXTURE: &str = include_str!("../fixtures/sandbox.json");

/// The fixture file.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fixture {
    /// The subscriptions.
    pub subscriptions: Vec<FixtureSubscription>,
    /// The product catalogue (absent: empty; then only seat changes work).
    #[serde(default)]
    pub products: Vec<FixtureProduct>,
}

/// One product of the catalogue: its list price per unit and interval.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FixtureProduct {
    /// Product id (`"294836"`).
    pub id: String,
    /// Product name.
    pub name: String,
    /// ISO 4217.
    pub currency: String,
    /// `gross` or `net`: the tax mode of `unit_price`.
    pub tax_mode: String,
    /// List price per unit and interval, a decimal string.
    pub unit_price: String,
    /// Billing interval.
    pub interval: FixtureInterval,
}

/// One subscription of the fixture.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FixtureSubscription {
    /// `S…`.
    pub id: String,
    /// Cleverbridge customer id.
    pub customer_id: String,
    /// The merchant's customer id (`C-1001`), which tokens name.
    pub customer_reference_id: String,
    /// ISO 4217.
    pub currency: String,
    /// `gross` or `net`.
    pub tax_mode: String,
    /// Decimal string.
    pub tax_rate: String,
    /// Billing interval.
    pub interval: FixtureInterval,
    /// Days from today to the next billing date.
    pub next_billing_in_days: u32,
    /// A status name.
    pub status: String,
    /// Grace period length.
    #[serde(default)]
    pub grace_period_days: Option<u64>,
    /// Items.
    pub items: Vec<FixtureItem>,
}

/// `{months, days}`.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct FixtureInterval {
    /// Months.
    pub months: u32,
    /// Days.
    pub days: u32,
}

/// One item of the fixture.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FixtureItem {
    /// Running number.
    pub running_no: u64,
    /// Product id.
    pub product_id: String,
    /// Product name.
    pub product_name: String,
    /// Seats.
    pub quantity: u32,
    /// Unit price in the subscription's tax mode.
    pub unit_price: String,
    /// `false` for a retired item.
    #[serde(default)]
    pub is_current: Option<bool>,
}

impl Fixture {
    /// Parses and checks a fixture.
    ///
    /// # Errors
    /// A message naming the subscription and what is wrong with it.
    pub fn parse(text: &str) -> Result<Self, String> {
        let f: Fixture = serde_json::from_str(text).map_err(|e| e.to_string())?;
        for s in &f.subscriptions {
            TaxMode::parse(&s.tax_mode).ok_or(format!("{}: bad taxMode", s.id))?;
            TaxRate::parse(&s.tax_rate).map_err(|e| format!("{}: {e}", s.id))?;
            Currency::from_code(&s.currency).map_err(|e| format!("{}: {e}", s.id))?;
            Interval::new(s.interval.months, s.interval.days)
                .map_err(|e| format!("{}: {e}", s.id))?;
            for i in &s.items {
                i.unit_price
                    .parse::<Decimal>()
                    .map_err(|e| format!("{}: {e}", s.id))?;
            }
        }
        for p in &f.products {
            TaxMode::parse(&p.tax_mode).ok_or(format!("product {}: bad taxMode", p.id))?;
            Currency::from_code(&p.currency).map_err(|e| format!("product {}: {e}", p.id))?;
            Interval::new(p.interval.months, p.interval.days)
                .map_err(|e| format!("product {}: {e}", p.id))?;
            p.unit_price
                .parse::<Decimal>()
                .map_err(|e| format!("product {}: {e}", p.id))?;
        }
        Ok(f)
    }

    /// Subscription ids owned by a customer reference id.
    pub fn subscriptions_of(&self, customer: &str) -> Vec<String> {
        self.subscriptions
            .iter()
            .filter(|s| s.customer_reference_id == customer)
            .map(|s| s.id.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_built_in_fixture_parses() {
        let f = Fixture::parse(DEFAULT_FIXTURE).unwrap();
        assert!(f
            .subscriptions_of("C-1001")
            .contains(&"S68841753".to_owned()));
        assert!(f.subscriptions_of("C-9").is_empty());
        assert!(Fixture::parse("{\"subscriptions\": 1}").is_err());
        assert!(Fixture::parse("{\"subscriptions\": []}")
            .unwrap()
            .products
            .is_empty());
    }

    #[test]
    fn the_catalogue_holds_every_product_the_items_use() {
        let f = Fixture::parse(DEFAULT_FIXTURE).unwrap();
        for s in &f.subscriptions {
            for i in &s.items {
                let p = f.products.iter().find(|p| p.id == i.product_id);
                let p = p.unwrap_or_else(|| panic!("{} not in products", i.product_id));
                assert_eq!((&p.currency, &p.tax_mode), (&s.currency, &s.tax_mode));
            }
        }
        let price = |id: &str| {
            f.products
                .iter()
                .find(|p| p.id == id)
                .unwrap()
                .unit_price
                .clone()
        };
        assert_eq!(price("294836"), "1800.00");
        assert_eq!(price("294900"), "1000.00");
    }
}

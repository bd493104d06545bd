//! Generated customers for load tests and the simulation (`--generate-customers N`):
//! `N` more subscriptions, one customer each, alongside the fixture's.
//!
//! Customer `i` (from 1) is `C-SIM-{i:05}` with subscription `S{90000000 + i}`: one
//! active item (running number 1, product `294835`, 5 seats at 12.00 USD gross, 19 %),
//! yearly, the next billing date 30–229 days ahead.

use crate::fixture::{FixtureInterval, FixtureItem, FixtureSubscription};

/// The most customers that can be generated.
pub const MAX_GENERATED: u32 = 100_000;

/// The merchant's customer id of generated customer `i` (from 1).
pub fn customer_id(i: u32) -> String {
    format!("C-SIM-{i:05}")
}

/// The subscription id of generated customer `i` (from 1).
pub fn subscription_id(i: u32) -> String {
    format!("S{}", 90_000_000 + u64::from(i))
}

/// `n` generated subscriptions (see the module documentation).
pub fn generated(n: u32) -> Vec<FixtureSubscription> {
    (1..=n.min(MAX_GENERATED))
        .map(|i| FixtureSubscription {
            id: subscription_id(i),
            customer_id: format!("{}", 70_000_000 + u64::from(i)),
            customer_reference_id: customer_id(i),
            currency: "USD".into(),
            tax_mode: "gross".into(),
            tax_rate: "0.19".into(),
            interval: FixtureInterval {
                months: 12,
                days: 0,
            },
            next_billing_in_days: 30 + i % 200,
            status: "Active".into(),
            grace_period_days: None,
            items: vec![FixtureItem {
                running_no: 1,
                product_id: "294835".into(),
                product_name: "Cloud Storage – Team seat".into(),
                quantity: 5,
                unit_price: "12.00".into(),
                is_current: None,
            }],
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::{Fixture, DEFAULT_FIXTURE};

    #[test]
    fn ids_are_distinct_from_the_fixture() {
        let f = Fixture::parse(DEFAULT_FIXTURE).unwrap();
        let g = generated(3);
        assert_eq!(g.len(), 3);
        assert_eq!(g[2].id, "S90000003");
        assert_eq!(g[2].customer_reference_id, "C-SIM-00003");
        assert!(g
            .iter()
            .all(|s| f.subscriptions.iter().all(|t| t.id != s.id)));
    }
}

//! The merchant's catalogue in the pricing policy (docs/proxy.md, "The catalogue"): which
//! product an item may change to ([`ChangeTo`], with the modes each [`Direction`] allows),
//! which add-ons a subscription may add, and which items may be dropped. Pure: the
//! policy's parser ([`super::policy`]) fills it in and validates it; the HTTP handlers
//! ask it.

use rust_decimal::Decimal;
use seatquote_core::alignment::Alignment;

/// The kind of a change (DESIGN.md, "Plans, add-ons and drops").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kind {
    /// The seats of an item (`updatesubscriptionitem`, same product).
    #[default]
    Seats,
    /// The item to another product (`updatesubscriptionitem` with the new `ProductId`).
    Plan,
    /// An add-on as a new item (`addsubscriptionitem`).
    Add,
    /// The item deactivated at the next billing date (`deactivatesubscriptionitems`).
    Drop,
}

impl Kind {
    /// The wire and stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Seats => "seats",
            Self::Plan => "plan",
            Self::Add => "add",
            Self::Drop => "drop",
        }
    }

    /// From the stored spelling (unknown or absent: `seats`, the only kind of older
    /// records).
    pub fn parse(s: &str) -> Self {
        match s {
            "plan" => Self::Plan,
            "add" => Self::Add,
            "drop" => Self::Drop,
            _ => Self::Seats,
        }
    }
}

/// A catalogue product's own facts: what the summary offers and the estimate prices.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Product {
    /// Product id.
    pub id: String,
    /// Its name (the id when the policy names none).
    pub name: String,
    /// ISO 4217 code; a product is offered only to subscriptions in this currency.
    pub currency: Option<String>,
    /// Its price per unit per period in its tax mode: the estimate (Cleverbridge's own
    /// list price is what it charges; the verified preview shows it).
    pub unit_price: Option<Decimal>,
    /// Its billing interval in months; offered only to subscriptions with the same one
    /// (absent: not checked).
    pub interval_months: Option<u32>,
}

impl Product {
    /// Whether this product may be offered to a subscription in `currency` billed every
    /// `interval_months` months (Cleverbridge refuses a change across currencies or
    /// intervals).
    pub fn fits(&self, currency: &str, interval_months: u32) -> bool {
        self.currency.as_deref() == Some(currency)
            && self.interval_months.is_none_or(|m| m == interval_months)
            && self.unit_price.is_some()
    }
}

/// One product an item may change to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeTo {
    /// The target product.
    pub product_id: String,
    /// The modes allowed, whatever the direction (`None`: the direction's defaults,
    /// [`Direction::default_modes`]).
    pub modes: Option<Vec<Alignment>>,
}

impl ChangeTo {
    /// The modes allowed for a change in `direction`.
    pub fn modes_for(&self, direction: Direction) -> Vec<Alignment> {
        self.modes
            .clone()
            .unwrap_or_else(|| direction.default_modes())
    }
}

/// The direction of a change of plan: by unit price (DESIGN.md, "Plans, add-ons and
/// drops").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// The new product costs at least as much per unit: allowed now.
    Upgrade,
    /// The new product costs less per unit: at the next billing date.
    Downgrade,
}

impl Direction {
    /// `upgrade` when the target's unit price is at least the current one, else
    /// `downgrade` (an equal price is allowed now).
    pub fn of(current_unit: Decimal, target_unit: Decimal) -> Self {
        if target_unit >= current_unit {
            Self::Upgrade
        } else {
            Self::Downgrade
        }
    }

    /// The wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Upgrade => "upgrade",
            Self::Downgrade => "downgrade",
        }
    }

    /// The modes offered when the policy lists none: an upgrade now (`immediate`,
    /// `extend`), a downgrade at the next billing date only.
    pub fn default_modes(self) -> Vec<Alignment> {
        match self {
            Self::Upgrade => vec![Alignment::Immediate, Alignment::Extend],
            Self::Downgrade => vec![Alignment::NextBilling],
        }
    }
}

/// A product's catalogue rules (from its `[products."<id>"]` table).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Catalogue {
    /// The product itself.
    pub product: Product,
    /// Products an item of it may change to.
    pub change_to: Vec<ChangeTo>,
    /// Add-on products a subscription holding it may add.
    pub add_ons: Vec<String>,
    /// Modes an add of this product allows (default `immediate`).
    pub add_modes: Vec<Alignment>,
    /// Whether an item of it may be dropped (deactivated at the next billing date).
    pub removable: bool,
}

impl Catalogue {
    /// The entry for a change to `product_id`, if listed.
    pub fn change(&self, product_id: &str) -> Option<&ChangeTo> {
        self.change_to.iter().find(|c| c.product_id == product_id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_by_unit_price() {
        let d = |a: &str, b: &str| Direction::of(a.parse().unwrap(), b.parse().unwrap());
        assert_eq!(d("1200", "1800"), Direction::Upgrade);
        assert_eq!(d("1800", "1200"), Direction::Downgrade);
        assert_eq!(d("1200.00", "1200"), Direction::Upgrade);
        assert_eq!(
            Direction::Downgrade.default_modes(),
            vec![Alignment::NextBilling]
        );
    }

    #[test]
    fn fits_currency_and_interval() {
        let p = Product {
            id: "1".into(),
            name: "x".into(),
            currency: Some("USD".into()),
            unit_price: Some(Decimal::ONE),
            interval_months: Some(12),
        };
        assert!(p.fits("USD", 12));
        assert!(!p.fits("EUR", 12));
        assert!(!p.fits("USD", 1));
        let any = Product {
            interval_months: None,
            ..p.clone()
        };
        assert!(any.fits("USD", 1));
        let unpriced = Product {
            unit_price: None,
            ..p
        };
        assert!(!unpriced.fits("USD", 12));
    }
}

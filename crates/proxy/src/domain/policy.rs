//! The merchant's server-side pricing policy (a TOML file, `SEATQUOTE_POLICY`): per
//! product quantity bounds, allowed modes for an increase and a decrease, an optional
//! offer unit price (sent as Cleverbridge's `CustomerPrice`), the product's tax mode, and
//! the merchant's catalogue ([`super::catalogue`]: changes of plan, add-ons, drops;
//! docs/proxy.md, "The catalogue").

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use seatquote_core::alignment::Alignment;
use seatquote_core::money::parse_plain_decimal;
use seatquote_core::tax::TaxMode;
use serde::Deserialize;

use super::catalogue::{Catalogue, ChangeTo, Product};

/// One product's rules as written in the file (every field optional; missing ones come
/// from `[defaults]`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProductRules {
    /// Smallest quantity a customer may choose.
    pub min_quantity: Option<u32>,
    /// Largest quantity a customer may choose.
    pub max_quantity: Option<u32>,
    /// Modes allowed when the quantity goes up.
    pub increase_modes: Option<Vec<String>>,
    /// Modes allowed when the quantity goes down.
    pub decrease_modes: Option<Vec<String>>,
    /// `"gross"` or `"net"`: the product's Taxes setting in Cleverbridge.
    pub tax_mode: Option<String>,
    /// Fallback tax rate for the estimate, when the subscription's prices don't give one.
    pub tax_rate: Option<String>,
    /// Offer unit price (decimal string), sent as `CustomerPrice`.
    pub offer_unit_price: Option<String>,
    /// `IsGross` of the offer price (defaults to the product's tax mode; a contradiction
    /// is refused with `tax_mode_mismatch`).
    pub offer_is_gross: Option<bool>,
    /// Catalogue: the product's name.
    pub name: Option<String>,
    /// Catalogue: its currency (ISO 4217).
    pub currency: Option<String>,
    /// Catalogue: its unit price per period, in its tax mode (decimal string).
    pub unit_price: Option<String>,
    /// Catalogue: its billing interval in months.
    pub interval_months: Option<u32>,
    /// Catalogue: the products an item of it may change to.
    pub change_to: Option<Vec<ChangeToRule>>,
    /// Catalogue: the add-ons a subscription holding it may add.
    pub add_ons: Option<Vec<String>>,
    /// Catalogue: the modes an add of it allows (default `["immediate"]`).
    pub add_modes: Option<Vec<String>>,
    /// Catalogue: whether an item of it may be dropped.
    pub removable: Option<bool>,
}

/// One `[[products."<id>".change_to]]` entry as written.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChangeToRule {
    /// The target product (listed in `[products]`).
    pub product_id: String,
    /// The modes allowed (default: by direction).
    pub modes: Option<Vec<String>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    #[serde(default)]
    defaults: ProductRules,
    #[serde(default)]
    products: BTreeMap<String, ProductRules>,
}

/// A product's effective rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rules {
    /// Smallest quantity.
    pub min_quantity: u32,
    /// Largest quantity.
    pub max_quantity: u32,
    /// Modes for an increase.
    pub increase_modes: Vec<Alignment>,
    /// Modes for a decrease.
    pub decrease_modes: Vec<Alignment>,
    /// The product's tax mode.
    pub tax_mode: TaxMode,
    /// Fallback rate (decimal string).
    pub tax_rate: Option<String>,
    /// Offer unit price.
    pub offer_unit_price: Option<Decimal>,
    /// Offer's IsGross.
    pub offer_is_gross: Option<bool>,
    /// The product's place in the merchant's catalogue.
    pub catalogue: Catalogue,
}

impl Rules {
    /// Modes allowed for a change from `current` to `new` seats (no change: either list).
    pub fn allows(&self, current: u32, new: u32, mode: Alignment) -> bool {
        use std::cmp::Ordering::*;
        match new.cmp(&current) {
            Greater => self.increase_modes.contains(&mode),
            Less => self.decrease_modes.contains(&mode),
            Equal => self.increase_modes.contains(&mode) || self.decrease_modes.contains(&mode),
        }
    }
}

/// The whole policy.
#[derive(Debug, Clone)]
pub struct Policy {
    defaults: ProductRules,
    products: BTreeMap<String, ProductRules>,
}

fn modes(list: &[String]) -> Result<Vec<Alignment>, String> {
    list.iter()
        .map(|m| Alignment::parse(m).map_err(|_| format!("unknown mode {m:?}")))
        .collect()
}

impl Policy {
    /// Parses and validates a policy file.
    ///
    /// # Errors
    /// A message naming what is wrong.
    pub fn parse(text: &str) -> Result<Self, String> {
        let f: PolicyFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let p = Self {
            defaults: f.defaults,
            products: f.products,
        };
        // Validate every product now rather than on a request.
        p.rules("__defaults__")?;
        if catalogue_keys(&p.defaults) {
            return Err("[defaults] cannot hold catalogue keys (name, currency, unit_price, interval_months, change_to, add_ons, add_modes, removable): they are per product".into());
        }
        for id in p.products.keys() {
            let r = p.rules(id).map_err(|e| format!("product {id}: {e}"))?;
            p.check_catalogue(id, &r.catalogue)
                .map_err(|e| format!("product {id}: {e}"))?;
        }
        Ok(p)
    }

    /// Every product a catalogue entry names is listed, and priced where it is offered.
    fn check_catalogue(&self, id: &str, c: &Catalogue) -> Result<(), String> {
        let targets = c.change_to.iter().map(|t| ("change_to", &t.product_id));
        for (what, target) in targets.chain(c.add_ons.iter().map(|a| ("add_ons", a))) {
            if target == id {
                return Err(format!("{what} names the product itself"));
            }
            let Some(t) = self.products.get(target) else {
                return Err(format!(
                    "{what} names product {target}, which is not listed in [products]"
                ));
            };
            if t.currency.is_none() || t.unit_price.is_none() {
                return Err(format!(
                    "{what} names product {target}, which needs a currency and a unit_price"
                ));
            }
        }
        Ok(())
    }

    /// The rules of a product listed in the policy (`None`: not listed, so not in the
    /// catalogue).
    pub fn listed(&self, product_id: &str) -> Option<Rules> {
        self.products.get(product_id)?;
        self.rules(product_id).ok()
    }

    /// One line for the start-up log: each product's quantity bounds and tax mode, then
    /// the defaults every other product gets, e.g.
    /// `products 294835 (1–100, gross), 310001 (1–250, net); others 1–500, gross`.
    pub fn summary(&self) -> String {
        let line = |r: &Rules| {
            let tax = if r.tax_mode.is_gross() {
                "gross"
            } else {
                "net"
            };
            (format!("{}–{}", r.min_quantity, r.max_quantity), tax)
        };
        let products: Vec<String> = self
            .products
            .keys()
            .filter_map(|id| {
                let r = self.rules(id).ok()?;
                let (q, tax) = line(&r);
                Some(format!("{id} ({q}, {tax})"))
            })
            .collect();
        let others = match self.rules("__defaults__") {
            Ok(r) => {
                let (q, tax) = line(&r);
                format!("others {q}, {tax}")
            }
            Err(e) => format!("others: {e}"),
        };
        if products.is_empty() {
            format!("no products listed; {others}")
        } else {
            format!("products {}; {others}", products.join(", "))
        }
    }

    /// The effective rules for a product id.
    ///
    /// # Errors
    /// A message when the file's values are invalid.
    pub fn rules(&self, product_id: &str) -> Result<Rules, String> {
        let p = self.products.get(product_id).cloned().unwrap_or_default();
        let d = &self.defaults;
        let min = p.min_quantity.or(d.min_quantity).unwrap_or(1).max(1);
        let max = p
            .max_quantity
            .or(d.max_quantity)
            .unwrap_or(1_000_000)
            .min(1_000_000);
        if min > max {
            return Err("min_quantity > max_quantity".into());
        }
        let inc = p
            .increase_modes
            .as_ref()
            .or(d.increase_modes.as_ref())
            .map_or_else(
                || Ok(vec![Alignment::Immediate, Alignment::Extend]),
                |m| modes(m),
            )?;
        let dec = p
            .decrease_modes
            .as_ref()
            .or(d.decrease_modes.as_ref())
            .map_or_else(|| Ok(vec![Alignment::NextBilling]), |m| modes(m))?;
        let tax_mode = match p.tax_mode.as_deref().or(d.tax_mode.as_deref()) {
            None => TaxMode::Gross,
            Some(s) => TaxMode::parse(s).ok_or("tax_mode must be \"gross\" or \"net\"")?,
        };
        let offer = match &p.offer_unit_price {
            None => None,
            Some(s) => {
                Some(parse_plain_decimal(s, 6).ok_or("offer_unit_price must be a decimal string")?)
            }
        };
        let catalogue = catalogue(product_id, &p)?;
        Ok(Rules {
            catalogue,
            min_quantity: min,
            max_quantity: max,
            increase_modes: inc,
            decrease_modes: dec,
            tax_mode,
            tax_rate: p.tax_rate.clone().or(d.tax_rate.clone()),
            offer_unit_price: offer,
            offer_is_gross: p.offer_is_gross,
        })
    }
}

fn catalogue_keys(r: &ProductRules) -> bool {
    r.name.is_some()
        || r.currency.is_some()
        || r.unit_price.is_some()
        || r.interval_months.is_some()
        || r.change_to.is_some()
        || r.add_ons.is_some()
        || r.add_modes.is_some()
        || r.removable.is_some()
}

/// A product's catalogue entry from its table.
fn catalogue(id: &str, p: &ProductRules) -> Result<Catalogue, String> {
    let unit_price = match &p.unit_price {
        None => None,
        Some(s) => Some(parse_plain_decimal(s, 6).ok_or("unit_price must be a decimal string")?),
    };
    if let Some(c) = &p.currency {
        seatquote_core::currency::Currency::from_code(c)
            .map_err(|_| format!("currency {c:?} is not a supported ISO 4217 code"))?;
    }
    let change_to = p
        .change_to
        .iter()
        .flatten()
        .map(|c| {
            Ok(ChangeTo {
                product_id: c.product_id.clone(),
                modes: c.modes.as_deref().map(modes).transpose()?,
            })
        })
        .collect::<Result<Vec<_>, String>>()?;
    Ok(Catalogue {
        product: Product {
            id: id.to_owned(),
            name: p.name.clone().unwrap_or_else(|| id.to_owned()),
            currency: p.currency.clone(),
            unit_price,
            interval_months: p.interval_months,
        },
        change_to,
        add_ons: p.add_ons.clone().unwrap_or_default(),
        add_modes: p
            .add_modes
            .as_deref()
            .map_or_else(|| Ok(vec![Alignment::Immediate]), modes)?,
        removable: p.removable.unwrap_or(false),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEMO_POLICY: &str = include_str!("../../policy.demo.toml");

    #[test]
    fn demo_policy_summary() {
        let s = Policy::parse(DEMO_POLICY).unwrap().summary();
        assert!(
            s.starts_with(
                "products 294835 (1–100, gross), 294836 (1–100, gross), 294900 (1–5, gross)"
            ),
            "{s}"
        );
        assert!(s.ends_with("; others 1–500, gross"), "{s}");
    }

    #[test]
    fn demo_policy_parses() {
        let p = Policy::parse(DEMO_POLICY).unwrap();
        let r = p.rules("294835").unwrap();
        assert_eq!(r.tax_mode, TaxMode::Gross);
        assert!(r.allows(1, 2, Alignment::Immediate));
        assert!(!r.allows(2, 1, Alignment::Immediate));
        assert!(r.allows(2, 1, Alignment::NextBilling));
        assert!(Policy::parse("[defaults]\nmin_quantity = 5\nmax_quantity = 2").is_err());
        assert!(Policy::parse("[defaults]\nprice = 1").is_err());
    }
}

#[cfg(test)]
mod catalogue_tests;

//! The catalogue as the policy file declares it: parsed, defaulted and validated.

use super::*;
use crate::domain::catalogue::Direction;

const DEMO_POLICY: &str = include_str!("../../../policy.demo.toml");

#[test]
fn demo_catalogue() {
    let p = Policy::parse(DEMO_POLICY).unwrap();
    let team = p.rules("294835").unwrap().catalogue;
    assert_eq!(team.add_ons, vec!["294900".to_owned()]);
    let up = team.change("294836").unwrap();
    assert_eq!(
        up.modes_for(Direction::Upgrade),
        vec![Alignment::Immediate, Alignment::Extend]
    );
    assert!(!team.removable);
    let business = p.listed("294836").unwrap().catalogue;
    assert_eq!(business.product.name, "Cloud Storage – Business seat");
    assert_eq!(
        business.product.unit_price,
        Some("1800.00".parse().unwrap())
    );
    let down = business.change("294835").unwrap();
    assert_eq!(down.modes, None);
    assert_eq!(
        down.modes_for(Direction::Downgrade),
        vec![Alignment::NextBilling]
    );
    let support = p.listed("294900").unwrap();
    assert_eq!((support.min_quantity, support.max_quantity), (1, 5));
    assert_eq!(support.catalogue.add_modes, vec![Alignment::Immediate]);
    assert!(p.rules("310002").unwrap().catalogue.removable);
    // Not listed: no catalogue entry, and the defaults' rules.
    assert!(p.listed("999999").is_none());
    let other = p.rules("999999").unwrap().catalogue;
    assert!(other.change_to.is_empty() && other.add_ons.is_empty() && !other.removable);
    assert_eq!(other.product.name, "999999");
}

#[test]
fn unknown_product_in_change_to_is_named() {
    let e = Policy::parse("[products.\"1\"]\n[[products.\"1\".change_to]]\nproduct_id = \"77\"\n")
        .unwrap_err();
    assert!(e.contains("product 1") && e.contains("77"), "{e}");
    let e = Policy::parse("[products.\"1\"]\nadd_ons = [\"88\"]\n").unwrap_err();
    assert!(e.contains("add_ons") && e.contains("88"), "{e}");
}

#[test]
fn targets_need_currency_and_price() {
    let e = Policy::parse("[products.\"1\"]\nadd_ons = [\"2\"]\n[products.\"2\"]\nname = \"x\"\n")
        .unwrap_err();
    assert!(e.contains("unit_price"), "{e}");
    let ok = "[products.\"1\"]\nadd_ons = [\"2\"]\n[products.\"2\"]\ncurrency = \"EUR\"\nunit_price = \"5\"\n";
    assert!(Policy::parse(ok).is_ok());
}

#[test]
fn bad_catalogue_values() {
    let bad = [
        "[products.\"1\"]\nunit_price = \"abc\"\n",
        "[products.\"1\"]\ncurrency = \"usd\"\n",
        "[products.\"1\"]\nadd_modes = [\"soon\"]\n",
        "[products.\"1\"]\nadd_ons = [\"1\"]\ncurrency = \"EUR\"\nunit_price = \"1\"\n",
        "[defaults]\nremovable = true\n",
        "[products.\"1\"]\n[[products.\"1\".change_to]]\nproduct_id = \"2\"\nprice = 1\n",
    ];
    for text in bad {
        assert!(Policy::parse(text).is_err(), "{text}");
    }
}

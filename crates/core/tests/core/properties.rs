//! Property tests: the algebraic laws every quote obeys, over thousands of generated inputs.

use proptest::prelude::*;
use rust_decimal::Decimal;
use seatquote_core::date::{Date, Interval};
use seatquote_core::quote::{
    quote, quote_json, AlignmentInput, IntervalInput, PriceInput, QuoteInput, Scalar,
};
use seatquote_core::Quote;

use crate::helpers::golden_cases;

const CURRENCIES: [(&str, u32); 6] = [
    ("USD", 2),
    ("EUR", 2),
    ("JPY", 0),
    ("KWD", 3),
    ("CLP", 0),
    ("BHD", 3),
];

#[derive(Debug, Clone)]
struct Case {
    currency: usize,
    gross: bool,
    rate: u32,      // millionths
    start_day: u32, // days after 2020-01-01
    months: u32,
    days: u32,
    change_offset: u32,
    cur_price: u64, // millionths
    next_price: u64,
    cur_qty: u32,
    next_qty: u32,
    mode: usize,
}

fn case() -> impl Strategy<Value = Case> {
    (
        (
            0..CURRENCIES.len(),
            any::<bool>(),
            0u32..999_999,
            0u32..3000,
        ),
        (0u32..=24, 0u32..=60, any::<u32>()),
        (
            0u64..=5_000_000_000,
            0u64..=5_000_000_000,
            1u32..=1000,
            1u32..=1000,
            0usize..3,
        ),
    )
        .prop_filter("interval not empty", |(_, (m, d, _), _)| *m > 0 || *d > 0)
        .prop_map(
            |(
                (currency, gross, rate, start_day),
                (months, days, change_offset),
                (cur_price, next_price, cur_qty, next_qty, mode),
            )| Case {
                currency,
                gross,
                rate,
                start_day,
                months,
                days,
                change_offset,
                cur_price,
                next_price,
                cur_qty,
                next_qty,
                mode,
            },
        )
}

fn millionths(n: u64) -> String {
    Decimal::new(n as i64, 6).normalize().to_string()
}

fn input(c: &Case) -> QuoteInput {
    let start = Date::parse("2020-01-01")
        .unwrap()
        .add(Interval::new(0, c.start_day.max(1)).unwrap())
        .unwrap();
    let next_billing = start.add(Interval::new(c.months, c.days).unwrap()).unwrap();
    let period = next_billing.days_since(start) as u32;
    let change = start
        .add(Interval::new(0, c.change_offset % period).unwrap_or(Interval { months: 0, days: 0 }))
        .unwrap_or(start);
    let change = if c.change_offset.is_multiple_of(period) {
        start
    } else {
        change
    };
    let price = |p: u64, q: u32| PriceInput {
        unit_price: Scalar::from(millionths(p).as_str()),
        quantity: Scalar::from(q),
        currency: None,
        is_gross: None,
    };
    QuoteInput {
        currency: Scalar::from(CURRENCIES[c.currency].0),
        tax_mode: Scalar::from(if c.gross { "gross" } else { "net" }),
        tax_rate: Scalar::from(millionths(u64::from(c.rate)).as_str()),
        period_start: Scalar::from(start.to_iso_string().as_str()),
        next_billing_date: Scalar::from(next_billing.to_iso_string().as_str()),
        interval: Some(IntervalInput {
            months: Scalar::from(c.months),
            days: Scalar::from(c.days),
        }),
        change_date: Scalar::from(change.to_iso_string().as_str()),
        current: Some(price(c.cur_price, c.cur_qty)),
        next: Some(price(c.next_price, c.next_qty)),
        alignment: AlignmentInput::Mode(Scalar::from(
            ["immediate", "nextBilling", "extend"][c.mode],
        )),
    }
}

fn dec(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn digits(s: &str) -> u32 {
    s.split_once('.').map_or(0, |(_, f)| f.len() as u32)
}

fn check_amounts(q: &Quote, minor: u32) {
    for (net, vat, gross) in [
        (&q.alignment.net, &q.alignment.vat, &q.alignment.gross),
        (
            &q.next_billing.net,
            &q.next_billing.vat,
            &q.next_billing.gross,
        ),
    ] {
        assert_eq!(dec(gross), dec(net) + dec(vat), "gross == net + vat");
        for a in [net, vat, gross, &q.current.total, &q.next.total] {
            assert_eq!(digits(a), minor, "{a} has the currency's minor digits");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn laws_hold_for_every_quote(c in case()) {
        let minor = CURRENCIES[c.currency].1;
        match quote(&input(&c)) {
            Ok(q) => {
                check_amounts(&q, minor);
                if c.mode == 1 {
                    prop_assert!(dec(&q.alignment.gross).is_zero() && dec(&q.alignment.net).is_zero());
                }
                prop_assert!(!dec(&q.alignment.gross).is_sign_negative() || dec(&q.alignment.gross).is_zero());
            }
            Err(e) => prop_assert_eq!(e.code.as_str(), "negative_alignment"),
        }
    }

    #[test]
    fn more_seats_never_cost_less_today(c in case(), extra in 1u32..500) {
        let mut c = c;
        c.mode = 0;
        c.next_price = c.cur_price;
        c.next_qty = c.cur_qty;
        let base = quote(&input(&c)).unwrap();
        let mut bigger = c.clone();
        bigger.next_qty += extra;
        let more = quote(&input(&bigger)).unwrap();
        prop_assert!(dec(&more.alignment.gross) >= dec(&base.alignment.gross));
        prop_assert!(dec(&more.alignment.net) >= dec(&base.alignment.net));
    }

    #[test]
    fn arbitrary_text_never_panics(s in ".{0,300}") {
        let _ = quote_json(&s);
    }

    #[test]
    fn arbitrary_json_never_panics(v in arb_json()) {
        let _ = quote_json(&v.to_string());
    }

    #[test]
    fn mutated_valid_input_never_panics(field in 0usize..10, v in arb_json()) {
        let mut doc = spec_input();
        let keys = ["currency","taxMode","taxRate","periodStart","nextBillingDate","interval","changeDate","current","next","alignment"];
        doc[keys[field]] = v;
        if let Err(e) = quote_json(&doc.to_string()) {
            prop_assert!(!e.message.is_empty());
        }
    }
}

/// A case whose quantities may be 0: an add (current 0), a drop (next 0), or 0 → 0.
fn item_case() -> impl Strategy<Value = Case> {
    (case(), 0u8..4).prop_map(|(mut c, kind)| {
        match kind {
            0 => c.cur_qty = 0,
            1 => c.next_qty = 0,
            2 => (c.cur_qty, c.next_qty) = (0, 0),
            _ => {}
        }
        c
    })
}

fn is_zero(amounts: [&str; 3]) -> bool {
    amounts.iter().all(|a| dec(a).is_zero())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    /// Adds, drops and 0 → 0 (docs/pricing.md §4): every answer obeys the laws, a drop owes
    /// nothing today nor at the next billing date, an add never fails, and each refusal is
    /// exactly the one its quantities and alignment call for.
    #[test]
    fn adds_and_drops_obey_the_laws(c in item_case()) {
        let minor = CURRENCIES[c.currency].1;
        let (add, drop, next_billing) = (c.cur_qty == 0, c.next_qty == 0, c.mode == 1);
        match quote(&input(&c)) {
            Ok(q) => {
                prop_assert!(!(add && drop), "0 → 0 was priced");
                prop_assert!(!drop || next_billing, "a drop was priced before the next billing date");
                check_amounts(&q, minor);
                if drop {
                    prop_assert!(is_zero([&q.alignment.net, &q.alignment.vat, &q.alignment.gross]));
                    prop_assert!(is_zero([&q.next_billing.net, &q.next_billing.vat, &q.next_billing.gross]));
                    prop_assert!(dec(&q.next.total).is_zero());
                }
                if add {
                    prop_assert!(dec(&q.current.total).is_zero());
                    prop_assert!(!dec(&q.alignment.gross).is_sign_negative() || dec(&q.alignment.gross).is_zero());
                }
            }
            Err(e) => {
                let want = match (add, drop) {
                    (true, true) => "empty_change",
                    (false, true) if !next_billing => "invalid_alignment",
                    (false, false) if !next_billing => "negative_alignment",
                    _ => "no error",
                };
                prop_assert_eq!(e.code.as_str(), want, "{:?}", c);
            }
        }
    }

    /// From any current line (none, for an add), in every mode, a larger next quantity
    /// never costs less today nor at the next billing date (a drop at the next billing
    /// date is the smallest of all).
    #[test]
    fn due_today_grows_with_the_next_quantity(c in item_case(), extra in 1u32..500) {
        let mut bigger = c.clone();
        bigger.next_qty += extra;
        if let Ok(small) = quote(&input(&c)) {
            let big = quote(&input(&bigger)).unwrap();
            for (b, s) in [
                (&big.alignment.net, &small.alignment.net),
                (&big.alignment.gross, &small.alignment.gross),
                (&big.next_billing.net, &small.next_billing.net),
                (&big.next_billing.gross, &small.next_billing.gross),
            ] {
                prop_assert!(dec(b) >= dec(s), "{} < {} for {:?}", b, s, c);
            }
        }
    }
}

/// The worked check of `docs/pricing.md`: the golden table's first case (parsed once).
fn spec_input() -> serde_json::Value {
    static WORKED: std::sync::OnceLock<serde_json::Value> = std::sync::OnceLock::new();
    WORKED
        .get_or_init(|| golden_cases()[0]["input"].clone())
        .clone()
}

fn arb_json() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        "[0-9.e+-]{0,40}".prop_map(Value::String),
        ".{0,20}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 32, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-zA-Z]{0,16}", inner, 0..8)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

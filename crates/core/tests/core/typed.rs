//! The typed API (`Change` → `quote`) agrees with the JSON boundary on every golden case,
//! and `UpdateAction` is an enum written as today's strings.

use seatquote_core::alignment::Alignment;
use seatquote_core::change::{Change, Line, Period, Tax};
use seatquote_core::currency::Currency;
use seatquote_core::date::{Date, Interval};
use seatquote_core::tax::{TaxMode, TaxRate};
use seatquote_core::{quote, quote_json, Decimal, ErrorCode, QuoteInput, UpdateAction};

use crate::helpers::golden_cases;

#[test]
fn typed_and_json_paths_agree_on_every_golden_case() {
    for case in &golden_cases() {
        let text = case["input"].to_string();
        let Ok(input) = QuoteInput::from_json(&text) else {
            continue;
        };
        let typed = input.to_change().and_then(|c| quote(&c));
        let loose = quote(&input);
        assert_eq!(typed, loose, "{}", case["name"]);
        match typed {
            Ok(q) => assert_eq!(q.to_json(), quote_json(&text).unwrap()),
            Err(e) => assert_eq!(e.code, quote_json(&text).unwrap_err().code),
        }
    }
}

#[test]
fn a_change_built_by_hand_prices_the_worked_check() {
    let d = |s| Date::parse(s).unwrap();
    let price = Decimal::new(120_000, 2);
    let change = Change::new(
        Currency::from_code("USD").unwrap(),
        Tax {
            mode: TaxMode::Gross,
            rate: TaxRate::parse("0.19").unwrap(),
        },
        Period::new(
            d("2025-11-13"),
            d("2026-11-13"),
            Interval::new(12, 0).unwrap(),
        )
        .unwrap(),
        d("2026-05-13"),
        Line::new(price, 1).unwrap(),
        Line::new(price, 2).unwrap(),
        Alignment::Immediate,
    )
    .unwrap();
    assert_eq!(change.proration().remaining_days, 184);
    let q = quote(&change).unwrap();
    assert_eq!(q.update_action, UpdateAction::Upgrade);
    assert_eq!(
        (
            q.alignment.net.as_str(),
            q.alignment.vat.as_str(),
            q.alignment.gross.as_str()
        ),
        ("508.34", "96.59", "604.93")
    );
    assert_eq!(q.next_billing.date, "2026-11-13");
}

#[test]
fn typed_parts_refuse_what_the_json_refuses() {
    assert_eq!(
        Line::new(Decimal::new(1_000_000_001, 0), 1)
            .unwrap_err()
            .code,
        ErrorCode::InvalidPrice
    );
    assert_eq!(
        Line::new(Decimal::new(1, 7), 1).unwrap_err().code,
        ErrorCode::InvalidPrice
    );
    assert_eq!(
        Line::new(Decimal::NEGATIVE_ONE, 1).unwrap_err().code,
        ErrorCode::InvalidPrice
    );
    assert_eq!(
        Line::new(Decimal::ONE, 1_000_001).unwrap_err().code,
        ErrorCode::InvalidQuantity
    );
    assert!(Line::new(Decimal::new(1_000_000_000, 0), 1_000_000).is_ok());
    assert!(Line::new(Decimal::ZERO, 1).is_ok());
}

#[test]
fn update_action_is_written_as_its_name() {
    for (a, s) in [
        (UpdateAction::Upgrade, "\"upgrade\""),
        (UpdateAction::Downgrade, "\"downgrade\""),
        (UpdateAction::Update, "\"update\""),
    ] {
        assert_eq!(serde_json::to_string(&a).unwrap(), s);
        assert_eq!(serde_json::from_str::<UpdateAction>(s).unwrap(), a);
        assert_eq!(UpdateAction::from_wire_name(a.as_str()), Some(a));
    }
}

#[test]
fn a_change_refuses_nothing_to_nothing_and_a_drop_before_the_next_billing_date() {
    let d = |s| Date::parse(s).unwrap();
    let tax = Tax {
        mode: TaxMode::Net,
        rate: TaxRate::parse("0.19").unwrap(),
    };
    let period = Period::new(
        d("2026-05-01"),
        d("2026-06-01"),
        Interval::new(1, 0).unwrap(),
    )
    .unwrap();
    let line = |q| Line::new(Decimal::TEN, q).unwrap();
    let change = |day, c, n, a| {
        Change::new(
            Currency::from_code("EUR").unwrap(),
            tax,
            period,
            d(day),
            line(c),
            line(n),
            a,
        )
        .map(|_| ())
        .map_err(|e| e.code)
    };
    let (inside, outside) = ("2026-05-11", "2026-06-01");
    for a in [
        Alignment::Immediate,
        Alignment::NextBilling,
        Alignment::Extend,
    ] {
        assert_eq!(
            change(inside, 0, 0, a),
            Err(ErrorCode::EmptyChange),
            "{a:?}"
        );
        // The change date is checked first, as on the JSON boundary.
        assert_eq!(change(outside, 0, 0, a), Err(ErrorCode::OutsidePeriod));
        assert_eq!(change(inside, 0, 3, a), Ok(()), "an add, {a:?}");
    }
    assert_eq!(change(inside, 3, 0, Alignment::NextBilling), Ok(()));
    for a in [Alignment::Immediate, Alignment::Extend] {
        assert_eq!(
            change(inside, 3, 0, a),
            Err(ErrorCode::InvalidAlignment),
            "a drop, {a:?}"
        );
    }
}

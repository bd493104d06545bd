//! Every error message the engine can give, pinned in a checked-in snapshot
//! (`tests/snapshots/error_messages.txt`), so a change of wording shows as a diff in review.
//!
//! The messages come from the golden table's error cases (through `quote_json`) and from the
//! typed constructors. To accept new wording on purpose:
//! `SEATQUOTE_BLESS=1 cargo test -p seatquote-core --test core error_messages`.

use seatquote_core::alignment::{Alignment, AlignmentFlags};
use seatquote_core::change::{Change, Line, Period, Tax};
use seatquote_core::currency::Currency;
use seatquote_core::date::{Date, Interval};
use seatquote_core::quote::{quote, quote_json};
use seatquote_core::tax::{TaxMode, TaxRate};
use seatquote_core::{Decimal, QuoteError};

use crate::helpers::golden_cases;

const SNAPSHOT: &str = "tests/snapshots/error_messages.txt";

fn line(label: &str, e: &QuoteError) -> String {
    format!("{label}\n    {}: {}\n", e.code.as_str(), e.message)
}

fn typed_errors() -> Vec<(&'static str, QuoteError)> {
    let d = |s| Date::parse(s).unwrap();
    let month = Interval::new(1, 0).unwrap();
    let period = Period::new(d("2026-05-01"), d("2026-06-01"), month).unwrap();
    let tax = Tax {
        mode: TaxMode::Net,
        rate: TaxRate::parse("0.19").unwrap(),
    };
    let eur = Currency::from_code("EUR").unwrap();
    let ten = |q| Line::new(Decimal::TEN, q).unwrap();
    let change = |c, n, a| Change::new(eur, tax, period, d("2026-05-11"), c, n, a);
    vec![
        (
            "Line::new(-1, 1)",
            Line::new(Decimal::NEGATIVE_ONE, 1).unwrap_err(),
        ),
        (
            "Line::new(1e-7, 1)",
            Line::new(Decimal::new(1, 7), 1).unwrap_err(),
        ),
        (
            "Line::new(10, 1000001)",
            Line::new(Decimal::TEN, 1_000_001).unwrap_err(),
        ),
        (
            "Period::new(end before start)",
            Period::new(d("2026-06-01"), d("2026-05-01"), month).unwrap_err(),
        ),
        ("Interval::new(0, 0)", Interval::new(0, 0).unwrap_err()),
        (
            "Date::parse(2026-02-30)",
            Date::parse("2026-02-30").unwrap_err(),
        ),
        (
            "Currency::from_code(XAU)",
            Currency::from_code("XAU").unwrap_err(),
        ),
        ("TaxRate::parse(1)", TaxRate::parse("1").unwrap_err()),
        (
            "Alignment::parse(soon)",
            Alignment::parse("soon").unwrap_err(),
        ),
        (
            "Alignment::from_flags(extend only)",
            Alignment::from_flags(AlignmentFlags {
                align_to_current_interval: false,
                extend_interval: true,
            })
            .unwrap_err(),
        ),
        (
            "Change::new(change date after the period)",
            Change::new(
                eur,
                tax,
                period,
                d("2026-06-01"),
                ten(1),
                ten(2),
                Alignment::Immediate,
            )
            .unwrap_err(),
        ),
        (
            "Change::new(0 → 0)",
            change(ten(0), ten(0), Alignment::NextBilling).unwrap_err(),
        ),
        (
            "Change::new(a drop with extend)",
            change(ten(3), ten(0), Alignment::Extend).unwrap_err(),
        ),
        (
            "quote(immediate decrease)",
            quote(&change(ten(5), ten(4), Alignment::Immediate).unwrap()).unwrap_err(),
        ),
        ("quote_json(not JSON)", quote_json("{").unwrap_err()),
        (
            "quote_json(over 64 KiB)",
            quote_json(&" ".repeat(64 * 1024 + 1)).unwrap_err(),
        ),
    ]
}

fn render() -> String {
    let mut out = String::from(
        "# Every engine error message, by case (see crates/core/tests/core/error_messages.rs).\n\n",
    );
    for case in &golden_cases() {
        if case.get("error").is_none() {
            continue;
        }
        let e = quote_json(&case["input"].to_string()).unwrap_err();
        out.push_str(&line(
            &format!("golden: {}", case["name"].as_str().unwrap()),
            &e,
        ));
    }
    for (label, e) in typed_errors() {
        out.push_str(&line(&format!("typed: {label}"), &e));
    }
    out
}

#[test]
fn error_messages_match_the_snapshot() {
    let got = render();
    if std::env::var_os("SEATQUOTE_BLESS").is_some() {
        std::fs::write(SNAPSHOT, &got).unwrap();
        return;
    }
    let want = std::fs::read_to_string(SNAPSHOT).unwrap_or_default();
    if got != want {
        let diff: Vec<String> = want
            .lines()
            .zip(got.lines())
            .filter(|(w, g)| w != g)
            .take(10)
            .map(|(w, g)| format!("- {w}\n+ {g}"))
            .collect();
        panic!(
            "error messages changed (SEATQUOTE_BLESS=1 to accept on purpose):\n{}\n(lines: {} → {})",
            diff.join("\n"),
            want.lines().count(),
            got.lines().count()
        );
    }
}

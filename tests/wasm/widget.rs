//! Widget rendering units in headless Chrome (wasm-bindgen-test): stepper bounds, Intl
//! formatting from decimal strings, timeline geometry, text catalogues.

use seatquote::widget::model::{apply_step, key_step, parse_quantity, Scheduled, Step};
use seatquote::widget::view::format::Formatter;
use seatquote::widget::view::i18n::{fill, Messages, DE, EN, FR, KEYS};
use seatquote::widget::view::timeline::{geometry, Geometry, WIDTH};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

#[wasm_bindgen_test]
fn stepper_stays_within_bounds() {
    assert_eq!(apply_step(1, Step::By(-1), 1, 100), 1);
    assert_eq!(apply_step(1, Step::By(1), 1, 100), 2);
    assert_eq!(apply_step(95, Step::By(10), 1, 100), 100);
    assert_eq!(apply_step(5, Step::By(-10), 1, 100), 1);
    assert_eq!(apply_step(50, Step::Min, 3, 100), 3);
    assert_eq!(apply_step(50, Step::Max, 3, 100), 100);
    assert_eq!(apply_step(0, Step::By(0), 1, 10), 1, "below min is clamped");
    assert_eq!(key_step("PageUp"), Some(Step::By(10)));
    assert_eq!(key_step("PageDown"), Some(Step::By(-10)));
    assert_eq!(key_step("ArrowUp"), Some(Step::By(1)));
    assert_eq!(key_step("Home"), Some(Step::Min));
    assert_eq!(key_step("a"), None);
}

#[wasm_bindgen_test]
fn typed_quantities_are_digits_within_bounds() {
    assert_eq!(parse_quantity(" 12 ", 1, 100), Some(12));
    assert_eq!(parse_quantity("0", 1, 100), None);
    assert_eq!(parse_quantity("101", 1, 100), None);
    assert_eq!(parse_quantity("1.5", 1, 100), None);
    assert_eq!(parse_quantity("-2", 1, 100), None);
    assert_eq!(parse_quantity("1e2", 1, 1000), None);
    assert_eq!(parse_quantity("", 1, 100), None);
    assert_eq!(parse_quantity("99999999999", 1, u32::MAX), None);
}

#[wasm_bindgen_test]
fn money_is_formatted_from_the_decimal_string() {
    let f = Formatter::new("en-US", "USD", "symbol").unwrap();
    assert_eq!(f.money("604.93"), "$604.93");
    assert_eq!(f.money("2400.00"), "$2,400.00");
    // As a float this rounds to …456.80; the string keeps it exact.
    assert_eq!(f.money("1234567890123456.785"), "$1,234,567,890,123,456.79");
    let nbsp = |s: String| s.replace(['\u{a0}', '\u{202f}'], " ");
    let de = Formatter::new("de-DE", "EUR", "symbol").unwrap();
    assert_eq!(nbsp(de.money("604.93")), "604,93 €");
    assert_eq!(nbsp(de.percent("0.19")), "19 %");
    let ja = Formatter::new("ja-JP", "JPY", "symbol").unwrap();
    assert_eq!(ja.money("1200"), "￥1,200");
    let kwd = Formatter::new("en-US", "KWD", "code").unwrap();
    assert_eq!(nbsp(kwd.money("12.500")), "KWD 12.500");
    assert!(Formatter::new("en-US", "NOPE!", "symbol").is_err());
}

#[wasm_bindgen_test]
fn dates_are_utc_calendar_dates() {
    let f = Formatter::new("en-US", "USD", "symbol").unwrap();
    assert_eq!(f.date("2026-11-13"), "Nov 13, 2026");
    assert_eq!(f.date("2026-01-01"), "Jan 1, 2026");
    let de = Formatter::new("de-DE", "EUR", "symbol").unwrap();
    assert_eq!(de.date("2026-11-13"), "13.11.2026");
    assert_eq!(f.date("garbage"), "garbage");
}

#[wasm_bindgen_test]
fn timeline_geometry() {
    // docs/proxy.md's S68841753 on 2026-05-13: 184 of 365 days remain → the share is 504/1000 wide, today at 496.
    assert_eq!(
        geometry(184, 365),
        Geometry {
            today_x: 496,
            share_width: 504
        }
    );
    assert_eq!(
        geometry(365, 365),
        Geometry {
            today_x: 0,
            share_width: WIDTH
        }
    );
    assert_eq!(
        geometry(0, 30),
        Geometry {
            today_x: WIDTH,
            share_width: 0
        }
    );
    assert_eq!(
        geometry(40, 30),
        Geometry {
            today_x: 0,
            share_width: WIDTH
        },
        "clamped"
    );
    assert_eq!(
        geometry(1, 0),
        Geometry {
            today_x: 0,
            share_width: WIDTH
        }
    );
    for (r, p) in [(1, 28), (15, 31), (200, 366)] {
        let g = geometry(r, p);
        assert_eq!(g.today_x + g.share_width, WIDTH);
    }
}

#[wasm_bindgen_test]
fn catalogues_and_overrides() {
    assert_eq!(
        fill("{a} × {b} = {c}", &[("a", "2"), ("b", "x"), ("c", "y")]),
        "2 × x = y"
    );
    assert_eq!(fill("{missing} {", &[]), "{missing} {");
    let en = Messages::new("en-US", &JsValue::UNDEFINED);
    assert_eq!(en.get("confirm"), "Confirm change");
    assert_eq!(en.seats(1, "1"), "1 seat");
    let de = Messages::new("de-DE", &JsValue::UNDEFINED);
    assert_eq!(de.get("confirm"), "Änderung bestätigen");
    assert_eq!(de.get("line"), "{qty} × {unit} = {total}");
    let fr = Messages::new("fr-CA", &JsValue::UNDEFINED);
    assert_eq!(fr.seats(3, "3"), "3 postes");
    let fr = Messages::new("FR_fr", &JsValue::UNDEFINED);
    assert_eq!(fr.get("confirm"), "Confirmer la modification");
    let other = Messages::new("nl-NL", &JsValue::UNDEFINED);
    assert_eq!(other.get("confirm"), "Confirm change");
    let o = js_sys::Object::new();
    js_sys::Reflect::set(&o, &"confirm".into(), &"Buy seats".into()).unwrap();
    js_sys::Reflect::set(&o, &"retry".into(), &JsValue::from(3)).unwrap();
    let m = Messages::new("en", &o);
    assert_eq!(m.get("confirm"), "Buy seats");
    assert_eq!(m.get("retry"), "Try again", "non-strings are ignored");
}

/// The placeholders of a template, sorted (`"{a} x {b}"` → `["a", "b"]`).
fn placeholders(t: &str) -> Vec<&str> {
    let mut out: Vec<&str> = t
        .split('{')
        .skip(1)
        .filter_map(|p| p.split_once('}').map(|(name, _)| name))
        .collect();
    out.sort_unstable();
    out
}

#[wasm_bindgen_test]
fn german_and_french_catalogues_are_complete() {
    assert_eq!(EN.iter().count(), KEYS.len());
    for (lang, table) in [("de", DE), ("fr", FR)] {
        assert_eq!(
            table.iter().count(),
            KEYS.len(),
            "{lang} has one text per key"
        );
        for ((key, en), (k, t)) in EN.iter().zip(table.iter()) {
            assert_eq!(key, k);
            assert!(!t.is_empty(), "{lang} `{key}` is empty");
            assert_eq!(
                placeholders(t),
                placeholders(en),
                "{lang} `{key}` has other placeholders than English"
            );
        }
    }
    let de = Messages::new("de", &JsValue::UNDEFINED);
    for (key, text) in DE.iter() {
        assert_eq!(de.get(key), text);
    }
    assert_eq!(de.get("no_such_key"), "no_such_key");
}

#[wasm_bindgen_test]
fn proxy_answers_are_read_whole_or_not_at_all() {
    use seatquote::widget::runtime::answers::{figures, summary};
    let parse = |s: &str| js_sys::JSON::parse(s).unwrap();
    let quote = r#"{"next":{"unitPrice":"10.00","quantity":3,"total":"30.00"},
        "alignment":{"net":"5.00","vat":"0.95","gross":"5.95"},
        "nextBilling":{"date":"2026-11-13","gross":"35.70"},
        "proration":{"remainingDays":184,"periodDays":365}}"#;
    let f = figures(&parse(quote)).expect("a complete quote");
    assert_eq!(
        (f.quantity, f.due_gross.as_str(), f.period_days),
        (3, "5.95", 365)
    );
    assert_eq!(
        figures(&parse(&quote.replace(r#""vat":"0.95","#, ""))),
        None
    );
    assert_eq!(figures(&parse(&quote.replace("184", "-1"))), None);
    let sub = r#"{"id":"S1","currency":"EUR","taxMode":"gross","taxRate":"0.19",
        "periodStart":"2025-11-13","nextBillingDate":"2026-11-13","today":"2026-05-13",
        "interval":{"months":12,"days":0},
        "items":[{"runningNumber":1,"quantity":3,"unitPrice":"10.00",
            "increaseModes":["immediate"],"decreaseModes":[]}]}"#;
    let s = summary(&parse(sub)).expect("a complete summary");
    assert_eq!(
        (s.months, s.items.len(), s.items[0].max),
        (12, 1, 1_000_000)
    );
    assert_eq!(s.items[0].current_unit_price, "10.00");
    // An older proxy names no plans, add-ons or removals: none offered.
    let it = &s.items[0];
    assert!(it.change_to.is_empty() && !it.removable && it.ends.is_none());
    assert!(s.add_ons.is_empty());
    // No `pending` (an older proxy): nothing scheduled; a scheduled change is read.
    assert_eq!(s.items[0].scheduled, None);
    let pending = r#""decreaseModes":[],"pending":[{"state":"inProgress","toQuantity":4,
        "since":"2026-05-13T10:00:00.000Z"},{"state":"scheduled","toQuantity":2,
        "effectiveOn":"2026-11-13","since":"2026-05-13T10:00:00.000Z"}]"#;
    let s = summary(&parse(&sub.replace(r#""decreaseModes":[]"#, pending))).expect("a summary");
    assert_eq!(
        s.items[0].scheduled,
        Some(Scheduled {
            quantity: 2,
            date: "2026-11-13".into(),
            product: None,
        })
    );
    assert_eq!(summary(&parse(&sub.replace(r#""quantity":3,"#, ""))), None);
    assert_eq!(
        summary(&parse(&sub.replace(r#""today":"2026-05-13","#, ""))),
        None
    );
    assert_eq!(
        summary(&parse(&sub.replace(r#""days":0"#, r#""days":"0""#))),
        None
    );
}

#[wasm_bindgen_test]
fn plans_add_ons_and_removals_are_read_from_the_summary() {
    use seatquote::widget::model::{Mode, Offer};
    use seatquote::widget::runtime::answers::summary;
    let parse = |s: &str| js_sys::JSON::parse(s).unwrap();
    let sub = r#"{"id":"S1","currency":"USD","taxMode":"gross","taxRate":"0.19",
        "periodStart":"2025-11-13","nextBillingDate":"2026-11-13","today":"2026-05-13",
        "interval":{"months":12,"days":0},
        "items":[{"runningNumber":1,"quantity":3,"unitPrice":"1200.00","minQuantity":1,
            "maxQuantity":100,"increaseModes":["immediate"],"decreaseModes":["nextBilling"],
            "changeTo":[{"productId":"294836","productName":"Business","unitPrice":"1800.00",
                "direction":"upgrade","modes":["immediate","extend"]}],
            "removable":true,"deactivationDate":"2026-11-13",
            "pending":[{"state":"scheduled","toQuantity":3,"toProductId":"294834",
                "effectiveOn":"2026-11-13","since":"2026-05-13T10:00:00.000Z"}]}],
        "addOns":[{"productId":"294900","productName":"Priority support","unitPrice":"1000.00",
            "minQuantity":1,"maxQuantity":5,"modes":["immediate"]}]}"#;
    let s = summary(&parse(sub)).expect("a complete summary");
    let it = &s.items[0];
    assert_eq!(
        it.change_to,
        vec![Offer {
            product_id: "294836".into(),
            name: "Business".into(),
            unit_price: "1800.00".into(),
            downgrade: false,
            modes: vec![Mode::Immediate, Mode::Extend],
            min: 1,
            max: 100,
        }]
    );
    assert_eq!(
        (it.removable, it.ends.as_deref()),
        (true, Some("2026-11-13"))
    );
    let scheduled = it.scheduled.as_ref().expect("scheduled");
    assert_eq!(scheduled.product.as_deref(), Some("294834"));
    assert_eq!(
        (
            s.add_ons[0].name.as_str(),
            s.add_ons[0].min,
            s.add_ons[0].max
        ),
        ("Priority support", 1, 5)
    );
}

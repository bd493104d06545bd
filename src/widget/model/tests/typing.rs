//! Transition tests of typed quantities written as the locale writes counts (docs/widget.md,
//! "Behaviour": the grouping separator between whole groups of three).

use super::*;

#[test]
fn typed_quantities_accept_the_locales_grouping() {
    assert_eq!(
        parse_quantity_grouped("1,000", Some(','), 1, 1000),
        Some(1000)
    );
    assert_eq!(
        parse_quantity_grouped("1.000", Some('.'), 1, 1000),
        Some(1000)
    );
    // French groups with a narrow no-break space; a typed space counts as well.
    assert_eq!(
        parse_quantity_grouped("1 000", Some('\u{202F}'), 1, 1000),
        Some(1000)
    );
    assert_eq!(
        parse_quantity_grouped("1\u{202F}000", Some('\u{202F}'), 1, 1000),
        Some(1000)
    );
    assert_eq!(
        parse_quantity_grouped("１，０００", Some(','), 1, 1000),
        Some(1000)
    );
    // Only whole groups of three: anything else is refused, not guessed.
    for bad in ["1,00", ",100", "100,", "1,,000", "10,0000", "1.000"] {
        assert_eq!(
            parse_quantity_grouped(bad, Some(','), 1, 100_000),
            None,
            "{bad}"
        );
    }
    assert_eq!(parse_quantity_grouped("1,000", None, 1, 1000), None);
}

#[test]
fn a_model_with_the_locales_grouping_takes_a_grouped_count() {
    let mut m = ready();
    m.group = Some(',');
    m.update(Msg::Typed("1,0".into()));
    assert!(!calc(&m).valid);
    m.update(Msg::Typed("1,00".into()));
    assert!(!calc(&m).valid);
    m.update(Msg::Typed("10".into()));
    assert_eq!((calc(&m).valid, calc(&m).qty), (true, 10));
    let mut m = ready();
    if let Phase::Ready(c) = &mut m.phase {
        c.summary.items[0].max = 5000;
    }
    m.group = Some(',');
    m.update(Msg::Typed("1,000".into()));
    assert_eq!((calc(&m).valid, calc(&m).qty), (true, 1000));
}

#[test]
fn whole_numbers_are_read_digit_by_digit() {
    assert_eq!(read_u32("0"), Some(0));
    assert_eq!(read_u32("999999999"), Some(999_999_999));
    for bad in ["", "+1", "-1", "1.0", "1000000000", "4294967296", "1 2"] {
        assert_eq!(read_u32(bad), None, "{bad:?}");
    }
}

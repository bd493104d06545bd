//! The stepper's rules: direction of a change, the allowed modes, keys, bounds and typed text.

use super::{Item, Mode};

/// Whether a change to `quantity` is an increase, a decrease or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// More seats.
    Increase,
    /// Fewer seats.
    Decrease,
    /// The current count.
    Unchanged,
}

/// The direction of a change from `current` to `quantity`.
pub fn direction(current: u32, quantity: u32) -> Direction {
    match quantity.cmp(&current) {
        std::cmp::Ordering::Greater => Direction::Increase,
        std::cmp::Ordering::Less => Direction::Decrease,
        std::cmp::Ordering::Equal => Direction::Unchanged,
    }
}

/// The modes the policy allows for a change from the item's quantity to `quantity`.
pub fn modes(item: &Item, quantity: u32) -> &[Mode] {
    match direction(item.quantity, quantity) {
        Direction::Increase => &item.increase_modes,
        Direction::Decrease => &item.decrease_modes,
        Direction::Unchanged => &[],
    }
}

/// A stepper move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Add (or with a negative value remove) seats.
    By(i64),
    /// Go to the minimum.
    Min,
    /// Go to the maximum.
    Max,
}

/// The stepper move for a key (`ArrowUp`/`ArrowDown` ±1, `PageUp`/`PageDown` ±10,
/// `Home`/`End` to the bounds).
pub fn key_step(key: &str) -> Option<Step> {
    Some(match key {
        "ArrowUp" => Step::By(1),
        "ArrowDown" => Step::By(-1),
        "PageUp" => Step::By(10),
        "PageDown" => Step::By(-10),
        "Home" => Step::Min,
        "End" => Step::Max,
        _ => return None,
    })
}

/// Applies a stepper move, staying within `[min, max]`.
pub fn apply_step(quantity: u32, step: Step, min: u32, max: u32) -> u32 {
    let (min, max) = (min.min(max), max.max(min));
    match step {
        Step::By(d) => (i64::from(quantity) + d).clamp(i64::from(min), i64::from(max)) as u32,
        Step::Min => min,
        Step::Max => max,
    }
}

/// What someone typed with full-width digits (`１２`, from a Japanese keyboard) read as
/// ASCII digits and surrounding spaces removed.
pub fn normalize_digits(text: &str) -> String {
    text.trim()
        .chars()
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' => char::from(b'0' + (c as u32 - 0xFF10) as u8),
            c => c,
        })
        .collect()
}

/// Parses what someone typed: digits only (full-width digits count), within `[min, max]`.
pub fn parse_quantity(text: &str, min: u32, max: u32) -> Option<u32> {
    let t = normalize_digits(text);
    read_u32(&t).filter(|n| *n >= min && *n <= max)
}

/// Reads one to nine ASCII digits as a `u32` (`None` otherwise: nine digits never
/// overflow). A loop of its own: smaller in the wasm module than `str::parse`, which also
/// takes a leading `+`.
pub fn read_u32(t: &str) -> Option<u32> {
    if t.is_empty() || t.len() > 9 {
        return None;
    }
    let mut n: u32 = 0;
    for b in t.bytes() {
        if !b.is_ascii_digit() {
            return None;
        }
        n = n * 10 + u32::from(b - b'0');
    }
    Some(n)
}

/// Parses what someone typed, accepting the locale's grouping separator `group` (as the
/// widget shows counts: `1,000` in en-US, `1.000` in de-DE, `1 000` in fr-FR, where a typed
/// space stands for the no-break spaces Intl writes) between whole groups of three digits.
/// Anything else is refused, never guessed at.
pub fn parse_quantity_grouped(text: &str, group: Option<char>, min: u32, max: u32) -> Option<u32> {
    let Some(g) = group else {
        return parse_quantity(text, min, max);
    };
    let spaces = [' ', '\u{A0}', '\u{202F}'];
    let mut plain = String::new();
    // Digits since the last separator, and whether one was seen. (One pass over the chars,
    // no `split` by a closure: smaller in the wasm module.)
    let (mut run, mut grouped) = (0u32, false);
    for c in normalize_digits(text).chars() {
        let c = match c {
            '\u{FF0C}' => ',',
            '\u{FF0E}' => '.',
            c => c,
        };
        if c == g || (spaces.contains(&g) && spaces.contains(&c)) {
            if run == 0 || run > 3 || (grouped && run != 3) {
                return None;
            }
            (run, grouped) = (0, true);
        } else {
            plain.push(c);
            run += 1;
        }
    }
    if grouped && run != 3 {
        return None;
    }
    parse_quantity(&plain, min, max)
}

/// `n`'s decimal digits as a new string. The widget writes its few integers (quantities,
/// running numbers, timeline geometry) with this or `push_u32` instead of `to_string()`,
/// which would link the standard formatting machinery into the module (DESIGN.md, "Size and
/// speed").
pub fn digits(n: u32) -> String {
    let mut s = String::new();
    seatquote_core::text::push_u32(&mut s, n);
    s
}

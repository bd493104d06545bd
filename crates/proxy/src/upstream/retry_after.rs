//! A 429's `Retry-After` read within bounds (docs/proxy.md, "Upstream discipline"):
//! seconds or an HTTP date, at least 1 s and at most [`MAX_BLOCK`]; absent or unreadable,
//! Cleverbridge's usual 60 s. A value too large for any clock neither panics nor writes a
//! block for good into the budget every replica shares.

use crate::budget::MAX_BLOCK;

/// What an absent or unreadable `Retry-After` counts as (Cleverbridge's own block).
pub(crate) const DEFAULT_SECS: u64 = 60;

/// The seconds to honour for a 429 whose `Retry-After` is `value`, at `now`.
pub(crate) fn retry_after_secs(value: Option<&str>, now: chrono::DateTime<chrono::Utc>) -> u64 {
    let max = MAX_BLOCK.as_secs();
    let Some(v) = value.map(str::trim).filter(|v| !v.is_empty()) else {
        return DEFAULT_SECS.min(max);
    };
    let secs = if v.bytes().all(|b| b.is_ascii_digit()) {
        // Digits only: seconds, however many (too many for u64 is simply the most).
        v.parse::<u64>().unwrap_or(u64::MAX)
    } else if let Ok(at) = chrono::DateTime::parse_from_rfc2822(v) {
        u64::try_from((at.with_timezone(&chrono::Utc) - now).num_seconds()).unwrap_or(0)
    } else {
        DEFAULT_SECS
    };
    secs.clamp(1, max)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounded_whatever_the_header_says() {
        let now = chrono::DateTime::parse_from_rfc3339("2026-05-13T10:00:00Z")
            .unwrap()
            .with_timezone(&chrono::Utc);
        let at = |v: &str| retry_after_secs(Some(v), now);
        assert_eq!(at("2"), 2);
        assert_eq!(at(" 60 "), 60);
        assert_eq!(at("0"), 1, "a 429 blocks at least a second");
        assert_eq!(
            at("18446744073709551615"),
            300,
            "u64::MAX: no panic, capped"
        );
        assert_eq!(at("99999999999999999999999"), 300, "beyond u64");
        assert_eq!(at("-5"), 60, "not a number of seconds: the default");
        assert_eq!(at("soon"), 60);
        assert_eq!(at("Wed, 13 May 2026 10:01:30 GMT"), 90, "an HTTP date");
        assert_eq!(at("Wed, 13 May 2026 09:00:00 GMT"), 1, "a past date");
        assert_eq!(
            at("Fri, 13 May 2039 10:00:00 GMT"),
            300,
            "a date years ahead"
        );
        assert_eq!(retry_after_secs(None, now), 60);
    }
}

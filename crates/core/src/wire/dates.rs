//! Cleverbridge timestamps, reduced to their UTC calendar date.

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};

use crate::date::{Date, Interval};

/// A Cleverbridge timestamp reduced to its UTC calendar date.
///
/// Accepts `2027-03-17T10:28:48.196461` (no offset: read as UTC),
/// `2026-01-05T09:12:27.4970365Z`, `2026-01-05T23:30:00-02:00` (converted to UTC first),
/// a space instead of `T`, and a bare `2026-11-13`. Written back without an offset
/// (`2026-11-13T00:00:00`), as Cleverbridge's examples do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WireDate(pub Date);

impl WireDate {
    /// Parses one timestamp; `None` when it is not one of the accepted forms.
    ///
    /// ```
    /// use seatquote_core::wire::WireDate;
    /// let d = |s| WireDate::parse(s).unwrap().0.to_iso_string();
    /// assert_eq!(d("2027-03-17T10:28:48.196461"), "2027-03-17");
    /// assert_eq!(d("2026-01-05T09:12:27.4970365Z"), "2026-01-05");
    /// assert_eq!(d("2026-01-05T23:30:00-02:00"), "2026-01-06");
    /// assert_eq!(d("2026-11-13"), "2026-11-13");
    /// ```
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let date = Date::parse(s.get(..10)?).ok()?;
        let rest = &s[10..];
        if rest.is_empty() {
            return Some(Self(date));
        }
        let rest = rest.strip_prefix(['T', 't', ' '])?;
        let b = rest.as_bytes();
        let two = |i: usize| -> Option<i64> {
            let (x, y) = (*b.get(i)?, *b.get(i + 1)?);
            (x.is_ascii_digit() && y.is_ascii_digit())
                .then(|| i64::from(x - b'0') * 10 + i64::from(y - b'0'))
        };
        let (h, m) = (two(0)?, two(3)?);
        if b.get(2) != Some(&b':') || h > 23 || m > 59 {
            return None;
        }
        let mut i = 5;
        if b.get(i) == Some(&b':') {
            let sec = two(i + 1)?;
            if sec > 60 {
                return None;
            }
            i += 3;
            if b.get(i) == Some(&b'.') {
                let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
                if digits == 0 || digits > 9 {
                    return None;
                }
                i += 1 + digits;
            }
        }
        let offset_minutes = match &b[i..] {
            [] | [b'Z'] | [b'z'] => 0,
            [sign @ (b'+' | b'-'), ..] => {
                let oh = two(i + 1)?;
                let om = match b.get(i + 3) {
                    Some(b':') if b.len() == i + 6 => two(i + 4)?,
                    None => 0,
                    Some(_) if b.len() == i + 5 => two(i + 3)?,
                    _ => return None,
                };
                if oh > 23 || om > 59 {
                    return None;
                }
                let off = oh * 60 + om;
                if *sign == b'-' {
                    -off
                } else {
                    off
                }
            }
            _ => return None,
        };
        let utc_minutes = h * 60 + m - offset_minutes;
        let one_day = Interval { months: 0, days: 1 };
        let date = if utc_minutes < 0 {
            date.sub(one_day)?
        } else if utc_minutes >= 24 * 60 {
            date.add(one_day)?
        } else {
            date
        };
        Some(Self(date))
    }
}

impl<'de> Deserialize<'de> for WireDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        WireDate::parse(&s).ok_or_else(|| de::Error::custom(format!("not a date: {s}")))
    }
}

impl Serialize for WireDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{}T00:00:00", self.0.to_iso_string()))
    }
}

//! UTC calendar dates, billing intervals and the day counts of proration (`docs/pricing.md` §3).

use crate::error::{ErrorCode, QuoteError};
use crate::text::ShortStr;

/// A UTC calendar date (no time, no zone) in the proleptic Gregorian calendar, years
/// 1900 … 9999. (Field order gives the derived ordering: year, then month, then day.)
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    year: i32,
    month: u32,
    day: u32,
}

impl std::fmt::Debug for Date {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Date({})", self.iso().as_str())
    }
}

const BAD_DATE: QuoteError = QuoteError::new(
    ErrorCode::InvalidDate,
    "dates must be real calendar dates written YYYY-MM-DD (years 1900 to 9999)",
);

impl Date {
    /// Parses exactly `YYYY-MM-DD` (years 1900 … 9999), or `invalid_date`.
    ///
    ///
    /// # Errors
    /// `invalid_date` for any other text, a day that does not exist, or a year outside
    /// 1900 … 9999.
    ///
    /// ```
    /// use seatquote_core::date::Date;
    /// assert!(Date::parse("2024-02-29").is_ok());
    /// assert!(Date::parse("2026-02-29").is_err());
    /// assert!(Date::parse("2026-2-1").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Self, QuoteError> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(BAD_DATE);
        }
        let num = |r: std::ops::Range<usize>| -> Result<u32, QuoteError> {
            b[r].iter().try_fold(0u32, |acc, &c| {
                if c.is_ascii_digit() {
                    Ok(acc * 10 + u32::from(c - b'0'))
                } else {
                    Err(BAD_DATE)
                }
            })
        };
        let (y, m, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        Self::from_ymd(y as i32, m, d).ok_or(BAD_DATE)
    }

    /// A date from year, month (1–12) and day, when it exists and the year is 1900 … 9999.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Self> {
        if !(1900..=9999).contains(&year) {
            return None;
        }
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Self { year, month, day })
    }

    /// The year.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The month, 1–12.
    pub fn month(&self) -> u32 {
        self.month
    }

    /// The day of the month.
    pub fn day(&self) -> u32 {
        self.day
    }

    /// Whole days from `earlier` to `self` (negative when `self` is before).
    pub fn days_since(&self, earlier: Date) -> i64 {
        i64::from(self.day_number() - earlier.day_number())
    }

    /// `YYYY-MM-DD` as an owned `String`.
    pub fn to_iso_string(&self) -> String {
        self.iso().as_str().to_owned()
    }

    /// `YYYY-MM-DD` without allocating or `std::fmt`.
    pub fn iso(&self) -> ShortStr {
        let mut b = [b'-'; 10];
        put_padded(&mut b[0..4], self.year() as u32);
        put_padded(&mut b[5..7], self.month());
        put_padded(&mut b[8..10], self.day());
        ShortStr::from_ascii(&b).unwrap_or_default()
    }

    /// `add(date, interval)` (`docs/pricing.md` §3): add the months keeping the day of month,
    /// clamped to the month's length, then add the days. `None` past year 9999.
    ///
    /// ```
    /// use seatquote_core::date::{Date, Interval};
    /// let d = Date::parse("2026-01-31").unwrap();
    /// assert_eq!(d.add(Interval::new(1, 0).unwrap()).unwrap().to_iso_string(), "2026-02-28");
    /// let d = Date::parse("2024-01-31").unwrap();
    /// assert_eq!(d.add(Interval::new(1, 0).unwrap()).unwrap().to_iso_string(), "2024-02-29");
    /// ```
    pub fn add(&self, interval: Interval) -> Option<Date> {
        let d = self.add_months(interval.months as i32);
        let (y, m, d) = civil_from_days(d.day_number() + interval.days as i32);
        Self::from_ymd(y, m, d)
    }

    /// `sub(date, interval)`, the mirror of [`Date::add`]: subtract the days, then the
    /// months (clamped to the month's length). Used for `periodStart`.
    ///
    /// ```
    /// use seatquote_core::date::{Date, Interval};
    /// let d = Date::parse("2026-11-13").unwrap();
    /// assert_eq!(d.sub(Interval::new(12, 0).unwrap()).unwrap().to_iso_string(), "2025-11-13");
    /// ```
    pub fn sub(&self, interval: Interval) -> Option<Date> {
        let (y, m, d) = civil_from_days(self.day_number() - interval.days as i32);
        let d = Self {
            year: y,
            month: m,
            day: d,
        }
        .add_months(-(interval.months as i32));
        Self::from_ymd(d.year, d.month, d.day)
    }
}

impl Date {
    /// Days since 1970-01-01 (negative before). `interval.days` ≤ 3650 and years within
    /// 1900 … 9999 keep every sum here far inside `i32`.
    fn day_number(&self) -> i32 {
        days_from_civil(self.year, self.month, self.day)
    }

    /// The date `months` months later (earlier when negative), the day clamped to the
    /// length of the month reached; the year is not checked here.
    fn add_months(&self, months: i32) -> Self {
        let index = self.year * 12 + self.month as i32 - 1 + months;
        let (year, month) = (index.div_euclid(12), index.rem_euclid(12) as u32 + 1);
        let day = self.day.min(days_in_month(year, month));
        Self { year, month, day }
    }
}

/// The number of days in `month` (1–12) of `year`.
fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

// The two conversions below are Howard Hinnant's `days_from_civil` and `civil_from_days`
// (http://howardhinnant.github.io/date_algorithms.html): 400-year eras of 146 097 days,
// years starting on 1 March so that the leap day ends the year. A test checks them against
// `chrono` for every day of 1900 … 9999.

/// Days since 1970-01-01 of a valid date.
fn days_from_civil(year: i32, month: u32, day: u32) -> i32 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = (y - era * 400) as u32; // 0 … 399
    let doy = (153 * ((month + 9) % 12) + 2) / 5 + day - 1; // 0 … 365, from 1 March
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; // 0 … 146 096
    era * 146_097 + doe as i32 - 719_468
}

/// The (year, month, day) of a day number (days since 1970-01-01).
fn civil_from_days(days: i32) -> (i32, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = (z - era * 146_097) as u32; // 0 … 146 096
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365; // 0 … 399
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100); // 0 … 365
    let mp = (5 * doy + 2) / 153; // 0 … 11, from March
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe as i32 + era * 400 + i32::from(month <= 2);
    (year, month, day)
}

/// Writes `v` as zero-padded decimal digits filling `out`.
fn put_padded(out: &mut [u8], mut v: u32) {
    for b in out.iter_mut().rev() {
        *b = b'0' + (v % 10) as u8;
        v /= 10;
    }
}

/// A billing interval: Cleverbridge's `IntervalMonthCount` and `IntervalDayCount`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Interval {
    /// Whole months, 0 … 120.
    pub months: u32,
    /// Days, 0 … 3650.
    pub days: u32,
}

impl Interval {
    /// A validated interval (months 0 … 120, days 0 … 3650, not both zero), or
    /// `invalid_interval`.
    ///
    /// # Errors
    /// `invalid_interval` outside those bounds or when both are zero.
    pub fn new(months: u32, days: u32) -> Result<Self, QuoteError> {
        if months > 120 || days > 3650 || (months == 0 && days == 0) {
            return Err(QuoteError::new(
                ErrorCode::InvalidInterval,
                "interval needs months 0–120 and days 0–3650, not both zero",
            ));
        }
        Ok(Self { months, days })
    }
}

/// The day counts of proration for a change on `change_date` (`docs/pricing.md` §3).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Proration {
    /// `nextBillingDate − changeDate`, in days (≥ 1).
    pub remaining_days: u32,
    /// `nextBillingDate − periodStart`, in days (≥ 1).
    pub period_days: u32,
}

impl Proration {
    /// Checks `periodStart < nextBillingDate` (`invalid_date`) and that the change date
    /// lies in `[periodStart, nextBillingDate)` (`outside_period`).
    ///
    ///
    /// # Errors
    /// `invalid_date` when the period is empty or reversed; `outside_period` when the
    /// change date is not in it.
    ///
    /// ```
    /// use seatquote_core::date::{Date, Proration};
    /// let p = Proration::new(
    ///     Date::parse("2025-11-13").unwrap(),
    ///     Date::parse("2026-11-13").unwrap(),
    ///     Date::parse("2026-05-13").unwrap(),
    /// ).unwrap();
    /// assert_eq!((p.remaining_days, p.period_days), (184, 365));
    /// ```
    pub fn new(
        period_start: Date,
        next_billing: Date,
        change_date: Date,
    ) -> Result<Self, QuoteError> {
        if period_start >= next_billing {
            return Err(QuoteError::new(
                ErrorCode::InvalidDate,
                "periodStart must be before nextBillingDate",
            ));
        }
        if change_date < period_start || change_date >= next_billing {
            return Err(QuoteError::new(
                ErrorCode::OutsidePeriod,
                "changeDate must lie in the current period [periodStart, nextBillingDate)",
            ));
        }
        // Years are bounded to 1900 … 9999, so both counts fit in u32.
        Ok(Self {
            remaining_days: next_billing.days_since(change_date) as u32,
            period_days: next_billing.days_since(period_start) as u32,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::{Date, Interval};
    use chrono::{Datelike, Days, Months, NaiveDate};

    fn from_chrono(d: NaiveDate) -> Option<Date> {
        Date::from_ymd(d.year(), d.month(), d.day())
    }

    /// Every day of 1900 … 9999 (and invalid days around them) reads, orders and counts
    /// as `chrono` says, and prints and parses alike.
    #[test]
    fn every_day_agrees_with_chrono() {
        let epoch = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap();
        let ours_epoch = Date::parse("1970-01-01").unwrap();
        let mut day = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
        let mut previous: Option<Date> = None;
        while day.year() <= 9999 {
            let ours = from_chrono(day).unwrap();
            // Printing and parsing on every 37th day (a formatted string per day is slow).
            if day.num_days_from_ce() % 37 == 0 {
                let iso = day.format("%Y-%m-%d").to_string();
                assert_eq!(ours.iso().as_str(), iso);
                assert_eq!(Date::parse(&iso), Ok(ours));
            }
            assert_eq!(
                ours.days_since(ours_epoch),
                day.signed_duration_since(epoch).num_days()
            );
            assert!(previous < Some(ours));
            previous = Some(ours);
            day = day.succ_opt().unwrap();
        }
        for (y, m, d) in [
            (1900, 2, 29),
            (2023, 2, 29),
            (2024, 4, 31),
            (2024, 13, 1),
            (2024, 0, 1),
        ] {
            assert_eq!(Date::from_ymd(y, m, d), None, "{y}-{m}-{d}");
            assert!(NaiveDate::from_ymd_opt(y, m, d).is_none());
        }
        assert_eq!(Date::from_ymd(1899, 12, 31), None);
        assert_eq!(Date::from_ymd(10000, 1, 1), None);
    }

    /// `add` and `sub` agree with `chrono`'s month and day arithmetic (end-of-month
    /// clamping, leap years, the 1900 … 9999 bounds).
    #[test]
    fn intervals_agree_with_chrono() {
        let intervals = [
            (1, 0),
            (0, 1),
            (1, 1),
            (2, 0),
            (3, 0),
            (6, 0),
            (11, 29),
            (12, 0),
            (24, 0),
            (0, 30),
            (0, 365),
            (0, 366),
            (13, 17),
            (120, 0),
            (120, 3650),
            (0, 3650),
        ];
        let mut day = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
        while day.year() <= 9999 {
            let ours = from_chrono(day).unwrap();
            for (months, days) in intervals {
                let interval = Interval::new(months, days).unwrap();
                let added = day
                    .checked_add_months(Months::new(months))
                    .and_then(|d| d.checked_add_days(Days::new(u64::from(days))))
                    .and_then(from_chrono);
                assert_eq!(ours.add(interval), added, "{day} + {months}m{days}d");
                let subtracted = day
                    .checked_sub_days(Days::new(u64::from(days)))
                    .and_then(|d| d.checked_sub_months(Months::new(months)))
                    .and_then(from_chrono);
                assert_eq!(ours.sub(interval), subtracted, "{day} - {months}m{days}d");
            }
            // Every day of 1900 … 2100 and 9990 … 9999 (month ends, leap days, both
            // century rules, the upper bound), every 97th day in between.
            let step = if (2101..9990).contains(&day.year()) {
                97
            } else {
                1
            };
            day = day.checked_add_days(Days::new(step)).unwrap();
        }
    }
}

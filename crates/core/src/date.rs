//! UTC calendar dates, billing intervals and the day counts of proration (`docs/pricing.md` §3).

use chrono::{Datelike, Days, Months, NaiveDate};

use crate::error::{ErrorCode, QuoteError};
use crate::text::ShortStr;

/// A UTC calendar date (no time, no zone).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(NaiveDate);

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
        NaiveDate::from_ymd_opt(year, month, day).map(Self)
    }

    /// The year.
    pub fn year(&self) -> i32 {
        self.0.year()
    }

    /// The month, 1–12.
    pub fn month(&self) -> u32 {
        self.0.month()
    }

    /// The day of the month.
    pub fn day(&self) -> u32 {
        self.0.day()
    }

    /// Whole days from `earlier` to `self` (negative when `self` is before).
    pub fn days_since(&self, earlier: Date) -> i64 {
        self.0.signed_duration_since(earlier.0).num_days()
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
        let d = self
            .0
            .checked_add_months(Months::new(interval.months))?
            .checked_add_days(Days::new(u64::from(interval.days)))?;
        Self::from_ymd(d.year(), d.month(), d.day())
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
        let d = self
            .0
            .checked_sub_days(Days::new(u64::from(interval.days)))?
            .checked_sub_months(Months::new(interval.months))?;
        Self::from_ymd(d.year(), d.month(), d.day())
    }
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

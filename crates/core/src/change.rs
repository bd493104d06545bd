//! The typed request of [`quote`](crate::quote::quote): a seat change whose every part is
//! already validated ([`Change`]), so pricing it can only fail on the amounts themselves.
//!
//! The rules each part enforces are in `docs/pricing.md` ("The `quote()` contract").

use rust_decimal::Decimal;

use crate::alignment::Alignment;
use crate::currency::Currency;
use crate::date::{Date, Interval, Proration};
use crate::error::{ErrorCode, QuoteError};
use crate::tax::{TaxMode, TaxRate};

/// Largest unit price.
pub const MAX_UNIT_PRICE: u64 = 1_000_000_000;
/// Largest quantity.
pub const MAX_QUANTITY: u32 = 1_000_000;
/// Most decimals a unit price may have.
pub const MAX_PRICE_DECIMALS: u32 = 6;

pub(crate) const BAD_PRICE: QuoteError = QuoteError::new(
    ErrorCode::InvalidPrice,
    "unitPrice must be a decimal string from 0 to 1000000000 with at most 6 decimals",
);
pub(crate) const BAD_QUANTITY: QuoteError = QuoteError::new(
    ErrorCode::InvalidQuantity,
    "quantity must be a whole number from 0 to 1000000",
);
const EMPTY_CHANGE: QuoteError = QuoteError::new(
    ErrorCode::EmptyChange,
    "current and next quantity are both 0: nothing changes",
);
const DROP_NOT_AT_NEXT_BILLING: QuoteError = QuoteError::new(
    ErrorCode::InvalidAlignment,
    "an item is dropped at the next billing date: alignment must be \"nextBilling\"",
);

/// Checks a unit price: 0 ≤ p ≤ 1 000 000 000 with at most 6 decimals, else `invalid_price`.
pub(crate) fn check_unit_price(p: Decimal) -> Result<Decimal, QuoteError> {
    if (p.is_sign_negative() && !p.is_zero())
        || p > Decimal::from(MAX_UNIT_PRICE)
        || p.normalize().scale() > MAX_PRICE_DECIMALS
    {
        return Err(BAD_PRICE);
    }
    Ok(p)
}

/// Checks a quantity: 0 … 1 000 000, else `invalid_quantity`. 0 is a line that is not there
/// (yet, or any more): an add or a drop (`docs/pricing.md`, §4).
pub(crate) fn check_quantity(q: u32) -> Result<u32, QuoteError> {
    if q <= MAX_QUANTITY {
        Ok(q)
    } else {
        Err(BAD_QUANTITY)
    }
}

/// One subscription line: a unit price and a seat count, both within bounds. A count of 0
/// is no line: the current line of an add, the next line of a drop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Line {
    unit_price: Decimal,
    quantity: u32,
}

impl Line {
    /// A validated line.
    ///
    /// # Errors
    /// `invalid_price` for a unit price below 0, above 1 000 000 000 or with more than 6
    /// decimals; `invalid_quantity` for a quantity above 1 000 000. The price is checked
    /// first.
    ///
    /// ```
    /// use seatquote_core::{change::Line, Decimal};
    /// assert!(Line::new(Decimal::new(120000, 2), 2).is_ok());
    /// assert!(Line::new(Decimal::new(120000, 2), 0).is_ok());
    /// let e = Line::new(Decimal::ONE, 1_000_001).unwrap_err();
    /// assert_eq!(e.code.as_str(), "invalid_quantity");
    /// ```
    pub fn new(unit_price: Decimal, quantity: u32) -> Result<Self, QuoteError> {
        Ok(Self {
            unit_price: check_unit_price(unit_price)?,
            quantity: check_quantity(quantity)?,
        })
    }

    /// The current and the next line of a change, checked in the order of the JSON boundary
    /// (`QuoteInput::to_change`): both unit prices, then both quantities, so a typed caller
    /// reports the same first error as a JSON one.
    ///
    /// # Errors
    /// As [`Line::new`], the first in that order.
    ///
    /// ```
    /// use seatquote_core::{change::Line, Decimal};
    /// let e = Line::pair((Decimal::ONE, 1_000_001), (Decimal::NEGATIVE_ONE, 1)).unwrap_err();
    /// assert_eq!(e.code.as_str(), "invalid_price");
    /// ```
    pub fn pair(current: (Decimal, u32), next: (Decimal, u32)) -> Result<(Self, Self), QuoteError> {
        match (Self::new(current.0, current.1), Self::new(next.0, next.1)) {
            (Ok(c), Ok(n)) => Ok((c, n)),
            (Err(c), Err(n))
                if c.code != ErrorCode::InvalidPrice && n.code == ErrorCode::InvalidPrice =>
            {
                Err(n)
            }
            (Err(e), _) | (_, Err(e)) => Err(e),
        }
    }

    /// Built from parts the caller has already checked.
    pub(crate) const fn checked(unit_price: Decimal, quantity: u32) -> Self {
        Self {
            unit_price,
            quantity,
        }
    }

    /// The unit price.
    pub const fn unit_price(&self) -> Decimal {
        self.unit_price
    }

    /// The seat count.
    pub const fn quantity(&self) -> u32 {
        self.quantity
    }
}

/// The product's tax: its mode and rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tax {
    /// Whether prices include VAT.
    pub mode: TaxMode,
    /// The VAT rate.
    pub rate: TaxRate,
}

/// The current billing period `[start, next_billing)` and the subscription's interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    start: Date,
    next_billing: Date,
    interval: Interval,
}

impl Period {
    /// A validated period.
    ///
    /// # Errors
    /// `invalid_date` when `start` is not before `next_billing`.
    ///
    /// ```
    /// use seatquote_core::change::Period;
    /// use seatquote_core::date::{Date, Interval};
    /// let d = |s| Date::parse(s).unwrap();
    /// let month = Interval::new(1, 0).unwrap();
    /// assert!(Period::new(d("2026-05-01"), d("2026-06-01"), month).is_ok());
    /// assert!(Period::new(d("2026-06-01"), d("2026-06-01"), month).is_err());
    /// ```
    pub fn new(start: Date, next_billing: Date, interval: Interval) -> Result<Self, QuoteError> {
        if start >= next_billing {
            return Err(QuoteError::new(
                ErrorCode::InvalidDate,
                "periodStart must be before nextBillingDate",
            ));
        }
        Ok(Self {
            start,
            next_billing,
            interval,
        })
    }

    /// First day of the period.
    pub const fn start(&self) -> Date {
        self.start
    }

    /// The next billing date (first day after the period).
    pub const fn next_billing(&self) -> Date {
        self.next_billing
    }

    /// The billing interval.
    pub const fn interval(&self) -> Interval {
        self.interval
    }
}

/// A validated change of an item: everything [`quote`](crate::quote::quote) needs, each part
/// already checked, the change date known to lie inside the period, and the lines known to
/// make a change (an add from 0, a drop to 0 only at the next billing date, never 0 → 0).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Change {
    currency: Currency,
    tax: Tax,
    period: Period,
    change_date: Date,
    proration: Proration,
    current: Line,
    next: Line,
    alignment: Alignment,
}

impl Change {
    /// A change on `change_date` from the `current` line to the `next` one. A current
    /// quantity of 0 is an add; a next quantity of 0 is a drop (`docs/pricing.md`, §4).
    ///
    /// # Errors
    /// In this order: `outside_period` when `change_date` is not in
    /// `[period.start, period.next_billing)`; `empty_change` when both quantities are 0;
    /// `invalid_alignment` for a drop (next quantity 0) with `immediate` or `extend`.
    ///
    /// # Example
    /// ```
    /// use seatquote_core::alignment::Alignment;
    /// use seatquote_core::change::{Change, Line, Period, Tax};
    /// use seatquote_core::currency::Currency;
    /// use seatquote_core::date::{Date, Interval};
    /// use seatquote_core::tax::{TaxMode, TaxRate};
    /// use seatquote_core::{quote, Decimal};
    ///
    /// let d = |s| Date::parse(s).unwrap();
    /// let change = Change::new(
    ///     Currency::from_code("USD")?,
    ///     Tax { mode: TaxMode::Gross, rate: TaxRate::parse("0.19")? },
    ///     Period::new(d("2025-11-13"), d("2026-11-13"), Interval::new(12, 0)?)?,
    ///     d("2026-05-13"),
    ///     Line::new(Decimal::new(120000, 2), 1)?,
    ///     Line::new(Decimal::new(120000, 2), 2)?,
    ///     Alignment::Immediate,
    /// )?;
    /// let q = quote(&change)?;
    /// assert_eq!(q.alignment.gross, "604.93");
    /// # Ok::<(), seatquote_core::QuoteError>(())
    /// ```
    pub fn new(
        currency: Currency,
        tax: Tax,
        period: Period,
        change_date: Date,
        current: Line,
        next: Line,
        alignment: Alignment,
    ) -> Result<Self, QuoteError> {
        let proration = Proration::new(period.start, period.next_billing, change_date)?;
        match (current.quantity, next.quantity, alignment) {
            (0, 0, _) => return Err(EMPTY_CHANGE),
            (_, 0, Alignment::Immediate | Alignment::Extend) => {
                return Err(DROP_NOT_AT_NEXT_BILLING)
            }
            _ => {}
        }
        Ok(Self {
            currency,
            tax,
            period,
            change_date,
            proration,
            current,
            next,
            alignment,
        })
    }

    /// The subscription's currency.
    pub const fn currency(&self) -> Currency {
        self.currency
    }

    /// The product's tax mode and rate.
    pub const fn tax(&self) -> Tax {
        self.tax
    }

    /// The current billing period.
    pub const fn period(&self) -> Period {
        self.period
    }

    /// The day of the change.
    pub const fn change_date(&self) -> Date {
        self.change_date
    }

    /// The day counts of the change date in the period.
    pub const fn proration(&self) -> Proration {
        self.proration
    }

    /// The item as it is.
    pub const fn current(&self) -> Line {
        self.current
    }

    /// The item as it would be.
    pub const fn next(&self) -> Line {
        self.next
    }

    /// How the change lines up with the period.
    pub const fn alignment(&self) -> Alignment {
        self.alignment
    }
}

//! Cleverbridge's alignment modes and the amount due today (`docs/pricing.md` §4).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::date::Proration;
use crate::error::{ErrorCode, QuoteError};
use crate::money::div_round;

/// How a change lines up with the current billing period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Alignment {
    /// Co-term now: bill the prorated difference today, keep the next billing date.
    Immediate,
    /// Change at renewal: nothing due today.
    NextBilling,
    /// Start a new full period today: bill the new total minus the unused credit.
    Extend,
}

/// Cleverbridge's `AlignmentSettings` flags (without `GetCustomerPricePreviewOnly`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AlignmentFlags {
    /// `AlignToCurrentInterval`.
    pub align_to_current_interval: bool,
    /// `ExtendInterval`.
    pub extend_interval: bool,
}

impl Alignment {
    /// Parses `"immediate"`, `"nextBilling"` or `"extend"`, else `invalid_alignment`.
    ///
    /// # Errors
    /// `invalid_alignment` for any other text.
    pub fn parse(s: &str) -> Result<Self, QuoteError> {
        match s {
            "immediate" => Ok(Self::Immediate),
            "nextBilling" => Ok(Self::NextBilling),
            "extend" => Ok(Self::Extend),
            _ => Err(QuoteError::new(
                ErrorCode::InvalidAlignment,
                "alignment must be \"immediate\", \"nextBilling\" or \"extend\"",
            )),
        }
    }

    /// The mode's name in the JSON contract.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Immediate => "immediate",
            Self::NextBilling => "nextBilling",
            Self::Extend => "extend",
        }
    }

    /// The mode for Cleverbridge's flags; ExtendInterval without AlignToCurrentInterval
    /// is `invalid_alignment` (Cleverbridge refuses that combination).
    ///
    ///
    /// # Errors
    /// `invalid_alignment` for ExtendInterval without AlignToCurrentInterval.
    ///
    /// ```
    /// use seatquote_core::alignment::{Alignment, AlignmentFlags};
    /// let f = AlignmentFlags { align_to_current_interval: false, extend_interval: true };
    /// assert!(Alignment::from_flags(f).is_err());
    /// ```
    pub fn from_flags(flags: AlignmentFlags) -> Result<Self, QuoteError> {
        match (flags.align_to_current_interval, flags.extend_interval) {
            (true, false) => Ok(Self::Immediate),
            (false, false) => Ok(Self::NextBilling),
            (true, true) => Ok(Self::Extend),
            (false, true) => Err(QuoteError::new(
                ErrorCode::InvalidAlignment,
                "ExtendInterval requires AlignToCurrentInterval",
            )),
        }
    }

    /// Cleverbridge's flags for this mode.
    pub const fn flags(self) -> AlignmentFlags {
        let (align, extend) = match self {
            Self::Immediate => (true, false),
            Self::NextBilling => (false, false),
            Self::Extend => (true, true),
        };
        AlignmentFlags {
            align_to_current_interval: align,
            extend_interval: extend,
        }
    }

    /// The amount due today `A` in the price's tax mode, evaluated exactly and rounded
    /// once to `minor_units`; `negative_alignment` when it is below zero.
    ///
    ///
    /// # Errors
    /// `negative_alignment` when the amount is below zero; `invalid_input` should the
    /// arithmetic overflow, which the engine's input bounds rule out.
    ///
    /// # Example
    /// ```
    /// use seatquote_core::{alignment::Alignment, date::Proration, Decimal};
    /// let p = Proration { remaining_days: 184, period_days: 365 };
    /// let a = Alignment::Immediate
    ///     .amount_due("1200.00".parse().unwrap(), "2400.00".parse().unwrap(), p, 2)
    ///     .unwrap();
    /// assert_eq!(a.to_string(), "604.93");
    /// ```
    pub fn amount_due(
        self,
        current_total: Decimal,
        new_total: Decimal,
        proration: Proration,
        minor_units: u32,
    ) -> Result<Decimal, QuoteError> {
        let remaining = Decimal::from(proration.remaining_days);
        let period = Decimal::from(proration.period_days);
        let numerator = match self {
            Self::NextBilling => return Ok(crate::money::round(Decimal::ZERO, minor_units)),
            // (newTotal − currentTotal) × remaining / period
            Self::Immediate => (new_total - current_total).checked_mul(remaining),
            // newTotal − currentTotal × remaining / period
            //   = (newTotal × period − currentTotal × remaining) / period
            Self::Extend => new_total
                .checked_mul(period)
                .zip(current_total.checked_mul(remaining))
                .and_then(|(a, b)| a.checked_sub(b)),
        };
        let amount = numerator
            .and_then(|n| div_round(n, period, minor_units))
            .ok_or(QuoteError::new(
                ErrorCode::InvalidInput,
                "amounts too large to prorate",
            ))?;
        if amount.is_sign_negative() && !amount.is_zero() {
            return Err(QuoteError::new(
                ErrorCode::NegativeAlignment,
                "this change would give a negative amount due today; Cleverbridge refuses it (a decrease takes effect at the next billing date)",
            ));
        }
        Ok(amount)
    }
}

/// Cleverbridge's `UpdateAction` (tracking only): `update` 0, `upgrade` 1, `downgrade` 2.
/// In the JSON contract it is written as its name (`"upgrade"`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum UpdateAction {
    /// Neither more nor less (wire 0).
    Update,
    /// The new total is larger (wire 1).
    Upgrade,
    /// The new total is smaller (wire 2).
    Downgrade,
}

impl UpdateAction {
    /// `upgrade` if `new_total > current_total`, `downgrade` if less, else `update`.
    pub fn classify(current_total: Decimal, new_total: Decimal) -> Self {
        match new_total.cmp(&current_total) {
            std::cmp::Ordering::Greater => Self::Upgrade,
            std::cmp::Ordering::Less => Self::Downgrade,
            std::cmp::Ordering::Equal => Self::Update,
        }
    }

    /// The JSON contract's name.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Update => "update",
            Self::Upgrade => "upgrade",
            Self::Downgrade => "downgrade",
        }
    }

    /// Cleverbridge's JSON integer.
    pub const fn wire_code(self) -> u8 {
        match self {
            Self::Update => 0,
            Self::Upgrade => 1,
            Self::Downgrade => 2,
        }
    }

    /// From Cleverbridge's integer or name (`0`/`"Update"`, …), case-insensitively.
    ///
    /// ```
    /// use seatquote_core::alignment::UpdateAction;
    /// assert_eq!(UpdateAction::from_wire_name("Upgrade"), Some(UpdateAction::Upgrade));
    /// assert_eq!(UpdateAction::from_wire_name("2"), Some(UpdateAction::Downgrade));
    /// assert_eq!(UpdateAction::from_wire_name(UpdateAction::Update.as_str()), Some(UpdateAction::Update));
    /// ```
    pub fn from_wire_name(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "0" | "update" => Some(Self::Update),
            "1" | "upgrade" => Some(Self::Upgrade),
            "2" | "downgrade" => Some(Self::Downgrade),
            _ => None,
        }
    }
}

impl PartialEq<str> for UpdateAction {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for UpdateAction {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::fmt::Display for UpdateAction {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

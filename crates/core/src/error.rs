//! Errors of the engine: a stable machine [`ErrorCode`] and a human message.

use std::borrow::Cow;

/// The stable machine codes of `quote()` (the table in `docs/pricing.md`). Their `as_str()` spelling is part of the contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// Not an ISO 4217 code with minor units.
    InvalidCurrency,
    /// A unit price outside 0 … 1 000 000 000 or with more than 6 decimals.
    InvalidPrice,
    /// A quantity that is not an integer in 0 … 1 000 000.
    InvalidQuantity,
    /// A tax rate outside 0 ≤ r < 1 or with more than 6 decimals.
    InvalidTaxRate,
    /// Not a `YYYY-MM-DD` calendar date, or a period that ends before it starts.
    InvalidDate,
    /// Months 0 … 120 and days 0 … 3650, not both zero.
    InvalidInterval,
    /// The change date is not inside `[periodStart, nextBillingDate)`.
    OutsidePeriod,
    /// An unknown alignment mode, ExtendInterval without AlignToCurrentInterval, or a drop
    /// (next quantity 0) with another mode than `nextBilling`.
    InvalidAlignment,
    /// The amount due today would be negative (Cleverbridge refuses the change).
    NegativeAlignment,
    /// Current and next quantity are both 0: nothing changes.
    EmptyChange,
    /// The CustomerPrice currency differs from the subscription's.
    CurrencyMismatch,
    /// The CustomerPrice IsGross contradicts the product's tax mode.
    TaxModeMismatch,
    /// Malformed input: wrong type, missing or unknown field, not JSON.
    InvalidInput,
}

impl ErrorCode {
    /// Every code, in the order of `docs/pricing.md`'s table.
    pub const ALL: [ErrorCode; 13] = [
        Self::InvalidCurrency,
        Self::InvalidPrice,
        Self::InvalidQuantity,
        Self::InvalidTaxRate,
        Self::InvalidDate,
        Self::InvalidInterval,
        Self::OutsidePeriod,
        Self::InvalidAlignment,
        Self::NegativeAlignment,
        Self::EmptyChange,
        Self::CurrencyMismatch,
        Self::TaxModeMismatch,
        Self::InvalidInput,
    ];

    /// The snake_case code as it appears in JSON and on JS `Error.code`.
    ///
    /// ```
    /// assert_eq!(seatquote_core::ErrorCode::OutsidePeriod.as_str(), "outside_period");
    /// ```
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::InvalidCurrency => "invalid_currency",
            Self::InvalidPrice => "invalid_price",
            Self::InvalidQuantity => "invalid_quantity",
            Self::InvalidTaxRate => "invalid_tax_rate",
            Self::InvalidDate => "invalid_date",
            Self::InvalidInterval => "invalid_interval",
            Self::OutsidePeriod => "outside_period",
            Self::InvalidAlignment => "invalid_alignment",
            Self::NegativeAlignment => "negative_alignment",
            Self::EmptyChange => "empty_change",
            Self::CurrencyMismatch => "currency_mismatch",
            Self::TaxModeMismatch => "tax_mode_mismatch",
            Self::InvalidInput => "invalid_input",
        }
    }
}

/// An engine error: what went wrong ([`ErrorCode`]) and a sentence for people.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuoteError {
    /// The stable machine code.
    pub code: ErrorCode,
    /// A human-readable message (wording may change; match on `code`).
    pub message: Cow<'static, str>,
}

impl QuoteError {
    /// An error with a fixed message.
    pub const fn new(code: ErrorCode, message: &'static str) -> Self {
        Self {
            code,
            message: Cow::Borrowed(message),
        }
    }

    /// An error with a message built at run time.
    pub fn with_message(code: ErrorCode, message: String) -> Self {
        Self {
            code,
            message: Cow::Owned(message),
        }
    }
}

impl std::fmt::Display for QuoteError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

impl std::error::Error for QuoteError {}

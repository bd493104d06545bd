//! The gross/net tax split of `docs/pricing.md` §2 (Cleverbridge's `CustomerPrice.IsGross`).

use rust_decimal::Decimal;

use crate::error::{ErrorCode, QuoteError};
use crate::money::{div_round, parse_plain_decimal, round};

/// Whether prices include VAT (`Gross`) or have it added on top (`Net`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaxMode {
    /// VAT is inside the price (Cleverbridge Taxes = Gross, `IsGross = true`).
    Gross,
    /// VAT is added to the price (Taxes = Net, `IsGross = false`; US sales tax).
    Net,
}

impl TaxMode {
    /// Parses `"gross"` or `"net"`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "gross" => Some(Self::Gross),
            "net" => Some(Self::Net),
            _ => None,
        }
    }

    /// `"gross"` or `"net"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Gross => "gross",
            Self::Net => "net",
        }
    }

    /// Cleverbridge's `IsGross` for this mode.
    pub const fn is_gross(self) -> bool {
        matches!(self, Self::Gross)
    }
}

/// A validated tax rate: `0 ≤ r < 1`, at most 6 decimals (`"0.19"` is 19 %).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaxRate(Decimal);

impl TaxRate {
    /// Parses a rate string, or `invalid_tax_rate`.
    ///
    ///
    /// # Errors
    /// `invalid_tax_rate` for a rate outside 0 ≤ r < 1, with more than 6 decimals, or not
    /// written as a plain decimal.
    ///
    /// ```
    /// use seatquote_core::tax::TaxRate;
    /// assert!(TaxRate::parse("0.19").is_ok());
    /// assert!(TaxRate::parse("1").is_err());
    /// assert!(TaxRate::parse("0.1234567").is_err());
    /// ```
    pub fn parse(s: &str) -> Result<Self, QuoteError> {
        match parse_plain_decimal(s, 6) {
            Some(r) if r < Decimal::ONE => Ok(Self(r)),
            _ => Err(QuoteError::new(
                ErrorCode::InvalidTaxRate,
                "taxRate must be a decimal string with 0 ≤ rate < 1 and at most 6 decimals",
            )),
        }
    }

    /// The rate as a decimal fraction.
    pub fn value(self) -> Decimal {
        self.0
    }
}

/// An amount split into net, VAT and gross, with `gross == net + vat` exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaxSplit {
    /// Amount before tax.
    pub net: Decimal,
    /// The tax.
    pub vat: Decimal,
    /// Amount including tax.
    pub gross: Decimal,
}

impl TaxSplit {
    /// All three parts zero, at the currency's scale.
    pub fn zero(minor_units: u32) -> Self {
        let z = round(Decimal::ZERO, minor_units);
        Self {
            net: z,
            vat: z,
            gross: z,
        }
    }
}

/// Splits an amount that is already rounded to the currency and expressed in `mode`
/// (`docs/pricing.md` §2): gross mode `net = round(a / (1 + r))`; net mode `vat = round(a × r)`.
///
/// ```
/// use seatquote_core::{tax::{split, TaxMode, TaxRate}, Decimal};
/// let s = split("2400.00".parse().unwrap(), TaxMode::Gross, TaxRate::parse("0.19").unwrap(), 2);
/// assert_eq!((s.net.to_string(), s.vat.to_string()), ("2016.81".into(), "383.19".into()));
/// let s = split("150.00".parse().unwrap(), TaxMode::Net, TaxRate::parse("0.19").unwrap(), 2);
/// assert_eq!((s.vat.to_string(), s.gross.to_string()), ("28.50".into(), "178.50".into()));
/// ```
pub fn split(amount: Decimal, mode: TaxMode, rate: TaxRate, minor_units: u32) -> TaxSplit {
    let a = round(amount, minor_units);
    match mode {
        TaxMode::Gross => {
            // 1 + r ≥ 1, and the bounds on amounts keep the mantissas far from overflow;
            // should it ever fail, charging no VAT is not an option, so fall back to the
            // (still exact) Decimal division.
            let net = div_round(a, Decimal::ONE + rate.0, minor_units)
                .unwrap_or_else(|| round(a / (Decimal::ONE + rate.0), minor_units));
            let mut vat = a - net;
            vat.rescale(minor_units);
            TaxSplit { net, vat, gross: a }
        }
        TaxMode::Net => {
            let vat = round(a * rate.0, minor_units);
            let mut gross = a + vat;
            gross.rescale(minor_units);
            TaxSplit { net: a, vat, gross }
        }
    }
}

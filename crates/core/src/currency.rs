//! ISO 4217 currencies and their minor units, from the `iso_currency` crate's table.

use crate::error::{ErrorCode, QuoteError};
use iso_currency::IntoEnumIterator;

thread_local! {
    /// The last currency looked up on this thread: the lookup is a linear
    /// scan over every code, and a page or a server quotes one currency over and over.
    static LAST_LOOKUP: std::cell::Cell<Option<Currency>> = const { std::cell::Cell::new(None) };
}

/// A validated ISO 4217 currency with its minor units (0, 2 or 3 for active currencies).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Currency {
    code: [u8; 3],
    minor_units: u32,
}

impl Currency {
    /// Looks a code up in ISO 4217. Codes without minor units (gold, SDR, …) and
    /// anything not exactly three upper-case letters are `invalid_currency`.
    ///
    ///
    /// # Errors
    /// `invalid_currency` for anything that is not an ISO 4217 code with minor units.
    ///
    /// ```
    /// use seatquote_core::currency::Currency;
    /// assert_eq!(Currency::from_code("JPY").unwrap().minor_units(), 0);
    /// assert_eq!(Currency::from_code("KWD").unwrap().minor_units(), 3);
    /// assert!(Currency::from_code("usd").is_err());
    /// ```
    pub fn from_code(code: &str) -> Result<Self, QuoteError> {
        const BAD: QuoteError = QuoteError::new(
            ErrorCode::InvalidCurrency,
            "currency is not an ISO 4217 code",
        );
        let bytes = code.as_bytes();
        if bytes.len() != 3 || !bytes.iter().all(u8::is_ascii_uppercase) {
            return Err(BAD);
        }
        let code = [bytes[0], bytes[1], bytes[2]];
        if let Some(hit) = LAST_LOOKUP.with(|last| last.get().filter(|c| c.code == code)) {
            return Ok(hit);
        }
        // A scan over the crate's code table: smaller in the wasm modules than its
        // `from_code`, a 180-arm string match.
        let iso = iso_currency::Currency::iter()
            .find(|c| c.code().as_bytes() == code)
            .ok_or(BAD)?;
        let minor_units = iso.exponent().ok_or(BAD)?;
        let found = Self {
            code,
            minor_units: u32::from(minor_units),
        };
        LAST_LOOKUP.with(|last| last.set(Some(found)));
        Ok(found)
    }

    /// The three-letter code.
    pub fn code(&self) -> &str {
        // The bytes were checked to be ASCII upper-case letters in `from_code`.
        std::str::from_utf8(&self.code).unwrap_or("XXX")
    }

    /// Digits after the decimal point in amounts of this currency.
    pub fn minor_units(&self) -> u32 {
        self.minor_units
    }
}

#[cfg(test)]
mod tests {
    use super::Currency;

    /// The scan accepts exactly what the crate's own `from_code` accepts (with minor
    /// units), for every three-letter code.
    #[test]
    fn scan_matches_the_crates_lookup() {
        for a in b'A'..=b'Z' {
            for b in b'A'..=b'Z' {
                for c in b'A'..=b'Z' {
                    let code = String::from_utf8(vec![a, b, c]).unwrap();
                    let expected = iso_currency::Currency::from_code(&code)
                        .and_then(|iso| iso.exponent())
                        .map(u32::from);
                    let ours = Currency::from_code(&code).ok();
                    assert_eq!(ours.map(|c| c.minor_units()), expected, "{code}");
                    assert_eq!(ours.map(|c| c.code().to_owned()), expected.map(|_| code));
                }
            }
        }
    }
}

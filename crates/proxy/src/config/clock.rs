//! The test-only clock settings of [`Config`]: a pinned today (`SEATQUOTE_TODAY`) and a
//! skew of this process's clock (`SEATQUOTE_CLOCK_SKEW_MS`), both refused in builds
//! without the `fixed-clock` cargo feature (docs/proxy.md, "One clock").

use seatquote_core::date::Date;

use super::refusal::refuse;
use super::{Config, ConfigError};

impl Config {
    /// The pinned today, if any.
    ///
    /// # Errors
    /// Not a `YYYY-MM-DD` date; set in a build without the `fixed-clock` cargo feature (a
    /// production build's clock cannot be pinned).
    pub fn fixed_today(&self) -> Result<Option<Date>, ConfigError> {
        const VAR: &str = "SEATQUOTE_TODAY";
        let Some(s) = self.today.as_deref().filter(|s| !s.is_empty()) else {
            return Ok(None);
        };
        if !cfg!(feature = "fixed-clock") {
            return Err(refuse(
                VAR,
                format!("is set ({s}) but this build has no fixed clock; unset it (a production proxy runs on the real UTC date) or, for a demo or test, build with --features fixed-clock"),
            ));
        }
        Date::parse(s)
            .map(Some)
            .map_err(|_| refuse(VAR, format!("is not a YYYY-MM-DD date: {s}")))
    }

    /// The test-only skew of this process's clock, milliseconds (0 when unset).
    ///
    /// # Errors
    /// Set in a build without the `fixed-clock` cargo feature.
    pub fn clock_skew_ms(&self) -> Result<i64, ConfigError> {
        match self.clock_skew_ms {
            Some(ms) if ms != 0 && !cfg!(feature = "fixed-clock") => Err(refuse(
                "SEATQUOTE_CLOCK_SKEW_MS",
                format!("is set ({ms}) but this build has no fixed clock; unset it (tests only)"),
            )),
            ms => Ok(ms.unwrap_or(0)),
        }
    }
}

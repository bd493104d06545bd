//! Refusing a setting: [`ConfigError`] (the variable and why) and the small checks every
//! settings module shares. A leaf: the settings modules use it, it uses none of them.

use std::net::IpAddr;

/// Shortest accepted `SEATQUOTE_TOKEN_SECRET` (and HS256 `SEATQUOTE_JWT_SECRET`), in bytes
/// (an HMAC-SHA256 key of 256 bits).
pub const MIN_SECRET_BYTES: usize = 32;

/// A refused setting: which variable and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// The environment variable.
    pub var: &'static str,
    /// What is wrong, for a person.
    pub reason: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.var, self.reason)
    }
}

impl std::error::Error for ConfigError {}

/// A refusal of `var`, for `reason`.
pub(crate) fn refuse(var: &'static str, reason: impl Into<String>) -> ConfigError {
    ConfigError {
        var,
        reason: reason.into(),
    }
}

/// Whether a URL's host is a loopback address (plain `http://` is allowed only there).
pub(crate) fn is_loopback(host: &url::Host<&str>) -> bool {
    match host {
        url::Host::Domain(d) => d.eq_ignore_ascii_case("localhost"),
        url::Host::Ipv4(ip) => IpAddr::V4(*ip).is_loopback(),
        url::Host::Ipv6(ip) => IpAddr::V6(*ip).is_loopback(),
    }
}

/// A setting that must be set and not blank, trimmed; refused as `what` it must be.
pub(crate) fn required(
    var: &'static str,
    v: &Option<String>,
    what: &str,
) -> Result<String, ConfigError> {
    match v.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() => Ok(s.to_owned()),
        Some(_) => Err(refuse(var, format!("is empty; it must be {what}"))),
        None => Err(refuse(var, format!("is not set; it must be {what}"))),
    }
}

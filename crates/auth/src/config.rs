//! What the verifier is configured with ([`Config`]) and how it is read from the
//! environment (`SEATQUOTE_JWKS`, `SEATQUOTE_JWKS_URL`, `SEATQUOTE_JWT_*`; see `docs/tokens.md`).

use std::time::Duration;

use crate::ConfigError;

/// Where the verification keys come from: exactly one of these.
#[derive(Clone, PartialEq, Eq)]
pub enum KeySource {
    /// `SEATQUOTE_JWKS`: a JWKS file path, or the JWKS JSON itself (text starting with `{`).
    /// A file is re-read (at the bounded rate) when a token names an unknown `kid`.
    Jwks(String),
    /// `SEATQUOTE_JWKS_URL`: a JWKS URL (https, or http on loopback only), fetched and cached.
    JwksUrl(String),
    /// `SEATQUOTE_JWT_SECRET` (+ optional `SEATQUOTE_JWT_SECRET_KID`): one HS256 shared
    /// secret, at least 32 bytes.
    Secret {
        /// The secret's bytes.
        secret: Vec<u8>,
        /// Its key id, if tokens carry one.
        kid: Option<String>,
    },
}

impl std::fmt::Debug for KeySource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Jwks(s) if s.trim_start().starts_with('{') => f.write_str("Jwks(<inline>)"),
            Self::Jwks(s) => write!(f, "Jwks({s:?})"),
            Self::JwksUrl(u) => write!(f, "JwksUrl({u:?})"),
            Self::Secret { kid, .. } => write!(f, "Secret {{ kid: {kid:?}, .. }}"),
        }
    }
}

impl KeySource {
    /// The one key source among the three settings (empty values count as unset).
    ///
    /// # Errors
    /// [`ConfigError::KeySource`] unless exactly one is set.
    pub fn from_settings(
        jwks: Option<String>,
        jwks_url: Option<String>,
        secret: Option<String>,
        secret_kid: Option<String>,
    ) -> Result<Self, ConfigError> {
        let set = |v: Option<String>| v.filter(|s| !s.trim().is_empty());
        match (set(jwks), set(jwks_url), set(secret)) {
            (Some(j), None, None) => Ok(Self::Jwks(j)),
            (None, Some(u), None) => Ok(Self::JwksUrl(u.trim().to_owned())),
            (None, None, Some(s)) => Ok(Self::Secret {
                secret: s.into_bytes(),
                kid: set(secret_kid),
            }),
            _ => Err(ConfigError::KeySource),
        }
    }
}

/// The verifier's settings. Build one with [`Config::new`] (defaults for the rest) or
/// [`Config::from_env`].
#[derive(Debug, Clone)]
pub struct Config {
    /// The keys.
    pub keys: KeySource,
    /// The required `aud` (`SEATQUOTE_JWT_AUDIENCE`).
    pub audience: String,
    /// The required `iss`, if any (`SEATQUOTE_JWT_ISSUER`).
    pub issuer: Option<String>,
    /// Longest accepted `exp - iat` (`SEATQUOTE_JWT_MAX_LIFETIME`, default 24 hours).
    pub max_lifetime: Duration,
    /// Clock-skew allowance on `exp`, `nbf` and `iat` (`SEATQUOTE_JWT_LEEWAY`, default 60 s).
    pub leeway: Duration,
    /// How long a loaded JWKS is used before it is reloaded (`SEATQUOTE_JWKS_MAX_AGE`,
    /// default 5 minutes).
    pub jwks_max_age: Duration,
    /// Least time between two JWKS loads (`SEATQUOTE_JWKS_MIN_REFRESH`, default 30 s).
    pub jwks_min_refresh: Duration,
}

impl Config {
    /// A configuration with the default lifetimes and intervals.
    ///
    /// ```
    /// use seatquote_auth::{Config, KeySource};
    /// let c = Config::new(KeySource::JwksUrl("https://shop.example/.well-known/jwks.json".into()), "https://shop.example/seatquote");
    /// assert_eq!(c.leeway.as_secs(), 60);
    /// ```
    pub fn new(keys: KeySource, audience: impl Into<String>) -> Self {
        Self {
            keys,
            audience: audience.into(),
            issuer: None,
            max_lifetime: Duration::from_secs(24 * 3600),
            leeway: Duration::from_secs(60),
            jwks_max_age: Duration::from_secs(300),
            jwks_min_refresh: Duration::from_secs(30),
        }
    }

    /// Reads the `SEATQUOTE_JWKS`, `SEATQUOTE_JWKS_URL`, `SEATQUOTE_JWT_*` and
    /// `SEATQUOTE_JWKS_*` environment variables.
    ///
    /// # Errors
    /// A [`ConfigError`] naming the variable that is missing or wrong.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// As [`Config::from_env`], with the variables read through `var` (for tests, or for a
    /// CLI parser that has already collected them).
    ///
    /// # Errors
    /// A [`ConfigError`] naming the variable that is missing or wrong.
    pub fn from_lookup(var: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let keys = KeySource::from_settings(
            var("SEATQUOTE_JWKS"),
            var("SEATQUOTE_JWKS_URL"),
            var("SEATQUOTE_JWT_SECRET"),
            var("SEATQUOTE_JWT_SECRET_KID"),
        )?;
        let audience = var("SEATQUOTE_JWT_AUDIENCE").unwrap_or_default();
        let mut c = Self::new(keys, audience.trim());
        c.issuer = var("SEATQUOTE_JWT_ISSUER").filter(|s| !s.is_empty());
        let duration = |name: &str, into: &mut Duration| -> Result<(), ConfigError> {
            if let Some(v) = var(name).filter(|s| !s.is_empty()) {
                *into = parse_duration(&v).ok_or_else(|| {
                    ConfigError::Invalid(format!(
                        "{name}={v:?}: expected seconds or 30s, 15m, 1h, 2d"
                    ))
                })?;
            }
            Ok(())
        };
        duration("SEATQUOTE_JWT_MAX_LIFETIME", &mut c.max_lifetime)?;
        duration("SEATQUOTE_JWT_LEEWAY", &mut c.leeway)?;
        duration("SEATQUOTE_JWKS_MAX_AGE", &mut c.jwks_max_age)?;
        duration("SEATQUOTE_JWKS_MIN_REFRESH", &mut c.jwks_min_refresh)?;
        Ok(c)
    }
}

/// Parses `30s`, `15m`, `1h`, `2d` or plain seconds (`0` allowed).
///
/// ```
/// use seatquote_auth::parse_duration;
/// assert_eq!(parse_duration("15m").map(|d| d.as_secs()), Some(900));
/// assert_eq!(parse_duration("soon"), None);
/// ```
pub fn parse_duration(s: &str) -> Option<Duration> {
    let s = s.trim();
    let (num, mult) = match s.as_bytes().last()? {
        b's' => (&s[..s.len() - 1], 1),
        b'm' => (&s[..s.len() - 1], 60),
        b'h' => (&s[..s.len() - 1], 3600),
        b'd' => (&s[..s.len() - 1], 86400),
        _ => (s, 1),
    };
    let n: u64 = num.parse().ok()?;
    n.checked_mul(mult).map(Duration::from_secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exactly_one_source_and_durations() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |k: &str| {
                pairs
                    .iter()
                    .find(|(n, _)| *n == k)
                    .map(|(_, v)| v.to_string())
            }
        };
        let c = Config::from_lookup(env(&[
            ("SEATQUOTE_JWKS_URL", "https://a.example/jwks.json"),
            ("SEATQUOTE_JWT_AUDIENCE", "aud"),
            ("SEATQUOTE_JWT_MAX_LIFETIME", "1h"),
            ("SEATQUOTE_JWT_LEEWAY", "5"),
        ]))
        .unwrap();
        assert_eq!(
            c.keys,
            KeySource::JwksUrl("https://a.example/jwks.json".into())
        );
        assert_eq!((c.max_lifetime.as_secs(), c.leeway.as_secs()), (3600, 5));
        assert!(matches!(
            Config::from_lookup(env(&[("SEATQUOTE_JWT_AUDIENCE", "aud")])),
            Err(ConfigError::KeySource)
        ));
        assert!(matches!(
            Config::from_lookup(env(&[
                ("SEATQUOTE_JWKS", "x"),
                ("SEATQUOTE_JWT_SECRET", "y")
            ])),
            Err(ConfigError::KeySource)
        ));
        assert!(matches!(
            Config::from_lookup(env(&[
                ("SEATQUOTE_JWKS", "x"),
                ("SEATQUOTE_JWT_LEEWAY", "1y")
            ])),
            Err(ConfigError::Invalid(_))
        ));
        let s = format!(
            "{:?}",
            KeySource::Secret {
                secret: b"hush".to_vec(),
                kid: None
            }
        );
        assert!(!s.contains("hush"), "secrets stay out of logs: {s}");
    }
}

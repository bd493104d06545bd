//! The customer-token settings of `serve` ([`JwtSettings`]): where the merchant's keys
//! are (`SEATQUOTE_JWKS`, `SEATQUOTE_JWKS_URL` or the HS256 `SEATQUOTE_JWT_SECRET`), the
//! audience, the issuer, the maximum lifetime and the clock-skew allowance. Each unsafe or
//! missing value is refused in one line naming the variable (docs/tokens.md).

use std::time::Duration;

use clap::Args;
use seatquote_auth::{parse_duration, KeySource, Verifier};

use super::refusal::{refuse, required, ConfigError, MIN_SECRET_BYTES};

/// Longest accepted `SEATQUOTE_JWT_MAX_LIFETIME`.
pub const MAX_LIFETIME_LIMIT: Duration = Duration::from_secs(7 * 86_400);
/// Largest accepted `SEATQUOTE_JWT_LEEWAY`.
pub const MAX_LEEWAY: Duration = Duration::from_secs(300);

/// How customer tokens (JWTs minted by the merchant's backend) are verified.
#[derive(Debug, Clone, Default, Args)]
pub struct JwtSettings {
    /// The merchant's public keys: a JWKS file, or the JWKS JSON itself.
    #[arg(long, env = "SEATQUOTE_JWKS", value_name = "SEATQUOTE_JWKS")]
    pub jwks: Option<String>,
    /// The merchant's JWKS URL (https; http only on loopback), fetched and cached.
    #[arg(long, env = "SEATQUOTE_JWKS_URL", value_name = "SEATQUOTE_JWKS_URL")]
    pub jwks_url: Option<String>,
    /// The simple option: an HS256 secret shared with the merchant's backend (≥ 32 bytes).
    #[arg(
        long,
        env = "SEATQUOTE_JWT_SECRET",
        value_name = "SEATQUOTE_JWT_SECRET",
        hide_env_values = true
    )]
    pub jwt_secret: Option<String>,
    /// The `kid` HS256 tokens carry, if any.
    #[arg(
        long,
        env = "SEATQUOTE_JWT_SECRET_KID",
        value_name = "SEATQUOTE_JWT_SECRET_KID"
    )]
    pub jwt_secret_kid: Option<String>,
    /// The audience (`aud`) the tokens must name: this proxy (required).
    #[arg(
        long,
        env = "SEATQUOTE_JWT_AUDIENCE",
        value_name = "SEATQUOTE_JWT_AUDIENCE"
    )]
    pub jwt_audience: Option<String>,
    /// The issuer (`iss`) the tokens must name, if any.
    #[arg(
        long,
        env = "SEATQUOTE_JWT_ISSUER",
        value_name = "SEATQUOTE_JWT_ISSUER"
    )]
    pub jwt_issuer: Option<String>,
    /// Longest accepted `exp - iat` (default 24h; at most 7d).
    #[arg(
        long,
        env = "SEATQUOTE_JWT_MAX_LIFETIME",
        value_name = "SEATQUOTE_JWT_MAX_LIFETIME"
    )]
    pub jwt_max_lifetime: Option<String>,
    /// Clock-skew allowance on `exp`, `nbf` and `iat` (default 60s; at most 5m).
    #[arg(
        long,
        env = "SEATQUOTE_JWT_LEEWAY",
        value_name = "SEATQUOTE_JWT_LEEWAY"
    )]
    pub jwt_leeway: Option<String>,
    /// How long a loaded JWKS file or URL is used before it is reloaded (default 5m).
    #[arg(
        long,
        env = "SEATQUOTE_JWKS_MAX_AGE",
        value_name = "SEATQUOTE_JWKS_MAX_AGE"
    )]
    pub jwks_max_age: Option<String>,
    /// Least time between two JWKS loads (default 30s).
    #[arg(
        long,
        env = "SEATQUOTE_JWKS_MIN_REFRESH",
        value_name = "SEATQUOTE_JWKS_MIN_REFRESH"
    )]
    pub jwks_min_refresh: Option<String>,
}

fn is_set(v: &Option<String>) -> bool {
    v.as_deref().is_some_and(|s| !s.trim().is_empty())
}

fn duration(
    var: &'static str,
    v: &Option<String>,
    default: Duration,
) -> Result<Duration, ConfigError> {
    match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(s) => parse_duration(s)
            .ok_or_else(|| refuse(var, format!("is {s:?}; use seconds or 30s, 15m, 1h, 2d"))),
    }
}

impl JwtSettings {
    /// The verifier's settings, checked.
    ///
    /// # Errors
    /// No key source or more than one; a short HS256 secret; no audience; a lifetime of 0
    /// or over [`MAX_LIFETIME_LIMIT`]; a leeway over [`MAX_LEEWAY`]; an unreadable duration.
    pub fn auth_config(&self) -> Result<seatquote_auth::Config, ConfigError> {
        let sources = [
            is_set(&self.jwks),
            is_set(&self.jwks_url),
            is_set(&self.jwt_secret),
        ];
        match sources.iter().filter(|s| **s).count() {
            0 => return Err(refuse(
                "SEATQUOTE_JWKS",
                "is not set; the proxy needs the merchant's public keys: set SEATQUOTE_JWKS (a JWKS file or its JSON), SEATQUOTE_JWKS_URL, or SEATQUOTE_JWT_SECRET (HS256)",
            )),
            1 => {}
            _ => return Err(refuse(
                "SEATQUOTE_JWKS",
                "and SEATQUOTE_JWKS_URL and SEATQUOTE_JWT_SECRET are alternatives: set only one",
            )),
        }
        if let Some(s) = self.jwt_secret.as_deref().filter(|s| !s.trim().is_empty()) {
            if s.len() < MIN_SECRET_BYTES {
                return Err(refuse(
                    "SEATQUOTE_JWT_SECRET",
                    format!("is {} bytes; it must be at least {MIN_SECRET_BYTES} (e.g. openssl rand -hex 32)", s.len()),
                ));
            }
        }
        let audience = required(
            "SEATQUOTE_JWT_AUDIENCE",
            &self.jwt_audience,
            "the audience (aud) the merchant's tokens name, e.g. https://shop.example/seatquote",
        )?;
        let keys = KeySource::from_settings(
            self.jwks.clone(),
            self.jwks_url.clone(),
            self.jwt_secret.clone(),
            self.jwt_secret_kid.clone(),
        )
        .map_err(|e| refuse("SEATQUOTE_JWKS", e.to_string()))?;
        let mut c = seatquote_auth::Config::new(keys, audience);
        c.issuer = self
            .jwt_issuer
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned);
        const LIFETIME: &str = "SEATQUOTE_JWT_MAX_LIFETIME";
        c.max_lifetime = duration(LIFETIME, &self.jwt_max_lifetime, c.max_lifetime)?;
        if c.max_lifetime.is_zero() || c.max_lifetime > MAX_LIFETIME_LIMIT {
            return Err(refuse(LIFETIME, "must be from 1s to 7d"));
        }
        c.leeway = duration("SEATQUOTE_JWT_LEEWAY", &self.jwt_leeway, c.leeway)?;
        if c.leeway > MAX_LEEWAY {
            return Err(refuse(
                "SEATQUOTE_JWT_LEEWAY",
                "must be at most 5m (a clock-skew allowance, not a lifetime)",
            ));
        }
        c.jwks_max_age = duration("SEATQUOTE_JWKS_MAX_AGE", &self.jwks_max_age, c.jwks_max_age)?;
        c.jwks_min_refresh = duration(
            "SEATQUOTE_JWKS_MIN_REFRESH",
            &self.jwks_min_refresh,
            c.jwks_min_refresh,
        )?;
        Ok(c)
    }

    /// The verifier: a JWKS file or JSON is read now (a URL on first use).
    ///
    /// # Errors
    /// As [`JwtSettings::auth_config`], and an unreadable or empty JWKS, an unusable URL.
    pub fn verifier(&self) -> Result<Verifier, ConfigError> {
        let c = self.auth_config()?;
        let var = match c.keys {
            KeySource::JwksUrl(_) => "SEATQUOTE_JWKS_URL",
            KeySource::Secret { .. } => "SEATQUOTE_JWT_SECRET",
            KeySource::Jwks(_) => "SEATQUOTE_JWKS",
        };
        Verifier::from_config(&c).map_err(|e| match e {
            seatquote_auth::ConfigError::Jwks(why) => refuse(var, why),
            seatquote_auth::ConfigError::Invalid(why) => {
                let why = why.split_once(": ").map_or(why.as_str(), |(_, w)| w);
                refuse(var, why.to_owned())
            }
            other => refuse(var, other.to_string()),
        })
    }
}

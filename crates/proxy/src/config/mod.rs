//! The proxy's configuration: flags or environment variables, parsed once by clap and
//! then checked. A setting that would make the proxy unsafe (no upstream, plain HTTP to a
//! remote host, no credentials, a short quote-token secret, no customer-token keys or
//! audience, no upstream rate, a malformed database URL, no pricing policy) stops it at
//! start with one line naming the variable and what is wrong. docs/proxy.md lists them.

use std::path::PathBuf;

use clap::Parser;
use seatquote_auth::QuoteKeys;

mod clock;
pub mod database;
pub mod jwt;
pub mod refusal;
pub mod server;
mod upstream;
pub mod webhooks;

pub use refusal::{ConfigError, MIN_SECRET_BYTES};

use jwt::JwtSettings;
use refusal::refuse;
use server::ServerSettings;
use webhooks::WebhookSettings;

/// `seatquote-proxy serve`: every setting, from a flag or its environment variable.
#[derive(Debug, Clone, Parser)]
#[command(name = "seatquote-proxy")]
pub struct Config {
    /// Bind address.
    #[arg(
        long,
        env = "SEATQUOTE_LISTEN",
        value_name = "SEATQUOTE_LISTEN",
        default_value = "127.0.0.1"
    )]
    pub listen: String,
    /// Port (0: any free port; the address is printed as `listening on http://…`).
    #[arg(long, env = "PORT", value_name = "PORT", default_value_t = 8080)]
    pub port: u16,
    /// Cleverbridge's subscription API base URL (`https://…/subscription/`).
    #[arg(
        long,
        env = "CLEVERBRIDGE_BASE_URL",
        value_name = "CLEVERBRIDGE_BASE_URL"
    )]
    pub cleverbridge_base_url: Option<String>,
    /// The Cleverbridge API user.
    #[arg(
        long,
        env = "CLEVERBRIDGE_USERNAME",
        value_name = "CLEVERBRIDGE_USERNAME"
    )]
    pub cleverbridge_username: Option<String>,
    /// The Cleverbridge API password.
    #[arg(
        long,
        env = "CLEVERBRIDGE_PASSWORD",
        value_name = "CLEVERBRIDGE_PASSWORD",
        hide_env_values = true
    )]
    pub cleverbridge_password: Option<String>,
    /// The proxy's own secret for quote tokens (≥ 32 bytes; shared with nobody).
    #[arg(
        long,
        env = "SEATQUOTE_TOKEN_SECRET",
        value_name = "SEATQUOTE_TOKEN_SECRET",
        hide_env_values = true
    )]
    pub token_secret: Option<String>,
    /// Earlier quote-token secrets (comma list) that still verify quotes in flight after a
    /// rotation, but no longer sign.
    #[arg(
        long,
        env = "SEATQUOTE_TOKEN_SECRET_PREVIOUS",
        value_name = "SEATQUOTE_TOKEN_SECRET_PREVIOUS",
        hide_env_values = true
    )]
    pub token_secret_previous: Option<String>,
    /// Customer tokens: the merchant's keys, audience, lifetime.
    #[command(flatten)]
    pub jwt: JwtSettings,
    /// Provisioning: webhooks, the events API, Cleverbridge notifications.
    #[command(flatten)]
    pub webhooks: WebhookSettings,
    /// The HTTP server's header and body timeouts and connection cap.
    #[command(flatten)]
    pub server: ServerSettings,
    /// Directory of the SQLite idempotency store.
    #[arg(
        long,
        env = "SEATQUOTE_DATA_DIR",
        value_name = "SEATQUOTE_DATA_DIR",
        default_value = "./.seatquote"
    )]
    pub data_dir: PathBuf,
    /// PostgreSQL URL of the commit ledger shared by several replicas
    /// (`postgres://user:password@host:port/database`, TLS by `?sslmode=verify-full` and
    /// `&sslrootcert=ca.pem`); unset: the embedded SQLite store under `SEATQUOTE_DATA_DIR`.
    #[arg(
        long,
        env = "SEATQUOTE_DATABASE_URL",
        value_name = "SEATQUOTE_DATABASE_URL",
        hide_env_values = true
    )]
    pub database_url: Option<String>,
    /// Pricing policy file (required; `crates/proxy/policy.demo.toml` is the demo's).
    #[arg(long, env = "SEATQUOTE_POLICY", value_name = "SEATQUOTE_POLICY")]
    pub policy: Option<PathBuf>,
    /// Comma list of exact origins allowed to call the API cross-origin.
    #[arg(
        long,
        env = "SEATQUOTE_ALLOWED_ORIGINS",
        value_name = "SEATQUOTE_ALLOWED_ORIGINS"
    )]
    pub allowed_origins: Option<String>,
    /// Pins today (`YYYY-MM-DD`), for tests and demos against a sandbox with a pinned clock;
    /// only in builds with the `fixed-clock` cargo feature (refused otherwise).
    #[arg(long, env = "SEATQUOTE_TODAY", value_name = "SEATQUOTE_TODAY")]
    pub today: Option<String>,
    /// Offsets this process's clock by this many milliseconds (tests: a replica whose clock
    /// is wrong); only in builds with the `fixed-clock` cargo feature (refused otherwise).
    #[arg(
        long,
        env = "SEATQUOTE_CLOCK_SKEW_MS",
        value_name = "SEATQUOTE_CLOCK_SKEW_MS",
        allow_hyphen_values = true
    )]
    pub clock_skew_ms: Option<i64>,
    /// Per-attempt timeout of an upstream call, milliseconds.
    #[arg(
        long,
        env = "SEATQUOTE_UPSTREAM_TIMEOUT_MS",
        value_name = "SEATQUOTE_UPSTREAM_TIMEOUT_MS",
        default_value_t = 5000
    )]
    pub upstream_timeout_ms: u64,
    /// Upstream requests per second (1–30; Cleverbridge blocks above 30).
    #[arg(
        long,
        env = "SEATQUOTE_UPSTREAM_RPS",
        value_name = "SEATQUOTE_UPSTREAM_RPS",
        default_value_t = 25
    )]
    pub upstream_rps: u32,
    /// Upstream requests in flight (1–4, as Cleverbridge advises).
    #[arg(
        long,
        env = "SEATQUOTE_UPSTREAM_MAX_IN_FLIGHT",
        value_name = "SEATQUOTE_UPSTREAM_MAX_IN_FLIGHT",
        default_value_t = 4
    )]
    pub upstream_max_in_flight: usize,
    /// How long identical reads and previews are shared, milliseconds (0: not shared).
    #[arg(
        long,
        env = "SEATQUOTE_CACHE_MS",
        value_name = "SEATQUOTE_CACHE_MS",
        default_value_t = 2000
    )]
    pub cache_ms: u64,
    /// How long a subscription read is reused for the same subscription, milliseconds
    /// (a commit's guard read is always fresh; 0, or `SEATQUOTE_CACHE_MS=0`: not reused).
    #[arg(
        long,
        env = "SEATQUOTE_SUBSCRIPTION_TTL_MS",
        value_name = "SEATQUOTE_SUBSCRIPTION_TTL_MS",
        default_value_t = 30_000
    )]
    pub subscription_ttl_ms: u64,
    /// Quote token lifetime, seconds.
    #[arg(
        long,
        env = "SEATQUOTE_QUOTE_TTL",
        value_name = "SEATQUOTE_QUOTE_TTL",
        default_value_t = 900
    )]
    pub quote_ttl: i64,
    /// How long after its deadline a commit whose item still reads as before stays
    /// unknown before it counts as not applied, milliseconds (DESIGN.md, "The commit state
    /// machine": final evidence).
    #[arg(
        long,
        env = "SEATQUOTE_COMMIT_QUARANTINE_MS",
        value_name = "SEATQUOTE_COMMIT_QUARANTINE_MS",
        default_value_t = 180_000
    )]
    pub commit_quarantine_ms: u64,
    /// Reads that may fail to resolve an unknown commit (Cleverbridge unreadable) before it
    /// is parked as needing attention: no more reads until an operator retries it.
    #[arg(
        long,
        env = "SEATQUOTE_COMMIT_MAX_RESOLVE_FAILURES",
        value_name = "SEATQUOTE_COMMIT_MAX_RESOLVE_FAILURES",
        default_value_t = 20
    )]
    pub commit_max_resolve_failures: u32,
    /// How long after its preview a commit may skip previewing again when its guard read
    /// is exactly the one quoted, milliseconds (0: it always previews again).
    #[arg(
        long,
        env = "SEATQUOTE_PREVIEW_REUSE_MS",
        value_name = "SEATQUOTE_PREVIEW_REUSE_MS",
        default_value_t = 60_000
    )]
    pub preview_reuse_ms: u64,
    /// How long before an item's next billing date a change scheduled for that date is
    /// sent to Cleverbridge, hours (1–720; DESIGN.md, "Scheduled changes": the trade-off).
    #[arg(
        long,
        env = "SEATQUOTE_SCHEDULE_LEAD_HOURS",
        value_name = "SEATQUOTE_SCHEDULE_LEAD_HOURS",
        default_value_t = 24,
        value_parser = clap::value_parser!(u32).range(1..=720)
    )]
    pub schedule_lead_hours: u32,
    /// Test-only pause point (`after_upstream_commit`, `before_upstream_commit`,
    /// `after_mark_sent`, `after_lease`; `name:ms` pauses that long); exists only with the
    /// `failpoints` cargo feature.
    #[cfg(feature = "failpoints")]
    #[arg(long, env = "SEATQUOTE_FAILPOINT", value_name = "SEATQUOTE_FAILPOINT")]
    pub failpoint: Option<String>,
}

impl Config {
    /// The quote-token keys: the current secret signs, the previous ones only verify.
    ///
    /// # Errors
    /// A secret missing, or shorter than [`MIN_SECRET_BYTES`].
    pub fn quote_keys(&self) -> Result<QuoteKeys, ConfigError> {
        let current = token_secret(self.token_secret.as_deref())?;
        let previous = self.token_secret_previous.as_deref().unwrap_or_default();
        for s in previous.split(',').map(str::trim).filter(|s| !s.is_empty()) {
            if s.len() < MIN_SECRET_BYTES {
                return Err(refuse(
                    "SEATQUOTE_TOKEN_SECRET_PREVIOUS",
                    format!(
                        "holds a secret of {} bytes; each must be at least {MIN_SECRET_BYTES}",
                        s.len()
                    ),
                ));
            }
        }
        Ok(QuoteKeys::from_settings(&current, Some(previous)))
    }

    /// The PostgreSQL store's connection settings (`None`: the SQLite store).
    ///
    /// # Errors
    /// See [`database::database_config`].
    pub fn database(&self) -> Result<Option<crate::store::PgConnect>, ConfigError> {
        database::database_config(self.database_url.as_deref())
    }

    /// The pricing policy file's path.
    ///
    /// # Errors
    /// `SEATQUOTE_POLICY` unset or empty: there is no built-in policy to fall back on.
    pub fn policy_path(&self) -> Result<PathBuf, ConfigError> {
        match &self.policy {
            Some(p) if !p.as_os_str().is_empty() => Ok(p.clone()),
            _ => Err(refuse(
                "SEATQUOTE_POLICY",
                "is not set; it must be the pricing policy file (docs/proxy.md, \"Pricing policy\"; the demo's is crates/proxy/policy.demo.toml)",
            )),
        }
    }

    /// Checks the numeric limits.
    ///
    /// # Errors
    /// A rate, concurrency, timeout or lifetime outside its range.
    pub fn limits(&self) -> Result<(), ConfigError> {
        if !(1..=30).contains(&self.upstream_rps) {
            return Err(refuse(
                "SEATQUOTE_UPSTREAM_RPS",
                format!("is {}; it must be from 1 to 30 requests per second (Cleverbridge blocks above 30)", self.upstream_rps),
            ));
        }
        if !(1..=4).contains(&self.upstream_max_in_flight) {
            return Err(refuse(
                "SEATQUOTE_UPSTREAM_MAX_IN_FLIGHT",
                format!("is {}; it must be from 1 to 4", self.upstream_max_in_flight),
            ));
        }
        if self.upstream_timeout_ms == 0 {
            return Err(refuse(
                "SEATQUOTE_UPSTREAM_TIMEOUT_MS",
                "must be at least 1",
            ));
        }
        if self.commit_max_resolve_failures == 0 {
            return Err(refuse(
                "SEATQUOTE_COMMIT_MAX_RESOLVE_FAILURES",
                "must be at least 1",
            ));
        }
        if self.quote_ttl < 1 {
            return Err(refuse("SEATQUOTE_QUOTE_TTL", "must be at least 1 second"));
        }
        Ok(())
    }

    /// Every check at once (what `serve` runs before binding).
    ///
    /// # Errors
    /// The first refused setting.
    pub fn check(&self) -> Result<(), ConfigError> {
        self.upstream()?;
        self.quote_keys()?;
        self.jwt.auth_config()?;
        self.limits()?;
        self.fixed_today()?;
        self.clock_skew_ms()?;
        self.policy_path()?;
        self.database()?;
        self.webhooks.check()?;
        self.server.limits()?;
        Ok(())
    }
}

/// Checks the quote-token secret.
///
/// # Errors
/// Missing, or shorter than [`MIN_SECRET_BYTES`].
pub fn token_secret(s: Option<&str>) -> Result<String, ConfigError> {
    const VAR: &str = "SEATQUOTE_TOKEN_SECRET";
    match s {
        None | Some("") => Err(refuse(
            VAR,
            format!("is not set; it must be the proxy's own quote-token secret of at least {MIN_SECRET_BYTES} bytes (e.g. openssl rand -hex 32)"),
        )),
        Some(s) if s.len() < MIN_SECRET_BYTES => Err(refuse(
            VAR,
            format!("is {} bytes; it must be at least {MIN_SECRET_BYTES} (e.g. openssl rand -hex 32)", s.len()),
        )),
        Some(s) => Ok(s.to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cfg(args: &[&str]) -> Config {
        let mut all = vec!["seatquote-proxy"];
        all.extend_from_slice(args);
        Config::try_parse_from(all).unwrap()
    }

    #[test]
    fn loopback_http_is_the_only_plain_http() {
        let ok = |u: &str| {
            cfg(&[
                "--cleverbridge-base-url",
                u,
                "--cleverbridge-username",
                "u",
                "--cleverbridge-password",
                "p",
            ])
            .upstream()
        };
        assert_eq!(
            ok("http://127.0.0.1:9/sandbox/subscription")
                .unwrap()
                .base_url,
            "http://127.0.0.1:9/sandbox/subscription/"
        );
        assert!(ok("http://[::1]:9/x/").is_ok());
        assert!(ok("http://localhost:9/x/").is_ok());
        assert!(ok("https://rest.cleverbridge.com/subscription/").is_ok());
        assert_eq!(
            ok("http://10.0.0.1/x/").unwrap_err().var,
            "CLEVERBRIDGE_BASE_URL"
        );
        assert!(ok("http://127.0.0.1.example.com/x/").is_err());
        assert!(ok("ftp://127.0.0.1/x/").is_err());
        assert!(ok("https://u:p@rest.cleverbridge.com/").is_err());
        assert!(ok("not a url").is_err());
    }
}

//! The provisioning settings of `serve` ([`WebhookSettings`], docs/webhooks.md): where
//! events are delivered and with which Standard Webhooks secrets, how long delivery is
//! retried, how long delivered events and notifications are kept, the merchant's admin credential for the events API, and the Basic
//! credentials Cleverbridge's notifications must carry. Unsafe values are refused in one
//! line naming the variable, like every other setting.

use std::time::Duration;

use base64::Engine;
use clap::Args;
use seatquote_auth::parse_duration;

use super::refusal::{is_loopback, refuse, ConfigError, MIN_SECRET_BYTES};

/// Shortest and longest Standard Webhooks secret, in bytes (after `whsec_` and base64).
pub const SECRET_BYTES: std::ops::RangeInclusive<usize> = 24..=64;
/// Shortest accepted notification password.
pub const MIN_NOTIFY_PASSWORD: usize = 16;

/// Provisioning settings, flattened into `serve`'s.
#[derive(Debug, Clone, Default, Args)]
pub struct WebhookSettings {
    /// The merchant's webhook endpoint (https; http only on loopback). Unset: events are
    /// kept in the outbox (and the events API) but not sent.
    #[arg(
        long,
        env = "SEATQUOTE_WEBHOOK_URL",
        value_name = "SEATQUOTE_WEBHOOK_URL"
    )]
    pub webhook_url: Option<String>,
    /// The Standard Webhooks signing secret (`whsec_` + base64 of 24–64 random bytes).
    #[arg(
        long,
        env = "SEATQUOTE_WEBHOOK_SECRET",
        value_name = "SEATQUOTE_WEBHOOK_SECRET",
        hide_env_values = true
    )]
    pub webhook_secret: Option<String>,
    /// Earlier secrets (comma list) that still sign, next to the current one, during a
    /// rotation: each delivery carries one signature per secret.
    #[arg(
        long,
        env = "SEATQUOTE_WEBHOOK_SECRET_PREVIOUS",
        value_name = "SEATQUOTE_WEBHOOK_SECRET_PREVIOUS",
        hide_env_values = true
    )]
    pub webhook_secret_previous: Option<String>,
    /// How long an event is retried before it is kept as exhausted (30s, 12h, 3d; at most 30d).
    #[arg(
        long,
        env = "SEATQUOTE_WEBHOOK_RETRY_FOR",
        value_name = "SEATQUOTE_WEBHOOK_RETRY_FOR",
        default_value = "3d"
    )]
    pub webhook_retry_for: String,
    /// The first retry's delay, milliseconds; each next one doubles (with jitter), up to an hour.
    #[arg(
        long,
        env = "SEATQUOTE_WEBHOOK_RETRY_BASE_MS",
        value_name = "SEATQUOTE_WEBHOOK_RETRY_BASE_MS",
        default_value_t = 5000
    )]
    pub webhook_retry_base_ms: u64,
    /// One delivery attempt's timeout, milliseconds.
    #[arg(
        long,
        env = "SEATQUOTE_WEBHOOK_TIMEOUT_MS",
        value_name = "SEATQUOTE_WEBHOOK_TIMEOUT_MS",
        default_value_t = 10_000
    )]
    pub webhook_timeout_ms: u64,
    /// How long a delivered event is kept after its delivery (30s, 12h, 30d; 1s–3650d).
    /// Pending and exhausted events are kept until delivered.
    #[arg(
        long,
        env = "SEATQUOTE_EVENT_RETENTION",
        value_name = "SEATQUOTE_EVENT_RETENTION",
        default_value = "30d"
    )]
    pub event_retention: String,
    /// How long a Cleverbridge notification is kept after it was received (1s–3650d); a
    /// notification sent again after that is recorded anew, so keep it longer than
    /// Cleverbridge retries one.
    #[arg(
        long,
        env = "SEATQUOTE_NOTIFICATION_RETENTION",
        value_name = "SEATQUOTE_NOTIFICATION_RETENTION",
        default_value = "30d"
    )]
    pub notification_retention: String,
    /// The merchant's admin credential for the events API (a bearer token of ≥ 32 bytes).
    /// Unset: the events API answers 401.
    #[arg(
        long,
        env = "SEATQUOTE_ADMIN_TOKEN",
        value_name = "SEATQUOTE_ADMIN_TOKEN",
        hide_env_values = true
    )]
    pub admin_token: Option<String>,
    /// The user name Cleverbridge's notifications carry (HTTP Basic). Unset: the
    /// notification endpoint answers 401.
    #[arg(
        long,
        env = "SEATQUOTE_NOTIFY_USERNAME",
        value_name = "SEATQUOTE_NOTIFY_USERNAME"
    )]
    pub notify_username: Option<String>,
    /// The password Cleverbridge's notifications carry (≥ 16 characters).
    #[arg(
        long,
        env = "SEATQUOTE_NOTIFY_PASSWORD",
        value_name = "SEATQUOTE_NOTIFY_PASSWORD",
        hide_env_values = true
    )]
    pub notify_password: Option<String>,
}

/// Where and how events are delivered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// The endpoint.
    pub url: String,
    /// Signing keys, current first.
    pub keys: Vec<Vec<u8>>,
}

/// The checked settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhooks {
    /// Delivery target (`None`: events kept, not sent).
    pub target: Option<Target>,
    /// Retry period.
    pub retry_for: Duration,
    /// First retry delay.
    pub retry_base: Duration,
    /// Attempt timeout.
    pub timeout: Duration,
    /// How long a delivered event is kept.
    pub event_retention: Duration,
    /// How long a notification is kept.
    pub notification_retention: Duration,
    /// Events API credential.
    pub admin_token: Option<String>,
    /// Notification Basic credentials.
    pub notify: Option<(String, String)>,
}

fn set(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Decodes a `whsec_…` secret.
///
/// # Errors
/// No `whsec_` prefix, not base64, or not 24–64 bytes.
pub fn secret_key(var: &'static str, s: &str) -> Result<Vec<u8>, ConfigError> {
    let b64 = s.strip_prefix("whsec_").ok_or_else(|| {
        refuse(var, "must start with whsec_ (a Standard Webhooks secret: whsec_ + base64 of 24 to 64 random bytes)")
    })?;
    let key = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|_| refuse(var, "is not whsec_ followed by base64"))?;
    if !SECRET_BYTES.contains(&key.len()) {
        return Err(refuse(
            var,
            format!("holds {} bytes; a secret must be 24 to 64 random bytes (e.g. whsec_$(openssl rand -base64 32))", key.len()),
        ));
    }
    Ok(key)
}

/// A retention period: a duration from 1 s to 3650 days.
fn retention(var: &'static str, raw: &str) -> Result<Duration, ConfigError> {
    parse_duration(raw)
        .filter(|d| (1..=3650 * 86_400).contains(&d.as_secs()))
        .ok_or_else(|| {
            refuse(
                var,
                format!("is {raw:?}; it must be a duration from 1s to 3650d (12h, 30d)"),
            )
        })
}

fn target_url(raw: &str) -> Result<String, ConfigError> {
    const VAR: &str = "SEATQUOTE_WEBHOOK_URL";
    let url =
        url::Url::parse(raw).map_err(|e| refuse(VAR, format!("is not a URL ({e}): {raw}")))?;
    let host = url
        .host()
        .ok_or_else(|| refuse(VAR, format!("has no host: {raw}")))?;
    match url.scheme() {
        "https" => Ok(raw.to_owned()),
        "http" if is_loopback(&host) => Ok(raw.to_owned()),
        _ => Err(refuse(
            VAR,
            format!("must be https:// (http:// only to a loopback address): {raw}"),
        )),
    }
}

impl WebhookSettings {
    /// Checks every setting.
    ///
    /// # Errors
    /// The first refused setting.
    pub fn check(&self) -> Result<Webhooks, ConfigError> {
        let target = match (set(&self.webhook_url), set(&self.webhook_secret)) {
            (None, None) => None,
            (Some(_), None) => {
                return Err(refuse(
                    "SEATQUOTE_WEBHOOK_SECRET",
                    "is not set; SEATQUOTE_WEBHOOK_URL needs a signing secret (whsec_…)",
                ))
            }
            (None, Some(_)) => {
                return Err(refuse(
                    "SEATQUOTE_WEBHOOK_URL",
                    "is not set, but SEATQUOTE_WEBHOOK_SECRET is: where should events go?",
                ))
            }
            (Some(url), Some(secret)) => {
                let mut keys = vec![secret_key("SEATQUOTE_WEBHOOK_SECRET", secret)?];
                for s in set(&self.webhook_secret_previous)
                    .unwrap_or_default()
                    .split(',')
                    .map(str::trim)
                    .filter(|s| !s.is_empty())
                {
                    keys.push(secret_key("SEATQUOTE_WEBHOOK_SECRET_PREVIOUS", s)?);
                }
                Some(Target {
                    url: target_url(url)?,
                    keys,
                })
            }
        };
        let retry_for = parse_duration(&self.webhook_retry_for)
            .filter(|d| (1..=30 * 86_400).contains(&d.as_secs()))
            .ok_or_else(|| {
                refuse(
                    "SEATQUOTE_WEBHOOK_RETRY_FOR",
                    format!(
                        "is {:?}; it must be a duration from 1s to 30d (30s, 12h, 3d)",
                        self.webhook_retry_for
                    ),
                )
            })?;
        if !(100..=3_600_000).contains(&self.webhook_retry_base_ms) {
            return Err(refuse(
                "SEATQUOTE_WEBHOOK_RETRY_BASE_MS",
                "must be from 100 to 3600000 milliseconds",
            ));
        }
        if !(100..=60_000).contains(&self.webhook_timeout_ms) {
            return Err(refuse(
                "SEATQUOTE_WEBHOOK_TIMEOUT_MS",
                "must be from 100 to 60000 milliseconds",
            ));
        }
        let admin_token = match set(&self.admin_token) {
            Some(t) if t.len() < MIN_SECRET_BYTES => {
                return Err(refuse(
                    "SEATQUOTE_ADMIN_TOKEN",
                    format!("is {} bytes; it must be at least {MIN_SECRET_BYTES} (e.g. openssl rand -hex 32)", t.len()),
                ))
            }
            t => t.map(str::to_owned),
        };
        let notify = match (set(&self.notify_username), set(&self.notify_password)) {
            (None, None) => None,
            (Some(_), None) => {
                return Err(refuse(
                    "SEATQUOTE_NOTIFY_PASSWORD",
                    "is not set; SEATQUOTE_NOTIFY_USERNAME needs a password",
                ))
            }
            (None, Some(_)) => {
                return Err(refuse(
                    "SEATQUOTE_NOTIFY_USERNAME",
                    "is not set; SEATQUOTE_NOTIFY_PASSWORD needs a user name",
                ))
            }
            (Some(_), Some(p)) if p.chars().count() < MIN_NOTIFY_PASSWORD => {
                return Err(refuse(
                    "SEATQUOTE_NOTIFY_PASSWORD",
                    format!("is shorter than {MIN_NOTIFY_PASSWORD} characters"),
                ))
            }
            (Some(u), Some(p)) => Some((u.to_owned(), p.to_owned())),
        };
        Ok(Webhooks {
            target,
            retry_for,
            retry_base: Duration::from_millis(self.webhook_retry_base_ms),
            timeout: Duration::from_millis(self.webhook_timeout_ms),
            event_retention: retention("SEATQUOTE_EVENT_RETENTION", &self.event_retention)?,
            notification_retention: retention(
                "SEATQUOTE_NOTIFICATION_RETENTION",
                &self.notification_retention,
            )?,
            admin_token,
            notify,
        })
    }
}

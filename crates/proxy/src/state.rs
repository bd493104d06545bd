//! What the handlers share ([`App`]), built once from a checked [`Config`].

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use axum::http::HeaderValue;
use parking_lot::Mutex;
use seatquote_auth::{QuoteKeys, Verifier};
use seatquote_core::date::Date;

use crate::budget::{Budget, BudgetConfig, PgBudget};
use crate::config::server::ServerLimits;
use crate::config::webhooks::Webhooks;
use crate::config::{Config, ConfigError};
use crate::domain::policy::Policy;
use crate::domain::quote_token::sha256_hex;
use crate::metrics::Metrics;
use crate::store::{IdempotencyStore, OutboxStore, PgStore, ScheduleStore, SqliteStore};
use crate::upstream::{Upstream, UpstreamConfig};

/// Connections in each replica's PostgreSQL pool.
const PG_POOL: u32 = 8;

/// Everything the handlers share.
pub struct App {
    /// The Cleverbridge client.
    pub upstream: Upstream,
    /// Pricing policy.
    pub policy: Policy,
    /// The policy file's path and the SHA-256 of its bytes (logged at start).
    pub policy_source: PolicySource,
    /// Verifies customer tokens (JWTs).
    pub verifier: Verifier,
    /// Signs and verifies quote tokens.
    pub quote_keys: QuoteKeys,
    /// Idempotency store.
    pub store: Arc<dyn IdempotencyStore>,
    /// The outbox and the notifications received (the same database as `store`).
    pub outbox: Arc<dyn OutboxStore>,
    /// Scheduled changes (the same database as `store`).
    pub schedule: Arc<dyn ScheduleStore>,
    /// How long before their date scheduled changes are sent
    /// (`SEATQUOTE_SCHEDULE_LEAD_HOURS`), milliseconds.
    pub schedule_lead_ms: i64,
    /// Wakes the deliverer when an event is written.
    pub outbox_wake: Arc<tokio::sync::Notify>,
    /// Provisioning settings (webhooks, events API, notifications).
    pub webhooks: Webhooks,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    /// Pinned today (`SEATQUOTE_TODAY`).
    pub fixed_today: Option<Date>,
    /// The pinned today as moved since the start by `POST /api/_test/clock` (builds with
    /// the `fixed-clock` feature only; docs/proxy.md, "One clock").
    #[cfg(feature = "fixed-clock")]
    pub moved_today: Mutex<Option<Date>>,
    /// Quote token lifetime, seconds.
    pub quote_ttl: i64,
    /// How long after its deadline an item read as before is not final evidence yet
    /// (`SEATQUOTE_COMMIT_QUARANTINE_MS`), milliseconds.
    pub commit_quarantine_ms: i64,
    /// Failed reads before an unknown commit is parked as needing attention
    /// (`SEATQUOTE_COMMIT_MAX_RESOLVE_FAILURES`).
    pub commit_max_resolve_failures: u32,
    /// How long after its preview a commit may reuse the quoted preview
    /// (`SEATQUOTE_PREVIEW_REUSE_MS`), milliseconds.
    pub preview_reuse_ms: i64,
    /// Origins allowed cross-origin (empty: same-origin only).
    pub allowed_origins: Vec<HeaderValue>,
    /// The HTTP server's header and body timeouts and connection cap.
    pub server_limits: ServerLimits,
    /// `SEATQUOTE_FAILPOINT` (test builds only).
    #[cfg(feature = "failpoints")]
    pub failpoint: Option<String>,
    /// This process's name as a lease holder in the commit ledger (and its heartbeat's).
    pub instance: String,
    /// When this replica last wrote its heartbeat (PostgreSQL); `None`: a store of one
    /// process (SQLite), which needs none.
    pub heartbeat: Option<Mutex<std::time::Instant>>,
    /// Per-key locks: one commit attempt per idempotency key at a time.
    key_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// Where the active pricing policy was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicySource {
    /// `SEATQUOTE_POLICY`.
    pub path: std::path::PathBuf,
    /// The file's SHA-256, lowercase hex.
    pub sha256: String,
}

/// Shared state type.
pub type AppState = Arc<App>;

/// Today's UTC date.
pub fn utc_today() -> Date {
    use chrono::Datelike;
    let now = chrono::Utc::now().date_naive();
    Date::from_ymd(now.year(), now.month(), now.day())
        .unwrap_or_else(|| unreachable!("the clock is between 1900 and 9999"))
}

impl App {
    /// Checks the configuration and builds the state: policy read, store opened, client
    /// built.
    ///
    /// # Errors
    /// A refused setting, an unreadable policy or store.
    pub fn from_config(cfg: &Config) -> Result<AppState, ConfigError> {
        cfg.check()?;
        let up = cfg.upstream()?;
        let path = cfg.policy_path()?;
        let policy_text = std::fs::read_to_string(&path).map_err(|e| ConfigError {
            var: "SEATQUOTE_POLICY",
            reason: format!("cannot be read: {}: {e}", path.display()),
        })?;
        let policy = Policy::parse(&policy_text).map_err(|e| ConfigError {
            var: "SEATQUOTE_POLICY",
            reason: format!("is not a valid policy: {}: {e}", path.display()),
        })?;
        let policy_source = PolicySource {
            sha256: sha256_hex(policy_text.as_bytes()),
            path,
        };
        // The process id in the name lets an operator (and a test) find this replica's
        // sessions in `pg_stat_activity` (application name `seatquote <instance>`).
        let instance = format!("proxy-{}-{:08x}", std::process::id(), rand::random::<u32>());
        #[cfg(feature = "fixed-clock")]
        crate::store::set_clock_skew(cfg.clock_skew_ms()?);
        // One database holds the ledger and the outbox: `complete` writes its event in the
        // commit's transaction.
        let database = cfg.database()?;
        // PostgreSQL (shared by replicas): opening it wrote the first heartbeat.
        let shared = database.is_some();
        let webhooks = cfg.webhooks.check()?;
        // Each event is written with the webhook URL configured now (delivered there even if
        // the setting changes: docs/webhooks.md, "Delivery").
        let target = webhooks.target.as_ref().map(|t| t.url.clone());
        type Stores = (
            Arc<dyn IdempotencyStore>,
            Arc<dyn OutboxStore>,
            Arc<dyn ScheduleStore>,
        );
        let (store, outbox, schedule): Stores = match database.clone() {
            Some(db) => {
                let mode = db.mode.as_str();
                let s = Arc::new(
                    PgStore::open(db, &instance, PG_POOL)
                        .map_err(|e| ConfigError {
                            var: "SEATQUOTE_DATABASE_URL",
                            reason: format!("cannot be used (sslmode={mode}): {}", e.with_causes()),
                        })?
                        .with_webhook_target(target),
                );
                (s.clone(), s.clone(), s)
            }
            None => {
                let s = Arc::new(
                    SqliteStore::open(&cfg.data_dir)
                        .map_err(|e| ConfigError {
                            var: "SEATQUOTE_DATA_DIR",
                            reason: format!("cannot hold the store: {e}"),
                        })?
                        .with_webhook_target(target),
                );
                (s.clone(), s.clone(), s)
            }
        };
        let metrics = Arc::new(Metrics::default());
        let limits = BudgetConfig {
            max_in_flight: cfg.upstream_max_in_flight,
            max_per_second: cfg.upstream_rps,
        };
        // With PostgreSQL every replica shares one budget (a slot's lease outlives the
        // request's timeout by a margin); with SQLite, one process keeps it.
        let budget = match database {
            Some(db) => Budget::shared(
                limits,
                Arc::new(PgBudget::new(
                    db,
                    cfg.upstream_max_in_flight,
                    cfg.upstream_rps,
                    Duration::from_millis(cfg.upstream_timeout_ms) + Duration::from_secs(5),
                )),
            ),
            None => Budget::local(limits),
        };
        let upstream = Upstream::new(
            UpstreamConfig {
                base_url: up.base_url,
                username: up.username,
                password: up.password,
                timeout: Duration::from_millis(cfg.upstream_timeout_ms),
                max_in_flight: cfg.upstream_max_in_flight,
                cache_ttl: Duration::from_millis(cfg.cache_ms),
                subscription_ttl: Duration::from_millis(if cfg.cache_ms == 0 {
                    0
                } else {
                    cfg.subscription_ttl_ms
                }),
            },
            budget,
            metrics.clone(),
        )
        .map_err(|e| ConfigError {
            var: "CLEVERBRIDGE_BASE_URL",
            reason: format!("cannot be used: {e}"),
        })?;
        let allowed_origins = cfg
            .allowed_origins
            .as_deref()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(|o| {
                HeaderValue::from_str(o).map_err(|_| ConfigError {
                    var: "SEATQUOTE_ALLOWED_ORIGINS",
                    reason: format!("has an invalid origin: {o}"),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Arc::new(App {
            upstream,
            policy,
            policy_source,
            verifier: cfg.jwt.verifier()?,
            quote_keys: cfg.quote_keys()?,
            store,
            outbox,
            schedule,
            schedule_lead_ms: i64::from(cfg.schedule_lead_hours) * 3_600_000,
            outbox_wake: Arc::default(),
            webhooks,
            metrics,
            fixed_today: cfg.fixed_today()?,
            #[cfg(feature = "fixed-clock")]
            moved_today: Mutex::default(),
            quote_ttl: cfg.quote_ttl,
            commit_quarantine_ms: i64::try_from(cfg.commit_quarantine_ms).unwrap_or(i64::MAX),
            commit_max_resolve_failures: cfg.commit_max_resolve_failures,
            preview_reuse_ms: i64::try_from(cfg.preview_reuse_ms).unwrap_or(i64::MAX),
            allowed_origins,
            server_limits: cfg.server.limits()?,
            #[cfg(feature = "failpoints")]
            failpoint: cfg.failpoint.clone(),
            heartbeat: shared.then(|| Mutex::new(std::time::Instant::now())),
            instance,
            key_locks: Mutex::default(),
        }))
    }

    /// Today: pinned (as moved by the test-only clock route, if it was), else the UTC date.
    pub fn today(&self) -> Date {
        #[cfg(feature = "fixed-clock")]
        if let Some(d) = *self.moved_today.lock() {
            return d;
        }
        self.fixed_today.unwrap_or_else(utc_today)
    }

    /// Whether this replica may start a commit: its heartbeat was written within half the
    /// replica timeout, so no other replica can take it for dead meanwhile (always, with
    /// SQLite). DESIGN.md, "Stores and migrations".
    pub fn ledger_live(&self) -> bool {
        self.heartbeat
            .as_ref()
            .is_none_or(|at| at.lock().elapsed() < crate::store::postgres::REPLICA_TIMEOUT / 2)
    }

    /// Notes a heartbeat written now.
    pub fn beat_written(&self) {
        if let Some(at) = &self.heartbeat {
            *at.lock() = std::time::Instant::now();
        }
    }

    /// The latest date a scheduled change may take effect on to be sent now: the date of
    /// now + the lead (`SEATQUOTE_SCHEDULE_LEAD_HOURS`), on [`Self::today`]'s clock (a
    /// pinned date keeps the real time of day).
    pub fn schedule_due_by(&self) -> Date {
        const DAY_MS: i64 = 86_400_000;
        let time_of_day = crate::store::now_ms().rem_euclid(DAY_MS);
        let days = (time_of_day + self.schedule_lead_ms) / DAY_MS;
        let today = self.today();
        today
            .add(seatquote_core::date::Interval {
                months: 0,
                days: u32::try_from(days).unwrap_or(u32::MAX),
            })
            .unwrap_or(today)
    }

    /// The lock of one idempotency key.
    pub fn key_lock(&self, key: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut m = self.key_locks.lock();
        if m.len() > 10_000 {
            m.retain(|_, l| Arc::strong_count(l) > 1);
        }
        m.entry(key.to_owned()).or_default().clone()
    }

    /// Pauses here when `SEATQUOTE_FAILPOINT` names this point (test builds): for ever, or
    /// `name:ms` milliseconds.
    #[cfg(feature = "failpoints")]
    pub(crate) async fn failpoint(&self, name: &str) {
        let Some(fp) = self.failpoint.as_deref() else {
            return;
        };
        // `name`: pause for good; `name:ms`: pause that long (a slow step), then go on.
        let (at, ms) = match fp.split_once(':') {
            Some((at, ms)) => (at, ms.parse::<u64>().ok()),
            None => (fp, None),
        };
        if at != name {
            return;
        }
        println!("failpoint {name} reached");
        tracing::warn!(name, "failpoint: pausing");
        match ms {
            Some(ms) => tokio::time::sleep(std::time::Duration::from_millis(ms)).await,
            None => std::future::pending::<()>().await,
        }
    }
}

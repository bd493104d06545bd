//! [`PgStore`]: the commit ledger in PostgreSQL (`SEATQUOTE_DATABASE_URL`), shared by
//! several proxy replicas. What must hold across them holds by the database: the key is
//! the primary key, the quote's jti is unique, one unfinished change per item is a partial
//! unique index, and the lease is a conditional `UPDATE` with an expiry (a dead holder's
//! lease is taken over). Each process holds a session advisory lock named after itself for
//! its lifetime, so another replica can tell that the process which recorded an intent has
//! died (its session, and so its lock, are gone).
//!
//! The synchronous `postgres` client with an r2d2 pool, called inside `spawn_blocking`;
//! TLS as the URL's `sslmode` says ([`tls`]).

pub mod ledger;
pub mod outbox;
pub mod schedule;
pub mod tls;

use std::time::Duration;

use parking_lot::Mutex;
use postgres::{Client, Row};
use r2d2_postgres::{r2d2, PostgresConnectionManager};

use crate::domain::intent::{Intent, IntentState};
use crate::store::{Record, StoreError, ATTENTION_MS};
use tls::{PgConnect, Tls};

type Pool = r2d2::Pool<PostgresConnectionManager<Tls>>;

/// PostgreSQL implementation of [`crate::store::IdempotencyStore`].
pub struct PgStore {
    pool: Pool,
    /// The session holding this process's liveness lock (see the module documentation).
    _alive: Mutex<Client>,
    /// The webhook URL configured now: recorded with each event written
    /// ([`PgStore::with_webhook_target`]).
    pub(crate) target: Option<String>,
}

pub(crate) const UNFINISHED: &str = "('recorded','sent','unknown')";

fn num<T: TryFrom<i64>>(v: i64, what: &'static str) -> Result<T, StoreError> {
    T::try_from(v).map_err(|_| StoreError::OutOfRange(what))
}

pub(crate) fn record(r: &Row) -> Result<Record, StoreError> {
    let Some(mut state) = IntentState::from_stored(r.get::<_, &str>(8)) else {
        return Ok(Record::Done {
            fingerprint: r.get(1),
            status: num(
                i64::from(r.get::<_, Option<i32>>(9).unwrap_or(200)),
                "status",
            )?,
            body: r.get::<_, Option<String>>(10).unwrap_or_default(),
        });
    };
    if state != IntentState::Recorded && r.get::<_, Option<i64>>(ATTENTION_MS).is_some() {
        state = IntentState::NeedsAttention;
    }
    intent(r, state).map(Record::Pending)
}

/// The row (read with [`crate::store::COLUMNS`]) as an intent in `state`.
pub(crate) fn intent(r: &Row, state: IntentState) -> Result<Intent, StoreError> {
    Ok(Intent {
        key: r.get(0),
        fingerprint: r.get(1),
        jti: r.get(2),
        subscription: r.get(3),
        running_no: num(r.get(4), "running_no")?,
        from_quantity: num(r.get(5), "from_quantity")?,
        quantity: num(r.get(6), "quantity")?,
        response: r.get(7),
        state,
        resolve_after: r.get(11),
        before: crate::store::item_state(r.get(12)),
        intended: crate::store::item_state(r.get(13)),
        effective_on: r.get(14),
    })
}

/// The key of a process's liveness lock (`pg_advisory_lock` takes a bigint).
pub(crate) const ALIVE_SQL: &str = "hashtextextended('seatquote-alive:' || $1::text, 0)";

impl PgStore {
    /// Connects (a pool of `pool_size`, TLS as `db.mode` says), applies the migrations
    /// ([`crate::store::migrate`]) and takes this process's liveness lock as `instance`.
    ///
    /// # Errors
    /// The database unreachable within 10 s (or its certificate refused), or a migration
    /// failing.
    pub fn open(db: PgConnect, instance: &str, pool_size: u32) -> Result<Self, StoreError> {
        let PgConnect { config, tls, .. } = db;
        let mut alive = config.connect(tls.clone())?;
        crate::store::migrate::postgres(&mut alive)?;
        alive.execute(
            &format!("SELECT pg_advisory_lock({ALIVE_SQL})"),
            &[&instance],
        )?;
        let pool = r2d2::Pool::builder()
            .max_size(pool_size)
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(10))
            .build(PostgresConnectionManager::new(config, tls))?;
        Ok(Self {
            pool,
            _alive: Mutex::new(alive),
            target: None,
        })
    }

    /// The webhook URL configured now (`SEATQUOTE_WEBHOOK_URL`; `None`: events are kept, not
    /// sent): each event is written with it, and delivered there even if the setting
    /// changes later (docs/webhooks.md, "Delivery").
    #[must_use]
    pub fn with_webhook_target(mut self, url: Option<String>) -> Self {
        self.target = url;
        self
    }

    pub(crate) fn conn(
        &self,
    ) -> Result<r2d2::PooledConnection<PostgresConnectionManager<Tls>>, StoreError> {
        self.pool.get().map_err(StoreError::from)
    }

    pub(crate) fn execute(
        &self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<u64, StoreError> {
        self.conn()?.execute(sql, params).map_err(StoreError::from)
    }
}

pub(crate) fn i64_of(v: impl Into<u64>) -> Result<i64, StoreError> {
    i64::try_from(v.into()).map_err(|_| StoreError::OutOfRange("number"))
}

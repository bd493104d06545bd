//! [`PgStore`]: the commit ledger in PostgreSQL (`SEATQUOTE_DATABASE_URL`), shared by
//! several proxy replicas. What must hold across them holds by the database: the key is
//! the primary key, the quote's jti is unique, one unfinished change per item is a partial
//! unique index, and the lease is a conditional `UPDATE` with an expiry (a dead holder's
//! lease is taken over). Every time the ledger compares or writes is the database's
//! clock ([`NOW_MS`]), so the replicas' own clocks decide nothing. Each replica writes a
//! heartbeat (`replicas.beat_at = now()`) every second on a connection of its own
//! ([`PgStore::beat`]); another replica counts it dead only when its heartbeat is older
//! than the replica timeout on the database's clock — a replica whose sessions were cut
//! (a database restart, `pg_terminate_backend`) is alive as long as it beats again.
//!
//! The synchronous `postgres` client with an r2d2 pool, called inside `spawn_blocking`;
//! TLS as the URL's `sslmode` says ([`tls`]).

pub mod ledger;
pub mod listings;
pub mod outbox;
pub mod parking;
pub mod schedule;
pub mod tls;

use std::time::Duration;

use parking_lot::Mutex;
use postgres::{Client, Row};
use r2d2_postgres::{r2d2, PostgresConnectionManager};

use crate::domain::catalogue::Kind;
use crate::domain::intent::{ChangeOf, Intent, IntentState};
use crate::store::{Record, StoreError, ATTEMPT, ATTENTION_MS, EFFECTIVE_ON, KIND};
use tls::{PgConnect, Tls};

type Pool = r2d2::Pool<PostgresConnectionManager<Tls>>;

/// PostgreSQL implementation of [`crate::store::IdempotencyStore`].
pub struct PgStore {
    pool: Pool,
    /// How to open the heartbeat's own connection again.
    config: postgres::Config,
    /// Its TLS connector (as the URL's `sslmode` says).
    tls: Tls,
    /// The heartbeat's connection (see the module documentation); `None` after a failure,
    /// opened again at the next beat.
    beat_conn: Mutex<Option<Client>>,
    /// How old a replica's heartbeat may be before it counts as dead, milliseconds.
    pub(crate) replica_timeout_ms: i64,
    /// The webhook URL configured now: recorded with each event written
    /// ([`PgStore::with_webhook_target`]).
    pub(crate) target: Option<String>,
}

/// How old a replica's heartbeat may be, on the database's clock, before another replica
/// counts it as dead ([`PgStore::with_replica_timeout`] changes it for tests).
pub const REPLICA_TIMEOUT: Duration = Duration::from_secs(10);

/// The database's clock in Unix milliseconds, as SQL (`now()`: the transaction's start,
/// so one statement or transaction sees one instant).
pub(crate) const NOW_MS: &str = "(extract(epoch from now()) * 1000)::bigint";

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
        attempt: r.get(ATTEMPT),
        effective_on: r.get(EFFECTIVE_ON),
        change: Box::new(ChangeOf {
            kind: Kind::parse(r.get(KIND)),
            product_before: r.get(KIND + 1),
            product_after: r.get(KIND + 2),
        }),
    })
}

impl PgStore {
    /// Connects (a pool of `pool_size`, TLS as `db.mode` says; every session named
    /// `seatquote <instance>` in `pg_stat_activity`), applies the migrations
    /// ([`crate::store::migrate`]) and writes this replica's first heartbeat as `instance`.
    ///
    /// # Errors
    /// The database unreachable within 10 s (or its certificate refused), or a migration
    /// failing.
    pub fn open(db: PgConnect, instance: &str, pool_size: u32) -> Result<Self, StoreError> {
        let PgConnect {
            mut config, tls, ..
        } = db;
        config.application_name(&format!("seatquote {instance}"));
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        let mut first = config.connect(tls.clone())?;
        crate::store::migrate::postgres(&mut first)?;
        // Heartbeats of replicas gone for a day are of no use to anyone.
        first.execute(
            "DELETE FROM replicas WHERE beat_at < now() - interval '1 day'",
            &[],
        )?;
        let pool = r2d2::Pool::builder()
            .max_size(pool_size)
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(10))
            .build(PostgresConnectionManager::new(config.clone(), tls.clone()))?;
        let store = Self {
            pool,
            config,
            tls,
            beat_conn: Mutex::new(Some(first)),
            replica_timeout_ms: i64::try_from(REPLICA_TIMEOUT.as_millis()).unwrap_or(i64::MAX),
            target: None,
        };
        store.write_beat(instance)?;
        Ok(store)
    }

    /// The same store with another replica timeout (tests: a dead replica found sooner).
    #[must_use]
    pub fn with_replica_timeout(mut self, timeout: Duration) -> Self {
        self.replica_timeout_ms = i64::try_from(timeout.as_millis()).unwrap_or(i64::MAX);
        self
    }

    /// Writes `instance`'s heartbeat on the heartbeat's own connection, opening it again
    /// (once) when it is gone or broken.
    pub(crate) fn write_beat(&self, instance: &str) -> Result<(), StoreError> {
        const SQL: &str = "INSERT INTO replicas (instance, beat_at) VALUES ($1, now())
             ON CONFLICT (instance) DO UPDATE SET beat_at = now()";
        let mut slot = self.beat_conn.lock();
        if let Some(c) = slot.as_mut() {
            if c.execute(SQL, &[&instance]).is_ok() {
                return Ok(());
            }
        }
        *slot = None;
        let mut beat = self.config.connect(self.tls.clone())?;
        beat.execute(SQL, &[&instance])?;
        *slot = Some(beat);
        Ok(())
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

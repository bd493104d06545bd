//! [`PgStore`]: the commit ledger in PostgreSQL (`SEATQUOTE_DATABASE_URL`), shared by
//! several proxy replicas. What must hold across them holds by the database: the key is
//! the primary key, the quote's jti is unique, one unfinished change per item is a partial
//! unique index, and the lease is a conditional `UPDATE` with an expiry (a dead holder's
//! lease is taken over). Each process holds a session advisory lock named after itself for
//! its lifetime, so another replica can tell that the process which recorded an intent has
//! died (its session, and so its lock, are gone).
//!
//! The synchronous `postgres` client with an r2d2 pool, called inside `spawn_blocking`.

use std::time::Duration;

use parking_lot::Mutex;
use postgres::error::SqlState;
use postgres::{Client, GenericClient, NoTls, Row};
use r2d2_postgres::{r2d2, PostgresConnectionManager};

use crate::config::{refuse, ConfigError};
use crate::outbox::NewEvent;
use crate::store::{now_ms, Begin, IdempotencyStore, Intent, Record, State, TokenUse};

type Pool = r2d2::Pool<PostgresConnectionManager<NoTls>>;

/// `SEATQUOTE_DATABASE_URL` checked: the PostgreSQL store's connection settings (`None`:
/// unset, the SQLite store).
///
/// # Errors
/// Set but empty, not a `postgres://` / `postgresql://` URL, unparsable, or naming no
/// host or database. The message never repeats the URL (it may hold a password).
pub fn database_config(url: Option<&str>) -> Result<Option<postgres::Config>, ConfigError> {
    const VAR: &str = "SEATQUOTE_DATABASE_URL";
    const SHAPE: &str = "postgres://user:password@host:port/database";
    let Some(raw) = url.map(str::trim) else {
        return Ok(None);
    };
    if raw.is_empty() {
        return Err(refuse(
            VAR,
            format!("is empty; unset it for the embedded SQLite store, or give a PostgreSQL URL ({SHAPE})"),
        ));
    }
    if !(raw.starts_with("postgres://") || raw.starts_with("postgresql://")) {
        return Err(refuse(
            VAR,
            format!("is not a PostgreSQL URL; it must look like {SHAPE}"),
        ));
    }
    let cfg: postgres::Config = raw.parse().map_err(|e| {
        refuse(
            VAR,
            format!("is not a valid PostgreSQL URL ({e}); it must look like {SHAPE}"),
        )
    })?;
    if cfg.get_hosts().is_empty() {
        return Err(refuse(
            VAR,
            format!("names no host; it must look like {SHAPE}"),
        ));
    }
    if cfg.get_dbname().is_none_or(str::is_empty) {
        return Err(refuse(
            VAR,
            format!("names no database; it must look like {SHAPE}"),
        ));
    }
    Ok(Some(cfg))
}

/// PostgreSQL implementation of [`IdempotencyStore`].
pub struct PgStore {
    pool: Pool,
    /// The session holding this process's liveness lock (see the module documentation).
    _alive: Mutex<Client>,
}

pub(crate) fn e(err: impl std::fmt::Display) -> String {
    format!("PostgreSQL: {err}")
}

pub(crate) const COLUMNS: &str = "key, fingerprint, jti, subscription, running_no, from_quantity, quantity, response, state, status, body, resolve_after_ms";
const UNFINISHED: &str = "('recorded','sent','unknown')";

fn num<T: TryFrom<i64>>(v: i64, what: &str) -> Result<T, String> {
    T::try_from(v).map_err(|_| format!("stored {what} out of range: {v}"))
}

pub(crate) fn record(r: &Row) -> Result<Record, String> {
    let Some(state) = State::from_stored(r.get::<_, &str>(8)) else {
        return Ok(Record::Done {
            fingerprint: r.get(1),
            status: num(
                i64::from(r.get::<_, Option<i32>>(9).unwrap_or(200)),
                "status",
            )?,
            body: r.get::<_, Option<String>>(10).unwrap_or_default(),
        });
    };
    Ok(Record::Pending(Intent {
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
    }))
}

/// The key of a process's liveness lock (`pg_advisory_lock` takes a bigint).
const ALIVE_SQL: &str = "hashtextextended('seatquote-alive:' || $1::text, 0)";

impl PgStore {
    /// Connects (a pool of `pool_size`), applies the migrations ([`crate::migrate`]) and
    /// takes this process's liveness lock as `instance`.
    ///
    /// # Errors
    /// The database unreachable within 10 s, or a migration failing.
    pub fn open(config: postgres::Config, instance: &str, pool_size: u32) -> Result<Self, String> {
        let mut alive = config.connect(NoTls).map_err(e)?;
        crate::migrate::postgres(&mut alive)?;
        alive
            .execute(
                &format!("SELECT pg_advisory_lock({ALIVE_SQL})"),
                &[&instance],
            )
            .map_err(e)?;
        let pool = r2d2::Pool::builder()
            .max_size(pool_size)
            .min_idle(Some(1))
            .connection_timeout(Duration::from_secs(10))
            .build(PostgresConnectionManager::new(config, NoTls))
            .map_err(e)?;
        Ok(Self {
            pool,
            _alive: Mutex::new(alive),
        })
    }

    pub(crate) fn conn(
        &self,
    ) -> Result<r2d2::PooledConnection<PostgresConnectionManager<NoTls>>, String> {
        self.pool.get().map_err(e)
    }

    fn execute(
        &self,
        sql: &str,
        params: &[&(dyn postgres::types::ToSql + Sync)],
    ) -> Result<u64, String> {
        self.conn()?.execute(sql, params).map_err(e)
    }
}

/// What stops `i` from being recorded, in this order: its key, its quote, its item. One
/// statement, so one snapshot even while other replicas commit.
fn taken(c: &mut impl GenericClient, i: &Intent, item: i64) -> Result<Option<Begin>, String> {
    let row = c
        .query_opt(
            &format!(
                "SELECT CASE WHEN key = $1 THEN 1 WHEN jti = $2 THEN 2 ELSE 3 END AS why
                 FROM commits
                 WHERE key = $1 OR jti = $2
                    OR (subscription = $3 AND running_no = $4 AND state IN {UNFINISHED})
                 ORDER BY why LIMIT 1"
            ),
            &[&i.key, &i.jti, &i.subscription, &item],
        )
        .map_err(e)?;
    Ok(row.map(|r| match r.get::<_, i32>(0) {
        1 => Begin::KeyExists,
        2 => Begin::TokenUsed,
        _ => Begin::ItemBusy,
    }))
}

fn i64_of(v: impl Into<u64>) -> Result<i64, String> {
    i64::try_from(v.into()).map_err(|_| "number out of range".to_owned())
}

impl IdempotencyStore for PgStore {
    fn get(&self, key: &str) -> Result<Option<Record>, String> {
        let row = self
            .conn()?
            .query_opt(
                &format!("SELECT {COLUMNS} FROM commits WHERE key = $1"),
                &[&key],
            )
            .map_err(e)?;
        row.as_ref().map(record).transpose()
    }

    fn begin(&self, i: &Intent, owner: &str) -> Result<Begin, String> {
        let (item, from, to) = (
            i64_of(i.running_no)?,
            i64_of(i.from_quantity)?,
            i64_of(i.quantity)?,
        );
        let mut c = self.conn()?;
        let mut tx = c.transaction().map_err(e)?;
        if let Some(taken) = taken(&mut tx, i, item)? {
            return Ok(taken);
        }
        let inserted = tx.execute(
            "INSERT INTO commits (key, fingerprint, jti, subscription, running_no, from_quantity, quantity, response, state, resolve_after_ms, updated_ms, lease_owner)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'recorded', $9, $10, $11)",
            &[&i.key, &i.fingerprint, &i.jti, &i.subscription, &item, &from, &to, &i.response, &i.resolve_after, &now_ms(), &owner],
        );
        match inserted {
            Ok(_) => {
                tx.commit().map_err(e)?;
                Ok(Begin::Started)
            }
            // Another replica inserted between the reads and this write (the insert
            // waited for it to commit): read again to say what is taken, in the same
            // order as above.
            Err(err) if err.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
                drop(tx);
                Ok(taken(&mut *c, i, item)?.unwrap_or(Begin::KeyExists))
            }
            Err(err) => Err(e(err)),
        }
    }

    fn plan(&self, key: &str, from_quantity: u32, response: &str) -> Result<(), String> {
        self.execute(
            "UPDATE commits SET from_quantity = $2, response = $3, updated_ms = $4
             WHERE key = $1 AND state = 'recorded'",
            &[&key, &i64::from(from_quantity), &response, &now_ms()],
        )
        .map(|_| ())
    }

    fn mark_sent(&self, key: &str, resolve_after: i64) -> Result<bool, String> {
        self.execute(
            "UPDATE commits SET state = 'sent', resolve_after_ms = $2, updated_ms = $3
             WHERE key = $1 AND state = 'recorded'",
            &[&key, &resolve_after, &now_ms()],
        )
        .map(|n| n == 1)
    }

    fn mark_unknown(&self, key: &str) -> Result<(), String> {
        self.execute(
            "UPDATE commits SET state = 'unknown', updated_ms = $2 WHERE key = $1 AND state = 'sent'",
            &[&key, &now_ms()],
        )
        .map(|_| ())
    }

    fn token_use(&self, jti: &str) -> Result<Option<TokenUse>, String> {
        let row = self
            .conn()?
            .query_opt("SELECT state FROM commits WHERE jti = $1", &[&jti])
            .map_err(e)?;
        Ok(row.map(|r| TokenUse::from_stored(r.get::<_, &str>(0))))
    }

    fn complete(
        &self,
        key: &str,
        status: u16,
        body: &str,
        event: Option<&NewEvent>,
    ) -> Result<(), String> {
        let state = crate::store::finished_state(status);
        let now = now_ms();
        let mut c = self.conn()?;
        let mut tx = c.transaction().map_err(e)?;
        let finished = tx
            .execute(
                &format!(
                    "UPDATE commits SET state = $4, status = $2, body = $3, lease_owner = NULL,
                 updated_ms = $5, completed_at = now() WHERE key = $1 AND state IN {UNFINISHED}"
                ),
                &[&key, &i32::from(status), &body, &state, &now],
            )
            .map_err(e)?;
        if let (1, Some(ev)) = (finished, event) {
            crate::outbox_pg::insert_event(&mut tx, ev, now)?;
        }
        tx.commit().map_err(e)
    }

    fn abandon(&self, key: &str) -> Result<(), String> {
        self.execute(
            &format!("DELETE FROM commits WHERE key = $1 AND state IN {UNFINISHED}"),
            &[&key],
        )
        .map(|_| ())
    }

    fn abandon_recorded(&self, key: &str, owner: &str, stale_before: i64) -> Result<bool, String> {
        let mut c = self.conn()?;
        let mut tx = c.transaction().map_err(e)?;
        let Some(row) = tx
            .query_opt(
                "SELECT lease_owner, updated_ms FROM commits WHERE key = $1 AND state = 'recorded' FOR UPDATE",
                &[&key],
            )
            .map_err(e)?
        else {
            return Ok(false);
        };
        let (recorder, updated): (Option<String>, i64) = (row.get(0), row.get(1));
        let over = match recorder.as_deref() {
            _ if updated < stale_before => true,
            Some(r) if r == owner => true,
            None => true,
            // The recorder's liveness lock is free: its process (session) is gone.
            Some(r) => {
                let free: bool = tx
                    .query_one(
                        &format!("SELECT pg_try_advisory_xact_lock({ALIVE_SQL})"),
                        &[&r],
                    )
                    .map_err(e)?
                    .get(0);
                free
            }
        };
        if over {
            tx.execute("DELETE FROM commits WHERE key = $1", &[&key])
                .map_err(e)?;
        }
        tx.commit().map_err(e)?;
        Ok(over)
    }

    fn lease(&self, key: &str, owner: &str, now: i64, until: i64) -> Result<bool, String> {
        self.execute(
            "UPDATE commits SET lease_owner = $2, lease_until_ms = $4
             WHERE key = $1 AND state IN ('sent','unknown')
               AND resolve_after_ms <= $3 AND lease_until_ms <= $3",
            &[&key, &owner, &now, &until],
        )
        .map(|n| n == 1)
    }

    fn release(&self, key: &str, owner: &str) -> Result<(), String> {
        self.execute(
            "UPDATE commits SET lease_until_ms = 0 WHERE key = $1 AND lease_owner = $2",
            &[&key, &owner],
        )
        .map(|_| ())
    }

    fn due(&self, now: i64, stale_before: i64) -> Result<Vec<Intent>, String> {
        let rows = self
            .conn()?
            .query(
                &format!(
                    "SELECT {COLUMNS} FROM commits
                     WHERE (state IN ('sent','unknown') AND resolve_after_ms <= $1 AND lease_until_ms <= $1)
                        OR (state = 'recorded' AND updated_ms < $2)
                     ORDER BY resolve_after_ms LIMIT 100"
                ),
                &[&now, &stale_before],
            )
            .map_err(e)?;
        let mut out = Vec::new();
        for r in &rows {
            if let Record::Pending(i) = record(r)? {
                out.push(i);
            }
        }
        Ok(out)
    }
}

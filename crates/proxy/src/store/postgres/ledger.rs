//! [`IdempotencyStore`] for [`PgStore`]: the commit ledger's rows (see the module
//! documentation of [`super`] for what holds across replicas).

use postgres::error::SqlState;
use postgres::GenericClient;

use super::{i64_of, num, record, PgStore, ALIVE_SQL, UNFINISHED};
use crate::domain::event::NewEvent;
use crate::domain::intent::Intent;
use crate::store::{
    now_ms, Begin, IdempotencyStore, Plan, Record, StoreError, TokenUse, Unfinished, COLUMNS,
};

/// What stops `i` from being recorded, in this order: its key, its quote, its item. One
/// statement, so one snapshot even while other replicas commit.
fn taken(c: &mut impl GenericClient, i: &Intent, item: i64) -> Result<Option<Begin>, StoreError> {
    let row = c.query_opt(
        &format!(
            "SELECT CASE WHEN key = $1 THEN 1 WHEN jti = $2 THEN 2 ELSE 3 END AS why
                 FROM commits
                 WHERE key = $1 OR jti = $2
                    OR (subscription = $3 AND running_no = $4 AND state IN {UNFINISHED})
                 ORDER BY why LIMIT 1"
        ),
        &[&i.key, &i.jti, &i.subscription, &item],
    )?;
    Ok(row.map(|r| match r.get::<_, i32>(0) {
        1 => Begin::KeyExists,
        2 => Begin::TokenUsed,
        _ => Begin::ItemBusy,
    }))
}

impl IdempotencyStore for PgStore {
    fn get(&self, key: &str) -> Result<Option<Record>, StoreError> {
        let row = self.conn()?.query_opt(
            &format!("SELECT {COLUMNS} FROM commits WHERE key = $1"),
            &[&key],
        )?;
        row.as_ref().map(record).transpose()
    }

    fn begin(&self, i: &Intent, owner: &str) -> Result<Begin, StoreError> {
        let (item, from, to) = (
            i64_of(i.running_no)?,
            i64_of(i.from_quantity)?,
            i64_of(i.quantity)?,
        );
        let mut c = self.conn()?;
        let mut tx = c.transaction()?;
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
                tx.commit()?;
                Ok(Begin::Started)
            }
            // Another replica inserted between the reads and this write (the insert
            // waited for it to commit): read again to say what is taken, in the same
            // order as above.
            Err(err) if err.code() == Some(&SqlState::UNIQUE_VIOLATION) => {
                drop(tx);
                Ok(taken(&mut *c, i, item)?.unwrap_or(Begin::KeyExists))
            }
            Err(err) => Err(err.into()),
        }
    }

    fn plan(&self, key: &str, p: &Plan<'_>) -> Result<(), StoreError> {
        self.execute(
            "UPDATE commits SET from_quantity = $2, response = $3, updated_ms = $4,
             item_before = $5, item_intended = $6
             WHERE key = $1 AND state = 'recorded'",
            &[
                &key,
                &i64::from(p.from_quantity),
                &p.response,
                &now_ms(),
                &p.before,
                &p.intended,
            ],
        )
        .map(|_| ())
    }

    fn mark_sent(&self, key: &str, resolve_after: i64) -> Result<bool, StoreError> {
        self.execute(
            "UPDATE commits SET state = 'sent', resolve_after_ms = $2, updated_ms = $3
             WHERE key = $1 AND state = 'recorded'",
            &[&key, &resolve_after, &now_ms()],
        )
        .map(|n| n == 1)
    }

    fn mark_unknown(&self, key: &str) -> Result<(), StoreError> {
        self.execute(
            "UPDATE commits SET state = 'unknown', updated_ms = $2 WHERE key = $1 AND state = 'sent'",
            &[&key, &now_ms()],
        )
        .map(|_| ())
    }

    fn token_use(&self, jti: &str) -> Result<Option<TokenUse>, StoreError> {
        let row = self
            .conn()?
            .query_opt("SELECT state FROM commits WHERE jti = $1", &[&jti])?;
        Ok(row.map(|r| TokenUse::from_stored(r.get::<_, &str>(0))))
    }

    fn complete(
        &self,
        key: &str,
        status: u16,
        body: &str,
        event: Option<&NewEvent>,
    ) -> Result<bool, StoreError> {
        let state = crate::store::finished_state(status);
        let now = now_ms();
        let mut c = self.conn()?;
        let mut tx = c.transaction()?;
        let finished = tx.execute(
            &format!(
                "UPDATE commits SET state = $4, status = $2, body = $3, lease_owner = NULL,
                 updated_ms = $5, completed_at = now() WHERE key = $1 AND state IN {UNFINISHED}"
            ),
            &[&key, &i32::from(status), &body, &state, &now],
        )?;
        if let (1, Some(ev)) = (finished, event) {
            super::outbox::insert_event(&mut tx, ev, now)?;
        }
        tx.commit()?;
        Ok(finished == 1)
    }

    fn record_applied(&self, i: &Intent, event: &NewEvent) -> Result<bool, StoreError> {
        let now = now_ms();
        let (item, from, to) = (
            i64_of(i.running_no)?,
            i64_of(i.from_quantity)?,
            i64_of(i.quantity)?,
        );
        let mut c = self.conn()?;
        let mut tx = c.transaction()?;
        let state: Option<String> = tx
            .query_opt(
                "SELECT state FROM commits WHERE key = $1 FOR UPDATE",
                &[&i.key],
            )?
            .map(|r| r.get(0));
        match state.as_deref() {
            Some("done") => return Ok(false),
            Some(_) => {
                tx.execute(
                    "UPDATE commits SET state = 'done', status = 200, body = $2, lease_owner = NULL,
                     updated_ms = $3, completed_at = now() WHERE key = $1",
                    &[&i.key, &i.response, &now],
                )?;
            }
            None => {
                tx.execute(
                    "INSERT INTO commits (key, fingerprint, jti, subscription, running_no, from_quantity, quantity, response,
                       state, status, body, resolve_after_ms, updated_ms, completed_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'done', 200, $8, $9, $10, now())",
                    &[&i.key, &i.fingerprint, &i.jti, &i.subscription, &item, &from, &to, &i.response, &i.resolve_after, &now],
                )?;
            }
        }
        super::outbox::insert_event(&mut tx, event, now)?;
        tx.commit()?;
        Ok(true)
    }

    fn finish_not_applied(&self, key: &str, body: &str) -> Result<(), StoreError> {
        self.execute(
            &format!(
                "UPDATE commits SET state = 'not_applied', status = 409, body = $2,
                 lease_owner = NULL, updated_ms = $3, completed_at = now()
                 WHERE key = $1 AND state IN {UNFINISHED}"
            ),
            &[&key, &body, &now_ms()],
        )
        .map(|_| ())
    }

    fn refuse(&self, key: &str, body: &str) -> Result<(), StoreError> {
        self.execute(
            "UPDATE commits SET state = 'refused', status = 409, body = $2,
             lease_owner = NULL, updated_ms = $3, completed_at = now()
             WHERE key = $1 AND state = 'recorded'",
            &[&key, &body, &now_ms()],
        )
        .map(|_| ())
    }

    fn abandon(&self, key: &str) -> Result<(), StoreError> {
        self.execute(
            &format!("DELETE FROM commits WHERE key = $1 AND state IN {UNFINISHED}"),
            &[&key],
        )
        .map(|_| ())
    }

    fn abandon_recorded(
        &self,
        key: &str,
        owner: &str,
        stale_before: i64,
    ) -> Result<bool, StoreError> {
        let mut c = self.conn()?;
        let mut tx = c.transaction()?;
        let Some(row) = tx
            .query_opt(
                "SELECT lease_owner, updated_ms FROM commits WHERE key = $1 AND state = 'recorded' FOR UPDATE",
                &[&key],
            )
            ?
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
                    )?
                    .get(0);
                free
            }
        };
        if over {
            tx.execute("DELETE FROM commits WHERE key = $1", &[&key])?;
        }
        tx.commit()?;
        Ok(over)
    }

    fn lease(&self, key: &str, owner: &str, now: i64, until: i64) -> Result<bool, StoreError> {
        self.execute(
            "UPDATE commits SET lease_owner = $2, lease_until_ms = $4
             WHERE key = $1 AND state IN ('sent','unknown')
               AND resolve_after_ms <= $3 AND lease_until_ms <= $3",
            &[&key, &owner, &now, &until],
        )
        .map(|n| n == 1)
    }

    fn lease_early(
        &self,
        key: &str,
        owner: &str,
        now: i64,
        until: i64,
    ) -> Result<bool, StoreError> {
        self.execute(
            "UPDATE commits SET lease_owner = $2, lease_until_ms = $4
             WHERE key = $1 AND state IN ('sent','unknown') AND lease_until_ms <= $3",
            &[&key, &owner, &now, &until],
        )
        .map(|n| n == 1)
    }

    fn hold(&self, key: &str, owner: &str, until: i64) -> Result<(), StoreError> {
        self.execute(
            "UPDATE commits SET lease_until_ms = $3 WHERE key = $1 AND lease_owner = $2",
            &[&key, &owner, &until],
        )
        .map(|_| ())
    }

    fn back_off(&self, key: &str, owner: &str, now: i64) -> Result<(), StoreError> {
        self.execute(
            "UPDATE commits SET lease_until_ms = $3 + LEAST(500 * (1::bigint << LEAST(resolve_failures, 7)), 60000),
             resolve_failures = resolve_failures + 1
             WHERE key = $1 AND lease_owner = $2",
            &[&key, &owner, &now],
        )
        .map(|_| ())
    }

    fn release(&self, key: &str, owner: &str) -> Result<(), StoreError> {
        self.execute(
            "UPDATE commits SET lease_until_ms = 0 WHERE key = $1 AND lease_owner = $2",
            &[&key, &owner],
        )
        .map(|_| ())
    }

    fn due(&self, now: i64, stale_before: i64) -> Result<Vec<Intent>, StoreError> {
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
            ?;
        let mut out = Vec::new();
        for r in &rows {
            if let Record::Pending(i) = record(r)? {
                out.push(i);
            }
        }
        Ok(out)
    }

    fn unfinished(&self, subscription: &str) -> Result<Vec<Unfinished>, StoreError> {
        let rows = self.conn()?.query(
            &format!(
                "SELECT running_no, quantity,
                        to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')
                 FROM commits
                 WHERE subscription = $1 AND state IN {UNFINISHED}
                 ORDER BY created_at, key"
            ),
            &[&subscription],
        )?;
        rows.iter()
            .map(|r| {
                Ok(Unfinished {
                    running_no: num(r.get(0), "running_no")?,
                    quantity: num(r.get(1), "quantity")?,
                    since: r.get(2),
                })
            })
            .collect()
    }
}

//! [`IdempotencyStore`] for [`PgStore`]: the commit ledger's rows (see the module
//! documentation of [`super`] for what holds across replicas).

use postgres::error::SqlState;
use postgres::GenericClient;

use super::schedule::{replaced_by, reschedule};
use super::{i64_of, record, PgStore, ALIVE_SQL, UNFINISHED};
use crate::domain::event::NewEvent;
use crate::domain::intent::Intent;
use crate::store::{
    now_ms, Begin, IdempotencyStore, Parked, Plan, Record, StoreError, TokenUse, ATTENTION_MS,
    COLUMNS,
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
            super::outbox::insert_event(&mut tx, ev, now, self.target.as_deref())?;
        }
        if finished == 1 && status == 200 {
            replaced_by(&mut tx, key, now, self.target.as_deref())?;
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
        super::outbox::insert_event(&mut tx, event, now, self.target.as_deref())?;
        replaced_by(&mut tx, &i.key, now, self.target.as_deref())?;
        tx.commit()?;
        Ok(true)
    }

    fn finish_not_applied(&self, key: &str, body: &str) -> Result<(), StoreError> {
        // A scheduled change found not applied is scheduled again, not finished.
        if reschedule(&mut *self.conn()?, key, UNFINISHED)? {
            return Ok(());
        }
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
        // A scheduled change certainly not applied is scheduled again, not forgotten.
        if reschedule(&mut *self.conn()?, key, UNFINISHED)? {
            return Ok(());
        }
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
        // A claimed scheduled change is scheduled again rather than removed.
        if over && !reschedule(&mut tx, key, "('recorded')")? {
            tx.execute("DELETE FROM commits WHERE key = $1", &[&key])?;
        }
        tx.commit()?;
        Ok(over)
    }

    fn lease(&self, key: &str, owner: &str, now: i64, until: i64) -> Result<bool, StoreError> {
        self.execute(
            "UPDATE commits SET lease_owner = $2, lease_until_ms = $4
             WHERE key = $1 AND state IN ('sent','unknown') AND attention_ms IS NULL
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
             WHERE key = $1 AND state IN ('sent','unknown') AND lease_until_ms <= $3
               AND attention_ms IS NULL",
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

    fn back_off(
        &self,
        key: &str,
        owner: &str,
        now: i64,
        park_after: u32,
        event: &NewEvent,
    ) -> Result<bool, StoreError> {
        let mut c = self.conn()?;
        let mut tx = c.transaction()?;
        let failures: Option<i32> = tx
            .query_opt(
                "UPDATE commits SET lease_until_ms = $3 + LEAST(500 * (1::bigint << LEAST(resolve_failures, 7)), 60000),
                 resolve_failures = resolve_failures + 1
                 WHERE key = $1 AND lease_owner = $2 AND attention_ms IS NULL
                 RETURNING resolve_failures",
                &[&key, &owner, &now],
            )?
            .map(|r| r.get(0));
        let park = failures.is_some_and(|f| i64::from(f) >= i64::from(park_after.max(1)));
        if park {
            tx.execute(
                "UPDATE commits SET attention_ms = $2, lease_owner = NULL, lease_until_ms = 0
                 WHERE key = $1",
                &[&key, &now],
            )?;
            super::outbox::insert_event(&mut tx, event, now, self.target.as_deref())?;
        }
        tx.commit()?;
        Ok(park)
    }

    fn parked(&self, limit: u32) -> Result<Vec<Parked>, StoreError> {
        let rows = self.conn()?.query(
            &format!(
                "SELECT {COLUMNS}, resolve_failures FROM commits
                 WHERE attention_ms IS NOT NULL AND state IN ('sent','unknown')
                 ORDER BY attention_ms LIMIT $1"
            ),
            &[&i64::from(limit)],
        )?;
        let mut out = Vec::new();
        for r in &rows {
            if let Record::Pending(intent) = record(r)? {
                out.push(Parked {
                    intent,
                    failures: u32::try_from(r.get::<_, i32>(ATTENTION_MS + 1)).unwrap_or(0),
                    since_ms: r.get::<_, Option<i64>>(ATTENTION_MS).unwrap_or(0),
                });
            }
        }
        Ok(out)
    }

    fn unpark(&self, key: &str) -> Result<bool, StoreError> {
        self.execute(
            "UPDATE commits SET attention_ms = NULL, resolve_failures = 0, lease_owner = NULL,
             lease_until_ms = 0, updated_ms = $2
             WHERE key = $1 AND attention_ms IS NOT NULL AND state IN ('sent','unknown')",
            &[&key, &now_ms()],
        )
        .map(|n| n == 1)
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
                     WHERE (state IN ('sent','unknown') AND resolve_after_ms <= $1 AND lease_until_ms <= $1
                            AND attention_ms IS NULL)
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
}

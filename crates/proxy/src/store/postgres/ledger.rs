//! [`IdempotencyStore`] for [`PgStore`]: the commit ledger's rows (see the module
//! documentation of [`super`] for what holds across replicas). Every write after `begin`
//! matches the key and the attempt (fencing); every time is [`NOW_MS`], the database's.

use postgres::error::SqlState;
use postgres::GenericClient;

use super::schedule::{replaced_by, reschedule};
use super::{i64_of, record, PgStore, NOW_MS, UNFINISHED};
use crate::domain::event::NewEvent;
use crate::domain::intent::Intent;
use crate::store::{
    now_ms, Begin, IdempotencyStore, Parked, Plan, Record, StoreError, TokenUse, Unfinished,
    COLUMNS,
};

/// What stops `i` from being recorded, in this order: its key, its quote, its item. One
/// statement, so one snapshot even while other replicas commit.
fn taken(c: &mut impl GenericClient, i: &Intent) -> Result<Option<Begin>, StoreError> {
    let row = c.query_opt(
        &format!(
            "SELECT CASE WHEN key = $1 THEN 1 WHEN jti = $2 THEN 2 ELSE 3 END AS why
                 FROM commits
                 WHERE key = $1 OR jti = $2
                    OR (subscription = $3 AND COALESCE(item_lock, running_no::text) = $4
                        AND state IN {UNFINISHED})
                 ORDER BY why LIMIT 1"
        ),
        &[&i.key, &i.jti, &i.subscription, &i.item_lock()],
    )?;
    Ok(row.map(|r| match r.get::<_, i32>(0) {
        1 => Begin::KeyExists,
        2 => Begin::TokenUsed,
        _ => Begin::ItemBusy,
    }))
}

impl IdempotencyStore for PgStore {
    fn clock_ms(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn()?
            .query_one(&format!("SELECT {NOW_MS}"), &[])?
            .get(0))
    }

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
        if let Some(taken) = taken(&mut tx, i)? {
            return Ok(taken);
        }
        let inserted = tx.execute(
            &format!("INSERT INTO commits (key, fingerprint, jti, subscription, running_no, from_quantity, quantity, response, state, resolve_after_ms, updated_ms, lease_owner, attempt, kind, product_before, product_after, item_lock)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'recorded', $9, {NOW_MS}, $10, $11, $12, $13, $14, $15)"),
            &[&i.key, &i.fingerprint, &i.jti, &i.subscription, &item, &from, &to, &i.response, &i.resolve_after, &owner, &i.attempt, &i.change.kind.as_str(), &i.change.product_before, &i.change.product_after, &i.item_lock()],
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
                Ok(taken(&mut *c, i)?.unwrap_or(Begin::KeyExists))
            }
            Err(err) => Err(err.into()),
        }
    }

    fn plan(&self, key: &str, attempt: &str, p: &Plan<'_>) -> Result<bool, StoreError> {
        self.execute(
            &format!(
                "UPDATE commits SET from_quantity = $3, response = $4, updated_ms = {NOW_MS},
                 item_before = $5, item_intended = $6
                 WHERE key = $1 AND attempt = $2 AND state = 'recorded'"
            ),
            &[
                &key,
                &attempt,
                &i64::from(p.from_quantity),
                &p.response,
                &p.before,
                &p.intended,
            ],
        )
        .map(|n| n == 1)
    }

    fn mark_sent(
        &self,
        key: &str,
        attempt: &str,
        after_ms: i64,
    ) -> Result<Option<i64>, StoreError> {
        let row = self.conn()?.query_opt(
            &format!(
                "UPDATE commits SET state = 'sent', resolve_after_ms = {NOW_MS} + $3, updated_ms = {NOW_MS}
                 WHERE key = $1 AND attempt = $2 AND state = 'recorded'
                 RETURNING resolve_after_ms"
            ),
            &[&key, &attempt, &after_ms],
        )?;
        Ok(row.map(|r| r.get(0)))
    }

    fn mark_unknown(&self, key: &str, attempt: &str) -> Result<bool, StoreError> {
        self.execute(
            &format!(
                "UPDATE commits SET state = 'unknown', updated_ms = {NOW_MS}
                 WHERE key = $1 AND attempt = $2 AND state = 'sent'"
            ),
            &[&key, &attempt],
        )
        .map(|n| n == 1)
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
        attempt: &str,
        status: u16,
        body: &str,
        event: Option<&NewEvent>,
    ) -> Result<bool, StoreError> {
        let state = crate::store::finished_state(status);
        let mut c = self.conn()?;
        let mut tx = c.transaction()?;
        let finished = tx.execute(
            &format!(
                "UPDATE commits SET state = $5, status = $3, body = $4, lease_owner = NULL,
                 updated_ms = {NOW_MS}, completed_at = now()
                 WHERE key = $1 AND attempt = $2 AND state IN {UNFINISHED}"
            ),
            &[&key, &attempt, &i32::from(status), &body, &state],
        )?;
        // The outbox keeps its own times (the deliverer's clock), as before.
        if let (1, Some(ev)) = (finished, event) {
            super::outbox::insert_event(&mut tx, ev, now_ms(), self.target.as_deref())?;
        }
        if finished == 1 && status == 200 {
            replaced_by(&mut tx, key, now_ms(), self.target.as_deref())?;
        }
        tx.commit()?;
        Ok(finished == 1)
    }

    fn record_applied(&self, i: &Intent, event: &NewEvent) -> Result<bool, StoreError> {
        let (item, from, to) = (
            i64_of(i.running_no)?,
            i64_of(i.from_quantity)?,
            i64_of(i.quantity)?,
        );
        let mut c = self.conn()?;
        let mut tx = c.transaction()?;
        let row = tx.query_opt(
            &format!("SELECT state, {NOW_MS} FROM commits WHERE key = $1 FOR UPDATE"),
            &[&i.key],
        )?;
        let now: i64 = match &row {
            Some(r) => r.get(1),
            None => tx.query_one(&format!("SELECT {NOW_MS}"), &[])?.get(0),
        };
        match row.as_ref().map(|r| r.get::<_, String>(0)).as_deref() {
            Some("done") => return Ok(false),
            Some(_) => {
                tx.execute(
                    "UPDATE commits SET state = 'done', status = 200, body = $2, lease_owner = NULL,
                     updated_ms = $3, completed_at = now(), attempt = $4 WHERE key = $1",
                    &[&i.key, &i.response, &now, &i.attempt],
                )?;
            }
            None => {
                tx.execute(
                    "INSERT INTO commits (key, fingerprint, jti, subscription, running_no, from_quantity, quantity, response,
                       state, status, body, resolve_after_ms, updated_ms, completed_at, attempt, kind, product_before, product_after)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'done', 200, $8, $9, $10, now(), $11, $12, $13, $14)",
                    &[&i.key, &i.fingerprint, &i.jti, &i.subscription, &item, &from, &to, &i.response, &i.resolve_after, &now, &i.attempt, &i.change.kind.as_str(), &i.change.product_before, &i.change.product_after],
                )?;
            }
        }
        super::outbox::insert_event(&mut tx, event, now_ms(), self.target.as_deref())?;
        replaced_by(&mut tx, &i.key, now_ms(), self.target.as_deref())?;
        tx.commit()?;
        Ok(true)
    }

    fn finish_not_applied(
        &self,
        key: &str,
        attempt: &str,
        body: &str,
        quarantine_ms: i64,
    ) -> Result<bool, StoreError> {
        // A scheduled change found not applied is scheduled again, not finished.
        let mut c = self.conn()?;
        if reschedule(&mut *c, key, attempt, UNFINISHED, Some(quarantine_ms))? {
            return Ok(true);
        }
        drop(c);
        self.execute(
            &format!(
                "UPDATE commits SET state = 'not_applied', status = 409, body = $3,
                 lease_owner = NULL, updated_ms = {NOW_MS}, completed_at = now()
                 WHERE key = $1 AND attempt = $2 AND state IN {UNFINISHED}
                   AND resolve_after_ms + $4 <= {NOW_MS}"
            ),
            &[&key, &attempt, &body, &quarantine_ms],
        )
        .map(|n| n == 1)
    }

    fn refuse(&self, key: &str, attempt: &str, body: &str) -> Result<bool, StoreError> {
        self.execute(
            &format!(
                "UPDATE commits SET state = 'refused', status = 409, body = $3,
                 lease_owner = NULL, updated_ms = {NOW_MS}, completed_at = now()
                 WHERE key = $1 AND attempt = $2 AND state = 'recorded'"
            ),
            &[&key, &attempt, &body],
        )
        .map(|n| n == 1)
    }

    fn abandon(&self, key: &str, attempt: &str) -> Result<bool, StoreError> {
        // A scheduled change certainly not applied is scheduled again, not forgotten.
        if reschedule(&mut *self.conn()?, key, attempt, UNFINISHED, None)? {
            return Ok(true);
        }
        self.execute(
            &format!(
                "DELETE FROM commits WHERE key = $1 AND attempt = $2 AND state IN {UNFINISHED}"
            ),
            &[&key, &attempt],
        )
        .map(|n| n == 1)
    }

    fn abandon_recorded(
        &self,
        key: &str,
        attempt: &str,
        owner: &str,
        stale_ms: i64,
    ) -> Result<bool, StoreError> {
        let mut c = self.conn()?;
        let mut tx = c.transaction()?;
        let Some(row) = tx.query_opt(
            &format!(
                "SELECT lease_owner, updated_ms < {NOW_MS} - $3 FROM commits
                 WHERE key = $1 AND attempt = $2 AND state = 'recorded' FOR UPDATE"
            ),
            &[&key, &attempt, &stale_ms],
        )?
        else {
            return Ok(false);
        };
        let (recorder, stale): (Option<String>, bool) = (row.get(0), row.get(1));
        let over = match recorder.as_deref() {
            _ if stale => true,
            Some(r) if r == owner => true,
            None => true,
            // The recorder's heartbeat is older than the replica timeout, on the
            // database's clock: its process is gone (a cut session is not enough).
            Some(r) => {
                let alive: bool = tx
                    .query_one(
                        "SELECT EXISTS (SELECT 1 FROM replicas WHERE instance = $1
                           AND beat_at > now() - $2::bigint * interval '1 millisecond')",
                        &[&r, &self.replica_timeout_ms],
                    )?
                    .get(0);
                !alive
            }
        };
        // A claimed scheduled change is scheduled again rather than removed.
        if over && !reschedule(&mut tx, key, attempt, "('recorded')", None)? {
            tx.execute(
                "DELETE FROM commits WHERE key = $1 AND attempt = $2",
                &[&key, &attempt],
            )?;
        }
        tx.commit()?;
        Ok(over)
    }

    fn lease(
        &self,
        key: &str,
        attempt: &str,
        owner: &str,
        for_ms: i64,
    ) -> Result<bool, StoreError> {
        self.execute(
            &format!(
                "UPDATE commits SET lease_owner = $3, lease_until_ms = {NOW_MS} + $4
                 WHERE key = $1 AND attempt = $2 AND state IN ('sent','unknown')
                   AND attention_ms IS NULL
                   AND resolve_after_ms <= {NOW_MS} AND lease_until_ms <= {NOW_MS}"
            ),
            &[&key, &attempt, &owner, &for_ms],
        )
        .map(|n| n == 1)
    }

    fn lease_early(
        &self,
        key: &str,
        attempt: &str,
        owner: &str,
        for_ms: i64,
    ) -> Result<bool, StoreError> {
        self.execute(
            &format!(
                "UPDATE commits SET lease_owner = $3, lease_until_ms = {NOW_MS} + $4
                 WHERE key = $1 AND attempt = $2 AND state IN ('sent','unknown')
                   AND attention_ms IS NULL AND lease_until_ms <= {NOW_MS}"
            ),
            &[&key, &attempt, &owner, &for_ms],
        )
        .map(|n| n == 1)
    }

    fn hold(&self, key: &str, attempt: &str, owner: &str, for_ms: i64) -> Result<(), StoreError> {
        self.execute(
            &format!(
                "UPDATE commits SET lease_until_ms = {NOW_MS} + $4
                 WHERE key = $1 AND attempt = $2 AND lease_owner = $3"
            ),
            &[&key, &attempt, &owner, &for_ms],
        )
        .map(|_| ())
    }

    fn back_off(
        &self,
        key: &str,
        attempt: &str,
        owner: &str,
        park_after: u32,
        event: &NewEvent,
    ) -> Result<bool, StoreError> {
        self.park_back_off(key, attempt, owner, park_after, event)
    }

    fn parked(&self, limit: u32) -> Result<Vec<Parked>, StoreError> {
        self.parked_intents(limit)
    }

    fn unpark(&self, key: &str) -> Result<bool, StoreError> {
        self.unpark_intent(key)
    }

    fn release(&self, key: &str, attempt: &str, owner: &str) -> Result<(), StoreError> {
        self.execute(
            "UPDATE commits SET lease_until_ms = 0 WHERE key = $1 AND attempt = $2 AND lease_owner = $3",
            &[&key, &attempt, &owner],
        )
        .map(|_| ())
    }

    fn due(&self, stale_ms: i64) -> Result<Vec<Intent>, StoreError> {
        self.due_intents(stale_ms)
    }

    fn beat(&self, instance: &str) -> Result<(), StoreError> {
        self.write_beat(instance)
    }

    fn unfinished(&self, subscription: &str) -> Result<Vec<Unfinished>, StoreError> {
        self.unfinished_changes(subscription)
    }
}

//! [`IdempotencyStore`] for [`SqliteStore`]: the commit ledger's rows. Every write after
//! `begin` matches the key and the attempt (fencing); the store's clock is this process's
//! ([`now_ms`]: one process writes the store).

use rusqlite::{params, OptionalExtension};

use super::schedule::{replaced_by, reschedule};
use super::{record, SqliteStore};
use crate::domain::event::NewEvent;
use crate::domain::intent::Intent;
use crate::store::{
    now_ms, Begin, IdempotencyStore, Parked, Plan, Record, StoreError, TokenUse, Unfinished,
    COLUMNS,
};

/// Unfinished states (`pending`: an older store's spelling of `sent`).
const UNFINISHED: &str = "('recorded','sent','unknown','pending')";

impl SqliteStore {
    /// Runs one statement on the connection; the number of rows it changed.
    pub(super) fn run(&self, sql: &str, p: impl rusqlite::Params) -> Result<usize, StoreError> {
        self.conn.lock().execute(sql, p).map_err(StoreError::from)
    }
}

impl IdempotencyStore for SqliteStore {
    fn clock_ms(&self) -> Result<i64, StoreError> {
        Ok(now_ms())
    }

    fn get(&self, key: &str) -> Result<Option<Record>, StoreError> {
        self.conn
            .lock()
            .query_row(
                &format!("SELECT {COLUMNS} FROM commits WHERE key = ?1"),
                params![key],
                record,
            )
            .optional()
            .map_err(StoreError::from)
    }

    fn begin(&self, i: &Intent, owner: &str) -> Result<Begin, StoreError> {
        let mut c = self.conn.lock();
        let tx = c.transaction()?;
        let exists = |sql: &str, p: &[&dyn rusqlite::ToSql]| -> Result<bool, StoreError> {
            Ok(tx.query_row(sql, p, |_| Ok(())).optional()?.is_some())
        };
        if exists("SELECT 1 FROM commits WHERE key = ?1", &[&i.key])? {
            return Ok(Begin::KeyExists);
        }
        if exists("SELECT 1 FROM commits WHERE jti = ?1", &[&i.jti])? {
            return Ok(Begin::TokenUsed);
        }
        if exists(
            &format!("SELECT 1 FROM commits WHERE subscription = ?1 AND COALESCE(item_lock, CAST(running_no AS TEXT)) = ?2 AND state IN {UNFINISHED}"),
            &[&i.subscription, &i.item_lock()],
        )? {
            return Ok(Begin::ItemBusy);
        }
        tx.execute(
            "INSERT INTO commits (key, fingerprint, jti, subscription, running_no, from_quantity, quantity, response, state, resolve_after_ms, updated_ms, lease_owner, attempt, kind, product_before, product_after, item_lock)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'recorded', ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)",
            params![i.key, i.fingerprint, i.jti, i.subscription, i.running_no, i.from_quantity, i.quantity, i.response, i.resolve_after, now_ms(), owner, i.attempt, i.change.kind.as_str(), i.change.product_before, i.change.product_after, i.item_lock()],
        )
        ?;
        tx.commit()?;
        Ok(Begin::Started)
    }

    fn plan(&self, key: &str, attempt: &str, p: &Plan<'_>) -> Result<bool, StoreError> {
        self.run(
            "UPDATE commits SET from_quantity = ?3, response = ?4, updated_ms = ?5,
             item_before = ?6, item_intended = ?7
             WHERE key = ?1 AND attempt = ?2 AND state = 'recorded'",
            params![
                key,
                attempt,
                p.from_quantity,
                p.response,
                now_ms(),
                p.before,
                p.intended
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
        let now = now_ms();
        let after = now.saturating_add(after_ms);
        let n = self.run(
            "UPDATE commits SET state = 'sent', resolve_after_ms = ?3, updated_ms = ?4
             WHERE key = ?1 AND attempt = ?2 AND state = 'recorded'",
            params![key, attempt, after, now],
        )?;
        Ok((n == 1).then_some(after))
    }

    fn mark_unknown(&self, key: &str, attempt: &str) -> Result<bool, StoreError> {
        self.run(
            "UPDATE commits SET state = 'unknown', updated_ms = ?3
             WHERE key = ?1 AND attempt = ?2 AND state IN ('sent','pending')",
            params![key, attempt, now_ms()],
        )
        .map(|n| n == 1)
    }

    fn token_use(&self, jti: &str) -> Result<Option<TokenUse>, StoreError> {
        let state: Option<String> = self
            .conn
            .lock()
            .query_row(
                "SELECT state FROM commits WHERE jti = ?1",
                params![jti],
                |r| r.get(0),
            )
            .optional()?;
        Ok(state.map(|s| TokenUse::from_stored(&s)))
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
        let now = now_ms();
        let mut c = self.conn.lock();
        let tx = c.transaction()?;
        let finished = tx.execute(
            &format!(
                "UPDATE commits SET state = ?5, status = ?3, body = ?4, lease_owner = NULL,
                 updated_ms = ?6, completed_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
                 WHERE key = ?1 AND attempt = ?2 AND state IN {UNFINISHED}"
            ),
            params![key, attempt, status, body, state, now],
        )?;
        if let (1, Some(ev)) = (finished, event) {
            super::outbox::insert_event(&tx, ev, now, self.target.as_deref())?;
        }
        if finished == 1 && status == 200 {
            replaced_by(&tx, key, now, self.target.as_deref())?;
        }
        tx.commit()?;
        Ok(finished == 1)
    }

    fn record_applied(&self, i: &Intent, event: &NewEvent) -> Result<bool, StoreError> {
        let now = now_ms();
        let mut c = self.conn.lock();
        let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let state: Option<String> = tx
            .query_row(
                "SELECT state FROM commits WHERE key = ?1",
                params![i.key],
                |r| r.get(0),
            )
            .optional()?;
        match state.as_deref() {
            Some("done") => return Ok(false),
            Some(_) => {
                tx.execute(
                    "UPDATE commits SET state = 'done', status = 200, body = ?2, lease_owner = NULL,
                     updated_ms = ?3, completed_at = strftime('%Y-%m-%dT%H:%M:%fZ','now'), attempt = ?4
                     WHERE key = ?1",
                    params![i.key, i.response, now, i.attempt],
                )?;
            }
            None => {
                tx.execute(
                    "INSERT INTO commits (key, fingerprint, jti, subscription, running_no, from_quantity, quantity, response,
                       state, status, body, resolve_after_ms, updated_ms, completed_at, attempt, kind, product_before, product_after)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'done', 200, ?8, ?9, ?10, strftime('%Y-%m-%dT%H:%M:%fZ','now'), ?11, ?12, ?13, ?14)",
                    params![i.key, i.fingerprint, i.jti, i.subscription, i.running_no, i.from_quantity, i.quantity, i.response, i.resolve_after, now, i.attempt, i.change.kind.as_str(), i.change.product_before, i.change.product_after],
                )?;
            }
        }
        super::outbox::insert_event(&tx, event, now, self.target.as_deref())?;
        replaced_by(&tx, &i.key, now, self.target.as_deref())?;
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
        if reschedule(
            &self.conn.lock(),
            key,
            attempt,
            UNFINISHED,
            Some(quarantine_ms),
        )? {
            return Ok(true);
        }
        let now = now_ms();
        self.run(
            &format!(
                "UPDATE commits SET state = 'not_applied', status = 409, body = ?3,
                 lease_owner = NULL, updated_ms = ?4,
                 completed_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
                 WHERE key = ?1 AND attempt = ?2 AND state IN {UNFINISHED}
                   AND resolve_after_ms + ?5 <= ?4"
            ),
            params![key, attempt, body, now, quarantine_ms],
        )
        .map(|n| n == 1)
    }

    fn refuse(&self, key: &str, attempt: &str, body: &str) -> Result<bool, StoreError> {
        self.run(
            "UPDATE commits SET state = 'refused', status = 409, body = ?3,
             lease_owner = NULL, updated_ms = ?4,
             completed_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
             WHERE key = ?1 AND attempt = ?2 AND state = 'recorded'",
            params![key, attempt, body, now_ms()],
        )
        .map(|n| n == 1)
    }

    fn abandon(&self, key: &str, attempt: &str) -> Result<bool, StoreError> {
        // A scheduled change certainly not applied is scheduled again, not forgotten.
        if reschedule(&self.conn.lock(), key, attempt, UNFINISHED, None)? {
            return Ok(true);
        }
        self.run(
            &format!(
                "DELETE FROM commits WHERE key = ?1 AND attempt = ?2 AND state IN {UNFINISHED}"
            ),
            params![key, attempt],
        )
        .map(|n| n == 1)
    }

    fn abandon_recorded(
        &self,
        key: &str,
        attempt: &str,
        _owner: &str,
        _stale_ms: i64,
    ) -> Result<bool, StoreError> {
        // One process: under the key's lock, a recorded intent is a dead request's (a
        // claimed scheduled change is scheduled again).
        if reschedule(&self.conn.lock(), key, attempt, "('recorded')", None)? {
            return Ok(true);
        }
        self.run(
            "DELETE FROM commits WHERE key = ?1 AND attempt = ?2 AND state = 'recorded'",
            params![key, attempt],
        )
        .map(|n| n == 1)
    }

    fn lease(
        &self,
        key: &str,
        attempt: &str,
        owner: &str,
        for_ms: i64,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        self.run(
            "UPDATE commits SET lease_owner = ?3, lease_until_ms = ?4 + ?5
             WHERE key = ?1 AND attempt = ?2 AND state IN ('sent','unknown','pending')
               AND attention_ms IS NULL AND resolve_after_ms <= ?4 AND lease_until_ms <= ?4",
            params![key, attempt, owner, now, for_ms],
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
        let now = now_ms();
        self.run(
            "UPDATE commits SET lease_owner = ?3, lease_until_ms = ?4 + ?5
             WHERE key = ?1 AND attempt = ?2 AND state IN ('sent','unknown','pending')
               AND attention_ms IS NULL AND lease_until_ms <= ?4",
            params![key, attempt, owner, now, for_ms],
        )
        .map(|n| n == 1)
    }

    fn hold(&self, key: &str, attempt: &str, owner: &str, for_ms: i64) -> Result<(), StoreError> {
        self.run(
            "UPDATE commits SET lease_until_ms = ?4 + ?5
             WHERE key = ?1 AND attempt = ?2 AND lease_owner = ?3",
            params![key, attempt, owner, now_ms(), for_ms],
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
        self.run(
            "UPDATE commits SET lease_until_ms = 0 WHERE key = ?1 AND attempt = ?2 AND lease_owner = ?3",
            params![key, attempt, owner],
        )
        .map(|_| ())
    }

    fn due(&self, stale_ms: i64) -> Result<Vec<Intent>, StoreError> {
        let now = now_ms();
        let c = self.conn.lock();
        let mut st = c.prepare(&format!(
            "SELECT {COLUMNS} FROM commits
             WHERE (state IN ('sent','unknown','pending') AND resolve_after_ms <= ?1 AND lease_until_ms <= ?1
                    AND attention_ms IS NULL)
                OR (state = 'recorded' AND updated_ms < ?1 - ?2)
             ORDER BY resolve_after_ms LIMIT 100"
        ))?;
        let rows = st.query_map(params![now, stale_ms], record)?;
        let mut out = Vec::new();
        for r in rows {
            if let Record::Pending(i) = r? {
                out.push(i);
            }
        }
        Ok(out)
    }

    fn beat(&self, _instance: &str) -> Result<(), StoreError> {
        // One process writes this store: it is alive while it runs.
        Ok(())
    }

    fn unfinished(&self, subscription: &str) -> Result<Vec<Unfinished>, StoreError> {
        let c = self.conn.lock();
        let mut st = c.prepare(&format!(
            "SELECT running_no, quantity, created_at FROM commits
             WHERE subscription = ?1 AND state IN {UNFINISHED}
             ORDER BY created_at, key"
        ))?;
        let rows = st.query_map(params![subscription], |r| {
            Ok(Unfinished {
                running_no: r.get(0)?,
                quantity: r.get(1)?,
                since: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }
}

//! [`IdempotencyStore`] for [`SqliteStore`]: the commit ledger's rows.

use rusqlite::{params, OptionalExtension};

use super::{record, SqliteStore};
use crate::domain::event::NewEvent;
use crate::domain::intent::Intent;
use crate::store::{
    now_ms, Begin, IdempotencyStore, Plan, Record, StoreError, TokenUse, Unfinished, COLUMNS,
};

/// Unfinished states (`pending`: an older store's spelling of `sent`).
const UNFINISHED: &str = "('recorded','sent','unknown','pending')";

impl IdempotencyStore for SqliteStore {
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
            &format!("SELECT 1 FROM commits WHERE subscription = ?1 AND running_no = ?2 AND state IN {UNFINISHED}"),
            &[&i.subscription, &i.running_no],
        )? {
            return Ok(Begin::ItemBusy);
        }
        tx.execute(
            "INSERT INTO commits (key, fingerprint, jti, subscription, running_no, from_quantity, quantity, response, state, resolve_after_ms, updated_ms, lease_owner)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'recorded', ?9, ?10, ?11)",
            params![i.key, i.fingerprint, i.jti, i.subscription, i.running_no, i.from_quantity, i.quantity, i.response, i.resolve_after, now_ms(), owner],
        )
        ?;
        tx.commit()?;
        Ok(Begin::Started)
    }

    fn plan(&self, key: &str, p: &Plan<'_>) -> Result<(), StoreError> {
        self.conn
            .lock()
            .execute(
                "UPDATE commits SET from_quantity = ?2, response = ?3, updated_ms = ?4,
                 item_before = ?5, item_intended = ?6
                 WHERE key = ?1 AND state = 'recorded'",
                params![
                    key,
                    p.from_quantity,
                    p.response,
                    now_ms(),
                    p.before,
                    p.intended
                ],
            )
            .map(|_| ())
            .map_err(StoreError::from)
    }

    fn mark_sent(&self, key: &str, resolve_after: i64) -> Result<bool, StoreError> {
        self.conn
            .lock()
            .execute(
                "UPDATE commits SET state = 'sent', resolve_after_ms = ?2, updated_ms = ?3
                 WHERE key = ?1 AND state = 'recorded'",
                params![key, resolve_after, now_ms()],
            )
            .map(|n| n == 1)
            .map_err(StoreError::from)
    }

    fn mark_unknown(&self, key: &str) -> Result<(), StoreError> {
        self.conn
            .lock()
            .execute(
                "UPDATE commits SET state = 'unknown', updated_ms = ?2 WHERE key = ?1 AND state = 'sent'",
                params![key, now_ms()],
            )
            .map(|_| ())
            .map_err(StoreError::from)
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
                "UPDATE commits SET state = ?4, status = ?2, body = ?3, lease_owner = NULL,
                 updated_ms = ?5, completed_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
                 WHERE key = ?1 AND state IN {UNFINISHED}"
            ),
            params![key, status, body, state, now],
        )?;
        if let (1, Some(ev)) = (finished, event) {
            super::outbox::insert_event(&tx, ev, now)?;
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
                     updated_ms = ?3, completed_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
                     WHERE key = ?1",
                    params![i.key, i.response, now],
                )?;
            }
            None => {
                tx.execute(
                    "INSERT INTO commits (key, fingerprint, jti, subscription, running_no, from_quantity, quantity, response,
                       state, status, body, resolve_after_ms, updated_ms, completed_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'done', 200, ?8, ?9, ?10, strftime('%Y-%m-%dT%H:%M:%fZ','now'))",
                    params![i.key, i.fingerprint, i.jti, i.subscription, i.running_no, i.from_quantity, i.quantity, i.response, i.resolve_after, now],
                )?;
            }
        }
        super::outbox::insert_event(&tx, event, now)?;
        tx.commit()?;
        Ok(true)
    }

    fn finish_not_applied(&self, key: &str, body: &str) -> Result<(), StoreError> {
        self.conn
            .lock()
            .execute(
                &format!(
                    "UPDATE commits SET state = 'not_applied', status = 409, body = ?2,
                     lease_owner = NULL, updated_ms = ?3,
                     completed_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
                     WHERE key = ?1 AND state IN {UNFINISHED}"
                ),
                params![key, body, now_ms()],
            )
            .map(|_| ())
            .map_err(StoreError::from)
    }

    fn refuse(&self, key: &str, body: &str) -> Result<(), StoreError> {
        self.conn
            .lock()
            .execute(
                "UPDATE commits SET state = 'refused', status = 409, body = ?2,
                 lease_owner = NULL, updated_ms = ?3,
                 completed_at = strftime('%Y-%m-%dT%H:%M:%fZ','now')
                 WHERE key = ?1 AND state = 'recorded'",
                params![key, body, now_ms()],
            )
            .map(|_| ())
            .map_err(StoreError::from)
    }

    fn abandon(&self, key: &str) -> Result<(), StoreError> {
        self.conn
            .lock()
            .execute(
                &format!("DELETE FROM commits WHERE key = ?1 AND state IN {UNFINISHED}"),
                params![key],
            )
            .map(|_| ())
            .map_err(StoreError::from)
    }

    fn abandon_recorded(&self, key: &str, _owner: &str, _stale: i64) -> Result<bool, StoreError> {
        // One process: under the key's lock, a recorded intent is a dead request's.
        self.conn
            .lock()
            .execute(
                "DELETE FROM commits WHERE key = ?1 AND state = 'recorded'",
                params![key],
            )
            .map(|n| n == 1)
            .map_err(StoreError::from)
    }

    fn lease(&self, key: &str, owner: &str, now: i64, until: i64) -> Result<bool, StoreError> {
        self.conn
            .lock()
            .execute(
                "UPDATE commits SET lease_owner = ?2, lease_until_ms = ?4
                 WHERE key = ?1 AND state IN ('sent','unknown','pending')
                   AND resolve_after_ms <= ?3 AND lease_until_ms <= ?3",
                params![key, owner, now, until],
            )
            .map(|n| n == 1)
            .map_err(StoreError::from)
    }

    fn lease_early(
        &self,
        key: &str,
        owner: &str,
        now: i64,
        until: i64,
    ) -> Result<bool, StoreError> {
        self.conn
            .lock()
            .execute(
                "UPDATE commits SET lease_owner = ?2, lease_until_ms = ?4
                 WHERE key = ?1 AND state IN ('sent','unknown','pending') AND lease_until_ms <= ?3",
                params![key, owner, now, until],
            )
            .map(|n| n == 1)
            .map_err(StoreError::from)
    }

    fn hold(&self, key: &str, owner: &str, until: i64) -> Result<(), StoreError> {
        self.conn
            .lock()
            .execute(
                "UPDATE commits SET lease_until_ms = ?3 WHERE key = ?1 AND lease_owner = ?2",
                params![key, owner, until],
            )
            .map(|_| ())
            .map_err(StoreError::from)
    }

    fn back_off(&self, key: &str, owner: &str, now: i64) -> Result<(), StoreError> {
        self.conn
            .lock()
            .execute(
                "UPDATE commits SET lease_until_ms = ?3 + min(500 * (1 << min(resolve_failures, 7)), 60000),
                 resolve_failures = resolve_failures + 1
                 WHERE key = ?1 AND lease_owner = ?2",
                params![key, owner, now],
            )
            .map(|_| ())
            .map_err(StoreError::from)
    }

    fn release(&self, key: &str, owner: &str) -> Result<(), StoreError> {
        self.conn
            .lock()
            .execute(
                "UPDATE commits SET lease_until_ms = 0 WHERE key = ?1 AND lease_owner = ?2",
                params![key, owner],
            )
            .map(|_| ())
            .map_err(StoreError::from)
    }

    fn due(&self, now: i64, stale_before: i64) -> Result<Vec<Intent>, StoreError> {
        let c = self.conn.lock();
        let mut st = c
            .prepare(&format!(
                "SELECT {COLUMNS} FROM commits
                 WHERE (state IN ('sent','unknown','pending') AND resolve_after_ms <= ?1 AND lease_until_ms <= ?1)
                    OR (state = 'recorded' AND updated_ms < ?2)
                 ORDER BY resolve_after_ms LIMIT 100"
            ))
            ?;
        let rows = st.query_map(params![now, stale_before], record)?;
        let mut out = Vec::new();
        for r in rows {
            if let Record::Pending(i) = r? {
                out.push(i);
            }
        }
        Ok(out)
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

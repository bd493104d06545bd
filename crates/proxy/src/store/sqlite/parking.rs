//! The parking of a commit no read can resolve (DESIGN.md, "The commit state machine":
//! needs attention) in SQLite: the bodies of `IdempotencyStore`'s `back_off`, `parked` and
//! `unpark` for [`SqliteStore`], fenced by the attempt like the rest of the ledger
//! ([`super::ledger`]).

use rusqlite::params;

use super::{record, SqliteStore};
use crate::domain::event::NewEvent;
use crate::store::{now_ms, Parked, Record, StoreError, AFTER_COLUMNS, ATTENTION_MS, COLUMNS};

impl SqliteStore {
    /// `IdempotencyStore::back_off`.
    pub(crate) fn park_back_off(
        &self,
        key: &str,
        attempt: &str,
        owner: &str,
        park_after: u32,
        event: &NewEvent,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let mut c = self.conn.lock();
        let tx = c.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let counted = tx.execute(
            "UPDATE commits SET lease_until_ms = ?4 + min(500 * (1 << min(resolve_failures, 7)), 60000),
             resolve_failures = resolve_failures + 1
             WHERE key = ?1 AND attempt = ?2 AND lease_owner = ?3 AND attention_ms IS NULL",
            params![key, attempt, owner, now],
        )?;
        let failures: i64 = if counted == 1 {
            tx.query_row(
                "SELECT resolve_failures FROM commits WHERE key = ?1",
                params![key],
                |r| r.get(0),
            )?
        } else {
            0
        };
        let park = counted == 1 && failures >= i64::from(park_after.max(1));
        if park {
            tx.execute(
                "UPDATE commits SET attention_ms = ?3, lease_owner = NULL, lease_until_ms = 0
                 WHERE key = ?1 AND attempt = ?2",
                params![key, attempt, now],
            )?;
            super::outbox::insert_event(&tx, event, now, self.target.as_deref())?;
        }
        tx.commit()?;
        Ok(park)
    }

    /// `IdempotencyStore::parked`.
    pub(crate) fn parked_intents(&self, limit: u32) -> Result<Vec<Parked>, StoreError> {
        let c = self.conn.lock();
        let mut st = c.prepare(&format!(
            "SELECT {COLUMNS}, resolve_failures FROM commits
             WHERE attention_ms IS NOT NULL AND state IN ('sent','unknown','pending')
             ORDER BY attention_ms LIMIT ?1"
        ))?;
        let rows = st.query_map(params![limit], |r| {
            Ok((
                record(r)?,
                r.get::<_, u32>(AFTER_COLUMNS)?,
                r.get::<_, i64>(ATTENTION_MS)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            if let (Record::Pending(intent), failures, since_ms) = row? {
                out.push(Parked {
                    intent,
                    failures,
                    since_ms,
                });
            }
        }
        Ok(out)
    }

    /// `IdempotencyStore::unpark`.
    pub(crate) fn unpark_intent(&self, key: &str) -> Result<bool, StoreError> {
        self.run(
            "UPDATE commits SET attention_ms = NULL, resolve_failures = 0, lease_owner = NULL,
             lease_until_ms = 0, updated_ms = ?2
             WHERE key = ?1 AND attention_ms IS NOT NULL AND state IN ('sent','unknown','pending')",
            params![key, now_ms()],
        )
        .map(|n| n == 1)
    }
}

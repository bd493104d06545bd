//! The parking of a commit no read can resolve (DESIGN.md, "The commit state machine":
//! needs attention) in PostgreSQL: the bodies of `IdempotencyStore`'s `back_off`,
//! `parked` and `unpark` for [`PgStore`], fenced by the attempt and on the database's
//! clock like the rest of the ledger ([`super::ledger`]).

use super::{record, PgStore, NOW_MS};
use crate::domain::event::NewEvent;
use crate::store::{now_ms, Parked, Record, StoreError, AFTER_COLUMNS, ATTENTION_MS, COLUMNS};

impl PgStore {
    /// `IdempotencyStore::back_off`.
    pub(crate) fn park_back_off(
        &self,
        key: &str,
        attempt: &str,
        owner: &str,
        park_after: u32,
        event: &NewEvent,
    ) -> Result<bool, StoreError> {
        let mut c = self.conn()?;
        let mut tx = c.transaction()?;
        let failures: Option<i32> = tx
            .query_opt(
                &format!(
                    "UPDATE commits SET lease_until_ms = {NOW_MS} + LEAST(500 * (1::bigint << LEAST(resolve_failures, 7)), 60000),
                     resolve_failures = resolve_failures + 1
                     WHERE key = $1 AND attempt = $2 AND lease_owner = $3 AND attention_ms IS NULL
                     RETURNING resolve_failures"
                ),
                &[&key, &attempt, &owner],
            )?
            .map(|r| r.get(0));
        let park = failures.is_some_and(|f| i64::from(f) >= i64::from(park_after.max(1)));
        if park {
            tx.execute(
                &format!(
                    "UPDATE commits SET attention_ms = {NOW_MS}, lease_owner = NULL, lease_until_ms = 0
                     WHERE key = $1 AND attempt = $2"
                ),
                &[&key, &attempt],
            )?;
            // The outbox keeps its own times (the deliverer's clock).
            super::outbox::insert_event(&mut tx, event, now_ms(), self.target.as_deref())?;
        }
        tx.commit()?;
        Ok(park)
    }

    /// `IdempotencyStore::parked`.
    pub(crate) fn parked_intents(&self, limit: u32) -> Result<Vec<Parked>, StoreError> {
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
                    failures: u32::try_from(r.get::<_, i32>(AFTER_COLUMNS)).unwrap_or(0),
                    since_ms: r.get::<_, Option<i64>>(ATTENTION_MS).unwrap_or(0),
                });
            }
        }
        Ok(out)
    }

    /// `IdempotencyStore::unpark`.
    pub(crate) fn unpark_intent(&self, key: &str) -> Result<bool, StoreError> {
        self.execute(
            &format!(
                "UPDATE commits SET attention_ms = NULL, resolve_failures = 0, lease_owner = NULL,
                 lease_until_ms = 0, updated_ms = {NOW_MS}
                 WHERE key = $1 AND attention_ms IS NOT NULL AND state IN ('sent','unknown')"
            ),
            &[&key],
        )
        .map(|n| n == 1)
    }
}

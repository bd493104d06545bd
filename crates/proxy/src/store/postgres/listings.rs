//! The ledger's listings in PostgreSQL: the bodies of `IdempotencyStore`'s `due` (the
//! intents the reconciler resolves) and `unfinished` (the summary's changes in progress) for
//! [`PgStore`], on the database's clock like the rest of the ledger ([`super::ledger`]).

use super::{num, record, PgStore, NOW_MS, UNFINISHED};
use crate::domain::intent::Intent;
use crate::store::{Record, StoreError, Unfinished, COLUMNS};

impl PgStore {
    /// `IdempotencyStore::due`: besides the stale `recorded` intents, those whose recorder's
    /// heartbeat is older than the replica timeout (its process is gone: DESIGN.md, "Stores
    /// and migrations"), so a dead replica's claim is taken over after the timeout, not
    /// after the staleness bound.
    pub(crate) fn due_intents(&self, stale_ms: i64) -> Result<Vec<Intent>, StoreError> {
        let rows = self.conn()?.query(
            &format!(
                "SELECT {COLUMNS} FROM commits
                 WHERE (state IN ('sent','unknown') AND resolve_after_ms <= {NOW_MS} AND lease_until_ms <= {NOW_MS}
                        AND attention_ms IS NULL)
                    OR (state = 'recorded' AND updated_ms < {NOW_MS} - $1)
                    OR (state = 'recorded' AND lease_owner IS NOT NULL AND NOT EXISTS (
                          SELECT 1 FROM replicas WHERE instance = commits.lease_owner
                            AND beat_at > now() - $2::bigint * interval '1 millisecond'))
                 ORDER BY resolve_after_ms LIMIT 100"
            ),
            &[&stale_ms, &self.replica_timeout_ms],
        )?;
        let mut out = Vec::new();
        for r in &rows {
            if let Record::Pending(i) = record(r)? {
                out.push(i);
            }
        }
        Ok(out)
    }

    /// `IdempotencyStore::unfinished`.
    pub(crate) fn unfinished_changes(
        &self,
        subscription: &str,
    ) -> Result<Vec<Unfinished>, StoreError> {
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

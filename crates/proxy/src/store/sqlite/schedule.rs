//! [`ScheduleStore`] for [`SqliteStore`]: scheduled changes in the `commits` table (one
//! process: an immediate transaction keeps one scheduled change per item).

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};

use super::{intent, SqliteStore};
use crate::domain::event::{cancelled_event, NewEvent};
use crate::domain::intent::{Intent, IntentState};
use crate::store::schedule::{Cancelled, ScheduleStore, Scheduled, RETRY_BASE_MS, RETRY_MAX_MS};
use crate::store::{new_attempt, now_ms, Plan, StoreError, COLUMNS};

/// Unfinished states (`pending`: an older store's spelling of `sent`).
const UNFINISHED: &str = "('recorded','sent','unknown','pending')";

/// Cancels the item's scheduled change unless it is `except`'s (reason `why`), with its
/// event (written for the webhook URL `target`): a later change of the item replaces it.
pub(crate) fn cancel_others(
    c: &Connection,
    sub: &str,
    item: u64,
    except: &str,
    why: &str,
    now: i64,
    target: Option<&str>,
) -> Result<(), StoreError> {
    let mut st = c.prepare(&format!(
        "SELECT {COLUMNS} FROM commits
         WHERE subscription = ?1 AND running_no = ?2 AND state = 'scheduled' AND key <> ?3"
    ))?;
    let rows = st
        .query_map(params![sub, item, except], |r| {
            intent(r, IntentState::Scheduled)
        })?
        .collect::<Result<Vec<_>, _>>()?;
    for i in rows {
        c.execute(
            "UPDATE commits SET state = 'cancelled', updated_ms = ?2 WHERE key = ?1",
            params![i.key, now],
        )?;
        super::outbox::insert_event(c, &cancelled_event(&i, why, now), now, target)?;
    }
    Ok(())
}

/// The change `key`, applied, replaces its item's scheduled change (DESIGN.md, "Scheduled
/// changes"): cancelled (`replaced`) with its event, for the webhook URL `target`.
pub(crate) fn replaced_by(
    c: &Connection,
    key: &str,
    now: i64,
    target: Option<&str>,
) -> Result<(), StoreError> {
    let (sub, item): (String, u64) = c.query_row(
        "SELECT subscription, running_no FROM commits WHERE key = ?1",
        params![key],
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    cancel_others(c, &sub, item, key, "replaced", now, target)
}

/// A claimed scheduled change certainly not applied goes back to `scheduled`, paused;
/// whether `key` was one (attempt `attempt`, in one of `states`, and — given a quarantine —
/// with its deadline at least `quarantine_ms` past).
pub(crate) fn reschedule(
    c: &Connection,
    key: &str,
    attempt: &str,
    states: &str,
    quarantine_ms: Option<i64>,
) -> Result<bool, StoreError> {
    let now = now_ms();
    let quarantine = quarantine_ms.map_or(String::new(), |q| {
        format!(" AND resolve_after_ms + {q} <= ?3")
    });
    let n = c.execute(
        &format!(
            "UPDATE commits SET state = 'scheduled', lease_owner = NULL,
             lease_until_ms = ?3 + min({RETRY_BASE_MS} * (1 << min(apply_attempts, 10)), {RETRY_MAX_MS}),
             apply_attempts = apply_attempts + 1, resolve_after_ms = 0, resolve_failures = 0,
             attention_ms = NULL, updated_ms = ?3
             WHERE key = ?1 AND attempt = ?2 AND effective_on IS NOT NULL AND state IN {states}{quarantine}"
        ),
        params![key, attempt, now],
    )?;
    Ok(n == 1)
}

impl ScheduleStore for SqliteStore {
    fn schedule(
        &self,
        key: &str,
        attempt: &str,
        p: &Plan<'_>,
        effective_on: &str,
        event: &NewEvent,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let mut c = self.conn.lock();
        let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let Some((sub, item)) = tx
            .query_row(
                "SELECT subscription, running_no FROM commits
                 WHERE key = ?1 AND attempt = ?2 AND state = 'recorded'",
                params![key, attempt],
                |r| Ok((r.get::<_, String>(0)?, r.get::<_, u64>(1)?)),
            )
            .optional()?
        else {
            return Ok(false);
        };
        cancel_others(
            &tx,
            &sub,
            item,
            key,
            "replaced",
            now,
            self.target.as_deref(),
        )?;
        tx.execute(
            "UPDATE commits SET state = 'scheduled', status = 200, body = ?2, response = ?2,
             from_quantity = ?3, item_before = ?4, item_intended = ?5, effective_on = ?6,
             scheduled_ms = ?7, updated_ms = ?7, lease_owner = NULL, lease_until_ms = 0
             WHERE key = ?1 AND state = 'recorded'",
            params![
                key,
                p.response,
                p.from_quantity,
                p.before,
                p.intended,
                effective_on,
                now
            ],
        )?;
        super::outbox::insert_event(&tx, event, now, self.target.as_deref())?;
        tx.commit()?;
        Ok(true)
    }

    fn scheduled(&self, subscription: &str) -> Result<Vec<Scheduled>, StoreError> {
        let c = self.conn.lock();
        let mut st = c.prepare(
            "SELECT running_no, quantity, effective_on, scheduled_ms, item_before, item_intended FROM commits
             WHERE subscription = ?1 AND state = 'scheduled' ORDER BY running_no",
        )?;
        let rows = st.query_map(params![subscription], |r| {
            Ok(Scheduled {
                running_no: r.get(0)?,
                quantity: r.get(1)?,
                effective_on: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                since_ms: r.get::<_, Option<i64>>(3)?.unwrap_or_default(),
                to_product_id: crate::store::schedule::to_product(
                    crate::store::item_state(r.get(4)?),
                    crate::store::item_state(r.get(5)?),
                ),
            })
        })?;
        Ok(rows.collect::<Result<Vec<_>, _>>()?)
    }

    fn cancel(&self, subscription: &str, running_no: u64) -> Result<Cancelled, StoreError> {
        let now = now_ms();
        let mut c = self.conn.lock();
        let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found = tx
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM commits
                     WHERE subscription = ?1 AND running_no = ?2 AND state = 'scheduled'"
                ),
                params![subscription, running_no],
                |r| intent(r, IntentState::Scheduled),
            )
            .optional()?;
        let Some(i) = found else {
            let applying = tx
                .query_row(
                    &format!(
                        "SELECT 1 FROM commits WHERE subscription = ?1 AND running_no = ?2
                         AND effective_on IS NOT NULL AND state IN {UNFINISHED}"
                    ),
                    params![subscription, running_no],
                    |_| Ok(()),
                )
                .optional()?
                .is_some();
            return Ok(if applying {
                Cancelled::Applying
            } else {
                Cancelled::NotFound
            });
        };
        tx.execute(
            "UPDATE commits SET state = 'cancelled', updated_ms = ?2 WHERE key = ?1",
            params![i.key, now],
        )?;
        super::outbox::insert_event(
            &tx,
            &cancelled_event(&i, "customer", now),
            now,
            self.target.as_deref(),
        )?;
        tx.commit()?;
        Ok(Cancelled::Done(Box::new(i)))
    }

    fn claim_due(&self, due_by: &str, owner: &str) -> Result<Option<Intent>, StoreError> {
        let now = now_ms();
        let mut c = self.conn.lock();
        let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let found = tx
            .query_row(
                &format!(
                    "SELECT {COLUMNS} FROM commits c
                     WHERE c.state = 'scheduled' AND c.effective_on <= ?1 AND c.lease_until_ms <= ?2
                       AND NOT EXISTS (SELECT 1 FROM commits o WHERE o.subscription = c.subscription
                         AND o.running_no = c.running_no AND o.state IN {UNFINISHED})
                     ORDER BY c.effective_on LIMIT 1"
                ),
                params![due_by, now],
                |r| intent(r, IntentState::Recorded),
            )
            .optional()?;
        let Some(mut i) = found else {
            return Ok(None);
        };
        i.attempt = new_attempt();
        tx.execute(
            "UPDATE commits SET state = 'recorded', lease_owner = ?2, lease_until_ms = 0,
             resolve_after_ms = 0, resolve_failures = 0, updated_ms = ?3, attempt = ?4
             WHERE key = ?1 AND state = 'scheduled'",
            params![i.key, owner, now, i.attempt],
        )?;
        tx.commit()?;
        Ok(Some(i))
    }

    fn postpone(&self, key: &str, attempt: &str, effective_on: &str) -> Result<bool, StoreError> {
        let n = self.conn.lock().execute(
            "UPDATE commits SET state = 'scheduled', effective_on = ?2, lease_owner = NULL,
             lease_until_ms = 0, updated_ms = ?3
             WHERE key = ?1 AND attempt = ?4 AND state = 'recorded' AND effective_on IS NOT NULL",
            params![key, effective_on, now_ms(), attempt],
        )?;
        Ok(n == 1)
    }

    fn drop_claimed(&self, key: &str, attempt: &str, event: &NewEvent) -> Result<bool, StoreError> {
        let now = now_ms();
        let mut c = self.conn.lock();
        let tx = c.transaction()?;
        let n = tx.execute(
            "UPDATE commits SET state = 'cancelled', lease_owner = NULL, updated_ms = ?2
             WHERE key = ?1 AND attempt = ?3 AND state = 'recorded' AND effective_on IS NOT NULL",
            params![key, now, attempt],
        )?;
        if n == 1 {
            super::outbox::insert_event(&tx, event, now, self.target.as_deref())?;
        }
        tx.commit()?;
        Ok(n == 1)
    }
}

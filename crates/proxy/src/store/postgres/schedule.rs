//! [`ScheduleStore`] for [`PgStore`]: scheduled changes in the `commits` table, shared by
//! the replicas. One scheduled change per item is a partial unique index (V6); a claim is
//! `FOR UPDATE SKIP LOCKED` plus a conditional update, so one replica claims each change,
//! and the one-unfinished-change-per-item index refuses a claim while the item has a
//! change in flight.

use postgres::error::SqlState;
use postgres::{GenericClient, Transaction};

use super::{i64_of, intent, PgStore, NOW_MS, UNFINISHED};
use crate::domain::event::{cancelled_event, NewEvent};
use crate::domain::intent::{Intent, IntentState};
use crate::store::schedule::{Cancelled, ScheduleStore, Scheduled, RETRY_BASE_MS, RETRY_MAX_MS};
use crate::store::{new_attempt, now_ms, Plan, StoreError, COLUMNS};

/// Cancels the item's scheduled change unless it is `except`'s (reason `why`), with its
/// event (written for the webhook URL `target`): a later change of the item replaces it.
pub(crate) fn cancel_others(
    tx: &mut Transaction<'_>,
    sub: &str,
    item: i64,
    except: &str,
    why: &str,
    now: i64,
    target: Option<&str>,
) -> Result<(), StoreError> {
    let rows = tx.query(
        &format!(
            "SELECT {COLUMNS} FROM commits
             WHERE subscription = $1 AND running_no = $2 AND state = 'scheduled' AND key <> $3
             FOR UPDATE"
        ),
        &[&sub, &item, &except],
    )?;
    let olds = rows
        .iter()
        .map(|r| intent(r, IntentState::Scheduled))
        .collect::<Result<Vec<_>, _>>()?;
    for i in olds {
        tx.execute(
            "UPDATE commits SET state = 'cancelled', updated_ms = $2 WHERE key = $1",
            &[&i.key, &now],
        )?;
        super::outbox::insert_event(tx, &cancelled_event(&i, why, now), now, target)?;
    }
    Ok(())
}

/// The change `key`, applied, replaces its item's scheduled change (DESIGN.md, "Scheduled
/// changes"): cancelled (`replaced`) with its event, for the webhook URL `target`.
pub(crate) fn replaced_by(
    tx: &mut Transaction<'_>,
    key: &str,
    now: i64,
    target: Option<&str>,
) -> Result<(), StoreError> {
    let row = tx.query_one(
        "SELECT subscription, running_no FROM commits WHERE key = $1",
        &[&key],
    )?;
    let (sub, item): (String, i64) = (row.get(0), row.get(1));
    cancel_others(tx, &sub, item, key, "replaced", now, target)
}

/// A claimed scheduled change certainly not applied goes back to `scheduled`, paused (on
/// the database's clock); whether `key` was one (attempt `attempt`, in one of `states`,
/// and — given a quarantine — with its deadline at least `quarantine_ms` past).
pub(crate) fn reschedule(
    c: &mut impl GenericClient,
    key: &str,
    attempt: &str,
    states: &str,
    quarantine_ms: Option<i64>,
) -> Result<bool, StoreError> {
    let quarantine = quarantine_ms.map_or(String::new(), |q| {
        format!(" AND resolve_after_ms + {q} <= {NOW_MS}")
    });
    let n = c.execute(
        &format!(
            "UPDATE commits SET state = 'scheduled', lease_owner = NULL,
             lease_until_ms = {NOW_MS} + LEAST({RETRY_BASE_MS} * (1::bigint << LEAST(apply_attempts, 10)), {RETRY_MAX_MS}),
             apply_attempts = apply_attempts + 1, resolve_after_ms = 0, resolve_failures = 0,
             attention_ms = NULL, updated_ms = {NOW_MS}
             WHERE key = $1 AND attempt = $2 AND effective_on IS NOT NULL
               AND state IN {states}{quarantine}"
        ),
        &[&key, &attempt],
    )?;
    Ok(n == 1)
}

impl ScheduleStore for PgStore {
    fn schedule(
        &self,
        key: &str,
        attempt: &str,
        p: &Plan<'_>,
        effective_on: &str,
        event: &NewEvent,
    ) -> Result<bool, StoreError> {
        let now = now_ms();
        let mut c = self.conn()?;
        let mut tx = c.transaction()?;
        let Some(row) = tx.query_opt(
            "SELECT subscription, running_no FROM commits
             WHERE key = $1 AND attempt = $2 AND state = 'recorded' FOR UPDATE",
            &[&key, &attempt],
        )?
        else {
            return Ok(false);
        };
        let (sub, item): (String, i64) = (row.get(0), row.get(1));
        cancel_others(
            &mut tx,
            &sub,
            item,
            key,
            "replaced",
            now,
            self.target.as_deref(),
        )?;
        tx.execute(
            "UPDATE commits SET state = 'scheduled', status = 200, body = $2, response = $2,
             from_quantity = $3, item_before = $4, item_intended = $5, effective_on = $6,
             scheduled_ms = $7, updated_ms = $7, lease_owner = NULL, lease_until_ms = 0
             WHERE key = $1 AND state = 'recorded'",
            &[
                &key,
                &p.response,
                &i64::from(p.from_quantity),
                &p.before,
                &p.intended,
                &effective_on,
                &now,
            ],
        )?;
        super::outbox::insert_event(&mut tx, event, now, self.target.as_deref())?;
        tx.commit()?;
        Ok(true)
    }

    fn scheduled(&self, subscription: &str) -> Result<Vec<Scheduled>, StoreError> {
        let rows = self.conn()?.query(
            "SELECT running_no, quantity, effective_on, scheduled_ms, item_before, item_intended FROM commits
             WHERE subscription = $1 AND state = 'scheduled' ORDER BY running_no",
            &[&subscription],
        )?;
        rows.iter()
            .map(|r| {
                Ok(Scheduled {
                    running_no: u64::try_from(r.get::<_, i64>(0))
                        .map_err(|_| StoreError::OutOfRange("running_no"))?,
                    quantity: u32::try_from(r.get::<_, i64>(1))
                        .map_err(|_| StoreError::OutOfRange("quantity"))?,
                    effective_on: r.get::<_, Option<String>>(2).unwrap_or_default(),
                    since_ms: r.get::<_, Option<i64>>(3).unwrap_or_default(),
                    to_product_id: crate::store::schedule::to_product(
                        crate::store::item_state(r.get(4)),
                        crate::store::item_state(r.get(5)),
                    ),
                })
            })
            .collect()
    }

    fn cancel(&self, subscription: &str, running_no: u64) -> Result<Cancelled, StoreError> {
        let now = now_ms();
        let item = i64_of(running_no)?;
        let mut c = self.conn()?;
        let mut tx = c.transaction()?;
        let found = tx.query_opt(
            &format!(
                "SELECT {COLUMNS} FROM commits
                 WHERE subscription = $1 AND running_no = $2 AND state = 'scheduled' FOR UPDATE"
            ),
            &[&subscription, &item],
        )?;
        let Some(row) = found else {
            let applying = tx
                .query_opt(
                    &format!(
                        "SELECT 1 FROM commits WHERE subscription = $1 AND running_no = $2
                         AND effective_on IS NOT NULL AND state IN {UNFINISHED}"
                    ),
                    &[&subscription, &item],
                )?
                .is_some();
            return Ok(if applying {
                Cancelled::Applying
            } else {
                Cancelled::NotFound
            });
        };
        let i = intent(&row, IntentState::Scheduled)?;
        tx.execute(
            "UPDATE commits SET state = 'cancelled', updated_ms = $2 WHERE key = $1",
            &[&i.key, &now],
        )?;
        super::outbox::insert_event(
            &mut tx,
            &cancelled_event(&i, "customer", now),
            now,
            self.target.as_deref(),
        )?;
        tx.commit()?;
        Ok(Cancelled::Done(Box::new(i)))
    }

    fn claim_due(&self, due_by: &str, owner: &str) -> Result<Option<Intent>, StoreError> {
        let mut c = self.conn()?;
        let mut tx = c.transaction()?;
        let found = tx.query_opt(
            &format!(
                "SELECT {COLUMNS} FROM commits c
                 WHERE c.state = 'scheduled' AND c.effective_on <= $1 AND c.lease_until_ms <= {NOW_MS}
                   AND NOT EXISTS (SELECT 1 FROM commits o WHERE o.subscription = c.subscription
                     AND o.running_no = c.running_no AND o.state IN {UNFINISHED})
                 ORDER BY c.effective_on LIMIT 1 FOR UPDATE OF c SKIP LOCKED"
            ),
            &[&due_by],
        )?;
        let Some(row) = found else {
            return Ok(None);
        };
        let mut i = intent(&row, IntentState::Recorded)?;
        i.attempt = new_attempt();
        let claimed = tx.execute(
            &format!(
                "UPDATE commits SET state = 'recorded', lease_owner = $2, lease_until_ms = 0,
                 resolve_after_ms = 0, resolve_failures = 0, updated_ms = {NOW_MS}, attempt = $3
                 WHERE key = $1 AND state = 'scheduled'"
            ),
            &[&i.key, &owner, &i.attempt],
        );
        match claimed {
            Ok(1) => {
                tx.commit()?;
                Ok(Some(i))
            }
            Ok(_) => Ok(None),
            // A change of the item began meanwhile on another replica: not now.
            Err(e) if e.code() == Some(&SqlState::UNIQUE_VIOLATION) => Ok(None),
            Err(e) => Err(e.into()),
        }
    }

    fn postpone(&self, key: &str, attempt: &str, effective_on: &str) -> Result<bool, StoreError> {
        let n = self.execute(
            &format!(
                "UPDATE commits SET state = 'scheduled', effective_on = $2, lease_owner = NULL,
                 lease_until_ms = 0, updated_ms = {NOW_MS}
                 WHERE key = $1 AND attempt = $3 AND state = 'recorded' AND effective_on IS NOT NULL"
            ),
            &[&key, &effective_on, &attempt],
        )?;
        Ok(n == 1)
    }

    fn drop_claimed(&self, key: &str, attempt: &str, event: &NewEvent) -> Result<bool, StoreError> {
        let now = now_ms();
        let mut c = self.conn()?;
        let mut tx = c.transaction()?;
        let n = tx.execute(
            "UPDATE commits SET state = 'cancelled', lease_owner = NULL, updated_ms = $2
             WHERE key = $1 AND attempt = $3 AND state = 'recorded' AND effective_on IS NOT NULL",
            &[&key, &now, &attempt],
        )?;
        if n == 1 {
            super::outbox::insert_event(&mut tx, event, now, self.target.as_deref())?;
        }
        tx.commit()?;
        Ok(n == 1)
    }
}

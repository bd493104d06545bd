//! [`OutboxStore`] for [`SqliteStore`]: the outbox, the notifications received and the
//! items' notified versions, in the ledger's database (docs/webhooks.md; tables:
//! `migrations/sqlite/V3__outbox.sql`, lanes, targets and retention's indexes
//! `V8__outbox_lanes.sql`).

use rusqlite::{params, Connection, OptionalExtension, Row, TransactionBehavior};

use super::{record, SqliteStore};
use crate::domain::event::{outside_event, payment_event, Delivery, Event, NewEvent};
use crate::domain::intent::Intent;
use crate::domain::notification::{
    classify, ItemKnowledge, ItemVerdict, Notification, NotifiedItem, OF_ITEM, SEATS_AFTER,
};
use crate::store::{OutboxStore, Record, Recorded, StoreError, COLUMNS, LANE_HEAD};

/// Writes an event within the caller's transaction (kept once per id), with the webhook
/// URL configured now (`target`).
///
/// # Errors
/// Storage failures.
pub(crate) fn insert_event(
    c: &Connection,
    ev: &NewEvent,
    now: i64,
    target: Option<&str>,
) -> Result<(), StoreError> {
    c.execute(
        "INSERT OR IGNORE INTO events (id, kind, subscription, lane, target_url, body, created_ms, next_attempt_ms, retry_from_ms)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7, ?7)",
        params![ev.id, ev.kind, ev.subscription, ev.lane, target, ev.body, now],
    )
    .map(|_| ())
    .map_err(StoreError::from)
}

const EVENT_COLUMNS: &str = "seq, id, kind, subscription, body, created_ms, state, attempts, next_attempt_ms, last_error, delivered_ms, retry_from_ms, lane, target_url";

fn event(r: &Row<'_>) -> rusqlite::Result<Event> {
    Ok(Event {
        seq: r.get(0)?,
        id: r.get(1)?,
        kind: r.get(2)?,
        subscription: r.get(3)?,
        body: r.get(4)?,
        created_ms: r.get(5)?,
        state: Delivery::parse(&r.get::<_, String>(6)?),
        attempts: r.get(7)?,
        next_attempt_ms: r.get(8)?,
        last_error: r.get(9)?,
        delivered_ms: r.get(10)?,
        retry_from_ms: r.get(11)?,
        lane: r.get(12)?,
        target: r.get(13)?,
    })
}

fn knowledge(c: &Connection, sub: &str, item: &NotifiedItem) -> Result<ItemKnowledge, StoreError> {
    let (running_no, product) = (item.running_no, item.product_id.as_deref().unwrap_or(""));
    let notified = c
        .query_row(
            "SELECT version, quantity, updated_ms FROM notified_items WHERE subscription = ?1 AND running_no = ?2",
            params![sub, running_no],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()
        ?;
    // Unfinished before applied, as in PostgreSQL (`store/postgres/outbox.rs`).
    let mut st = c
        .prepare(&format!(
            "SELECT {COLUMNS} FROM commits WHERE subscription = ?1 AND {OF_ITEM} AND state IN ('sent','unknown','pending')"
        ))
        ?;
    let mut unfinished: Vec<Intent> = Vec::new();
    for r in st.query_map(params![sub, running_no, product], record)? {
        if let Record::Pending(i) = r? {
            unfinished.push(i);
        }
    }
    let applied = c
        .query_row(
            &format!("SELECT {SEATS_AFTER}, updated_ms FROM commits WHERE subscription = ?1 AND {OF_ITEM} AND state = 'done'
             ORDER BY updated_ms DESC LIMIT 1"),
            params![sub, running_no, product],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()
        ?;
    Ok(ItemKnowledge {
        notified,
        applied,
        unfinished,
    })
}

impl OutboxStore for SqliteStore {
    fn add_event(&self, event: &NewEvent, now: i64) -> Result<(), StoreError> {
        insert_event(&self.conn.lock(), event, now, self.target.as_deref())
    }

    fn claim(
        &self,
        owner: &str,
        now: i64,
        until: i64,
        limit: u32,
    ) -> Result<Vec<Event>, StoreError> {
        let mut c = self.conn.lock();
        let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut out = Vec::new();
        {
            let mut st = tx.prepare(&format!(
                "SELECT {EVENT_COLUMNS} FROM events ev
                     WHERE state = 'pending' AND next_attempt_ms <= ?1 AND lease_until_ms <= ?1
                       AND {LANE_HEAD}
                     ORDER BY seq LIMIT ?2"
            ))?;
            for r in st.query_map(params![now, limit], event)? {
                out.push(r?);
            }
            for ev in &mut out {
                // An event written while no URL was configured takes today's; the retry
                // period starts at the first attempt (the event may have waited behind its
                // lane's head).
                ev.target = ev.target.take().or_else(|| self.target.clone());
                if ev.attempts == 0 {
                    ev.retry_from_ms = now;
                }
                tx.execute(
                    "UPDATE events SET lease_owner = ?2, lease_until_ms = ?3, target_url = ?4,
                     retry_from_ms = ?5 WHERE seq = ?1",
                    params![ev.seq, owner, until, ev.target, ev.retry_from_ms],
                )?;
            }
        }
        tx.commit()?;
        Ok(out)
    }

    fn attempted(
        &self,
        seq: i64,
        owner: &str,
        outcome: Result<i64, (String, Option<i64>)>,
    ) -> Result<(), StoreError> {
        let c = self.conn.lock();
        let (sql, p): (&str, Vec<Box<dyn rusqlite::ToSql>>) = match outcome {
            Ok(now) => (
                "UPDATE events SET state = 'delivered', delivered_ms = ?3, attempts = attempts + 1,
                 lease_until_ms = 0, last_error = NULL WHERE seq = ?1 AND lease_owner = ?2 AND state = 'pending'",
                vec![Box::new(now)],
            ),
            Err((why, Some(next))) => (
                "UPDATE events SET next_attempt_ms = ?3, last_error = ?4, attempts = attempts + 1,
                 lease_until_ms = 0 WHERE seq = ?1 AND lease_owner = ?2 AND state = 'pending'",
                vec![Box::new(next), Box::new(why)],
            ),
            Err((why, None)) => (
                "UPDATE events SET state = 'exhausted', last_error = ?3, attempts = attempts + 1,
                 lease_until_ms = 0 WHERE seq = ?1 AND lease_owner = ?2 AND state = 'pending'",
                vec![Box::new(why)],
            ),
        };
        let mut all: Vec<&dyn rusqlite::ToSql> = vec![&seq, &owner];
        all.extend(p.iter().map(|b| b.as_ref()));
        c.execute(sql, all.as_slice())
            .map(|_| ())
            .map_err(StoreError::from)
    }

    fn events_after(&self, after: i64, limit: u32) -> Result<Vec<Event>, StoreError> {
        let c = self.conn.lock();
        let mut st = c.prepare(&format!(
            "SELECT {EVENT_COLUMNS} FROM events WHERE seq > ?1 ORDER BY seq LIMIT ?2"
        ))?;
        let rows = st.query_map(params![after, limit], event)?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(StoreError::from)
    }

    fn redeliver(&self, id: &str, now: i64) -> Result<bool, StoreError> {
        self.conn
            .lock()
            .execute(
                "UPDATE events SET state = 'pending', next_attempt_ms = ?2, retry_from_ms = ?2,
                 lease_until_ms = 0, target_url = COALESCE(?3, target_url) WHERE id = ?1",
                params![id, now, self.target],
            )
            .map(|n| n == 1)
            .map_err(StoreError::from)
    }

    fn record_notification(&self, n: &Notification, now: i64) -> Result<Recorded, StoreError> {
        let mut c = self.conn.lock();
        let tx = c.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let fresh = tx.execute(
            "INSERT OR IGNORE INTO notifications (digest, kind, subscription, received_ms, body)
                 VALUES (?1, ?2, ?3, ?4, ?5)",
            params![n.digest, n.kind, n.subscription, now, n.raw],
        )?;
        let mut out = Recorded {
            duplicate: fresh == 0,
            ..Recorded::default()
        };
        if out.duplicate {
            return Ok(out);
        }
        if let (true, Some(sub)) = (n.reports_items(), &n.subscription) {
            for item in &n.items {
                let verdict = classify(item, &knowledge(&tx, sub, item)?);
                if verdict == ItemVerdict::Stale {
                    continue;
                }
                tx.execute(
                    "INSERT INTO notified_items (subscription, running_no, version, quantity, updated_ms)
                     VALUES (?1, ?2, ?3, ?4, ?5)
                     ON CONFLICT (subscription, running_no) DO UPDATE SET version = ?3, quantity = ?4, updated_ms = ?5",
                    params![sub, item.running_no, item.version, item.quantity, now],
                )
                ?;
                match verdict {
                    ItemVerdict::Check(intents) => out.checks.extend(intents),
                    ItemVerdict::Outside(from) => {
                        let ev = outside_event(n, item, from, now);
                        insert_event(&tx, &ev, now, self.target.as_deref())?;
                        out.events.push(ev.id);
                    }
                    ItemVerdict::Known | ItemVerdict::Stale => {}
                }
            }
        }
        if let Some(ev) = payment_event(n, now) {
            insert_event(&tx, &ev, now, self.target.as_deref())?;
            out.events.push(ev.id);
        }
        tx.commit()?;
        Ok(out)
    }

    fn prune(&self, delivered_before: i64, notified_before: i64) -> Result<(u64, u64), StoreError> {
        let c = self.conn.lock();
        let events = c.execute(
            "DELETE FROM events WHERE state = 'delivered' AND delivered_ms < ?1",
            params![delivered_before],
        )?;
        let notifications = c.execute(
            "DELETE FROM notifications WHERE received_ms < ?1",
            params![notified_before],
        )?;
        Ok((events as u64, notifications as u64))
    }
}

//! [`OutboxStore`] for [`PgStore`]: the outbox, the notifications received and the items'
//! notified versions, in the ledger's database (docs/webhooks.md; tables:
//! `migrations/postgres/V3__outbox.sql`; lanes, targets and retention's indexes:
//! `V8__outbox_lanes.sql`). Across replicas: events are inserted under a
//! transaction-level advisory lock (so the cursor, `seq`, follows commit order), claimed
//! with `FOR UPDATE SKIP LOCKED` and a lease, and a subscription's notifications are
//! recorded one at a time (an advisory lock per subscription).

use postgres::{GenericClient, Row, Transaction};

use super::{i64_of, record, PgStore};
use crate::domain::event::{outside_event, payment_event, Delivery, Event, NewEvent};
use crate::domain::notification::{
    classify, ItemKnowledge, ItemVerdict, Notification, NotifiedItem, OF_ITEM, SEATS_AFTER,
};

/// [`OF_ITEM`] with PostgreSQL's placeholders.
fn of_item() -> String {
    OF_ITEM.replace("?2", "$2").replace("?3", "$3")
}
use crate::store::{OutboxStore, Record, Recorded, StoreError, COLUMNS, LANE_HEAD};

/// The advisory lock that orders event inserts ("sqevents").
const EVENTS_LOCK: i64 = 0x7371_6576_656e_7473;

/// Writes an event within the caller's transaction (kept once per id), with the webhook
/// URL configured now (`target`).
///
/// # Errors
/// Storage failures.
pub(crate) fn insert_event(
    tx: &mut Transaction<'_>,
    ev: &NewEvent,
    now: i64,
    target: Option<&str>,
) -> Result<(), StoreError> {
    tx.execute("SELECT pg_advisory_xact_lock($1)", &[&EVENTS_LOCK])?;
    tx.execute(
        "INSERT INTO events (id, kind, subscription, lane, target_url, body, created_ms, next_attempt_ms, retry_from_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $7) ON CONFLICT (id) DO NOTHING",
        &[&ev.id, &ev.kind, &ev.subscription, &ev.lane, &target, &ev.body, &now],
    )
    .map(|_| ())
    .map_err(StoreError::from)
}

const EVENT_COLUMNS: &str = "seq, id, kind, subscription, body, created_ms, state, attempts, next_attempt_ms, last_error, delivered_ms, retry_from_ms, lane, target_url";

fn event(r: &Row) -> Result<Event, StoreError> {
    Ok(Event {
        seq: r.get(0),
        id: r.get(1),
        kind: r.get(2),
        subscription: r.get(3),
        body: r.get(4),
        created_ms: r.get(5),
        state: Delivery::parse(r.get(6)),
        attempts: u32::try_from(r.get::<_, i32>(7))
            .map_err(|_| StoreError::OutOfRange("attempts"))?,
        next_attempt_ms: r.get(8),
        last_error: r.get(9),
        delivered_ms: r.get(10),
        retry_from_ms: r.get(11),
        lane: r.get(12),
        target: r.get(13),
    })
}

fn knowledge(
    c: &mut impl GenericClient,
    sub: &str,
    notified_item: &NotifiedItem,
) -> Result<ItemKnowledge, StoreError> {
    let item = i64_of(notified_item.running_no)?;
    let product = notified_item.product_id.as_deref().unwrap_or("");
    let notified = c
        .query_opt(
            "SELECT version, quantity, updated_ms FROM notified_items WHERE subscription = $1 AND running_no = $2",
            &[&sub, &item],
        )
        ?
        .map(|r| -> Result<_, StoreError> {
            let q = u32::try_from(r.get::<_, i64>(1)).map_err(|_| StoreError::OutOfRange("quantity"))?;
            Ok((r.get::<_, i64>(0), q, r.get::<_, i64>(2)))
        })
        .transpose()?;
    // The unfinished commits are read before the applied one: a commit moves only from
    // unfinished to finished, so between the two reads (each its own snapshot under READ
    // COMMITTED) it is seen in one of them — never in neither, which would report the
    // proxy's own change as made outside.
    let mut unfinished = Vec::new();
    for r in c
        .query(
            &format!("SELECT {COLUMNS} FROM commits WHERE subscription = $1 AND {} AND state IN ('sent','unknown')", of_item()),
            &[&sub, &item, &product],
        )
        ?
    {
        if let Record::Pending(i) = record(&r)? {
            unfinished.push(i);
        }
    }
    let applied = c
        .query_opt(
            &format!("SELECT {SEATS_AFTER}, updated_ms FROM commits WHERE subscription = $1 AND {} AND state = 'done'
             ORDER BY updated_ms DESC LIMIT 1", of_item()),
            &[&sub, &item, &product],
        )
        ?
        .map(|r| -> Result<_, StoreError> {
            let q = u32::try_from(r.get::<_, i64>(0)).map_err(|_| StoreError::OutOfRange("quantity"))?;
            Ok((q, r.get::<_, i64>(1)))
        })
        .transpose()?;
    Ok(ItemKnowledge {
        notified,
        applied,
        unfinished,
    })
}

impl OutboxStore for PgStore {
    fn add_event(&self, event: &NewEvent, now: i64) -> Result<(), StoreError> {
        let mut c = self.conn()?;
        let mut tx = c.transaction()?;
        insert_event(&mut tx, event, now, self.target.as_deref())?;
        tx.commit().map_err(StoreError::from)
    }

    fn claim(
        &self,
        owner: &str,
        now: i64,
        until: i64,
        limit: u32,
    ) -> Result<Vec<Event>, StoreError> {
        let rows = self
            .conn()?
            .query(
                &format!(
                    "WITH due AS (
                       SELECT seq FROM events ev
                       WHERE state = 'pending' AND next_attempt_ms <= $1 AND lease_until_ms <= $1
                         AND {LANE_HEAD}
                       ORDER BY seq LIMIT $4 FOR UPDATE SKIP LOCKED)
                     UPDATE events SET lease_owner = $2, lease_until_ms = $3,
                       target_url = COALESCE(events.target_url, $5),
                       retry_from_ms = CASE WHEN events.attempts = 0 THEN $1 ELSE events.retry_from_ms END
                     FROM due WHERE events.seq = due.seq AND events.lease_until_ms <= $1
                     RETURNING {}",
                    EVENT_COLUMNS
                        .split(", ")
                        .map(|c| format!("events.{c}"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                &[&now, &owner, &until, &i64::from(limit), &self.target],
            )
            ?;
        let mut out = rows.iter().map(event).collect::<Result<Vec<_>, _>>()?;
        out.sort_by_key(|ev| ev.seq);
        Ok(out)
    }

    fn attempted(
        &self,
        seq: i64,
        owner: &str,
        outcome: Result<i64, (String, Option<i64>)>,
    ) -> Result<(), StoreError> {
        let c = &mut self.conn()?;
        let guard = "WHERE seq = $1 AND lease_owner = $2 AND state = 'pending'";
        match outcome {
            Ok(now) => c.execute(
                &format!("UPDATE events SET state = 'delivered', delivered_ms = $3, attempts = attempts + 1, lease_until_ms = 0, last_error = NULL {guard}"),
                &[&seq, &owner, &now],
            ),
            Err((why, Some(next))) => c.execute(
                &format!("UPDATE events SET next_attempt_ms = $3, last_error = $4, attempts = attempts + 1, lease_until_ms = 0 {guard}"),
                &[&seq, &owner, &next, &why],
            ),
            Err((why, None)) => c.execute(
                &format!("UPDATE events SET state = 'exhausted', last_error = $3, attempts = attempts + 1, lease_until_ms = 0 {guard}"),
                &[&seq, &owner, &why],
            ),
        }
        .map(|_| ())
        .map_err(StoreError::from)
    }

    fn events_after(&self, after: i64, limit: u32) -> Result<Vec<Event>, StoreError> {
        self.conn()?
            .query(
                &format!("SELECT {EVENT_COLUMNS} FROM events WHERE seq > $1 ORDER BY seq LIMIT $2"),
                &[&after, &i64::from(limit)],
            )?
            .iter()
            .map(event)
            .collect()
    }

    fn redeliver(&self, id: &str, now: i64) -> Result<bool, StoreError> {
        self.conn()?
            .execute(
                "UPDATE events SET state = 'pending', next_attempt_ms = $2, retry_from_ms = $2,
                 lease_until_ms = 0, target_url = COALESCE($3, target_url) WHERE id = $1",
                &[&id, &now, &self.target],
            )
            .map(|n| n == 1)
            .map_err(StoreError::from)
    }

    fn record_notification(&self, n: &Notification, now: i64) -> Result<Recorded, StoreError> {
        let mut c = self.conn()?;
        let mut tx = c.transaction()?;
        let sub_key = n.subscription.clone().unwrap_or_default();
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended('seatquote-notify:' || $1::text, 0))",
            &[&sub_key],
        )?;
        let fresh = tx.execute(
            "INSERT INTO notifications (digest, kind, subscription, received_ms, body)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (digest) DO NOTHING",
            &[&n.digest, &n.kind, &n.subscription, &now, &n.raw],
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
                let rn = i64_of(item.running_no)?;
                let verdict = classify(item, &knowledge(&mut tx, sub, item)?);
                if verdict == ItemVerdict::Stale {
                    continue;
                }
                tx.execute(
                    "INSERT INTO notified_items (subscription, running_no, version, quantity, updated_ms)
                     VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (subscription, running_no) DO UPDATE SET version = $3, quantity = $4, updated_ms = $5",
                    &[sub, &rn, &item.version, &i64::from(item.quantity), &now],
                )
                ?;
                match verdict {
                    ItemVerdict::Check(intents) => out.checks.extend(intents),
                    ItemVerdict::Outside(from) => {
                        let ev = outside_event(n, item, from, now);
                        insert_event(&mut tx, &ev, now, self.target.as_deref())?;
                        out.events.push(ev.id);
                    }
                    ItemVerdict::Known | ItemVerdict::Stale => {}
                }
            }
        }
        if let Some(ev) = payment_event(n, now) {
            insert_event(&mut tx, &ev, now, self.target.as_deref())?;
            out.events.push(ev.id);
        }
        tx.commit()?;
        Ok(out)
    }

    fn prune(&self, delivered_before: i64, notified_before: i64) -> Result<(u64, u64), StoreError> {
        let mut c = self.conn()?;
        let events = c.execute(
            "DELETE FROM events WHERE state = 'delivered' AND delivered_ms < $1",
            &[&delivered_before],
        )?;
        let notifications = c.execute(
            "DELETE FROM notifications WHERE received_ms < $1",
            &[&notified_before],
        )?;
        Ok((events, notifications))
    }
}

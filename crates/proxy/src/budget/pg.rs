//! [`PgBudget`]: the upstream budget kept in PostgreSQL, shared by every replica on one
//! database (migration `V2__upstream_budget.sql`). Every grant takes the one
//! `upstream_budget` row's lock for a moment, so the rules hold across replicas:
//!
//! - the block of a 429 (`blocked_until_ms`, at most [`MAX_BLOCK`] ahead), seen by
//!   every replica;
//! - at most `max_per_second` grants in any 1-second window (`upstream_grants`), at least
//!   ¾ of 1/`max_per_second` s apart (`last_grant_ms`);
//! - at most `max_in_flight` leased slots (`upstream_slots`); a lease expires after the
//!   request's timeout and a margin, so a dead replica's slots come back;
//! - a customer's normal requests hold at most two slots, its commit-class requests one,
//!   across replicas;
//! - each class keeps a share across replicas too: each may use four fifths of the
//!   window and all slots but one, so a flood of one class leaves the other room
//!   (migration `V7__commit_attention.sql` records each slot's and grant's class).
//!
//! Times are the database's clock (`clock_timestamp()`), so replicas' clocks need not
//! agree. The synchronous `postgres` client with its own small r2d2 pool.

use std::time::Duration;

use r2d2_postgres::{r2d2, PostgresConnectionManager};

use super::{Class, SharedBudget, Take, MAX_BLOCK};
use crate::store::{PgConnect, StoreError, Tls};

type Pool = r2d2::Pool<PostgresConnectionManager<Tls>>;

/// A customer's normal requests in flight at once, across replicas.
const PER_CUSTOMER: i64 = 2;
/// A customer's commit-class requests in flight at once, across replicas.
const PER_CUSTOMER_COMMIT: i64 = 1;
/// How soon to ask again when every slot is taken.
const SLOT_POLL: Duration = Duration::from_millis(15);

/// The shared budget.
pub struct PgBudget {
    pool: Pool,
    max_in_flight: i16,
    max_per_second: i64,
    lease_ms: i64,
}

impl PgBudget {
    /// A budget on this database (a pool of two connections, made on first use, TLS as
    /// the store's; the schema is the store's migrations'), for these limits; a slot's
    /// lease lasts `lease`.
    pub fn new(db: PgConnect, max_in_flight: usize, max_per_second: u32, lease: Duration) -> Self {
        let manager = PostgresConnectionManager::new(db.config, db.tls);
        // Connections are made on first use, inside `spawn_blocking` (the synchronous
        // client must not start its runtime on a thread driving Tokio).
        let pool = r2d2::Pool::builder()
            .max_size(2)
            .min_idle(Some(0))
            .connection_timeout(Duration::from_secs(5))
            .build_unchecked(manager);
        Self {
            pool,
            max_in_flight: i16::try_from(max_in_flight.clamp(1, 4)).unwrap_or(4),
            max_per_second: i64::from(max_per_second.max(1)),
            lease_ms: i64::try_from(lease.as_millis()).unwrap_or(i64::MAX / 2),
        }
    }

    fn wait(ms: i64) -> Take {
        Take::Wait(Duration::from_millis(u64::try_from(ms.max(1)).unwrap_or(1)))
    }
}

impl SharedBudget for PgBudget {
    fn take(&self, holder: &str, customer: &str, class: Class) -> Result<Take, StoreError> {
        let mut conn = self.pool.get()?;
        let mut tx = conn.transaction()?;
        let row = tx.query_one(
            "SELECT blocked_until_ms, last_grant_ms, \
                 (extract(epoch FROM clock_timestamp()) * 1000)::bigint \
                 FROM upstream_budget WHERE id = 1 FOR UPDATE",
            &[],
        )?;
        let (blocked, last, now): (i64, i64, i64) = (row.get(0), row.get(1), row.get(2));
        if blocked > now {
            // A row written with a longer block (an older replica's) holds no longer.
            let left = u64::try_from(blocked - now).unwrap_or(0);
            return Ok(Take::Blocked(Duration::from_millis(left).min(MAX_BLOCK)));
        }
        // Three quarters of an even spacing: replicas ask every few milliseconds, and a
        // full gap plus that polling delay would leave the window part unused.
        let gap = 750 / self.max_per_second;
        if now < last + gap {
            return Ok(Self::wait(last + gap - now));
        }
        tx.execute(
            "DELETE FROM upstream_grants WHERE at_ms <= $1",
            &[&(now - 1000)],
        )?;
        let class_name = class.as_str();
        let row = tx.query_one(
            "SELECT count(*) FILTER (WHERE class IS NOT DISTINCT FROM $1), \
                 coalesce(min(at_ms) FILTER (WHERE class IS NOT DISTINCT FROM $1), 0), \
                 count(*), coalesce(min(at_ms), 0) FROM upstream_grants",
            &[&class_name],
        )?;
        let (mine_granted, mine_first, granted, first): (i64, i64, i64, i64) =
            (row.get(0), row.get(1), row.get(2), row.get(3));
        // Each class may use four fifths of the window: the other keeps a fifth.
        let share = self.max_per_second - self.max_per_second / 5;
        if mine_granted >= share.max(1) {
            return Ok(Self::wait(mine_first + 1000 - now));
        }
        if granted >= self.max_per_second {
            return Ok(Self::wait(first + 1000 - now));
        }
        let slots = tx.query(
            "SELECT slot, holder IS NOT NULL AND until_ms >= $2, customer, class \
                 FROM upstream_slots WHERE slot <= $1 ORDER BY slot",
            &[&self.max_in_flight, &now],
        )?;
        let held = |r: &&postgres::Row| r.get::<_, bool>(1);
        let mine = slots
            .iter()
            .filter(|r| held(r) && r.get::<_, Option<&str>>(2) == Some(customer))
            .filter(|r| class == Class::Normal || r.get::<_, Option<&str>>(3) == Some(class_name))
            .count();
        let cap = match class {
            Class::Commit => PER_CUSTOMER_COMMIT,
            Class::Normal => PER_CUSTOMER,
        };
        if i64::try_from(mine).unwrap_or(i64::MAX) >= cap {
            return Ok(Take::Wait(SLOT_POLL));
        }
        // Each class holds at most all slots but one: the other class's minimum share. The
        // last free slot is the commit class's, unless it holds its share already.
        let of_class = |name: &str| {
            slots
                .iter()
                .filter(|r| held(r) && r.get::<_, Option<&str>>(3) == Some(name))
                .count()
        };
        let share_slots = usize::try_from(self.max_in_flight)
            .unwrap_or(1)
            .saturating_sub(1)
            .max(1);
        let free_count = slots.iter().filter(|r| !held(r)).count();
        let last_kept =
            self.max_in_flight > 1 && free_count <= 1 && of_class("commit") < share_slots;
        let room = of_class(class_name) < share_slots && !(class == Class::Normal && last_kept);
        let Some(free) = slots.iter().find(|r| !held(r)).filter(|_| room) else {
            return Ok(Take::Wait(SLOT_POLL));
        };
        let slot: i16 = free.get(0);
        tx.execute(
            "UPDATE upstream_slots SET holder = $2, customer = $3, until_ms = $4, class = $5 \
             WHERE slot = $1",
            &[
                &slot,
                &holder,
                &customer,
                &(now + self.lease_ms),
                &class_name,
            ],
        )?;
        tx.execute(
            "INSERT INTO upstream_grants (at_ms, class) VALUES ($1, $2)",
            &[&now, &class_name],
        )?;
        tx.execute(
            "UPDATE upstream_budget SET last_grant_ms = $1 WHERE id = 1",
            &[&now],
        )?;
        tx.commit()?;
        Ok(Take::Slot(i64::from(slot)))
    }

    fn release(&self, holder: &str, slot: i64) -> Result<(), StoreError> {
        let slot = i16::try_from(slot).map_err(|_| StoreError::OutOfRange("slot"))?;
        let mut conn = self.pool.get()?;
        conn.execute(
            "UPDATE upstream_slots SET holder = NULL, customer = NULL, until_ms = 0 \
             WHERE slot = $1 AND holder = $2",
            &[&slot, &holder],
        )?;
        Ok(())
    }

    fn block(&self, for_ms: u64) -> Result<(), StoreError> {
        let cap = u64::try_from(MAX_BLOCK.as_millis()).unwrap_or(u64::MAX);
        let ms = i64::try_from(for_ms.min(cap)).unwrap_or(i64::MAX / 2);
        let mut conn = self.pool.get()?;
        conn.execute(
            "UPDATE upstream_budget SET blocked_until_ms = greatest(blocked_until_ms, \
             (extract(epoch FROM clock_timestamp()) * 1000)::bigint + $1) WHERE id = 1",
            &[&ms],
        )?;
        Ok(())
    }
}

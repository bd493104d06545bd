//! Reaching a test proxy's store from outside, as an operator or a failing database
//! would: statements on it (a table renamed away makes the proxy's writes fail for
//! real), counts, and cutting a replica's PostgreSQL sessions (`pg_terminate_backend`).

use std::time::Duration;

use super::{Pair, Proc};

impl Proc {
    /// The process id.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }
}

impl Pair {
    /// Runs `sql` (no result rows) on the proxy's store, PostgreSQL or SQLite.
    pub fn store_exec(&self, sql: &str) {
        if let Some(url) = &self.db {
            seatquote_testkit::query(url, sql, &[]).expect(sql);
            return;
        }
        self.sqlite().execute_batch(sql).expect(sql);
    }

    /// The one integer a `SELECT count(*) …` on the proxy's store answers.
    pub fn store_count(&self, sql: &str) -> i64 {
        if let Some(url) = &self.db {
            let rows = seatquote_testkit::query(url, sql, &[]).expect(sql);
            return rows[0].get(0);
        }
        self.sqlite().query_row(sql, [], |r| r.get(0)).expect(sql)
    }

    /// `seat_change.applied` events in the outbox.
    pub fn applied_events(&self) -> i64 {
        self.store_count("SELECT count(*) FROM events WHERE kind = 'seat_change.applied'")
    }

    /// The attempt id of the record for a customer's Idempotency-Key.
    pub fn attempt_of(&self, customer: &str, idempotency_key: &str) -> Option<String> {
        let key = format!("{customer}\u{1f}{idempotency_key}");
        let url = self.db.as_ref().expect("a PostgreSQL store");
        let rows =
            seatquote_testkit::query(url, "SELECT attempt FROM commits WHERE key = $1", &[&key])
                .expect("read the proxy's PostgreSQL store");
        rows.first().map(|r| r.get(0))
    }

    fn sqlite(&self) -> rusqlite::Connection {
        let db = self.data.join("data").join("seatquote.sqlite3");
        let c = rusqlite::Connection::open(db).expect("open the proxy's store");
        c.busy_timeout(Duration::from_secs(5)).unwrap();
        c
    }
}

/// Terminates every PostgreSQL session of the proxy process `pid` (its sessions are named
/// `seatquote proxy-<pid>-…`); how many.
pub fn cut_sessions(url: &str, pid: u32) -> usize {
    let pattern = format!("seatquote proxy-{pid}-%");
    seatquote_testkit::query(
        url,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name LIKE $1",
        &[&pattern],
    )
    .expect("pg_terminate_backend")
    .len()
}

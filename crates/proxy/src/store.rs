//! The idempotency store: keys, commit intents and outcomes.
//!
//! [`IdempotencyStore`] is the small interface the commit path needs; [`SqliteStore`]
//! implements it with an embedded SQLite database (WAL, `synchronous=FULL`) under
//! `SEATQUOTE_DATA_DIR`. A shared database (PostgreSQL, …) can implement the same trait
//! when several proxies run side by side; it then also needs a lease on pending intents,
//! which one process with an in-process key lock does not.

use std::path::Path;

use parking_lot::Mutex;
use rusqlite::{params, Connection, OptionalExtension};

/// A commit the proxy is about to send upstream (written **before** the upstream call).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intent {
    /// `customer \u{1f} Idempotency-Key`.
    pub key: String,
    /// Hash of what the request asked for (same key + other request → 422).
    pub fingerprint: String,
    /// The quote token's id: one commit per token.
    pub jti: String,
    /// Subscription.
    pub subscription: String,
    /// Item.
    pub running_no: u64,
    /// Seats before the change.
    pub from_quantity: u32,
    /// Seats after the change.
    pub quantity: u32,
    /// The 200 body to return once the commit is known to have happened.
    pub response: String,
}

/// What the store knows about a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// An intent whose outcome is unknown (in progress, or the process died).
    Pending(Intent),
    /// Finished: the exact response to replay.
    Done {
        /// Request fingerprint.
        fingerprint: String,
        /// HTTP status.
        status: u16,
        /// Body.
        body: String,
    },
}

/// Result of [`IdempotencyStore::begin`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Begin {
    /// The intent is recorded.
    Started,
    /// The key exists already.
    KeyExists,
    /// The quote token was already used with another key.
    TokenUsed,
}

/// How the commit that used a quote token stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenUse {
    /// Committed: the quote is spent.
    Done,
    /// Recorded but unfinished: the upstream outcome is not known yet.
    Pending,
}

/// Storage for idempotency keys and commit intents.
pub trait IdempotencyStore: Send + Sync + 'static {
    /// The record for a key.
    ///
    /// # Errors
    /// Storage failures.
    fn get(&self, key: &str) -> Result<Option<Record>, String>;
    /// Records an intent (durably) unless the key or the token is taken.
    ///
    /// # Errors
    /// Storage failures.
    fn begin(&self, intent: &Intent) -> Result<Begin, String>;
    /// Whether a quote token id was already used with some key, and how that commit stands.
    ///
    /// # Errors
    /// Storage failures.
    fn token_use(&self, jti: &str) -> Result<Option<TokenUse>, String>;
    /// Marks a key done with its response.
    ///
    /// # Errors
    /// Storage failures.
    fn complete(&self, key: &str, status: u16, body: &str) -> Result<(), String>;
    /// Forgets a pending intent that is known not to have reached upstream.
    ///
    /// # Errors
    /// Storage failures.
    fn abandon(&self, key: &str) -> Result<(), String>;
}

/// SQLite implementation.
pub struct SqliteStore {
    conn: Mutex<Connection>,
}

fn e(err: rusqlite::Error) -> String {
    err.to_string()
}

impl SqliteStore {
    /// Opens (creating) `dir/seatquote.sqlite3`.
    ///
    /// # Errors
    /// When the directory or database cannot be opened.
    pub fn open(dir: &Path) -> Result<Self, String> {
        std::fs::create_dir_all(dir).map_err(|x| format!("{}: {x}", dir.display()))?;
        let conn = Connection::open(dir.join("seatquote.sqlite3")).map_err(e)?;
        conn.execute_batch(
            "PRAGMA journal_mode=WAL;
             PRAGMA synchronous=FULL;
             PRAGMA busy_timeout=5000;
             CREATE TABLE IF NOT EXISTS commits (
               key TEXT PRIMARY KEY,
               fingerprint TEXT NOT NULL,
               jti TEXT NOT NULL UNIQUE,
               subscription TEXT NOT NULL,
               running_no INTEGER NOT NULL,
               from_quantity INTEGER NOT NULL,
               quantity INTEGER NOT NULL,
               response TEXT NOT NULL,
               state TEXT NOT NULL,
               status INTEGER,
               body TEXT,
               created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
               completed_at TEXT
             );",
        )
        .map_err(e)?;
        Ok(Self {
            conn: Mutex::new(conn),
        })
    }
}

impl IdempotencyStore for SqliteStore {
    fn get(&self, key: &str) -> Result<Option<Record>, String> {
        let c = self.conn.lock();
        c.query_row(
            "SELECT fingerprint, jti, subscription, running_no, from_quantity, quantity, response, state, status, body FROM commits WHERE key = ?1",
            params![key],
            |r| {
                let state: String = r.get(7)?;
                if state == "done" {
                    Ok(Record::Done {
                        fingerprint: r.get(0)?,
                        status: r.get::<_, Option<u16>>(8)?.unwrap_or(200),
                        body: r.get::<_, Option<String>>(9)?.unwrap_or_default(),
                    })
                } else {
                    Ok(Record::Pending(Intent {
                        key: key.to_owned(),
                        fingerprint: r.get(0)?,
                        jti: r.get(1)?,
                        subscription: r.get(2)?,
                        running_no: r.get(3)?,
                        from_quantity: r.get(4)?,
                        quantity: r.get(5)?,
                        response: r.get(6)?,
                    }))
                }
            },
        )
        .optional()
        .map_err(e)
    }

    fn begin(&self, i: &Intent) -> Result<Begin, String> {
        let mut c = self.conn.lock();
        let tx = c.transaction().map_err(e)?;
        let key_taken: bool = tx
            .query_row(
                "SELECT 1 FROM commits WHERE key = ?1",
                params![i.key],
                |_| Ok(()),
            )
            .optional()
            .map_err(e)?
            .is_some();
        if key_taken {
            return Ok(Begin::KeyExists);
        }
        let token_taken = tx
            .query_row(
                "SELECT 1 FROM commits WHERE jti = ?1",
                params![i.jti],
                |_| Ok(()),
            )
            .optional()
            .map_err(e)?
            .is_some();
        if token_taken {
            return Ok(Begin::TokenUsed);
        }
        tx.execute(
            "INSERT INTO commits (key, fingerprint, jti, subscription, running_no, from_quantity, quantity, response, state)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'pending')",
            params![i.key, i.fingerprint, i.jti, i.subscription, i.running_no, i.from_quantity, i.quantity, i.response],
        )
        .map_err(e)?;
        tx.commit().map_err(e)?;
        Ok(Begin::Started)
    }

    fn token_use(&self, jti: &str) -> Result<Option<TokenUse>, String> {
        let state: Option<String> = self
            .conn
            .lock()
            .query_row(
                "SELECT state FROM commits WHERE jti = ?1",
                params![jti],
                |r| r.get(0),
            )
            .optional()
            .map_err(e)?;
        Ok(state.map(|s| {
            if s == "done" {
                TokenUse::Done
            } else {
                TokenUse::Pending
            }
        }))
    }

    fn complete(&self, key: &str, status: u16, body: &str) -> Result<(), String> {
        self.conn
            .lock()
            .execute(
                "UPDATE commits SET state = 'done', status = ?2, body = ?3,
                 completed_at = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE key = ?1",
                params![key, status, body],
            )
            .map(|_| ())
            .map_err(e)
    }

    fn abandon(&self, key: &str) -> Result<(), String> {
        self.conn
            .lock()
            .execute(
                "DELETE FROM commits WHERE key = ?1 AND state = 'pending'",
                params![key],
            )
            .map(|_| ())
            .map_err(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intent_lifecycle() {
        let dir = std::env::temp_dir().join(format!("sq-store-{}", std::process::id()));
        let s = SqliteStore::open(&dir).unwrap();
        let i = Intent {
            key: "k".into(),
            fingerprint: "f".into(),
            jti: "j".into(),
            subscription: "S1".into(),
            running_no: 1,
            from_quantity: 1,
            quantity: 2,
            response: "{}".into(),
        };
        assert_eq!(s.begin(&i).unwrap(), Begin::Started);
        assert_eq!(s.begin(&i).unwrap(), Begin::KeyExists);
        let other = Intent {
            key: "k2".into(),
            ..i.clone()
        };
        assert_eq!(s.begin(&other).unwrap(), Begin::TokenUsed);
        assert_eq!(s.get("k").unwrap(), Some(Record::Pending(i.clone())));
        s.complete("k", 200, "{\"a\":1}").unwrap();
        assert!(matches!(
            s.get("k").unwrap(),
            Some(Record::Done { status: 200, .. })
        ));
        s.abandon("k").unwrap();
        assert!(
            s.get("k").unwrap().is_some(),
            "done records are never abandoned"
        );
        drop(s);
        let _ = std::fs::remove_dir_all(dir);
    }
}

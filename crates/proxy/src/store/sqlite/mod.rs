//! [`SqliteStore`]: the commit ledger in an embedded SQLite database (WAL,
//! `synchronous=FULL`: a recorded intent survives a crash or a power cut).

pub mod ledger;
pub mod outbox;
pub mod parking;
pub mod schedule;

use std::path::Path;

use parking_lot::Mutex;
use rusqlite::{Connection, Row};

use crate::domain::catalogue::Kind;
use crate::domain::intent::{ChangeOf, Intent, IntentState};
use crate::store::{Record, StoreError, ATTEMPT, ATTENTION_MS, EFFECTIVE_ON, KIND};

/// SQLite implementation of [`crate::store::IdempotencyStore`].
pub struct SqliteStore {
    pub(crate) conn: Mutex<Connection>,
    /// The webhook URL configured now: recorded with each event written
    /// ([`SqliteStore::with_webhook_target`]).
    pub(crate) target: Option<String>,
}

pub(crate) fn record(r: &Row<'_>) -> rusqlite::Result<Record> {
    let stored: String = r.get(8)?;
    let Some(mut state) = IntentState::from_stored(&stored) else {
        return Ok(Record::Done {
            fingerprint: r.get(1)?,
            status: r.get::<_, Option<u16>>(9)?.unwrap_or(200),
            body: r.get::<_, Option<String>>(10)?.unwrap_or_default(),
        });
    };
    if state != IntentState::Recorded && r.get::<_, Option<i64>>(ATTENTION_MS)?.is_some() {
        state = IntentState::NeedsAttention;
    }
    intent(r, state).map(Record::Pending)
}

/// The row (read with [`crate::store::COLUMNS`]) as an intent in `state`.
pub(crate) fn intent(r: &Row<'_>, state: IntentState) -> rusqlite::Result<Intent> {
    Ok(Intent {
        key: r.get(0)?,
        fingerprint: r.get(1)?,
        jti: r.get(2)?,
        subscription: r.get(3)?,
        running_no: r.get(4)?,
        from_quantity: r.get(5)?,
        quantity: r.get(6)?,
        response: r.get(7)?,
        state,
        resolve_after: r.get(11)?,
        before: crate::store::item_state(r.get(12)?),
        intended: crate::store::item_state(r.get(13)?),
        attempt: r.get(ATTEMPT)?,
        effective_on: r.get(EFFECTIVE_ON)?,
        change: Box::new(ChangeOf {
            kind: Kind::parse(&r.get::<_, String>(KIND)?),
            product_before: r.get(KIND + 1)?,
            product_after: r.get(KIND + 2)?,
        }),
    })
}

impl SqliteStore {
    /// Opens (creating, or migrating to the newest schema: [`crate::store::migrate`])
    /// `dir/seatquote.sqlite3`.
    ///
    /// # Errors
    /// When the directory or database cannot be opened.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(dir).map_err(|source| StoreError::Dir {
            path: dir.to_owned(),
            source,
        })?;
        let mut conn = Connection::open(dir.join("seatquote.sqlite3"))?;
        conn.execute_batch(
            "PRAGMA journal_mode=WAL;
             PRAGMA synchronous=FULL;
             PRAGMA busy_timeout=5000;",
        )?;
        crate::store::migrate::sqlite(&mut conn)?;
        Ok(Self {
            conn: Mutex::new(conn),
            target: None,
        })
    }

    /// The webhook URL configured now (`SEATQUOTE_WEBHOOK_URL`; `None`: events are kept, not
    /// sent): each event is written with it, and delivered there even if the setting
    /// changes later (docs/webhooks.md, "Delivery").
    #[must_use]
    pub fn with_webhook_target(mut self, url: Option<String>) -> Self {
        self.target = url;
        self
    }
}

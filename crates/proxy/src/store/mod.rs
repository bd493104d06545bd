//! The commit ledger's storage: idempotency keys, commit intents, their state and the
//! lease that lets exactly one worker resolve an unknown outcome (DESIGN.md, "The commit
//! state machine").
//!
//! [`IdempotencyStore`] is the interface the commit path and the reconciler need (it is
//! synchronous: callers run it inside `tokio::task::spawn_blocking`). Two implementations:
//! [`SqliteStore`], an embedded SQLite database under
//! `SEATQUOTE_DATA_DIR` (the default, one process), and
//! [`PgStore`], PostgreSQL at `SEATQUOTE_DATABASE_URL`, shared
//! by several replicas. Their schemas are versioned migrations ([`migrate`]).
//! Times are Unix milliseconds.

pub mod error;
pub mod migrate;
pub mod postgres;
pub mod sqlite;

pub use error::StoreError;
pub use postgres::PgStore;
pub use sqlite::SqliteStore;

use crate::domain::event::{Event, NewEvent};
use crate::domain::intent::Intent;
use crate::domain::notification::Notification;

/// The `commits` columns a [`Record`] is read from, in both stores.
pub(crate) const COLUMNS: &str = "key, fingerprint, jti, subscription, running_no, from_quantity, quantity, response, state, status, body, resolve_after_ms, item_before, item_intended";

/// What [`IdempotencyStore::plan`] adds to a recorded intent once the guard read is
/// done.
#[derive(Debug, Clone, Copy)]
pub struct Plan<'a> {
    /// Seats before the change.
    pub from_quantity: u32,
    /// The 200 body.
    pub response: &'a str,
    /// The item before the change, JSON ([`crate::domain::intent::ItemState`]).
    pub before: &'a str,
    /// The item as intended, JSON.
    pub intended: &'a str,
}

/// An item state stored as JSON; `None` when absent or unreadable (an older record).
pub(crate) fn item_state(json: Option<String>) -> Option<Box<crate::domain::intent::ItemState>> {
    serde_json::from_str(&json?).ok()
}

/// What the store knows about a key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Record {
    /// An unfinished commit.
    Pending(Intent),
    /// Finished (applied, or disputed): the exact response to replay.
    Done {
        /// Request fingerprint.
        fingerprint: String,
        /// HTTP status.
        status: u16,
        /// Body.
        body: String,
    },
}

/// An unfinished change of an item (`recorded`, `sent` or `unknown`), as the summary
/// shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unfinished {
    /// The item.
    pub running_no: u64,
    /// Seats after the change.
    pub quantity: u32,
    /// When it was recorded (RFC 3339, UTC, milliseconds).
    pub since: String,
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
    /// Another change of the same subscription item is unfinished.
    ItemBusy,
}

/// How the commit that used a quote token stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenUse {
    /// Committed: the quote is spent.
    Done,
    /// Sent and found not applied: the quote is spent too (a fresh preview is confirmed).
    NotApplied,
    /// Refused as changed before it was sent: the quote is spent.
    Refused,
    /// Recorded but unfinished: the upstream outcome is not known yet.
    Pending,
}

/// The stored state of a finished record: `done` for an applied commit (answered 200),
/// `disputed` for one answered with a problem. Both stores write it in `complete`
/// (`not_applied`, a commit sent and found not applied after the quarantine, is written by
/// `finish_not_applied`).
pub fn finished_state(status: u16) -> &'static str {
    if status == 200 {
        "done"
    } else {
        "disputed"
    }
}

impl TokenUse {
    /// How the commit stands, from its stored state.
    pub fn from_stored(stored: &str) -> Self {
        match stored {
            "done" | "disputed" => Self::Done,
            "not_applied" => Self::NotApplied,
            "refused" => Self::Refused,
            _ => Self::Pending,
        }
    }
}

/// Storage for idempotency keys and the commit ledger.
pub trait IdempotencyStore: Send + Sync + 'static {
    /// The record for a key.
    ///
    /// # Errors
    /// Storage failures.
    fn get(&self, key: &str) -> Result<Option<Record>, StoreError>;
    /// Records an intent (durably, state `recorded`, recorded by `owner`) unless the key
    /// or the token is taken or another change of the item is unfinished. Across
    /// processes sharing the store these hold by the store itself, not by a lock in one
    /// process.
    ///
    /// # Errors
    /// Storage failures.
    fn begin(&self, intent: &Intent, owner: &str) -> Result<Begin, StoreError>;
    /// Fills in a recorded intent's guard read and answer (after the re-preview).
    ///
    /// # Errors
    /// Storage failures.
    fn plan(&self, key: &str, plan: &Plan<'_>) -> Result<(), StoreError>;
    /// `recorded` → `sent`, resolvable after `resolve_after`; false when the intent is no
    /// longer `recorded` (then nothing may be sent).
    ///
    /// # Errors
    /// Storage failures.
    fn mark_sent(&self, key: &str, resolve_after: i64) -> Result<bool, StoreError>;
    /// `sent` → `unknown`.
    ///
    /// # Errors
    /// Storage failures.
    fn mark_unknown(&self, key: &str) -> Result<(), StoreError>;
    /// Whether a quote token id was already used with some key, and how that commit stands.
    ///
    /// # Errors
    /// Storage failures.
    fn token_use(&self, jti: &str) -> Result<Option<TokenUse>, StoreError>;
    /// Finishes an unfinished key with the answer to replay: `applied` (200) or
    /// `disputed` (a problem), and writes `event` to the outbox in the same transaction
    /// (only when the key was unfinished: one event per finished commit). A finished key
    /// keeps its first answer. Returns whether it finished a row.
    ///
    /// # Errors
    /// Storage failures.
    fn complete(
        &self,
        key: &str,
        status: u16,
        body: &str,
        event: Option<&NewEvent>,
    ) -> Result<bool, StoreError>;

    /// Records `i` as applied with its 200 (`i.response`) and `event`, whatever became of
    /// its row meanwhile: for a 2xx answer that [`Self::complete`] found no unfinished row
    /// for (a 2xx is evidence; "200 committed" is never answered without a record). A row
    /// already applied is left alone (false); one finished otherwise is overwritten; a
    /// missing one is inserted.
    ///
    /// # Errors
    /// Storage failures (the quote's `jti` taken by another key's record).
    fn record_applied(&self, i: &Intent, event: &NewEvent) -> Result<bool, StoreError>;
    /// Forgets an unfinished intent that certainly did not apply upstream (frees the key,
    /// the quote and the item). Finished records are never forgotten.
    ///
    /// # Errors
    /// Storage failures.
    fn abandon(&self, key: &str) -> Result<(), StoreError>;

    /// Finishes an unfinished intent that was sent and found not applied after the
    /// quarantine (state `not_applied`): `body` (a 409 `commit_not_applied`) is replayed for
    /// the key, its quote is spent, the item is free. Nothing is sent again under the key.
    ///
    /// # Errors
    /// Storage failures.
    fn finish_not_applied(&self, key: &str, body: &str) -> Result<(), StoreError>;

    /// Finishes a `recorded` intent refused before it was sent (`quote_changed`) as
    /// `refused`: `body` is replayed for the key and its quote is spent (replaying the quote
    /// costs Cleverbridge nothing more); the item is free.
    ///
    /// # Errors
    /// Storage failures.
    fn refuse(&self, key: &str, body: &str) -> Result<(), StoreError>;
    /// Forgets a `recorded` intent (never sent) whose recording request is over: recorded
    /// by `owner` (who holds the key's lock and so knows its request is finished), or by a
    /// process known to be dead, or untouched since `stale_before`. False when it is
    /// still another live worker's (or no longer `recorded`). A store used by one process
    /// only (SQLite) may take every recorded intent seen under the key's lock as dead.
    ///
    /// # Errors
    /// Storage failures.
    fn abandon_recorded(
        &self,
        key: &str,
        owner: &str,
        stale_before: i64,
    ) -> Result<bool, StoreError>;
    /// Takes the lease on a `sent`/`unknown` intent that is resolvable at `now`, until
    /// `until`; false when not resolvable yet or another live holder has it.
    ///
    /// # Errors
    /// Storage failures.
    fn lease(&self, key: &str, owner: &str, now: i64, until: i64) -> Result<bool, StoreError>;

    /// As [`Self::lease`], before the intent's deadline too: for a read that may only
    /// find the commit applied ([`crate::ledger::hint`]).
    ///
    /// # Errors
    /// Storage failures.
    fn lease_early(&self, key: &str, owner: &str, now: i64, until: i64)
        -> Result<bool, StoreError>;

    /// Keeps the lease `owner` holds until `until` (a read found nothing final: the next
    /// one waits).
    ///
    /// # Errors
    /// Storage failures.
    fn hold(&self, key: &str, owner: &str, until: i64) -> Result<(), StoreError>;

    /// After a read that could not resolve the intent (Cleverbridge unreadable): counts the
    /// failure and keeps `owner`'s lease for 0.5 s × 2^(failures so far), at most a minute —
    /// the intent's back-off.
    ///
    /// # Errors
    /// Storage failures.
    fn back_off(&self, key: &str, owner: &str, now: i64) -> Result<(), StoreError>;

    /// Gives a lease back early.
    ///
    /// # Errors
    /// Storage failures.
    fn release(&self, key: &str, owner: &str) -> Result<(), StoreError>;
    /// Unfinished intents the reconciler should look at: `sent`/`unknown` ones
    /// resolvable at `now` and not leased, and `recorded` ones untouched since
    /// `stale_before` (their process died before sending).
    ///
    /// # Errors
    /// Storage failures.
    fn due(&self, now: i64, stale_before: i64) -> Result<Vec<Intent>, StoreError>;
    /// The unfinished changes of a subscription's items, oldest first (the summary's
    /// `pending` entries in progress).
    ///
    /// # Errors
    /// Storage failures.
    fn unfinished(&self, subscription: &str) -> Result<Vec<Unfinished>, StoreError>;
}

/// What recording a notification did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Recorded {
    /// The same notification was recorded before: nothing changed.
    pub duplicate: bool,
    /// Ids of the events written.
    pub events: Vec<String>,
    /// Unfinished commits whose intended quantity is notified: hints, each to be checked
    /// by a read (by the caller
    /// through the ledger).
    pub checks: Vec<Intent>,
}

/// Storage of the outbox and of the notifications received (implemented next to the
/// commit ledger, in the same database: see [`IdempotencyStore::complete`],
/// which writes its event in the commit's transaction).
pub trait OutboxStore: Send + Sync + 'static {
    /// Writes an event on its own (kept once per id).
    ///
    /// # Errors
    /// Storage failures.
    fn add_event(&self, event: &NewEvent, now: i64) -> Result<(), StoreError>;
    /// Takes up to `limit` events due for delivery at `now`, each the oldest pending event
    /// of its subscription, leased to `owner` until `until` (one deliverer per event).
    ///
    /// # Errors
    /// Storage failures.
    fn claim(
        &self,
        owner: &str,
        now: i64,
        until: i64,
        limit: u32,
    ) -> Result<Vec<Event>, StoreError>;
    /// Records a delivery attempt's outcome, if `owner` still holds the lease: delivered,
    /// or retried at `next` (`None`: exhausted).
    ///
    /// # Errors
    /// Storage failures.
    fn attempted(
        &self,
        seq: i64,
        owner: &str,
        outcome: Result<i64, (String, Option<i64>)>,
    ) -> Result<(), StoreError>;
    /// Events after `after` (a `seq`), oldest first, at most `limit`.
    ///
    /// # Errors
    /// Storage failures.
    fn events_after(&self, after: i64, limit: u32) -> Result<Vec<Event>, StoreError>;
    /// Puts an event back in line for delivery now (fresh retry period); false when there
    /// is no such event.
    ///
    /// # Errors
    /// Storage failures.
    fn redeliver(&self, id: &str, now: i64) -> Result<bool, StoreError>;
    /// Records a notification (once per digest), classifies its items against what the
    /// ledger and earlier notifications know, and writes the events it implies — all in
    /// one transaction.
    ///
    /// # Errors
    /// Storage failures.
    fn record_notification(&self, n: &Notification, now: i64) -> Result<Recorded, StoreError>;
}

/// Runs a store call on tokio's blocking pool, off the async threads (the stores are
/// synchronous).
///
/// # Errors
/// The call's own error, or the blocking task's failure.
pub async fn run_blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(f).await?
}

/// Now, Unix milliseconds.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

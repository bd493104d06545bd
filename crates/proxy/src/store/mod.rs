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
//! Times are Unix milliseconds on the store's clock ([`IdempotencyStore::clock_ms`]).

pub mod error;
pub mod migrate;
pub mod postgres;
pub mod record;
pub mod schedule;
pub mod sqlite;

pub use error::StoreError;
pub use postgres::tls::{PgConnect, SslMode, Tls};
pub use postgres::PgStore;
pub use record::{finished_state, Begin, Parked, Plan, Record, TokenUse, Unfinished};
pub(crate) use record::{
    item_state, AFTER_COLUMNS, ATTEMPT, ATTENTION_MS, COLUMNS, EFFECTIVE_ON, KIND,
};
pub use schedule::{Cancelled, ScheduleStore, Scheduled};
pub use sqlite::SqliteStore;

use crate::domain::event::{Event, NewEvent};
use crate::domain::intent::Intent;
use crate::domain::notification::Notification;

/// That the event `ev` heads its delivery lane: no earlier event of its lane is pending,
/// or exhausted — an exhausted event holds its lane until it is delivered, so a later one
/// never overtakes it (docs/webhooks.md, "Delivery"). Both stores claim with it.
pub(crate) const LANE_HEAD: &str = "NOT EXISTS (SELECT 1 FROM events p WHERE p.lane = ev.lane
    AND p.state IN ('pending', 'exhausted') AND p.seq < ev.seq)";

/// Storage for idempotency keys and the commit ledger.
///
/// **Fencing:** every write after `begin` names the attempt (`key`, `attempt`: the
/// attempt's own id, written by `begin`) and changes or removes only that attempt's row;
/// a write that matches nothing says so (`false`), and the caller acts on it.
///
/// **One clock:** every time these calls compare or write (deadlines, leases, staleness,
/// the quarantine) is the store's clock, [`Self::clock_ms`] — PostgreSQL's `now()`, shared
/// by every replica; for SQLite (one process) the process clock. Callers pass durations,
/// never instants of their own clock.
pub trait IdempotencyStore: Send + Sync + 'static {
    /// The store's clock, Unix milliseconds.
    ///
    /// # Errors
    /// Storage failures.
    fn clock_ms(&self) -> Result<i64, StoreError>;
    /// The record for a key.
    ///
    /// # Errors
    /// Storage failures.
    fn get(&self, key: &str) -> Result<Option<Record>, StoreError>;
    /// Records an intent (durably, state `recorded`, recorded by `owner`, as attempt
    /// `i.attempt`) unless the key or the token is taken or another change of the item is
    /// unfinished. Across processes sharing the store these hold by the store itself, not
    /// by a lock in one process.
    ///
    /// # Errors
    /// Storage failures.
    fn begin(&self, intent: &Intent, owner: &str) -> Result<Begin, StoreError>;
    /// Fills in a recorded intent's guard read and answer (after the re-preview); false
    /// when the attempt is no longer `recorded` (removed, or another attempt's row).
    ///
    /// # Errors
    /// Storage failures.
    fn plan(&self, key: &str, attempt: &str, plan: &Plan<'_>) -> Result<bool, StoreError>;
    /// `recorded` → `sent`, resolvable `after_ms` from now on the store's clock; returns
    /// that deadline (store clock), or `None` when the attempt is no longer `recorded`
    /// (then nothing may be sent).
    ///
    /// # Errors
    /// Storage failures.
    fn mark_sent(&self, key: &str, attempt: &str, after_ms: i64)
        -> Result<Option<i64>, StoreError>;
    /// `sent` → `unknown`; false when the attempt is not `sent`.
    ///
    /// # Errors
    /// Storage failures.
    fn mark_unknown(&self, key: &str, attempt: &str) -> Result<bool, StoreError>;
    /// Whether a quote token id was already used with some key, and how that commit stands.
    ///
    /// # Errors
    /// Storage failures.
    fn token_use(&self, jti: &str) -> Result<Option<TokenUse>, StoreError>;
    /// Finishes the attempt's unfinished row with the answer to replay: `applied` (200)
    /// or `disputed` (a problem), and writes `event` to the outbox in the same transaction
    /// (only when the row was finished here: one event per finished commit). A finished
    /// key keeps its first answer. Returns whether it finished a row.
    ///
    /// # Errors
    /// Storage failures.
    fn complete(
        &self,
        key: &str,
        attempt: &str,
        status: u16,
        body: &str,
        event: Option<&NewEvent>,
    ) -> Result<bool, StoreError>;

    /// Records `i` as applied with its 200 (`i.response`) and `event`, whatever became of
    /// its key's row meanwhile: for a 2xx answer that [`Self::complete`] found no
    /// unfinished row of its attempt for (a 2xx is evidence; "200 committed" is never
    /// answered without a record). A row already applied is left alone (false); any other
    /// (finished otherwise, or a newer attempt's) is overwritten as this attempt's; a
    /// missing one is inserted.
    ///
    /// # Errors
    /// Storage failures (the quote's `jti` taken by another key's record).
    fn record_applied(&self, i: &Intent, event: &NewEvent) -> Result<bool, StoreError>;
    /// Forgets the attempt's unfinished row when it certainly did not apply upstream
    /// (frees the key, the quote and the item); false when there is none (another
    /// attempt's row is left alone). Finished records are never forgotten.
    ///
    /// # Errors
    /// Storage failures.
    fn abandon(&self, key: &str, attempt: &str) -> Result<bool, StoreError>;

    /// Finishes the attempt's unfinished row, sent and found not applied, as
    /// `not_applied` — only once its quarantine is over (`quarantine_ms` after its
    /// deadline, on the store's clock): `body` (a 409 `commit_not_applied`) is replayed for
    /// the key, its quote is spent, the item is free. False when not finished (the
    /// quarantine is running, or the row is not this attempt's).
    ///
    /// # Errors
    /// Storage failures.
    fn finish_not_applied(
        &self,
        key: &str,
        attempt: &str,
        body: &str,
        quarantine_ms: i64,
    ) -> Result<bool, StoreError>;

    /// Finishes the attempt's `recorded` row refused before it was sent (`quote_changed`)
    /// as `refused`: `body` is replayed for the key and its quote is spent (replaying the
    /// quote costs Cleverbridge nothing more); the item is free. False when the row is not
    /// this attempt's `recorded` one.
    ///
    /// # Errors
    /// Storage failures.
    fn refuse(&self, key: &str, attempt: &str, body: &str) -> Result<bool, StoreError>;
    /// Forgets the attempt's `recorded` row (never sent) whose recording request is over:
    /// recorded by `owner` (who holds the key's lock and so knows its request is
    /// finished), or by a replica whose heartbeat is older than the replica timeout (dead,
    /// on the store's clock), or untouched for `stale_ms`. False when it is still another
    /// live worker's (or not this attempt's `recorded` row). A store used by one process
    /// only (SQLite) may take every recorded intent seen under the key's lock as dead.
    ///
    /// # Errors
    /// Storage failures.
    fn abandon_recorded(
        &self,
        key: &str,
        attempt: &str,
        owner: &str,
        stale_ms: i64,
    ) -> Result<bool, StoreError>;
    /// Takes the lease on the attempt's `sent`/`unknown` row if it is resolvable now (its
    /// deadline passed) for `for_ms`; false when not resolvable yet, another live holder
    /// has it, or the row is not this attempt's.
    ///
    /// # Errors
    /// Storage failures.
    fn lease(&self, key: &str, attempt: &str, owner: &str, for_ms: i64)
        -> Result<bool, StoreError>;

    /// As [`Self::lease`], before the intent's deadline too: for a read that may only
    /// find the commit applied ([`crate::ledger::hint`]).
    ///
    /// # Errors
    /// Storage failures.
    fn lease_early(
        &self,
        key: &str,
        attempt: &str,
        owner: &str,
        for_ms: i64,
    ) -> Result<bool, StoreError>;

    /// Keeps the lease `owner` holds on the attempt for `for_ms` more (a read found
    /// nothing final: the next one waits).
    ///
    /// # Errors
    /// Storage failures.
    fn hold(&self, key: &str, attempt: &str, owner: &str, for_ms: i64) -> Result<(), StoreError>;

    /// After a read that could not resolve the intent (Cleverbridge unreadable): counts the
    /// failure and keeps `owner`'s lease for 0.5 s × 2^(failures so far), at most a minute —
    /// the intent's back-off. The failure that brings the count to `park_after` parks the
    /// intent as needing attention instead (read no more until [`Self::unpark`]) and writes
    /// `event` to the outbox in the same transaction. Returns whether it parked it.
    ///
    /// # Errors
    /// Storage failures.
    fn back_off(
        &self,
        key: &str,
        attempt: &str,
        owner: &str,
        park_after: u32,
        event: &NewEvent,
    ) -> Result<bool, StoreError>;

    /// The intents parked as needing attention, oldest first, at most `limit`.
    ///
    /// # Errors
    /// Storage failures.
    fn parked(&self, limit: u32) -> Result<Vec<Parked>, StoreError>;

    /// An operator's retry of a parked intent: its failures forgotten, due for a read now.
    /// False when the key names no parked intent.
    ///
    /// # Errors
    /// Storage failures.
    fn unpark(&self, key: &str) -> Result<bool, StoreError>;

    /// Gives a lease back early.
    ///
    /// # Errors
    /// Storage failures.
    fn release(&self, key: &str, attempt: &str, owner: &str) -> Result<(), StoreError>;
    /// Unfinished intents the reconciler should look at: `sent`/`unknown` ones
    /// resolvable now and not leased, and `recorded` ones untouched for `stale_ms` or whose
    /// recorder's heartbeat has expired (their process died before sending).
    ///
    /// # Errors
    /// Storage failures.
    fn due(&self, stale_ms: i64) -> Result<Vec<Intent>, StoreError>;

    /// Writes this replica's heartbeat (`instance`) on the store's clock. A store of one
    /// process (SQLite) has nothing to write.
    ///
    /// # Errors
    /// Storage failures: the replica then refuses new commits (DESIGN.md, "Stores and
    /// migrations").
    fn beat(&self, instance: &str) -> Result<(), StoreError>;
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
    /// Takes up to `limit` events due for delivery at `now`, each the head of its lane (no
    /// earlier event of the lane pending or exhausted), leased to `owner` until `until`
    /// (one deliverer per event). An event without a target takes the store's
    /// ([`SqliteStore::with_webhook_target`]); one never attempted starts its retry period.
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
    /// Puts an event back in line for delivery now (fresh retry period), to the webhook URL
    /// configured now (the store's target, when it has one); false when there is no such
    /// event.
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
    /// Deletes what retention no longer keeps (docs/webhooks.md, "Retention"): events
    /// delivered before `delivered_before`, notifications received before
    /// `notified_before`. Pending and exhausted events are kept whatever their age. Returns
    /// how many events and notifications were deleted.
    ///
    /// # Errors
    /// Storage failures.
    fn prune(&self, delivered_before: i64, notified_before: i64) -> Result<(u64, u64), StoreError>;
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

/// Now on this process's clock, Unix milliseconds (plus the test-only skew,
/// `set_clock_skew`, `SEATQUOTE_CLOCK_SKEW_MS`). It is the SQLite store's clock; with PostgreSQL, nothing the
/// ledger decides is measured by it (the database's `now()` is).
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis() + CLOCK_SKEW_MS.load(std::sync::atomic::Ordering::Relaxed)
}

/// The skew added to this process's clock ([`now_ms`]); 0 but in tests.
static CLOCK_SKEW_MS: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

/// Offsets this process's clock by `ms` (`SEATQUOTE_CLOCK_SKEW_MS`, builds with the
/// `fixed-clock` feature only): a test's replica whose clock is wrong.
#[cfg(feature = "fixed-clock")]
pub fn set_clock_skew(ms: i64) {
    CLOCK_SKEW_MS.store(ms, std::sync::atomic::Ordering::Relaxed);
}

/// A fresh attempt id (fencing: DESIGN.md, "The commit state machine").
pub fn new_attempt() -> String {
    format!("{:032x}", rand::random::<u128>())
}

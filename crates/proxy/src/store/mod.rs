//! The commit ledger's storage: idempotency keys, commit intents, their state and the
//! lease that lets exactly one worker resolve an unknown outcome (DESIGN.md, "The commit
//! state machine").
//!
//! [`IdempotencyStore`] is the interface the commit path and the reconciler need (it is
//! synchronous: callers run it inside `tokio::task::spawn_blocking`). Two implementations:
//! [`SqliteStore`](crate::store_sqlite::SqliteStore), an embedded SQLite database under
//! `SEATQUOTE_DATA_DIR` (the default, one process), and
//! [`PgStore`](crate::store_pg::PgStore), PostgreSQL at `SEATQUOTE_DATABASE_URL`, shared
//! by several replicas. Their schemas are versioned migrations ([`crate::migrate`]).
//! Times are Unix milliseconds.

pub use crate::store_pg::PgStore;
pub use crate::store_sqlite::SqliteStore;

use crate::outbox::NewEvent;

/// Where an unfinished commit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Recorded durably; nothing sent yet (certainly not applied).
    Recorded,
    /// About to be sent or in flight: the outcome is not known yet.
    Sent,
    /// Sent, and the answer said nothing certain (reset, timeout, 5xx).
    Unknown,
}

impl State {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Recorded => "recorded",
            Self::Sent => "sent",
            Self::Unknown => "unknown",
        }
    }

    /// An unfinished state from its stored spelling; `None` for a finished one (`done`,
    /// `disputed`). `pending` is the spelling of SQLite stores written before the ledger's
    /// states.
    pub fn from_stored(stored: &str) -> Option<Self> {
        match stored {
            "recorded" => Some(Self::Recorded),
            "sent" | "pending" => Some(Self::Sent),
            "unknown" => Some(Self::Unknown),
            _ => None,
        }
    }
}

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
    /// Seats before the change (as read by the commit's guard read).
    pub from_quantity: u32,
    /// Seats after the change.
    pub quantity: u32,
    /// The 200 body to return once the commit is known to have happened.
    pub response: String,
    /// Where it stands.
    pub state: State,
    /// Not resolvable by reading Cleverbridge before this time (the upstream call's
    /// deadline has passed by then).
    pub resolve_after: i64,
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
    /// Recorded but unfinished: the upstream outcome is not known yet.
    Pending,
}

/// The stored state of a finished record: `done` for an applied commit (answered 200),
/// `disputed` for one answered with a problem. Both stores write it in `complete`.
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
    fn get(&self, key: &str) -> Result<Option<Record>, String>;
    /// Records an intent (durably, state `recorded`, recorded by `owner`) unless the key
    /// or the token is taken or another change of the item is unfinished. Across
    /// processes sharing the store these hold by the store itself, not by a lock in one
    /// process.
    ///
    /// # Errors
    /// Storage failures.
    fn begin(&self, intent: &Intent, owner: &str) -> Result<Begin, String>;
    /// Fills in a recorded intent's guard read and answer (after the re-preview).
    ///
    /// # Errors
    /// Storage failures.
    fn plan(&self, key: &str, from_quantity: u32, response: &str) -> Result<(), String>;
    /// `recorded` → `sent`, resolvable after `resolve_after`; false when the intent is no
    /// longer `recorded` (then nothing may be sent).
    ///
    /// # Errors
    /// Storage failures.
    fn mark_sent(&self, key: &str, resolve_after: i64) -> Result<bool, String>;
    /// `sent` → `unknown`.
    ///
    /// # Errors
    /// Storage failures.
    fn mark_unknown(&self, key: &str) -> Result<(), String>;
    /// Whether a quote token id was already used with some key, and how that commit stands.
    ///
    /// # Errors
    /// Storage failures.
    fn token_use(&self, jti: &str) -> Result<Option<TokenUse>, String>;
    /// Finishes an unfinished key with the answer to replay: `applied` (200) or
    /// `disputed` (a problem), and writes `event` to the outbox in the same transaction
    /// (only when the key was unfinished: one event per finished commit). A finished key
    /// keeps its first answer.
    ///
    /// # Errors
    /// Storage failures.
    fn complete(
        &self,
        key: &str,
        status: u16,
        body: &str,
        event: Option<&NewEvent>,
    ) -> Result<(), String>;
    /// Forgets an unfinished intent that certainly did not apply upstream (frees the key,
    /// the quote and the item). Finished records are never forgotten.
    ///
    /// # Errors
    /// Storage failures.
    fn abandon(&self, key: &str) -> Result<(), String>;
    /// Forgets a `recorded` intent (never sent) whose recording request is over: recorded
    /// by `owner` (who holds the key's lock and so knows its request is finished), or by a
    /// process known to be dead, or untouched since `stale_before`. False when it is
    /// still another live worker's (or no longer `recorded`). A store used by one process
    /// only (SQLite) may take every recorded intent seen under the key's lock as dead.
    ///
    /// # Errors
    /// Storage failures.
    fn abandon_recorded(&self, key: &str, owner: &str, stale_before: i64) -> Result<bool, String>;
    /// Takes the lease on a `sent`/`unknown` intent that is resolvable at `now`, until
    /// `until`; false when not resolvable yet or another live holder has it.
    ///
    /// # Errors
    /// Storage failures.
    fn lease(&self, key: &str, owner: &str, now: i64, until: i64) -> Result<bool, String>;
    /// Gives a lease back early.
    ///
    /// # Errors
    /// Storage failures.
    fn release(&self, key: &str, owner: &str) -> Result<(), String>;
    /// Unfinished intents the reconciler should look at: `sent`/`unknown` ones
    /// resolvable at `now` and not leased, and `recorded` ones untouched since
    /// `stale_before` (their process died before sending).
    ///
    /// # Errors
    /// Storage failures.
    fn due(&self, now: i64, stale_before: i64) -> Result<Vec<Intent>, String>;
}

/// Runs a store call on tokio's blocking pool, off the async threads (the stores are
/// synchronous).
///
/// # Errors
/// The call's own error, or the blocking task's failure as text.
pub async fn run_blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, String> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| e.to_string())?
}

/// Now, Unix milliseconds.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

//! The ledger's record types, shared by both stores and their callers: what a key's
//! record holds ([`Record`]), what `begin` found ([`Begin`]), how a quote's commit stands
//! ([`TokenUse`]), a planned intent ([`Plan`]) and a parked one ([`Parked`]).

use crate::domain::intent::Intent;

/// The `commits` columns a [`Record`] is read from, in both stores.
pub(crate) const COLUMNS: &str = "key, fingerprint, jti, subscription, running_no, from_quantity, quantity, response, state, status, body, resolve_after_ms, item_before, item_intended, attention_ms, attempt, effective_on, kind, product_before, product_after";

/// The index of `attention_ms` in [`COLUMNS`].
pub(crate) const ATTENTION_MS: usize = 14;

/// The index of `attempt` in [`COLUMNS`].
pub(crate) const ATTEMPT: usize = 15;

/// The index of `effective_on` in [`COLUMNS`].
pub(crate) const EFFECTIVE_ON: usize = 16;

/// The index of `kind` in [`COLUMNS`] (`product_before`, `product_after` follow).
pub(crate) const KIND: usize = 17;

/// The index of a column selected after [`COLUMNS`].
pub(crate) const AFTER_COLUMNS: usize = 20;

/// What [`super::IdempotencyStore::plan`] adds to a recorded intent once the guard read is
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

/// An intent parked as needing attention ([`super::IdempotencyStore::parked`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parked {
    /// The intent.
    pub intent: Intent,
    /// Reads that could not resolve it.
    pub failures: u32,
    /// When it was parked, Unix milliseconds.
    pub since_ms: i64,
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

/// Result of [`super::IdempotencyStore::begin`].
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
            // A scheduled change spent its quote when it was scheduled.
            "done" | "disputed" | "scheduled" | "cancelled" => Self::Done,
            "not_applied" => Self::NotApplied,
            "refused" => Self::Refused,
            _ => Self::Pending,
        }
    }
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

//! Scheduled changes in the commit ledger (DESIGN.md, "Scheduled changes"): a change at
//! the next billing date is a `commits` row in state `scheduled` — its key, quote and
//! answer like any commit's, nothing sent to Cleverbridge — until the scheduler claims it
//! shortly before its date (`scheduled` → `recorded`) and sends it through the commit
//! path. A claimed one that is certainly not applied (never sent, refused, or found as
//! before after the quarantine) goes back to `scheduled` rather than away, paused for
//! [`RETRY_BASE_MS`] × 2^n (n: such attempts before), at most [`RETRY_MAX_MS`]; a
//! cancelled or replaced one is finished as `cancelled`.
//!
//! [`ScheduleStore`] is implemented next to the ledger by both stores.

use crate::domain::event::NewEvent;
use crate::domain::intent::Intent;
use crate::store::{Plan, StoreError};

/// How long a scheduled change that went back to `scheduled` first waits before it is
/// claimed again, milliseconds (doubling with each such attempt).
pub const RETRY_BASE_MS: i64 = 5_000;

/// The longest such wait, milliseconds.
pub const RETRY_MAX_MS: i64 = 3_600_000;

/// A scheduled change as the summary shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheduled {
    /// The item.
    pub running_no: u64,
    /// Seats once it takes effect.
    pub quantity: u32,
    /// `YYYY-MM-DD`.
    pub effective_on: String,
    /// When it was scheduled, Unix milliseconds.
    pub since_ms: i64,
    /// A change of plan's target product (a downgrade at the next billing date).
    pub to_product_id: Option<String>,
}

/// The target product of a scheduled change whose intended product is not the one before
/// (a change of plan); `None` for a change of seats.
pub(crate) fn to_product(
    before: Option<Box<crate::domain::intent::ItemState>>,
    intended: Option<Box<crate::domain::intent::ItemState>>,
) -> Option<String> {
    let to = intended?.product_id?;
    (before?.product_id.as_deref() != Some(to.as_str())).then_some(to)
}

/// What cancelling an item's scheduled change found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cancelled {
    /// Cancelled (its `seat_change.cancelled` written): the change as it was scheduled.
    Done(Box<Intent>),
    /// It is being applied now (claimed by the scheduler): too late to cancel.
    Applying,
    /// The item has no scheduled change.
    NotFound,
}

/// Storage of scheduled changes (the `commits` table; see the module documentation).
pub trait ScheduleStore: Send + Sync + 'static {
    /// A `recorded` intent becomes `scheduled` to take effect on `effective_on`, with
    /// `plan` (its answer, replayed for the key as a 200) and `event`
    /// (`seat_change.scheduled`); another scheduled change of the item is cancelled
    /// (`replaced`) in the same transaction. False when the intent is no longer
    /// `recorded` as attempt `attempt`.
    ///
    /// # Errors
    /// Storage failures.
    fn schedule(
        &self,
        key: &str,
        attempt: &str,
        plan: &Plan<'_>,
        effective_on: &str,
        event: &NewEvent,
    ) -> Result<bool, StoreError>;

    /// The scheduled changes of a subscription's items.
    ///
    /// # Errors
    /// Storage failures.
    fn scheduled(&self, subscription: &str) -> Result<Vec<Scheduled>, StoreError>;

    /// Cancels the item's scheduled change (`seat_change.cancelled`, reason `customer`, in
    /// the same transaction).
    ///
    /// # Errors
    /// Storage failures.
    fn cancel(&self, subscription: &str, running_no: u64) -> Result<Cancelled, StoreError>;

    /// Claims one scheduled change due by `due_by` (`YYYY-MM-DD`: taking effect on or
    /// before it) and not paused (on the store's clock) whose item has no unfinished
    /// change: `scheduled` → `recorded`, recorded by `owner` as a new attempt (the
    /// returned intent's: every later write is fenced by it). One claimer wins per change,
    /// across replicas.
    ///
    /// # Errors
    /// Storage failures.
    fn claim_due(&self, due_by: &str, owner: &str) -> Result<Option<Intent>, StoreError>;

    /// A claimed change (`recorded`) that cannot be made as scheduled (the item changed
    /// elsewhere, or is gone) is finished as `cancelled` with `event`; false when it is no
    /// longer `recorded` as attempt `attempt`.
    ///
    /// # Errors
    /// Storage failures.
    fn drop_claimed(&self, key: &str, attempt: &str, event: &NewEvent) -> Result<bool, StoreError>;

    /// A claimed change (`recorded`) whose item has another next billing date than the
    /// one it was scheduled for (renewed before it was made, or moved elsewhere) goes back
    /// to `scheduled` for `effective_on`, the item's next billing date now, with no pause;
    /// false when it is no longer `recorded` as attempt `attempt`.
    ///
    /// # Errors
    /// Storage failures.
    fn postpone(&self, key: &str, attempt: &str, effective_on: &str) -> Result<bool, StoreError>;
}

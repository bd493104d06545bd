//! The commit ledger's transitions and their resolution (DESIGN.md, "The commit state
//! machine"): every transition is logged and counted; an outcome left unknown is
//! resolved by reading Cleverbridge — only after the upstream call's deadline, only by
//! the holder of the intent's lease — either by a retry with the same key or by the
//! background reconciler ([`crate::workers::reconciler`]), whichever comes first.

pub mod attempt;

use std::time::Duration;

use axum::http::StatusCode;

use crate::budget::Caller;
use crate::domain::event::{attention_event, commit_event};
use seatquote_core::wire::{Subscription, SubscriptionItem};

use crate::domain::intent::{Intent, IntentState, ItemState, Shown};
use crate::domain::quote_token::sha256_hex;
use crate::problem::Problem;
use crate::state::App;
use crate::store::{now_ms, run_blocking, StoreError};

/// A stored transition's target, as logged and counted
/// (`seatquote_commit_transitions_total{to=…}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum To {
    /// The intent is recorded (before anything is sent).
    Recorded,
    /// About to be sent.
    Sent,
    /// The answer said nothing certain.
    Unknown,
    /// Applied at Cleverbridge (answered, or found by reading).
    Applied,
    /// Certainly not applied (refused connection, 429, 4xx, never sent, or found
    /// unchanged after the deadline): the record is removed.
    NotApplied,
    /// The item is neither as before nor as intended: recorded as disputed.
    Disputed,
    /// A change at the next billing date, recorded and not sent (DESIGN.md, "Scheduled
    /// changes").
    Scheduled,
    /// A scheduled change cancelled (by the customer, a later change, or the item changed
    /// elsewhere).
    Cancelled,
    /// Too many reads could not resolve it: parked until an operator retries it.
    NeedsAttention,
}

impl To {
    /// The label.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Recorded => "recorded",
            Self::Sent => "sent",
            Self::Unknown => "unknown",
            Self::Applied => "applied",
            Self::NotApplied => "not_applied",
            Self::Disputed => "disputed",
            Self::Scheduled => "scheduled",
            Self::Cancelled => "cancelled",
            Self::NeedsAttention => "needs_attention",
        }
    }
}

/// Logs (no secrets: the key is hashed) and counts one transition.
pub fn transition(app: &App, i: &Intent, to: To, why: &str) {
    app.metrics.transition(to.as_str());
    let key = &sha256_hex(i.key.as_bytes())[..12];
    // The seats before the change are known only once the commit is planned (its response
    // written with them); before that `from_q` is left out rather than logged as 0.
    let from_q = (!i.response.is_empty()).then_some(i.from_quantity);
    let (sub, item, to_q) = (&i.subscription, i.running_no, i.quantity);
    match to {
        To::Disputed | To::Unknown | To::NeedsAttention => {
            tracing::warn!(target: "seatquote::ledger", key, subscription = %sub, item, from_q, to_q, to = to.as_str(), why, "commit transition");
        }
        _ => {
            tracing::info!(target: "seatquote::ledger", key, subscription = %sub, item, from_q, to_q, to = to.as_str(), why, "commit transition");
        }
    }
}

/// How long after it is marked sent an intent may be resolved by reading (its deadline,
/// written on the store's clock by `mark_sent`): the longest an upstream call can take (a
/// slot wait of up to one timeout, then the request's own timeout) plus a second's margin.
pub fn deadline_span(app: &App) -> Duration {
    app.upstream.timeout() * 2 + Duration::from_secs(1)
}

/// How long a lease lasts: longer than a fresh read with its retries.
fn lease_for(app: &App) -> i64 {
    millis(app.upstream.timeout() * 4 + Duration::from_secs(5))
}

/// How old a `recorded` intent must be before it counts as left by a dead process.
pub(crate) fn stale_after(app: &App) -> i64 {
    millis(app.upstream.timeout() * 6 + Duration::from_secs(10))
}

pub(crate) fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// An item as a read of its subscription shows it, in the fields resolution compares.
pub fn item_state(sub: &Subscription, item: &SubscriptionItem) -> ItemState {
    ItemState {
        product_id: Some(item.product_id.clone()),
        quantity: u32::try_from(item.quantity.0).unwrap_or(u32::MAX),
        next_billing_date: sub.next_billing_date.map(|d| d.0.to_iso_string()),
        next_billing_price: item
            .next_billing_customer_gross_price
            .map(|p| p.0.normalize().to_string()),
        deactivated: item.deactivation_date.is_some(),
        existing: None,
    }
}

/// An add's new item in `sub`: a current item of the intended product whose running
/// number the subscription did not hold before (DESIGN.md, "Plans, add-ons and drops").
/// `None` for a change of an item, or when there is none.
pub fn added_item(sub: &Subscription, i: &Intent) -> Option<u64> {
    let want = i.intended.as_deref()?;
    let existing = want.existing.as_ref()?;
    sub.items
        .iter()
        .find(|it| {
            it.is_current != Some(false)
                && Some(&it.product_id) == want.product_id.as_ref()
                && !existing.contains(&it.running_no.0)
        })
        .map(|it| it.running_no.0)
}

/// What a read shows about `i`: its item judged, or for an add whether the new item is
/// there (`Intended`, with its running number) or not (`Before`).
fn shown(sub: &Subscription, i: &Intent) -> Option<(Shown, Option<u64>)> {
    if i.intended.as_deref().is_some_and(|s| s.existing.is_some()) {
        return Some(match added_item(sub, i) {
            Some(rn) => (Shown::Intended, Some(rn)),
            None => (Shown::Before, None),
        });
    }
    sub.item(i.running_no)
        .map(|it| (i.judge(&item_state(sub, it)), None))
}

/// An add's answer and intent naming the new item's running number.
pub fn with_added(i: &Intent, rn: u64) -> Intent {
    let mut i = i.clone();
    i.running_no = rn;
    if let Ok(mut v) = serde_json::from_str::<serde_json::Value>(&i.response) {
        v["runningNumber"] = rn.into();
        i.response = v.to_string();
    }
    i
}

/// What resolving an unfinished intent found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// Applied: the recorded 200 body.
    Applied(String),
    /// Never sent, so certainly not applied: the record is gone; the key, quote and item
    /// are free.
    NotApplied,
    /// Sent, and found not applied after the quarantine: the recorded problem body (409
    /// `commit_not_applied`); the item is free, nothing is sent again under the key.
    NothingCharged(String),
    /// Neither as before nor as intended: the recorded problem body (409).
    Disputed(String),
    /// Not resolvable yet (before its deadline, leased elsewhere, or Cleverbridge
    /// unreadable): retry after about this many seconds.
    Unresolved(u64),
    /// Recorded and not sent yet by a request that is still running (on another replica).
    InProgress,
    /// Parked after too many reads that could not resolve it: read no more until an
    /// operator retries it (`commit_needs_attention`).
    NeedsAttention,
}

/// The answer stored for a commit sent and found not applied after the quarantine.
pub fn not_applied() -> Problem {
    Problem::new(
        StatusCode::CONFLICT,
        "commit_not_applied",
        "this commit was not applied and nothing was charged; confirm a fresh preview",
    )
}

/// The answer to a retry of a commit parked as needing attention (not stored: the outcome is
/// still unknown, and an operator's retry may resolve it).
pub fn needs_attention_problem() -> Problem {
    Problem::new(
        StatusCode::CONFLICT,
        "commit_needs_attention",
        "this commit's outcome could not be confirmed with Cleverbridge after repeated attempts; the merchant has been told and will check it; nothing is sent again under this Idempotency-Key",
    )
}

/// The answer stored for a disputed commit.
pub fn disputed_problem() -> Problem {
    Problem::new(
        StatusCode::CONFLICT,
        "commit_disputed",
        "the item changed outside this proxy while this commit's outcome was unknown; it needs a person to check it",
    )
}

/// Resolves an unfinished intent (see the module documentation). `owner` names the
/// worker for the lease.
///
/// # Errors
/// Storage failures.
pub async fn resolve(app: &App, i: &Intent, owner: &str) -> Result<Resolution, StoreError> {
    let store = app.store.clone();
    let (key, attempt) = (i.key.clone(), i.attempt.clone());
    if i.state == IntentState::Recorded {
        // Never sent: whatever the item shows now is not this commit's doing. Removed
        // once its request is over (its process dead, or it is stale); a live one on
        // another replica is left alone.
        let (o, stale) = (owner.to_owned(), stale_after(app));
        if !run_blocking(move || store.abandon_recorded(&key, &attempt, &o, stale)).await? {
            return Ok(Resolution::InProgress);
        }
        transition(app, i, To::NotApplied, "recorded but never sent");
        return Ok(Resolution::NotApplied);
    }
    if i.state == IntentState::NeedsAttention {
        return Ok(Resolution::NeedsAttention);
    }
    let (k, a, o, lease) = (key, attempt, owner.to_owned(), lease_for(app));
    let leased = run_blocking(move || {
        if store.lease(&k, &a, &o, lease)? {
            return Ok(None);
        }
        // Not leased: how long until its deadline, on the store's clock.
        store.clock_ms().map(Some)
    })
    .await?;
    if let Some(now) = leased {
        let wait = u64::try_from((i.resolve_after - now).max(0) / 1000).unwrap_or(0) + 1;
        return Ok(Resolution::Unresolved(wait));
    }
    #[cfg(feature = "failpoints")]
    app.failpoint("after_lease").await;
    settle_by_read(app, i, owner, true).await
}

/// A Cleverbridge notification about an item with an unfinished commit is a hint, never
/// evidence (DESIGN.md, "The outbox"): it triggers a leased read, even before the
/// commit's deadline; the read settles the commit only if it shows the intended state.
/// Anything else is left for [`resolve`] after the deadline.
///
/// # Errors
/// Storage failures.
pub async fn hint(app: &App, i: &Intent, owner: &str) -> Result<(), StoreError> {
    if matches!(i.state, IntentState::Recorded | IntentState::NeedsAttention) {
        return Ok(());
    }
    let store = app.store.clone();
    let (k, a, o, lease) = (
        i.key.clone(),
        i.attempt.clone(),
        owner.to_owned(),
        lease_for(app),
    );
    if run_blocking(move || store.lease_early(&k, &a, &o, lease)).await? {
        settle_by_read(app, i, owner, false).await?;
    }
    Ok(())
}

/// Reads the item, holding `i`'s lease, and settles what the read shows; before the
/// deadline (`deadline_passed` false) only "applied" is settled.
async fn settle_by_read(
    app: &App,
    i: &Intent,
    owner: &str,
    deadline_passed: bool,
) -> Result<Resolution, StoreError> {
    let (key, attempt) = (i.key.clone(), i.attempt.clone());
    // On the customer's behalf: its stuck commits share that customer's commit-class share
    // of the upstream budget, not the other customers' (docs/proxy.md, "Upstream discipline").
    let who = Caller::commit(i.customer());
    let read = app
        .upstream
        .get_subscription_for(&who, &i.subscription, true)
        .await;
    let (shown, added) = match &read {
        Ok(r) => shown(&r.response.subscription, i).map_or((None, None), |(s, a)| (Some(s), a)),
        Err(_) => (None, None),
    };
    let applied = added.map_or_else(|| i.clone(), |rn| with_added(i, rn));
    let i = &applied;
    let store = app.store.clone();
    let resolution = match shown {
        Some(s) if s != Shown::Intended && !deadline_passed => {
            let o = owner.to_owned();
            run_blocking(move || store.release(&key, &attempt, &o)).await?;
            return Ok(Resolution::Unresolved(1));
        }
        None => return back_off(app, i, owner).await,
        Some(Shown::Intended) => {
            let body = i.response.clone();
            let ev = commit_event(i, 200, now_ms());
            if !run_blocking(move || store.complete(&key, &attempt, 200, &body, Some(&ev))).await? {
                // Finished meanwhile by another worker, or no longer this attempt's row.
                return Ok(Resolution::Unresolved(1));
            }
            app.outbox_wake.notify_one();
            transition(app, i, To::Applied, "found applied at Cleverbridge");
            Resolution::Applied(i.response.clone())
        }
        Some(Shown::Before) => {
            // Final only after the quarantine (on the store's clock): before it,
            // Cleverbridge may still be processing it, and it is read again later.
            let body = serde_json::to_string(&not_applied().body())?;
            let (b, q) = (body.clone(), app.commit_quarantine_ms);
            let pause = app.upstream.timeout() + Duration::from_secs(1);
            let (o, p) = (owner.to_owned(), millis(pause));
            let finished = run_blocking(move || {
                if store.finish_not_applied(&key, &attempt, &b, q)? {
                    return Ok(true);
                }
                store.hold(&key, &attempt, &o, p)?;
                Ok(false)
            })
            .await?;
            if !finished {
                return Ok(Resolution::Unresolved(pause.as_secs() + 1));
            }
            transition(
                app,
                i,
                To::NotApplied,
                "found unchanged after the deadline and the quarantine",
            );
            Resolution::NothingCharged(body)
        }
        Some(shown @ (Shown::Neither | Shown::Indistinguishable)) => {
            let why = if shown == Shown::Neither {
                "the item is neither as before nor as intended"
            } else {
                "this change cannot be told apart by reading the item"
            };
            let body = serde_json::to_string(&disputed_problem().body())?;
            let b = body.clone();
            let ev = commit_event(i, 409, now_ms());
            if !run_blocking(move || store.complete(&key, &attempt, 409, &b, Some(&ev))).await? {
                return Ok(Resolution::Unresolved(1));
            }
            app.outbox_wake.notify_one();
            transition(app, i, To::Disputed, why);
            Resolution::Disputed(body)
        }
    };
    Ok(resolution)
}

/// A read could not resolve `i` (Cleverbridge unreadable): the intent backs off, or, after
/// `SEATQUOTE_COMMIT_MAX_RESOLVE_FAILURES` such reads, is parked as needing attention with
/// its `seat_change.needs_attention` event (DESIGN.md, "The commit state machine").
async fn back_off(app: &App, i: &Intent, owner: &str) -> Result<Resolution, StoreError> {
    let store = app.store.clone();
    let (k, a, o, park_after) = (
        i.key.clone(),
        i.attempt.clone(),
        owner.to_owned(),
        app.commit_max_resolve_failures,
    );
    let ev = attention_event(i, park_after, now_ms());
    if !run_blocking(move || store.back_off(&k, &a, &o, park_after, &ev)).await? {
        tracing::warn!(target: "seatquote::ledger", subscription = %i.subscription, item = i.running_no, "cannot read the item to resolve a commit; will try again");
        return Ok(Resolution::Unresolved(1));
    }
    app.outbox_wake.notify_one();
    tracing::error!(target: "seatquote::ledger", subscription = %i.subscription, item = i.running_no, failures = park_after, "a commit's outcome could not be resolved by reading Cleverbridge; parked as needing attention (an operator retries it: seatquote-proxy intents retry)");
    transition(
        app,
        i,
        To::NeedsAttention,
        "too many reads could not resolve it",
    );
    Ok(Resolution::NeedsAttention)
}

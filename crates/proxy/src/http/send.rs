//! Step 7 of `POST …/items/{runningNumber}/commit` ([`super::commit`]): the one upstream
//! call of a commit, between marking its intent sent and recording the outcome
//! (DESIGN.md, "The commit state machine"). The scheduler's scheduled changes
//! (`crate::workers::scheduler`) are sent the same way ([`send_intent`]).

use axum::http::StatusCode;
use axum::response::Response;
use seatquote_core::alignment::Alignment;

use super::context::ItemContext;
use super::preview::{item_call, Previewed};
use crate::domain::event::commit_event;
use crate::domain::intent::Intent;
use crate::domain::quote_token::QuoteClaims;
use crate::ledger::attempt::replay;
use crate::ledger::{deadline_span, millis, transition, To};
use crate::problem::Problem;
use crate::state::App;
use crate::store::{now_ms, run_blocking};
use crate::upstream::ItemCall;

/// 409 `idempotency_key_in_progress`: this attempt's row is gone (another worker took the
/// key over while this request was paused); nothing was sent.
pub(crate) fn taken_over() -> Problem {
    Problem::new(
        StatusCode::CONFLICT,
        "idempotency_key_in_progress",
        "this commit was taken over meanwhile; retry",
    )
}

/// 503 `upstream_unavailable`: this replica cannot write its heartbeat to the commit
/// ledger's database, so it starts no commit (DESIGN.md, "Stores and migrations").
pub(crate) fn ledger_unavailable() -> Problem {
    let mut p = Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "upstream_unavailable",
        "the commit ledger's database cannot be reached; nothing was sent: retry",
    );
    p.retry_after = Some(2);
    p
}

/// Step 7: marks the intent sent, sends the commit once (never retried), then records
/// the outcome: applied with its answer; forgotten when Cleverbridge certainly did not
/// apply it; otherwise unknown, for [`crate::ledger::resolve`].
///
/// # Errors
/// Upstream and storage problems.
pub async fn send_commit(
    app: &App,
    intent: &Intent,
    ctx: &ItemContext,
    qc: &QuoteClaims,
    fresh: &Previewed,
) -> Result<Response, Problem> {
    let mode = Alignment::parse(&qc.mode)?;
    let req = item_call(ctx, qc.qty, mode, false, fresh.quote.update_action)
        .ok_or_else(|| Problem::internal("no Cleverbridge call for this change"))?;
    send_intent(app, intent, &req).await
}

/// Sends a planned intent's commit `req` once, as [`send_commit`] describes (also the
/// scheduler's path for a scheduled change: `crate::workers::scheduler`).
///
/// # Errors
/// Upstream and storage problems.
pub async fn send_intent(app: &App, intent: &Intent, req: &ItemCall) -> Result<Response, Problem> {
    #[cfg(feature = "failpoints")]
    app.failpoint("before_upstream_commit").await;
    if !app.ledger_live() {
        unclaim(app, intent, "no heartbeat").await?;
        return Err(ledger_unavailable());
    }
    // The deadline, computed once on the store's clock by `mark_sent`: after it the
    // intent may be resolved by reading, so the call must be over by then (less a
    // margin) — whatever the time `mark_sent` or the slot wait took. Locally it counts
    // from before the write, so it ends no later than the stored one, whatever this
    // process's clock says (DESIGN.md, "The commit state machine").
    let store = app.store.clone();
    let span = deadline_span(app);
    let started = std::time::Instant::now();
    let i = intent.clone();
    let sent = run_blocking(move || store.mark_sent(&i.key, &i.attempt, millis(span))).await?;
    let Some(after) = sent else {
        return Err(taken_over());
    };
    let mut intent = intent.clone();
    intent.resolve_after = after;
    #[cfg(feature = "failpoints")]
    app.failpoint("after_mark_sent").await;
    let until = (started + span).checked_sub(SEND_MARGIN).unwrap_or(started);
    transition(app, &intent, To::Sent, "sending");
    match app.upstream.commit(req, until).await {
        Ok(_) => {
            #[cfg(feature = "failpoints")]
            app.failpoint("after_upstream_commit").await;
            let intent = added(app, &intent).await;
            match record_answered(app, &intent).await {
                Ok(()) => {
                    app.outbox_wake.notify_one();
                    transition(app, &intent, To::Applied, "answered");
                    app.metrics.commit("committed");
                    Ok(replay(200, intent.response.clone()))
                }
                Err(e) => Err(applied_unrecorded(app, &intent, &e)),
            }
        }
        Err(e) => {
            let store = app.store.clone();
            let i = intent.clone();
            let certain = e.certainly_not_applied();
            let wrote = run_blocking(move || {
                if certain {
                    store.abandon(&i.key, &i.attempt)
                } else {
                    store.mark_unknown(&i.key, &i.attempt)
                }
            })
            .await;
            match wrote {
                Ok(true) if certain => transition(app, &intent, To::NotApplied, e.outcome()),
                Ok(true) => transition(app, &intent, To::Unknown, e.outcome()),
                // Not this attempt's row any more, or the database failed: the row, if
                // any, stays `sent` — treated as unknown, resolved by reading; the
                // answer is Cleverbridge's.
                Ok(false) => {
                    tracing::warn!(target: "seatquote::ledger", subscription = %intent.subscription, item = intent.running_no, "a failed commit's attempt row was gone");
                }
                Err(err) => {
                    tracing::error!(target: "seatquote::ledger", cause = %err, subscription = %intent.subscription, item = intent.running_no, "cannot record a failed commit's outcome; its row stays sent");
                }
            }
            app.metrics.commit("failed");
            Err(e.into())
        }
    }
}

/// An add answered 2xx names no running number: the subscription is read (fresh) and the
/// new item — a current item of the add-on not held before — is the answer's (DESIGN.md,
/// "Plans, add-ons and drops"). Unreadable, the answer keeps running number 0.
async fn added(app: &App, intent: &Intent) -> Intent {
    if intent
        .intended
        .as_deref()
        .is_none_or(|s| s.existing.is_none())
    {
        return intent.clone();
    }
    let who = crate::budget::Caller::commit(intent.customer());
    let read = app
        .upstream
        .get_subscription_for(&who, &intent.subscription, true)
        .await;
    match read
        .ok()
        .and_then(|r| crate::ledger::added_item(&r.response.subscription, intent))
    {
        Some(rn) => crate::ledger::with_added(intent, rn),
        None => {
            tracing::warn!(target: "seatquote::ledger", subscription = %intent.subscription, "an add answered 2xx: its new item was not found by reading");
            intent.clone()
        }
    }
}

/// Records a commit Cleverbridge answered 2xx: the attempt's row finished with its event;
/// if it is finished otherwise or gone (another worker), recorded as applied anyway —
/// the 2xx is the evidence, never a "committed" answer without its record and event.
async fn record_answered(app: &App, intent: &Intent) -> Result<(), crate::store::StoreError> {
    let store = app.store.clone();
    let i = intent.clone();
    let ev = commit_event(intent, 200, now_ms());
    let again = run_blocking(move || {
        if store.complete(&i.key, &i.attempt, 200, &i.response, Some(&ev))? {
            return Ok(false);
        }
        store.record_applied(&i, &ev)
    })
    .await?;
    if again {
        tracing::error!(target: "seatquote::ledger", subscription = %intent.subscription, item = intent.running_no, "a commit answered 2xx found its record finished otherwise or gone; recorded as applied");
    }
    Ok(())
}

/// Cleverbridge answered 2xx but the ledger could not record it (the database failed):
/// not a 500 claiming failure — 503 `commit_outcome_unknown` with a `Retry-After` past the
/// deadline. The row stays `sent`, so a retry with the same key (or the reconciler)
/// resolves it by reading and answers the commit (DESIGN.md, "The commit state machine").
fn applied_unrecorded(app: &App, intent: &Intent, e: &crate::store::StoreError) -> Problem {
    tracing::error!(target: "seatquote::ledger", cause = %e, subscription = %intent.subscription, item = intent.running_no, "a commit answered 2xx cannot be recorded; its row stays sent and is resolved by reading");
    app.metrics.commit("unrecorded");
    let mut p = Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "commit_outcome_unknown",
        "Cleverbridge accepted this commit but it could not be recorded yet; retry with the same Idempotency-Key to confirm it",
    );
    p.retry_after = Some(deadline_span(app).as_secs() + 1);
    p
}

/// How long before its deadline a commit's upstream call must be over.
const SEND_MARGIN: std::time::Duration = std::time::Duration::from_millis(500);

/// Forgets this attempt's intent, never sent (the re-preview refused); another attempt's
/// row is left alone.
pub(crate) async fn unclaim(app: &App, intent: &Intent, why: &str) -> Result<(), Problem> {
    let store = app.store.clone();
    let i = intent.clone();
    if run_blocking(move || store.abandon(&i.key, &i.attempt)).await? {
        transition(app, intent, To::NotApplied, why);
    }
    Ok(())
}

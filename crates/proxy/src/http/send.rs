//! Step 7 of `POST …/items/{runningNumber}/commit` ([`super::commit`]): the one upstream
//! call of a commit, between marking its intent sent and recording the outcome
//! (DESIGN.md, "The commit state machine").

use axum::http::StatusCode;
use axum::response::Response;
use seatquote_core::alignment::Alignment;

use super::context::ItemContext;
use super::preview::{update_request, Previewed};
use crate::domain::event::commit_event;
use crate::domain::intent::Intent;
use crate::domain::quote_token::QuoteClaims;
use crate::ledger::attempt::replay;
use crate::ledger::{resolve_after, transition, To};
use crate::problem::Problem;
use crate::state::App;
use crate::store::{now_ms, run_blocking};

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
    let req = update_request(ctx, qc.qty, mode, false, fresh.quote.update_action);
    #[cfg(feature = "failpoints")]
    app.failpoint("before_upstream_commit").await;
    // The deadline, computed once: after it the intent may be resolved by reading, so
    // the call must be over by then (less a margin) — whatever the time `mark_sent` or
    // the slot wait took (DESIGN.md, "The commit state machine").
    let store = app.store.clone();
    let (k, after) = (intent.key.clone(), resolve_after(app));
    if !run_blocking(move || store.mark_sent(&k, after)).await? {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "idempotency_key_in_progress",
            "this commit was taken over meanwhile; retry",
        ));
    }
    #[cfg(feature = "failpoints")]
    app.failpoint("after_mark_sent").await;
    let left = u64::try_from(after - SEND_MARGIN_MS - now_ms()).unwrap_or(0);
    let until = std::time::Instant::now() + std::time::Duration::from_millis(left);
    transition(app, intent, To::Sent, "sending");
    let store = app.store.clone();
    let k = intent.key.clone();
    match app.upstream.commit(&req, until).await {
        Ok(_) => {
            #[cfg(feature = "failpoints")]
            app.failpoint("after_upstream_commit").await;
            let b = intent.response.clone();
            let ev = commit_event(intent, 200, now_ms());
            let e = ev.clone();
            if !run_blocking(move || store.complete(&k, 200, &b, Some(&e))).await? {
                // Finished or removed meanwhile by another worker: the 2xx is the evidence,
                // never a "committed" answer without its record and event.
                let (store, i) = (app.store.clone(), intent.clone());
                if run_blocking(move || store.record_applied(&i, &ev)).await? {
                    tracing::error!(target: "seatquote::ledger", subscription = %intent.subscription, item = intent.running_no, "a commit answered 2xx found its record finished otherwise or gone; recorded as applied");
                }
            }
            app.outbox_wake.notify_one();
            transition(app, intent, To::Applied, "answered");
            app.metrics.commit("committed");
            Ok(replay(200, intent.response.clone()))
        }
        Err(e) => {
            if e.certainly_not_applied() {
                run_blocking(move || store.abandon(&k)).await?;
                transition(app, intent, To::NotApplied, e.outcome());
            } else {
                run_blocking(move || store.mark_unknown(&k)).await?;
                transition(app, intent, To::Unknown, e.outcome());
            }
            app.metrics.commit("failed");
            Err(e.into())
        }
    }
}

/// How long before its deadline a commit's upstream call must be over, milliseconds.
const SEND_MARGIN_MS: i64 = 500;

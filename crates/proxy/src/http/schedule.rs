//! Scheduled changes at the HTTP surface (DESIGN.md, "Scheduled changes"): a commit of a
//! decrease at the next billing date (`nextBilling`) is recorded in the ledger as
//! `scheduled` and answered at once — nothing is sent to Cleverbridge, the customer keeps
//! the seats until then; the scheduler ([`crate::workers::scheduler`]) makes it shortly
//! before the date. `DELETE …/items/{runningNumber}/scheduled` cancels it.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::Json;
use seatquote_core::alignment::Alignment;
use seatquote_core::contract::{Cancellation, Commit};

use super::auth::Customer;
use super::context::ItemContext;
use super::extract::Item;
use super::preview::Previewed;
use crate::domain::catalogue::Kind;
use crate::domain::event::scheduled_event;
use crate::domain::intent::{Intent, ItemState};
use crate::domain::quote_token::QuoteClaims;
use crate::ledger::attempt::{key_in_progress, replay};
use crate::ledger::{item_state, transition, To};
use crate::problem::Problem;
use crate::state::{App, AppState};
use crate::store::{now_ms, run_blocking, Cancelled, Plan};

/// Whether the quoted change is one for the next billing date that takes seats away:
/// scheduled, not sent now (Cleverbridge's `AlignToCurrentInterval = false` would change
/// the quantity at once and defer only the billing).
///
/// A change of plan at the next billing date (a downgrade) is scheduled too, so the
/// customer keeps the better plan until then; a drop is not (Cleverbridge's deactivation
/// does the waiting).
pub fn is_scheduled(qc: &QuoteClaims, ctx: &ItemContext) -> bool {
    let next = qc.mode == Alignment::NextBilling.as_str();
    match ctx.kind {
        Kind::Plan => next,
        Kind::Seats => next && qc.qty < ctx.current_quantity(),
        Kind::Add | Kind::Drop => false,
    }
}

/// Records the intent (repriced, still `recorded`) as scheduled for the item's next
/// billing date, with its `seat_change.scheduled` event; a scheduled change of the item
/// made before is replaced. Answers 200 with `status: "scheduled"` and `effectiveOn`, the
/// answer replayed for the key from then on.
///
/// # Errors
/// Storage; `idempotency_key_in_progress` when the intent was taken over meanwhile.
pub async fn schedule(
    app: &App,
    intent: &mut Intent,
    qc: &QuoteClaims,
    ctx: &ItemContext,
    fresh: &Previewed,
) -> Result<Response, Problem> {
    let effective_on = ctx.next_billing.to_iso_string();
    let body = Commit {
        status: "scheduled".into(),
        subscription_id: ctx.sub.id.clone(),
        running_number: ctx.item.running_no.0,
        quantity: qc.qty,
        mode: qc.mode.clone(),
        quote: fresh.quote.clone(),
        kind: fresh.kind.as_str().to_owned(),
        product_before: fresh.before.clone(),
        product_after: fresh.after.clone(),
        committed_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        effective_on: Some(effective_on.clone()),
    };
    intent.response = serde_json::to_string(&body).map_err(Problem::internal)?;
    intent.from_quantity = ctx.current_quantity();
    intent.effective_on = Some(effective_on.clone());
    // What the item is now and what it will be; the scheduler reads both again when it
    // makes the change.
    let before = item_state(&ctx.sub, &ctx.item);
    let intended = ItemState {
        product_id: Some(ctx.target_product().to_owned()),
        quantity: qc.qty,
        next_billing_price: None,
        ..before.clone()
    };
    let (b, n) = (
        serde_json::to_string(&before).map_err(Problem::internal)?,
        serde_json::to_string(&intended).map_err(Problem::internal)?,
    );
    let event = scheduled_event(intent, now_ms());
    let store = app.schedule.clone();
    let (k, a, f, r, on) = (
        intent.key.clone(),
        intent.attempt.clone(),
        intent.from_quantity,
        intent.response.clone(),
        effective_on,
    );
    let done = run_blocking(move || {
        let plan = Plan {
            from_quantity: f,
            response: &r,
            before: &b,
            intended: &n,
        };
        store.schedule(&k, &a, &plan, &on, &event)
    })
    .await?;
    if !done {
        return Err(key_in_progress());
    }
    app.outbox_wake.notify_one();
    transition(
        app,
        intent,
        To::Scheduled,
        "a decrease at the next billing date",
    );
    app.metrics.commit("scheduled");
    Ok(replay(200, intent.response.clone()))
}

/// `DELETE /api/subscriptions/{id}/items/{runningNumber}/scheduled`: cancels the item's
/// scheduled change (`seat_change.cancelled`); nothing is sent to Cleverbridge.
///
/// # Errors
/// Authentication; 404 `no_scheduled_change`; 409 `scheduled_change_applying` when the
/// scheduler is making it now; storage.
pub async fn cancel(
    State(app): State<AppState>,
    customer: Customer,
    Item(running_no): Item,
) -> Result<Json<Cancellation>, Problem> {
    let none = || {
        Problem::new(
            StatusCode::NOT_FOUND,
            "no_scheduled_change",
            "this item has no scheduled change",
        )
    };
    // The stores keep running numbers as signed 64-bit integers; a larger one names no item
    // a change was ever scheduled for.
    if i64::try_from(running_no).is_err() {
        return Err(none());
    }
    let store = app.schedule.clone();
    let sub = customer.subscription.clone();
    match run_blocking(move || store.cancel(&sub, running_no)).await? {
        Cancelled::Done(i) => {
            app.outbox_wake.notify_one();
            transition(&app, &i, To::Cancelled, "cancelled by the customer");
            Ok(Json(Cancellation {
                status: "cancelled".into(),
                subscription_id: i.subscription.clone(),
                running_number: i.running_no,
                to_quantity: i.quantity,
                effective_on: i.effective_on.clone().unwrap_or_default(),
            }))
        }
        Cancelled::Applying => Err(Problem::new(
            StatusCode::CONFLICT,
            "scheduled_change_applying",
            "the scheduled change is being made at Cleverbridge now and can no longer be cancelled",
        )),
        Cancelled::NotFound => Err(none()),
    }
}

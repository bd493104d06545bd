//! Step 6 of a commit ([`super::commit`]): the answer it will give and the item's state
//! before and as intended — what resolution by reading compares (DESIGN.md, "The commit
//! state machine"; for a plan, an add and a drop, "Plans, add-ons and drops") — stored in
//! the intent before anything is sent.

use seatquote_core::contract::Commit;

use super::context::ItemContext;
use super::preview::Previewed;
use super::send::taken_over;
use crate::domain::catalogue::Kind;
use crate::domain::intent::{Intent, ItemState};
use crate::domain::quote_token::QuoteClaims;
use crate::ledger::item_state;
use crate::problem::Problem;
use crate::state::App;
use crate::store::{run_blocking, Plan};

/// Step 6: the answer the commit will give, and its guard read, stored in the intent.
///
/// # Errors
/// `idempotency_key_in_progress` (the attempt's row is gone: taken over), storage.
pub async fn plan(
    app: &App,
    intent: &mut Intent,
    qc: &QuoteClaims,
    ctx: &ItemContext,
    fresh: &Previewed,
) -> Result<(), Problem> {
    // A drop is answered `committed`, effective on the item's deactivation date: the
    // next billing date (DESIGN.md, "Plans, add-ons and drops").
    let ends = (ctx.kind == Kind::Drop).then(|| ctx.next_billing.to_iso_string());
    let body = Commit {
        status: "committed".into(),
        subscription_id: ctx.sub.id.clone(),
        running_number: ctx.item.running_no.0,
        quantity: qc.qty,
        mode: qc.mode.clone(),
        quote: fresh.quote.clone(),
        kind: fresh.kind.as_str().to_owned(),
        product_before: fresh.before.clone(),
        product_after: fresh.after.clone(),
        committed_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
        effective_on: ends,
    };
    intent.response = serde_json::to_string(&body).map_err(Problem::internal)?;
    intent.from_quantity = ctx.current_quantity();
    let (before, intended) = states(ctx, qc, fresh);
    let (b, n) = (
        serde_json::to_string(&before).map_err(Problem::internal)?,
        serde_json::to_string(&intended).map_err(Problem::internal)?,
    );
    intent.before = Some(Box::new(before));
    intent.intended = Some(Box::new(intended));
    let store = app.store.clone();
    let i = intent.clone();
    let planned = run_blocking(move || {
        store.plan(
            &i.key,
            &i.attempt,
            &Plan {
                from_quantity: i.from_quantity,
                response: &i.response,
                before: &b,
                intended: &n,
            },
        )
    })
    .await?;
    if !planned {
        return Err(taken_over());
    }
    Ok(())
}

/// The item before the change (the guard read) and as intended: what resolution compares
/// (DESIGN.md, "The commit state machine"). The next-billing price after the change is not
/// predicted, so not compared. A drop intends the item deactivated, seats unchanged; an add
/// intends a new current item of its product, not among the running numbers held before.
fn states(ctx: &ItemContext, qc: &QuoteClaims, fresh: &Previewed) -> (ItemState, ItemState) {
    let mut before = item_state(&ctx.sub, &ctx.item);
    let mut intended = ItemState {
        product_id: Some(ctx.target_product().to_owned()),
        quantity: qc.qty,
        next_billing_date: Some(fresh.quote.next_billing.date.to_string()),
        next_billing_price: None,
        ..before.clone()
    };
    match ctx.kind {
        Kind::Drop => {
            intended.quantity = before.quantity;
            intended.deactivated = true;
        }
        Kind::Add => {
            let held: Vec<u64> = ctx.sub.items.iter().map(|i| i.running_no.0).collect();
            before.existing = Some(held.clone());
            intended.existing = Some(held);
        }
        Kind::Seats | Kind::Plan => {}
    }
    (before, intended)
}

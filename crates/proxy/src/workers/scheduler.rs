//! The scheduler: every [`SCHEDULE_EVERY`] it makes the scheduled changes that are due
//! (DESIGN.md, "Scheduled changes") — those taking effect by
//! [`App::schedule_due_by`](crate::state::App::schedule_due_by), i.e. within
//! `SEATQUOTE_SCHEDULE_LEAD_HOURS` of their date. Each is claimed in the store by one
//! worker across replicas (`scheduled` → `recorded`), read fresh from Cleverbridge, and
//! sent through the commit path ([`send_intent`]): its outcome, when unknown, is resolved
//! by reading like any commit's, by the reconciler; certainly not applied, it is scheduled
//! again. An item no longer as it was when the change was scheduled is not changed: the
//! scheduled change is cancelled (`changed_elsewhere`); one whose next billing date is not
//! the change's any more (renewed before the change was made) is scheduled for the new
//! date.

use std::sync::{Arc, Weak};
use std::time::Duration;

use seatquote_core::alignment::{Alignment, UpdateAction};

use crate::budget::Caller;
use crate::domain::event::cancelled_event;
use crate::domain::intent::{Intent, ItemState};
use crate::http::context::{context, Loaded};
use crate::http::preview::update_request;
use crate::http::send::send_intent;
use crate::ledger::{item_state, transition, To};
use crate::state::App;
use crate::store::{now_ms, run_blocking, Plan, StoreError};
use crate::upstream::ItemCall;

/// How often the scheduler looks for due changes.
pub const SCHEDULE_EVERY: Duration = Duration::from_secs(1);

/// Most changes one pass makes.
const PER_PASS: usize = 20;

/// One pass: claims and makes every due scheduled change (at most [`PER_PASS`]).
pub async fn schedule_once(app: &App) {
    if !app.ledger_live() {
        // No heartbeat written lately: this replica starts no commit (DESIGN.md, "Stores
        // and migrations"), scheduled ones included.
        return;
    }
    let due_by = app.schedule_due_by().to_iso_string();
    for _ in 0..PER_PASS {
        let (store, d, owner) = (app.schedule.clone(), due_by.clone(), app.instance.clone());
        match run_blocking(move || store.claim_due(&d, &owner)).await {
            Ok(Some(i)) => {
                if let Err(e) = apply(app, &i).await {
                    tracing::error!(target: "seatquote::ledger", cause = %e, subscription = %i.subscription, item = i.running_no, "scheduler cannot record a scheduled change's progress");
                }
            }
            Ok(None) => return,
            Err(e) => {
                tracing::error!(target: "seatquote::ledger", cause = %e, "scheduler cannot read the ledger");
                return;
            }
        }
    }
}

/// Makes one claimed change (`i`, now `recorded` by this process), holding its key.
async fn apply(app: &App, i: &Intent) -> Result<(), StoreError> {
    let lock = app.key_lock(&i.key);
    let _guard = lock.lock().await;
    transition(app, i, To::Recorded, "a scheduled change is due");
    // The guard read, fresh: the item as it is now.
    // In the budget's commit class, as the customer's own commit's guard read.
    let who = Caller::commit(i.customer());
    let read = match app
        .upstream
        .get_subscription_for(&who, &i.subscription, true)
        .await
    {
        Ok(r) => Loaded {
            sub: r.response.subscription,
            read_hash: r.raw_hash,
        },
        Err(e) => {
            tracing::warn!(target: "seatquote::ledger", cause = e.outcome(), subscription = %i.subscription, "cannot read a subscription for its scheduled change; scheduled again");
            return put_back(app, i, "the subscription could not be read").await;
        }
    };
    let ctx = match context(app, &read, i.running_no) {
        Ok(mut ctx) => {
            // A scheduled change of plan carries its target product in its intended
            // state (DESIGN.md, "Plans, add-ons and drops").
            let to = i.intended.as_ref().and_then(|s| s.product_id.clone());
            if let Some(to) = to.filter(|p| *p != ctx.item.product_id) {
                let name = app
                    .policy
                    .listed(&to)
                    .map(|r| r.catalogue.product.name)
                    .unwrap_or_else(|| to.clone());
                ctx.after = Some(seatquote_core::contract::ProductRef {
                    product_id: to,
                    product_name: name,
                });
            }
            ctx
        }
        Err(p) if p.status.as_u16() == 404 => {
            return drop_claimed(app, i, "changed_elsewhere").await;
        }
        Err(p) => {
            tracing::warn!(target: "seatquote::ledger", code = p.code, subscription = %i.subscription, "cannot price a scheduled change; scheduled again");
            return put_back(app, i, p.code).await;
        }
    };
    let before = item_state(&ctx.sub, &ctx.item);
    if before.quantity != i.from_quantity {
        // Changed outside this proxy since it was scheduled: setting the scheduled
        // quantity now could take away seats bought meanwhile.
        return drop_claimed(app, i, "changed_elsewhere").await;
    }
    let next = ctx.next_billing.to_iso_string();
    if i.effective_on.as_deref() != Some(next.as_str()) {
        // Renewed before the change was made (the proxy was down across the date), or the
        // date moved elsewhere: made now, `AlignToCurrentInterval = false` would take the
        // seats of a period already billed. The change waits for the item's next billing
        // date instead.
        tracing::warn!(target: "seatquote::ledger", subscription = %i.subscription, item = i.running_no, to = %next, "a scheduled change's date passed or moved; scheduled for the next billing date");
        let store = app.schedule.clone();
        let k = i.key.clone();
        let a = i.attempt.clone();
        if run_blocking(move || store.postpone(&k, &a, &next)).await? {
            transition(app, i, To::Scheduled, "postponed to the next billing date");
        }
        return Ok(());
    }
    let intended = ItemState {
        product_id: Some(ctx.target_product().to_owned()),
        quantity: i.quantity,
        next_billing_price: None,
        ..before.clone()
    };
    let mut planned = i.clone();
    planned.before = Some(Box::new(before.clone()));
    planned.intended = Some(Box::new(intended.clone()));
    let (b, n) = (
        serde_json::to_string(&before)?,
        serde_json::to_string(&intended)?,
    );
    let store = app.store.clone();
    let (k, a, f, r) = (
        i.key.clone(),
        i.attempt.clone(),
        i.from_quantity,
        i.response.clone(),
    );
    let planned_ok = run_blocking(move || {
        store.plan(
            &k,
            &a,
            &Plan {
                from_quantity: f,
                response: &r,
                before: &b,
                intended: &n,
            },
        )
    })
    .await?;
    if !planned_ok {
        // Not this claim's row any more (taken over meanwhile): nothing was sent.
        return Ok(());
    }
    // A scheduled change of plan is a downgrade (an upgrade is made at once).
    let plan = ctx.target_product() != ctx.item.product_id;
    let action = if plan || i.quantity < i.from_quantity {
        UpdateAction::Downgrade
    } else {
        UpdateAction::Upgrade
    };
    let req = ItemCall::Update(update_request(
        &ctx,
        i.quantity,
        Alignment::NextBilling,
        false,
        action,
    ));
    // The commit path records the outcome (applied, unknown for the reconciler, or
    // certainly not applied: scheduled again); its answer goes to nobody.
    if let Err(p) = send_intent(app, &planned, &req).await {
        tracing::warn!(target: "seatquote::ledger", code = p.code, subscription = %i.subscription, item = i.running_no, "a scheduled change was not answered as applied");
    }
    Ok(())
}

/// Back to `scheduled` (never sent), to be claimed again after a pause.
async fn put_back(app: &App, i: &Intent, why: &str) -> Result<(), StoreError> {
    let store = app.store.clone();
    let (k, a) = (i.key.clone(), i.attempt.clone());
    if run_blocking(move || store.abandon(&k, &a)).await? {
        transition(app, i, To::Scheduled, why);
    }
    Ok(())
}

/// Cancelled with its event: the item is not as it was when the change was scheduled.
async fn drop_claimed(app: &App, i: &Intent, reason: &'static str) -> Result<(), StoreError> {
    let store = app.schedule.clone();
    let (k, a, ev) = (
        i.key.clone(),
        i.attempt.clone(),
        cancelled_event(i, reason, now_ms()),
    );
    if run_blocking(move || store.drop_claimed(&k, &a, &ev)).await? {
        app.outbox_wake.notify_one();
        transition(app, i, To::Cancelled, reason);
    }
    Ok(())
}

/// Starts the scheduler on the current Tokio runtime (none: not started). It stops when
/// the app is dropped.
pub fn spawn_scheduler(app: &Arc<App>) {
    let Ok(rt) = tokio::runtime::Handle::try_current() else {
        return;
    };
    let weak: Weak<App> = Arc::downgrade(app);
    rt.spawn(async move {
        let mut tick = tokio::time::interval(SCHEDULE_EVERY);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let Some(app) = weak.upgrade() else { return };
            schedule_once(&app).await;
        }
    });
}

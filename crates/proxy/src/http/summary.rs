//! `GET /api/subscriptions/{id}`: the subscription's current items with the policy's
//! bounds and modes, whether it can be changed now, and each item's changes not yet in
//! effect (`pending`: one in progress, or a decrease scheduled for the next billing date,
//! DESIGN.md "Scheduled changes").

use axum::extract::State;
use axum::Json;
use seatquote_core::alignment::Alignment;
use seatquote_core::contract::{
    AddOnOffer, ChangeOption, Changeable, Interval, PendingChange, Summary, SummaryItem,
};

use super::auth::Customer;
use super::catalogue::{add_on, billed, resolve};
use super::context::{context, load_subscription, price_text, ItemContext, Loaded};
use super::preview::not_active;
use crate::domain::catalogue::Direction;
use crate::domain::event::rfc3339;
use crate::problem::Problem;
use crate::state::{App, AppState};
use crate::store::{run_blocking, Scheduled, Unfinished};

fn modes(m: &[Alignment]) -> Vec<String> {
    m.iter().map(|a| a.as_str().to_owned()).collect()
}

fn item(
    app: &App,
    read: &Loaded,
    ctx: &ItemContext,
    unfinished: &[Unfinished],
    scheduled: &[Scheduled],
) -> SummaryItem {
    let minor = ctx.currency.minor_units();
    SummaryItem {
        change_to: change_to(app, read, ctx),
        removable: ctx.rules.catalogue.removable
            && ctx.item.deactivation_date.is_none()
            && billed(ctx).count() > 1,
        deactivation_date: ctx.item.deactivation_date.map(|d| d.0.to_iso_string()),
        running_number: ctx.item.running_no.0,
        product_id: ctx.item.product_id.clone(),
        product_name: ctx.item.product_name.clone().unwrap_or_default(),
        quantity: ctx.item.quantity.0,
        unit_price: price_text(ctx.new_unit, minor),
        current_unit_price: price_text(ctx.current_unit, minor),
        min_quantity: ctx.rules.min_quantity,
        max_quantity: ctx.rules.max_quantity,
        increase_modes: modes(&ctx.rules.increase_modes),
        decrease_modes: modes(&ctx.rules.decrease_modes),
        pending: pending(ctx.item.running_no.0, unfinished, scheduled),
    }
}

/// The products the item may change to: its catalogue entries that the subscription can
/// take (currency, interval, tax mode), with the direction by unit price and the modes.
fn change_to(app: &App, read: &Loaded, ctx: &ItemContext) -> Vec<ChangeOption> {
    let rn = ctx.item.running_no.0;
    let minor = ctx.currency.minor_units();
    let mode = seatquote_core::alignment::Alignment::Immediate.as_str();
    ctx.rules
        .catalogue
        .change_to
        .iter()
        .filter_map(|c| {
            let to = resolve(app, read, rn, Some(&c.product_id), 1, mode).ok()?;
            let after = to.after.clone()?;
            let list = to.rules.catalogue.product.unit_price?;
            Some(ChangeOption {
                product_id: after.product_id,
                product_name: after.product_name,
                unit_price: price_text(to.new_unit, minor),
                direction: Direction::of(ctx.current_unit, list).as_str().to_owned(),
                modes: modes(&to.modes.unwrap_or_default()),
            })
        })
        .collect()
}

/// The add-ons the subscription may add: listed for a product it holds, not held, in its
/// currency, interval and tax mode.
fn add_ons(app: &App, read: &Loaded, contexts: &[ItemContext]) -> Vec<AddOnOffer> {
    let mut ids: Vec<&String> = contexts
        .iter()
        .flat_map(|c| c.rules.catalogue.add_ons.iter())
        .collect();
    ids.sort();
    ids.dedup();
    ids.into_iter()
        .filter_map(|id| {
            let a = add_on(app, read, id).ok()?;
            let after = a.after.clone()?;
            Some(AddOnOffer {
                product_id: after.product_id,
                product_name: after.product_name,
                unit_price: price_text(a.new_unit, a.currency.minor_units()),
                min_quantity: a.rules.min_quantity,
                max_quantity: a.rules.max_quantity,
                modes: modes(&a.modes.unwrap_or_default()),
            })
        })
        .collect()
}

/// The item's changes not yet in effect, oldest first: in progress (a commit, or a
/// scheduled change being made) and scheduled.
fn pending(no: u64, unfinished: &[Unfinished], scheduled: &[Scheduled]) -> Vec<PendingChange> {
    let in_progress = unfinished
        .iter()
        .filter(|u| u.running_no == no)
        .map(|u| PendingChange {
            state: "inProgress".into(),
            to_quantity: u.quantity,
            effective_on: None,
            since: u.since.clone(),
            to_product_id: None,
        });
    let later = scheduled
        .iter()
        .filter(|s| s.running_no == no)
        .map(|s| PendingChange {
            state: "scheduled".into(),
            to_quantity: s.quantity,
            effective_on: Some(s.effective_on.clone()),
            since: rfc3339(s.since_ms),
            to_product_id: s.to_product_id.clone(),
        });
    let mut all: Vec<PendingChange> = in_progress.chain(later).collect();
    all.sort_by(|a, b| a.since.cmp(&b.since));
    all
}

/// Whether the subscription can be changed now: the refusal a preview would answer
/// first, said before the customer picks anything (docs/proxy.md, "API").
fn changeable(ctx: &ItemContext) -> Changeable {
    match not_active(ctx) {
        None => Changeable {
            ok: true,
            code: None,
            message: None,
        },
        Some(p) => Changeable {
            ok: false,
            code: Some(p.code.to_owned()),
            message: Some(p.detail),
        },
    }
}

/// `GET /api/subscriptions/{id}`.
///
/// # Errors
/// Authentication, upstream, storage, `not_found` without current items.
pub async fn summary(
    State(app): State<AppState>,
    customer: Customer,
) -> Result<Json<Summary>, Problem> {
    let read = load_subscription(&app, &customer, false).await?;
    let (sub, today) = (&read.sub, app.today());
    let contexts = sub
        .items
        .iter()
        .filter(|i| i.is_active_on(today))
        .map(|i| context(&app, &read, i.running_no.0))
        .collect::<Result<Vec<_>, _>>()?;
    let store = app.schedule.clone();
    let id = customer.subscription.clone();
    let scheduled = run_blocking(move || store.scheduled(&id)).await?;
    let first = contexts
        .first()
        .ok_or_else(|| Problem::not_found("this subscription has no current items"))?;
    let store = app.store.clone();
    let id = customer.subscription.clone();
    let unfinished = run_blocking(move || store.unfinished(&id)).await?;
    Ok(Json(Summary {
        id: sub.id.clone(),
        status: sub.subscription_status.api_name().to_owned(),
        changeable: changeable(first),
        currency: first.currency.code().to_owned(),
        tax_mode: first.tax_mode.as_str().to_owned(),
        tax_rate: first.tax_rate.clone(),
        tax_rate_is_estimate: true,
        period_start: first.period_start.to_iso_string(),
        next_billing_date: first.next_billing.to_iso_string(),
        interval: Interval {
            months: first.interval.months,
            days: first.interval.days,
        },
        today: today.to_iso_string(),
        items: contexts
            .iter()
            .map(|c| item(&app, &read, c, &unfinished, &scheduled))
            .collect(),
        add_ons: add_ons(&app, &read, &contexts),
    }))
}

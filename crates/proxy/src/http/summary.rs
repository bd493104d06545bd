//! `GET /api/subscriptions/{id}`: the subscription's current items with the policy's
//! bounds and modes.

use axum::extract::State;
use axum::Json;
use seatquote_core::alignment::Alignment;
use seatquote_core::contract::{Interval, Summary, SummaryItem};

use super::auth::Customer;
use super::context::{context, load_subscription, price_text, ItemContext};
use crate::problem::Problem;
use crate::state::AppState;

fn modes(m: &[Alignment]) -> Vec<String> {
    m.iter().map(|a| a.as_str().to_owned()).collect()
}

fn item(ctx: &ItemContext) -> SummaryItem {
    let minor = ctx.currency.minor_units();
    SummaryItem {
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
    }
}

/// `GET /api/subscriptions/{id}`.
///
/// # Errors
/// Authentication, upstream, `not_found` without current items.
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
    let first = contexts
        .first()
        .ok_or_else(|| Problem::not_found("this subscription has no current items"))?;
    Ok(Json(Summary {
        id: sub.id.clone(),
        status: sub.subscription_status.api_name().to_owned(),
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
        items: contexts.iter().map(item).collect(),
    }))
}

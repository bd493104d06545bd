//! What a preview asks, resolved against the merchant's catalogue (the policy) and the
//! subscription as read, before anything is sent upstream (DESIGN.md, "Plans, add-ons and
//! drops"): a change of seats, a change of plan (`productId`), a drop (`quantity: 0` at
//! `nextBilling`) or an add-on. Every refusal here — `product_not_allowed`,
//! `addon_present`, `item_not_removable`, `last_item`, `item_ending`, `tax_mode_mismatch` — costs
//! Cleverbridge nothing.

use axum::http::StatusCode;
use seatquote_core::alignment::Alignment;
use seatquote_core::contract::ProductRef;
use seatquote_core::wire::WireUint;

use super::context::{context, ItemContext, Loaded};
use crate::domain::catalogue::{Direction, Kind};
use crate::domain::policy::Rules;
use crate::problem::Problem;
use crate::state::App;

/// 422 `product_not_allowed`.
pub fn product_not_allowed(product_id: &str, why: &str) -> Problem {
    Problem::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        "product_not_allowed",
        format!("product {product_id} is not allowed here: {why}"),
    )
}

/// The context of an item preview: a change of plan when `product_id` names another
/// product, a drop for `quantity: 0` at `nextBilling`, else a change of seats.
///
/// # Errors
/// `not_found`; 409 `item_ending` for an item dropped already (it ends on its
/// deactivation date); the catalogue's refusals.
pub fn resolve(
    app: &App,
    read: &Loaded,
    running_no: u64,
    product_id: Option<&str>,
    quantity: i64,
    mode: &str,
) -> Result<ItemContext, Problem> {
    let ctx = context(app, read, running_no)?;
    if let Some(d) = &ctx.item.deactivation_date {
        // Dropped: it runs to that date and is not renewed; Cleverbridge refuses any
        // change of it (docs/proxy.md, "The catalogue").
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "item_ending",
            format!(
                "this item ends on {} and is not renewed: it cannot be changed",
                d.0.to_iso_string()
            ),
        ));
    }
    match product_id {
        Some(p) if p != ctx.item.product_id => plan(app, ctx, p),
        _ if quantity == 0 && mode == Alignment::NextBilling.as_str() => drop_item(app, ctx),
        _ => Ok(ctx),
    }
}

/// The catalogue product `product_id` as the subscription may take it: listed, priced,
/// in the subscription's currency and interval, in its tax mode.
fn offered(app: &App, ctx: &ItemContext, product_id: &str) -> Result<Rules, Problem> {
    let rules = app
        .policy
        .listed(product_id)
        .ok_or_else(|| product_not_allowed(product_id, "it is not in the catalogue"))?;
    let months = if ctx.interval.days == 0 {
        ctx.interval.months
    } else {
        u32::MAX
    };
    if !rules.catalogue.product.fits(ctx.currency.code(), months) {
        return Err(product_not_allowed(
            product_id,
            "its currency or billing interval is not the subscription's",
        ));
    }
    if rules.tax_mode != ctx.tax_mode {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "tax_mode_mismatch",
            format!("product {product_id}'s tax mode contradicts the subscription's"),
        ));
    }
    Ok(rules)
}

fn named(rules: &Rules) -> ProductRef {
    ProductRef {
        product_id: rules.catalogue.product.id.clone(),
        product_name: rules.catalogue.product.name.clone(),
    }
}

/// The catalogue's unit price of a product [`offered`] checked (its offer price first).
fn unit_of(rules: &Rules) -> rust_decimal::Decimal {
    rules
        .offer_unit_price
        .or(rules.catalogue.product.unit_price)
        .unwrap_or_default()
}

/// A change of the item to `product_id`: listed in its `change_to`; the direction by
/// unit price, the modes by the policy.
fn plan(app: &App, mut ctx: ItemContext, product_id: &str) -> Result<ItemContext, Problem> {
    let entry = ctx
        .rules
        .catalogue
        .change(product_id)
        .cloned()
        .ok_or_else(|| {
            product_not_allowed(product_id, "the item's product may not change to it")
        })?;
    let rules = offered(app, &ctx, product_id)?;
    let list = rules.catalogue.product.unit_price.unwrap_or_default();
    let direction = Direction::of(ctx.current_unit, list);
    ctx.new_unit = unit_of(&rules);
    ctx.after = Some(named(&rules));
    ctx.modes = Some(entry.modes_for(direction));
    ctx.kind = Kind::Plan;
    ctx.rules = rules;
    Ok(ctx)
}

/// Items billed at the next billing date: current, not deactivated.
pub fn billed(ctx: &ItemContext) -> impl Iterator<Item = &seatquote_core::wire::SubscriptionItem> {
    let today = ctx.today;
    ctx.sub
        .items
        .iter()
        .filter(move |i| i.is_active_on(today) && i.deactivation_date.is_none())
}

/// A drop: the item's product removable, and another item stays active.
fn drop_item(_app: &App, mut ctx: ItemContext) -> Result<ItemContext, Problem> {
    if !ctx.rules.catalogue.removable {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "item_not_removable",
            format!("{} cannot be dropped", product_name(&ctx)),
        ));
    }
    if let Some(d) = ctx.item.deactivation_date {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "item_not_removable",
            format!("this item ends on {} already", d.0.to_iso_string()),
        ));
    }
    if billed(&ctx).count() <= 1 {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "last_item",
            "this is the subscription's last active item; it cannot be dropped",
        ));
    }
    ctx.kind = Kind::Drop;
    ctx.after = None;
    ctx.modes = Some(vec![Alignment::NextBilling]);
    Ok(ctx)
}

fn product_name(ctx: &ItemContext) -> String {
    ctx.item
        .product_name
        .clone()
        .unwrap_or_else(|| format!("product {}", ctx.item.product_id))
}

/// The context of an add-on `product_id` as a new item: listed in the `add_ons` of a
/// product the subscription holds, not held already, in its currency, interval and tax
/// mode. Its "item" is the add-on from nothing (running number 0, quantity 0), priced
/// like the subscription's first active item otherwise (period, tax estimate).
///
/// # Errors
/// `not_found` without an active item; the catalogue's refusals.
pub fn add_on(app: &App, read: &Loaded, product_id: &str) -> Result<ItemContext, Problem> {
    let today = app.today();
    let active: Vec<_> = read
        .sub
        .items
        .iter()
        .filter(|i| i.is_active_on(today))
        .collect();
    let host = active
        .first()
        .ok_or_else(|| Problem::not_found("this subscription has no current items"))?;
    let mut ctx = context(app, read, host.running_no.0)?;
    let listed = active.iter().any(|i| {
        app.policy
            .rules(&i.product_id)
            .is_ok_and(|r| r.catalogue.add_ons.iter().any(|a| a == product_id))
    });
    if !listed {
        return Err(product_not_allowed(
            product_id,
            "it is not an add-on of any product the subscription holds",
        ));
    }
    if active.iter().any(|i| i.product_id == product_id) {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "addon_present",
            format!("the subscription holds product {product_id} already"),
        ));
    }
    let rules = offered(app, &ctx, product_id)?;
    let unit = unit_of(&rules);
    let after = named(&rules);
    let mut item = ctx.item.clone();
    item.running_no = WireUint(0);
    item.product_id = after.product_id.clone();
    item.product_name = Some(after.product_name.clone());
    item.quantity = WireUint(0);
    item.deactivation_date = None;
    item.next_billing_customer_gross_price = None;
    item.next_billing_customer_net_price = None;
    item.next_billing_customer_vat_price = None;
    ctx.item = item;
    ctx.current_unit = unit;
    ctx.new_unit = unit;
    ctx.kind = Kind::Add;
    ctx.before = None;
    ctx.after = Some(after);
    ctx.modes = Some(rules.catalogue.add_modes.clone());
    ctx.rules = rules;
    Ok(ctx)
}

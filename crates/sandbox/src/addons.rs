//! Cleverbridge's add-on calls (SPEC §11), through the same gate and faults as an update
//! ([`crate::cleverbridge::serve`]):
//! - `addsubscriptionitem`: a catalogue product as a new item with the next running
//!   number, co-termed with the subscription; a preview
//!   (`GetCustomerPricePreviewOnly`) answers like `updatesubscriptionitem`'s (priced from
//!   nothing: a line of 0 to the new line); a commit answers `ResultMessage` only, never
//!   the running number (read the subscription after).
//! - `deactivatesubscriptionitems`: the items run to the next billing date
//!   (`DeactivationDate`) and are then not renewed (`clock.rs`); the last active item is
//!   refused.

use std::net::SocketAddr;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rust_decimal::Decimal;
use serde_json::json;

use crate::cleverbridge::{serve, CallBody};
use crate::fault::Call;
use crate::pricing::{preview_answer, price};
use crate::state::{cb, Item, Sandbox};
use crate::wire::{AddSubscriptionItemRequest, DeactivateSubscriptionItemsRequest};

impl CallBody for AddSubscriptionItemRequest {
    fn is_preview(&self) -> bool {
        self.alignment_settings.get_customer_price_preview_only
    }
    fn subscription(&self) -> String {
        self.normalized_subscription_id()
    }
}

/// Never a preview: Cleverbridge's call has none.
impl CallBody for DeactivateSubscriptionItemsRequest {
    fn is_preview(&self) -> bool {
        false
    }
    fn subscription(&self) -> String {
        self.normalized_subscription_id()
    }
}

/// `POST addsubscriptionitem`.
pub(crate) async fn add_item(
    State(sb): State<Sandbox>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    serve(
        sb,
        (peer, headers),
        &body,
        Call::AddSubscriptionItem,
        apply_add,
    )
    .await
}

/// Prices a preview of an add or applies it.
fn apply_add(sb: &Sandbox, req: &AddSubscriptionItemRequest) -> Response {
    let today = sb.today();
    let mut g = sb.inner.lock();
    let id = req.normalized_subscription_id();
    let Some(s) = g.subs.get(&id) else {
        return cb(StatusCode::NOT_FOUND, "Subscription not found.");
    };
    let Some(p) = g.products.get(&req.product_id).cloned() else {
        return cb(
            StatusCode::PAYMENT_REQUIRED,
            &format!("Invalid parameters: unknown ProductId {}.", req.product_id),
        );
    };
    if let Err(m) = p.fits(s) {
        return cb(StatusCode::PAYMENT_REQUIRED, &m);
    }
    if !s.status.is_active() {
        return cb(
            StatusCode::BAD_REQUEST,
            "The subscription is not active. Only active subscriptions can be updated.",
        );
    }
    if req.quantity.0 == 0 || req.quantity.0 > 1_000_000 {
        return cb(StatusCode::PAYMENT_REQUIRED, "Invalid parameter: Quantity.");
    }
    let mut unit = p.unit_price;
    if let Some(cp) = &req.customer_price {
        if cp.currency != s.currency {
            return cb(
                StatusCode::BAD_REQUEST,
                "'CustomerPrice' currency differs from subscription currency",
            );
        }
        unit = cp.value.0;
    }
    let a = &req.alignment_settings;
    // From nothing: a current line of one unit at 0 costs nothing.
    let change = ((Decimal::ZERO, 1), (unit, req.quantity.0));
    let priced = match price(s, today, change, a, g.scope, None) {
        Ok(p) => p,
        Err((status, message)) => return cb(status, &message),
    };
    if a.get_customer_price_preview_only {
        let r = preview_answer(s, &priced);
        g.previewed(Call::AddSubscriptionItem);
        return r;
    }
    let item = Item {
        running_no: s.items.iter().map(|i| i.running_no).max().unwrap_or(0) + 1,
        product_id: p.id.clone(),
        product_name: p.name.clone(),
        quantity: u32::try_from(req.quantity.0).unwrap_or(u32::MAX),
        unit_price: unit,
        is_current: Some(true),
        deactivation: None,
    };
    let running_no = item.running_no;
    let Some(s) = g.subs.get_mut(&id) else {
        return cb(StatusCode::NOT_FOUND, "Subscription not found.");
    };
    s.items.push(item);
    if let Some(d) = priced.next_date {
        s.next_billing = d;
    }
    sb.notifier.item_changed(s, running_no, Some("add"));
    g.applied(Call::AddSubscriptionItem, &id);
    Json(json!({ "ResultMessage": "OK" })).into_response()
}

/// `POST deactivatesubscriptionitems`.
pub(crate) async fn deactivate_items(
    State(sb): State<Sandbox>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    serve(
        sb,
        (peer, headers),
        &body,
        Call::DeactivateSubscriptionItems,
        apply_deactivate,
    )
    .await
}

/// Sets the items' `DeactivationDate` to the next billing date. Deactivating an item that
/// already is changes nothing and answers OK.
fn apply_deactivate(sb: &Sandbox, req: &DeactivateSubscriptionItemsRequest) -> Response {
    let mut g = sb.inner.lock();
    let id = req.normalized_subscription_id();
    let Some(s) = g.subs.get_mut(&id) else {
        return cb(StatusCode::NOT_FOUND, "Subscription not found.");
    };
    if !s.status.is_active() {
        return cb(
            StatusCode::BAD_REQUEST,
            "The subscription is not active. Only active subscriptions can be updated.",
        );
    }
    if req.items.is_empty() {
        return cb(
            StatusCode::PAYMENT_REQUIRED,
            "Invalid parameters: Items names no running number.",
        );
    }
    let current = |rn: u64| s.items.iter().any(|i| i.running_no == rn && i.is_current());
    if !req.items.iter().all(|rn| current(*rn)) {
        return cb(StatusCode::NOT_FOUND, "Item not found.");
    }
    let left = s
        .items
        .iter()
        .filter(|i| i.is_active() && !req.items.contains(&i.running_no))
        .count();
    if left == 0 {
        return cb(
            StatusCode::PAYMENT_REQUIRED,
            "Invalid parameters: the last active item of a subscription cannot be deactivated.",
        );
    }
    let on = s.next_billing;
    let mut changed = Vec::new();
    for i in s
        .items
        .iter_mut()
        .filter(|i| i.is_current() && req.items.contains(&i.running_no))
    {
        if i.deactivation.is_none() {
            i.deactivation = Some(on);
            changed.push(i.running_no);
        }
    }
    for rn in changed {
        sb.notifier.item_changed(s, rn, Some("deactivate"));
    }
    g.applied(Call::DeactivateSubscriptionItems, &id);
    Json(json!({ "ResultMessage": "OK" })).into_response()
}

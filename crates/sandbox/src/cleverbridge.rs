//! Cleverbridge's subscription calls as Cleverbridge answers them: `getsubscription` and
//! `updatesubscriptionitem` (seats or a change of plan, preview or commit), with its
//! shapes and untidiness (see docs/proxy.md, "The sandbox"), priced by the core engine
//! (`pricing.rs`); the add-on calls are `addons.rs`'s, through the same gate ([`serve`]).

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use seatquote_core::wire::{
    normalize_subscription_id, GetSubscriptionResponse, Subscription, SubscriptionItem,
    UpdateSubscriptionItemRequest, UpdateSubscriptionItemResponse, WireDate, WireDecimal, WireUint,
};
use serde::de::DeserializeOwned;
use serde::Deserialize;

use crate::fault::{Call, FaultKind, RequestKind};
use crate::pricing::{preview_answer, price};
use crate::state::{cb, Gate, Item, Sandbox, Sub};

/// Closes the connection without an answer: the handler unwinds (without the panic
/// hook's message), hyper drops the socket, and the client sees the connection end
/// before a response — a reset as far as it can tell.
fn reset_connection() -> ! {
    tracing::info!("fault: closing the connection without an answer");
    std::panic::resume_unwind(Box::new("sandbox fault: connection reset"))
}

/// Does the work (`work`: a read, a preview or a commit) as the gate's fault says, then
/// answers. The work runs on its own task so that a client giving up (timeout, reset)
/// does not stop it: a delayed commit is still applied.
async fn perform(
    after: Option<(FaultKind, Duration)>,
    work: impl Fn() -> Response + Send + Sync + 'static,
) -> Response {
    let Some((kind, wait)) = after else {
        return work();
    };
    let task = tokio::spawn(async move {
        match kind {
            FaultKind::ResetBeforeApply => None,
            FaultKind::ApplyAfterDelay => {
                tokio::time::sleep(wait).await;
                Some(work())
            }
            FaultKind::Duplicate => {
                let _ = work();
                Some(work())
            }
            _ => Some(work()),
        }
    });
    let Ok(Some(r)) = task.await else {
        reset_connection()
    };
    match kind {
        FaultKind::ApplyThenHang => {
            tokio::time::sleep(wait).await;
            r
        }
        FaultKind::ResetAfterApply => reset_connection(),
        FaultKind::Status500AfterApply => {
            cb(StatusCode::INTERNAL_SERVER_ERROR, "Internal server error.")
        }
        _ => r,
    }
}

fn wire_subscription(s: &Sub) -> Subscription {
    Subscription {
        id: s.id.clone(),
        customer_id: Some(s.customer_id.clone()),
        customer_reference_id: Some(s.customer_reference_id.clone()),
        customer_currency_id: Some(s.currency.clone()),
        interval_month_count: WireUint(u64::from(s.interval.months)),
        interval_day_count: WireUint(u64::from(s.interval.days)),
        next_billing_date: Some(WireDate(s.next_billing)),
        subscription_status: s.status.clone(),
        end_date: None,
        grace_period_days: s.grace_period_days.map(WireUint),
        items: s
            .items
            .iter()
            .map(|i| {
                let t = i.total(s);
                SubscriptionItem {
                    running_no: WireUint(i.running_no),
                    product_id: i.product_id.clone(),
                    product_name: Some(i.product_name.clone()),
                    quantity: WireUint(u64::from(i.quantity)),
                    is_current: i.is_current.or(Some(true)),
                    deactivation_date: i.deactivation.map(WireDate),
                    next_billing_customer_gross_price: Some(WireDecimal(t.gross)),
                    next_billing_customer_net_price: Some(WireDecimal(t.net)),
                    next_billing_customer_vat_price: Some(WireDecimal(t.vat)),
                    next_renewal_customer_gross_price: None,
                    next_renewal_customer_net_price: None,
                    next_renewal_customer_vat_price: None,
                    next_billing_currency_id: Some(s.currency.clone()),
                }
            })
            .collect(),
    }
}

#[derive(Deserialize)]
pub(crate) struct GetQuery {
    #[serde(rename = "subscriptionId")]
    subscription_id: Option<String>,
}

pub(crate) async fn get_subscription(
    State(sb): State<Sandbox>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(q): Query<GetQuery>,
) -> Response {
    let id = q.subscription_id.as_deref().map(normalize_subscription_id);
    let after = match sb
        .gate(
            peer.ip(),
            &headers,
            (Call::GetSubscription, RequestKind::GetSubscription),
            id.as_deref(),
        )
        .await
    {
        Gate::Stop(r) => return r,
        Gate::Go(h) => h,
    };
    perform(after, move || read_subscription(&sb, &q)).await
}

fn read_subscription(sb: &Sandbox, q: &GetQuery) -> Response {
    let Some(id) = &q.subscription_id else {
        return cb(
            StatusCode::BAD_REQUEST,
            "The subscriptionId parameter is required.",
        );
    };
    let id = normalize_subscription_id(id);
    let g = sb.inner.lock();
    let Some(s) = g.subs.get(&id) else {
        return cb(StatusCode::NOT_FOUND, "Subscription not found.");
    };
    let answer = GetSubscriptionResponse {
        subscription: wire_subscription(s),
        result_message: Some("OK".into()),
    };
    if s.coupon.is_none() && !sb.numeric_ids {
        return Json(answer).into_response();
    }
    // Edited as text, so every number stays exactly as serialised: the id as a bare number
    // (`SEATQUOTE_SANDBOX_NUMERIC_IDS`), and a coupon, a field Cleverbridge sends that the
    // proxy does not parse, yet it changes what a change costs.
    let mut sub = serde_json::to_string(&answer.subscription).unwrap_or_default();
    if let Some(n) = id.strip_prefix('S').and_then(|n| n.parse::<u64>().ok()) {
        if sb.numeric_ids {
            sub = sub.replacen(&format!("\"Id\":\"{id}\""), &format!("\"Id\":{n}"), 1);
        }
    }
    if let Some((code, _)) = &s.coupon {
        let code = serde_json::to_string(code).unwrap_or_default();
        sub = format!(
            "{{\"CouponCode\":{code},{}",
            sub.get(1..).unwrap_or_default()
        );
    }
    let body = format!("{{\"Subscription\":{sub},\"ResultMessage\":\"OK\"}}");
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// A POSTed Cleverbridge request body.
pub(crate) trait CallBody: DeserializeOwned + Send + Sync + 'static {
    /// Whether it only asks for prices (`GetCustomerPricePreviewOnly`).
    fn is_preview(&self) -> bool;
    /// The subscription it is about, with its leading `S`.
    fn subscription(&self) -> String;
}

impl CallBody for UpdateSubscriptionItemRequest {
    fn is_preview(&self) -> bool {
        self.alignment_settings.get_customer_price_preview_only
    }
    fn subscription(&self) -> String {
        self.normalized_subscription_id()
    }
}

/// Gates and answers one POSTed Cleverbridge call: reads the body as `R`, counts it as a
/// preview when it is one (an unreadable body counts, and is faulted, as a commit),
/// passes the gate for its subscription, then `apply`s it as the fault says.
pub(crate) async fn serve<R: CallBody>(
    sb: Sandbox,
    (peer, headers): (SocketAddr, HeaderMap),
    body: &[u8],
    call: Call,
    apply: fn(&Sandbox, &R) -> Response,
) -> Response {
    let parsed = serde_json::from_slice::<R>(body);
    let kind = match &parsed {
        Ok(r) if r.is_preview() => RequestKind::Preview,
        _ => RequestKind::Commit,
    };
    let id = parsed.as_ref().ok().map(CallBody::subscription);
    let after = match sb
        .gate(peer.ip(), &headers, (call, kind), id.as_deref())
        .await
    {
        Gate::Stop(r) => return r,
        Gate::Go(h) => h,
    };
    let parsed = parsed.map_err(|e| e.to_string());
    perform(after, move || match &parsed {
        Ok(req) => apply(&sb, req),
        Err(e) => cb(
            StatusCode::BAD_REQUEST,
            &format!("The request is invalid: {e}"),
        ),
    })
    .await
}

/// `POST updatesubscriptionitem`.
pub(crate) async fn update_item(
    State(sb): State<Sandbox>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    serve(
        sb,
        (peer, headers),
        &body,
        Call::UpdateSubscriptionItem,
        apply_update,
    )
    .await
}

/// Prices a preview or applies a commit: more or fewer seats of the item's product, or a
/// change of plan (another `ProductId` of the catalogue, same currency, tax mode and
/// interval), which keeps the old revision (`IsCurrent: false`) and adds a new one of the
/// same running number.
fn apply_update(sb: &Sandbox, req: &UpdateSubscriptionItemRequest) -> Response {
    let today = sb.today();
    let mut g = sb.inner.lock();
    let id = req.normalized_subscription_id();
    let Some(s) = g.subs.get(&id) else {
        return cb(StatusCode::NOT_FOUND, "Subscription not found.");
    };
    let Some(item) = s
        .items
        .iter()
        .find(|i| i.running_no == req.running_number.0 && i.is_current())
    else {
        return cb(StatusCode::NOT_FOUND, "Item not found.");
    };
    let plan = if item.product_id == req.product_id {
        None
    } else {
        let Some(p) = g.products.get(&req.product_id) else {
            return cb(
                StatusCode::PAYMENT_REQUIRED,
                &format!("Invalid parameters: unknown ProductId {}.", req.product_id),
            );
        };
        if let Err(m) = p.fits(s) {
            return cb(StatusCode::PAYMENT_REQUIRED, &m);
        }
        Some(p.clone())
    };
    if !s.status.is_active() {
        return cb(
            StatusCode::BAD_REQUEST,
            "The subscription is not active. Only active subscriptions can be updated.",
        );
    }
    if item.deactivation.is_some() {
        return cb(
            StatusCode::PAYMENT_REQUIRED,
            "Invalid parameters: the item is deactivated.",
        );
    }
    if req.quantity.0 == 0 || req.quantity.0 > 1_000_000 {
        return cb(StatusCode::PAYMENT_REQUIRED, "Invalid parameter: Quantity.");
    }
    let mut unit = plan.as_ref().map_or(item.unit_price, |p| p.unit_price);
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
    let change = ((item.unit_price, item.quantity), (unit, req.quantity.0));
    let priced = match price(s, today, change, a, g.scope, Some(item.running_no)) {
        Ok(p) => p,
        Err((status, message)) => return cb(status, &message),
    };
    if a.get_customer_price_preview_only {
        let r = preview_answer(s, &priced);
        g.previewed(Call::UpdateSubscriptionItem);
        return r;
    }
    // Commit.
    let (running_no, old_unit) = (item.running_no, item.unit_price);
    let quantity = u32::try_from(req.quantity.0).unwrap_or(item.quantity);
    let Some(s) = g.subs.get_mut(&id) else {
        return cb(StatusCode::NOT_FOUND, "Subscription not found.");
    };
    let current = |i: &&mut Item| i.running_no == running_no && i.is_current();
    let event = match &plan {
        None => {
            if let Some(it) = s.items.iter_mut().find(current) {
                it.quantity = quantity;
                it.unit_price = unit;
            }
            None
        }
        Some(p) => {
            if let Some(it) = s.items.iter_mut().find(current) {
                it.is_current = Some(false);
            }
            s.items.push(Item {
                running_no,
                product_id: p.id.clone(),
                product_name: p.name.clone(),
                quantity,
                unit_price: unit,
                is_current: Some(true),
                deactivation: None,
            });
            // Equal prices count as an upgrade (the shared design, "Kinds of change").
            Some(if unit >= old_unit {
                "upgrade"
            } else {
                "downgrade"
            })
        }
    };
    if let Some(d) = priced.next_date {
        s.next_billing = d;
    }
    sb.notifier.item_changed(s, running_no, event);
    g.applied(Call::UpdateSubscriptionItem, &id);
    Json(UpdateSubscriptionItemResponse {
        result_message: Some("OK".into()),
        ..Default::default()
    })
    .into_response()
}

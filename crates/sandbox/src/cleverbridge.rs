//! Cleverbridge's two subscription calls as Cleverbridge answers them: `getsubscription`
//! and `updatesubscriptionitem` (preview or commit), with its shapes and untidiness
//! (see docs/proxy.md, "The sandbox"), priced by the core engine.

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use rust_decimal::Decimal;
use seatquote_core::alignment::{Alignment, AlignmentFlags};
use seatquote_core::change::{Change, Line, Period, Tax};
use seatquote_core::currency::Currency;
use seatquote_core::date::Date;
use seatquote_core::error::ErrorCode;
use seatquote_core::error::QuoteError;
use seatquote_core::money::round;
use seatquote_core::quote::quote;
use seatquote_core::tax::split;
use seatquote_core::wire::{
    normalize_subscription_id, GetSubscriptionResponse, Subscription, SubscriptionItem,
    UpdateSubscriptionItemRequest, UpdateSubscriptionItemResponse, WireDate, WireDecimal, WireUint,
};
use serde::Deserialize;

use crate::fault::{FaultKind, RequestKind};
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
                let total = round(i.unit_price * Decimal::from(i.quantity), s.minor);
                let t = split(total, s.tax_mode, s.tax_rate, s.minor);
                SubscriptionItem {
                    running_no: WireUint(i.running_no),
                    product_id: i.product_id.clone(),
                    product_name: Some(i.product_name.clone()),
                    quantity: WireUint(u64::from(i.quantity)),
                    is_current: i.is_current.or(Some(true)),
                    deactivation_date: None,
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
            ("getsubscription", RequestKind::GetSubscription),
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

/// The engine's change for an update request, checked in the JSON boundary's order (so its
/// errors are the ones Cleverbridge's own validation would name).
fn engine_change(
    s: &Sub,
    item: &Item,
    today: Date,
    new_unit: Decimal,
    qty: u64,
    flags: AlignmentFlags,
) -> Result<Change, QuoteError> {
    let period_start = s.next_billing.sub(s.interval).unwrap_or(s.next_billing);
    let currency = Currency::from_code(&s.currency)?;
    let tax = Tax {
        mode: s.tax_mode,
        rate: s.tax_rate,
    };
    let (current, next) = Line::pair(
        (item.unit_price, item.quantity),
        (new_unit, u32::try_from(qty).unwrap_or(u32::MAX)),
    )?;
    let alignment = Alignment::from_flags(flags)?;
    let period = Period::new(period_start, s.next_billing, s.interval)?;
    Change::new(currency, tax, period, today, current, next, alignment)
}

pub(crate) async fn update_item(
    State(sb): State<Sandbox>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let parsed = serde_json::from_slice::<UpdateSubscriptionItemRequest>(&body);
    // An unreadable body is not a preview: it counts (and is faulted) as a commit.
    let kind = match &parsed {
        Ok(r) if r.alignment_settings.get_customer_price_preview_only => RequestKind::Preview,
        _ => RequestKind::Commit,
    };
    let id = parsed
        .as_ref()
        .ok()
        .map(UpdateSubscriptionItemRequest::normalized_subscription_id);
    let after = match sb
        .gate(
            peer.ip(),
            &headers,
            ("updatesubscriptionitem", kind),
            id.as_deref(),
        )
        .await
    {
        Gate::Stop(r) => return r,
        Gate::Go(h) => h,
    };
    let parsed = parsed.map_err(|e| e.to_string());
    perform(after, move || match &parsed {
        Ok(req) => apply_update(&sb, req),
        Err(e) => cb(
            StatusCode::BAD_REQUEST,
            &format!("The request is invalid: {e}"),
        ),
    })
    .await
}

/// Prices a preview or applies a commit.
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
        .find(|i| i.running_no == req.running_number.0 && i.is_current != Some(false))
    else {
        return cb(StatusCode::NOT_FOUND, "Item not found.");
    };
    if item.product_id != req.product_id {
        return cb(
            StatusCode::PAYMENT_REQUIRED,
            "ProductId does not match the subscription item.",
        );
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
    let mut unit = item.unit_price;
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
    let flags = AlignmentFlags {
        align_to_current_interval: a.align_to_current_interval,
        extend_interval: a.extend_interval,
    };
    let q = match engine_change(s, item, today, unit, req.quantity.0, flags).and_then(|c| quote(&c))
    {
        Ok(q) => q,
        Err(e) if e.code == ErrorCode::NegativeAlignment => {
            return cb(
                StatusCode::BAD_REQUEST,
                "The alignment amount is negative. The update was not processed.",
            )
        }
        Err(e) => {
            return cb(
                StatusCode::PAYMENT_REQUIRED,
                &format!("Invalid parameters: {}", e.message),
            )
        }
    };
    let dec = |s: &str| s.parse::<Decimal>().ok().map(WireDecimal);
    let extend = a.align_to_current_interval && a.extend_interval;
    let (mut ag, mut an, mut av) = (
        dec(&q.alignment.gross),
        dec(&q.alignment.net),
        dec(&q.alignment.vat),
    );
    if let (Some((_, off)), Some(g), Some(n)) = (&s.coupon, ag, an) {
        // The coupon's percentage off today's amount, in the product's tax mode.
        let base = if s.tax_mode.is_gross() { g.0 } else { n.0 };
        let hundred = Decimal::ONE_HUNDRED;
        let t = split(
            round(base * (hundred - *off) / hundred, s.minor),
            s.tax_mode,
            s.tax_rate,
            s.minor,
        );
        (ag, an, av) = (
            Some(WireDecimal(t.gross)),
            Some(WireDecimal(t.net)),
            Some(WireDecimal(t.vat)),
        );
    }
    if a.get_customer_price_preview_only {
        let r = UpdateSubscriptionItemResponse {
            alignment_customer_gross_price: ag,
            alignment_customer_net_price: an,
            alignment_customer_vat_price: av,
            next_billing_customer_gross_price: dec(&q.next_billing.gross),
            next_billing_customer_net_price: dec(&q.next_billing.net),
            next_billing_customer_vat_price: dec(&q.next_billing.vat),
            next_renewal_customer_gross_price: dec(&q.next_billing.gross),
            next_renewal_customer_net_price: dec(&q.next_billing.net),
            next_renewal_customer_vat_price: dec(&q.next_billing.vat),
            price_currency_id: Some(s.currency.clone()),
            next_billing_date: if extend {
                Date::parse(&q.next_billing.date).ok().map(WireDate)
            } else {
                None
            },
            result_message: Some("OK".into()),
        };
        *g.requests.entry("previews").or_default() += 1;
        return Json(r).into_response();
    }
    // Commit.
    let new_next = Date::parse(&q.next_billing.date).ok();
    let running_no = item.running_no;
    if let Some(s) = g.subs.get_mut(&id) {
        if let Some(it) = s.items.iter_mut().find(|i| i.running_no == running_no) {
            it.quantity = u32::try_from(req.quantity.0).unwrap_or(it.quantity);
            it.unit_price = unit;
        }
        if let Some(d) = new_next {
            s.next_billing = d;
        }
    }
    if let Some(s) = g.subs.get(&id) {
        sb.notifier.item_changed(s, running_no);
    }
    *g.commits.entry(id).or_default() += 1;
    Json(UpdateSubscriptionItemResponse {
        result_message: Some("OK".into()),
        ..Default::default()
    })
    .into_response()
}

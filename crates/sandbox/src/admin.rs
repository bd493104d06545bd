//! The unauthenticated test and demo controls under `/sandbox/_admin/`: inject a fault,
//! change a product's price, set what previews' `NextBilling*` cover, read the counters,
//! reset to the fixture (the clock: `clock.rs`).

use std::collections::BTreeMap;

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use crate::fault::{Call, Fault, FaultKind, FaultTarget, RequestKind};
use crate::pricing::NextBillingScope;
use crate::state::{cb, Sandbox};

/// `POST /sandbox/_admin/fault`: `{"fault", "count"?, "ms"?, "target"?}` (see [`Fault`]).
pub(crate) async fn admin_fault(State(sb): State<Sandbox>, body: Bytes) -> Response {
    match serde_json::from_slice::<Fault>(&body) {
        Ok(f) => {
            let mut out =
                json!({ "fault": f.fault, "count": f.count, "ms": f.ms, "target": f.target });
            if let Some(r) = &f.retry_after {
                out["retryAfter"] = json!(r);
            }
            if !f.subscriptions.is_empty() {
                out["subscriptions"] = json!(f.subscriptions);
            }
            if let Some(c) = f.call {
                out["call"] = json!(c);
            }
            sb.inner.lock().fault = if f.count == 0 { None } else { Some(f) };
            Json(out).into_response()
        }
        Err(e) => cb(StatusCode::BAD_REQUEST, &fault_error(&body, &e)),
    }
}

/// Names the field at fault: `fault must be one of …` / `target must be one of …`.
fn fault_error(body: &[u8], e: &serde_json::Error) -> String {
    let v: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
    let bad = |field: &str, ok: bool| !ok && v.get(field).is_some();
    if bad(
        "fault",
        serde_json::from_value::<FaultKind>(v["fault"].clone()).is_ok(),
    ) {
        format!("fault must be one of {}", FaultKind::NAMES)
    } else if bad(
        "call",
        serde_json::from_value::<Call>(v["call"].clone()).is_ok(),
    ) {
        format!("call must be one of {}", Call::NAMES)
    } else if bad(
        "target",
        serde_json::from_value::<FaultTarget>(v["target"].clone()).is_ok(),
    ) {
        "target must be one of any, getsubscription, preview, commit".into()
    } else {
        e.to_string()
    }
}
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PriceChange {
    product_id: serde_json::Value,
    unit_price: String,
}

/// `POST /sandbox/_admin/price`: `{"productId", "unitPrice"}` for every item of that product
/// and for the catalogue's list price (what a plan change or an add to it costs).
pub(crate) async fn admin_price(State(sb): State<Sandbox>, body: Bytes) -> Response {
    let p: PriceChange = match serde_json::from_slice(&body) {
        Ok(p) => p,
        Err(e) => return cb(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    let product = match &p.product_id {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Number(n) => n.to_string(),
        _ => {
            return cb(
                StatusCode::BAD_REQUEST,
                "productId must be a string or integer",
            )
        }
    };
    let Some(price) = seatquote_core::money::parse_plain_decimal(&p.unit_price, 6) else {
        return cb(
            StatusCode::BAD_REQUEST,
            "unitPrice must be a decimal string",
        );
    };
    let mut g = sb.inner.lock();
    if let Some(p) = g.products.get_mut(&product) {
        p.unit_price = price;
    }
    let mut n = 0;
    for s in g.subs.values_mut() {
        for i in s.items.iter_mut().filter(|i| i.product_id == product) {
            i.unit_price = price;
            n += 1;
        }
    }
    Json(json!({ "productId": product, "unitPrice": p.unit_price, "itemsChanged": n }))
        .into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct Coupon {
    subscription_id: String,
    code: String,
    percent_off: String,
}

/// `POST /sandbox/_admin/coupon`: `{"subscriptionId", "code", "percentOff"}` puts a coupon
/// on a subscription: its code shows in the raw `getsubscription` read (`CouponCode`, a
/// field the proxy does not parse) and what a change costs today is that percentage lower.
pub(crate) async fn admin_coupon(State(sb): State<Sandbox>, body: Bytes) -> Response {
    let c: Coupon = match serde_json::from_slice(&body) {
        Ok(c) => c,
        Err(e) => return cb(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    let off = seatquote_core::money::parse_plain_decimal(&c.percent_off, 2)
        .filter(|d| (rust_decimal::Decimal::ZERO..=rust_decimal::Decimal::ONE_HUNDRED).contains(d));
    let Some(off) = off else {
        return cb(
            StatusCode::BAD_REQUEST,
            "percentOff must be a decimal string from 0 to 100",
        );
    };
    let mut g = sb.inner.lock();
    let id = seatquote_core::wire::normalize_subscription_id(&c.subscription_id);
    let Some(s) = g.subs.get_mut(&id) else {
        return cb(StatusCode::NOT_FOUND, "Subscription not found.");
    };
    s.coupon = Some((c.code.clone(), off));
    Json(json!({ "subscriptionId": id, "code": c.code, "percentOff": c.percent_off }))
        .into_response()
}

/// `GET /sandbox/_admin/counters`: requests, attempts, commits and quantities.
pub(crate) async fn admin_counters(State(sb): State<Sandbox>) -> Response {
    let g = sb.inner.lock();
    let quantities: BTreeMap<String, BTreeMap<String, u32>> = g
        .subs
        .values()
        .map(|s| {
            (
                s.id.clone(),
                // A running number's current revision wins over an old one.
                s.items
                    .iter()
                    .filter(|i| !i.is_current())
                    .chain(s.items.iter().filter(|i| i.is_current()))
                    .map(|i| (i.running_no.to_string(), i.quantity))
                    .collect(),
            )
        })
        .collect();
    Json(json!({
        "today": sb.today().to_iso_string(),
        "commits": g.commits,
        // Commits received (faulted or not) and commits applied: "applied exactly once"
        // is `commitsApplied == 1`.
        "commitsReceived": g.attempts.get(&RequestKind::Commit).copied().unwrap_or(0),
        "commitsApplied": g.commits.values().sum::<u64>(),
        "requests": g.requests,
        // Per Cleverbridge call: requests received, previews answered, commits received
        // and applied (an add or a deactivation is a commit).
        "calls": Call::ALL
            .iter()
            .filter(|c| **c != Call::GetSubscription)
            .map(|c| (c.as_str(), g.calls.get(c).copied().unwrap_or_default()))
            .collect::<BTreeMap<_, _>>(),
        "nextBillingScope": g.scope,
        "attempts": RequestKind::ALL
            .iter()
            .map(|k| (k.as_str(), g.attempts.get(k).copied().unwrap_or(0)))
            .collect::<BTreeMap<_, _>>(),
        "totalRequests": g.requests.iter().filter(|(k, _)| **k != "previews").map(|(_, v)| v).sum::<u64>(),
        "quantities": quantities,
        // Cleverbridge's rate limit: the most requests in any 1-second window, 429s sent.
        "rate": g.rate_counters(),
        "tooManySent": g.too_many_sent,
        // Renewals billed by moving the clock (crate::clock).
        "renewals": g.renewals,
        // `getsubscription` requests per subscription, faulted or not.
        "reads": g.reads,
        "fault": g.fault.as_ref().map(|f| json!({"fault": f.fault, "count": f.count, "target": f.target, "call": f.call})),
    }))
    .into_response()
}

/// `POST /sandbox/_admin/reset`.
pub(crate) async fn admin_reset(State(sb): State<Sandbox>) -> Response {
    sb.reset();
    Json(json!({ "reset": true })).into_response()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ScopeChange {
    scope: String,
}

/// `POST /sandbox/_admin/next-billing-scope`: `{"scope": "item"|"subscription"}` — what
/// previews' `NextBillingCustomer*` cover from now on (until a reset, which returns to
/// `SANDBOX_NEXT_BILLING_SCOPE`).
pub(crate) async fn admin_next_billing_scope(State(sb): State<Sandbox>, body: Bytes) -> Response {
    let c: ScopeChange = match serde_json::from_slice(&body) {
        Ok(c) => c,
        Err(e) => return cb(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    let Some(scope) = NextBillingScope::parse(&c.scope) else {
        return cb(
            StatusCode::BAD_REQUEST,
            "scope must be one of item, subscription",
        );
    };
    sb.inner.lock().scope = scope;
    Json(json!({ "scope": scope })).into_response()
}

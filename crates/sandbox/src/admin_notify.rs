//! The admin controls that notify (`/sandbox/_admin/quantity`, `notify`, `notify-fault`,
//! `notifications`): a change made in the sandbox's own admin, a payment notification,
//! a notification fault, and the counts of what was sent (the notifier: `notifier.rs`).

use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::json;

use crate::notifier::NotifyFault;
use crate::state::{cb, Sandbox};

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct QuantityChange {
    subscription_id: String,
    running_number: u64,
    quantity: u32,
}

/// `POST /sandbox/_admin/quantity`: `{"subscriptionId", "runningNumber", "quantity"}` —
/// a change made in the sandbox's own admin (not through the API), then notified.
pub(crate) async fn admin_quantity(State(sb): State<Sandbox>, body: Bytes) -> Response {
    let c: QuantityChange = match serde_json::from_slice(&body) {
        Ok(c) => c,
        Err(e) => return cb(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    if c.quantity == 0 {
        return cb(StatusCode::BAD_REQUEST, "quantity must be at least 1");
    }
    let id = seatquote_core::wire::normalize_subscription_id(&c.subscription_id);
    let snapshot = {
        let mut g = sb.inner.lock();
        let Some(s) = g.subs.get_mut(&id) else {
            return cb(StatusCode::NOT_FOUND, "Subscription not found.");
        };
        let Some(it) = s
            .items
            .iter_mut()
            .find(|i| i.running_no == c.running_number && i.is_current())
        else {
            return cb(StatusCode::NOT_FOUND, "Item not found.");
        };
        it.quantity = c.quantity;
        s.clone()
    };
    sb.notifier.item_changed(&snapshot, c.running_number, None);
    Json(json!({ "subscriptionId": id, "runningNumber": c.running_number, "quantity": c.quantity }))
        .into_response()
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct NotifyRequest {
    #[serde(rename = "type")]
    kind: String,
    subscription_id: String,
}

/// The notification types `POST /sandbox/_admin/notify` sends.
pub const PAYMENT_TYPES: &[&str] = &[
    "SubscriptionPaidNotification",
    "SubscriptionPaymentFailedNotification",
    "RefundNotification",
    "ChargebackNotification",
];

/// `POST /sandbox/_admin/notify`: `{"type", "subscriptionId"}` — a payment notification
/// (one of [`PAYMENT_TYPES`]) for that subscription, now.
pub(crate) async fn admin_notify(State(sb): State<Sandbox>, body: Bytes) -> Response {
    let r: NotifyRequest = match serde_json::from_slice(&body) {
        Ok(r) => r,
        Err(e) => return cb(StatusCode::BAD_REQUEST, &e.to_string()),
    };
    if !PAYMENT_TYPES.contains(&r.kind.as_str()) {
        return cb(
            StatusCode::BAD_REQUEST,
            &format!("type must be one of {}", PAYMENT_TYPES.join(", ")),
        );
    }
    let id = seatquote_core::wire::normalize_subscription_id(&r.subscription_id);
    let Some(sub) = sb.inner.lock().subs.get(&id).cloned() else {
        return cb(StatusCode::NOT_FOUND, "Subscription not found.");
    };
    if !sb.notifier.enabled() {
        return cb(
            StatusCode::CONFLICT,
            "no notification URL (SEATQUOTE_SANDBOX_NOTIFY_URL)",
        );
    }
    sb.notifier.send(&r.kind, &sub);
    Json(json!({ "type": r.kind, "subscriptionId": id })).into_response()
}

/// `POST /sandbox/_admin/notify-fault`: `{"fault", "count"?, "ms"?}` (see [`NotifyFault`]).
pub(crate) async fn admin_notify_fault(State(sb): State<Sandbox>, body: Bytes) -> Response {
    match serde_json::from_slice::<NotifyFault>(&body) {
        Ok(f) => {
            let out = json!({ "fault": f.fault, "count": f.count, "ms": f.ms });
            sb.notifier.set_fault(f);
            Json(out).into_response()
        }
        Err(e) => cb(
            StatusCode::BAD_REQUEST,
            &format!("fault must be one of duplicate, delayed, outOfOrder, dropped ({e})"),
        ),
    }
}

/// `GET /sandbox/_admin/notifications`: sent, dropped and failed counts.
pub(crate) async fn admin_notifications(State(sb): State<Sandbox>) -> Response {
    Json(sb.notifier.counts()).into_response()
}

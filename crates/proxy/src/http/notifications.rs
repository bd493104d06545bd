//! `POST /api/cleverbridge/notifications`: Cleverbridge's JSON notifications
//! (docs/webhooks.md, "Notifications from Cleverbridge"), a second source of truth next
//! to the ledger.
//!
//! Authenticated by the HTTP Basic credentials the merchant sets in Cleverbridge's
//! notification settings (compared in constant time; 401 otherwise). The body is stored
//! durably before the 200 (nothing acknowledged is lost), once per body (the same
//! notification twice changes nothing), and its items are compared with what the ledger
//! and earlier notifications know (an older item `version` never overwrites a newer one):
//! a change the ledger did not make becomes `subscription.changed_outside`; one that
//! reports an unfinished commit's intended quantity is a hint: it triggers a read of the
//! item, and only the read settles the commit ([`crate::ledger::hint`]); payment
//! notifications become
//! `payment.*` events. Unknown types are kept and acknowledged.

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use subtle::ConstantTimeEq;

use crate::domain::intent::Intent;
use crate::domain::notification::parse;
use crate::ledger::hint;
use crate::problem::Problem;
use crate::state::{App, AppState};
use crate::store::{now_ms, run_blocking};

/// Largest notification body accepted (Cleverbridge's are a few kilobytes).
pub const NOTIFICATION_LIMIT: usize = 256 * 1024;

fn unauthorized() -> Problem {
    let mut p = Problem::new(
        StatusCode::UNAUTHORIZED,
        "notification_unauthorized",
        "the notification's Basic credentials are missing or wrong",
    );
    p.www_authenticate = Some("Basic realm=\"seatquote notifications\"");
    p
}

/// Whether the `Authorization` header carries the configured Basic credentials
/// (constant time in their content).
fn authorized(app: &App, headers: &HeaderMap) -> bool {
    let Some((user, pass)) = &app.webhooks.notify else {
        return false;
    };
    let Some(given) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
        .and_then(|b| {
            base64::engine::general_purpose::STANDARD
                .decode(b.trim())
                .ok()
        })
    else {
        return false;
    };
    let expected = format!("{user}:{pass}");
    bool::from(given.as_slice().ct_eq(expected.as_bytes()))
}

/// Reads the item of an unfinished commit a notification hints at (skipped when a
/// request with its key is running here: that request resolves it).
async fn check(app: &App, i: &Intent) -> Result<(), Problem> {
    let Ok(_guard) = app.key_lock(&i.key).try_lock_owned() else {
        return Ok(());
    };
    Ok(hint(app, i, &app.instance).await?)
}

/// `POST /api/cleverbridge/notifications`.
///
/// # Errors
/// `notification_unauthorized` (401), `notification_too_large` (413),
/// `invalid_notification` (400), storage (500: Cleverbridge sends it again).
pub async fn notification(
    State(app): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, Problem> {
    if !authorized(&app, &headers) {
        return Err(unauthorized());
    }
    let bytes = axum::body::to_bytes(body, NOTIFICATION_LIMIT)
        .await
        .map_err(|_| {
            Problem::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "notification_too_large",
                format!("the notification is larger than {NOTIFICATION_LIMIT} bytes"),
            )
        })?;
    let n = parse(&bytes).map_err(|why| {
        Problem::new(
            StatusCode::BAD_REQUEST,
            "invalid_notification",
            format!("not a Cleverbridge JSON notification: {why}"),
        )
    })?;
    let store = app.outbox.clone();
    let n2 = n.clone();
    // The subscription changed at Cleverbridge: a read or preview kept for reuse may be
    // of the old one, so the next summary and preview read it afresh (DESIGN.md, "One read
    // per quote"). Before the notification is recorded, so that nothing its events tell
    // can be followed by an old read.
    if let Some(sub) = n.subscription.as_deref() {
        app.upstream.forget(sub);
    }
    let recorded = run_blocking(move || store.record_notification(&n2, now_ms())).await?;
    for i in &recorded.checks {
        check(&app, i).await?;
    }
    if !recorded.events.is_empty() || !recorded.checks.is_empty() {
        app.outbox_wake.notify_one();
    }
    tracing::info!(target: "seatquote::notifications", kind = %n.kind, subscription = ?n.subscription, duplicate = recorded.duplicate, events = recorded.events.len(), checked = recorded.checks.len(), known = n.is_known(), "notification");
    let status = if recorded.duplicate {
        "duplicate"
    } else {
        "accepted"
    };
    Ok(Json(serde_json::json!({ "status": status })).into_response())
}

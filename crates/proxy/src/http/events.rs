//! The events API for the merchant's backend (docs/webhooks.md, "Events API"):
//! `GET /api/events?after=<cursor>&limit=<n>` lists the outbox oldest first, with each
//! event's delivery state; `POST /api/events/{id}/redeliver` puts one back in line.
//! Authenticated by `SEATQUOTE_ADMIN_TOKEN` as a bearer token (compared in constant time),
//! never by a customer's token.

use axum::extract::{Path, RawQuery, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use seatquote_core::contract::{EventPage, EventRecord};
use subtle::ConstantTimeEq;

use crate::domain::event::{Delivery, Event};
use crate::problem::Problem;
use crate::state::{App, AppState};
use crate::store::{now_ms, run_blocking};

/// Most events per page.
pub const MAX_PAGE: u32 = 100;

/// The merchant's admin token as a bearer token (compared in constant time).
///
/// # Errors
/// `admin_unauthorized`.
pub(crate) fn authorize(app: &App, headers: &HeaderMap) -> Result<(), Problem> {
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim);
    match (&app.webhooks.admin_token, given) {
        (Some(t), Some(g)) if bool::from(g.as_bytes().ct_eq(t.as_bytes())) => Ok(()),
        _ => {
            let mut p = Problem::new(
                StatusCode::UNAUTHORIZED,
                "admin_unauthorized",
                "the events API needs the merchant's admin token (SEATQUOTE_ADMIN_TOKEN) as a bearer token",
            );
            p.www_authenticate = Some("Bearer realm=\"seatquote events\"");
            Err(p)
        }
    }
}

fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// The API's view of a stored event.
pub fn record(e: &Event) -> EventRecord {
    EventRecord {
        cursor: e.seq.to_string(),
        id: e.id.clone(),
        kind: e.kind.clone(),
        subscription_id: e.subscription.clone(),
        created_at: rfc3339(e.created_ms),
        delivery: e.state.as_str().into(),
        attempts: e.attempts,
        next_attempt_at: (e.state == Delivery::Pending).then(|| rfc3339(e.next_attempt_ms)),
        last_error: e.last_error.clone(),
        delivered_at: e.delivered_ms.map(rfc3339),
        target_url: e.target.clone(),
        payload: serde_json::from_str(&e.body).unwrap_or(serde_json::Value::Null),
    }
}

fn bad_query(detail: &str) -> Problem {
    Problem::new(StatusCode::BAD_REQUEST, "invalid_query", detail)
}

/// `after` (a cursor, default 0) and `limit` (1–100, default 50).
fn page_query(q: Option<&str>) -> Result<(i64, u32), Problem> {
    let (mut after, mut limit) = (0_i64, 50_u32);
    for (k, v) in url::form_urlencoded::parse(q.unwrap_or_default().as_bytes()) {
        match k.as_ref() {
            "after" => {
                after = v.parse().ok().filter(|a: &i64| *a >= 0).ok_or_else(|| {
                    bad_query("after must be a cursor from an earlier page (a whole number ≥ 0)")
                })?;
            }
            "limit" => {
                limit = v
                    .parse()
                    .ok()
                    .filter(|l| (1..=MAX_PAGE).contains(l))
                    .ok_or_else(|| bad_query("limit must be from 1 to 100"))?;
            }
            _ => {}
        }
    }
    Ok((after, limit))
}

/// `GET /api/events`.
///
/// # Errors
/// `admin_unauthorized`, `invalid_query`, storage.
pub async fn list(
    State(app): State<AppState>,
    headers: HeaderMap,
    RawQuery(q): RawQuery,
) -> Result<Json<EventPage>, Problem> {
    authorize(&app, &headers)?;
    let (after, limit) = page_query(q.as_deref())?;
    let store = app.outbox.clone();
    let events = run_blocking(move || store.events_after(after, limit)).await?;
    let next_cursor = events.last().map_or(after, |e| e.seq).to_string();
    Ok(Json(EventPage {
        events: events.iter().map(record).collect(),
        next_cursor,
    }))
}

/// `POST /api/events/{id}/redeliver`.
///
/// # Errors
/// `admin_unauthorized`, `not_found`, storage.
pub async fn redeliver(
    State(app): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Response, Problem> {
    authorize(&app, &headers)?;
    let store = app.outbox.clone();
    if !run_blocking(move || store.redeliver(&id, now_ms())).await? {
        return Err(Problem::not_found("no such event"));
    }
    app.outbox_wake.notify_one();
    Ok((
        StatusCode::ACCEPTED,
        Json(serde_json::json!({ "status": "queued" })),
    )
        .into_response())
}

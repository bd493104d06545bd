//! The operator's view of commits parked as needing attention (DESIGN.md, "The commit
//! state machine"; docs/webhooks.md, "Events API"): `GET /api/intents` lists them,
//! `POST /api/intents/retry` makes one due for a read again. Authenticated like the events
//! API, by `SEATQUOTE_ADMIN_TOKEN`.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};

use super::events::authorize;
use super::extract::JsonBody;
use crate::problem::Problem;
use crate::state::AppState;
use crate::store::{run_blocking, Parked};

/// Most parked intents listed.
const MAX_LISTED: u32 = 100;

fn rfc3339(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

fn parked_json(p: &Parked) -> Value {
    let i = &p.intent;
    json!({
        "customerId": i.customer(),
        "idempotencyKey": i.idempotency_key(),
        "subscriptionId": i.subscription,
        "runningNumber": i.running_no,
        "fromQuantity": i.from_quantity,
        "quantity": i.quantity,
        "state": i.state.as_str(),
        "resolveFailures": p.failures,
        "since": rfc3339(p.since_ms),
    })
}

/// `GET /api/intents`: the commits parked as needing attention, oldest first.
///
/// # Errors
/// `admin_unauthorized`, storage.
pub async fn list(State(app): State<AppState>, headers: HeaderMap) -> Result<Response, Problem> {
    authorize(&app, &headers)?;
    let store = app.store.clone();
    let parked = run_blocking(move || store.parked(MAX_LISTED)).await?;
    let intents: Vec<Value> = parked.iter().map(parked_json).collect();
    Ok(Json(json!({ "intents": intents })).into_response())
}

/// What `POST /api/intents/retry` names: a customer's Idempotency-Key.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct RetryRequest {
    /// The customer.
    pub customer_id: String,
    /// The customer's Idempotency-Key of the parked commit.
    pub idempotency_key: String,
}

/// `POST /api/intents/retry`: a parked commit is due for a read again (its failures
/// forgotten); the reconciler reads it within a second.
///
/// # Errors
/// `admin_unauthorized`, `not_found` (no such parked commit), body problems, storage.
pub async fn retry(
    State(app): State<AppState>,
    headers: HeaderMap,
    JsonBody(r): JsonBody<RetryRequest>,
) -> Result<Response, Problem> {
    authorize(&app, &headers)?;
    let key = format!("{}\u{1f}{}", r.customer_id, r.idempotency_key);
    let store = app.store.clone();
    if !run_blocking(move || store.unpark(&key)).await? {
        return Err(Problem::not_found(
            "no commit needing attention under this customer and Idempotency-Key",
        ));
    }
    tracing::warn!(target: "seatquote::ledger", "an operator retried a commit that needed attention");
    Ok((StatusCode::ACCEPTED, Json(json!({ "status": "queued" }))).into_response())
}

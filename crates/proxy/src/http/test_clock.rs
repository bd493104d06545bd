//! `POST /api/_test/clock` (docs/proxy.md, "One clock"): moves this process's pinned today
//! forward, as the sandbox's `POST /sandbox/_admin/clock` moves its own, so that an
//! end-to-end test can cross a scheduled change's date without restarting the proxy.
//! Compiled only with the `fixed-clock` cargo feature and routed only when
//! `SEATQUOTE_TODAY` pins the clock; authenticated by `SEATQUOTE_ADMIN_TOKEN`. This process
//! only: other replicas keep their own today.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use seatquote_core::date::Date;
use serde::{Deserialize, Serialize};

use super::events::authorize;
use super::extract::JsonBody;
use crate::problem::Problem;
use crate::state::AppState;

/// The route's path.
pub const PATH: &str = "/api/_test/clock";

/// The body: the new today.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoveClock {
    /// `YYYY-MM-DD`, not before the current today.
    pub today: String,
}

/// The answer: today, moved.
#[derive(Debug, Serialize)]
pub struct Moved {
    /// `YYYY-MM-DD`.
    pub today: String,
}

/// Moves the pinned today to the body's date.
///
/// # Errors
/// `admin_unauthorized`; `invalid_body` (not a date, or before today: the clock only
/// moves forward, as the sandbox's).
pub async fn move_clock(
    State(app): State<AppState>,
    headers: HeaderMap,
    JsonBody(m): JsonBody<MoveClock>,
) -> Result<Json<Moved>, Problem> {
    authorize(&app, &headers)?;
    let to = Date::parse(&m.today).map_err(|_| {
        Problem::invalid_body(format!("today is not a YYYY-MM-DD date: {}", m.today))
    })?;
    let mut moved = app.moved_today.lock();
    let now = moved.or(app.fixed_today).unwrap_or(to);
    if to < now {
        return Err(Problem::invalid_body(format!(
            "the clock only moves forward: today is {}, not {}",
            now.to_iso_string(),
            m.today
        )));
    }
    *moved = Some(to);
    tracing::warn!(today = %m.today, "the pinned clock was moved (a test or demo build)");
    Ok(Json(Moved {
        today: to.to_iso_string(),
    }))
}

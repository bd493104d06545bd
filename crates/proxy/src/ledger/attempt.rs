//! A commit's earlier attempts under its `Idempotency-Key` (DESIGN.md, "The commit state
//! machine"): a finished one is replayed byte for byte, an unfinished one resolved (never
//! sent again while its outcome is unknown), possibly one made meanwhile on another replica.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

use super::{needs_attention_problem, resolve, Resolution};
use crate::domain::intent::{Intent, IntentState};
use crate::problem::Problem;
use crate::state::App;
use crate::store::{run_blocking, Record};

/// A stored answer (the 200 body, or a disputed commit's problem), replayed byte for byte.
pub fn replay(status: u16, body: String) -> Response {
    let mut r = (StatusCode::from_u16(status).unwrap_or(StatusCode::OK), body).into_response();
    let kind = if status >= 400 {
        "application/problem+json"
    } else {
        "application/json"
    };
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    r
}

/// 409 `idempotency_key_in_progress`.
pub fn key_in_progress() -> Problem {
    Problem::new(
        StatusCode::CONFLICT,
        "idempotency_key_in_progress",
        "a request with this Idempotency-Key is in progress; retry",
    )
}

/// The key's record: `None`; a finished one as its replayed answer; an unfinished intent.
///
/// # Errors
/// `idempotency_key_reused`, storage.
async fn stored(
    app: &App,
    key: &str,
    fingerprint: &str,
) -> Result<Option<Result<Intent, Response>>, Problem> {
    let reused = || {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "this Idempotency-Key was used for a different request",
        )
    };
    let store = app.store.clone();
    let k = key.to_owned();
    match run_blocking(move || store.get(&k)).await? {
        None => Ok(None),
        Some(Record::Done {
            fingerprint: f,
            status,
            body,
        }) => {
            if f != fingerprint {
                return Err(reused());
            }
            app.metrics.commit("replayed");
            Ok(Some(Err(replay(status, body))))
        }
        Some(Record::Pending(intent)) if intent.fingerprint != fingerprint => Err(reused()),
        Some(Record::Pending(intent)) => Ok(Some(Ok(intent))),
    }
}

/// Step 2: the key's record. A finished request is replayed; an unfinished one is
/// resolved (never sent again while its outcome is unknown), after waiting for the
/// first call's deadline if it is near: found applied → its answer; never sent →
/// `None`, a new attempt; sent and certainly not applied (the item as before after the
/// quarantine) → `commit_not_applied`, nothing sent again; still not resolvable
/// (Cleverbridge unreadable, the quarantine running, another worker holds the lease) →
/// `commit_outcome_unknown`; parked after too many reads that could not resolve it →
/// `commit_needs_attention` (no read).
///
/// # Errors
/// `idempotency_key_reused`, `commit_outcome_unknown`, `commit_not_applied`,
/// `commit_needs_attention`, storage.
pub async fn previous_attempt(
    app: &App,
    key: &str,
    fingerprint: &str,
) -> Result<Option<Response>, Problem> {
    let intent = match stored(app, key, fingerprint).await? {
        None => return Ok(None),
        Some(Err(answer)) => return Ok(Some(answer)),
        Some(Ok(intent)) => intent,
    };
    // A scheduled change being applied by the scheduler: the key's answer stays the one it
    // was given (the change is scheduled); the scheduler and the reconciler resolve it.
    if intent.effective_on.is_some() {
        app.metrics.commit("replayed");
        return Ok(Some(replay(200, intent.response)));
    }
    // Not resolvable before the first call's deadline: wait for it (holding the key, at
    // most 2 × timeout + 1 s), so that the usual "check again" gets a definite answer —
    // the first call's own (it may run on another replica), or the one read here. The
    // deadline is on the store's clock, and so is the wait.
    let store = app.store.clone();
    let wait = if intent.state == IntentState::Recorded {
        0
    } else {
        intent.resolve_after - run_blocking(move || store.clock_ms()).await?
    };
    let intent = if intent.state != IntentState::Recorded && wait > 0 {
        let cap = app.upstream.timeout() * 2 + std::time::Duration::from_millis(1_100);
        let wait = std::time::Duration::from_millis(u64::try_from(wait).unwrap_or(0));
        tokio::time::sleep(wait.min(cap)).await;
        match stored(app, key, fingerprint).await? {
            None => return Ok(None),
            Some(Err(answer)) => return Ok(Some(answer)),
            Some(Ok(intent)) => intent,
        }
    } else {
        intent
    };
    match resolve(app, &intent, &app.instance).await? {
        Resolution::Applied(body) => {
            app.metrics.commit("reconciled");
            Ok(Some(replay(200, body)))
        }
        Resolution::Disputed(body) => Ok(Some(replay(409, body))),
        // Never sent: a new attempt.
        Resolution::NotApplied => Ok(None),
        // Sent and found not applied: stored for the key; nothing is sent again under it
        // (the customer confirms a fresh preview).
        Resolution::NothingCharged(body) => {
            app.metrics.commit("not_applied");
            Ok(Some(replay(409, body)))
        }
        Resolution::InProgress => Err(key_in_progress()),
        // Parked: no more reads on the customer's behalf; an operator retries it.
        Resolution::NeedsAttention => {
            app.metrics.commit("needs_attention");
            Err(needs_attention_problem())
        }
        Resolution::Unresolved(wait) => {
            // Finished meanwhile by another worker (or attempt): its answer.
            if let Some(Err(answer)) = stored(app, key, fingerprint).await? {
                return Ok(Some(answer));
            }
            app.metrics.commit("outcome_unknown");
            let mut p = Problem::new(
                StatusCode::CONFLICT,
                "commit_outcome_unknown",
                "this commit's outcome is not known yet; it is being checked with Cleverbridge: retry with the same Idempotency-Key later",
            );
            p.retry_after = Some(wait);
            Err(p)
        }
    }
}

/// A new attempt was refused (quote spent or pending, key or item taken): another
/// replica may have recorded this very key since [`previous_attempt`] looked, and then
/// its record answers; otherwise the refusal stands.
///
/// # Errors
/// `p`, or the record's problems.
pub async fn recheck(
    app: &App,
    key: &str,
    fingerprint: &str,
    p: Problem,
) -> Result<Response, Problem> {
    match previous_attempt(app, key, fingerprint).await? {
        Some(answer) => Ok(answer),
        None => Err(p),
    }
}

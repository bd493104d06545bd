//! `POST …/items/{runningNumber}/commit`: commits the change a quote token binds, once
//! per `Idempotency-Key`, with the intent recorded before the upstream call and
//! reconciled with Cleverbridge after a crash (DESIGN.md, "The commit state machine").
//!
//! The steps, in order: [`verify_quote`] → (key lock) → [`previous_attempt`] →
//! [`reprice`] → [`record_intent`] → [`send_commit`].

use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use seatquote_auth::QuoteTokenError;
use seatquote_core::alignment::Alignment;
use seatquote_core::contract::{Commit, CommitRequest};

use crate::auth::{now_unix, Customer};
use crate::context::{context, load_subscription, ItemContext};
use crate::extract::{IdempotencyKey, Item, JsonBody};
use crate::preview::{preview_change, quote_hash, update_request, Previewed};
use crate::problem::Problem;
use crate::state::{App, AppState};
use crate::store::{Begin, Intent, Record, TokenUse};
use crate::token::{sha256_hex, QuoteClaims, QUOTE_KIND};

/// Runs a store call off the async threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, String> + Send + 'static,
) -> Result<T, Problem> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(Problem::internal)?
        .map_err(Problem::internal)
}

fn invalid_token(detail: &str) -> Problem {
    Problem::new(StatusCode::BAD_REQUEST, "invalid_quote_token", detail)
}

/// A stored 200 body (or any stored answer), replayed byte for byte.
fn replay(status: u16, body: String) -> Response {
    let mut r = (StatusCode::from_u16(status).unwrap_or(StatusCode::OK), body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// Step 1: consent given, and the quote token valid, unexpired and for this customer,
/// subscription and item.
///
/// # Errors
/// `consent_required`, `quote_expired`, `invalid_quote_token`.
pub fn verify_quote(
    app: &App,
    customer: &Customer,
    running_no: u64,
    body: &CommitRequest,
) -> Result<QuoteClaims, Problem> {
    if body.consent != Some(true) {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "consent_required",
            "the customer's consent (\"consent\": true) is required",
        ));
    }
    let qc: QuoteClaims = app
        .quote_keys
        .verify(QUOTE_KIND, &body.quote_token, now_unix())
        .map_err(|e| match e {
            QuoteTokenError::Expired => Problem::new(
                StatusCode::CONFLICT,
                "quote_expired",
                "the quote has expired; preview again",
            ),
            QuoteTokenError::Invalid => invalid_token("the quote token is not valid"),
        })?;
    if qc.sub != customer.subscription || qc.item != running_no || qc.cus != customer.id {
        return Err(invalid_token(
            "the quote token is for another subscription, item or customer",
        ));
    }
    Ok(qc)
}

/// What an earlier request with the same key left.
pub enum Previous {
    /// Nothing: a first attempt.
    None,
    /// An intent whose outcome is unknown and not applied at Cleverbridge: send it again.
    Pending(Intent),
    /// Finished (or found applied): this answer.
    Answer(Response),
}

/// Step 2: the key's record. A finished request is replayed; an unfinished one is
/// reconciled with Cleverbridge (it may have been applied before the process died); a
/// new key must not reuse a quote already committed or in flight under another key.
///
/// # Errors
/// `idempotency_key_reused`, `invalid_quote_token` (spent), `quote_commit_pending`,
/// storage and upstream problems.
pub async fn previous_attempt(
    app: &App,
    customer: &Customer,
    key: &str,
    fingerprint: &str,
    qc: &QuoteClaims,
) -> Result<Previous, Problem> {
    let reused = || {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "this Idempotency-Key was used for a different request",
        )
    };
    let store = app.store.clone();
    let k = key.to_owned();
    match blocking(move || store.get(&k)).await? {
        Some(Record::Done {
            fingerprint: f,
            status,
            body,
        }) => {
            if f != fingerprint {
                return Err(reused());
            }
            app.metrics.commit("replayed");
            Ok(Previous::Answer(replay(status, body)))
        }
        Some(Record::Pending(intent)) => {
            if intent.fingerprint != fingerprint {
                return Err(reused());
            }
            let sub = load_subscription(app, customer, true).await?;
            let applied = sub
                .item(intent.running_no)
                .is_some_and(|i| i.quantity.0 == u64::from(intent.quantity));
            if !applied {
                return Ok(Previous::Pending(intent));
            }
            let store = app.store.clone();
            let (k, body) = (key.to_owned(), intent.response.clone());
            blocking(move || store.complete(&k, 200, &body)).await?;
            app.metrics.commit("reconciled");
            tracing::info!(subscription = %customer.subscription, "reconciled an unfinished commit with Cleverbridge");
            Ok(Previous::Answer(replay(200, intent.response)))
        }
        None => {
            let store = app.store.clone();
            let jti = qc.jti.clone();
            match blocking(move || store.token_use(&jti)).await? {
                Some(TokenUse::Done) => Err(invalid_token(
                    "this quote was already committed; preview again",
                )),
                // Another key's commit of this quote has an unknown outcome (e.g. an
                // upstream timeout): saying "committed" could be false, and committing
                // again could change the subscription twice.
                Some(TokenUse::Pending) => Err(Problem::new(
                    StatusCode::CONFLICT,
                    "quote_commit_pending",
                    "a commit of this quote under another Idempotency-Key has not finished; retry with that key",
                )),
                None => Ok(Previous::None),
            }
        }
    }
}

/// Step 3: previews the change again, fresh from Cleverbridge, and refuses if any amount
/// moved since the quote (dropping a pending intent, which then never reached upstream).
///
/// # Errors
/// `quote_changed` with the new quote; preview problems.
pub async fn reprice(
    app: &App,
    customer: &Customer,
    running_no: u64,
    qc: &QuoteClaims,
    pending: Option<&Intent>,
) -> Result<(ItemContext, Previewed), Problem> {
    let sub = load_subscription(app, customer, true).await?;
    let ctx = context(app, &sub, running_no)?;
    let fresh = preview_change(app, customer, &ctx, i64::from(qc.qty), &qc.mode, true).await?;
    if quote_hash(&fresh.quote) != qc.qh {
        if let Some(i) = pending {
            let store = app.store.clone();
            let k = i.key.clone();
            let _ = blocking(move || store.abandon(&k)).await;
        }
        app.metrics.commit("quote_changed");
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "quote_changed",
            "the price changed since the preview; here is the new quote",
        )
        .with_quote(fresh.body()));
    }
    Ok((ctx, fresh))
}

/// Step 4: records the intent and its future answer durably, before anything is sent.
///
/// # Errors
/// `invalid_quote_token` (spent meanwhile), `idempotency_key_in_progress`, storage.
pub async fn record_intent(
    app: &App,
    key: &str,
    fingerprint: &str,
    qc: &QuoteClaims,
    ctx: &ItemContext,
    fresh: &Previewed,
) -> Result<String, Problem> {
    let body = Commit {
        status: "committed".into(),
        subscription_id: ctx.sub.id.clone(),
        running_number: ctx.item.running_no.0,
        quantity: qc.qty,
        mode: qc.mode.clone(),
        quote: fresh.quote.clone(),
        committed_at: chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
    };
    let body = serde_json::to_string(&body).map_err(Problem::internal)?;
    let intent = Intent {
        key: key.to_owned(),
        fingerprint: fingerprint.to_owned(),
        jti: qc.jti.clone(),
        subscription: ctx.sub.id.clone(),
        running_no: ctx.item.running_no.0,
        from_quantity: ctx.current_quantity(),
        quantity: qc.qty,
        response: body.clone(),
    };
    let store = app.store.clone();
    match blocking(move || store.begin(&intent)).await? {
        Begin::Started => Ok(body),
        Begin::TokenUsed => Err(invalid_token(
            "this quote was already committed; preview again",
        )),
        Begin::KeyExists => Err(Problem::new(
            StatusCode::CONFLICT,
            "idempotency_key_in_progress",
            "a request with this Idempotency-Key is in progress; retry",
        )),
    }
}

/// Step 5: sends the commit once (never retried), then records the outcome: done with
/// its answer, or forgotten when Cleverbridge certainly did not apply it.
///
/// # Errors
/// Upstream and storage problems.
pub async fn send_commit(
    app: &App,
    key: &str,
    ctx: &ItemContext,
    qc: &QuoteClaims,
    fresh: &Previewed,
    response: String,
) -> Result<Response, Problem> {
    let mode = Alignment::parse(&qc.mode)?;
    let req = update_request(ctx, qc.qty, mode, false, fresh.quote.update_action);
    match app.upstream.commit(&req).await {
        Ok(_) => {
            #[cfg(feature = "failpoints")]
            if app.failpoint.as_deref() == Some("after_upstream_commit") {
                println!("failpoint after_upstream_commit reached");
                tracing::warn!("failpoint after_upstream_commit: pausing before the local write");
                std::future::pending::<()>().await;
            }
            let store = app.store.clone();
            let (k, b) = (key.to_owned(), response.clone());
            blocking(move || store.complete(&k, 200, &b)).await?;
            app.metrics.commit("committed");
            Ok(replay(200, response))
        }
        Err(e) => {
            if e.certainly_not_applied() {
                let store = app.store.clone();
                let k = key.to_owned();
                let _ = blocking(move || store.abandon(&k)).await;
            }
            app.metrics.commit("failed");
            Err(e.into())
        }
    }
}

/// `POST /api/subscriptions/{id}/items/{runningNumber}/commit`.
///
/// # Errors
/// Every step's problems.
pub async fn commit(
    State(app): State<AppState>,
    customer: Customer,
    Item(running_no): Item,
    IdempotencyKey(idem): IdempotencyKey,
    JsonBody(body): JsonBody<CommitRequest>,
) -> Result<Response, Problem> {
    let qc = verify_quote(&app, &customer, running_no, &body)?;
    let key = format!("{}\u{1f}{}", customer.id, idem);
    let fingerprint = sha256_hex(
        format!(
            "{}\u{1f}{running_no}\u{1f}{}",
            customer.subscription, body.quote_token
        )
        .as_bytes(),
    );
    let lock = app.key_lock(&key);
    let _guard = lock.lock().await;
    let pending = match previous_attempt(&app, &customer, &key, &fingerprint, &qc).await? {
        Previous::Answer(r) => return Ok(r),
        Previous::Pending(intent) => Some(intent),
        Previous::None => None,
    };
    let (ctx, fresh) = reprice(&app, &customer, running_no, &qc, pending.as_ref()).await?;
    let response = match pending {
        Some(i) => i.response,
        None => record_intent(&app, &key, &fingerprint, &qc, &ctx, &fresh).await?,
    };
    send_commit(&app, &key, &ctx, &qc, &fresh, response).await
}

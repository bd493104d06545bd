//! `POST …/items/{runningNumber}/commit`: commits the change a quote token binds, once
//! per `Idempotency-Key`, through the commit ledger (DESIGN.md, "The commit state
//! machine"; transitions and their resolution in [`crate::ledger`]).
//!
//! The steps, in order: consent → the quote token's signature ([`signed_by_us`], before
//! any database work) → (key lock) → [`previous_attempt`] (the key's record,
//! [`crate::ledger::attempt`]) → [`verify_quote`] →
//! [`record_intent`] (claims the item) → [`reprice`] → [`plan`] (in [`super::plan`]) →
//! [`send_commit`] (in [`super::send`]).

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use seatquote_auth::QuoteTokenError;
use seatquote_core::contract::CommitRequest;

use super::auth::{now_unix, Customer};
use super::catalogue::{add_on, resolve};
use super::context::{load_subscription, ItemContext};
use super::extract::{IdempotencyKey, Item, JsonBody};
use super::plan::plan;
use super::preview::{preview_change, quote_hash, reuse_quoted, Previewed};
use super::send::{ledger_unavailable, send_commit, unclaim};
use crate::domain::catalogue::Kind;
use crate::domain::intent::{ChangeOf, Intent, IntentState};
use crate::domain::quote_token::{sha256_hex, QuoteClaims, QUOTE_KIND};
use crate::ledger::attempt::{key_in_progress, previous_attempt, recheck, replay};
use crate::ledger::{not_applied, transition, To};
use crate::problem::Problem;
use crate::state::{App, AppState};
use crate::store::{new_attempt, run_blocking, Begin, TokenUse};

/// The running number an add-on's quote and commit name: none yet (0).
pub const ADD: u64 = 0;

pub(crate) fn invalid_token(detail: &str) -> Problem {
    Problem::new(StatusCode::BAD_REQUEST, "invalid_quote_token", detail)
}

/// Step 1 (before the key lock): the customer's consent.
///
/// # Errors
/// `consent_required`.
pub fn require_consent(body: &CommitRequest) -> Result<(), Problem> {
    if body.consent == Some(true) {
        return Ok(());
    }
    Err(Problem::new(
        StatusCode::BAD_REQUEST,
        "consent_required",
        "the customer's consent (\"consent\": true) is required",
    ))
}

/// Step 1b (before the key lock and any database work): the quote token carries this
/// proxy's signature. Its expiry is not judged here (a replay answers whatever the
/// token's age; [`verify_quote`] judges a new attempt), so a forged or garbled token
/// costs no database read, no ledger row and no upstream call.
///
/// # Errors
/// `invalid_quote_token`.
pub fn signed_by_us(app: &App, body: &CommitRequest) -> Result<(), Problem> {
    match app
        .quote_keys
        .verify::<QuoteClaims>(QUOTE_KIND, &body.quote_token, now_unix())
    {
        Err(QuoteTokenError::Invalid) => Err(invalid_token("the quote token is not valid")),
        Ok(_) | Err(QuoteTokenError::Expired) => Ok(()),
    }
}

/// Step 3: the quote token valid, unexpired and for this customer, subscription and
/// item, and not spent or in flight under another key. Checked only for a new attempt:
/// a replay answers whatever the token's age.
///
/// # Errors
/// `quote_expired`, `invalid_quote_token`, `quote_commit_pending`.
pub async fn verify_quote(
    app: &App,
    customer: &Customer,
    running_no: u64,
    body: &CommitRequest,
) -> Result<QuoteClaims, Problem> {
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
    // An add-on's quote commits at `…/items/commit` only, an item's at its own route.
    if (qc.kind() == Kind::Add) != (running_no == ADD) {
        return Err(invalid_token(
            "the quote token is for another kind of change; commit it where it was previewed",
        ));
    }
    let store = app.store.clone();
    let jti = qc.jti.clone();
    match run_blocking(move || store.token_use(&jti)).await? {
        Some(TokenUse::Done) => Err(invalid_token(
            "this quote was already committed; preview again",
        )),
        // Another key's commit of this quote has an unknown outcome: saying "committed"
        // could be false, and committing again could change the subscription twice.
        Some(TokenUse::NotApplied) => Err(not_applied()),
        Some(TokenUse::Refused) => Err(invalid_token(
            "this quote was refused because the price changed; preview again",
        )),
        Some(TokenUse::Pending) => Err(Problem::new(
            StatusCode::CONFLICT,
            "quote_commit_pending",
            "a commit of this quote under another Idempotency-Key has not finished; retry with that key",
        )),
        None => Ok(qc),
    }
}

/// Step 4: records the intent durably (state `recorded`), before anything is sent;
/// this claims the item: one unfinished change per subscription item.
///
/// # Errors
/// `invalid_quote_token` (spent meanwhile), `idempotency_key_in_progress`,
/// `item_change_in_progress`, storage.
pub async fn record_intent(
    app: &App,
    key: &str,
    fingerprint: &str,
    qc: &QuoteClaims,
) -> Result<Intent, Problem> {
    let intent = Intent {
        key: key.to_owned(),
        attempt: new_attempt(),
        fingerprint: fingerprint.to_owned(),
        jti: qc.jti.clone(),
        subscription: qc.sub.clone(),
        running_no: qc.item,
        from_quantity: 0,
        quantity: qc.qty,
        response: String::new(),
        state: IntentState::Recorded,
        resolve_after: 0,
        before: None,
        intended: None,
        effective_on: None,
        change: Box::new(ChangeOf {
            kind: qc.kind(),
            product_before: qc.pb.clone(),
            product_after: qc.pa.clone(),
        }),
    };
    let store = app.store.clone();
    let i = intent.clone();
    let owner = app.instance.clone();
    match run_blocking(move || store.begin(&i, &owner)).await? {
        Begin::Started => {
            transition(app, &intent, To::Recorded, "new commit");
            Ok(intent)
        }
        Begin::TokenUsed => Err(invalid_token(
            "this quote was already committed; preview again",
        )),
        Begin::KeyExists => Err(key_in_progress()),
        Begin::ItemBusy => {
            app.metrics.commit("item_busy");
            Err(Problem::new(
                StatusCode::CONFLICT,
                "item_change_in_progress",
                "another change of this item has not finished; preview again once it has",
            ))
        }
    }
}

/// Step 5: the guard read, fresh from Cleverbridge, while this commit holds the item;
/// then, unless Cleverbridge's read is exactly the one quoted, on the quote's date, soon
/// after the preview ([`reuse_quoted`]: Cleverbridge's preview could not differ), the
/// change previewed again; refuses if any amount moved since the quote.
///
/// # Errors
/// `quote_changed` with the new quote; preview problems.
pub async fn reprice(
    app: &App,
    customer: &Customer,
    running_no: u64,
    qc: &QuoteClaims,
) -> Result<(ItemContext, Previewed), Problem> {
    let read = load_subscription(app, customer, true).await?;
    let ctx = match qc.kind() {
        Kind::Add => add_on(app, &read, qc.pa.as_deref().unwrap_or_default())?,
        kind => {
            let to = (kind == Kind::Plan).then_some(qc.pa.as_deref()).flatten();
            resolve(app, &read, running_no, to, i64::from(qc.qty), &qc.mode)?
        }
    };
    // The quote binds its kind and products: the item as read now must still make the
    // same change (a plan already applied elsewhere reads as a change of seats).
    let pa = ctx.after.as_ref().map(|p| p.product_id.as_str());
    let pb = ctx.before.as_ref().map(|p| p.product_id.as_str());
    let bound = qc.kind.is_none() || (pa == qc.pa.as_deref() && pb == qc.pb.as_deref());
    if ctx.kind != qc.kind() || !bound {
        app.metrics.commit("quote_changed");
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "quote_changed",
            "the item changed since the preview; preview again",
        ));
    }
    if let Some(same) = reuse_quoted(&ctx, qc, app.preview_reuse_ms)? {
        app.metrics.coalesced("commit_preview");
        return Ok((ctx, same));
    }
    let fresh = preview_change(app, customer, &ctx, i64::from(qc.qty), &qc.mode, true).await?;
    if quote_hash(&fresh.quote) != qc.qh {
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

/// Spends the quote of an intent refused as changed before it was sent: the refusal is
/// the key's answer (replayed), and the quote cannot be committed again — so replaying a
/// stale quote costs Cleverbridge no more reads (DESIGN.md, "The commit state machine").
async fn spend(app: &App, intent: &Intent, p: Problem) -> Result<Response, Problem> {
    let body = serde_json::to_string(&p.body()).map_err(Problem::internal)?;
    let store = app.store.clone();
    let (i, b) = (intent.clone(), body.clone());
    // Not this attempt's row any more: nothing was sent either way; the refusal stands.
    if run_blocking(move || store.refuse(&i.key, &i.attempt, &b)).await? {
        transition(app, intent, To::NotApplied, p.code);
    }
    Ok(replay(409, body))
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
    commit_change(app, customer, running_no, idem, body).await
}

/// `POST /api/subscriptions/{id}/items/commit`: an add-on's quote, through the same
/// steps; the answer names the new item's running number.
///
/// # Errors
/// Every step's problems.
pub async fn commit_add(
    State(app): State<AppState>,
    customer: Customer,
    IdempotencyKey(idem): IdempotencyKey,
    JsonBody(body): JsonBody<CommitRequest>,
) -> Result<Response, Problem> {
    commit_change(app, customer, ADD, idem, body).await
}

async fn commit_change(
    app: AppState,
    customer: Customer,
    running_no: u64,
    idem: String,
    body: CommitRequest,
) -> Result<Response, Problem> {
    require_consent(&body)?;
    signed_by_us(&app, &body)?;
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
    if let Some(answer) = previous_attempt(&app, &key, &fingerprint).await? {
        return Ok(answer);
    }
    if !app.ledger_live() {
        return Err(ledger_unavailable());
    }
    let qc = match verify_quote(&app, &customer, running_no, &body).await {
        Ok(qc) => qc,
        Err(p) => return recheck(&app, &key, &fingerprint, p).await,
    };
    let mut intent = match record_intent(&app, &key, &fingerprint, &qc).await {
        Ok(i) => i,
        Err(p) => return recheck(&app, &key, &fingerprint, p).await,
    };
    let (ctx, fresh) = match reprice(&app, &customer, running_no, &qc).await {
        Ok(x) => x,
        Err(p) if p.code == "quote_changed" => return spend(&app, &intent, p).await,
        Err(p) => {
            unclaim(&app, &intent, p.code).await?;
            return Err(p);
        }
    };
    if super::schedule::is_scheduled(&qc, &ctx) {
        return super::schedule::schedule(&app, &mut intent, &qc, &ctx, &fresh).await;
    }
    plan(&app, &mut intent, &qc, &ctx, &fresh).await?;
    send_commit(&app, &intent, &ctx, &qc, &fresh).await
}

//! The merchant proxy API (SPEC §7): summary, preview and commit, customer auth, the
//! idempotent commit with crash reconciliation, and the sandbox-only demo login.

use std::collections::HashMap;
use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use parking_lot::Mutex;
use rust_decimal::Decimal;
use seatquote_core::alignment::Alignment;
use seatquote_core::currency::Currency;
use seatquote_core::date::{Date, Interval};
use seatquote_core::money::{format_amount, round};
use seatquote_core::quote::{
    quote, AlignmentInput, IntervalInput, PriceInput, Quote, QuoteInput, Scalar,
};
use seatquote_core::tax::{TaxMode, TaxRate};
use seatquote_core::wire::{
    normalize_subscription_id, AlignmentSettings, CustomerPrice, Subscription, SubscriptionItem,
    UpdateSubscriptionItemRequest, UpdateSubscriptionItemResponse, WireDecimal, WireUint,
    WireUpdateAction,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::metrics::Metrics;
use crate::policy::{Policy, Rules};
use crate::problem::Problem;
use crate::sandbox::Fixture;
use crate::store::{Begin, IdempotencyStore, Intent, Record, TokenUse};
use crate::token::{sha256_hex, CustomerClaims, QuoteClaims, Signer, TokenError};
use crate::upstream::{Upstream, UpstreamError};

/// Largest request body accepted by the API.
pub const BODY_LIMIT: usize = 16 * 1024;

/// Everything the handlers share.
pub struct App {
    /// The Cleverbridge client.
    pub upstream: Upstream,
    /// Pricing policy.
    pub policy: Policy,
    /// Token signer.
    pub signer: Signer,
    /// Idempotency store.
    pub store: Arc<dyn IdempotencyStore>,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    /// `Some(fixture)` in sandbox mode (enables `/demo/login`).
    pub demo: Option<Arc<Fixture>>,
    /// Pinned today (`SEATQUOTE_SANDBOX_TODAY`).
    pub fixed_today: Option<Date>,
    /// Quote token lifetime, seconds.
    pub quote_ttl: i64,
    /// `SEATQUOTE_FAILPOINT`.
    pub failpoint: Option<String>,
    /// Per-key locks: one commit attempt per idempotency key at a time.
    pub key_locks: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

/// Shared state type.
pub type AppState = Arc<App>;

impl App {
    fn today(&self) -> Date {
        self.fixed_today.unwrap_or_else(crate::sandbox::utc_today)
    }

    /// `"sandbox"` or `"live"`.
    pub fn environment(&self) -> &'static str {
        if self.demo.is_some() {
            "sandbox"
        } else {
            "live"
        }
    }
}

fn now_unix() -> i64 {
    chrono::Utc::now().timestamp()
}

fn rfc3339(unix: i64) -> String {
    chrono::DateTime::from_timestamp(unix, 0)
        .map(|d| d.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

/// Maps an upstream failure to the client's problem.
pub fn upstream_problem(e: &UpstreamError) -> Problem {
    match e {
        UpstreamError::Timeout => Problem::new(
            StatusCode::GATEWAY_TIMEOUT,
            "upstream_timeout",
            "Cleverbridge did not answer in time",
        ),
        UpstreamError::Unavailable { retry_after } => {
            let mut p = Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "upstream_unavailable",
                "Cleverbridge is unavailable or rate limiting; try again later",
            );
            p.retry_after = Some(*retry_after);
            p
        }
        UpstreamError::Status { status: 404, .. } => {
            Problem::not_found("no such subscription or item at Cleverbridge")
        }
        UpstreamError::Status {
            status: 400 | 402,
            message,
        } => {
            let m = message.to_ascii_lowercase();
            if m.contains("currency differs") {
                Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "currency_mismatch",
                    message.clone(),
                )
            } else if m.contains("negative") {
                Problem::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "negative_alignment",
                    message.clone(),
                )
            } else if m.contains("not active") {
                Problem::new(
                    StatusCode::CONFLICT,
                    "subscription_not_active",
                    message.clone(),
                )
            } else {
                Problem::upstream_error(format!("Cleverbridge refused the request: {message}"))
            }
        }
        UpstreamError::Status { status, .. } => {
            Problem::upstream_error(format!("Cleverbridge answered HTTP {status}"))
        }
        UpstreamError::Malformed(_) => {
            Problem::upstream_error("Cleverbridge sent a response this proxy cannot read")
        }
    }
}

/// Checks the bearer token and that it names `subscription`. Nothing is sent upstream
/// before this passes.
fn authorize(
    app: &App,
    headers: &HeaderMap,
    subscription: &str,
) -> Result<CustomerClaims, Problem> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| Problem::unauthorized("an Authorization: Bearer token is required"))?;
    let claims: CustomerClaims = app
        .signer
        .verify("cust", token.trim(), now_unix())
        .map_err(|e| match e {
            TokenError::Expired => Problem::unauthorized("the token has expired"),
            TokenError::Invalid => Problem::unauthorized("the token is not valid"),
        })?;
    if !claims
        .subs
        .iter()
        .any(|s| normalize_subscription_id(s) == subscription)
    {
        return Err(Problem::forbidden());
    }
    Ok(claims)
}

/// One item as the summary shows it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SummaryItem {
    running_number: u64,
    product_id: String,
    product_name: String,
    quantity: u64,
    unit_price: String,
    current_unit_price: String,
    min_quantity: u32,
    max_quantity: u32,
    increase_modes: Vec<&'static str>,
    decrease_modes: Vec<&'static str>,
}

/// What a subscription and an item resolve to for pricing.
struct ItemContext {
    sub: Subscription,
    item: SubscriptionItem,
    rules: Rules,
    currency: Currency,
    tax_mode: TaxMode,
    tax_rate: String,
    interval: Interval,
    next_billing: Date,
    period_start: Date,
    today: Date,
    current_unit: Decimal,
    new_unit: Decimal,
}

fn unit_of(item: &SubscriptionItem, mode: TaxMode) -> Option<Decimal> {
    let total = match mode {
        TaxMode::Gross => item.next_billing_customer_gross_price,
        TaxMode::Net => item.next_billing_customer_net_price,
    }?
    .0;
    let qty = Decimal::from(item.quantity.0.max(1));
    Some(round(total / qty, 6).normalize())
}

fn estimate_rate(item: &SubscriptionItem, rules: &Rules) -> String {
    let derived = match (
        item.next_billing_customer_net_price,
        item.next_billing_customer_vat_price,
    ) {
        (Some(n), Some(v)) if !n.0.is_zero() => {
            let r = round(v.0 / n.0, 4).normalize();
            TaxRate::parse(&r.to_string()).ok().map(|_| r.to_string())
        }
        _ => None,
    };
    derived
        .or_else(|| rules.tax_rate.clone())
        .unwrap_or_else(|| "0".into())
}

fn price_text(p: Decimal, minor: u32) -> String {
    let digits = minor.max(p.normalize().scale());
    format_amount(round(p, digits), digits).to_string()
}

fn context(app: &App, sub: &Subscription, running_no: u64) -> Result<ItemContext, Problem> {
    let today = app.today();
    let item = sub
        .item(running_no)
        .filter(|i| i.is_active_on(today))
        .cloned()
        .ok_or_else(|| Problem::not_found("no such current item in this subscription"))?;
    let rules = app
        .policy
        .rules(&item.product_id)
        .map_err(Problem::internal)?;
    let bad = |what: &str| {
        Problem::upstream_error(format!("the subscription from Cleverbridge lacks {what}"))
    };
    let currency = sub
        .customer_currency_id
        .as_deref()
        .or(item.next_billing_currency_id.as_deref())
        .ok_or_else(|| bad("a currency"))
        .and_then(|c| Currency::from_code(c).map_err(|_| bad("a valid currency")))?;
    let interval = Interval::new(
        u32::try_from(sub.interval_month_count.0).unwrap_or(u32::MAX),
        u32::try_from(sub.interval_day_count.0).unwrap_or(u32::MAX),
    )
    .map_err(|_| bad("a valid interval"))?;
    let next_billing = sub
        .next_billing_date
        .ok_or_else(|| bad("a next billing date"))?
        .0;
    let period_start = next_billing
        .sub(interval)
        .ok_or_else(|| bad("a valid period"))?;
    let current_unit = unit_of(&item, rules.tax_mode).ok_or_else(|| bad("item prices"))?;
    let new_unit = rules.offer_unit_price.unwrap_or(current_unit);
    Ok(ItemContext {
        tax_rate: estimate_rate(&item, &rules),
        tax_mode: rules.tax_mode,
        sub: sub.clone(),
        item,
        rules,
        currency,
        interval,
        next_billing,
        period_start,
        today,
        current_unit,
        new_unit,
    })
}

async fn load_subscription(
    app: &App,
    claims: &CustomerClaims,
    id: &str,
    fresh: bool,
) -> Result<Subscription, Problem> {
    let r = app
        .upstream
        .get_subscription(id, fresh)
        .await
        .map_err(|e| upstream_problem(&e))?;
    let sub = r.subscription;
    if sub
        .customer_reference_id
        .as_deref()
        .is_some_and(|c| c != claims.cus)
    {
        return Err(Problem::forbidden());
    }
    Ok(sub)
}

/// `GET /api/subscriptions/{id}`.
pub async fn summary(
    State(app): State<AppState>,
    Path(id): Path<String>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    let id = normalize_subscription_id(&id);
    let claims = authorize(&app, &headers, &id)?;
    let sub = load_subscription(&app, &claims, &id, false).await?;
    let today = app.today();
    let mut items = Vec::new();
    let mut first: Option<ItemContext> = None;
    for it in sub.items.iter().filter(|i| i.is_active_on(today)) {
        let ctx = context(&app, &sub, it.running_no.0)?;
        let minor = ctx.currency.minor_units();
        let modes = |m: &[Alignment]| m.iter().map(|a| a.as_str()).collect::<Vec<_>>();
        items.push(SummaryItem {
            running_number: it.running_no.0,
            product_id: it.product_id.clone(),
            product_name: it.product_name.clone().unwrap_or_default(),
            quantity: it.quantity.0,
            unit_price: price_text(ctx.new_unit, minor),
            current_unit_price: price_text(ctx.current_unit, minor),
            min_quantity: ctx.rules.min_quantity,
            max_quantity: ctx.rules.max_quantity,
            increase_modes: modes(&ctx.rules.increase_modes),
            decrease_modes: modes(&ctx.rules.decrease_modes),
        });
        if first.is_none() {
            first = Some(ctx);
        }
    }
    let ctx = first.ok_or_else(|| Problem::not_found("this subscription has no current items"))?;
    Ok(Json(json!({
        "id": sub.id,
        "status": sub.subscription_status.api_name(),
        "currency": ctx.currency.code(),
        "taxMode": ctx.tax_mode.as_str(),
        "taxRate": ctx.tax_rate,
        "taxRateIsEstimate": true,
        "periodStart": ctx.period_start.to_iso_string(),
        "nextBillingDate": ctx.next_billing.to_iso_string(),
        "interval": { "months": ctx.interval.months, "days": ctx.interval.days },
        "today": today.to_iso_string(),
        "environment": app.environment(),
        "items": items,
    }))
    .into_response())
}

fn read_json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, Problem> {
    if body.len() > BODY_LIMIT {
        return Err(Problem::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload_too_large",
            "the body is too large",
        ));
    }
    serde_json::from_slice(body).map_err(|e| {
        let msg = e.to_string();
        if msg.starts_with("unknown field") {
            Problem::new(
                StatusCode::BAD_REQUEST,
                "unknown_field",
                format!("{msg} (prices and other fields are decided by the server)"),
            )
        } else {
            Problem::invalid_body(msg)
        }
    })
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PreviewBody {
    quantity: i64,
    alignment: String,
}

/// A verified preview: the §5 quote from upstream numbers and its token.
struct Previewed {
    quote: Quote,
    token: String,
    expires_at: i64,
    mode: Alignment,
}

impl Previewed {
    fn body(&self) -> Value {
        let mut v = serde_json::to_value(&self.quote).unwrap_or(Value::Null);
        if let Some(o) = v.as_object_mut() {
            o.insert("quoteToken".into(), json!(self.token));
            o.insert("expiresAt".into(), json!(rfc3339(self.expires_at)));
            o.insert("mode".into(), json!(self.mode.as_str()));
        }
        v
    }
}

fn update_request(
    ctx: &ItemContext,
    qty: u32,
    mode: Alignment,
    preview: bool,
    action: seatquote_core::alignment::UpdateAction,
) -> UpdateSubscriptionItemRequest {
    UpdateSubscriptionItemRequest {
        subscription_id: ctx.sub.id.clone(),
        running_number: WireUint(ctx.item.running_no.0),
        product_id: ctx.item.product_id.clone(),
        quantity: WireUint(u64::from(qty)),
        alignment_settings: AlignmentSettings::new(mode, preview),
        customer_price: ctx.rules.offer_unit_price.map(|p| CustomerPrice {
            currency: ctx.currency.code().to_owned(),
            is_gross: ctx.rules.offer_is_gross.unwrap_or(ctx.tax_mode.is_gross()),
            value: WireDecimal(p),
        }),
        update_action: Some(WireUpdateAction(action)),
        generate_mail: true,
    }
}

/// Validates a change against the policy and the engine, previews it upstream and
/// builds the quote from the upstream numbers.
async fn preview_change(
    app: &App,
    claims: &CustomerClaims,
    ctx: &ItemContext,
    qty: i64,
    mode: &str,
    fresh: bool,
) -> Result<Previewed, Problem> {
    if !ctx.sub.subscription_status.is_active() {
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "subscription_not_active",
            format!(
                "the subscription is {}; only active subscriptions can change",
                ctx.sub.subscription_status.name()
            ),
        ));
    }
    let r = &ctx.rules;
    if qty < i64::from(r.min_quantity) || qty > i64::from(r.max_quantity) {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "quantity_out_of_range",
            format!(
                "quantity must be from {} to {}",
                r.min_quantity, r.max_quantity
            ),
        ));
    }
    let qty = u32::try_from(qty).map_err(|_| Problem::invalid_body("quantity"))?;
    let mode = Alignment::parse(mode).map_err(Problem::from)?;
    let current_qty = u32::try_from(ctx.item.quantity.0).unwrap_or(u32::MAX);
    if !r.allows(current_qty, qty, mode) {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "mode_not_allowed",
            format!("{} is not offered for this change", mode.as_str()),
        ));
    }
    if r.offer_is_gross
        .is_some_and(|g| g != ctx.tax_mode.is_gross())
    {
        return Err(Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "tax_mode_mismatch",
            "the policy's offer IsGross contradicts the product's tax mode",
        ));
    }
    // The engine first: its errors (negative_alignment, outside_period, …) pass through
    // and nothing is sent upstream.
    let input = QuoteInput {
        currency: Scalar::from(ctx.currency.code()),
        tax_mode: Scalar::from(ctx.tax_mode.as_str()),
        tax_rate: Scalar::Str(ctx.tax_rate.clone()),
        period_start: Scalar::Str(ctx.period_start.to_iso_string()),
        next_billing_date: Scalar::Str(ctx.next_billing.to_iso_string()),
        interval: Some(IntervalInput {
            months: Scalar::from(ctx.interval.months),
            days: Scalar::from(ctx.interval.days),
        }),
        change_date: Scalar::Str(ctx.today.to_iso_string()),
        current: Some(PriceInput {
            unit_price: Scalar::Str(ctx.current_unit.to_string()),
            quantity: Scalar::from(current_qty),
            currency: None,
            is_gross: None,
        }),
        next: Some(PriceInput {
            unit_price: Scalar::Str(ctx.new_unit.to_string()),
            quantity: Scalar::from(qty),
            currency: None,
            is_gross: None,
        }),
        alignment: AlignmentInput::Mode(Scalar::from(mode.as_str())),
    };
    let local = quote(&input).map_err(Problem::from)?;
    let action = seatquote_core::alignment::UpdateAction::from_wire_name(&local.update_action)
        .unwrap_or(seatquote_core::alignment::UpdateAction::Update);
    let req = update_request(ctx, qty, mode, true, action);
    let up = app
        .upstream
        .preview(&req, fresh)
        .await
        .map_err(|e| upstream_problem(&e))?;
    let quote = quote_from_upstream(ctx, &local, &up)?;
    let qh = sha256_hex(serde_json::to_string(&quote).unwrap_or_default().as_bytes());
    let exp = now_unix() + app.quote_ttl;
    let claims = QuoteClaims {
        cus: claims.cus.clone(),
        sub: ctx.sub.id.clone(),
        item: ctx.item.running_no.0,
        qty,
        mode: mode.as_str().to_owned(),
        date: ctx.today.to_iso_string(),
        qh,
        jti: format!("{:032x}", rand::random::<u128>()),
        exp,
    };
    Ok(Previewed {
        token: app.signer.sign("quote", &claims),
        quote,
        expires_at: exp,
        mode,
    })
}

/// The §5 output with the amounts Cleverbridge returned (day counts and lines from the
/// summary and the engine).
fn quote_from_upstream(
    ctx: &ItemContext,
    local: &Quote,
    up: &UpdateSubscriptionItemResponse,
) -> Result<Quote, Problem> {
    let minor = ctx.currency.minor_units();
    if up
        .price_currency_id
        .as_deref()
        .is_some_and(|c| c != ctx.currency.code())
    {
        return Err(Problem::upstream_error(
            "Cleverbridge priced the preview in another currency",
        ));
    }
    let need = |v: Option<WireDecimal>, what: &str| {
        v.map(|d| format_amount(round(d.0, minor), minor))
            .ok_or_else(|| {
                Problem::upstream_error(format!("the Cleverbridge preview lacks {what}"))
            })
    };
    let mut q = local.clone();
    q.alignment.net = need(up.alignment_customer_net_price, "AlignmentCustomerNetPrice")?;
    q.alignment.vat = need(up.alignment_customer_vat_price, "AlignmentCustomerVatPrice")?;
    q.alignment.gross = need(
        up.alignment_customer_gross_price,
        "AlignmentCustomerGrossPrice",
    )?;
    q.next_billing.net = need(
        up.next_billing_customer_net_price,
        "NextBillingCustomerNetPrice",
    )?;
    q.next_billing.vat = need(
        up.next_billing_customer_vat_price,
        "NextBillingCustomerVatPrice",
    )?;
    q.next_billing.gross = need(
        up.next_billing_customer_gross_price,
        "NextBillingCustomerGrossPrice",
    )?;
    if let Some(d) = up.next_billing_date {
        q.next_billing.date = d.0.iso();
    }
    Ok(q)
}

/// `POST /api/subscriptions/{id}/items/{runningNumber}/preview`.
pub async fn preview(
    State(app): State<AppState>,
    Path((id, running_no)): Path<(String, u64)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Problem> {
    let id = normalize_subscription_id(&id);
    let claims = authorize(&app, &headers, &id)?;
    let b: PreviewBody = read_json(&body)?;
    let sub = load_subscription(&app, &claims, &id, false).await?;
    let ctx = context(&app, &sub, running_no)?;
    let p = preview_change(&app, &claims, &ctx, b.quantity, &b.alignment, false).await?;
    Ok(Json(p.body()).into_response())
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct CommitBody {
    quote_token: String,
    #[serde(default)]
    consent: Option<bool>,
}

fn key_lock(app: &App, key: &str) -> Arc<tokio::sync::Mutex<()>> {
    let mut m = app.key_locks.lock();
    if m.len() > 10_000 {
        m.retain(|_, l| Arc::strong_count(l) > 1);
    }
    m.entry(key.to_owned()).or_default().clone()
}

fn replay(status: u16, body: String) -> Response {
    let mut r = (StatusCode::from_u16(status).unwrap_or(StatusCode::OK), body).into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/json"),
    );
    r
}

/// `POST /api/subscriptions/{id}/items/{runningNumber}/commit`.
pub async fn commit(
    State(app): State<AppState>,
    Path((id, running_no)): Path<(String, u64)>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Response, Problem> {
    let id = normalize_subscription_id(&id);
    let claims = authorize(&app, &headers, &id)?;
    let idem = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 255)
        .ok_or_else(|| {
            Problem::new(
                StatusCode::BAD_REQUEST,
                "idempotency_key_required",
                "an Idempotency-Key header (1–255 characters) is required",
            )
        })?
        .to_owned();
    let b: CommitBody = read_json(&body)?;
    if b.consent != Some(true) {
        return Err(Problem::new(
            StatusCode::BAD_REQUEST,
            "consent_required",
            "the customer's consent (\"consent\": true) is required",
        ));
    }
    let invalid =
        |d: &str| Problem::new(StatusCode::BAD_REQUEST, "invalid_quote_token", d.to_owned());
    let qc: QuoteClaims = app
        .signer
        .verify("quote", &b.quote_token, now_unix())
        .map_err(|e| match e {
            TokenError::Expired => Problem::new(
                StatusCode::CONFLICT,
                "quote_expired",
                "the quote has expired; preview again",
            ),
            TokenError::Invalid => invalid("the quote token is not valid"),
        })?;
    if qc.sub != id || qc.item != running_no || qc.cus != claims.cus {
        return Err(invalid(
            "the quote token is for another subscription, item or customer",
        ));
    }
    let key = format!("{}\u{1f}{}", claims.cus, idem);
    let fingerprint =
        sha256_hex(format!("{id}\u{1f}{running_no}\u{1f}{}", b.quote_token).as_bytes());
    let lock = key_lock(&app, &key);
    let _guard = lock.lock().await;

    let store = app.store.clone();
    let k = key.clone();
    let record = tokio::task::spawn_blocking(move || store.get(&k))
        .await
        .map_err(Problem::internal)?
        .map_err(Problem::internal)?;
    let reused = || {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "idempotency_key_reused",
            "this Idempotency-Key was used for a different request",
        )
    };
    let pending = match record {
        Some(Record::Done {
            fingerprint: f,
            status,
            body,
        }) => {
            if f != fingerprint {
                return Err(reused());
            }
            app.metrics.commit("replayed");
            return Ok(replay(status, body));
        }
        Some(Record::Pending(intent)) => {
            if intent.fingerprint != fingerprint {
                return Err(reused());
            }
            // An earlier attempt may have reached Cleverbridge and died before writing
            // the outcome: ask Cleverbridge before anything else.
            let sub = load_subscription(&app, &claims, &id, true).await?;
            let applied = sub
                .item(intent.running_no)
                .is_some_and(|i| i.quantity.0 == u64::from(intent.quantity));
            if applied {
                let store = app.store.clone();
                let (k, body) = (key.clone(), intent.response.clone());
                tokio::task::spawn_blocking(move || store.complete(&k, 200, &body))
                    .await
                    .map_err(Problem::internal)?
                    .map_err(Problem::internal)?;
                app.metrics.commit("reconciled");
                tracing::info!(subscription = %id, "reconciled an unfinished commit with Cleverbridge");
                return Ok(replay(200, intent.response));
            }
            Some(intent)
        }
        None => {
            let store = app.store.clone();
            let jti = qc.jti.clone();
            let used = tokio::task::spawn_blocking(move || store.token_use(&jti))
                .await
                .map_err(Problem::internal)?
                .map_err(Problem::internal)?;
            match used {
                Some(TokenUse::Done) => {
                    return Err(invalid("this quote was already committed; preview again"))
                }
                // Another key's commit of this quote has an unknown outcome (e.g. an
                // upstream timeout): saying "committed" could be false, and committing
                // again could change the subscription twice.
                Some(TokenUse::Pending) => {
                    return Err(Problem::new(
                        StatusCode::CONFLICT,
                        "quote_commit_pending",
                        "a commit of this quote under another Idempotency-Key has not finished; retry with that key",
                    ))
                }
                None => {}
            }
            None
        }
    };

    // Re-preview (fresh) and refuse if anything moved.
    let sub = load_subscription(&app, &claims, &id, true).await?;
    let ctx = context(&app, &sub, running_no)?;
    let fresh = preview_change(&app, &claims, &ctx, i64::from(qc.qty), &qc.mode, true).await?;
    let qh = sha256_hex(
        serde_json::to_string(&fresh.quote)
            .unwrap_or_default()
            .as_bytes(),
    );
    if qh != qc.qh {
        if let Some(i) = &pending {
            let store = app.store.clone();
            let k = i.key.clone();
            let _ = tokio::task::spawn_blocking(move || store.abandon(&k)).await;
        }
        app.metrics.commit("quote_changed");
        return Err(Problem::new(
            StatusCode::CONFLICT,
            "quote_changed",
            "the price changed since the preview; here is the new quote",
        )
        .with("quote", fresh.body()));
    }

    let response = match &pending {
        Some(i) => i.response.clone(),
        None => {
            let body = json!({
                "status": "committed",
                "subscriptionId": id,
                "runningNumber": running_no,
                "quantity": qc.qty,
                "mode": qc.mode,
                "quote": fresh.quote,
                "committedAt": chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true),
            })
            .to_string();
            let intent = Intent {
                key: key.clone(),
                fingerprint: fingerprint.clone(),
                jti: qc.jti.clone(),
                subscription: id.clone(),
                running_no,
                from_quantity: u32::try_from(ctx.item.quantity.0).unwrap_or(u32::MAX),
                quantity: qc.qty,
                response: body.clone(),
            };
            let store = app.store.clone();
            let began = tokio::task::spawn_blocking(move || store.begin(&intent))
                .await
                .map_err(Problem::internal)?
                .map_err(Problem::internal)?;
            match began {
                Begin::Started => body,
                Begin::TokenUsed => {
                    return Err(invalid("this quote was already committed; preview again"))
                }
                Begin::KeyExists => {
                    return Err(Problem::new(
                        StatusCode::CONFLICT,
                        "idempotency_key_in_progress",
                        "a request with this Idempotency-Key is in progress; retry",
                    ))
                }
            }
        }
    };

    let mode = Alignment::parse(&qc.mode).map_err(Problem::from)?;
    let action =
        seatquote_core::alignment::UpdateAction::from_wire_name(&fresh.quote.update_action)
            .unwrap_or(seatquote_core::alignment::UpdateAction::Update);
    let req = update_request(&ctx, qc.qty, mode, false, action);
    match app.upstream.commit(&req).await {
        Ok(_) => {
            if app.failpoint.as_deref() == Some("after_upstream_commit") {
                println!("failpoint after_upstream_commit reached");
                tracing::warn!("failpoint after_upstream_commit: pausing before the local write");
                std::future::pending::<()>().await;
            }
            let store = app.store.clone();
            let (k, b2) = (key.clone(), response.clone());
            tokio::task::spawn_blocking(move || store.complete(&k, 200, &b2))
                .await
                .map_err(Problem::internal)?
                .map_err(Problem::internal)?;
            app.metrics.commit("committed");
            Ok(replay(200, response))
        }
        Err(e) => {
            if e.certainly_not_applied() {
                let store = app.store.clone();
                let k = key.clone();
                let _ = tokio::task::spawn_blocking(move || store.abandon(&k)).await;
            }
            app.metrics.commit("failed");
            Err(upstream_problem(&e))
        }
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct LoginBody {
    customer_id: String,
}

/// `POST /demo/login` (sandbox mode only): a bearer token for a fixture customer.
pub async fn demo_login(State(app): State<AppState>, body: Bytes) -> Result<Response, Problem> {
    let fixture = app
        .demo
        .as_ref()
        .ok_or_else(|| Problem::not_found("demo login exists only in sandbox mode"))?;
    let b: LoginBody = read_json(&body)?;
    let subs = fixture.subscriptions_of(&b.customer_id);
    if subs.is_empty() {
        return Err(Problem::not_found("no such demo customer"));
    }
    let exp = now_unix() + 3600;
    let token = app.signer.sign(
        "cust",
        &CustomerClaims {
            cus: b.customer_id.clone(),
            subs: subs.clone(),
            exp,
        },
    );
    Ok(Json(json!({
        "token": token,
        "customerId": b.customer_id,
        "subscriptions": subs,
        "expiresAt": rfc3339(exp),
    }))
    .into_response())
}

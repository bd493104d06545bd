//! The Cleverbridge sandbox: `getsubscription` and `updatesubscriptionitem` with
//! Cleverbridge's shapes and untidiness (SPEC §6), prices from the core engine, state in
//! memory seeded from `fixtures/sandbox.json`, plus test/demo admin endpoints.
//!
//! Routes (all under `/sandbox`):
//! - `GET  /sandbox/subscription/getsubscription?subscriptionId=S…` (Basic auth)
//! - `POST /sandbox/subscription/updatesubscriptionitem` (Basic auth)
//! - `POST /sandbox/_admin/fault`, `POST /sandbox/_admin/price`,
//!   `GET /sandbox/_admin/counters`, `POST /sandbox/_admin/reset` (no auth; sandbox only)

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use base64::Engine;
use parking_lot::Mutex;
use rust_decimal::Decimal;
use seatquote_core::date::{Date, Interval};
use seatquote_core::error::ErrorCode;
use seatquote_core::money::round;
use seatquote_core::quote::{quote, AlignmentInput, IntervalInput, PriceInput, QuoteInput, Scalar};
use seatquote_core::tax::{split, TaxMode, TaxRate};
use seatquote_core::wire::{
    normalize_subscription_id, GetSubscriptionResponse, Subscription, SubscriptionItem,
    SubscriptionStatus, UpdateSubscriptionItemRequest, UpdateSubscriptionItemResponse, WireDate,
    WireDecimal, WireUint,
};
use serde::Deserialize;
use serde_json::json;

/// The sandbox's fixed Basic-auth user.
pub const SANDBOX_USER: &str = "sandbox";
/// The sandbox's fixed Basic-auth password.
pub const SANDBOX_PASSWORD: &str = "sandbox";
/// The built-in fixture.
pub const DEFAULT_FIXTURE: &str = include_str!("../../sandbox/fixtures/sandbox.json");

/// The fixture file.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Fixture {
    /// The subscriptions.
    pub subscriptions: Vec<FixtureSubscription>,
}

/// One subscription of the fixture.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FixtureSubscription {
    /// `S…`.
    pub id: String,
    /// Cleverbridge customer id.
    pub customer_id: String,
    /// The merchant's customer id (`C-1001`), which tokens name.
    pub customer_reference_id: String,
    /// ISO 4217.
    pub currency: String,
    /// `gross` or `net`.
    pub tax_mode: String,
    /// Decimal string.
    pub tax_rate: String,
    /// Billing interval.
    pub interval: FixtureInterval,
    /// Days from today to the next billing date.
    pub next_billing_in_days: u32,
    /// A status name.
    pub status: String,
    /// Grace period length.
    #[serde(default)]
    pub grace_period_days: Option<u64>,
    /// Items.
    pub items: Vec<FixtureItem>,
}

/// `{months, days}`.
#[derive(Debug, Clone, Copy, Deserialize)]
pub struct FixtureInterval {
    /// Months.
    pub months: u32,
    /// Days.
    pub days: u32,
}

/// One item of the fixture.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FixtureItem {
    /// Running number.
    pub running_no: u64,
    /// Product id.
    pub product_id: String,
    /// Product name.
    pub product_name: String,
    /// Seats.
    pub quantity: u32,
    /// Unit price in the subscription's tax mode.
    pub unit_price: String,
    /// `false` for a retired item.
    #[serde(default)]
    pub is_current: Option<bool>,
}

impl Fixture {
    /// Parses a fixture.
    ///
    /// # Errors
    /// The parse error's message.
    pub fn parse(text: &str) -> Result<Self, String> {
        let f: Fixture = serde_json::from_str(text).map_err(|e| e.to_string())?;
        for s in &f.subscriptions {
            TaxMode::parse(&s.tax_mode).ok_or(format!("{}: bad taxMode", s.id))?;
            TaxRate::parse(&s.tax_rate).map_err(|e| format!("{}: {e}", s.id))?;
            seatquote_core::currency::Currency::from_code(&s.currency)
                .map_err(|e| format!("{}: {e}", s.id))?;
            Interval::new(s.interval.months, s.interval.days)
                .map_err(|e| format!("{}: {e}", s.id))?;
            for i in &s.items {
                i.unit_price
                    .parse::<Decimal>()
                    .map_err(|e| format!("{}: {e}", s.id))?;
            }
        }
        Ok(f)
    }

    /// Subscription ids owned by a customer reference id.
    pub fn subscriptions_of(&self, customer: &str) -> Vec<String> {
        self.subscriptions
            .iter()
            .filter(|s| s.customer_reference_id == customer)
            .map(|s| s.id.clone())
            .collect()
    }
}

#[derive(Debug, Clone)]
struct Item {
    running_no: u64,
    product_id: String,
    product_name: String,
    quantity: u32,
    unit_price: Decimal,
    is_current: Option<bool>,
}

#[derive(Debug, Clone)]
struct Sub {
    id: String,
    customer_id: String,
    customer_reference_id: String,
    currency: String,
    minor: u32,
    tax_mode: TaxMode,
    tax_rate: TaxRate,
    interval: Interval,
    next_billing: Date,
    status: SubscriptionStatus,
    grace_period_days: Option<u64>,
    items: Vec<Item>,
}

/// The fault kinds `POST /sandbox/_admin/fault` accepts.
pub const FAULTS: [&str; 6] = [
    "latency",
    "status500",
    "status429",
    "malformed",
    "hang",
    "applyThenHang",
];

/// The kinds of Cleverbridge request a fault can target (`any` matches all three).
pub const FAULT_TARGETS: [&str; 4] = ["any", "getsubscription", "preview", "commit"];

/// An injected fault for the next `count` Cleverbridge requests of the targeted kind.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fault {
    /// One of [`FAULTS`]: `latency` (sleep, then answer normally), `status500` (500, nothing
    /// applied), `status429` (HTML 429, nothing applied), `malformed` (a truncated 200
    /// body, nothing applied), `hang` (sleep, then 500, nothing applied) or
    /// `applyThenHang` (process the request — a commit is applied — then sleep before
    /// answering).
    pub fault: String,
    /// How many matching requests it applies to (default 1).
    #[serde(default = "one")]
    pub count: u32,
    /// Delay for `latency` (default 500) and `hang` / `applyThenHang` (default one hour).
    #[serde(default)]
    pub ms: Option<u64>,
    /// Which requests it applies to, one of [`FAULT_TARGETS`] (default `any`); other
    /// requests pass untouched and do not use up `count`.
    #[serde(default = "any")]
    pub target: String,
}

fn one() -> u32 {
    1
}

fn any() -> String {
    "any".to_owned()
}

/// What kind of Cleverbridge request the sandbox is answering (for fault targets and
/// the `attempts` counters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    GetSubscription,
    Preview,
    Commit,
}

impl Kind {
    fn as_str(self) -> &'static str {
        match self {
            Self::GetSubscription => "getsubscription",
            Self::Preview => "preview",
            Self::Commit => "commit",
        }
    }
}

impl Fault {
    fn matches(&self, kind: Kind) -> bool {
        self.target == "any" || self.target == kind.as_str()
    }
}

/// What the gate decided.
enum Gate {
    /// Answer with this now.
    Stop(Response),
    /// Process the request; then, if set, sleep that long before answering.
    Go(Option<Duration>),
}

#[derive(Default)]
struct RateWindow {
    hits: VecDeque<Instant>,
    blocked_until: Option<Instant>,
}

struct Inner {
    subs: BTreeMap<String, Sub>,
    commits: BTreeMap<String, u64>,
    requests: BTreeMap<&'static str, u64>,
    attempts: BTreeMap<&'static str, u64>,
    fault: Option<Fault>,
    rate: HashMap<IpAddr, RateWindow>,
}

/// The sandbox's shared state.
#[derive(Clone)]
pub struct Sandbox {
    inner: Arc<Mutex<Inner>>,
    fixture: Arc<Fixture>,
    fixed_today: Option<Date>,
    rate_limit: u32,
}

/// Today's UTC date.
pub fn utc_today() -> Date {
    let now = chrono::Utc::now().date_naive();
    use chrono::Datelike;
    Date::from_ymd(now.year(), now.month(), now.day())
        .unwrap_or_else(|| unreachable!("the clock is between 1900 and 9999"))
}

fn load(fixture: &Fixture, today: Date) -> BTreeMap<String, Sub> {
    let mut subs = BTreeMap::new();
    for s in &fixture.subscriptions {
        let Ok(currency) = seatquote_core::currency::Currency::from_code(&s.currency) else {
            continue;
        };
        let (Some(tax_mode), Ok(tax_rate), Ok(interval)) = (
            TaxMode::parse(&s.tax_mode),
            TaxRate::parse(&s.tax_rate),
            Interval::new(s.interval.months, s.interval.days),
        ) else {
            continue;
        };
        let Some(next_billing) = today.add(Interval {
            months: 0,
            days: s.next_billing_in_days,
        }) else {
            continue;
        };
        subs.insert(
            s.id.clone(),
            Sub {
                id: s.id.clone(),
                customer_id: s.customer_id.clone(),
                customer_reference_id: s.customer_reference_id.clone(),
                currency: s.currency.clone(),
                minor: currency.minor_units(),
                tax_mode,
                tax_rate,
                interval,
                next_billing,
                status: SubscriptionStatus::from_name(&s.status),
                grace_period_days: s.grace_period_days,
                items: s
                    .items
                    .iter()
                    .map(|i| Item {
                        running_no: i.running_no,
                        product_id: i.product_id.clone(),
                        product_name: i.product_name.clone(),
                        quantity: i.quantity,
                        unit_price: i.unit_price.parse().unwrap_or_default(),
                        is_current: i.is_current,
                    })
                    .collect(),
            },
        );
    }
    subs
}

fn cb(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "ResultMessage": message }))).into_response()
}

fn too_many() -> Response {
    let mut r = (
        StatusCode::TOO_MANY_REQUESTS,
        "<!DOCTYPE html><html><head><title>429 Too Many Requests</title></head><body><h1>Too Many Requests</h1><p>Rate limit exceeded. Try again later.</p></body></html>",
    )
        .into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("60"));
    r
}

impl Sandbox {
    /// A sandbox seeded from a fixture; `fixed_today` pins the clock; `rate_limit` is
    /// requests per second per client IP (0: off).
    pub fn new(fixture: Fixture, fixed_today: Option<Date>, rate_limit: u32) -> Self {
        let today = fixed_today.unwrap_or_else(utc_today);
        let subs = load(&fixture, today);
        Self {
            inner: Arc::new(Mutex::new(Inner {
                subs,
                commits: BTreeMap::new(),
                requests: BTreeMap::new(),
                attempts: BTreeMap::new(),
                fault: None,
                rate: HashMap::new(),
            })),
            fixture: Arc::new(fixture),
            fixed_today,
            rate_limit,
        }
    }

    /// The sandbox's today.
    pub fn today(&self) -> Date {
        self.fixed_today.unwrap_or_else(utc_today)
    }

    /// The fixture it was seeded from.
    pub fn fixture(&self) -> &Fixture {
        &self.fixture
    }

    /// The router, to be nested at the server root (paths start with `/sandbox`).
    pub fn router(&self) -> Router {
        Router::new()
            .route(
                "/sandbox/subscription/getsubscription",
                get(get_subscription),
            )
            .route(
                "/sandbox/subscription/updatesubscriptionitem",
                post(update_item),
            )
            .route("/sandbox/_admin/fault", post(admin_fault))
            .route("/sandbox/_admin/price", post(admin_price))
            .route("/sandbox/_admin/counters", get(admin_counters))
            .route("/sandbox/_admin/reset", post(admin_reset))
            .with_state(self.clone())
    }

    /// Request counting, rate limit, fault injection and Basic auth, in that order (as
    /// Cleverbridge counts every request). [`Gate::Stop`] ends the request.
    async fn gate(&self, peer: IpAddr, headers: &HeaderMap, op: &'static str, kind: Kind) -> Gate {
        let fault = {
            let mut g = self.inner.lock();
            *g.requests.entry(op).or_default() += 1;
            *g.attempts.entry(kind.as_str()).or_default() += 1;
            if self.rate_limit > 0 {
                let now = Instant::now();
                let w = g.rate.entry(peer).or_default();
                if w.blocked_until.is_some_and(|t| t > now) {
                    return Gate::Stop(too_many());
                }
                while w
                    .hits
                    .front()
                    .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
                {
                    w.hits.pop_front();
                }
                w.hits.push_back(now);
                if w.hits.len() > self.rate_limit as usize {
                    w.blocked_until = Some(now + Duration::from_secs(60));
                    return Gate::Stop(too_many());
                }
            }
            match &mut g.fault {
                Some(f) if f.count > 0 && f.matches(kind) => {
                    f.count -= 1;
                    let out = f.clone();
                    if f.count == 0 {
                        g.fault = None;
                    }
                    Some(out)
                }
                _ => None,
            }
        };
        let mut hang_after = None;
        if let Some(f) = fault {
            match f.fault.as_str() {
                "latency" => tokio::time::sleep(Duration::from_millis(f.ms.unwrap_or(500))).await,
                "status500" => {
                    return Gate::Stop(cb(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "Internal server error.",
                    ))
                }
                "status429" => return Gate::Stop(too_many()),
                "malformed" => {
                    let mut r =
                        (StatusCode::OK, "{\"Subscription\": {\"Id\": \"S688417").into_response();
                    r.headers_mut().insert(
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("application/json"),
                    );
                    return Gate::Stop(r);
                }
                "hang" => {
                    tokio::time::sleep(Duration::from_millis(f.ms.unwrap_or(3_600_000))).await;
                    return Gate::Stop(cb(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "Internal server error.",
                    ));
                }
                "applyThenHang" => {
                    hang_after = Some(Duration::from_millis(f.ms.unwrap_or(3_600_000)));
                }
                _ => {}
            }
        }
        let want = format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD
                .encode(format!("{SANDBOX_USER}:{SANDBOX_PASSWORD}"))
        );
        let ok = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v == want);
        if !ok {
            let mut r = cb(
                StatusCode::UNAUTHORIZED,
                "Authorization has been denied for this request.",
            );
            r.headers_mut().insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Basic realm=\"sandbox\""),
            );
            return Gate::Stop(r);
        }
        Gate::Go(hang_after)
    }
}

/// Answers after the `applyThenHang` delay, if any (the work is already done: a client
/// that gives up meanwhile has still changed the subscription).
async fn answer(hang_after: Option<Duration>, r: Response) -> Response {
    if let Some(d) = hang_after {
        tokio::time::sleep(d).await;
    }
    r
}

fn wire_subscription(s: &Sub) -> Subscription {
    Subscription {
        id: s.id.clone(),
        customer_id: Some(s.customer_id.clone()),
        customer_reference_id: Some(s.customer_reference_id.clone()),
        customer_currency_id: Some(s.currency.clone()),
        interval_month_count: WireUint(u64::from(s.interval.months)),
        interval_day_count: WireUint(u64::from(s.interval.days)),
        next_billing_date: Some(WireDate(s.next_billing)),
        subscription_status: s.status.clone(),
        end_date: None,
        grace_period_days: s.grace_period_days.map(WireUint),
        items: s
            .items
            .iter()
            .map(|i| {
                let total = round(i.unit_price * Decimal::from(i.quantity), s.minor);
                let t = split(total, s.tax_mode, s.tax_rate, s.minor);
                SubscriptionItem {
                    running_no: WireUint(i.running_no),
                    product_id: i.product_id.clone(),
                    product_name: Some(i.product_name.clone()),
                    quantity: WireUint(u64::from(i.quantity)),
                    is_current: i.is_current.or(Some(true)),
                    deactivation_date: None,
                    next_billing_customer_gross_price: Some(WireDecimal(t.gross)),
                    next_billing_customer_net_price: Some(WireDecimal(t.net)),
                    next_billing_customer_vat_price: Some(WireDecimal(t.vat)),
                    next_renewal_customer_gross_price: None,
                    next_renewal_customer_net_price: None,
                    next_renewal_customer_vat_price: None,
                    next_billing_currency_id: Some(s.currency.clone()),
                }
            })
            .collect(),
    }
}

#[derive(Deserialize)]
struct GetQuery {
    #[serde(rename = "subscriptionId")]
    subscription_id: Option<String>,
}

async fn get_subscription(
    State(sb): State<Sandbox>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    Query(q): Query<GetQuery>,
) -> Response {
    let hang_after = match sb
        .gate(
            peer.ip(),
            &headers,
            "getsubscription",
            Kind::GetSubscription,
        )
        .await
    {
        Gate::Stop(r) => return r,
        Gate::Go(h) => h,
    };
    let r = read_subscription(&sb, q);
    answer(hang_after, r).await
}

fn read_subscription(sb: &Sandbox, q: GetQuery) -> Response {
    let Some(id) = q.subscription_id else {
        return cb(
            StatusCode::BAD_REQUEST,
            "The subscriptionId parameter is required.",
        );
    };
    let id = normalize_subscription_id(&id);
    let g = sb.inner.lock();
    match g.subs.get(&id) {
        None => cb(StatusCode::NOT_FOUND, "Subscription not found."),
        Some(s) => Json(GetSubscriptionResponse {
            subscription: wire_subscription(s),
            result_message: Some("OK".into()),
        })
        .into_response(),
    }
}

fn engine_input(
    s: &Sub,
    item: &Item,
    today: Date,
    new_unit: Decimal,
    qty: u64,
    flags: (bool, bool),
) -> QuoteInput {
    let period_start = s.next_billing.sub(s.interval).unwrap_or(s.next_billing);
    QuoteInput {
        currency: Scalar::from(s.currency.as_str()),
        tax_mode: Scalar::from(s.tax_mode.as_str()),
        tax_rate: Scalar::Str(s.tax_rate.value().to_string()),
        period_start: Scalar::Str(period_start.to_iso_string()),
        next_billing_date: Scalar::Str(s.next_billing.to_iso_string()),
        interval: Some(IntervalInput {
            months: Scalar::from(s.interval.months),
            days: Scalar::from(s.interval.days),
        }),
        change_date: Scalar::Str(today.to_iso_string()),
        current: Some(PriceInput {
            unit_price: Scalar::Str(item.unit_price.to_string()),
            quantity: Scalar::from(item.quantity),
            currency: None,
            is_gross: None,
        }),
        next: Some(PriceInput {
            unit_price: Scalar::Str(new_unit.to_string()),
            quantity: Scalar::Int(i128::from(qty)),
            currency: None,
            is_gross: None,
        }),
        alignment: AlignmentInput::Flags(seatquote_core::alignment::AlignmentFlags {
            align_to_current_interval: flags.0,
            extend_interval: flags.1,
        }),
    }
}

async fn update_item(
    State(sb): State<Sandbox>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let parsed = serde_json::from_slice::<UpdateSubscriptionItemRequest>(&body);
    // An unreadable body is not a preview: it counts (and is faulted) as a commit.
    let kind = match &parsed {
        Ok(r) if r.alignment_settings.get_customer_price_preview_only => Kind::Preview,
        _ => Kind::Commit,
    };
    let hang_after = match sb
        .gate(peer.ip(), &headers, "updatesubscriptionitem", kind)
        .await
    {
        Gate::Stop(r) => return r,
        Gate::Go(h) => h,
    };
    let r = match parsed {
        Ok(req) => apply_update(&sb, &req),
        Err(e) => cb(
            StatusCode::BAD_REQUEST,
            &format!("The request is invalid: {e}"),
        ),
    };
    answer(hang_after, r).await
}

/// Prices a preview or applies a commit.
fn apply_update(sb: &Sandbox, req: &UpdateSubscriptionItemRequest) -> Response {
    let today = sb.today();
    let mut g = sb.inner.lock();
    let id = req.normalized_subscription_id();
    let Some(s) = g.subs.get(&id) else {
        return cb(StatusCode::NOT_FOUND, "Subscription not found.");
    };
    let Some(item) = s
        .items
        .iter()
        .find(|i| i.running_no == req.running_number.0 && i.is_current != Some(false))
    else {
        return cb(StatusCode::NOT_FOUND, "Item not found.");
    };
    if item.product_id != req.product_id {
        return cb(
            StatusCode::PAYMENT_REQUIRED,
            "ProductId does not match the subscription item.",
        );
    }
    if !s.status.is_active() {
        return cb(
            StatusCode::BAD_REQUEST,
            "The subscription is not active. Only active subscriptions can be updated.",
        );
    }
    if req.quantity.0 == 0 || req.quantity.0 > 1_000_000 {
        return cb(StatusCode::PAYMENT_REQUIRED, "Invalid parameter: Quantity.");
    }
    let mut unit = item.unit_price;
    if let Some(cp) = &req.customer_price {
        if cp.currency != s.currency {
            return cb(
                StatusCode::BAD_REQUEST,
                "'CustomerPrice' currency differs from subscription currency",
            );
        }
        unit = cp.value.0;
    }
    let a = &req.alignment_settings;
    let input = engine_input(
        s,
        item,
        today,
        unit,
        req.quantity.0,
        (a.align_to_current_interval, a.extend_interval),
    );
    let q = match quote(&input) {
        Ok(q) => q,
        Err(e) if e.code == ErrorCode::NegativeAlignment => {
            return cb(
                StatusCode::BAD_REQUEST,
                "The alignment amount is negative. The update was not processed.",
            )
        }
        Err(e) => {
            return cb(
                StatusCode::PAYMENT_REQUIRED,
                &format!("Invalid parameters: {}", e.message),
            )
        }
    };
    let dec = |s: &str| s.parse::<Decimal>().ok().map(WireDecimal);
    let extend = a.align_to_current_interval && a.extend_interval;
    if a.get_customer_price_preview_only {
        let r = UpdateSubscriptionItemResponse {
            alignment_customer_gross_price: dec(&q.alignment.gross),
            alignment_customer_net_price: dec(&q.alignment.net),
            alignment_customer_vat_price: dec(&q.alignment.vat),
            next_billing_customer_gross_price: dec(&q.next_billing.gross),
            next_billing_customer_net_price: dec(&q.next_billing.net),
            next_billing_customer_vat_price: dec(&q.next_billing.vat),
            next_renewal_customer_gross_price: dec(&q.next_billing.gross),
            next_renewal_customer_net_price: dec(&q.next_billing.net),
            next_renewal_customer_vat_price: dec(&q.next_billing.vat),
            price_currency_id: Some(s.currency.clone()),
            next_billing_date: if extend {
                Date::parse(&q.next_billing.date).ok().map(WireDate)
            } else {
                None
            },
            result_message: Some("OK".into()),
        };
        *g.requests.entry("previews").or_default() += 1;
        return Json(r).into_response();
    }
    // Commit.
    let new_next = Date::parse(&q.next_billing.date).ok();
    let running_no = item.running_no;
    if let Some(s) = g.subs.get_mut(&id) {
        if let Some(it) = s.items.iter_mut().find(|i| i.running_no == running_no) {
            it.quantity = u32::try_from(req.quantity.0).unwrap_or(it.quantity);
            it.unit_price = unit;
        }
        if let Some(d) = new_next {
            s.next_billing = d;
        }
    }
    *g.commits.entry(id).or_default() += 1;
    Json(UpdateSubscriptionItemResponse {
        result_message: Some("OK".into()),
        ..Default::default()
    })
    .into_response()
}

async fn admin_fault(State(sb): State<Sandbox>, body: Bytes) -> Response {
    match serde_json::from_slice::<Fault>(&body) {
        Ok(f) if !FAULTS.contains(&f.fault.as_str()) => cb(
            StatusCode::BAD_REQUEST,
            &format!("fault must be one of {}", FAULTS.join(", ")),
        ),
        Ok(f) if !FAULT_TARGETS.contains(&f.target.as_str()) => cb(
            StatusCode::BAD_REQUEST,
            &format!("target must be one of {}", FAULT_TARGETS.join(", ")),
        ),
        Ok(f) => {
            let out = json!({ "fault": f.fault, "count": f.count, "ms": f.ms, "target": f.target });
            sb.inner.lock().fault = if f.count == 0 { None } else { Some(f) };
            Json(out).into_response()
        }
        Err(e) => cb(StatusCode::BAD_REQUEST, &e.to_string()),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct PriceChange {
    product_id: serde_json::Value,
    unit_price: String,
}

async fn admin_price(State(sb): State<Sandbox>, body: Bytes) -> Response {
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

async fn admin_counters(State(sb): State<Sandbox>) -> Response {
    let g = sb.inner.lock();
    let quantities: BTreeMap<String, BTreeMap<String, u32>> = g
        .subs
        .values()
        .map(|s| {
            (
                s.id.clone(),
                s.items
                    .iter()
                    .map(|i| (i.running_no.to_string(), i.quantity))
                    .collect(),
            )
        })
        .collect();
    Json(json!({
        "today": sb.today().to_iso_string(),
        "commits": g.commits,
        "requests": g.requests,
        "attempts": {
            "getsubscription": g.attempts.get("getsubscription").copied().unwrap_or(0),
            "preview": g.attempts.get("preview").copied().unwrap_or(0),
            "commit": g.attempts.get("commit").copied().unwrap_or(0),
        },
        "totalRequests": g.requests.iter().filter(|(k, _)| **k != "previews").map(|(_, v)| v).sum::<u64>(),
        "quantities": quantities,
        "fault": g.fault.as_ref().map(|f| json!({"fault": f.fault, "count": f.count, "target": f.target})),
    }))
    .into_response()
}

async fn admin_reset(State(sb): State<Sandbox>) -> Response {
    let mut g = sb.inner.lock();
    g.subs = load(&sb.fixture, sb.today());
    g.commits.clear();
    g.requests.clear();
    g.attempts.clear();
    g.fault = None;
    g.rate.clear();
    Json(json!({ "reset": true })).into_response()
}

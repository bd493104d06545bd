//! The sandbox's state: subscriptions in memory seeded from the fixture, counters, the
//! injected fault and the per-client rate windows; and the gate every Cleverbridge
//! request passes (counting, rate limit, fault, Basic auth).

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use base64::Engine;
use parking_lot::Mutex;
use seatquote_core::date::Date;
use serde_json::json;

use crate::fault::{Call, Fault, FaultKind, RequestKind};
use crate::fixture::Fixture;
pub(crate) use crate::model::{load, products, Item, Product, Sub};
use crate::pricing::NextBillingScope;
use crate::rate::{RateCounters, RateLimit};
use crate::{SANDBOX_PASSWORD, SANDBOX_USER};

/// Everything behind the sandbox's lock.
pub(crate) struct Inner {
    pub subs: BTreeMap<String, Sub>,
    /// The product catalogue (plan changes and add-ons name its products).
    pub products: BTreeMap<String, Product>,
    /// What a preview's `NextBilling*` prices cover (`POST /sandbox/_admin/next-billing-scope`).
    pub scope: NextBillingScope,
    /// Per Cleverbridge call: previews answered, commits received and applied.
    pub calls: BTreeMap<Call, CallCounters>,
    pub commits: BTreeMap<String, u64>,
    pub requests: BTreeMap<&'static str, u64>,
    pub attempts: BTreeMap<RequestKind, u64>,
    /// `getsubscription` requests received per subscription (faulted or not).
    pub reads: BTreeMap<String, u64>,
    pub fault: Option<Fault>,
    rate: RateLimit,
    /// 429s sent (the rate limit's and injected `status429` faults).
    pub too_many_sent: u64,
    /// Renewals billed when the clock was moved past a next billing date
    /// (`clock.rs`), oldest first.
    pub renewals: Vec<serde_json::Value>,
}

/// What one Cleverbridge call received and did (`calls` in the counters).
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct CallCounters {
    /// Requests received (faulted, refused or not).
    pub received: u64,
    /// Previews answered.
    pub previews: u64,
    /// Commits received (faulted, refused or not).
    pub commits_received: u64,
    /// Commits applied (a `duplicate` fault applies one twice).
    pub commits_applied: u64,
}

impl Inner {
    /// Counts a commit of `call` on `subscription` as applied.
    pub(crate) fn applied(&mut self, call: Call, subscription: &str) {
        *self.commits.entry(subscription.to_owned()).or_default() += 1;
        self.calls.entry(call).or_default().commits_applied += 1;
    }

    /// Counts a preview of `call` as answered.
    pub(crate) fn previewed(&mut self, call: Call) {
        *self.requests.entry("previews").or_default() += 1;
        self.calls.entry(call).or_default().previews += 1;
    }

    /// The rate limit's counters.
    pub(crate) fn rate_counters(&self) -> RateCounters {
        self.rate.counters()
    }
}

/// The sandbox's shared state (cheap to clone).
#[derive(Clone)]
pub struct Sandbox {
    pub(crate) inner: Arc<Mutex<Inner>>,
    fixture: Arc<Fixture>,
    fixed_today: Option<Date>,
    /// The clock moved forward by `POST /sandbox/_admin/clock` (tests and demos); `None`:
    /// `fixed_today`, else the real date.
    pub(crate) moved_today: Arc<Mutex<Option<Date>>>,
    /// Sends notifications like Cleverbridge's (disabled unless configured).
    pub(crate) notifier: crate::notifier::Notifier,
    /// `getsubscription` answers the subscription's `Id` as a bare JSON number.
    pub(crate) numeric_ids: bool,
    /// The `NextBilling*` scope set at start (a reset returns to it).
    default_scope: NextBillingScope,
}

/// Today's UTC date.
pub fn utc_today() -> Date {
    use chrono::Datelike;
    let now = chrono::Utc::now().date_naive();
    Date::from_ymd(now.year(), now.month(), now.day())
        .unwrap_or_else(|| unreachable!("the clock is between 1900 and 9999"))
}

/// A Cleverbridge-style error: `{"ResultMessage": …}`.
pub(crate) fn cb(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "ResultMessage": message }))).into_response()
}

/// Cleverbridge's rate-limit answer: HTML, not JSON, with `Retry-After` (60 s there).
pub(crate) fn too_many(retry_after: HeaderValue) -> Response {
    let mut r = (
        StatusCode::TOO_MANY_REQUESTS,
        "<!DOCTYPE html><html><head><title>429 Too Many Requests</title></head><body><h1>Too Many Requests</h1><p>Rate limit exceeded. Try again later.</p></body></html>",
    )
        .into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r.headers_mut().insert(header::RETRY_AFTER, retry_after);
    r
}

/// The client is over the rate limit: retry after this many seconds.
pub(crate) struct RateLimited(u64);

/// What the gate decided.
pub(crate) enum Gate {
    /// Answer with this now.
    Stop(Response),
    /// Process the request, as the fault still to play out (with its delay) says.
    Go(Option<(FaultKind, Duration)>),
}

impl Sandbox {
    /// A sandbox seeded from a fixture; `fixed_today` pins the clock; `rate_limit` is
    /// requests per second per client IP (0: off), blocking for 60 s after (see
    /// [`Sandbox::with_rate_block`]).
    pub fn new(fixture: Fixture, fixed_today: Option<Date>, rate_limit: u32) -> Self {
        let today = fixed_today.unwrap_or_else(utc_today);
        let subs = load(&fixture, today);
        Self {
            inner: Arc::new(Mutex::new(Inner {
                subs,
                products: products(&fixture),
                scope: NextBillingScope::default(),
                calls: BTreeMap::new(),
                commits: BTreeMap::new(),
                requests: BTreeMap::new(),
                attempts: BTreeMap::new(),
                reads: BTreeMap::new(),
                fault: None,
                rate: RateLimit::new(rate_limit, Duration::from_secs(60)),
                too_many_sent: 0,
                renewals: Vec::new(),
            })),
            fixture: Arc::new(fixture),
            fixed_today,
            moved_today: Arc::default(),
            notifier: crate::notifier::Notifier::default(),
            numeric_ids: false,
            default_scope: NextBillingScope::default(),
        }
    }

    /// The same sandbox with previews' `NextBilling*` covering `scope` (the changed item,
    /// or the whole subscription after the change); a reset returns to it.
    #[must_use]
    pub fn with_next_billing_scope(mut self, scope: NextBillingScope) -> Self {
        self.default_scope = scope;
        self.inner.lock().scope = scope;
        self
    }

    /// The same sandbox answering `getsubscription` with the subscription's `Id` as a
    /// bare JSON number (`68841753`), as Cleverbridge's API may.
    #[must_use]
    pub fn with_numeric_ids(mut self, numeric: bool) -> Self {
        self.numeric_ids = numeric;
        self
    }

    /// The same sandbox with another block time after going over the rate limit
    /// (Cleverbridge's is 60 s; tests use less).
    pub fn with_rate_block(self, block: Duration) -> Self {
        {
            let mut g = self.inner.lock();
            let limit = g.rate.counters().limit_per_second;
            g.rate = RateLimit::new(limit, block);
        }
        self
    }

    /// The same sandbox, sending notifications through `notifier`.
    #[must_use]
    pub fn with_notifier(mut self, notifier: crate::notifier::Notifier) -> Self {
        self.notifier = notifier;
        self
    }

    /// The sandbox's today: as moved forward, else pinned, else the real date.
    pub fn today(&self) -> Date {
        (*self.moved_today.lock())
            .or(self.fixed_today)
            .unwrap_or_else(utc_today)
    }

    /// The fixture it was seeded from.
    pub fn fixture(&self) -> &Fixture {
        &self.fixture
    }

    /// Back to the fixture: the clock as started, subscriptions reseeded, counters,
    /// renewals, fault and rate windows cleared.
    pub fn reset(&self) {
        *self.moved_today.lock() = None;
        let mut g = self.inner.lock();
        g.subs = load(&self.fixture, self.today());
        g.products = products(&self.fixture);
        g.scope = self.default_scope;
        g.calls.clear();
        g.commits.clear();
        g.requests.clear();
        g.attempts.clear();
        g.reads.clear();
        g.fault = None;
        g.rate.reset();
        g.too_many_sent = 0;
        g.renewals.clear();
    }

    /// Counts the request, applies the rate limit, takes the fault if one matches.
    fn admit(
        &self,
        peer: IpAddr,
        call: Call,
        kind: RequestKind,
        subscription: Option<&str>,
    ) -> Result<Option<Fault>, RateLimited> {
        let mut g = self.inner.lock();
        *g.requests.entry(call.as_str()).or_default() += 1;
        *g.attempts.entry(kind).or_default() += 1;
        let c = g.calls.entry(call).or_default();
        c.received += 1;
        if kind == RequestKind::Commit {
            c.commits_received += 1;
        }
        if let (RequestKind::GetSubscription, Some(s)) = (kind, subscription) {
            *g.reads.entry(s.to_owned()).or_default() += 1;
        }
        if let Err(retry_after) = g.rate.admit(peer) {
            g.too_many_sent += 1;
            return Err(RateLimited(retry_after));
        }
        Ok(match &mut g.fault {
            Some(f) if f.count > 0 && f.hits(call, kind, subscription) => {
                f.count -= 1;
                let out = f.clone();
                if f.count == 0 {
                    g.fault = None;
                }
                Some(out)
            }
            _ => None,
        })
    }

    /// Request counting, rate limit, fault injection and Basic auth, in that order (as
    /// Cleverbridge counts every request), for a request about `subscription` (when it can
    /// be read). [`Gate::Stop`] ends the request.
    pub(crate) async fn gate(
        &self,
        peer: IpAddr,
        headers: &HeaderMap,
        (call, kind): (Call, RequestKind),
        subscription: Option<&str>,
    ) -> Gate {
        let fault = match self.admit(peer, call, kind, subscription) {
            Ok(f) => f,
            Err(RateLimited(after)) => return Gate::Stop(too_many(HeaderValue::from(after))),
        };
        let mut hang_after = None;
        if let Some(f) = fault {
            let wait = |default: u64| Duration::from_millis(f.ms.unwrap_or(default));
            match f.fault {
                FaultKind::Latency => tokio::time::sleep(wait(500)).await,
                FaultKind::Status500 => {
                    return Gate::Stop(cb(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "Internal server error.",
                    ))
                }
                FaultKind::Status429 => {
                    self.inner.lock().too_many_sent += 1;
                    let secs = f.ms.map_or(60, |ms| ms.div_ceil(1000).max(1));
                    let text = f.retry_after.as_deref().map(HeaderValue::from_str);
                    return Gate::Stop(too_many(match text {
                        Some(Ok(v)) => v,
                        _ => HeaderValue::from(secs),
                    }));
                }
                FaultKind::Malformed => {
                    tokio::time::sleep(wait(0)).await;
                    let mut r =
                        (StatusCode::OK, "{\"Subscription\": {\"Id\": \"S688417").into_response();
                    r.headers_mut().insert(
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("application/json"),
                    );
                    return Gate::Stop(r);
                }
                FaultKind::Hang => {
                    tokio::time::sleep(wait(3_600_000)).await;
                    return Gate::Stop(cb(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "Internal server error.",
                    ));
                }
                FaultKind::ApplyThenHang => hang_after = Some((f.fault, wait(3_600_000))),
                FaultKind::ApplyAfterDelay => hang_after = Some((f.fault, wait(5_000))),
                FaultKind::ResetBeforeApply
                | FaultKind::ResetAfterApply
                | FaultKind::Status500AfterApply
                | FaultKind::Duplicate => hang_after = Some((f.fault, Duration::ZERO)),
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

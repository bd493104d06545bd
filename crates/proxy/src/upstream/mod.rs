//! The Cleverbridge client with upstream discipline: every request passes the
//! [`Budget`] (requests per second, in flight, a fair share per customer, a 429's
//! `Retry-After`); per-attempt timeouts; retries with backoff for reads and previews
//! only — never for commits; coalescing and short sharing of identical subscription
//! reads and previews ([`cache`]).

mod cache;
mod error;
pub mod items;
mod read;
mod retry_after;

pub use error::UpstreamError;
pub use items::{AddSubscriptionItemRequest, DeactivateSubscriptionItemsRequest, ItemCall};
pub use read::SubscriptionRead;

use read::raw_hash;

use error::read_limited;

use std::sync::Arc;
use std::time::{Duration, Instant};

/// The least time left before a commit's deadline for it to be sent at all.
const MIN_SEND: Duration = Duration::from_millis(200);

use seatquote_core::wire::{parse_get_subscription, ResultMessage, UpdateSubscriptionItemResponse};

use crate::budget::{Budget, Caller, Refused};
use crate::metrics::Metrics;
use cache::Cache;

/// Settings of the client.
#[derive(Debug, Clone)]
pub struct UpstreamConfig {
    /// Base URL ending in `/subscription/`.
    pub base_url: String,
    /// Basic-auth user.
    pub username: String,
    /// Basic-auth password.
    pub password: String,
    /// Per-attempt timeout (also the longest a request waits for the budget).
    pub timeout: Duration,
    /// Requests in flight (Cleverbridge advises at most 4), for the HTTP pool.
    pub max_in_flight: usize,
    /// How long identical previews are shared.
    pub cache_ttl: Duration,
    /// How long a subscription read is reused for the same subscription.
    pub subscription_ttl: Duration,
}

/// The client.
pub struct Upstream {
    http: reqwest::Client,
    cfg: UpstreamConfig,
    budget: Budget,
    subs: Cache<SubscriptionRead>,
    previews: Cache<UpdateSubscriptionItemResponse>,
    metrics: Arc<Metrics>,
}

/// The cache key of a subscription's read, and the prefix of its previews' keys.
fn preview_prefix(subscription: &str) -> String {
    format!("{subscription}\u{1f}")
}

impl Upstream {
    /// A client for this configuration, sending through `budget`.
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn new(cfg: UpstreamConfig, budget: Budget, metrics: Arc<Metrics>) -> Result<Self, String> {
        let http = reqwest::Client::builder()
            .connect_timeout(cfg.timeout.min(Duration::from_secs(3)))
            .timeout(cfg.timeout)
            .pool_max_idle_per_host(cfg.max_in_flight)
            .user_agent(concat!("seatquote-proxy/", env!("CARGO_PKG_VERSION")))
            // A redirect would resend the Basic credentials elsewhere: a 3xx is an error.
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self {
            http,
            budget,
            subs: Cache::new(),
            previews: Cache::new(),
            cfg,
            metrics,
        })
    }

    /// The budget every request passes.
    pub fn budget(&self) -> &Budget {
        &self.budget
    }

    /// One request. `until`: when the call must be over (a commit's deadline,
    /// DESIGN.md, "The commit state machine"): the slot wait ends by then, a slot granted
    /// too late to finish by then is not used (nothing is sent: `Unavailable`), and the
    /// request's own timeout is `min(timeout, until − now)`.
    async fn send_once(
        &self,
        who: &Caller,
        op: &'static str,
        req: reqwest::RequestBuilder,
        until: Option<Instant>,
    ) -> Result<String, UpstreamError> {
        let mut deadline = Instant::now() + self.cfg.timeout;
        if let Some(u) = until {
            deadline = deadline.min(u);
        }
        let permit = match self.budget.acquire(who, deadline).await {
            Ok(p) => p,
            Err(refused) => {
                let retry_after = match refused {
                    Refused::Blocked(s) => s,
                    Refused::Busy => 1,
                };
                self.metrics.upstream(op, "held_back", Duration::ZERO);
                return Err(UpstreamError::Unavailable { retry_after });
            }
        };
        let mut req = req;
        if let Some(u) = until {
            let left = u.saturating_duration_since(Instant::now());
            if left < MIN_SEND {
                drop(permit);
                self.metrics.upstream(op, "too_late", Duration::ZERO);
                return Err(UpstreamError::Unavailable { retry_after: 1 });
            }
            req = req.timeout(left.min(self.cfg.timeout));
        }
        self.metrics.upstream_in_flight(1);
        let started = Instant::now();
        let res = async {
            let resp = req
                .basic_auth(&self.cfg.username, Some(&self.cfg.password))
                .header(reqwest::header::ACCEPT, "application/json")
                .send()
                .await
                .map_err(|e| {
                    if e.is_timeout() {
                        UpstreamError::Timeout
                    } else if e.is_connect() {
                        UpstreamError::Unavailable { retry_after: 1 }
                    } else {
                        UpstreamError::Reset
                    }
                })?;
            let status = resp.status().as_u16();
            let retry_after = retry_after::retry_after_secs(
                resp.headers()
                    .get(reqwest::header::RETRY_AFTER)
                    .and_then(|v| v.to_str().ok()),
                chrono::Utc::now(),
            );
            let body = read_limited(resp).await?;
            match status {
                200..=299 => Ok(body),
                429 => {
                    self.budget.honour_429(Duration::from_secs(retry_after));
                    Err(UpstreamError::Unavailable { retry_after })
                }
                _ => {
                    let message = serde_json::from_str::<ResultMessage>(&body)
                        .ok()
                        .and_then(|m| m.result_message)
                        .unwrap_or_else(|| body.chars().take(200).collect());
                    Err(UpstreamError::Status { status, message })
                }
            }
        }
        .await;
        self.metrics.upstream_in_flight(-1);
        drop(permit);
        let outcome = res.as_ref().map_or_else(UpstreamError::outcome, |_| "ok");
        self.metrics.upstream(op, outcome, started.elapsed());
        res
    }

    /// Sends with retries (reads and previews only): 5xx and connection failures are
    /// retried twice with backoff; a 429 (or the block it started) only when its
    /// `Retry-After` fits the budget.
    async fn send_retrying<F>(
        &self,
        who: &Caller,
        op: &'static str,
        make: F,
    ) -> Result<String, UpstreamError>
    where
        F: Fn() -> reqwest::RequestBuilder,
    {
        let budget = Instant::now() + self.cfg.timeout * 2;
        let mut backoff = Duration::from_millis(100);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let res = self.send_once(who, op, make(), None).await;
            let wait = match &res {
                Ok(_) | Err(UpstreamError::Timeout | UpstreamError::Malformed(_)) => return res,
                Err(UpstreamError::Reset) => backoff,
                Err(UpstreamError::Status { status, .. }) if *status < 500 => return res,
                Err(UpstreamError::Unavailable { retry_after }) if *retry_after > 1 => {
                    Duration::from_secs(*retry_after)
                }
                Err(_) => backoff,
            };
            if attempt >= 3 || Instant::now() + wait >= budget {
                return res;
            }
            self.metrics.retry(op);
            tokio::time::sleep(wait).await;
            backoff *= 2;
        }
    }

    /// The per-attempt timeout.
    pub fn timeout(&self) -> Duration {
        self.cfg.timeout
    }

    /// The configured base URL.
    pub fn base_url(&self) -> &str {
        &self.cfg.base_url
    }

    /// How long a subscription read is reused.
    pub fn subscription_ttl(&self) -> Duration {
        self.cfg.subscription_ttl
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.cfg.base_url)
    }

    /// `getsubscription` for `who`, parsed and with the hash of its raw text
    /// ([`SubscriptionRead`]). Unless `fresh`, a read of the same subscription from the
    /// last `subscription_ttl` (or one in flight) is reused; a fresh read is always sent
    /// and then reused by later ones.
    ///
    /// # Errors
    /// [`UpstreamError`].
    pub async fn get_subscription_for(
        &self,
        who: &Caller,
        id: &str,
        fresh: bool,
    ) -> Result<SubscriptionRead, UpstreamError> {
        let fetch = || async {
            let body = self
                .send_retrying(who, "getsubscription", || {
                    self.http
                        .get(self.url("getsubscription"))
                        .query(&[("subscriptionId", id)])
                })
                .await?;
            let response = parse_get_subscription(&body)
                .map_err(|e| UpstreamError::Malformed(e.to_string()))?;
            Ok(SubscriptionRead {
                response,
                raw_hash: raw_hash(&body),
            })
        };
        let key = preview_prefix(id);
        if fresh {
            let r = fetch().await;
            match &r {
                Ok(v) if !self.cfg.subscription_ttl.is_zero() => self.subs.put(&key, v.clone()),
                _ => self.forget(id),
            }
            return r;
        }
        let (cell, shared) = self.subs.cell(&key, self.cfg.subscription_ttl);
        if shared {
            self.metrics.coalesced("getsubscription");
        }
        let r = cell.get_or_init(fetch).await.clone();
        if r.is_err() {
            self.subs.forget_failed(&key, &cell);
        }
        r
    }

    /// Forgets what is cached for one subscription (its read and its previews).
    pub fn forget(&self, subscription: &str) {
        self.subs.forget_prefix(&preview_prefix(subscription));
        self.previews.forget_prefix(&preview_prefix(subscription));
    }

    async fn update(
        &self,
        who: &Caller,
        op: &'static str,
        req: &ItemCall,
        retry: bool,
        until: Option<Instant>,
    ) -> Result<UpdateSubscriptionItemResponse, UpstreamError> {
        let body = req
            .body()
            .map_err(|e| UpstreamError::Malformed(e.to_string()))?;
        let make = || {
            self.http
                .post(self.url(req.endpoint()))
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone())
        };
        let text = if retry {
            self.send_retrying(who, op, make).await?
        } else {
            self.send_once(who, op, make(), until).await?
        };
        // A deactivation's (or an add's commit's) answer may carry no prices at all.
        if text.trim().is_empty() {
            return Ok(UpdateSubscriptionItemResponse::default());
        }
        serde_json::from_str(&text).map_err(|e| UpstreamError::Malformed(e.to_string()))
    }

    /// A preview (`GetCustomerPricePreviewOnly=true`) for `who`. With `read` (a hash of
    /// the subscription read the change was priced on) it is coalesced and shared for the
    /// cache TTL with identical requests priced on the same read only — never with a
    /// preview made when the subscription was otherwise (DESIGN.md, "One read per
    /// quote"); without, it is sent fresh.
    ///
    /// # Errors
    /// [`UpstreamError`].
    pub async fn preview(
        &self,
        who: &Caller,
        req: &ItemCall,
        read: Option<&str>,
    ) -> Result<UpdateSubscriptionItemResponse, UpstreamError> {
        let Some(read) = read else {
            return self.update(who, "preview", req, true, None).await;
        };
        let key = format!(
            "{}{read}\u{1f}{}\u{1f}{}",
            preview_prefix(&req.subscription_id()),
            req.endpoint(),
            req.body().unwrap_or_default()
        );
        let (cell, shared) = self.previews.cell(&key, self.cfg.cache_ttl);
        if shared {
            self.metrics.coalesced("preview");
        }
        let r = cell
            .get_or_init(|| self.update(who, "preview", req, true, None))
            .await
            .clone();
        if r.is_err() {
            self.previews.forget_failed(&key, &cell);
        }
        r
    }

    /// A commit (`GetCustomerPricePreviewOnly=false`), in the commit class: sent once,
    /// never retried, only if it can finish by `until` (its deadline; otherwise nothing is
    /// sent: `Unavailable`); what is cached for the subscription is dropped afterwards
    /// whatever the outcome.
    ///
    /// # Errors
    /// [`UpstreamError`].
    pub async fn commit(
        &self,
        req: &ItemCall,
        until: Instant,
    ) -> Result<UpdateSubscriptionItemResponse, UpstreamError> {
        let sub = req.subscription_id();
        let who = Caller::commit(&sub);
        let r = self.update(&who, "commit", req, false, Some(until)).await;
        self.forget(&sub);
        r
    }
}

//! The Cleverbridge client with upstream discipline: per-attempt timeouts, at most 4
//! requests in flight, a sliding-window cap on requests per second, retries with
//! backoff (honouring `Retry-After`) for reads and previews only — never for commits —
//! and coalescing plus a short cache for identical subscription reads and previews.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;
use std::time::{Duration, Instant};

use parking_lot::Mutex;
use seatquote_core::wire::{
    parse_get_subscription, GetSubscriptionResponse, ResultMessage, UpdateSubscriptionItemRequest,
    UpdateSubscriptionItemResponse,
};
use tokio::sync::{OnceCell, Semaphore};

use crate::metrics::Metrics;

/// Why an upstream call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpstreamError {
    /// No answer within the timeout.
    Timeout,
    /// 429 (rate limited) or no connection (nothing was sent): try later.
    Unavailable {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// A non-2xx answer (other than 429), with Cleverbridge's `ResultMessage` if any.
    Status {
        /// HTTP status.
        status: u16,
        /// Message.
        message: String,
    },
    /// 200 with a body that is not the documented shape.
    Malformed(String),
    /// The connection ended without an answer after the request may have been written:
    /// Cleverbridge may or may not have acted on it.
    Reset,
}

impl UpstreamError {
    /// The metrics label of this outcome.
    pub fn outcome(&self) -> &'static str {
        match self {
            Self::Timeout => "timeout",
            Self::Unavailable { .. } => "unavailable",
            Self::Status { .. } => "status",
            Self::Malformed(_) => "malformed",
            Self::Reset => "reset",
        }
    }

    /// Whether the request certainly did not change anything upstream: only no
    /// connection (nothing sent), an answered 429 and an answered 4xx. A reset, a
    /// timeout, a 5xx or an unreadable answer leave the outcome unknown.
    pub fn certainly_not_applied(&self) -> bool {
        match self {
            Self::Unavailable { .. } => true,
            Self::Status { status, .. } => *status < 500,
            _ => false,
        }
    }
}

/// Settings of the client.
#[derive(Debug, Clone)]
pub struct UpstreamConfig {
    /// Base URL ending in `/subscription/`.
    pub base_url: String,
    /// Basic-auth user.
    pub username: String,
    /// Basic-auth password.
    pub password: String,
    /// Per-attempt timeout.
    pub timeout: Duration,
    /// Requests in flight (Cleverbridge advises at most 4).
    pub max_in_flight: usize,
    /// Requests per second (Cleverbridge blocks above 30).
    pub max_per_second: u32,
    /// How long identical reads and previews are shared.
    pub cache_ttl: Duration,
}

/// Largest upstream body read; a longer one is refused as malformed.
pub const MAX_UPSTREAM_BODY: usize = 1024 * 1024;

/// Reads a body up to [`MAX_UPSTREAM_BODY`] bytes.
async fn read_limited(mut resp: reqwest::Response) -> Result<String, UpstreamError> {
    let read_error = |e: reqwest::Error| {
        if e.is_timeout() {
            UpstreamError::Timeout
        } else {
            UpstreamError::Malformed(e.to_string())
        }
    };
    if resp
        .content_length()
        .is_some_and(|n| n > MAX_UPSTREAM_BODY as u64)
    {
        return Err(UpstreamError::Malformed("the body is too large".into()));
    }
    let mut buf = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(read_error)? {
        if buf.len() + chunk.len() > MAX_UPSTREAM_BODY {
            return Err(UpstreamError::Malformed("the body is too large".into()));
        }
        buf.extend_from_slice(&chunk);
    }
    String::from_utf8(buf).map_err(|e| UpstreamError::Malformed(e.to_string()))
}

type Cell<T> = Arc<OnceCell<Result<T, UpstreamError>>>;

struct Cache<T> {
    map: Mutex<HashMap<String, (Instant, Cell<T>)>>,
}

impl<T: Clone> Cache<T> {
    fn new() -> Self {
        Self {
            map: Mutex::new(HashMap::new()),
        }
    }

    fn cell(&self, key: &str, ttl: Duration) -> (Cell<T>, bool) {
        let mut m = self.map.lock();
        let now = Instant::now();
        if m.len() > 10_000 {
            m.retain(|_, (t, c)| c.get().is_none() || now.duration_since(*t) < ttl);
        }
        if let Some((t, c)) = m.get(key) {
            if c.get().is_none() || now.duration_since(*t) < ttl {
                return (c.clone(), true);
            }
        }
        let c: Cell<T> = Arc::new(OnceCell::new());
        m.insert(key.to_owned(), (now, c.clone()));
        (c, false)
    }

    fn forget_failed(&self, key: &str, cell: &Cell<T>) {
        let mut m = self.map.lock();
        if m.get(key).is_some_and(|(_, c)| Arc::ptr_eq(c, cell)) {
            m.remove(key);
        }
    }

    fn clear(&self) {
        self.map.lock().clear();
    }
}

/// The client.
pub struct Upstream {
    http: reqwest::Client,
    cfg: UpstreamConfig,
    in_flight: Semaphore,
    window: tokio::sync::Mutex<VecDeque<Instant>>,
    subs: Cache<GetSubscriptionResponse>,
    previews: Cache<UpdateSubscriptionItemResponse>,
    metrics: Arc<Metrics>,
}

impl Upstream {
    /// A client for this configuration.
    ///
    /// # Errors
    /// When the HTTP client cannot be built.
    pub fn new(cfg: UpstreamConfig, metrics: Arc<Metrics>) -> Result<Self, String> {
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
            in_flight: Semaphore::new(cfg.max_in_flight.max(1)),
            window: tokio::sync::Mutex::new(VecDeque::new()),
            subs: Cache::new(),
            previews: Cache::new(),
            cfg,
            metrics,
        })
    }

    /// Waits for a slot in the per-second window.
    async fn pace(&self) {
        if self.cfg.max_per_second == 0 {
            return;
        }
        let mut w = self.window.lock().await;
        loop {
            let now = Instant::now();
            while w
                .front()
                .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
            {
                w.pop_front();
            }
            if w.len() < self.cfg.max_per_second as usize {
                w.push_back(now);
                return;
            }
            if let Some(first) = w.front() {
                let wait = Duration::from_secs(1).saturating_sub(now.duration_since(*first));
                tokio::time::sleep(wait + Duration::from_millis(1)).await;
            }
        }
    }

    async fn send_once(
        &self,
        op: &'static str,
        req: reqwest::RequestBuilder,
    ) -> Result<String, UpstreamError> {
        let deadline = Instant::now() + self.cfg.timeout;
        let permit = tokio::time::timeout(self.cfg.timeout, self.in_flight.acquire())
            .await
            .map_err(|_| UpstreamError::Timeout)?
            .map_err(|_| UpstreamError::Unavailable { retry_after: 1 })?;
        tokio::time::timeout(
            deadline.saturating_duration_since(Instant::now()),
            self.pace(),
        )
        .await
        .map_err(|_| UpstreamError::Timeout)?;
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
            let retry_after = resp
                .headers()
                .get(reqwest::header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok());
            let body = read_limited(resp).await?;
            match status {
                200..=299 => Ok(body),
                429 => Err(UpstreamError::Unavailable {
                    retry_after: retry_after.unwrap_or(60),
                }),
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
    /// retried twice with backoff; a 429 only when its `Retry-After` fits the budget.
    async fn send_retrying<F>(&self, op: &'static str, make: F) -> Result<String, UpstreamError>
    where
        F: Fn() -> reqwest::RequestBuilder,
    {
        let budget = Instant::now() + self.cfg.timeout * 2;
        let mut backoff = Duration::from_millis(100);
        let mut attempt = 0;
        loop {
            attempt += 1;
            let res = self.send_once(op, make()).await;
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

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.cfg.base_url)
    }

    /// `getsubscription`, shared with identical calls for the cache TTL unless `fresh`.
    ///
    /// # Errors
    /// [`UpstreamError`].
    pub async fn get_subscription(
        &self,
        id: &str,
        fresh: bool,
    ) -> Result<GetSubscriptionResponse, UpstreamError> {
        let fetch = || async {
            let body = self
                .send_retrying("getsubscription", || {
                    self.http
                        .get(self.url("getsubscription"))
                        .query(&[("subscriptionId", id)])
                })
                .await?;
            parse_get_subscription(&body).map_err(|e| UpstreamError::Malformed(e.to_string()))
        };
        if fresh {
            let r = fetch().await;
            self.subs.clear();
            return r;
        }
        let (cell, shared) = self.subs.cell(id, self.cfg.cache_ttl);
        if shared {
            self.metrics.coalesced("getsubscription");
        }
        let r = cell.get_or_init(fetch).await.clone();
        if r.is_err() {
            self.subs.forget_failed(id, &cell);
        }
        r
    }

    async fn update(
        &self,
        op: &'static str,
        req: &UpdateSubscriptionItemRequest,
        retry: bool,
    ) -> Result<UpdateSubscriptionItemResponse, UpstreamError> {
        let body =
            serde_json::to_string(req).map_err(|e| UpstreamError::Malformed(e.to_string()))?;
        let make = || {
            self.http
                .post(self.url("updatesubscriptionitem"))
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(body.clone())
        };
        let text = if retry {
            self.send_retrying(op, make).await?
        } else {
            self.send_once(op, make()).await?
        };
        serde_json::from_str(&text).map_err(|e| UpstreamError::Malformed(e.to_string()))
    }

    /// A preview (`GetCustomerPricePreviewOnly=true`), coalesced and cached unless `fresh`.
    ///
    /// # Errors
    /// [`UpstreamError`].
    pub async fn preview(
        &self,
        req: &UpdateSubscriptionItemRequest,
        fresh: bool,
    ) -> Result<UpdateSubscriptionItemResponse, UpstreamError> {
        if fresh {
            return self.update("preview", req, true).await;
        }
        let key = serde_json::to_string(req).unwrap_or_default();
        let (cell, shared) = self.previews.cell(&key, self.cfg.cache_ttl);
        if shared {
            self.metrics.coalesced("preview");
        }
        let r = cell
            .get_or_init(|| self.update("preview", req, true))
            .await
            .clone();
        if r.is_err() {
            self.previews.forget_failed(&key, &cell);
        }
        r
    }

    /// A commit (`GetCustomerPricePreviewOnly=false`): sent once, never retried; caches
    /// are dropped afterwards whatever the outcome.
    ///
    /// # Errors
    /// [`UpstreamError`].
    pub async fn commit(
        &self,
        req: &UpdateSubscriptionItemRequest,
    ) -> Result<UpdateSubscriptionItemResponse, UpstreamError> {
        let r = self.update("commit", req, false).await;
        self.subs.clear();
        self.previews.clear();
        r
    }
}

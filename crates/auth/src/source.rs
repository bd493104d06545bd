//! Where the keys come from: fixed (a secret, inline JSON) or reloaded (a JWKS file or URL)
//! with caching and a bounded refresh rate.
//!
//! A reloaded set is used for `max_age`; after that, or when a token names a `kid` the set
//! does not have, it is reloaded, but never more than once per `min_interval` (so a flood
//! of tokens with made-up `kid`s cannot turn into a flood of requests to the JWKS host).
//! When a reload fails the last good set stays in use.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use crate::{AuthError, ConfigError, KeySet};

/// Largest JWKS document read (bytes).
const MAX_JWKS_BYTES: usize = 1 << 20;
/// Time allowed for one JWKS request.
const FETCH_TIMEOUT: Duration = Duration::from_secs(5);

/// The key source of a verifier.
pub(crate) enum Source {
    /// Keys that never change while the proxy runs.
    Fixed(Arc<KeySet>),
    /// Keys reloaded from a file or URL (boxed: the cache is much larger than an `Arc`).
    Reloaded(Box<Reloaded>),
}

/// Where a reloaded set is read from.
pub(crate) enum Origin {
    /// A JWKS file.
    File(PathBuf),
    /// A JWKS URL.
    Url {
        url: reqwest::Url,
        client: reqwest::Client,
    },
}

/// A cached, reloaded key set.
pub(crate) struct Reloaded {
    origin: Origin,
    max_age: Duration,
    min_interval: Duration,
    /// The last good set and when it was loaded.
    current: RwLock<Option<(Arc<KeySet>, Instant)>>,
    /// When a load was last attempted (held while loading, so loads never overlap).
    last_attempt: tokio::sync::Mutex<Option<Instant>>,
}

impl Source {
    /// The key set to look `kid` up in, reloading it first when due and allowed.
    pub(crate) async fn keys_for(&self, kid: Option<&str>) -> Result<Arc<KeySet>, AuthError> {
        match self {
            Self::Fixed(set) => Ok(set.clone()),
            Self::Reloaded(r) => r.keys_for(kid).await,
        }
    }
}

impl Reloaded {
    /// A reloaded source; `initial` is a set already loaded (a file read at start-up).
    pub(crate) fn new(
        origin: Origin,
        initial: Option<KeySet>,
        max_age: Duration,
        min_interval: Duration,
    ) -> Self {
        let now = Instant::now();
        Self {
            origin,
            max_age,
            min_interval,
            current: RwLock::new(initial.map(|s| (Arc::new(s), now))),
            last_attempt: tokio::sync::Mutex::new(None),
        }
    }

    fn snapshot(&self) -> Option<(Arc<KeySet>, Instant)> {
        self.current
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    async fn keys_for(&self, kid: Option<&str>) -> Result<Arc<KeySet>, AuthError> {
        if let Some((set, loaded)) = self.snapshot() {
            if loaded.elapsed() < self.max_age && set.find(kid).is_some() {
                return Ok(set);
            }
        }
        self.reload_if_allowed().await;
        self.snapshot()
            .map(|(set, _)| set)
            .ok_or(AuthError::KeysUnavailable)
    }

    /// Reloads unless a load was attempted less than `min_interval` ago.
    async fn reload_if_allowed(&self) {
        let mut last = self.last_attempt.lock().await;
        if last.is_some_and(|t| t.elapsed() < self.min_interval) {
            return;
        }
        *last = Some(Instant::now());
        match self.load().await {
            Ok(set) => {
                tracing::debug!(keys = ?set.key_ids(), "token key set loaded");
                *self.current.write().unwrap_or_else(|p| p.into_inner()) =
                    Some((Arc::new(set), Instant::now()));
            }
            Err(e) => {
                tracing::warn!(error = %e, "token key set not reloaded; keeping the last one")
            }
        }
    }

    /// Loads the set now (also used at start-up to fail early).
    pub(crate) async fn load(&self) -> Result<KeySet, ConfigError> {
        let text = match &self.origin {
            Origin::File(path) => tokio::fs::read_to_string(path).await.map_err(|e| {
                ConfigError::Jwks(format!("file {} cannot be read: {e}", path.display()))
            })?,
            Origin::Url { url, client } => fetch(client, url).await?,
        };
        KeySet::from_jwks_json(&text)
    }

    /// Loads the set now and makes it current, whatever the refresh interval.
    pub(crate) async fn refresh(&self) -> Result<(), ConfigError> {
        let mut last = self.last_attempt.lock().await;
        *last = Some(Instant::now());
        let set = self.load().await?;
        *self.current.write().unwrap_or_else(|p| p.into_inner()) =
            Some((Arc::new(set), Instant::now()));
        Ok(())
    }
}

/// GETs a JWKS document (at most [`MAX_JWKS_BYTES`]); a redirect is an error (the client
/// follows none).
async fn fetch(client: &reqwest::Client, url: &reqwest::Url) -> Result<String, ConfigError> {
    let fail = |e: String| ConfigError::Jwks(format!("at {url} cannot be fetched: {e}"));
    let mut response = client
        .get(url.clone())
        .header(
            http::header::ACCEPT,
            "application/jwk-set+json, application/json",
        )
        .timeout(FETCH_TIMEOUT)
        .send()
        .await
        .map_err(|e| fail(e.to_string()))?;
    if response.status().is_redirection() {
        return Err(fail(format!(
            "it answered a redirect (HTTP {}), which is not followed; configure the key set's own URL",
            response.status()
        )));
    }
    if !response.status().is_success() {
        return Err(fail(format!("HTTP {}", response.status())));
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| fail(e.to_string()))? {
        if body.len() + chunk.len() > MAX_JWKS_BYTES {
            return Err(fail(format!("larger than {MAX_JWKS_BYTES} bytes")));
        }
        body.extend_from_slice(&chunk);
    }
    String::from_utf8(body).map_err(|_| fail("not UTF-8".into()))
}

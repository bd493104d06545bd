//! Configuration, the router and the server loop.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use seatquote_core::date::Date;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::ServeDir;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::api::{self, App, AppState};
use crate::metrics::Metrics;
use crate::policy::{Policy, DEMO_POLICY};
use crate::sandbox::{Fixture, Sandbox, DEFAULT_FIXTURE, SANDBOX_PASSWORD, SANDBOX_USER};
use crate::store::SqliteStore;
use crate::token::{parse_ttl, CustomerClaims, Signer};
use crate::upstream::{Upstream, UpstreamConfig};

/// The OpenAPI document served at `/api/openapi.json`.
pub const OPENAPI: &str = include_str!("../openapi.json");

/// The Content-Security-Policy sent on every response.
pub const CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// Settings from the environment, falling back to an optional TOML file
/// (`SEATQUOTE_CONFIG`) whose keys are the variable names in lower case without the
/// `SEATQUOTE_` prefix (`port`, `cleverbridge_base_url`, `data_dir`, …).
pub struct Config {
    file: toml::Table,
}

impl Config {
    /// Reads `SEATQUOTE_CONFIG` if set.
    ///
    /// # Errors
    /// When the file cannot be read or parsed.
    pub fn load() -> Result<Self, String> {
        let file = match std::env::var("SEATQUOTE_CONFIG") {
            Ok(path) if !path.is_empty() => {
                let text = std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?;
                text.parse::<toml::Table>()
                    .map_err(|e| format!("{path}: {e}"))?
            }
            _ => toml::Table::new(),
        };
        Ok(Self { file })
    }

    /// A setting: the environment variable, else the file's key.
    pub fn get(&self, env: &str) -> Option<String> {
        if let Ok(v) = std::env::var(env) {
            if !v.is_empty() {
                return Some(v);
            }
        }
        let key = env
            .strip_prefix("SEATQUOTE_")
            .unwrap_or(env)
            .to_ascii_lowercase();
        match self.file.get(&key)? {
            toml::Value::String(s) => Some(s.clone()),
            toml::Value::Integer(i) => Some(i.to_string()),
            toml::Value::Boolean(b) => Some(b.to_string()),
            toml::Value::Array(a) => Some(
                a.iter()
                    .filter_map(|v| v.as_str())
                    .collect::<Vec<_>>()
                    .join(","),
            ),
            _ => None,
        }
    }

    fn num<T: std::str::FromStr>(&self, env: &str, default: T) -> Result<T, String> {
        match self.get(env) {
            None => Ok(default),
            Some(v) => v.parse().map_err(|_| format!("{env}: not a number: {v}")),
        }
    }

    fn today(&self) -> Result<Option<Date>, String> {
        self.get("SEATQUOTE_SANDBOX_TODAY")
            .map(|s| {
                Date::parse(&s).map_err(|_| format!("SEATQUOTE_SANDBOX_TODAY: not YYYY-MM-DD: {s}"))
            })
            .transpose()
    }
}

/// `seatquote-proxy token …`.
///
/// # Errors
/// Without `SEATQUOTE_TOKEN_SECRET` or with a bad TTL.
pub fn print_token(cfg: &Config, customer: &str, subs: &[String], ttl: &str) -> Result<(), String> {
    let secret = cfg
        .get("SEATQUOTE_TOKEN_SECRET")
        .ok_or("SEATQUOTE_TOKEN_SECRET is required to sign tokens")?;
    let ttl = parse_ttl(ttl).ok_or("--ttl: use e.g. 30s, 15m, 1h or 2d")?;
    let claims = CustomerClaims {
        cus: customer.to_owned(),
        subs: subs
            .iter()
            .map(|s| seatquote_core::wire::normalize_subscription_id(s))
            .collect(),
        exp: chrono::Utc::now().timestamp() + ttl,
    };
    println!("{}", Signer::new(secret.as_bytes()).sign("cust", &claims));
    Ok(())
}

fn sandbox_from(cfg: &Config) -> Result<Sandbox, String> {
    let text = match cfg.get("SEATQUOTE_SANDBOX_FIXTURE") {
        Some(path) => std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?,
        None => DEFAULT_FIXTURE.to_owned(),
    };
    let fixture = Fixture::parse(&text)?;
    Ok(Sandbox::new(
        fixture,
        cfg.today()?,
        cfg.num("SEATQUOTE_SANDBOX_RATE_LIMIT", 30u32)?,
    ))
}

/// Runs `serve` (or `sandbox` when `sandbox_only`) until SIGINT/SIGTERM.
///
/// # Errors
/// Bad configuration or a failure to bind.
pub fn run(cfg: Config, sandbox_only: bool) -> Result<(), String> {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async move {
        let host = cfg
            .get("SEATQUOTE_LISTEN")
            .unwrap_or_else(|| "127.0.0.1".into());
        let port: u16 = cfg.num("PORT", 8080)?;
        let listener = tokio::net::TcpListener::bind((host.as_str(), port))
            .await
            .map_err(|e| format!("cannot listen on {host}:{port}: {e}"))?;
        let addr = listener.local_addr().map_err(|e| e.to_string())?;
        let router = if sandbox_only {
            let sb = sandbox_from(&cfg)?;
            tracing::info!(today = %sb.today().to_iso_string(), "sandbox only");
            sb.router().route(
                "/healthz",
                get(|| async { Json(serde_json::json!({"status": "ok", "mode": "sandbox-only"})) }),
            )
        } else {
            build(&cfg, addr)?
        };
        let router = with_security_headers(router);
        println!("listening on http://{addr}");
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(shutdown())
        .await
        .map_err(|e| e.to_string())
    })
}

async fn shutdown() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {},
            _ = term.recv() => {},
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}

fn with_security_headers(router: Router) -> Router {
    router
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
        .layer(SetResponseHeaderLayer::if_not_present(
            header::REFERRER_POLICY,
            HeaderValue::from_static("no-referrer"),
        ))
}

fn build(cfg: &Config, addr: SocketAddr) -> Result<Router, String> {
    let base = cfg.get("CLEVERBRIDGE_BASE_URL");
    let live = base.is_some();
    let sandbox = if live { None } else { Some(sandbox_from(cfg)?) };
    let secret = match cfg.get("SEATQUOTE_TOKEN_SECRET") {
        Some(s) if s.len() >= 16 => s.into_bytes(),
        Some(_) => return Err("SEATQUOTE_TOKEN_SECRET must be at least 16 characters".into()),
        None if live => {
            return Err(
                "SEATQUOTE_TOKEN_SECRET is required with CLEVERBRIDGE_BASE_URL (live mode)".into(),
            )
        }
        None => rand::random::<[u8; 32]>().to_vec(),
    };
    let (base_url, username, password) = match &base {
        Some(b) => (
            if b.ends_with('/') {
                b.clone()
            } else {
                format!("{b}/")
            },
            cfg.get("CLEVERBRIDGE_USERNAME").unwrap_or_default(),
            cfg.get("CLEVERBRIDGE_PASSWORD").unwrap_or_default(),
        ),
        None => (
            format!("http://127.0.0.1:{}/sandbox/subscription/", addr.port()),
            SANDBOX_USER.to_owned(),
            SANDBOX_PASSWORD.to_owned(),
        ),
    };
    let policy_text = match cfg.get("SEATQUOTE_POLICY") {
        Some(path) => std::fs::read_to_string(&path).map_err(|e| format!("{path}: {e}"))?,
        None => DEMO_POLICY.to_owned(),
    };
    let policy = Policy::parse(&policy_text).map_err(|e| format!("policy: {e}"))?;
    let data_dir = PathBuf::from(
        cfg.get("SEATQUOTE_DATA_DIR")
            .unwrap_or_else(|| "./.seatquote".into()),
    );
    let store = SqliteStore::open(&data_dir)?;
    let metrics = Arc::new(Metrics::default());
    let upstream = Upstream::new(
        UpstreamConfig {
            base_url: base_url.clone(),
            username,
            password,
            timeout: Duration::from_millis(cfg.num("SEATQUOTE_UPSTREAM_TIMEOUT_MS", 5000u64)?),
            max_in_flight: cfg
                .num("SEATQUOTE_UPSTREAM_MAX_IN_FLIGHT", 4usize)?
                .clamp(1, 4),
            max_per_second: cfg.num("SEATQUOTE_UPSTREAM_RPS", 25u32)?.min(30),
            cache_ttl: Duration::from_millis(cfg.num("SEATQUOTE_CACHE_MS", 2000u64)?),
        },
        metrics.clone(),
    )?;
    let fixed_today = cfg.today()?;
    if live && fixed_today.is_some() {
        tracing::warn!("SEATQUOTE_SANDBOX_TODAY is set in live mode: quotes use that date");
    }
    let app: AppState = Arc::new(App {
        upstream,
        policy,
        signer: Signer::new(&secret),
        store: Arc::new(store),
        metrics: metrics.clone(),
        demo: sandbox.as_ref().map(|s| Arc::new(s.fixture().clone())),
        fixed_today,
        quote_ttl: cfg.num("SEATQUOTE_QUOTE_TTL", 900i64)?.max(1),
        failpoint: cfg.get("SEATQUOTE_FAILPOINT"),
        key_locks: Default::default(),
    });
    tracing::info!(mode = app.environment(), upstream = %base_url, data_dir = %data_dir.display(), "proxy configured");

    let mut router = Router::new()
        .route("/api/subscriptions/{id}", get(api::summary))
        .route(
            "/api/subscriptions/{id}/items/{running_no}/preview",
            post(api::preview),
        )
        .route(
            "/api/subscriptions/{id}/items/{running_no}/commit",
            post(api::commit),
        )
        .route("/demo/login", post(api::demo_login))
        .route("/api/openapi.json", get(openapi))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .layer(middleware::from_fn_with_state(app.clone(), count))
        .layer(DefaultBodyLimit::max(api::BODY_LIMIT * 4))
        .with_state(app);
    if let Some(sb) = &sandbox {
        router = router.merge(sb.router());
    }
    let static_dir = cfg
        .get("SEATQUOTE_STATIC_DIR")
        .unwrap_or_else(|| "www".into());
    let pkg_dir = cfg.get("SEATQUOTE_PKG_DIR").unwrap_or_else(|| "pkg".into());
    router = router
        .nest_service("/pkg", ServeDir::new(pkg_dir))
        .fallback_service(ServeDir::new(static_dir).append_index_html_on_directories(true));
    if let Some(origins) = cfg.get("SEATQUOTE_ALLOWED_ORIGINS") {
        let list: Vec<HeaderValue> = origins
            .split(',')
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .filter_map(|o| HeaderValue::from_str(o).ok())
            .collect();
        if !list.is_empty() {
            router = router.layer(
                CorsLayer::new()
                    .allow_origin(AllowOrigin::list(list))
                    .allow_methods([Method::GET, Method::POST])
                    .allow_headers([
                        header::AUTHORIZATION,
                        header::CONTENT_TYPE,
                        HeaderName::from_static("idempotency-key"),
                    ])
                    // Not CORS-safelisted: without this a cross-origin widget cannot
                    // read when to retry after a 503.
                    .expose_headers([header::RETRY_AFTER])
                    .max_age(Duration::from_secs(600)),
            );
        }
    }
    Ok(router)
}

async fn count(State(app): State<AppState>, req: Request, next: Next) -> Response {
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "other".to_owned(), |m| m.as_str().to_owned());
    let res = next.run(req).await;
    app.metrics.http(&route, res.status().as_u16());
    res
}

async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

async fn healthz(State(app): State<AppState>) -> Response {
    Json(serde_json::json!({ "status": "ok", "mode": app.environment() })).into_response()
}

async fn metrics_text(State(app): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        app.metrics.render(),
    )
        .into_response()
}

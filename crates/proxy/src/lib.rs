//! # seatquote-proxy
//!
//! The merchant proxy: it holds the Cleverbridge credentials, checks the customer's
//! token (a JWT from the merchant's backend), applies the merchant's pricing policy and forwards previews and commits
//! to Cleverbridge's subscription API with rate limits, retries and idempotent commits.
//! The browser never sees a credential and never sets a price (docs/proxy.md).
//!
//! [`app`] is the whole HTTP surface as an axum [`Router`]; the `seatquote-proxy` binary
//! only parses [`Config`], builds [`App`] and serves it.
//!
//! | module | concern |
//! |---|---|
//! | [`config`], [`jwt`] | settings, and refusing unsafe ones |
//! | [`auth`] | the customer's JWT (an extractor over `seatquote_auth::Verifier`) |
//! | [`extract`] | path, `Idempotency-Key` and JSON body, rejected as problems |
//! | [`context`] | the subscription and an item's pricing context |
//! | [`summary`], [`preview`], [`commit`] | the three API routes ([`attempt`]: a commit key's earlier attempts) |
//! | [`problem`] | problem+json and the `From` impls into it |
//! | [`upstream`], [`budget`] | the Cleverbridge client; the upstream budget every request passes |
//! | [`store`], [`ledger`] | the commit ledger's store (SQLite or PostgreSQL) and its transitions |
//! | [`migrate`] | the stores' versioned schema migrations |
//! | [`policy`], [`token`], [`metrics`] | pricing policy, quote tokens, counters |
//! | [`operator`] | the `keys` and `token` subcommands |
//! | [`outbox`], [`deliverer`], [`webhook_config`] | events written with the ledger, delivered as signed webhooks |
//! | [`notifications`], [`notify_parse`] | Cleverbridge's notifications |
//! | [`events_api`], [`events_cli`] | the merchant's events API and `events tail` |
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[path = "ledger/attempt.rs"]
pub mod attempt;
#[path = "http/auth.rs"]
pub mod auth;
pub mod budget;
#[path = "http/commit.rs"]
pub mod commit;
pub mod config;
#[path = "http/context.rs"]
pub mod context;
#[path = "workers/deliverer.rs"]
pub mod deliverer;
#[path = "http/events.rs"]
pub mod events_api;
#[path = "cli/events.rs"]
pub mod events_cli;
#[path = "http/extract.rs"]
pub mod extract;
#[path = "config/jwt.rs"]
pub mod jwt;
pub mod ledger;
pub mod metrics;
#[path = "store/migrate.rs"]
pub mod migrate;
#[path = "http/notifications.rs"]
pub mod notifications;
#[path = "domain/notification.rs"]
pub mod notify_parse;
#[path = "cli/operator.rs"]
pub mod operator;
#[path = "domain/event.rs"]
pub mod outbox;
#[path = "store/postgres/outbox.rs"]
pub mod outbox_pg;
#[path = "store/sqlite/outbox.rs"]
pub mod outbox_sqlite;
#[path = "domain/policy.rs"]
pub mod policy;
#[path = "http/preview.rs"]
pub mod preview;
pub mod problem;
pub mod state;
pub mod store;
#[path = "store/postgres/ledger.rs"]
pub mod store_pg;
#[path = "store/sqlite/ledger.rs"]
pub mod store_sqlite;
#[path = "http/summary.rs"]
pub mod summary;
#[path = "domain/quote_token.rs"]
pub mod token;
pub mod upstream;
#[path = "config/webhooks.rs"]
pub mod webhook_config;

use std::time::Duration;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;

pub use config::{Config, ConfigError};
pub use problem::Problem;
pub use state::{App, AppState};

/// The OpenAPI document served at `/api/openapi.json`.
pub const OPENAPI: &str = include_str!("../openapi.json");

/// The Content-Security-Policy sent on every response.
pub const CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// The proxy's routes with their middleware: the API, `/api/openapi.json`, `/healthz`
/// and `/metrics`; every other path and method answers a problem document. Called
/// within a Tokio runtime, it also starts the commit ledger's background reconciler
/// ([`ledger::spawn_reconciler`]), which stops when the state is dropped.
pub fn app(state: AppState) -> Router {
    ledger::spawn_reconciler(&state);
    deliverer::spawn_deliverer(&state);
    let mut router = Router::new()
        .route("/api/subscriptions/{id}", get(summary::summary))
        .route(
            "/api/subscriptions/{id}/items/{running_no}/preview",
            post(preview::preview),
        )
        .route(
            "/api/subscriptions/{id}/items/{running_no}/commit",
            post(commit::commit),
        )
        .route("/api/events", get(events_api::list))
        .route("/api/events/{id}/redeliver", post(events_api::redeliver))
        .route(
            "/api/cleverbridge/notifications",
            post(notifications::notification),
        )
        .route("/api/openapi.json", get(openapi))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text))
        .layer(middleware::from_fn(problem::problems_only))
        .layer(middleware::from_fn_with_state(state.clone(), count))
        .layer(DefaultBodyLimit::max(extract::BODY_LIMIT))
        .with_state(state.clone());
    if !state.allowed_origins.is_empty() {
        router = router.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(state.allowed_origins.clone()))
                .allow_methods([Method::GET, Method::POST])
                .allow_headers([
                    header::AUTHORIZATION,
                    header::CONTENT_TYPE,
                    HeaderName::from_static("idempotency-key"),
                ])
                // Not CORS-safelisted: without this a cross-origin widget cannot read
                // when to retry after a 503.
                .expose_headers([header::RETRY_AFTER])
                .max_age(Duration::from_secs(600)),
        );
    }
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
        .layer(SetResponseHeaderLayer::if_not_present(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
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

async fn healthz() -> Response {
    Json(serde_json::json!({ "status": "ok" })).into_response()
}

async fn metrics_text(State(app): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        app.metrics.render() + &app.upstream.budget().render(),
    )
        .into_response()
}

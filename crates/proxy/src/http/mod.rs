//! The HTTP surface: [`app`] (the router, its middleware, `/api/openapi.json`,
//! `/healthz` and `/metrics`), the server that serves it with its limits ([`server`]),
//! the extractors ([`auth`], [`extract`]), the pricing context ([`context`]) and one
//! module per API route: [`summary`], [`preview`], [`commit`] (its upstream call in
//! [`send`]; with [`schedule`]: changes at the next billing date), [`events`] (the
//! merchant's events API), [`intents`] (the operator's view of commits needing attention)
//! and [`notifications`] (Cleverbridge's); in builds with the `fixed-clock` feature,
//! [`test_clock`] (moves a pinned clock; docs/proxy.md, "One clock").

pub mod auth;
pub mod catalogue;
pub mod commit;
pub mod context;
pub mod events;
pub mod extract;
pub mod intents;
pub mod notifications;
pub mod plan;
pub mod preview;
pub mod quoted;
pub mod schedule;
pub mod send;
pub mod server;
pub mod summary;
#[cfg(feature = "fixed-clock")]
pub mod test_clock;

use std::time::Duration;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::http::{header, HeaderName, HeaderValue, Method};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::set_header::SetResponseHeaderLayer;

use crate::problem::problems_only;
use crate::state::AppState;

/// The OpenAPI document served at `/api/openapi.json`.
pub const OPENAPI: &str = include_str!("../../openapi.json");

/// The Content-Security-Policy sent on every response.
pub const CSP: &str = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/// The proxy's routes with their middleware: the API, `/api/openapi.json`, `/healthz`
/// and `/metrics`; every other path and method answers a problem document. It starts no
/// background task: the reconciler and the deliverer are
/// [`crate::spawn_workers`]'s.
pub fn app(state: AppState) -> Router {
    let routes = Router::new()
        .route("/api/subscriptions/{id}", get(summary::summary))
        .route(
            "/api/subscriptions/{id}/items/{running_no}/preview",
            post(preview::preview),
        )
        .route(
            "/api/subscriptions/{id}/items/{running_no}/commit",
            post(commit::commit),
        )
        .route(
            "/api/subscriptions/{id}/items/{running_no}/scheduled",
            delete(schedule::cancel),
        )
        .route(
            "/api/subscriptions/{id}/items/preview",
            post(preview::preview_add),
        )
        .route(
            "/api/subscriptions/{id}/items/commit",
            post(commit::commit_add),
        )
        .route("/api/events", get(events::list))
        .route("/api/events/{id}/redeliver", post(events::redeliver))
        .route("/api/intents", get(intents::list))
        .route("/api/intents/retry", post(intents::retry))
        .route(
            "/api/cleverbridge/notifications",
            post(notifications::notification),
        )
        .route("/api/openapi.json", get(openapi))
        .route("/healthz", get(healthz))
        .route("/metrics", get(metrics_text));
    let mut router = with_test_clock(routes, &state)
        .layer(middleware::from_fn(problems_only))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            server::body_deadline,
        ))
        .layer(middleware::from_fn_with_state(state.clone(), count))
        .layer(DefaultBodyLimit::max(extract::BODY_LIMIT))
        .with_state(state.clone());
    if !state.allowed_origins.is_empty() {
        router = router.layer(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(state.allowed_origins.clone()))
                .allow_methods([Method::GET, Method::POST, Method::DELETE])
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

/// `routes` with `POST /api/_test/clock` when this process's clock is pinned
/// (`SEATQUOTE_TODAY`): a test or demo build's only (docs/proxy.md, "One clock").
#[cfg(feature = "fixed-clock")]
fn with_test_clock(routes: Router<AppState>, state: &AppState) -> Router<AppState> {
    if state.fixed_today.is_some() {
        routes.route(test_clock::PATH, post(test_clock::move_clock))
    } else {
        routes
    }
}

/// `routes` as they are: a build without the `fixed-clock` feature has no clock to move.
#[cfg(not(feature = "fixed-clock"))]
fn with_test_clock(routes: Router<AppState>, _: &AppState) -> Router<AppState> {
    routes
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

//! # seatquote-sandbox
//!
//! A fake Cleverbridge subscription API for demos and tests (binary
//! `cleverbridge-sandbox`): `getsubscription`, `updatesubscriptionitem` (seats or a change
//! of plan), `addsubscriptionitem` and `deactivatesubscriptionitems` with Cleverbridge's
//! shapes and untidiness, prices from the core engine, state in memory seeded from a
//! fixture (`fixtures/sandbox.json`: subscriptions and the product catalogue) and
//! optionally generated customers
//! ([`generate`]), a clock that can be pinned, Cleverbridge's per-client rate limit with
//! counters of how close callers came to it, and fault injection for tests.
//!
//! Routes (all under `/sandbox`):
//! - `GET  /sandbox/subscription/getsubscription?subscriptionId=S…` (Basic auth)
//! - `POST /sandbox/subscription/updatesubscriptionitem` (Basic auth)
//! - `POST /sandbox/subscription/addsubscriptionitem` (Basic auth)
//! - `POST /sandbox/subscription/deactivatesubscriptionitems` (Basic auth)
//! - `POST /sandbox/_admin/fault`, `POST /sandbox/_admin/price`, `POST /sandbox/_admin/coupon`,
//!   `POST /sandbox/_admin/next-billing-scope`,
//!   `GET /sandbox/_admin/counters`, `POST /sandbox/_admin/reset`,
//!   `POST /sandbox/_admin/clock` (moves the clock forward and bills the renewals it
//!   passes: `clock.rs`) (no auth: never expose the sandbox beyond a test machine)
//! - notifications like Cleverbridge's to a configured URL ([`notifier`]):
//!   `POST /sandbox/_admin/quantity`, `POST /sandbox/_admin/notify`,
//!   `POST /sandbox/_admin/notify-fault`, `GET /sandbox/_admin/notifications`
//!
//! The merchant proxy knows nothing of this crate: it is pointed at the sandbox's base
//! URL (`http://127.0.0.1:PORT/sandbox/subscription/`) like at Cleverbridge's.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod addons;
mod admin;
mod admin_notify;
mod cleverbridge;
mod clock;
pub mod fault;
pub mod fixture;
pub mod generate;
mod model;
pub mod notifier;
pub mod pricing;
mod rate;
mod state;
mod wire;

use axum::routing::{get, post};
use axum::Router;

pub use fault::{Call, Fault, FaultKind, FaultTarget, RequestKind};
pub use fixture::{Fixture, DEFAULT_FIXTURE};
pub use notifier::Notifier;
pub use pricing::NextBillingScope;
pub use state::{utc_today, Sandbox};

/// The sandbox's fixed Basic-auth user.
pub const SANDBOX_USER: &str = "sandbox";
/// The sandbox's fixed Basic-auth password.
pub const SANDBOX_PASSWORD: &str = "sandbox";

/// The sandbox's routes (paths start with `/sandbox`). Serve with
/// `into_make_service_with_connect_info::<SocketAddr>()`: the rate limit is per client IP.
pub fn router(sandbox: &Sandbox) -> Router {
    Router::new()
        .route(
            "/sandbox/subscription/getsubscription",
            get(cleverbridge::get_subscription),
        )
        .route(
            "/sandbox/subscription/updatesubscriptionitem",
            post(cleverbridge::update_item),
        )
        .route(
            "/sandbox/subscription/addsubscriptionitem",
            post(addons::add_item),
        )
        .route(
            "/sandbox/subscription/deactivatesubscriptionitems",
            post(addons::deactivate_items),
        )
        .route("/sandbox/_admin/fault", post(admin::admin_fault))
        .route("/sandbox/_admin/price", post(admin::admin_price))
        .route("/sandbox/_admin/coupon", post(admin::admin_coupon))
        .route(
            "/sandbox/_admin/next-billing-scope",
            post(admin::admin_next_billing_scope),
        )
        .route("/sandbox/_admin/counters", get(admin::admin_counters))
        .route("/sandbox/_admin/reset", post(admin::admin_reset))
        .route("/sandbox/_admin/clock", post(clock::admin_clock))
        .route(
            "/sandbox/_admin/quantity",
            post(admin_notify::admin_quantity),
        )
        .route("/sandbox/_admin/notify", post(admin_notify::admin_notify))
        .route(
            "/sandbox/_admin/notify-fault",
            post(admin_notify::admin_notify_fault),
        )
        .route(
            "/sandbox/_admin/notifications",
            get(admin_notify::admin_notifications),
        )
        .with_state(sandbox.clone())
}

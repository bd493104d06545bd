//! # seatquote-proxy
//!
//! The merchant proxy: it holds the Cleverbridge credentials, checks the customer's
//! token (a JWT from the merchant's backend), applies the merchant's pricing policy and forwards previews and commits
//! to Cleverbridge's subscription API with rate limits, retries and idempotent commits.
//! The browser never sees a credential and never sets a price (docs/proxy.md).
//!
//! [`app`] is the whole HTTP surface as an axum [`Router`](axum::Router); the
//! `seatquote-proxy` binary parses [`Config`], builds [`App`], starts the background
//! workers ([`spawn_workers`]) and serves the router ([`serve`]: header and body
//! timeouts, a connection cap).
//!
//! | module | concern |
//! |---|---|
//! | `cli` | the command line: `serve`, the operator's `keys`, `token`, `events tail` and `intents` |
//! | `config` | settings, and refusing unsafe ones (`refusal`, a leaf; JWT, webhook and database settings) |
//! | `domain` | pure: commit intents, outbox events, Cleverbridge's notifications, quote tokens, the pricing policy and the merchant's catalogue |
//! | `store` | the ledger's, the outbox's and the scheduled changes' storage traits, their `sqlite` and `postgres` implementations, migrations |
//! | `ledger` | the commit ledger's transitions and their resolution; a key's earlier attempts |
//! | `workers` | the background reconciler, heartbeat, scheduler, webhook deliverer and outbox pruner ([`spawn_workers`]) |
//! | `http` | the router, extractors, customer auth, the routes (summary, preview, commit — seats, plans, add-ons, drops —, scheduled changes, events API, intents needing attention, notifications), `/metrics`; the server and its limits |
//! | `upstream`, `budget` | the Cleverbridge client; the upstream budget every request passes |
//! | `state`, `problem`, `metrics` | what the handlers share ([`App`]); problem+json ([`Problem`]); counters |
//!
//! The modules depend downwards only, with no circle: `workers` → `http` (the scheduler
//! sends through the commit path); `http` and `workers` → `ledger` → `state` → `config`,
//! `upstream` → `budget` → `store` → `domain`; `problem` → `upstream`, `store`; `cli` →
//! `config` → `store` (the database URL's TLS connector).
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod budget;
mod cli;
mod config;
mod domain;
mod http;
mod ledger;
mod metrics;
mod problem;
mod state;
mod store;
mod upstream;
mod workers;

pub use cli::{run_operator, Cli, Command};
pub use config::{Config, ConfigError};
pub use http::server::serve;
pub use http::{app, CSP, OPENAPI};
pub use problem::Problem;
pub use state::{App, AppState, PolicySource};
pub use workers::spawn_workers;

// The stores' contract, driven directly by the store and outbox tests
// (crates/proxy/tests/proxy/store/).
pub use domain::event::{commit_event, Delivery};
pub use domain::intent::{Intent, IntentState, ItemState};
pub use domain::notification::parse as parse_notification;
pub use store::{
    now_ms, Begin, Cancelled, IdempotencyStore, OutboxStore, Parked, PgConnect, PgStore, Plan,
    Record, ScheduleStore, Scheduled, SqliteStore, SslMode, StoreError,
};

// The upstream budget shared through PostgreSQL, driven directly by the rate tests.
pub use budget::{Class, PgBudget, SharedBudget, Take};

//! The proxy's integration tests, one binary, grouped like `src/`: real
//! `seatquote-proxy` and `cleverbridge-sandbox` processes on loopback (the proxy built
//! with its `failpoints` feature: see the dev-dependency in Cargo.toml), the router
//! in-process, and the stores and the shared budget driven directly. [`helpers`] is the
//! harness.

#[macro_use]
mod helpers;

mod budget;
mod catalogue;
mod cli;
mod config;
mod docs;
mod http;
mod ledger;
mod schedule;
mod startup;
mod store;
mod workers;

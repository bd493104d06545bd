//! The proxy's own HTTP server against slow or hoarding clients (slowloris): how long a
//! client may take to send a request's headers and its body, and how many connections
//! it may hold at once (docs/proxy.md, "Configuration").

use std::time::Duration;

use clap::Args;

use super::refusal::{refuse, ConfigError};

/// The server's settings, as given.
#[derive(Debug, Clone, Args)]
pub struct ServerSettings {
    /// How long a client may take to send a request's headers, milliseconds (from
    /// connecting, or from the previous answer on a kept-alive connection); then the
    /// connection is closed.
    #[arg(
        long,
        env = "SEATQUOTE_HEADER_TIMEOUT_MS",
        value_name = "SEATQUOTE_HEADER_TIMEOUT_MS",
        default_value_t = 10_000
    )]
    pub header_timeout_ms: u64,
    /// How long a client may take to send a request's body once its headers are in,
    /// milliseconds; then 408 `request_timeout` and the connection is closed.
    #[arg(
        long,
        env = "SEATQUOTE_BODY_TIMEOUT_MS",
        value_name = "SEATQUOTE_BODY_TIMEOUT_MS",
        default_value_t = 10_000
    )]
    pub body_timeout_ms: u64,
    /// Connections served at once; more wait in the listen queue until one closes.
    #[arg(
        long,
        env = "SEATQUOTE_MAX_CONNECTIONS",
        value_name = "SEATQUOTE_MAX_CONNECTIONS",
        default_value_t = 512
    )]
    pub max_connections: usize,
}

/// The server's limits, checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerLimits {
    /// See [`ServerSettings::header_timeout_ms`].
    pub header_timeout: Duration,
    /// See [`ServerSettings::body_timeout_ms`].
    pub body_timeout: Duration,
    /// See [`ServerSettings::max_connections`].
    pub max_connections: usize,
}

/// The longest either timeout may be, milliseconds (5 minutes).
const MAX_TIMEOUT_MS: u64 = 300_000;
/// The most connections allowed.
const MAX_CONNECTIONS: usize = 100_000;

impl ServerSettings {
    /// The limits, checked.
    ///
    /// # Errors
    /// A timeout of 0 or over 5 minutes; 0 or over 100 000 connections.
    pub fn limits(&self) -> Result<ServerLimits, ConfigError> {
        for (var, ms) in [
            ("SEATQUOTE_HEADER_TIMEOUT_MS", self.header_timeout_ms),
            ("SEATQUOTE_BODY_TIMEOUT_MS", self.body_timeout_ms),
        ] {
            if !(1..=MAX_TIMEOUT_MS).contains(&ms) {
                return Err(refuse(
                    var,
                    format!("is {ms}; it must be from 1 to {MAX_TIMEOUT_MS} milliseconds"),
                ));
            }
        }
        if !(1..=MAX_CONNECTIONS).contains(&self.max_connections) {
            return Err(refuse(
                "SEATQUOTE_MAX_CONNECTIONS",
                format!(
                    "is {}; it must be from 1 to {MAX_CONNECTIONS}",
                    self.max_connections
                ),
            ));
        }
        Ok(ServerLimits {
            header_timeout: Duration::from_millis(self.header_timeout_ms),
            body_timeout: Duration::from_millis(self.body_timeout_ms),
            max_connections: self.max_connections,
        })
    }
}

//! `seatquote-proxy`: the merchant proxy and the Cleverbridge sandbox.
//!
//! Run with `cargo run -p seatquote-proxy` (sandbox mode: the sandbox is mounted at
//! `/sandbox/…` and the proxy talks to it over loopback HTTP), or
//! `seatquote-proxy sandbox` (the sandbox alone), or
//! `seatquote-proxy token --customer C-1001 --subscription S68841753 --ttl 1h`.
//! Configuration: environment variables (see docs/proxy.md) and an optional TOML file
//! (`SEATQUOTE_CONFIG`).

#![forbid(unsafe_code)]

mod api;
mod metrics;
mod policy;
mod problem;
mod sandbox;
mod server;
mod store;
mod token;
mod upstream;

use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(
    name = "seatquote-proxy",
    version,
    about = "seatquote merchant proxy and Cleverbridge sandbox"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the proxy API, the static files and (without CLEVERBRIDGE_BASE_URL) the sandbox.
    Serve,
    /// Serve only the Cleverbridge sandbox (base URL http://127.0.0.1:PORT/sandbox/subscription/).
    Sandbox,
    /// Print a customer bearer token (needs SEATQUOTE_TOKEN_SECRET).
    Token {
        /// The merchant's customer id.
        #[arg(long)]
        customer: String,
        /// A subscription the token may touch (repeatable).
        #[arg(long = "subscription", required = true)]
        subscriptions: Vec<String>,
        /// Lifetime: 30s, 15m, 1h, 2d.
        #[arg(long, default_value = "1h")]
        ttl: String,
    },
}

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    let cfg = match server::Config::load() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("seatquote-proxy: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let result = match cli.command.unwrap_or(Command::Serve) {
        Command::Token {
            customer,
            subscriptions,
            ttl,
        } => server::print_token(&cfg, &customer, &subscriptions, &ttl),
        Command::Serve => server::run(cfg, false),
        Command::Sandbox => server::run(cfg, true),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("seatquote-proxy: {e}");
            std::process::ExitCode::from(1)
        }
    }
}

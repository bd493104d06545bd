//! The command line: [`Cli`] and its subcommands, `serve` (the settings are
//! [`crate::config::Config`]) and the operator's `keys`, `token`, `events tail` and
//! `intents list` / `intents retry`.

pub mod admin;
pub mod events;
pub mod intents;
pub mod operator;

use clap::{Parser, Subcommand};

use crate::config::Config;
use events::EventsCommand;
use intents::IntentsCommand;
use operator::{KeysArgs, TokenArgs};

/// The command line.
#[derive(Debug, Parser)]
#[command(
    name = "seatquote-proxy",
    version,
    about = "The seatquote merchant proxy: customer auth, pricing policy and Cleverbridge forwarding"
)]
pub struct Cli {
    /// What to do (default: `serve`).
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the proxy API.
    Serve(Box<Config>),
    /// Mint a customer token (a JWT) from a private key: for operators and tests; a
    /// merchant's backend mints with its own JWT library (docs/tokens.md).
    Token(TokenArgs),
    /// Generate a key pair: the private key (PEM, mode 0600) for the merchant's backend,
    /// the public JWKS (printed) for the proxy's `SEATQUOTE_JWKS`.
    Keys(KeysArgs),
    /// The outbox's events, from a running proxy's events API (docs/webhooks.md).
    #[command(subcommand)]
    Events(EventsCommand),
    /// Commits whose outcome could not be resolved and need a person (docs/webhooks.md).
    #[command(subcommand)]
    Intents(IntentsCommand),
}

/// Runs an operator's subcommand (`token`, `keys`, `events tail`, `intents …`), printing
/// what it makes: a token, a JWKS, events, commits needing attention.
///
/// # Errors
/// The subcommand's own, as one line; `serve` is not an operator's subcommand.
pub fn run_operator(command: &Command) -> Result<(), String> {
    match command {
        Command::Token(t) => operator::token(t).map(|t| println!("{t}")),
        Command::Keys(k) => operator::keys(k).map(|jwks| println!("{jwks}")),
        Command::Events(e) => events::run(e),
        Command::Intents(i) => intents::run(i),
        Command::Serve(_) => Err("serve is not an operator's subcommand".into()),
    }
}

//! `seatquote-proxy events tail`: prints the outbox's events from a running proxy's
//! events API (docs/webhooks.md), one line each, and keeps following until interrupted
//! (`--once`: print what is there and exit). Authenticated by the merchant's admin token.

use std::time::Duration;

use clap::{Args, Subcommand};
use seatquote_core::contract::{EventPage, EventRecord};

use super::admin::{with_client, Proxy};

/// `seatquote-proxy events …`.
#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// Print events after a cursor, then follow new ones.
    Tail(TailArgs),
}

/// `seatquote-proxy events tail …`.
#[derive(Debug, Args)]
pub struct TailArgs {
    /// The proxy.
    #[command(flatten)]
    pub proxy: Proxy,
    /// Start after this cursor (0: from the first event).
    #[arg(long, default_value = "0")]
    pub after: String,
    /// Print the events there are and exit.
    #[arg(long)]
    pub once: bool,
    /// Print each event as its JSON record (default: one readable line).
    #[arg(long)]
    pub json: bool,
    /// How often to ask for new events when following, milliseconds.
    #[arg(long, default_value_t = 1000)]
    pub interval_ms: u64,
}

/// One readable line: cursor, time, type, subscription, delivery, attempts, id, and the
/// URL it is delivered to (`to=-` while it has none).
pub fn line(e: &EventRecord) -> String {
    let sub = if e.subscription_id.is_empty() {
        "-"
    } else {
        &e.subscription_id
    };
    format!(
        "{:>6}  {}  {:<29} {:<10} {:<9} attempts={} {} to={}",
        e.cursor,
        e.created_at,
        e.kind,
        sub,
        e.delivery,
        e.attempts,
        e.id,
        e.target_url.as_deref().unwrap_or("-")
    )
}

/// Runs `events …`.
///
/// # Errors
/// The proxy unreachable or refusing the token.
pub fn run(cmd: &EventsCommand) -> Result<(), String> {
    let EventsCommand::Tail(a) = cmd;
    with_client(|client| async move {
        let mut after = a.after.clone();
        loop {
            let path = format!("/api/events?after={after}&limit=100");
            let p: EventPage = a.proxy.call(&client, &path, None).await?;
            for e in &p.events {
                if a.json {
                    println!("{}", serde_json::to_string(e).map_err(|e| e.to_string())?);
                } else {
                    println!("{}", line(e));
                }
            }
            let more = p.events.len() == 100;
            after = p.next_cursor;
            if !more {
                if a.once {
                    return Ok(());
                }
                tokio::time::sleep(Duration::from_millis(a.interval_ms.max(100))).await;
            }
        }
    })
}

//! `seatquote-proxy events tail`: prints the outbox's events from a running proxy's
//! events API (docs/webhooks.md), one line each, and keeps following until interrupted
//! (`--once`: print what is there and exit). Authenticated by the merchant's admin token.

use std::time::Duration;

use clap::{Args, Subcommand};
use seatquote_core::contract::{EventPage, EventRecord};

/// `seatquote-proxy events …`.
#[derive(Debug, Subcommand)]
pub enum EventsCommand {
    /// Print events after a cursor, then follow new ones.
    Tail(TailArgs),
}

/// `seatquote-proxy events tail …`.
#[derive(Debug, Args)]
pub struct TailArgs {
    /// The proxy's base URL.
    #[arg(
        long,
        env = "SEATQUOTE_PROXY_URL",
        default_value = "http://127.0.0.1:8080"
    )]
    pub url: String,
    /// The merchant's admin token.
    #[arg(
        long,
        env = "SEATQUOTE_ADMIN_TOKEN",
        value_name = "SEATQUOTE_ADMIN_TOKEN",
        hide_env_values = true
    )]
    pub admin_token: String,
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

async fn page(client: &reqwest::Client, a: &TailArgs, after: &str) -> Result<EventPage, String> {
    let url = format!(
        "{}/api/events?after={after}&limit=100",
        a.url.trim_end_matches('/')
    );
    let res = client
        .get(&url)
        .bearer_auth(&a.admin_token)
        .send()
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    let status = res.status();
    let text = res.text().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("{url}: HTTP {}: {text}", status.as_u16()));
    }
    serde_json::from_str(&text).map_err(|e| format!("{url}: unexpected answer: {e}"))
}

/// Runs `events …`.
///
/// # Errors
/// The proxy unreachable or refusing the token.
pub fn run(cmd: &EventsCommand) -> Result<(), String> {
    let EventsCommand::Tail(a) = cmd;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .map_err(|e| e.to_string())?;
        let mut after = a.after.clone();
        loop {
            let p = page(&client, a, &after).await?;
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

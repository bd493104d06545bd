//! `seatquote-proxy intents …`: the commits parked as needing attention, from a running
//! proxy's admin API (docs/webhooks.md, "Events API"): `list` prints them, `retry` makes
//! one due for a read again. Authenticated by the merchant's admin token.

use clap::{Args, Subcommand};
use serde_json::Value;

use super::admin::{with_client, Proxy};

/// `seatquote-proxy intents …`.
#[derive(Debug, Subcommand)]
pub enum IntentsCommand {
    /// Print the commits needing attention, oldest first, one line each.
    List(ListArgs),
    /// Read a commit needing attention again (its failures forgotten).
    Retry(RetryArgs),
}

/// `seatquote-proxy intents list …`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// The proxy.
    #[command(flatten)]
    pub proxy: Proxy,
    /// Print each as its JSON record (default: one readable line).
    #[arg(long)]
    pub json: bool,
}

/// `seatquote-proxy intents retry …`.
#[derive(Debug, Args)]
pub struct RetryArgs {
    /// The proxy.
    #[command(flatten)]
    pub proxy: Proxy,
    /// The customer.
    #[arg(long)]
    pub customer: String,
    /// The customer's Idempotency-Key of the commit.
    #[arg(long)]
    pub key: String,
}

/// One readable line: since, customer, key, subscription and item, seats, failed reads.
pub fn line(i: &Value) -> String {
    let s = |k: &str| i[k].as_str().unwrap_or("-").to_owned();
    format!(
        "{}  {}  {}  {}/{}  {} → {}  failures={}",
        s("since"),
        s("customerId"),
        s("idempotencyKey"),
        s("subscriptionId"),
        i["runningNumber"],
        i["fromQuantity"],
        i["quantity"],
        i["resolveFailures"]
    )
}

/// Runs `intents …`.
///
/// # Errors
/// The proxy unreachable or refusing the token; no such commit needing attention.
pub fn run(cmd: &IntentsCommand) -> Result<(), String> {
    with_client(|client| async move {
        match cmd {
            IntentsCommand::List(a) => {
                let page: Value = a.proxy.call(&client, "/api/intents", None).await?;
                for i in page["intents"].as_array().into_iter().flatten() {
                    if a.json {
                        println!("{i}");
                    } else {
                        println!("{}", line(i));
                    }
                }
                Ok(())
            }
            IntentsCommand::Retry(a) => {
                let body = serde_json::json!({"customerId": a.customer, "idempotencyKey": a.key});
                let _: Value = a
                    .proxy
                    .call(&client, "/api/intents/retry", Some(&body))
                    .await?;
                println!("queued: {} {}", a.customer, a.key);
                Ok(())
            }
        }
    })
}

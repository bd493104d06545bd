//! `seatquote-proxy intents …`: the commits parked as needing attention, from a running
//! proxy's admin API (docs/webhooks.md, "Events API"): `list` prints them, `retry` makes
//! one due for a read again. Authenticated by the merchant's admin token.

use std::time::Duration;

use clap::{Args, Subcommand};
use serde_json::Value;

/// `seatquote-proxy intents …`.
#[derive(Debug, Subcommand)]
pub enum IntentsCommand {
    /// Print the commits needing attention, oldest first, one line each.
    List(ListArgs),
    /// Read a commit needing attention again (its failures forgotten).
    Retry(RetryArgs),
}

/// Where the proxy is and the admin token.
#[derive(Debug, Args)]
pub struct Proxy {
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

async fn call(rb: reqwest::RequestBuilder, url: &str) -> Result<Value, String> {
    let res = rb.send().await.map_err(|e| format!("{url}: {e}"))?;
    let status = res.status();
    let text = res.text().await.map_err(|e| e.to_string())?;
    if !status.is_success() {
        return Err(format!("{url}: HTTP {}: {text}", status.as_u16()));
    }
    serde_json::from_str(&text).map_err(|e| format!("{url}: unexpected answer: {e}"))
}

/// Runs `intents …`.
///
/// # Errors
/// The proxy unreachable or refusing the token; no such commit needing attention.
pub fn run(cmd: &IntentsCommand) -> Result<(), String> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(20))
            .build()
            .map_err(|e| e.to_string())?;
        match cmd {
            IntentsCommand::List(a) => {
                let url = format!("{}/api/intents", a.proxy.url.trim_end_matches('/'));
                let rb = client.get(&url).bearer_auth(&a.proxy.admin_token);
                let page = call(rb, &url).await?;
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
                let url = format!("{}/api/intents/retry", a.proxy.url.trim_end_matches('/'));
                let body = serde_json::json!({"customerId": a.customer, "idempotencyKey": a.key});
                let rb = client
                    .post(&url)
                    .bearer_auth(&a.proxy.admin_token)
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .body(body.to_string());
                call(rb, &url).await?;
                println!("queued: {} {}", a.customer, a.key);
                Ok(())
            }
        }
    })
}

//! What the operator's subcommands that talk to a running proxy share (`events tail`,
//! `intents …`): where the proxy is, the merchant's admin token, and one authenticated
//! JSON call (docs/webhooks.md, "Events API").

use std::future::Future;
use std::time::Duration;

use clap::Args;
use serde::de::DeserializeOwned;

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

impl Proxy {
    /// The URL of an API path (`/api/events?…`) on this proxy.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.url.trim_end_matches('/'))
    }

    /// `GET path` (`body` `None`) or `POST path` with a JSON body, with the admin token;
    /// the answer decoded.
    ///
    /// # Errors
    /// The proxy unreachable, an answer other than 2xx (its status and body), or an
    /// answer that is not the expected JSON; each naming the URL.
    pub async fn call<T: DeserializeOwned>(
        &self,
        client: &reqwest::Client,
        path: &str,
        body: Option<&serde_json::Value>,
    ) -> Result<T, String> {
        let url = self.url(path);
        let rb = match body {
            None => client.get(&url),
            Some(b) => client
                .post(&url)
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .body(b.to_string()),
        };
        let res = rb
            .bearer_auth(&self.admin_token)
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
}

/// Runs `work` on a current-thread runtime with an HTTP client (20 s per request).
///
/// # Errors
/// The runtime or client could not be built, or `work`'s own error.
pub fn with_client<F, Fut>(work: F) -> Result<(), String>
where
    F: FnOnce(reqwest::Client) -> Fut,
    Fut: Future<Output = Result<(), String>>,
{
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| e.to_string())?;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .map_err(|e| e.to_string())?;
    rt.block_on(work(client))
}

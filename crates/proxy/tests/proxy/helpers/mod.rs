//! Test harness: real `seatquote-proxy` and `cleverbridge-sandbox` processes on
//! loopback, killed on drop, and the proxy's router in-process ([`in_process`]).

#[macro_use]
pub mod backend;
pub use backend::Backend;
pub mod hooks;
pub mod store;
pub use store::cut_sessions;

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

use serde_json::Value;

pub const BIN: &str = env!("CARGO_BIN_EXE_seatquote-proxy");
/// The demo's pricing policy: every proxy the tests start names it (there is no built-in one).
pub const POLICY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/policy.demo.toml");
/// The proxy's own quote-token secret.
pub const SECRET: &str = "test-secret-0123456789abcdef-0123456789";
/// The audience the test proxy is configured with and test tokens name.
pub const AUDIENCE: &str = "https://shop.test/seatquote";

/// The merchant's key pair for this test process (generated once): tokens are minted with
/// its private key, the proxy gets only its public JWKS.
pub fn merchant_key() -> &'static seatquote_auth::GeneratedKey {
    static KEY: std::sync::OnceLock<seatquote_auth::GeneratedKey> = std::sync::OnceLock::new();
    KEY.get_or_init(|| seatquote_auth::generate_keypair(seatquote_auth::KeyKind::Ed25519).unwrap())
}

/// The public JWKS the proxy verifies with.
pub fn jwks() -> String {
    merchant_key().jwks_json()
}

/// The sandbox binary: built next to the proxy's by `cargo test --workspace` (`npm
/// test`), or by `cargo build -p seatquote-sandbox`. The proxy does not depend on it.
pub fn sandbox_bin() -> PathBuf {
    let p = std::path::Path::new(BIN).with_file_name("cleverbridge-sandbox");
    assert!(
        p.exists(),
        "{} is missing: run `cargo build -p seatquote-sandbox` (or `cargo test --workspace`)",
        p.display()
    );
    p
}
/// Fails the test unless the proxy was built with the `failpoints` feature.
pub fn needs_failpoints() {
    let help = std::process::Command::new(BIN)
        .args(["serve", "--help"])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&help.stdout).contains("SEATQUOTE_FAILPOINT"),
        "this test needs the failpoints build: cargo test --features seatquote-proxy/failpoints"
    );
}

pub const TODAY: &str = "2026-05-13";

pub struct Proc {
    child: Child,
    pub base: String,
    pub lines: Receiver<String>,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Proc {
    /// SIGKILL now.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Waits for a stdout line containing `needle`.
    pub fn wait_line(&self, needle: &str, timeout: Duration) -> bool {
        let end = std::time::Instant::now() + timeout;
        while let Some(left) = end.checked_duration_since(std::time::Instant::now()) {
            match self.lines.recv_timeout(left) {
                Ok(l) if l.contains(needle) => return true,
                Ok(_) => {}
                Err(_) => return false,
            }
        }
        false
    }
}

pub fn spawn(args: &[&str], envs: &[(&str, String)]) -> Proc {
    spawn_bin(std::path::Path::new(BIN), args, envs)
}

pub fn spawn_bin(bin: &std::path::Path, args: &[&str], envs: &[(&str, String)]) -> Proc {
    let mut cmd = Command::new(bin);
    cmd.args(args)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("PORT", "0")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn");
    let out = child.stdout.take().expect("stdout");
    let (tx, rx) = channel();
    std::thread::spawn(move || {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut base = None;
    while let Ok(line) = rx.recv_timeout(Duration::from_secs(20)) {
        if let Some(rest) = line.strip_prefix("listening on ") {
            base = Some(rest.trim().to_owned());
            break;
        }
    }
    let base = match base {
        Some(b) => b,
        None => {
            let _ = child.kill();
            panic!("{} did not start", bin.display());
        }
    };
    Proc {
        child,
        base,
        lines: rx,
    }
}

pub fn tmp_dir(tag: &str) -> PathBuf {
    static N: AtomicU32 = AtomicU32::new(0);
    let d = std::env::temp_dir().join(format!(
        "seatquote-test-{}-{}-{}",
        std::process::id(),
        tag,
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

pub fn sandbox(extra: &[(&str, String)]) -> Proc {
    let mut envs = vec![("SEATQUOTE_TODAY", TODAY.to_owned())];
    envs.extend(extra.iter().cloned());
    spawn_bin(&sandbox_bin(), &[], &envs)
}

pub fn proxy_env(sandbox: &Proc, data: &std::path::Path) -> Vec<(&'static str, String)> {
    vec![
        (
            "CLEVERBRIDGE_BASE_URL",
            format!("{}/sandbox/subscription/", sandbox.base),
        ),
        ("CLEVERBRIDGE_USERNAME", "sandbox".into()),
        ("CLEVERBRIDGE_PASSWORD", "sandbox".into()),
        ("SEATQUOTE_TOKEN_SECRET", SECRET.into()),
        ("SEATQUOTE_JWKS", jwks()),
        ("SEATQUOTE_JWT_AUDIENCE", AUDIENCE.into()),
        (
            "SEATQUOTE_DATA_DIR",
            data.join("data").display().to_string(),
        ),
        ("SEATQUOTE_TODAY", TODAY.into()),
        ("SEATQUOTE_POLICY", POLICY.into()),
        ("SEATQUOTE_UPSTREAM_TIMEOUT_MS", "800".into()),
        ("SEATQUOTE_COMMIT_QUARANTINE_MS", "2000".into()),
    ]
}

/// The proxy's router in this process, configured as [`proxy`] configures the process
/// (`extra`: more `--flag value` pairs).
pub fn in_process(sandbox: &Proc, data: &std::path::Path, extra: &[&str]) -> axum::Router {
    in_process_at(
        &format!("{}/sandbox/subscription/", sandbox.base),
        data,
        extra,
    )
}

/// [`in_process`] against any Cleverbridge base URL.
pub fn in_process_at(base: &str, data: &std::path::Path, extra: &[&str]) -> axum::Router {
    let base = base.to_owned();
    let dir = data.join("data").display().to_string();
    let jwks = jwks();
    let mut args = vec![
        "seatquote-proxy",
        "--cleverbridge-base-url",
        &base,
        "--cleverbridge-username",
        "sandbox",
        "--cleverbridge-password",
        "sandbox",
        "--token-secret",
        SECRET,
        "--jwks",
        &jwks,
        "--jwt-audience",
        AUDIENCE,
        "--data-dir",
        &dir,
        "--today",
        TODAY,
        "--policy",
        POLICY,
        "--upstream-timeout-ms",
        "800",
    ];
    args.extend_from_slice(extra);
    let cfg = <seatquote_proxy::Config as clap::Parser>::try_parse_from(args).unwrap();
    let state = seatquote_proxy::App::from_config(&cfg).unwrap();
    seatquote_proxy::spawn_workers(&state);
    seatquote_proxy::app(state)
}

pub fn proxy(sandbox: &Proc, data: &std::path::Path, extra: &[(&str, String)]) -> Proc {
    let mut envs = proxy_env(sandbox, data);
    envs.extend(extra.iter().cloned());
    spawn(&["serve"], &envs)
}

/// A sandbox process and a live-mode proxy pointed at it.
pub struct Pair {
    pub sandbox: Proc,
    pub proxy: Proc,
    pub data: PathBuf,
    /// The proxy's PostgreSQL database (`None`: its SQLite store under `data`).
    pub db: Option<String>,
    pub http: reqwest::Client,
}

/// A sandbox and a proxy on the SQLite store.
pub fn pair(extra: &[(&str, String)]) -> Pair {
    pair_on(Backend::Sqlite, extra)
}

/// A sandbox and a proxy on `store`.
pub fn pair_on(store: Backend, extra: &[(&str, String)]) -> Pair {
    let sandbox = sandbox(&[]);
    let data = tmp_dir("pair");
    let db = store.database();
    let mut envs = extra.to_vec();
    if let Some(url) = &db {
        envs.push(("SEATQUOTE_DATABASE_URL", url.clone()));
    }
    let proxy = proxy(&sandbox, &data, &envs);
    Pair {
        sandbox,
        proxy,
        data,
        db,
        http: client(),
    }
}

pub fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

/// Unix seconds now.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A customer token as the merchant's backend mints it: issued at `iat`, valid for
/// `lifetime` seconds, signed with [`merchant_key`].
pub fn token_at(customer: &str, subs: &[&str], iat: i64, lifetime: i64) -> String {
    let claims =
        seatquote_auth::Claims::new(customer, subs.iter().copied(), AUDIENCE, iat, lifetime);
    let key = merchant_key();
    seatquote_auth::mint(&key.private_key_pem, &key.kid, &claims).unwrap()
}

/// A customer token valid from now for `ttl` (`30s`, `1h`, …).
pub fn token(customer: &str, subs: &[&str], ttl: &str) -> String {
    let ttl = seatquote_auth::parse_duration(ttl).unwrap().as_secs() as i64;
    token_at(customer, subs, now(), ttl)
}

pub fn c1001() -> String {
    token(
        "C-1001",
        &["S68841753", "S70000001", "S70000002", "S70000006"],
        "1h",
    )
}

pub fn c2002() -> String {
    token("C-2002", &["S70000003", "S70000004", "S70000005"], "1h")
}

pub struct Res {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Value,
    pub text: String,
}

impl Res {
    pub fn code(&self) -> &str {
        self.body["code"].as_str().unwrap_or("")
    }
}

pub async fn send(rb: reqwest::RequestBuilder) -> Res {
    let r = rb.send().await.expect("request");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let text = r.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Res {
        status,
        headers,
        body,
        text,
    }
}

impl Pair {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.proxy.base, path)
    }

    pub async fn get(&self, path: &str, token: &str) -> Res {
        send(self.http.get(self.url(path)).bearer_auth(token)).await
    }

    pub async fn delete(&self, path: &str, token: &str) -> Res {
        send(self.http.delete(self.url(path)).bearer_auth(token)).await
    }

    pub async fn post(&self, path: &str, token: &str, body: &str, key: Option<&str>) -> Res {
        let mut rb = self
            .http
            .post(self.url(path))
            .bearer_auth(token)
            .header("content-type", "application/json")
            .body(body.to_owned());
        if let Some(k) = key {
            rb = rb.header("Idempotency-Key", k);
        }
        send(rb).await
    }

    pub async fn preview(&self, token: &str, sub: &str, item: u32, qty: u32, mode: &str) -> Res {
        self.post(
            &format!("/api/subscriptions/{sub}/items/{item}/preview"),
            token,
            &format!(r#"{{"quantity":{qty},"alignment":"{mode}"}}"#),
            None,
        )
        .await
    }

    pub async fn commit(
        &self,
        token: &str,
        sub: &str,
        item: u32,
        quote_token: &str,
        key: &str,
    ) -> Res {
        self.post(
            &format!("/api/subscriptions/{sub}/items/{item}/commit"),
            token,
            &format!(r#"{{"quoteToken":"{quote_token}","consent":true}}"#),
            Some(key),
        )
        .await
    }

    pub async fn admin(&self, path: &str, body: Option<&str>) -> Value {
        let url = format!("{}/sandbox/_admin/{path}", self.sandbox.base);
        let rb = match body {
            Some(b) => self
                .http
                .post(url)
                .header("content-type", "application/json")
                .body(b.to_owned()),
            None => self.http.get(url),
        };
        send(rb).await.body
    }

    pub async fn commits(&self, sub: &str) -> u64 {
        self.admin("counters", None).await["commits"][sub]
            .as_u64()
            .unwrap_or(0)
    }

    pub async fn upstream_requests(&self) -> u64 {
        self.admin("counters", None).await["totalRequests"]
            .as_u64()
            .unwrap_or(0)
    }

    pub async fn fault(&self, kind: &str, count: u32, ms: Option<u64>) {
        let body = match ms {
            Some(ms) => format!(r#"{{"fault":"{kind}","count":{count},"ms":{ms}}}"#),
            None => format!(r#"{{"fault":"{kind}","count":{count}}}"#),
        };
        self.admin("fault", Some(&body)).await;
    }

    /// A fault for the next `count` Cleverbridge requests of one kind (`target`).
    pub async fn fault_on(&self, kind: &str, target: &str, count: u32, ms: Option<u64>) -> Value {
        let mut body = serde_json::json!({"fault": kind, "count": count, "target": target});
        if let Some(ms) = ms {
            body["ms"] = ms.into();
        }
        self.admin("fault", Some(&body.to_string())).await
    }

    /// Requests of one kind (`getsubscription`, `preview`, `commit`) the sandbox received,
    /// faulted or not.
    pub async fn attempts(&self, kind: &str) -> u64 {
        self.admin("counters", None).await["attempts"][kind]
            .as_u64()
            .unwrap_or(0)
    }

    /// `getsubscription` requests the sandbox received for one subscription, faulted or not.
    pub async fn reads(&self, sub: &str) -> u64 {
        self.admin("counters", None).await["reads"][sub]
            .as_u64()
            .unwrap_or(0)
    }

    /// Seats of a sandbox subscription item.
    pub async fn quantity(&self, sub: &str, item: u32) -> u64 {
        self.admin("counters", None).await["quantities"][sub][item.to_string()]
            .as_u64()
            .unwrap_or(0)
    }

    /// The proxy's `/metrics` text.
    pub async fn metrics(&self) -> String {
        send(self.http.get(self.url("/metrics"))).await.text
    }

    /// A new proxy process on the same sandbox and store (after a kill), with `extra`.
    pub fn restart(&mut self, extra: &[(&str, String)]) {
        let mut envs = extra.to_vec();
        if let Some(url) = &self.db {
            envs.push(("SEATQUOTE_DATABASE_URL", url.clone()));
        }
        self.proxy = proxy(&self.sandbox, &self.data, &envs);
    }

    /// The state (`recorded`, `sent`, `unknown`, `done`, `disputed`) of the proxy's record
    /// for a customer's Idempotency-Key, read from its store; `None` when there is no
    /// record.
    pub fn intent_state(&self, customer: &str, idempotency_key: &str) -> Option<String> {
        let key = format!("{customer}\u{1f}{idempotency_key}");
        if let Some(url) = &self.db {
            let rows =
                seatquote_testkit::query(url, "SELECT state FROM commits WHERE key = $1", &[&key])
                    .expect("read the proxy's PostgreSQL store");
            return rows.first().map(|r| r.get(0));
        }
        let db = self.data.join("data").join("seatquote.sqlite3");
        let c = rusqlite::Connection::open(db).expect("open the proxy's store");
        c.busy_timeout(Duration::from_secs(5)).unwrap();
        c.query_row("SELECT state FROM commits WHERE key = ?1", [key], |r| {
            r.get(0)
        })
        .ok()
    }
}

/// The value of one Prometheus series (`name{labels}`) in a text exposition, 0 if absent.
pub fn metric(text: &str, series: &str) -> u64 {
    text.lines()
        .find_map(|l| {
            l.strip_prefix(series)?
                .strip_prefix(' ')?
                .trim()
                .parse()
                .ok()
        })
        .unwrap_or(0)
}

impl Pair {
    /// The sandbox's `commitsReceived` and `commitsApplied` counters.
    pub async fn commit_counts(&self) -> (u64, u64) {
        let c = self.admin("counters", None).await;
        (
            c["commitsReceived"].as_u64().unwrap_or(0),
            c["commitsApplied"].as_u64().unwrap_or(0),
        )
    }

    /// Commits with the same key until the answer is not `commit_outcome_unknown`
    /// (the ledger resolves an unknown outcome within seconds), at most `within`.
    pub async fn commit_resolved(
        &self,
        token: &str,
        sub: &str,
        item: u32,
        quote_token: &str,
        key: &str,
        within: Duration,
    ) -> Res {
        let end = std::time::Instant::now() + within;
        loop {
            let r = self.commit(token, sub, item, quote_token, key).await;
            if r.code() != "commit_outcome_unknown" || std::time::Instant::now() > end {
                return r;
            }
            assert!(r.headers.contains_key("retry-after"), "{}", r.text);
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }

    /// Waits until the proxy's record for the key is in `state` (or gone, for `None`).
    pub async fn wait_state(
        &self,
        customer: &str,
        key: &str,
        state: Option<&str>,
        within: Duration,
    ) -> bool {
        let end = std::time::Instant::now() + within;
        while std::time::Instant::now() < end {
            if self.intent_state(customer, key).as_deref() == state {
                return true;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        false
    }

    /// A sandbox subscription's `Items` (every revision), read at the sandbox.
    pub async fn sandbox_items(&self, sub: &str) -> Vec<Value> {
        let base = format!("{}/sandbox/subscription/", self.sandbox.base);
        let got = send(
            self.http
                .get(format!("{base}getsubscription"))
                .basic_auth("sandbox", Some("sandbox"))
                .query(&[("subscriptionId", sub)]),
        )
        .await;
        got.body["Subscription"]["Items"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    /// The product id of a sandbox subscription item, read at the sandbox.
    pub async fn product_of(&self, sub: &str, item: u32) -> Value {
        self.sandbox_items(sub)
            .await
            .iter()
            .find(|i| i["RunningNo"].to_string().trim_matches('"') == item.to_string())
            .map(|i| i["ProductId"].clone())
            .unwrap()
    }

    /// A commit made directly at the sandbox (a change made outside the proxy): the
    /// item's quantity set to `qty`.
    pub async fn outside_commit(&self, sub: &str, item: u32, qty: u32) {
        let base = format!("{}/sandbox/subscription/", self.sandbox.base);
        let product = self.product_of(sub, item).await;
        let body = serde_json::json!({
            "SubscriptionId": sub,
            "RunningNumber": item,
            "ProductId": product,
            "Quantity": qty,
            "AlignmentSettings": {"AlignToCurrentInterval": false, "ExtendInterval": false, "GetCustomerPricePreviewOnly": false},
        });
        let r = send(
            self.http
                .post(format!("{base}updatesubscriptionitem"))
                .basic_auth("sandbox", Some("sandbox"))
                .json(&body),
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
}

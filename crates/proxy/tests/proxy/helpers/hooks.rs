//! Provisioning test helpers: the Node webhook receiver (tests/receiver/receiver.mjs,
//! verifying with the `standardwebhooks` npm package), admin calls to the events API,
//! Cleverbridge notifications, and committed changes.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::*;

/// The current webhook signing secret (32 bytes).
pub const WH_SECRET: &str = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSwMfKQ9r8GKYo=";
/// The previous one, still signing during a rotation.
pub const WH_PREVIOUS: &str = "whsec_c2VhdHF1b3RlLXByZXZpb3VzLXNlY3JldC0wMTIzNDU=";
/// The merchant's admin token for the events API.
pub const ADMIN: &str = "admin-token-0123456789abcdef-0123456789";
/// Cleverbridge's notification credentials.
pub const NOTIFY_USER: &str = "cleverbridge";
/// The notification password.
pub const NOTIFY_PASSWORD: &str = "notify-password-0123456789";

/// A port nothing listens on right now (for a receiver started later).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// The proxy's provisioning settings: webhooks to `port` on loopback, fast retries.
pub fn hook_env(port: u16) -> Vec<(&'static str, String)> {
    vec![
        (
            "SEATQUOTE_WEBHOOK_URL",
            format!("http://127.0.0.1:{port}/hooks"),
        ),
        ("SEATQUOTE_WEBHOOK_SECRET", WH_SECRET.into()),
        ("SEATQUOTE_WEBHOOK_SECRET_PREVIOUS", WH_PREVIOUS.into()),
        ("SEATQUOTE_WEBHOOK_RETRY_BASE_MS", "200".into()),
        ("SEATQUOTE_WEBHOOK_TIMEOUT_MS", "2000".into()),
        ("SEATQUOTE_ADMIN_TOKEN", ADMIN.into()),
        ("SEATQUOTE_NOTIFY_USERNAME", NOTIFY_USER.into()),
        ("SEATQUOTE_NOTIFY_PASSWORD", NOTIFY_PASSWORD.into()),
    ]
}

/// The receiver on `port`, verifying with both secrets; the first `fail_first` requests
/// answered 503, each answer after `delay_ms`.
pub fn receiver(port: u16, fail_first: u32, delay_ms: u64) -> Proc {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/receiver/receiver.mjs");
    spawn_bin(
        std::path::Path::new("node"),
        &[script],
        &[
            ("RECEIVER_PORT", port.to_string()),
            ("RECEIVER_SECRETS", format!("{WH_SECRET},{WH_PREVIOUS}")),
            ("RECEIVER_FAIL_FIRST", fail_first.to_string()),
            ("RECEIVER_DELAY_MS", delay_ms.to_string()),
        ],
    )
}

/// The receiver on `port`, answering 503 to every delivery whose body contains `text`
/// (and 200 to the others).
pub fn failing_receiver(port: u16, text: &str) -> Proc {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/receiver/receiver.mjs");
    spawn_bin(
        std::path::Path::new("node"),
        &[script],
        &[
            ("RECEIVER_PORT", port.to_string()),
            ("RECEIVER_SECRETS", format!("{WH_SECRET},{WH_PREVIOUS}")),
            ("RECEIVER_FAIL_MATCH", text.to_owned()),
        ],
    )
}

/// Reads the receiver's lines until `n` distinct events were answered 200 (or `within`
/// passes); returns every line read.
pub fn deliveries(r: &Proc, n: usize, within: Duration) -> Vec<Value> {
    let end = Instant::now() + within;
    let mut all: Vec<Value> = Vec::new();
    let mut ok = std::collections::BTreeSet::new();
    while ok.len() < n {
        let Some(left) = end.checked_duration_since(Instant::now()) else {
            break;
        };
        let Ok(line) = r.lines.recv_timeout(left) else {
            break;
        };
        let v: Value = serde_json::from_str(&line).unwrap_or(Value::Null);
        if v["status"] == 200 {
            ok.insert(v["id"].as_str().unwrap_or_default().to_owned());
        }
        all.push(v);
    }
    all
}

impl Pair {
    /// `GET /api/events?after=…` with the admin token.
    pub async fn events(&self, after: &str) -> Res {
        send(
            self.http
                .get(self.url(&format!("/api/events?after={after}")))
                .bearer_auth(ADMIN),
        )
        .await
    }

    /// Every event's body (`payload`), oldest first.
    pub async fn event_list(&self) -> Vec<Value> {
        let r = self.events("0").await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.body["events"].as_array().cloned().unwrap_or_default()
    }

    /// Sends a notification body with the given Basic credentials.
    pub async fn notify_as(&self, body: &str, user: &str, password: &str) -> Res {
        send(
            self.http
                .post(self.url("/api/cleverbridge/notifications"))
                .basic_auth(user, Some(password))
                .header("content-type", "application/json")
                .body(body.to_owned()),
        )
        .await
    }

    /// Sends a notification with the right credentials.
    pub async fn notify(&self, body: &str) -> Res {
        self.notify_as(body, NOTIFY_USER, NOTIFY_PASSWORD).await
    }

    /// Previews and commits `sub` item 1 to `qty` (immediate) for C-1001; asserts 200.
    pub async fn change(&self, sub: &str, qty: u32) -> Value {
        let t = c1001();
        let pv = self.preview(&t, sub, 1, qty, "immediate").await;
        assert_eq!(pv.status, 200, "{}", pv.text);
        let qt = pv.body["quoteToken"].as_str().unwrap().to_owned();
        let r = self
            .commit(&t, sub, 1, &qt, &format!("k-{sub}-{qty}"))
            .await;
        assert_eq!(r.status, 200, "{}", r.text);
        r.body
    }
}

/// A Cleverbridge `SubscriptionUpdatedNotification` (the subscription model) for one item.
pub fn updated(sub: u64, item: u32, qty: u32, version: i64) -> String {
    notification("SubscriptionUpdatedNotification", sub, item, qty, version)
}

/// A notification of `kind` for one item.
pub fn notification(kind: &str, sub: u64, item: u32, qty: u32, version: i64) -> String {
    serde_json::json!({
        "meta": {"type": kind, "date": "2026-05-13T10:00:00Z"},
        "subscriptionId": sub,
        "customerReferenceId": "C-1001",
        "subscriptionItems": [{"runningNumber": item, "quantity": qty, "productId": 294835, "version": version, "status": "Active"}],
    })
    .to_string()
}

/// Two replicas sharing one store (`store`: extra settings, e.g. a PostgreSQL URL; none:
/// one SQLite data directory).
pub async fn two_replicas(store: &[(&'static str, String)]) {
    let port = free_port();
    let r = receiver(port, 0, 300);
    let mut env = hook_env(port);
    env.extend(store.iter().cloned());
    let p = pair(&env);
    let mut envs = proxy_env(&p.sandbox, &p.data);
    envs.extend(env);
    let second = spawn(&["serve"], &envs);
    let subs = [68841753_u64, 70000001, 70000002, 70000006];
    for (n, sub) in subs.iter().enumerate() {
        for v in 1..=3 {
            // Outside changes reported by Cleverbridge, half to each replica.
            let body = updated(*sub, 1, 40 + v, i64::from(v) + 1);
            let base = if (n + v as usize).is_multiple_of(2) {
                &p.proxy.base
            } else {
                &second.base
            };
            let res = send(
                p.http
                    .post(format!("{base}/api/cleverbridge/notifications"))
                    .basic_auth(NOTIFY_USER, Some(NOTIFY_PASSWORD))
                    .body(body),
            )
            .await;
            assert_eq!(res.status, 200, "{}", res.text);
        }
    }
    let got = deliveries(&r, 12, Duration::from_secs(30));
    let mut count: BTreeMap<String, u32> = BTreeMap::new();
    for v in &got {
        assert_eq!(v["overlap"], false, "delivered by two at once: {v}");
        *count
            .entry(v["id"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    assert_eq!(count.len(), 12, "{got:?}");
    assert!(count.values().all(|n| *n == 1), "each once: {count:?}");
    drop(second);
}

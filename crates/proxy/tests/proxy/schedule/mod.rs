//! Scheduled changes (DESIGN.md, "Scheduled changes"): a decrease at the next billing date
//! is recorded and kept until shortly before that date, then made once through the commit
//! path — under faults too, and when the replica making it dies or is cut off from
//! PostgreSQL (`takeover`) — while the customer can cancel it or replace it. Real proxy
//! and sandbox processes, the sandbox notifying the proxy, the clocks moved forward.

mod faults;
mod lifecycle;
mod replicas;
mod takeover;

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::helpers::hooks::*;
use crate::helpers::*;

/// C-1001's monthly subscription: 5 seats, next billing 2026-05-31 (18 days after TODAY).
pub const SUB: &str = "S70000001";
/// Its next billing date.
pub const RENEWAL: &str = "2026-05-31";
/// The day before: inside the default 24 h lead.
pub const DAY_BEFORE: &str = "2026-05-30";

/// Where a test's proxy listens, kept across [`at`]'s restarts, and the notification
/// password its sandbox uses: its own, so that a notification from another test's sandbox
/// that reaches this port (taken over while the proxy restarted) is refused.
pub struct Site {
    port: u16,
    password: String,
}

/// A sandbox that notifies the proxy, and a proxy on `store` with the events API.
pub fn scheduled_pair(store: Backend) -> (Pair, Site) {
    let site = Site {
        port: free_port(),
        password: format!("{NOTIFY_PASSWORD}-{:016x}", rand::random::<u64>()),
    };
    let port = site.port;
    let sandbox = sandbox(&[
        (
            "SEATQUOTE_SANDBOX_NOTIFY_URL",
            format!("http://127.0.0.1:{port}/api/cleverbridge/notifications"),
        ),
        ("SEATQUOTE_SANDBOX_NOTIFY_USERNAME", NOTIFY_USER.into()),
        ("SEATQUOTE_SANDBOX_NOTIFY_PASSWORD", site.password.clone()),
    ]);
    let data = tmp_dir("scheduled");
    let db = store.database();
    let mut p = Pair {
        proxy: proxy(&sandbox, &data, &[]),
        sandbox,
        data,
        db,
        http: client(),
    };
    at(&mut p, &site, TODAY, &[]);
    (p, site)
}

/// Replaces the proxy by one whose clock is pinned to `today` (the same port and store).
pub fn at(p: &mut Pair, site: &Site, today: &str, extra: &[(&'static str, String)]) {
    p.proxy.kill();
    let mut env = vec![
        ("PORT", site.port.to_string()),
        ("SEATQUOTE_TODAY", today.to_owned()),
        ("SEATQUOTE_ADMIN_TOKEN", ADMIN.to_owned()),
        ("SEATQUOTE_NOTIFY_USERNAME", NOTIFY_USER.to_owned()),
        ("SEATQUOTE_NOTIFY_PASSWORD", site.password.clone()),
    ];
    if let Some(url) = &p.db {
        env.push(("SEATQUOTE_DATABASE_URL", url.clone()));
    }
    env.extend(extra.iter().cloned());
    p.proxy = proxy(&p.sandbox, &p.data, &env);
}

/// Previews `qty` seats of [`SUB`] in `mode` and commits it under `key` (C-1001).
pub async fn change(p: &Pair, qty: u32, mode: &str, key: &str) -> Res {
    let t = c1001();
    let pv = p.preview(&t, SUB, 1, qty, mode).await;
    assert_eq!(pv.status, 200, "{}", pv.text);
    let qt = pv.body["quoteToken"].as_str().unwrap().to_owned();
    p.commit(&t, SUB, 1, &qt, key).await
}

/// [`SUB`]'s summary item.
pub async fn item(p: &Pair) -> Value {
    let s = p.get(&format!("/api/subscriptions/{SUB}"), &c1001()).await;
    assert_eq!(s.status, 200, "{}", s.text);
    s.body["items"][0].clone()
}

/// Waits until the sandbox holds `qty` seats of [`SUB`].
pub async fn wait_quantity(p: &Pair, qty: u64, within: Duration) -> bool {
    let end = Instant::now() + within;
    while Instant::now() < end {
        if p.quantity(SUB, 1).await == qty {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

/// The types of [`SUB`]'s events, oldest first, with their payloads.
pub async fn events(p: &Pair) -> Vec<(String, Value)> {
    p.event_list()
        .await
        .into_iter()
        .filter(|e| e["subscriptionId"] == SUB)
        .map(|e| {
            (
                e["type"].as_str().unwrap_or("").to_owned(),
                e["payload"].clone(),
            )
        })
        .collect()
}

/// How many of [`SUB`]'s events are of `kind`.
pub async fn count(p: &Pair, kind: &str) -> usize {
    events(p).await.iter().filter(|(k, _)| k == kind).count()
}

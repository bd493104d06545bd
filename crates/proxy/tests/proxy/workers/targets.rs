//! Each event records the webhook URL configured when it was written (docs/webhooks.md,
//! "Delivery"): a proxy restarted with another `SEATQUOTE_WEBHOOK_URL` delivers its old
//! events where they were meant to go, not silently to the new endpoint; the events API
//! and `events tail` show each event's URL; the operator's re-delivery takes the URL
//! configured then. Real processes on both stores, two Node receivers.

use std::time::Duration;

use serde_json::Value;

use crate::helpers::hooks::*;
use crate::helpers::*;

const S1: &str = "S68841753";
const S2: &str = "S70000001";

fn hooks_url(port: u16) -> String {
    format!("http://127.0.0.1:{port}/hooks")
}

async fn an_event_is_delivered_to_the_url_it_was_written_for(store: Backend) {
    let (old, new) = (free_port(), free_port());
    let mut p = pair_on(store, &hook_env(old));
    // Nothing listens on the old endpoint yet: the event stays pending.
    p.change(S1, 2).await;
    p.proxy.kill();
    let at_old = receiver(old, 0, 0);
    let at_new = receiver(new, 0, 0);
    p.restart(&hook_env(new));
    p.change(S2, 6).await;

    let got_old = deliveries(&at_old, 1, Duration::from_secs(20));
    let got_new = deliveries(&at_new, 1, Duration::from_secs(20));
    let ok = |lines: &[Value]| -> Vec<(String, u64)> {
        lines
            .iter()
            .filter(|v| v["status"] == 200)
            .map(|v| {
                (
                    v["subscription"].as_str().unwrap().to_owned(),
                    v["quantity"].as_u64().unwrap(),
                )
            })
            .collect()
    };
    assert_eq!(ok(&got_old), [(S1.to_owned(), 2)], "{got_old:?}");
    assert_eq!(ok(&got_new), [(S2.to_owned(), 6)], "{got_new:?}");
    let stray = deliveries(&at_new, 1, Duration::from_secs(1));
    assert!(stray.is_empty(), "nothing else at the new URL: {stray:?}");

    let events = p.event_list().await;
    let targets: Vec<&str> = events
        .iter()
        .map(|e| e["targetUrl"].as_str().unwrap())
        .collect();
    assert_eq!(targets, [hooks_url(old), hooks_url(new)], "{events:?}");

    // The operator's view: `events tail` names each event's URL.
    let out = std::process::Command::new(BIN)
        .args(["events", "tail", "--once", "--url", &p.proxy.base])
        .env_clear()
        .env("SEATQUOTE_ADMIN_TOKEN", ADMIN)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(
        lines[0].ends_with(&format!("to={}", hooks_url(old))),
        "{text}"
    );
    assert!(
        lines[1].ends_with(&format!("to={}", hooks_url(new))),
        "{text}"
    );

    // Re-delivered on request: to the URL configured now.
    let id = events[0]["id"].as_str().unwrap();
    let r = send(
        p.http
            .post(p.url(&format!("/api/events/{id}/redeliver")))
            .bearer_auth(ADMIN),
    )
    .await;
    assert_eq!(r.status, 202, "{}", r.text);
    let again = deliveries(&at_new, 1, Duration::from_secs(10));
    assert_eq!(ok(&again), [(S1.to_owned(), 2)], "{again:?}");
    assert_eq!(
        p.event_list().await[0]["targetUrl"],
        hooks_url(new).as_str()
    );
}

on_both_stores!(an_event_is_delivered_to_the_url_it_was_written_for);

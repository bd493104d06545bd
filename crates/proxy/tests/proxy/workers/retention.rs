//! Retention (docs/webhooks.md, "Retention"), over real processes on both stores with
//! retention periods of 2 s: a delivered event and a notification are deleted once their
//! period has passed; an exhausted event and one pending behind it are kept, whatever
//! their age, until they are handled. (The stores' own contract, with explicit times, is
//! in crates/proxy/tests/proxy/store/outbox.rs.)

use std::time::Duration;

use serde_json::Value;

use crate::helpers::hooks::*;
use crate::helpers::*;

const S1: &str = "S68841753";
const S2: &str = "S70000001";

fn kinds(events: &[Value]) -> Vec<(String, String)> {
    events
        .iter()
        .map(|e| {
            (
                e["subscriptionId"].as_str().unwrap().to_owned(),
                e["delivery"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

async fn delivered_events_and_notifications_are_deleted_after_retention(store: Backend) {
    let port = free_port();
    let r = failing_receiver(port, S2);
    let mut env = hook_env(port);
    env.extend([
        ("SEATQUOTE_WEBHOOK_RETRY_FOR", "1s".to_owned()),
        ("SEATQUOTE_EVENT_RETENTION", "2s".to_owned()),
        ("SEATQUOTE_NOTIFICATION_RETENTION", "2s".to_owned()),
    ]);
    let p = pair_on(store, &env);
    let note = r#"{"meta":{"type":"SomethingNewNotification"},"customerReferenceId":"C-1001"}"#;
    assert_eq!(p.notify(note).await.body["status"], "accepted");
    assert_eq!(p.notify(note).await.body["status"], "duplicate", "kept");

    p.change(S1, 2).await;
    p.change(S2, 6).await;
    let got = deliveries(&r, 1, Duration::from_secs(10));
    assert!(
        got.iter()
            .any(|v| v["status"] == 200 && v["subscription"] == S1),
        "{got:?}"
    );
    // Young: still listed once delivered.
    let mut events = p.event_list().await;
    assert_eq!(events.len(), 2, "{events:?}");
    // S2's change exhausts its retry period (1 s); the next one waits behind it.
    for _ in 0..100 {
        if events.iter().any(|e| e["delivery"] == "exhausted") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        events = p.event_list().await;
    }
    p.change(S2, 7).await;

    // Past the retention period (2 s, pruned every 0.5 s).
    tokio::time::sleep(Duration::from_secs(4)).await;
    let events = p.event_list().await;
    assert_eq!(
        kinds(&events),
        [
            (S2.to_owned(), "exhausted".to_owned()),
            (S2.to_owned(), "pending".to_owned()),
        ],
        "the delivered event is gone, the unhandled ones kept: {events:?}"
    );
    assert_eq!(
        p.notify(note).await.body["status"],
        "accepted",
        "the notification was deleted, so the same body is new again"
    );
}

on_both_stores!(delivered_events_and_notifications_are_deleted_after_retention);

//! Resolution by the item's state, not its quantity (DESIGN.md, "The commit state
//! machine"): a change that keeps the seat count is told apart by what else it moves
//! (an `extend` moves the next billing date), and a Cleverbridge notification is only a
//! hint — a read settles, never the notified quantity alone. Real proxy and sandbox on
//! loopback; the sandbox counts what it received and applied.

use std::time::Duration;

use crate::helpers::hooks::*;
use crate::helpers::*;

const S1: &str = "S68841753";
const SETTLE: Duration = Duration::from_secs(15);

fn applied_events(events: &[serde_json::Value]) -> usize {
    events
        .iter()
        .filter(|e| e["type"] == "seat_change.applied")
        .count()
}

/// An `extend` that keeps the seat count (1 → 1 in the demo fixture) applied, then the
/// connection reset: the quantity cannot tell it apart, the next billing date can. The
/// retry answers the committed 200; one change applied, one record, one event.
async fn an_extend_keeping_the_seat_count_is_resolved_as_applied(store: Backend) {
    let p = pair_on(store, &hook_env(free_port()));
    let t = c1001();
    let pv = p.preview(&t, S1, 1, 1, "extend").await;
    assert_eq!(pv.status, 200, "{}", pv.text);
    let qt = pv.body["quoteToken"].as_str().unwrap().to_owned();
    p.fault_on("resetAfterApply", "commit", 1, None).await;
    let r = p.commit(&t, S1, 1, &qt, "k-ext").await;
    assert_eq!((r.status, r.code()), (502, "upstream_error"), "{}", r.text);
    assert_eq!(p.commit_counts().await, (1, 1));

    let r = p.commit_resolved(&t, S1, 1, &qt, "k-ext", SETTLE).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "committed");
    assert_eq!(p.commit_counts().await, (1, 1), "applied once");
    assert_eq!(p.intent_state("C-1001", "k-ext").as_deref(), Some("done"));
    let events = p.event_list().await;
    assert_eq!(applied_events(&events), 1, "{events:?}");
}

/// A commit reset before Cleverbridge applied it is unknown; a notification that
/// reports the intended quantity (stale, or from a change undone since) does not settle
/// it: the read shows the item as before, so nothing is recorded as applied.
async fn a_stale_notification_does_not_settle_an_unknown_commit(store: Backend) {
    let p = pair_on(store, &hook_env(free_port()));
    let t = c1001();
    let pv = p.preview(&t, S1, 1, 3, "immediate").await;
    let qt = pv.body["quoteToken"].as_str().unwrap().to_owned();
    p.fault_on("resetBeforeApply", "commit", 1, None).await;
    let r = p.commit(&t, S1, 1, &qt, "k-stale").await;
    assert_eq!(r.status, 502, "{}", r.text);
    assert_eq!(
        p.intent_state("C-1001", "k-stale").as_deref(),
        Some("unknown")
    );
    assert_eq!(p.notify(&updated(68841753, 1, 3, 2)).await.status, 200);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_ne!(
        p.intent_state("C-1001", "k-stale").as_deref(),
        Some("done"),
        "a notification alone settles nothing"
    );
    assert_eq!(p.commit_counts().await.1, 0, "nothing applied");
    let events = p.event_list().await;
    assert_eq!(applied_events(&events), 0, "{events:?}");
}

on_both_stores!(
    an_extend_keeping_the_seat_count_is_resolved_as_applied,
    a_stale_notification_does_not_settle_an_unknown_commit,
);

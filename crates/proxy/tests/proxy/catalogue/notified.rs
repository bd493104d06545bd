//! Cleverbridge notifies each change it makes (the sandbox like it: `upgrade`, `add`,
//! `deactivate`); a change the proxy made itself is not reported as a change made outside
//! it — not a plan (same quantity, new product), not an add (a new item at its first
//! version), not a drop (the seats stay until the next billing date).

use std::time::Duration;

use crate::schedule::scheduled_pair;

use super::*;

async fn the_proxys_own_changes_are_not_reported_as_outside(store: Backend) {
    let (p, _site) = scheduled_pair(store);
    p.upgrade_add_and_drop().await;
    // Then a change made outside the proxy: reported, so notifications do arrive.
    p.outside_commit(BACKUP, 1, 12).await;
    for _ in 0..100 {
        let events = p.event_list().await;
        if events
            .iter()
            .any(|e| e["type"] == "subscription.changed_outside")
        {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // Every notification is in by now (each change's came before the outside one's).
    tokio::time::sleep(Duration::from_millis(500)).await;
    let events = p.event_list().await;
    let outside: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "subscription.changed_outside")
        .collect();
    assert_eq!(outside.len(), 1, "only the outside change: {outside:?}");
    let d = &outside[0]["payload"]["data"];
    assert_eq!(
        (
            d["subscriptionId"].as_str(),
            d["runningNumber"].as_u64(),
            d["quantity"].as_u64()
        ),
        (Some(BACKUP), Some(1), Some(12))
    );
}

on_both_stores!(the_proxys_own_changes_are_not_reported_as_outside);

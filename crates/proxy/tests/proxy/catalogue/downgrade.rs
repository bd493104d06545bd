//! A downgrade at the next billing date is a scheduled change (DESIGN.md, "Plans, add-ons
//! and drops"): the customer keeps Business until the day before S68841753's renewal, when
//! the scheduler makes the change to Team once — the target product carried in the ledger —
//! with its `seat_change.applied` naming the plan change.

use std::time::Duration;

use crate::helpers::hooks::ADMIN;

use super::*;

/// S68841753's next billing date (184 days after TODAY) and the day before.
const RENEWAL: &str = "2026-11-13";
const DAY_BEFORE: &str = "2026-11-12";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scheduled_downgrade_is_made_once_before_the_renewal() {
    let p = pair(&[("SEATQUOTE_ADMIN_TOKEN", ADMIN.into())]);
    let t = c1001();
    let pv = p.preview_plan(&t, TEAM, 1, "294836", 1, "immediate").await;
    let up = p
        .commit(&t, TEAM, 1, pv.body["quoteToken"].as_str().unwrap(), "k-up")
        .await;
    assert_eq!(up.status, 200, "{}", up.text);
    let pv = p
        .preview_plan(&t, TEAM, 1, "294835", 1, "nextBilling")
        .await;
    let down = p
        .commit(
            &t,
            TEAM,
            1,
            pv.body["quoteToken"].as_str().unwrap(),
            "k-down",
        )
        .await;
    assert_eq!(
        (down.status, down.body["status"].as_str()),
        (200, Some("scheduled")),
        "{}",
        down.text
    );
    assert_eq!(down.body["effectiveOn"], RENEWAL);
    let business = |v: &Value| v["ProductId"].to_string().trim_matches('"') == "294836";
    // Two days before: nothing is made; Business is kept.
    let moved = send(
        p.http
            .post(p.url("/api/_test/clock"))
            .bearer_auth(ADMIN)
            .header("Content-Type", "application/json")
            .body(json!({"today": "2026-11-11"}).to_string()),
    )
    .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    assert!(
        business(&p.current_item(TEAM, 1).await),
        "kept until the day before"
    );
    assert_eq!(
        p.call_counts("updatesubscriptionitem").await["commitsApplied"],
        1
    );
    // The day before: the scheduler makes it, once, to Team.
    let moved = send(
        p.http
            .post(p.url("/api/_test/clock"))
            .bearer_auth(ADMIN)
            .header("Content-Type", "application/json")
            .body(json!({"today": DAY_BEFORE}).to_string()),
    )
    .await;
    assert_eq!(moved.status, 200, "{}", moved.text);
    let mut team = false;
    for _ in 0..100 {
        if !business(&p.current_item(TEAM, 1).await) {
            team = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(team, "made before the renewal");
    let now = p.current_item(TEAM, 1).await;
    assert_eq!(
        (
            now["ProductId"].to_string().trim_matches('"'),
            now["Quantity"].as_u64()
        ),
        ("294835", Some(1))
    );
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    assert_eq!(
        p.call_counts("updatesubscriptionitem").await["commitsApplied"],
        2,
        "the upgrade and the downgrade, once each"
    );
    let events = p.event_list().await;
    let applied: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "seat_change.applied")
        .collect();
    assert_eq!(applied.len(), 1, "{events:?}");
    let d = &applied[0]["payload"]["data"];
    assert_eq!(
        (d["kind"].as_str(), d["effectiveOn"].as_str()),
        (Some("plan"), Some(RENEWAL))
    );
    assert_eq!(d["productAfter"]["productId"], "294835");
    assert_eq!(
        events
            .iter()
            .filter(|e| e["type"] == "plan.changed")
            .count(),
        1,
        "the upgrade's"
    );
}

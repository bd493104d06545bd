//! A scheduled decrease from the customer's answer to the renewal: the seats kept until the
//! scheduler makes the change the day before, the renewal billed at the new count, the
//! events in order; cancelled; replaced by a later decrease; an increase before the date
//! charges only the seats beyond those held and cancels it.

use std::time::Duration;

use super::*;

/// The whole way: scheduled (nothing sent), kept, made once by the scheduler within the
/// lead, the renewal billed at the new count, `scheduled` → `applied` → the renewal's
/// payment in the merchant's events.
async fn a_decrease_at_renewal_keeps_the_seats_until_then(store: Backend) {
    let (mut p, port) = scheduled_pair(store);
    let t = c1001();
    let pv = p.preview(&t, SUB, 1, 3, "nextBilling").await;
    assert_eq!(pv.status, 200, "{}", pv.text);
    let qt = pv.body["quoteToken"].as_str().unwrap().to_owned();
    let r = p.commit(&t, SUB, 1, &qt, "later-3").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "scheduled", "{}", r.text);
    assert_eq!(r.body["effectiveOn"], RENEWAL);
    assert_eq!(r.body["quantity"], 3);
    assert_eq!(
        r.body["quote"]["alignment"]["gross"], "0.00",
        "nothing due today"
    );
    // Nothing went to Cleverbridge: the customer keeps the five seats.
    assert_eq!(p.commit_counts().await, (0, 0));
    assert_eq!(p.quantity(SUB, 1).await, 5);
    assert_eq!(
        p.intent_state("C-1001", "later-3").as_deref(),
        Some("scheduled")
    );
    let it = item(&p).await;
    assert_eq!(it["quantity"], 5, "{it}");
    let pending = it["pending"].as_array().unwrap();
    assert_eq!(pending.len(), 1, "{it}");
    assert_eq!(pending[0]["state"], "scheduled");
    assert_eq!(pending[0]["toQuantity"], 3);
    assert_eq!(pending[0]["effectiveOn"], RENEWAL);
    assert!(pending[0]["since"].as_str().unwrap().ends_with('Z'), "{it}");
    // The key replays its answer byte for byte.
    let again = p.commit(&t, SUB, 1, &qt, "later-3").await;
    assert_eq!((again.status, again.text.as_str()), (200, r.text.as_str()));

    // Weeks before the date the scheduler leaves it alone.
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(p.commit_counts().await, (0, 0));

    // The day before the renewal (both clocks): made once, by the scheduler.
    let moved = p
        .admin("clock", Some(&format!(r#"{{"today":"{DAY_BEFORE}"}}"#)))
        .await;
    assert_eq!(moved["today"], DAY_BEFORE, "{moved}");
    at(&mut p, &port, DAY_BEFORE, &[]);
    assert!(wait_quantity(&p, 3, Duration::from_secs(15)).await);
    assert!(
        p.wait_state("C-1001", "later-3", Some("done"), Duration::from_secs(10))
            .await
    );
    assert_eq!(p.commit_counts().await, (1, 1));
    let it = item(&p).await;
    assert_eq!(it["quantity"], 3, "{it}");
    assert_eq!(it["pending"], serde_json::json!([]), "{it}");
    let again = p.commit(&t, SUB, 1, &qt, "later-3").await;
    assert_eq!(again.text, r.text, "the key still answers what it answered");

    // The renewal is billed at the new count.
    let moved = p
        .admin("clock", Some(&format!(r#"{{"today":"{RENEWAL}"}}"#)))
        .await;
    let renewals: Vec<&Value> = moved["renewals"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["subscriptionId"] == SUB)
        .collect();
    assert_eq!(renewals.len(), 1, "{moved}");
    assert_eq!(renewals[0]["date"], RENEWAL);
    assert_eq!(renewals[0]["items"][0]["quantity"], 3, "{moved}");
    assert_eq!(renewals[0]["items"][0]["net"], "89.70", "3 × 29.90, net");

    // The merchant's events, in order: scheduled, applied, then the renewal's payment.
    let mut kinds = Vec::new();
    for _ in 0..100 {
        kinds = events(&p)
            .await
            .into_iter()
            .map(|(k, _)| k)
            .collect::<Vec<_>>();
        if kinds.iter().any(|k| k == "payment.succeeded") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let pos = |k: &str| kinds.iter().position(|x| x == k);
    let (s, a, paid) = (
        pos("seat_change.scheduled"),
        pos("seat_change.applied"),
        pos("payment.succeeded"),
    );
    assert!(s.is_some() && a.is_some() && paid.is_some(), "{kinds:?}");
    assert!(s < a && a < paid, "{kinds:?}");
    assert_eq!(count(&p, "seat_change.applied").await, 1, "{kinds:?}");
    assert!(
        !kinds.iter().any(|k| k == "subscription.changed_outside"),
        "{kinds:?}"
    );
    let applied = events(&p)
        .await
        .into_iter()
        .find(|(k, _)| k == "seat_change.applied");
    let data = &applied.unwrap().1["data"];
    assert_eq!(
        (data["fromQuantity"].clone(), data["quantity"].clone()),
        (5.into(), 3.into())
    );
    assert_eq!(data["effectiveOn"], RENEWAL);
}

/// Cancelled by the customer (theirs only); replaced by a later decrease; an increase
/// before the date cancels it and is charged for the seats beyond the five held.
async fn cancel_replace_and_increase(store: Backend) {
    let (mut p, port) = scheduled_pair(store);
    let path = format!("/api/subscriptions/{SUB}/items/1/scheduled");
    let r = change(&p, 3, "nextBilling", "c-3").await;
    assert_eq!(r.body["status"], "scheduled", "{}", r.text);
    // Another customer's token does not reach it.
    let other = p.delete(&path, &c2002()).await;
    assert_eq!(other.status, 403, "{}", other.text);
    let c = p.delete(&path, &c1001()).await;
    assert_eq!(c.status, 200, "{}", c.text);
    assert_eq!(c.body["status"], "cancelled");
    assert_eq!(
        (c.body["toQuantity"].clone(), c.body["effectiveOn"].clone()),
        (3.into(), RENEWAL.into())
    );
    assert_eq!(item(&p).await["pending"], serde_json::json!([]));
    // A running number beyond what any store keeps: no scheduled change, not a failure.
    let huge = format!("/api/subscriptions/{SUB}/items/18446744073709551614/scheduled");
    let r = p.delete(&huge, &c1001()).await;
    assert_eq!(
        (r.status, r.code()),
        (404, "no_scheduled_change"),
        "{}",
        r.text
    );
    let gone = p.delete(&path, &c1001()).await;
    assert_eq!(
        (gone.status, gone.code()),
        (404, "no_scheduled_change"),
        "{}",
        gone.text
    );
    assert_eq!(
        p.intent_state("C-1001", "c-3").as_deref(),
        Some("cancelled")
    );

    // A second decrease replaces the first.
    assert_eq!(
        change(&p, 4, "nextBilling", "c-4").await.body["status"],
        "scheduled"
    );
    assert_eq!(
        change(&p, 2, "nextBilling", "c-2").await.body["status"],
        "scheduled"
    );
    let pending = item(&p).await["pending"].clone();
    assert_eq!(pending.as_array().unwrap().len(), 1, "{pending}");
    assert_eq!(pending[0]["toQuantity"], 2);
    assert_eq!(
        p.intent_state("C-1001", "c-4").as_deref(),
        Some("cancelled")
    );

    // An increase before the date: charged from the five seats held, not from two.
    let up = change(&p, 6, "immediate", "c-6").await;
    assert_eq!(up.status, 200, "{}", up.text);
    assert_eq!(up.body["status"], "committed");
    assert_eq!(up.body["quote"]["current"]["quantity"], 5, "{}", up.text);
    assert_eq!(up.body["quote"]["next"]["quantity"], 6);
    assert_eq!(
        p.intent_state("C-1001", "c-2").as_deref(),
        Some("cancelled")
    );
    assert_eq!(item(&p).await["pending"], serde_json::json!([]));
    let cancelled: Vec<String> = events(&p)
        .await
        .into_iter()
        .filter(|(k, _)| k == "seat_change.cancelled")
        .map(|(_, v)| v["data"]["reason"].as_str().unwrap_or("").to_owned())
        .collect();
    assert_eq!(cancelled, ["customer", "replaced", "replaced"]);

    // Nothing more is made at the date.
    p.admin("clock", Some(&format!(r#"{{"today":"{DAY_BEFORE}"}}"#)))
        .await;
    at(&mut p, &port, DAY_BEFORE, &[]);
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(p.commit_counts().await, (1, 1));
    assert_eq!(p.quantity(SUB, 1).await, 6);
}

/// An item changed elsewhere after the decrease was scheduled is not changed by it: the
/// scheduled change is cancelled (`changed_elsewhere`) when it is due.
async fn changed_elsewhere_is_not_overwritten(store: Backend) {
    let (mut p, port) = scheduled_pair(store);
    assert_eq!(
        change(&p, 3, "nextBilling", "e-3").await.body["status"],
        "scheduled"
    );
    p.outside_commit(SUB, 1, 8).await;
    p.admin("clock", Some(&format!(r#"{{"today":"{DAY_BEFORE}"}}"#)))
        .await;
    at(&mut p, &port, DAY_BEFORE, &[]);
    assert!(
        p.wait_state("C-1001", "e-3", Some("cancelled"), Duration::from_secs(10))
            .await
    );
    assert_eq!(p.quantity(SUB, 1).await, 8);
    let (received, _) = p.commit_counts().await;
    assert_eq!(received, 1, "only the outside change");
    let reasons: Vec<Value> = events(&p)
        .await
        .into_iter()
        .filter(|(k, _)| k == "seat_change.cancelled")
        .map(|(_, v)| v["data"]["reason"].clone())
        .collect();
    assert_eq!(reasons, [Value::from("changed_elsewhere")]);
}

/// The proxy down across the renewal: Cleverbridge renewed at five seats before the change
/// was made, so it is not made in a period already billed; it waits for the next billing
/// date and is made before that renewal.
async fn renewed_before_it_was_made_waits_for_the_next_date(store: Backend) {
    let (mut p, port) = scheduled_pair(store);
    assert_eq!(
        change(&p, 3, "nextBilling", "w-3").await.body["status"],
        "scheduled"
    );
    let moved = p
        .admin("clock", Some(&format!(r#"{{"today":"{RENEWAL}"}}"#)))
        .await;
    assert!(moved["renewals"].to_string().contains(SUB), "{moved}");
    at(&mut p, &port, RENEWAL, &[]);
    let end = std::time::Instant::now() + Duration::from_secs(10);
    let pending = loop {
        let it = item(&p).await;
        if it["pending"][0]["effectiveOn"] == "2026-06-30" || std::time::Instant::now() > end {
            break it;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    assert_eq!(
        pending["pending"][0]["effectiveOn"], "2026-06-30",
        "{pending}"
    );
    assert_eq!(pending["quantity"], 5);
    assert_eq!(
        p.commit_counts().await,
        (0, 0),
        "not made in the period billed at five"
    );
    // The day before the next renewal: made, and that renewal bills three seats.
    p.admin("clock", Some(r#"{"today":"2026-06-29"}"#)).await;
    at(&mut p, &port, "2026-06-29", &[]);
    assert!(wait_quantity(&p, 3, Duration::from_secs(15)).await);
    let moved = p.admin("clock", Some(r#"{"today":"2026-06-30"}"#)).await;
    let renewal = moved["renewals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["subscriptionId"] == SUB)
        .cloned()
        .unwrap_or_default();
    assert_eq!(renewal["items"][0]["quantity"], 3, "{moved}");
    assert_eq!(p.commit_counts().await, (1, 1));
}

on_both_stores!(
    renewed_before_it_was_made_waits_for_the_next_date,
    a_decrease_at_renewal_keeps_the_seats_until_then,
    cancel_replace_and_increase,
    changed_elsewhere_is_not_overwritten,
);

/// The lead is a setting: with `SEATQUOTE_SCHEDULE_LEAD_HOURS=720` a renewal 18 days away is
/// within it, so the change is made at once; with the default 24 h it waited.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_longer_lead_makes_it_earlier() {
    let (mut p, port) = scheduled_pair(Backend::Sqlite);
    assert_eq!(
        change(&p, 3, "nextBilling", "l-3").await.body["status"],
        "scheduled"
    );
    tokio::time::sleep(Duration::from_millis(2500)).await;
    assert_eq!(p.commit_counts().await, (0, 0), "24 h before: not yet");
    let lead = [("SEATQUOTE_SCHEDULE_LEAD_HOURS", "720".to_owned())];
    at(&mut p, &port, TODAY, &lead);
    assert!(wait_quantity(&p, 3, Duration::from_secs(15)).await);
    assert_eq!(p.commit_counts().await, (1, 1));
}

//! The commit ledger under faults (DESIGN.md, "The commit state machine"): a real
//! proxy and a real sandbox on loopback, the sandbox counting the commits it received
//! and applied. Each test names the finding of issue 9 it covers; each failed before the
//! ledger. `SEATQUOTE_UPSTREAM_TIMEOUT_MS` is 800 (helpers::proxy_env), so an unknown
//! outcome is resolvable 2.6 s after it was sent.

use std::time::Duration;

use crate::helpers::*;

const S1: &str = "S68841753";
const SETTLE: Duration = Duration::from_secs(15);

async fn quote_token(p: &Pair, t: &str, qty: u32) -> String {
    let pv = p.preview(t, S1, 1, qty, "immediate").await;
    assert_eq!(pv.status, 200, "{}", pv.text);
    pv.body["quoteToken"].as_str().unwrap().to_owned()
}

/// Finding 1: the connection resets (or Cleverbridge answers 500) after the change was
/// applied. The record is kept as unknown, resolved as applied, and the retry answers
/// the commit — exactly one change applied, none lost.
async fn applied_then_reset_or_500_is_recorded_as_applied_not_lost(store: Backend) {
    for fault in ["resetAfterApply", "status500AfterApply"] {
        let p = pair_on(store, &[]);
        let t = c1001();
        let qt = quote_token(&p, &t, 3).await;
        p.fault_on(fault, "commit", 1, None).await;
        let r = p.commit(&t, S1, 1, &qt, "k-1").await;
        assert_eq!(p.commit_counts().await, (1, 1), "{fault}: applied once");
        assert_eq!(
            p.intent_state("C-1001", "k-1").as_deref(),
            Some("unknown"),
            "{fault}: kept"
        );
        assert_eq!(
            (r.status, r.code()),
            (502, "upstream_error"),
            "{fault}: {}",
            r.text
        );

        let r = p.commit_resolved(&t, S1, 1, &qt, "k-1", SETTLE).await;
        assert_eq!(r.status, 200, "{fault}: {}", r.text);
        assert_eq!(
            (r.body["status"].as_str(), r.body["quantity"].as_u64()),
            (Some("committed"), Some(3))
        );
        assert_eq!(p.commit_counts().await, (1, 1), "{fault}: no second commit");
        assert_eq!(p.intent_state("C-1001", "k-1").as_deref(), Some("done"));
        let m = p.metrics().await;
        assert_eq!(
            metric(&m, r#"seatquote_commit_transitions_total{to="unknown"}"#),
            1,
            "{m}"
        );
        assert_eq!(
            metric(&m, r#"seatquote_commit_transitions_total{to="applied"}"#),
            1,
            "{m}"
        );
    }
}

/// Finding 2: Cleverbridge applies the commit only after the proxy's timeout; the
/// customer retries the same key at once. The retry must not send a second commit
/// while the first may still be running: it waits for the first call's deadline and
/// reads Cleverbridge (409 `commit_outcome_unknown` while that read fails), then answers.
async fn delayed_apply_past_the_timeout_and_an_immediate_retry_commit_once(store: Backend) {
    let p = pair_on(store, &[]);
    let t = c1001();
    let qt = quote_token(&p, &t, 3).await;
    p.fault_on("applyAfterDelay", "commit", 1, Some(2_000))
        .await;
    let r = p.commit(&t, S1, 1, &qt, "k-2").await;
    assert_eq!(
        (r.status, r.code()),
        (504, "upstream_timeout"),
        "{}",
        r.text
    );
    // Cleverbridge unreadable when the retry may resolve it: still unknown, nothing sent.
    p.fault_on("status500", "getsubscription", 3, None).await;
    let r = p.commit(&t, S1, 1, &qt, "k-2").await;
    assert_eq!(p.commit_counts().await.0, 1, "no second commit sent");
    assert_eq!(
        (r.status, r.code()),
        (409, "commit_outcome_unknown"),
        "{}",
        r.text
    );
    assert!(r.headers.contains_key("retry-after"));

    let r = p.commit_resolved(&t, S1, 1, &qt, "k-2", SETTLE).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["quantity"], 3);
    assert_eq!(p.commit_counts().await, (1, 1), "exactly one applied");
}

/// Finding 3: a price change seen by a retry must not abandon an intent whose outcome is
/// unknown (the commit is applied a moment later): the record is kept and answers.
async fn a_price_change_does_not_abandon_an_unknown_outcome(store: Backend) {
    let p = pair_on(store, &[]);
    let t = c1001();
    let qt = quote_token(&p, &t, 3).await;
    p.fault_on("applyAfterDelay", "commit", 1, Some(1_500))
        .await;
    let r = p.commit(&t, S1, 1, &qt, "k-3").await;
    assert_eq!(r.code(), "upstream_timeout", "{}", r.text);
    let product = p.product_of(S1, 1).await;
    let changed = p
        .admin(
            "price",
            Some(&serde_json::json!({"productId": product, "unitPrice": "99.00"}).to_string()),
        )
        .await;
    assert!(changed["itemsChanged"].as_u64() >= Some(1), "{changed}");
    let r = p.commit(&t, S1, 1, &qt, "k-3").await;
    assert_ne!(r.code(), "quote_changed", "{}", r.text);

    let r = p.commit_resolved(&t, S1, 1, &qt, "k-3", SETTLE).await;
    assert_eq!(
        r.status, 200,
        "the applied change is answered, not lost: {}",
        r.text
    );
    assert_eq!(p.commit_counts().await, (1, 1));
    assert_eq!(p.intent_state("C-1001", "k-3").as_deref(), Some("done"));
}

/// Finding 4: nobody retries; the reconciler resolves the unknown outcome in the
/// background, and a replay answers it although the quote token has expired meanwhile.
async fn the_reconciler_resolves_unattended_and_a_replay_ignores_token_age(store: Backend) {
    let p = pair_on(store, &[("SEATQUOTE_QUOTE_TTL", "2".into())]);
    let t = c1001();
    let qt = quote_token(&p, &t, 3).await;
    p.fault_on("resetAfterApply", "commit", 1, None).await;
    p.commit(&t, S1, 1, &qt, "k-4").await;
    assert!(
        p.wait_state("C-1001", "k-4", Some("done"), SETTLE).await,
        "resolved without the customer: {:?}",
        p.intent_state("C-1001", "k-4")
    );
    let m = p.metrics().await;
    assert_eq!(
        metric(&m, r#"seatquote_commit_transitions_total{to="applied"}"#),
        1,
        "{m}"
    );
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    let r = p.commit(&t, S1, 1, &qt, "k-4").await;
    assert_eq!(
        r.status, 200,
        "a replay whatever the token's age: {}",
        r.text
    );
    assert_eq!(r.body["quantity"], 3);
    let fresh = p.commit(&t, S1, 1, &qt, "k-4-new").await;
    assert_eq!(
        fresh.code(),
        "quote_expired",
        "a new attempt still checks expiry"
    );
    assert_eq!(p.commit_counts().await, (1, 1));
}

/// Finding 5: two tabs, two quotes for one item. While the first commit is in flight the
/// second gets 409 `item_change_in_progress` (not a second change at stale amounts);
/// afterwards its quote no longer holds.
async fn one_change_in_flight_per_item(store: Backend) {
    let p = pair_on(store, &[]);
    let t = c1001();
    let q2 = quote_token(&p, &t, 2).await;
    let q3 = quote_token(&p, &t, 3).await;
    p.fault_on("latency", "commit", 1, Some(600)).await;
    let (first, second) = tokio::join!(p.commit(&t, S1, 1, &q2, "tab-a"), async {
        tokio::time::sleep(Duration::from_millis(250)).await;
        p.commit(&t, S1, 1, &q3, "tab-b").await
    });
    assert_eq!(p.commit_counts().await, (1, 1), "one commit sent");
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(
        (second.status, second.code()),
        (409, "item_change_in_progress"),
        "{}",
        second.text
    );
    let again = p.commit(&t, S1, 1, &q3, "tab-b").await;
    assert_eq!(again.code(), "quote_changed", "{}", again.text);
    assert_eq!(p.commit_counts().await, (1, 1));
    assert_eq!(p.quantity(S1, 1).await, 2);
}

/// Finding 8: the proxy dies after recording the intent and before sending it; the same
/// change is then made outside the proxy. The retry must not take it as its own.
async fn a_change_made_elsewhere_after_a_crash_is_not_taken_as_ours(store: Backend) {
    needs_failpoints();
    let mut p = pair_on(
        store,
        &[("SEATQUOTE_FAILPOINT", "before_upstream_commit".into())],
    );
    let t = c1001();
    let qt = quote_token(&p, &t, 3).await;
    let rb = p
        .http
        .post(p.url(&format!("/api/subscriptions/{S1}/items/1/commit")))
        .bearer_auth(&t)
        .header("Idempotency-Key", "k-8")
        .header("Content-Type", "application/json")
        .body(format!(r#"{{"quoteToken":"{qt}","consent":true}}"#));
    let pending = tokio::spawn(async move { rb.send().await.map(|r| r.status().as_u16()) });
    assert!(p
        .proxy
        .wait_line("failpoint before_upstream_commit", SETTLE));
    p.proxy.kill();
    assert!(pending.await.unwrap().is_err());
    p.outside_commit(S1, 1, 3).await;
    p.restart(&[]);

    let r = p.commit_resolved(&t, S1, 1, &qt, "k-8", SETTLE).await;
    assert_ne!(r.status, 200, "not ours: {}", r.text);
    assert_eq!(p.commit_counts().await, (1, 1), "only the outside change");
}

/// Finding 8, the other half: the outcome is unknown (Cleverbridge held the request and
/// applied nothing) and the item is then changed outside the proxy to a third quantity.
/// Neither "as before" nor "as intended": recorded as disputed — not dropped, not sent
/// again.
async fn an_outside_change_to_another_quantity_is_disputed_not_dropped(store: Backend) {
    let p = pair_on(store, &[]);
    let t = c1001();
    let qt = quote_token(&p, &t, 3).await;
    p.fault_on("hang", "commit", 1, Some(1_500)).await;
    let r = p.commit(&t, S1, 1, &qt, "k-8b").await;
    assert_eq!(r.code(), "upstream_timeout", "{}", r.text);
    p.outside_commit(S1, 1, 5).await;
    let r = p.commit_resolved(&t, S1, 1, &qt, "k-8b", SETTLE).await;
    assert_eq!(p.commit_counts().await, (2, 1), "nothing sent again");
    assert_eq!((r.status, r.code()), (409, "commit_disputed"), "{}", r.text);
    assert!(
        p.intent_state("C-1001", "k-8b").is_some(),
        "the record is kept"
    );
    let again = p.commit(&t, S1, 1, &qt, "k-8b").await;
    assert_eq!(again.text, r.text, "a replay");
    let m = p.metrics().await;
    assert_eq!(
        metric(&m, r#"seatquote_commit_transitions_total{to="disputed"}"#),
        1,
        "{m}"
    );
}

/// SIGKILL while the commit is at Cleverbridge (applied there, no answer yet), restart
/// on the same store, retry: exactly one change, and the record kept.
async fn sigkill_mid_commit_then_retry_applies_once_and_keeps_the_record(store: Backend) {
    let mut p = pair_on(store, &[]);
    let t = c1001();
    let qt = quote_token(&p, &t, 3).await;
    p.fault_on("applyThenHang", "commit", 1, Some(60_000)).await;
    let rb = p
        .http
        .post(p.url(&format!("/api/subscriptions/{S1}/items/1/commit")))
        .bearer_auth(&t)
        .header("Idempotency-Key", "k-kill")
        .header("Content-Type", "application/json")
        .body(format!(r#"{{"quoteToken":"{qt}","consent":true}}"#));
    let pending = tokio::spawn(async move { rb.send().await.map(|r| r.status().as_u16()) });
    let end = std::time::Instant::now() + SETTLE;
    while p.commit_counts().await.1 == 0 && std::time::Instant::now() < end {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    p.proxy.kill();
    let _ = pending.await;
    assert!(
        p.intent_state("C-1001", "k-kill").is_some(),
        "recorded before sending"
    );
    p.restart(&[]);
    let r = p.commit_resolved(&t, S1, 1, &qt, "k-kill", SETTLE).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["quantity"], 3);
    assert_eq!(p.commit_counts().await, (1, 1), "exactly one applied");
    assert_eq!(p.intent_state("C-1001", "k-kill").as_deref(), Some("done"));
}

on_both_stores!(
    applied_then_reset_or_500_is_recorded_as_applied_not_lost,
    delayed_apply_past_the_timeout_and_an_immediate_retry_commit_once,
    a_price_change_does_not_abandon_an_unknown_outcome,
    the_reconciler_resolves_unattended_and_a_replay_ignores_token_age,
    one_change_in_flight_per_item,
    a_change_made_elsewhere_after_a_crash_is_not_taken_as_ours,
    an_outside_change_to_another_quantity_is_disputed_not_dropped,
    sigkill_mid_commit_then_retry_applies_once_and_keeps_the_record,
);

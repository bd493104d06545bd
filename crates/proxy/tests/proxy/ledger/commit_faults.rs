//! Upstream faults aimed at one kind of Cleverbridge call (the sandbox's fault `target`):
//! previews are retried, commits never; a commit whose outcome is unknown is kept and
//! resolved by reading Cleverbridge after its deadline (the ledger's tests are in
//! tests/ledger.rs).
//! Real processes, real HTTP on loopback.

use std::time::{Duration, Instant};

use crate::helpers::*;

const S1: &str = "S68841753";

/// A preview's quote token for `qty` seats of S1's item 1, `immediate`.
async fn quote_token(p: &Pair, t: &str, qty: u32) -> String {
    let pv = p.preview(t, S1, 1, qty, "immediate").await;
    assert_eq!(pv.status, 200, "{}", pv.text);
    pv.body["quoteToken"].as_str().unwrap().to_owned()
}

/// A fault targeted at commits leaves reads and previews alone; one transient 500 on a
/// preview is retried (two preview attempts upstream) and succeeds.
async fn targeted_faults_and_preview_retry(store: Backend) {
    let p = pair_on(store, &[]);
    let t = c1001();

    // Bad fault requests are refused; the old shape (no target) still works.
    let r = p
        .admin(
            "fault",
            Some(r#"{"fault":"status500","target":"checkout"}"#),
        )
        .await;
    assert!(
        r["ResultMessage"].as_str().unwrap().contains("target"),
        "{r}"
    );
    let r = p
        .admin("fault", Some(r#"{"fault":"status500","count":1}"#))
        .await;
    assert_eq!(r["target"], "any");
    p.fault("status500", 0, None).await;

    // A commit-targeted fault: reads and previews pass and do not use it up.
    let f = p.fault_on("status500", "commit", 1, None).await;
    assert_eq!(
        (f["target"].as_str(), f["count"].as_u64()),
        (Some("commit"), Some(1))
    );
    let _ = quote_token(&p, &t, 2).await;
    let c = p.admin("counters", None).await;
    assert_eq!(c["fault"]["target"], "commit", "still armed: {c}");
    assert_eq!(c["fault"]["count"], 1);
    p.fault("status500", 0, None).await;

    // One transient 500 on the preview: retried, and the client sees a 200.
    let before = p.attempts("preview").await;
    p.fault_on("status500", "preview", 1, None).await;
    let pv = p.preview(&t, S1, 1, 3, "immediate").await;
    assert_eq!(
        pv.status, 200,
        "one 500 on a preview is retried: {}",
        pv.text
    );
    assert_eq!(
        p.attempts("preview").await - before,
        2,
        "the failed preview and its retry"
    );
    let m = p.metrics().await;
    assert_eq!(
        metric(&m, r#"seatquote_upstream_retries_total{op="preview"}"#),
        1,
        "{m}"
    );
    assert_eq!(
        metric(
            &m,
            r#"seatquote_upstream_requests_total{op="preview",outcome="status"}"#
        ),
        1,
        "{m}"
    );
    assert_eq!(p.attempts("commit").await, 0);
}

/// (a) A 500 on the commit: 502, exactly one commit attempt (never retried), the intent
/// stays pending; a retry with the same key finds the subscription unchanged upstream
/// after the quarantine and answers `commit_not_applied`; a fresh preview commits once.
async fn commit_500_is_not_retried_and_not_sent_again_under_its_key(store: Backend) {
    let p = pair_on(store, &[]);
    let t = c1001();
    let qt = quote_token(&p, &t, 2).await;

    p.fault_on("status500", "commit", 1, None).await;
    let r = p.commit(&t, S1, 1, &qt, "k-500").await;
    assert_eq!((r.status, r.code()), (502, "upstream_error"), "{}", r.text);
    assert_eq!(
        p.attempts("commit").await,
        1,
        "one commit attempt, not retried"
    );
    assert_eq!(p.commits(S1).await, 0, "nothing applied upstream");
    assert_eq!(p.quantity(S1, 1).await, 1);
    assert_eq!(
        p.intent_state("C-1001", "k-500").as_deref(),
        Some("unknown"),
        "a 5xx leaves the outcome unknown: the intent is kept"
    );
    let m = p.metrics().await;
    assert_eq!(
        metric(
            &m,
            r#"seatquote_upstream_requests_total{op="commit",outcome="status"}"#
        ),
        1,
        "{m}"
    );
    assert_eq!(
        metric(&m, r#"seatquote_upstream_retries_total{op="commit"}"#),
        0,
        "{m}"
    );
    assert_eq!(
        metric(&m, r#"seatquote_commits_total{outcome="failed"}"#),
        1,
        "{m}"
    );

    // The same quote under another key while that outcome is unknown: refused as
    // pending (not "already committed", which might be false), and nothing goes upstream.
    let r = p.commit(&t, S1, 1, &qt, "k-other").await;
    assert_eq!(
        (r.status, r.code()),
        (409, "quote_commit_pending"),
        "{}",
        r.text
    );
    assert_eq!(
        p.attempts("commit").await,
        1,
        "no commit attempt for the other key"
    );

    // The same key again: it waits for the first call's deadline and the quarantine (2 s
    // in the tests), finds the item unchanged upstream (not applied) and answers so —
    // sending nothing again under the key.
    let r = p
        .commit_resolved(&t, S1, 1, &qt, "k-500", Duration::from_secs(15))
        .await;
    assert_eq!(
        (r.status, r.code()),
        (409, "commit_not_applied"),
        "{}",
        r.text
    );
    assert_eq!(p.attempts("commit").await, 1, "nothing sent again");
    let again = p.commit(&t, S1, 1, &qt, "k-500").await;
    assert_eq!(again.text, r.text, "a replay");
    // The customer confirms a fresh preview: committed once.
    let qt = quote_token(&p, &t, 2).await;
    let r = p.commit(&t, S1, 1, &qt, "k-500-2").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        (r.body["status"].as_str(), r.body["quantity"].as_u64()),
        (Some("committed"), Some(2))
    );
    assert_eq!(p.attempts("commit").await, 2);
    assert_eq!(p.commits(S1).await, 1, "exactly one applied change");
    assert_eq!(p.quantity(S1, 1).await, 2);
    assert_eq!(p.intent_state("C-1001", "k-500-2").as_deref(), Some("done"));
    let m = p.metrics().await;
    assert_eq!(
        metric(
            &m,
            r#"seatquote_upstream_requests_total{op="commit",outcome="ok"}"#
        ),
        1,
        "{m}"
    );
    assert_eq!(
        metric(&m, r#"seatquote_commits_total{outcome="committed"}"#),
        1,
        "{m}"
    );
    // The 409 replayed at least once (twice when the reconciler found it first).
    assert!(
        metric(&m, r#"seatquote_commits_total{outcome="replayed"}"#) >= 1,
        "{m}"
    );
}

/// (b) The commit is applied upstream but the answer never comes: 504, no second
/// attempt; a retry with the same key reconciles, sees the change, and answers without
/// committing again.
async fn commit_applied_then_timeout_reconciles_without_a_second_commit(store: Backend) {
    // SEATQUOTE_UPSTREAM_TIMEOUT_MS is 800 (helpers::proxy_env).
    let p = pair_on(store, &[]);
    let t = c1001();
    let qt = quote_token(&p, &t, 3).await;

    p.fault_on("applyThenHang", "commit", 1, Some(10_000)).await;
    let started = Instant::now();
    let r = p.commit(&t, S1, 1, &qt, "k-hang").await;
    assert_eq!(
        (r.status, r.code()),
        (504, "upstream_timeout"),
        "{}",
        r.text
    );
    assert!(started.elapsed() < Duration::from_secs(3), "no hang");
    assert_eq!(p.attempts("commit").await, 1, "no second attempt");
    assert_eq!(p.commits(S1).await, 1, "the sandbox applied it");
    assert_eq!(p.quantity(S1, 1).await, 3);
    assert_eq!(
        p.intent_state("C-1001", "k-hang").as_deref(),
        Some("unknown")
    );

    let r = p
        .commit_resolved(&t, S1, 1, &qt, "k-hang", Duration::from_secs(15))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        (r.body["status"].as_str(), r.body["quantity"].as_u64()),
        (Some("committed"), Some(3))
    );
    assert_eq!(
        p.attempts("commit").await,
        1,
        "reconciled, not committed again"
    );
    assert_eq!(p.commits(S1).await, 1);
    assert_eq!(p.intent_state("C-1001", "k-hang").as_deref(), Some("done"));
    let again = p.commit(&t, S1, 1, &qt, "k-hang").await;
    assert_eq!(again.text, r.text);
    assert_eq!(p.attempts("commit").await, 1);
    let m = p.metrics().await;
    assert_eq!(
        metric(
            &m,
            r#"seatquote_upstream_requests_total{op="commit",outcome="timeout"}"#
        ),
        1,
        "{m}"
    );
    assert_eq!(
        metric(&m, r#"seatquote_commits_total{outcome="reconciled"}"#),
        1,
        "{m}"
    );
    assert_eq!(
        metric(&m, r#"seatquote_commits_total{outcome="committed"}"#),
        0,
        "{m}"
    );
}

/// (c) A 429 on the commit: 503 with Retry-After, not retried, the intent dropped (it
/// certainly did not apply); a later retry with the same key commits.
async fn commit_429_drops_the_intent_and_a_later_retry_commits(store: Backend) {
    let p = pair_on(store, &[]);
    let t = c1001();
    let qt = quote_token(&p, &t, 2).await;

    p.fault_on("status429", "commit", 1, Some(1000)).await;
    let r = p.commit(&t, S1, 1, &qt, "k-429").await;
    assert_eq!(
        (r.status, r.code()),
        (503, "upstream_unavailable"),
        "{}",
        r.text
    );
    assert_eq!(r.headers["retry-after"], "1");
    assert_eq!(p.attempts("commit").await, 1, "not retried");
    assert_eq!(p.commits(S1).await, 0);
    assert_eq!(p.intent_state("C-1001", "k-429"), None, "intent dropped");
    let m = p.metrics().await;
    assert_eq!(
        metric(
            &m,
            r#"seatquote_upstream_requests_total{op="commit",outcome="unavailable"}"#
        ),
        1,
        "{m}"
    );

    // Nothing is sent until the Retry-After has passed.
    tokio::time::sleep(Duration::from_millis(1_100)).await;
    let r = p.commit(&t, S1, 1, &qt, "k-429").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["quantity"], 2);
    assert_eq!(p.attempts("commit").await, 2);
    assert_eq!(p.commits(S1).await, 1);
    assert_eq!(p.intent_state("C-1001", "k-429").as_deref(), Some("done"));
}

on_both_stores!(
    targeted_faults_and_preview_retry,
    commit_500_is_not_retried_and_not_sent_again_under_its_key,
    commit_applied_then_timeout_reconciles_without_a_second_commit,
    commit_429_drops_the_intent_and_a_later_retry_commits,
);

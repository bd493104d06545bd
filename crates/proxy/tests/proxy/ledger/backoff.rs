//! What a stuck or refused commit may cost Cleverbridge (DESIGN.md, "The commit state
//! machine"): an intent that cannot be resolved (Cleverbridge unreadable) is read again
//! with an exponential back-off per intent, not every 0.5 s on every replica for ever; a
//! quote refused as `quote_changed` is spent, so replaying it reads nothing upstream.

use std::time::Duration;

use crate::helpers::*;

const S1: &str = "S68841753";

/// A commit answered 500 (outcome unknown), then every read of Cleverbridge fails
/// (unreadable answers, which are not retried): over 10 s the reconciler reads the
/// subscription at most 5 times.
async fn a_stuck_intent_is_read_with_back_off(store: Backend) {
    let p = pair_on(store, &[]);
    let t = c1001();
    let pv = p.preview(&t, S1, 1, 3, "immediate").await;
    let qt = pv.body["quoteToken"].as_str().unwrap().to_owned();
    p.fault_on("status500", "commit", 1, None).await;
    let r = p.commit(&t, S1, 1, &qt, "k-stuck").await;
    assert_eq!(r.code(), "upstream_error", "{}", r.text);
    p.fault_on("malformed", "getsubscription", 1_000, None)
        .await;
    let start = p.attempts("getsubscription").await;
    tokio::time::sleep(Duration::from_secs(10)).await;
    let reads = p.attempts("getsubscription").await - start;
    assert!(reads <= 5, "{reads} reads of a stuck intent in 10 s");
    assert_eq!(
        p.intent_state("C-1001", "k-stuck").as_deref(),
        Some("unknown"),
        "kept"
    );
}

/// A quote refused as `quote_changed` is spent: replaying it (the same key, or another)
/// costs Cleverbridge nothing more — no guard read, no preview — and sends nothing.
async fn a_quote_refused_as_changed_is_spent(store: Backend) {
    let p = pair_on(store, &[]);
    let t = c1001();
    let pv = p.preview(&t, S1, 1, 2, "immediate").await;
    let qt = pv.body["quoteToken"].as_str().unwrap().to_owned();
    let product = p.product_of(S1, 1).await;
    p.admin(
        "price",
        Some(&serde_json::json!({"productId": product, "unitPrice": "1300.00"}).to_string()),
    )
    .await;
    let r = p.commit(&t, S1, 1, &qt, "k-chg").await;
    assert_eq!((r.status, r.code()), (409, "quote_changed"), "{}", r.text);
    let reads = (
        p.attempts("getsubscription").await,
        p.attempts("preview").await,
    );
    let again = p.commit(&t, S1, 1, &qt, "k-chg").await;
    assert_eq!(again.text, r.text, "the key's answer, replayed");
    let other = p.commit(&t, S1, 1, &qt, "k-chg-2").await;
    assert_eq!(
        (other.status, other.code()),
        (400, "invalid_quote_token"),
        "{}",
        other.text
    );
    assert_eq!(
        (
            p.attempts("getsubscription").await,
            p.attempts("preview").await
        ),
        reads,
        "nothing read upstream for a spent quote"
    );
    assert_eq!(p.commit_counts().await, (0, 0));
    // The fresh quote the refusal carried commits.
    let fresh = r.body["quote"]["quoteToken"].as_str().unwrap().to_owned();
    let r = p.commit(&t, S1, 1, &fresh, "k-chg-3").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(p.commit_counts().await, (1, 1));
}

on_both_stores!(
    a_stuck_intent_is_read_with_back_off,
    a_quote_refused_as_changed_is_spent,
);

//! An intent that cannot be resolved (Cleverbridge unreadable) is read again with an
//! exponential back-off per intent (DESIGN.md, "The commit state machine"), not every
//! 0.5 s on every replica for ever.

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

on_both_stores!(a_stuck_intent_is_read_with_back_off);

//! Final evidence before "not applied" (DESIGN.md, "The commit state machine"): one read
//! at the proxy's deadline is not final — Cleverbridge may still be processing — so an
//! item read as before keeps the intent unknown for a quarantine
//! (`SEATQUOTE_COMMIT_QUARANTINE_MS`), and a request that finds it not applied never sends
//! again: it answers `commit_not_applied`. Real proxy and sandbox on loopback;
//! `SEATQUOTE_UPSTREAM_TIMEOUT_MS` is 800, so an unknown outcome is resolvable 2.6 s after
//! it was sent.

use std::time::{Duration, Instant};

use crate::helpers::hooks::*;
use crate::helpers::*;

const S1: &str = "S68841753";

/// Cleverbridge applies the commit after twice the proxy's deadline (held 6 s) while the
/// customer retries the same key: applied once, recorded once, one `seat_change.applied`,
/// and the final answer is the committed 200 — never `quote_changed`, never a second send.
async fn an_apply_after_twice_the_deadline_is_committed_once(store: Backend) {
    let mut env = hook_env(free_port());
    env.push(("SEATQUOTE_COMMIT_QUARANTINE_MS", "20000".into()));
    let p = pair_on(store, &env);
    let t = c1001();
    let pv = p.preview(&t, S1, 1, 3, "immediate").await;
    let qt = pv.body["quoteToken"].as_str().unwrap().to_owned();
    p.fault_on("applyAfterDelay", "commit", 1, Some(6_000))
        .await;
    let sent = Instant::now();
    let r = p.commit(&t, S1, 1, &qt, "k-late").await;
    assert_eq!(
        (r.status, r.code()),
        (504, "upstream_timeout"),
        "{}",
        r.text
    );

    let r = p
        .commit_resolved(&t, S1, 1, &qt, "k-late", Duration::from_secs(25))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        (r.body["status"].as_str(), r.body["quantity"].as_u64()),
        (Some("committed"), Some(3))
    );
    // Whatever was answered, the held commit has arrived by now.
    if let Some(rest) = Duration::from_secs(7).checked_sub(sent.elapsed()) {
        tokio::time::sleep(rest).await;
    }
    assert_eq!(p.commit_counts().await, (1, 1), "sent once, applied once");
    assert_eq!(p.intent_state("C-1001", "k-late").as_deref(), Some("done"));
    let events = p.event_list().await;
    let applied = events
        .iter()
        .filter(|e| e["type"] == "seat_change.applied")
        .count();
    assert_eq!(applied, 1, "{events:?}");
    let again = p.commit(&t, S1, 1, &qt, "k-late").await;
    assert_eq!(again.text, r.text, "a replay");
}

/// A reset before Cleverbridge applied anything: unknown through the quarantine (2 s in
/// the tests), then not applied — found by the retry or the reconciler, whichever comes
/// first — and the key's answer is 409 `commit_not_applied`: nothing is sent again. A fresh preview and commit then applies exactly one change.
async fn not_applied_after_the_quarantine_is_answered_never_sent_again(store: Backend) {
    let p = pair_on(store, &[]);
    let t = c1001();
    let pv = p.preview(&t, S1, 1, 3, "immediate").await;
    let qt = pv.body["quoteToken"].as_str().unwrap().to_owned();
    p.fault_on("resetBeforeApply", "commit", 1, None).await;
    let r = p.commit(&t, S1, 1, &qt, "k-na").await;
    assert_eq!(r.code(), "upstream_error", "{}", r.text);
    let r = p
        .commit_resolved(&t, S1, 1, &qt, "k-na", Duration::from_secs(15))
        .await;
    assert_eq!(
        (r.status, r.code()),
        (409, "commit_not_applied"),
        "{}",
        r.text
    );
    assert_eq!(p.commit_counts().await, (1, 0), "nothing sent again");
    assert_eq!(
        p.intent_state("C-1001", "k-na").as_deref(),
        Some("not_applied"),
        "kept as the key's answer"
    );
    let again = p.commit(&t, S1, 1, &qt, "k-na").await;
    assert_eq!(again.text, r.text, "a replay, nothing sent");
    assert_eq!(p.commit_counts().await, (1, 0));
    let m = p.metrics().await;
    assert_eq!(
        metric(
            &m,
            r#"seatquote_commit_transitions_total{to="not_applied"}"#
        ),
        1,
        "{m}"
    );

    let pv = p.preview(&t, S1, 1, 3, "immediate").await;
    let qt = pv.body["quoteToken"].as_str().unwrap().to_owned();
    let r = p.commit(&t, S1, 1, &qt, "k-na-2").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(p.commit_counts().await, (2, 1));
}

on_both_stores!(
    an_apply_after_twice_the_deadline_is_committed_once,
    not_applied_after_the_quarantine_is_answered_never_sent_again,
);

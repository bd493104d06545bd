//! A commit Cleverbridge applied while the ledger's database write fails (DESIGN.md, "The
//! commit state machine"): the answer is not a 500 claiming failure but 503
//! `commit_outcome_unknown` with a `Retry-After`; the intent stays `sent`, and a retry with
//! the same key resolves it by reading: the committed 200, one record, one event. The
//! write fails for real: the `commits` table is renamed away from outside while the proxy
//! pauses between Cleverbridge's answer and its write (failpoint `after_upstream_commit`).

use std::time::Duration;

use crate::helpers::*;

const S1: &str = "S68841753";

async fn a_commit_applied_while_the_ledger_write_fails_is_not_answered_as_failed(store: Backend) {
    needs_failpoints();
    let p = pair_on(
        store,
        &[("SEATQUOTE_FAILPOINT", "after_upstream_commit:1500".into())],
    );
    let t = c1001();
    let pv = p.preview(&t, S1, 1, 3, "immediate").await;
    let qt = pv.body["quoteToken"].as_str().unwrap().to_owned();
    let first = {
        let rb = p
            .http
            .post(p.url(&format!("/api/subscriptions/{S1}/items/1/commit")))
            .bearer_auth(&t)
            .header("Idempotency-Key", "k-unrecorded")
            .header("Content-Type", "application/json")
            .body(format!(r#"{{"quoteToken":"{qt}","consent":true}}"#));
        tokio::spawn(send(rb))
    };
    assert!(p.proxy.wait_line(
        "failpoint after_upstream_commit reached",
        Duration::from_secs(20)
    ));
    p.store_exec("ALTER TABLE commits RENAME TO commits_away");
    let r = first.await.unwrap();
    assert_eq!(
        (r.status, r.code()),
        (503, "commit_outcome_unknown"),
        "{}",
        r.text
    );
    assert!(r.headers.contains_key("retry-after"), "{}", r.text);
    assert_eq!(p.commit_counts().await, (1, 1), "applied at Cleverbridge");
    p.store_exec("ALTER TABLE commits_away RENAME TO commits");
    assert_eq!(
        p.intent_state("C-1001", "k-unrecorded").as_deref(),
        Some("sent"),
        "kept for resolution by reading"
    );

    let r = p
        .commit_resolved(&t, S1, 1, &qt, "k-unrecorded", Duration::from_secs(15))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["quantity"], 3);
    assert_eq!(p.commit_counts().await, (1, 1), "not sent again");
    assert_eq!(
        p.intent_state("C-1001", "k-unrecorded").as_deref(),
        Some("done")
    );
    assert_eq!(p.applied_events(), 1, "one seat_change.applied");
}

on_both_stores!(a_commit_applied_while_the_ledger_write_fails_is_not_answered_as_failed);

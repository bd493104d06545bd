//! A commit's deadline enforced on the send path (DESIGN.md, "The commit state
//! machine"): once an intent is marked sent, another worker may resolve it by reading
//! after its deadline (2 × timeout + 1 s), so the upstream call must be over by then. A
//! commit that can no longer finish in time — `mark_sent` slow, a budget slot granted late
//! — is not sent at all. `SEATQUOTE_UPSTREAM_TIMEOUT_MS` is 800: the deadline is 2.6 s.

use std::time::Duration;

use crate::helpers::*;

const S1: &str = "S68841753";

/// `mark_sent` takes 3 s (a failpoint stands in for a PostgreSQL pool wait): past the
/// deadline, nothing is sent — 503, the intent removed, nothing applied — and a retry with
/// the key commits exactly once.
async fn a_commit_too_late_for_its_deadline_is_not_sent(store: Backend) {
    needs_failpoints();
    let mut p = pair_on(
        store,
        &[("SEATQUOTE_FAILPOINT", "after_mark_sent:3000".into())],
    );
    let t = c1001();
    let pv = p.preview(&t, S1, 1, 3, "immediate").await;
    let qt = pv.body["quoteToken"].as_str().unwrap().to_owned();
    let r = p.commit(&t, S1, 1, &qt, "k-late-send").await;
    assert_eq!(
        (r.status, r.code()),
        (503, "upstream_unavailable"),
        "{}",
        r.text
    );
    assert_eq!(p.commit_counts().await, (0, 0), "nothing sent");
    assert_eq!(p.intent_state("C-1001", "k-late-send"), None);

    p.restart(&[]);
    let r = p.commit(&t, S1, 1, &qt, "k-late-send").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(p.commit_counts().await, (1, 1));
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        p.intent_state("C-1001", "k-late-send").as_deref(),
        Some("done")
    );
}

on_both_stores!(a_commit_too_late_for_its_deadline_is_not_sent);

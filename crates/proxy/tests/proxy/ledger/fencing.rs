//! Fencing, the replicas' heartbeat and the database's clock (DESIGN.md, "The commit
//! state machine" and "Stores and migrations"), with real proxy processes on one
//! PostgreSQL database and one sandbox: a replica whose database sessions are cut is not
//! taken for dead while it beats; a replica that cannot write its heartbeat starts no
//! commit; a replica whose own clock is ahead does not resolve another's intent before its
//! deadline. `SEATQUOTE_UPSTREAM_TIMEOUT_MS` is 800 (the deadline 2.6 s after sending),
//! the quarantine 2 s (helpers::proxy_env).

use std::time::Duration;

use crate::helpers::*;

const S1: &str = "S68841753";

/// Another replica on `p`'s sandbox and database.
fn replica(p: &Pair, extra: &[(&'static str, String)]) -> Proc {
    let mut envs = extra.to_vec();
    envs.push(("SEATQUOTE_DATABASE_URL", p.db.clone().unwrap()));
    proxy(&p.sandbox, &tmp_dir("replica"), &envs)
}

fn commit_on(p: &Pair, base: &str, t: &str, qt: &str, key: &str) -> reqwest::RequestBuilder {
    p.http
        .post(format!("{base}/api/subscriptions/{S1}/items/1/commit"))
        .bearer_auth(t)
        .header("Idempotency-Key", key)
        .header("Content-Type", "application/json")
        .body(format!(r#"{{"quoteToken":"{qt}","consent":true}}"#))
}

async fn quote_token(p: &Pair, t: &str, qty: u32) -> String {
    let pv = p.preview(t, S1, 1, qty, "immediate").await;
    assert_eq!(pv.status, 200, "{}", pv.text);
    pv.body["quoteToken"].as_str().unwrap().to_owned()
}

/// Replica A records a commit and pauses before sending it; meanwhile every PostgreSQL
/// session of A is terminated (`pg_terminate_backend`, as a database restart or failover
/// does). A retry with the same key on replica B finds A alive — its heartbeat goes on —
/// so B neither removes A's intent nor sends its own: `idempotency_key_in_progress`.
/// A then sends it: one applied change, one record (A's attempt), one event.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cutting_a_live_replicas_sessions_mid_commit_does_not_hand_its_intent_over() {
    needs_failpoints();
    let p = pair_on(
        Backend::Postgres,
        &[("SEATQUOTE_FAILPOINT", "before_upstream_commit:4000".into())],
    );
    let b = replica(&p, &[]);
    let url = p.db.clone().unwrap();
    let t = c1001();
    let qt = quote_token(&p, &t, 3).await;
    let first = tokio::spawn(send(commit_on(&p, &p.proxy.base, &t, &qt, "k-cut")));
    assert!(p.proxy.wait_line(
        "failpoint before_upstream_commit reached",
        Duration::from_secs(20)
    ));
    let attempt = p.attempt_of("C-1001", "k-cut").expect("A's intent");
    assert!(cut_sessions(&url, p.proxy.pid()) >= 1, "A's sessions cut");

    let r = send(commit_on(&p, &b.base, &t, &qt, "k-cut")).await;
    assert_eq!(
        (r.status, r.code()),
        (409, "idempotency_key_in_progress"),
        "{}",
        r.text
    );
    assert_eq!(
        p.intent_state("C-1001", "k-cut").as_deref(),
        Some("recorded")
    );
    assert_eq!(
        p.attempt_of("C-1001", "k-cut").as_deref(),
        Some(attempt.as_str())
    );
    assert_eq!(p.commit_counts().await, (0, 0), "B sent nothing");

    let first = first.await.unwrap();
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.body["quantity"], 3);
    assert_eq!(p.commit_counts().await, (1, 1), "applied once");
    assert_eq!(p.intent_state("C-1001", "k-cut").as_deref(), Some("done"));
    assert_eq!(p.attempt_of("C-1001", "k-cut"), Some(attempt), "A's record");
    assert_eq!(p.store_count("SELECT count(*) FROM commits"), 1);
    assert_eq!(p.applied_events(), 1);
    let again = send(commit_on(&p, &b.base, &t, &qt, "k-cut")).await;
    assert_eq!((again.status, &again.text), (200, &first.text));
}

/// A replica that cannot write its heartbeat (its table renamed away: a real database
/// error) refuses new commits — 503 `upstream_unavailable`, nothing recorded or sent —
/// and takes them again once it can.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_that_cannot_write_its_heartbeat_refuses_new_commits() {
    let p = pair_on(Backend::Postgres, &[]);
    let t = c1001();
    let qt = quote_token(&p, &t, 3).await;
    p.store_exec("ALTER TABLE replicas RENAME TO replicas_away");
    // Half the replica timeout (10 s) without a heartbeat, and a beat's interval more.
    tokio::time::sleep(Duration::from_millis(6_200)).await;
    let r = p.commit(&t, S1, 1, &qt, "k-beat").await;
    assert_eq!(
        (r.status, r.code()),
        (503, "upstream_unavailable"),
        "{}",
        r.text
    );
    assert!(r.headers.contains_key("retry-after"));
    assert_eq!(p.commit_counts().await, (0, 0), "nothing sent");
    assert_eq!(p.intent_state("C-1001", "k-beat"), None, "nothing recorded");

    p.store_exec("ALTER TABLE replicas_away RENAME TO replicas");
    tokio::time::sleep(Duration::from_millis(1_500)).await;
    let r = p.commit(&t, S1, 1, &qt, "k-beat").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(p.commit_counts().await, (1, 1));
}

/// Cleverbridge applies a commit sent by replica A 2 s after it was sent: after A's
/// timeout (504) but before the deadline (2.6 s). One replica's own clock is off by
/// `skew` ms (`SEATQUOTE_CLOCK_SKEW_MS`): A's (`skew_sender`), which would have written an
/// early deadline, or B's, which would have read it as passed. The deadline and the
/// quarantine are the database's clock, so no replica reads the item early and finishes
/// the commit as not applied: it is found applied, recorded once with one event, and B
/// answers the retry with the commit.
async fn a_skewed_clock_resolves_nothing_early(skew: i64, skew_sender: bool) {
    let skewed = vec![("SEATQUOTE_CLOCK_SKEW_MS", skew.to_string())];
    let (a, b) = if skew_sender {
        (skewed, vec![])
    } else {
        (vec![], skewed)
    };
    let p = pair_on(Backend::Postgres, &a);
    let b = replica(&p, &b);
    let t = c1001();
    let qt = quote_token(&p, &t, 3).await;
    p.fault_on("applyAfterDelay", "commit", 1, Some(2_000))
        .await;
    let r = p.commit(&t, S1, 1, &qt, "k-skew").await;
    assert_eq!(
        (r.status, r.code()),
        (504, "upstream_timeout"),
        "{}",
        r.text
    );
    assert!(
        p.wait_state("C-1001", "k-skew", Some("done"), Duration::from_secs(15))
            .await,
        "found applied: {:?}",
        p.intent_state("C-1001", "k-skew")
    );
    for base in [&p.proxy.base, &b.base] {
        let metrics = send(p.http.get(format!("{base}/metrics"))).await.text;
        assert_eq!(
            metric(
                &metrics,
                r#"seatquote_commit_transitions_total{to="not_applied"}"#
            ),
            0,
            "nothing judged early"
        );
    }
    assert_eq!(p.commit_counts().await, (1, 1), "applied once");
    assert_eq!(p.applied_events(), 1, "one seat_change.applied");
    let r = send(commit_on(&p, &b.base, &t, &qt, "k-skew")).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["quantity"], 3);
}

/// Replica B's own clock is a minute ahead: it does not resolve A's commit early.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_whose_clock_is_ahead_does_not_resolve_anothers_intent_early() {
    a_skewed_clock_resolves_nothing_early(60_000, false).await;
}

/// Replica A's own clock is a minute behind: the deadline of the commit it sends is not
/// a minute early for B.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sender_whose_clock_is_behind_does_not_shorten_its_deadline() {
    a_skewed_clock_resolves_nothing_early(-60_000, true).await;
}

//! A scheduled change whose replica dies or is cut off from PostgreSQL in the middle of
//! making it (DESIGN.md, "Scheduled changes" and "Stores and migrations"): another replica
//! on the same database takes it over — a claimed change once the dead replica's heartbeat
//! has expired, a sent one once its deadline has passed — and
//! it is made exactly once: counted at the sandbox (commits received and applied), in the
//! ledger (one row, `done`) and in the outbox (one `seat_change.applied`). A replica only
//! cut off from the database is not taken for dead: it finishes its own change.

use std::time::{Duration, Instant};

use super::*;

const KEY: &str = "t-3";

/// Schedules 5 → 3 under [`KEY`] and moves the sandbox's clock to the day before the
/// renewal; the proxy stays at TODAY (nothing due for it).
async fn scheduled(p: &Pair) {
    let r = change(p, 3, "nextBilling", KEY).await;
    assert_eq!(r.body["status"], "scheduled", "{}", r.text);
    p.admin("clock", Some(&format!(r#"{{"today":"{DAY_BEFORE}"}}"#)))
        .await;
}

/// Waits until the sandbox has received `n` commits.
async fn wait_received(p: &Pair, n: u64, within: Duration) -> bool {
    let end = Instant::now() + within;
    while Instant::now() < end {
        if p.commit_counts().await.0 >= n {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    false
}

/// Exactly once: one commit received and applied, 3 seats, the ledger row `done`, one
/// `seat_change.applied` in the outbox.
async fn made_once(p: &Pair) {
    assert_eq!(p.commit_counts().await, (1, 1), "sent once, applied once");
    assert_eq!(p.quantity(SUB, 1).await, 3);
    assert_eq!(p.intent_state("C-1001", KEY).as_deref(), Some("done"));
    assert_eq!(
        p.store_count("SELECT count(*) FROM commits WHERE state <> 'cancelled'"),
        1,
        "one ledger row"
    );
    assert_eq!(p.applied_events(), 1);
    assert_eq!(count(p, "seat_change.applied").await, 1);
}

/// A scheduled change whose apply the sandbox holds 2 s, sent by replica A (upstream
/// timeout 3 s) the day before the renewal: returned once the sandbox has received it.
async fn sending_held() -> (Pair, Site) {
    let (mut p, site) = scheduled_pair(Backend::Postgres);
    scheduled(&p).await;
    p.fault_on("applyAfterDelay", "commit", 1, Some(2_000))
        .await;
    at(
        &mut p,
        &site,
        DAY_BEFORE,
        &[("SEATQUOTE_UPSTREAM_TIMEOUT_MS", "3000".into())],
    );
    assert!(wait_received(&p, 1, Duration::from_secs(15)).await);
    (p, site)
}

/// The change ends `done` under A's attempt `sent` (resolved, not sent again), and after
/// time enough for another replica to claim or send it again it was made once.
async fn done_under(p: &Pair, sent: &str) {
    assert!(
        p.wait_state("C-1001", KEY, Some("done"), Duration::from_secs(30))
            .await,
        "{:?}",
        p.intent_state("C-1001", KEY)
    );
    assert_eq!(
        p.attempt_of("C-1001", KEY).as_deref(),
        Some(sent),
        "A's attempt"
    );
    tokio::time::sleep(Duration::from_millis(2500)).await;
    made_once(p).await;
}

/// Replica A claims the due change and is SIGKILLed while the sandbox holds its guard read
/// (nothing sent: the row is `recorded`, A's claim). Replica B leaves the claim alone while
/// A's heartbeat is fresh, and schedules it again once the heartbeat is older than the
/// replica timeout (10 s) — well before the claim is stale (untouched for 6 × the upstream
/// timeout + 10 s, 40 s here) — then makes it once under its own claim.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_killed_holding_a_claim_is_taken_over_once_its_heartbeat_expires() {
    let (mut p, site) = scheduled_pair(Backend::Postgres);
    scheduled(&p).await;
    p.fault_on("hang", "getsubscription", 1, Some(120_000))
        .await;
    // A waits up to 5 s for its guard read (the sandbox holds it): killed meanwhile. (Its
    // slot in the shared upstream budget is held that long after its death.)
    at(
        &mut p,
        &site,
        DAY_BEFORE,
        &[("SEATQUOTE_UPSTREAM_TIMEOUT_MS", "5000".into())],
    );
    assert!(
        p.wait_state("C-1001", KEY, Some("recorded"), Duration::from_secs(15))
            .await,
        "A claimed it: {:?}",
        p.intent_state("C-1001", KEY)
    );
    let claim = p.attempt_of("C-1001", KEY).expect("A's claim");
    p.proxy.kill();
    let killed = Instant::now();
    at(
        &mut p,
        &site,
        DAY_BEFORE,
        &[("SEATQUOTE_UPSTREAM_TIMEOUT_MS", "5000".into())],
    );
    // Fresh: B does not touch A's claim, and nothing is sent.
    tokio::time::sleep(Duration::from_secs(5).saturating_sub(killed.elapsed())).await;
    assert_eq!(
        p.intent_state("C-1001", KEY).as_deref(),
        Some("recorded"),
        "not taken over while fresh"
    );
    assert_eq!(p.attempt_of("C-1001", KEY).as_deref(), Some(claim.as_str()));
    assert_eq!(p.commit_counts().await, (0, 0));
    assert!(
        p.wait_state("C-1001", KEY, Some("done"), Duration::from_secs(30))
            .await,
        "{:?}",
        p.intent_state("C-1001", KEY)
    );
    let took = killed.elapsed();
    assert!(
        took >= Duration::from_secs(9) && took < Duration::from_secs(35),
        "taken over after the heartbeat expired, before the claim was stale: {took:?}"
    );
    assert_ne!(
        p.attempt_of("C-1001", KEY).as_deref(),
        Some(claim.as_str()),
        "B's own claim"
    );
    made_once(&p).await;
}

/// Replica A sends the change and is SIGKILLed while the sandbox holds the apply (it
/// applies it 2 s after receiving it). Replica B resolves the sent change after its
/// deadline by reading it — applied — and never sends it again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_killed_mid_apply_is_resolved_by_another_without_a_resend() {
    let (mut p, site) = sending_held().await;
    p.proxy.kill();
    assert_eq!(p.commit_counts().await, (1, 0), "held by the sandbox");
    assert_eq!(p.intent_state("C-1001", KEY).as_deref(), Some("sent"));
    let sent = p.attempt_of("C-1001", KEY).expect("A's attempt");
    at(&mut p, &site, DAY_BEFORE, &[]);
    done_under(&p, &sent).await;
}

/// Replica A's PostgreSQL sessions are terminated while its apply is in flight (the
/// sandbox holds it 2 s); replica B runs beside it. A is alive — its heartbeat goes on,
/// on a new session — so B takes nothing over, and the change is made once, under A's
/// attempt.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_cut_off_from_the_database_mid_apply_is_not_taken_over() {
    let (p, _site) = sending_held().await;
    let url = p.db.clone().expect("a PostgreSQL database");
    let b = proxy(
        &p.sandbox,
        &tmp_dir("replica-b"),
        &[
            ("SEATQUOTE_TODAY", DAY_BEFORE.to_owned()),
            ("SEATQUOTE_DATABASE_URL", url.clone()),
        ],
    );
    let sent = p.attempt_of("C-1001", KEY).expect("A's attempt");
    assert!(cut_sessions(&url, p.proxy.pid()) >= 1, "A's sessions cut");
    done_under(&p, &sent).await;
    drop(b);
}

//! The scheduled apply under the commit path's faults: a reset after Cleverbridge applied
//! it, a reset before, Cleverbridge applying it after twice the proxy's deadline, and the
//! scheduler's process SIGKILLed between Cleverbridge's answer and its own write. Each is made exactly once: counted at the sandbox (commits received
//! and applied) and in the ledger (its state, one `seat_change.applied`).

use std::time::Duration;

use super::*;

/// Schedules 5 → 3 and moves the sandbox's clock to the day before the renewal.
async fn scheduled(p: &Pair) {
    let r = change(p, 3, "nextBilling", "f-3").await;
    assert_eq!(r.body["status"], "scheduled", "{}", r.text);
    p.admin("clock", Some(&format!(r#"{{"today":"{DAY_BEFORE}"}}"#)))
        .await;
}

/// Applied, then the connection reset: unknown, resolved by reading as applied.
async fn reset_after_the_scheduled_apply(store: Backend) {
    let (mut p, port) = scheduled_pair(store);
    scheduled(&p).await;
    p.fault_on("resetAfterApply", "commit", 1, None).await;
    at(&mut p, &port, DAY_BEFORE, &[]);
    assert!(
        p.wait_state("C-1001", "f-3", Some("done"), Duration::from_secs(20))
            .await,
        "{:?}",
        p.intent_state("C-1001", "f-3")
    );
    assert_eq!(p.commit_counts().await, (1, 1));
    assert_eq!(p.quantity(SUB, 1).await, 3);
    assert_eq!(count(&p, "seat_change.applied").await, 1);
}

/// Reset before Cleverbridge applied it: unknown, found as before after the quarantine,
/// scheduled again (not dropped), then made once.
async fn reset_before_the_scheduled_apply(store: Backend) {
    let (mut p, port) = scheduled_pair(store);
    scheduled(&p).await;
    p.fault_on("resetBeforeApply", "commit", 1, None).await;
    at(&mut p, &port, DAY_BEFORE, &[]);
    assert!(
        p.wait_state("C-1001", "f-3", Some("done"), Duration::from_secs(40))
            .await,
        "{:?}",
        p.intent_state("C-1001", "f-3")
    );
    assert_eq!(p.commit_counts().await, (2, 1), "sent twice, applied once");
    assert_eq!(p.quantity(SUB, 1).await, 3);
    assert_eq!(count(&p, "seat_change.applied").await, 1);
}

/// Cleverbridge holds the scheduled apply 6 s, then applies it — twice the proxy's
/// deadline (800 ms upstream timeout: resolvable 2.6 s after sending). Read as before at the
/// deadline, the change stays unknown for the quarantine instead of being scheduled again
/// and sent a second time; the read after the late apply finds it applied.
async fn an_apply_after_twice_the_deadline(store: Backend) {
    let (mut p, port) = scheduled_pair(store);
    scheduled(&p).await;
    p.fault_on("applyAfterDelay", "commit", 1, Some(6_000))
        .await;
    let started = std::time::Instant::now();
    at(
        &mut p,
        &port,
        DAY_BEFORE,
        &[("SEATQUOTE_COMMIT_QUARANTINE_MS", "20000".into())],
    );
    assert!(
        p.wait_state("C-1001", "f-3", Some("done"), Duration::from_secs(30))
            .await,
        "{:?}",
        p.intent_state("C-1001", "f-3")
    );
    // Whatever was decided, the held commit has arrived by now.
    if let Some(rest) = Duration::from_secs(8).checked_sub(started.elapsed()) {
        tokio::time::sleep(rest).await;
    }
    assert_eq!(p.commit_counts().await, (1, 1), "sent once, applied once");
    assert_eq!(p.quantity(SUB, 1).await, 3);
    assert_eq!(count(&p, "seat_change.applied").await, 1);
}

/// The scheduler's process SIGKILLed after Cleverbridge applied the change and before
/// it wrote the outcome: the next process resolves it by reading, nothing is sent again.
async fn sigkill_mid_scheduled_apply(store: Backend) {
    needs_failpoints();
    let (mut p, port) = scheduled_pair(store);
    scheduled(&p).await;
    at(
        &mut p,
        &port,
        DAY_BEFORE,
        &[("SEATQUOTE_FAILPOINT", "after_upstream_commit".into())],
    );
    assert!(p.proxy.wait_line(
        "failpoint after_upstream_commit reached",
        Duration::from_secs(15)
    ));
    p.proxy.kill();
    assert_eq!(p.commit_counts().await, (1, 1));
    assert_eq!(p.intent_state("C-1001", "f-3").as_deref(), Some("sent"));
    at(&mut p, &port, DAY_BEFORE, &[]);
    assert!(
        p.wait_state("C-1001", "f-3", Some("done"), Duration::from_secs(20))
            .await,
        "{:?}",
        p.intent_state("C-1001", "f-3")
    );
    assert_eq!(p.commit_counts().await, (1, 1), "never sent again");
    assert_eq!(p.quantity(SUB, 1).await, 3);
    assert_eq!(count(&p, "seat_change.applied").await, 1);
}

on_both_stores!(
    an_apply_after_twice_the_deadline,
    reset_after_the_scheduled_apply,
    reset_before_the_scheduled_apply,
    sigkill_mid_scheduled_apply,
);

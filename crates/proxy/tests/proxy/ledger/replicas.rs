//! Several proxy replicas (real processes) on one PostgreSQL database and one sandbox
//! (DESIGN.md, "Stores and migrations"): what must hold across replicas holds by the
//! database — one applied change per key, identical answers, an unknown outcome kept and
//! resolved by exactly one lease holder (taken over when that holder dies), one change in
//! flight per item. `SEATQUOTE_UPSTREAM_TIMEOUT_MS` is 800 (helpers::proxy_env): an unknown
//! outcome is resolvable 2.6 s after it was sent; a lease expires after 8.2 s.

use std::time::{Duration, Instant};

use crate::helpers::*;

const S1: &str = "S68841753";
const SETTLE: Duration = Duration::from_secs(20);

/// A sandbox, a PostgreSQL database, and replicas on both (`p.proxy` is replica 0).
struct Cluster {
    p: Pair,
    more: Vec<Proc>,
}

impl Cluster {
    /// `n` replicas; `replica(i)` gives replica i's extra settings.
    fn start(n: usize, replica: impl Fn(usize) -> Vec<(&'static str, String)>) -> Self {
        let mut p = pair_on(Backend::Postgres, &replica(0));
        let more = (1..n).map(|i| self_spawn(&mut p, &replica(i))).collect();
        Self { p, more }
    }

    /// Starts one more replica on the same database and sandbox.
    fn add(&mut self, extra: &[(&'static str, String)]) -> usize {
        let proc = self_spawn(&mut self.p, extra);
        self.more.push(proc);
        self.more.len()
    }

    fn proc(&mut self, i: usize) -> &mut Proc {
        if i == 0 {
            &mut self.p.proxy
        } else {
            &mut self.more[i - 1]
        }
    }

    fn base(&self, i: usize) -> String {
        if i == 0 {
            self.p.proxy.base.clone()
        } else {
            self.more[i - 1].base.clone()
        }
    }

    fn commit_request(&self, i: usize, t: &str, qt: &str, key: &str) -> reqwest::RequestBuilder {
        self.p
            .http
            .post(format!(
                "{}/api/subscriptions/{S1}/items/1/commit",
                self.base(i)
            ))
            .bearer_auth(t)
            .header("Idempotency-Key", key)
            .header("Content-Type", "application/json")
            .body(format!(r#"{{"quoteToken":"{qt}","consent":true}}"#))
    }

    async fn commit(&self, i: usize, t: &str, qt: &str, key: &str) -> Res {
        send(self.commit_request(i, t, qt, key)).await
    }

    /// Commits on replica `i` until the answer is neither `commit_outcome_unknown` nor
    /// `idempotency_key_in_progress`, at most [`SETTLE`].
    async fn commit_resolved(&self, i: usize, t: &str, qt: &str, key: &str) -> Res {
        let end = Instant::now() + SETTLE;
        loop {
            let r = self.commit(i, t, qt, key).await;
            let waiting = matches!(
                r.code(),
                "commit_outcome_unknown" | "idempotency_key_in_progress"
            );
            if !waiting || Instant::now() > end {
                return r;
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }

    async fn quote_token(&self, t: &str, qty: u32) -> String {
        let pv = self.p.preview(t, S1, 1, qty, "immediate").await;
        assert_eq!(pv.status, 200, "{}", pv.text);
        pv.body["quoteToken"].as_str().unwrap().to_owned()
    }

    /// A ledger counter summed over the live replicas.
    async fn transitions(&self, to: &str, replicas: &[usize]) -> u64 {
        let mut sum = 0;
        for &i in replicas {
            let text = send(self.p.http.get(format!("{}/metrics", self.base(i))))
                .await
                .text;
            sum += metric(
                &text,
                &format!(r#"seatquote_commit_transitions_total{{to="{to}"}}"#),
            );
        }
        sum
    }
}

/// A new proxy process on `p`'s sandbox and database, with its own data directory.
fn self_spawn(p: &mut Pair, extra: &[(&'static str, String)]) -> Proc {
    let mut envs = extra.to_vec();
    envs.push(("SEATQUOTE_DATABASE_URL", p.db.clone().unwrap()));
    proxy(&p.sandbox, &tmp_dir("replica"), &envs)
}

/// 50 concurrent commits with one Idempotency-Key spread over three replicas: the
/// sandbox applies the change exactly once, and every answer that succeeded is the same
/// answer, byte for byte (so is a later replay on each replica).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn fifty_concurrent_commits_with_one_key_apply_once_and_answer_alike() {
    let c = Cluster::start(3, |_| vec![]);
    let t = c1001();
    let qt = c.quote_token(&t, 3).await;
    let answers = futures_join_all(
        (0..50)
            .map(|n| send(c.commit_request(n % 3, &t, &qt, "k-50")))
            .collect(),
    )
    .await;
    assert_eq!(c.p.commit_counts().await, (1, 1), "applied exactly once");
    let ok: Vec<&Res> = answers.iter().filter(|r| r.status == 200).collect();
    assert!(!ok.is_empty(), "one commit succeeded");
    for r in &answers {
        assert!(
            r.status == 200
                || matches!(
                    r.code(),
                    "idempotency_key_in_progress" | "commit_outcome_unknown"
                ),
            "{} {}",
            r.status,
            r.text
        );
    }
    assert!(ok.iter().all(|r| r.text == ok[0].text), "identical answers");
    for i in 0..3 {
        let replay = c.commit(i, &t, &qt, "k-50").await;
        assert_eq!(
            (replay.status, &replay.text),
            (200, &ok[0].text),
            "replica {i}"
        );
    }
    assert_eq!(c.p.quantity(S1, 1).await, 3);
}

/// Joins request futures concurrently (all in flight at once).
async fn futures_join_all<F: std::future::Future<Output = Res> + Send + 'static>(
    futs: Vec<F>,
) -> Vec<Res> {
    let handles: Vec<_> = futs.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

/// The replica sending the commit is SIGKILLed after Cleverbridge applied it (before its
/// local write); the replica that then takes the unknown outcome's lease is SIGKILLed
/// while resolving it. A third replica takes the lease over once it expires and answers
/// the retry: exactly one applied change, and the record kept.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_the_sender_and_the_lease_holder_then_retry_elsewhere_applies_once() {
    needs_failpoints();
    let fp = |name: &str| vec![("SEATQUOTE_FAILPOINT", name.to_owned())];
    let mut c = Cluster::start(2, |i| match i {
        0 => fp("after_upstream_commit"),
        _ => fp("after_lease"),
    });
    let t = c1001();
    let qt = c.quote_token(&t, 3).await;
    let pending = tokio::spawn(c.commit_request(0, &t, &qt, "k-kill").send());
    assert!(c
        .proc(0)
        .wait_line("failpoint after_upstream_commit reached", SETTLE));
    c.proc(0).kill();
    assert!(pending.await.unwrap().is_err(), "the client saw it die");
    assert_eq!(c.p.commit_counts().await, (1, 1));

    // Replica 1's reconciler takes the lease once the outcome is resolvable, and dies.
    assert!(c.proc(1).wait_line("failpoint after_lease reached", SETTLE));
    c.proc(1).kill();
    assert_eq!(
        c.p.intent_state("C-1001", "k-kill").as_deref(),
        Some("sent")
    );

    let third = c.add(&[]);
    let r = c.commit_resolved(third, &t, &qt, "k-kill").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["quantity"], 3);
    assert_eq!(c.p.commit_counts().await, (1, 1), "exactly one applied");
    assert_eq!(
        c.p.intent_state("C-1001", "k-kill").as_deref(),
        Some("done")
    );
}

/// The connection resets after Cleverbridge applied the commit; nobody retries. The
/// reconcilers of all three replicas look at it, only the lease holder resolves it (one
/// `applied` transition in all), and a replay on any replica answers the commit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reset_after_apply_is_recorded_as_applied_by_one_replica() {
    let c = Cluster::start(3, |_| vec![]);
    let t = c1001();
    let qt = c.quote_token(&t, 3).await;
    c.p.fault_on("resetAfterApply", "commit", 1, None).await;
    let r = c.commit(0, &t, &qt, "k-reset").await;
    assert_eq!((r.status, r.code()), (502, "upstream_error"), "{}", r.text);
    assert!(
        c.p.wait_state("C-1001", "k-reset", Some("done"), SETTLE)
            .await,
        "resolved unattended: {:?}",
        c.p.intent_state("C-1001", "k-reset")
    );
    assert_eq!(
        c.transitions("applied", &[0, 1, 2]).await,
        1,
        "one resolver"
    );
    assert_eq!(c.transitions("unknown", &[0, 1, 2]).await, 1);
    for i in [2, 1] {
        let r = c.commit(i, &t, &qt, "k-reset").await;
        assert_eq!(r.status, 200, "replica {i}: {}", r.text);
        assert_eq!(r.body["quantity"], 3);
    }
    assert_eq!(c.p.commit_counts().await, (1, 1));
}

/// Cleverbridge applies the commit only after the proxy's timeout (504), and the customer
/// retries the same key at once on another replica: no second commit is sent; the retry
/// waits for the first call's deadline, reads, and answers the commit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn delayed_apply_and_an_immediate_retry_on_another_replica_commit_once() {
    let c = Cluster::start(2, |_| vec![]);
    let t = c1001();
    let qt = c.quote_token(&t, 3).await;
    c.p.fault_on("applyAfterDelay", "commit", 1, Some(2_000))
        .await;
    let r = c.commit(0, &t, &qt, "k-slow").await;
    assert_eq!(
        (r.status, r.code()),
        (504, "upstream_timeout"),
        "{}",
        r.text
    );
    let r = c.commit_resolved(1, &t, &qt, "k-slow").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["quantity"], 3);
    assert_eq!(c.p.commit_counts().await, (1, 1), "no second commit");
}

/// Two quotes for the same item committed at the same moment on two replicas: one
/// commits, the other is refused with 409 `item_change_in_progress`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_quotes_for_one_item_on_two_replicas_commit_once() {
    let c = Cluster::start(2, |_| vec![]);
    let t = c1001();
    let q2 = c.quote_token(&t, 2).await;
    let q3 = c.quote_token(&t, 3).await;
    c.p.fault_on("latency", "commit", 1, Some(600)).await;
    let (a, b) = tokio::join!(c.commit(0, &t, &q2, "tab-a"), c.commit(1, &t, &q3, "tab-b"));
    let mut codes = [(a.status, a.code()), (b.status, b.code())];
    codes.sort();
    assert_eq!(
        codes,
        [(200, ""), (409, "item_change_in_progress")],
        "{} / {}",
        a.text,
        b.text
    );
    assert_eq!(c.p.commit_counts().await, (1, 1), "one commit sent");
    let won = if a.status == 200 { 2 } else { 3 };
    assert_eq!(c.p.quantity(S1, 1).await, won);
}

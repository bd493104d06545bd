//! Each kind under the commit faults that leave its outcome unknown or late — the
//! connection reset before Cleverbridge applies it, reset after, and an apply slower than
//! the proxy's deadline — ends with exactly one applied change at the sandbox and one
//! event in the outbox, resolved by reading (plan: the new product's revision; add: a new
//! item of the add-on; drop: the deactivation date).

use std::time::Duration;

use super::*;

/// One kind's change: where it is previewed and committed, and the sandbox call it makes.
#[derive(Clone, Copy)]
enum Kind {
    Plan,
    Add,
    Drop,
}

impl Kind {
    fn call(self) -> &'static str {
        match self {
            Self::Plan => "updatesubscriptionitem",
            Self::Add => "addsubscriptionitem",
            Self::Drop => "deactivatesubscriptionitems",
        }
    }

    fn event(self) -> &'static str {
        match self {
            Self::Plan => "plan.changed",
            Self::Add => "item.added",
            Self::Drop => "item.deactivated",
        }
    }

    fn token(self) -> String {
        match self {
            Self::Drop => c2002(),
            _ => c1001(),
        }
    }

    async fn preview(self, p: &Pair, t: &str) -> String {
        let pv = match self {
            Self::Plan => p.preview_plan(t, TEAM, 1, "294836", 1, "immediate").await,
            Self::Add => p.preview_add(t, TEAM, "294900", 1).await,
            Self::Drop => p.preview_drop(t, BACKUP, 2).await,
        };
        assert_eq!(pv.status, 200, "{}", pv.text);
        pv.body["quoteToken"].as_str().unwrap().to_owned()
    }

    async fn commit(self, p: &Pair, t: &str, qt: &str, key: &str) -> Res {
        match self {
            Self::Plan => p.commit(t, TEAM, 1, qt, key).await,
            Self::Add => p.commit_add(t, TEAM, qt, key).await,
            Self::Drop => p.commit(t, BACKUP, 2, qt, key).await,
        }
    }

    /// Commits with the same key until the outcome is known, at most 20 s.
    async fn commit_resolved(self, p: &Pair, t: &str, qt: &str, key: &str) -> Res {
        let end = std::time::Instant::now() + Duration::from_secs(20);
        loop {
            let r = self.commit(p, t, qt, key).await;
            let waiting = matches!(
                r.code(),
                "commit_outcome_unknown" | "idempotency_key_in_progress"
            );
            if !waiting || std::time::Instant::now() > end {
                return r;
            }
            tokio::time::sleep(Duration::from_millis(300)).await;
        }
    }

    /// The change is in the sandbox's subscription.
    async fn shown(self, p: &Pair) -> bool {
        match self {
            Self::Plan => {
                p.current_item(TEAM, 1).await["ProductId"]
                    .to_string()
                    .trim_matches('"')
                    == "294836"
            }
            Self::Add => {
                p.current_item(TEAM, 2).await["ProductId"]
                    .to_string()
                    .trim_matches('"')
                    == "294900"
            }
            Self::Drop => !p.current_item(BACKUP, 2).await["DeactivationDate"].is_null(),
        }
    }
}

/// The fault on the kind's commit, then retries with the same key: one applied change,
/// the change shown, a 200 naming the kind, one event of its type.
async fn once_under(kind: Kind, fault: &str, ms: Option<u64>) {
    let p = pair(&[("SEATQUOTE_ADMIN_TOKEN", crate::helpers::hooks::ADMIN.into())]);
    let t = kind.token();
    let qt = kind.preview(&p, &t).await;
    let mut body = json!({"fault": fault, "count": 1, "target": "commit", "call": kind.call()});
    if let Some(ms) = ms {
        body["ms"] = ms.into();
    }
    p.admin("fault", Some(&body.to_string())).await;
    let first = kind.commit(&p, &t, &qt, "k-fault").await;
    // The fault hit: the first answer is not a success (its outcome unknown, or late).
    assert!(matches!(first.status, 502..=504), "{fault}: {}", first.text);
    let r = kind.commit_resolved(&p, &t, &qt, "k-fault").await;
    if fault == "resetBeforeApply" && r.code() == "commit_not_applied" {
        // Certainly not applied: the customer confirms a fresh preview, committed once.
        let qt = kind.preview(&p, &t).await;
        let r = kind.commit(&p, &t, &qt, "k-fault-2").await;
        assert_eq!(r.status, 200, "{}", r.text);
    } else {
        assert_eq!(r.status, 200, "{fault}: {}", r.text);
        if let Kind::Add = kind {
            assert_eq!(r.body["runningNumber"], 2, "{}", r.text);
        }
    }
    let calls = p.call_counts(kind.call()).await;
    assert_eq!(
        calls["commitsApplied"], 1,
        "{fault}: applied exactly once: {calls}"
    );
    assert!(kind.shown(&p).await, "{fault}");
    // Exactly one event of the kind's type in the outbox.
    let mut n = 0;
    for _ in 0..50 {
        let events = p.event_list().await;
        n = events.iter().filter(|e| e["type"] == kind.event()).count();
        if n > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(n, 1, "{fault}: one {} event", kind.event());
}

macro_rules! per_kind {
    ($($name:ident: $kind:expr, $fault:expr, $ms:expr;)*) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                once_under($kind, $fault, $ms).await
            }
        )*
    };
}

per_kind! {
    plan_reset_before_apply: Kind::Plan, "resetBeforeApply", None;
    plan_reset_after_apply: Kind::Plan, "resetAfterApply", None;
    plan_slow_apply: Kind::Plan, "applyAfterDelay", Some(2_500);
    add_reset_before_apply: Kind::Add, "resetBeforeApply", None;
    add_reset_after_apply: Kind::Add, "resetAfterApply", None;
    add_slow_apply: Kind::Add, "applyAfterDelay", Some(2_500);
    drop_reset_before_apply: Kind::Drop, "resetBeforeApply", None;
    drop_reset_after_apply: Kind::Drop, "resetAfterApply", None;
    drop_slow_apply: Kind::Drop, "applyAfterDelay", Some(2_500);
}

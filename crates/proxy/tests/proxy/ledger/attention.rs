//! A home for the stuck (DESIGN.md, "The commit state machine"): a commit whose outcome no
//! read can resolve (Cleverbridge unreadable) is parked as needing attention after
//! `SEATQUOTE_COMMIT_MAX_RESOLVE_FAILURES` reads — no more reads, its event in the outbox,
//! a metric, the customer's retry told plainly — and an operator's retry (`seatquote-proxy
//! intents retry`) resolves it once Cleverbridge answers again.

use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::helpers::hooks::ADMIN;
use crate::helpers::*;

const S1: &str = "S68841753";

/// `seatquote-proxy intents …` against the pair's proxy: (success, stdout and stderr).
fn intents(p: &Pair, args: &[&str]) -> (bool, String) {
    let out = Command::new(BIN)
        .env_clear()
        .arg("intents")
        .args(args)
        .args(["--url", &p.proxy.base])
        .env("SEATQUOTE_ADMIN_TOKEN", ADMIN)
        .output()
        .unwrap();
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    (out.status.success(), text)
}

async fn a_commit_no_read_can_resolve_is_parked_for_a_person(store: Backend) {
    let p = pair_on(
        store,
        &[
            ("SEATQUOTE_COMMIT_MAX_RESOLVE_FAILURES", "3".into()),
            ("SEATQUOTE_ADMIN_TOKEN", ADMIN.into()),
        ],
    );
    let t = c1001();
    let pv = p.preview(&t, S1, 1, 3, "immediate").await;
    let qt = pv.body["quoteToken"].as_str().unwrap().to_owned();
    // Applied at Cleverbridge, answered 500: unknown; then Cleverbridge is unreadable.
    p.fault_on("status500AfterApply", "commit", 1, None).await;
    let r = p.commit(&t, S1, 1, &qt, "k-att").await;
    assert_eq!(r.code(), "upstream_error", "{}", r.text);
    p.fault_on("malformed", "getsubscription", 100_000, None)
        .await;

    // Three failed reads (at the deadline, 0.5 s and 1 s later): parked, and listed.
    let end = Instant::now() + Duration::from_secs(20);
    let listed = loop {
        let (ok, out) = intents(&p, &["list", "--json"]);
        assert!(ok, "{out}");
        if out.contains("k-att") {
            break out;
        }
        assert!(Instant::now() < end, "not parked: {out}");
        tokio::time::sleep(Duration::from_millis(300)).await;
    };
    let row: Value = serde_json::from_str(listed.lines().next().unwrap()).unwrap();
    assert_eq!(row["customerId"], "C-1001", "{row}");
    assert_eq!(row["subscriptionId"], S1, "{row}");
    assert_eq!(row["state"], "needs_attention", "{row}");
    assert_eq!(row["resolveFailures"], 3, "{row}");
    assert_eq!(
        (row["fromQuantity"].as_u64(), row["quantity"].as_u64()),
        (Some(1), Some(3))
    );
    let (ok, line) = intents(&p, &["list"]);
    assert!(
        ok && line.contains("C-1001") && line.contains("failures=3"),
        "{line}"
    );

    // No more reads, not for the reconciler nor for the customer's retry, which is told
    // plainly; the item stays claimed (its outcome is still unknown).
    let reads = p.attempts("getsubscription").await;
    let r = p.commit(&t, S1, 1, &qt, "k-att").await;
    assert_eq!(
        (r.status, r.code()),
        (409, "commit_needs_attention"),
        "{}",
        r.text
    );
    tokio::time::sleep(Duration::from_secs(3)).await;
    assert_eq!(
        p.attempts("getsubscription").await,
        reads,
        "a parked commit is read no more"
    );
    assert_eq!(
        p.intent_state("C-1001", "k-att").as_deref(),
        Some("unknown")
    );

    // Its event, once, and its metric.
    let events = p.event_list().await;
    let parked: Vec<&Value> = events
        .iter()
        .filter(|e| e["type"] == "seat_change.needs_attention")
        .collect();
    assert_eq!(parked.len(), 1, "{events:?}");
    let data = &parked[0]["payload"]["data"];
    assert_eq!(data["idempotencyKey"], "k-att", "{data}");
    assert_eq!(data["resolveFailures"], 3, "{data}");
    assert_eq!(data["outcome"], "unknown", "{data}");
    let m = p.metrics().await;
    assert_eq!(
        metric(
            &m,
            r#"seatquote_commit_transitions_total{to="needs_attention"}"#
        ),
        1,
        "{m}"
    );

    // Cleverbridge readable again, the operator retries it: found applied, recorded once.
    p.fault_on("malformed", "getsubscription", 0, None).await;
    let (ok, out) = intents(&p, &["retry", "--customer", "C-1001", "--key", "k-att"]);
    assert!(ok, "{out}");
    assert!(
        p.wait_state("C-1001", "k-att", Some("done"), Duration::from_secs(10))
            .await,
        "resolved after the operator's retry"
    );
    let r = p.commit(&t, S1, 1, &qt, "k-att").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(p.commit_counts().await, (1, 1));
    let applied = p
        .event_list()
        .await
        .iter()
        .filter(|e| e["type"] == "seat_change.applied")
        .count();
    assert_eq!(applied, 1);
    let (ok, out) = intents(&p, &["list"]);
    assert!(ok && out.trim().is_empty(), "{out}");
    // A retry of what is not parked is refused.
    let (ok, out) = intents(&p, &["retry", "--customer", "C-1001", "--key", "k-att"]);
    assert!(!ok && out.contains("404"), "{out}");
}

on_both_stores!(a_commit_no_read_can_resolve_is_parked_for_a_person);

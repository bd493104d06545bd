//! Fair shares with commits in the way (docs/proxy.md, "Upstream discipline"): a commit
//! stuck because Cleverbridge cannot read its subscription, and the same customer
//! replaying its quotes as fast as it is answered (each guard read fails, so no quote is
//! spent), do not starve another customer's previews: a customer's commit-class requests
//! hold one slot, and normal requests keep their share of the window. Real processes; the
//! sandbox unreadable for that customer's subscriptions only.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::helpers::*;

const S1: &str = "S68841753";
/// C-1001's other subscriptions (one item each), whose quotes it replays.
const OTHERS: [(&str, u32); 3] = [("S70000001", 6), ("S70000002", 4), ("S70000006", 3)];
/// C-2002's active EUR subscription (item 1: 10 seats).
const S4: &str = "S70000004";

async fn a_stuck_commit_and_a_replaying_customer_do_not_starve_another(store: Backend) {
    // Two upstream requests in flight (a merchant may set 1–4): few enough slots for a
    // customer's commits to hold them all.
    let p = pair_on(store, &[("SEATQUOTE_UPSTREAM_MAX_IN_FLIGHT", "2".into())]);
    let t1 = c1001();
    let pv = p.preview(&t1, S1, 1, 3, "immediate").await;
    let stuck_quote = pv.body["quoteToken"].as_str().unwrap().to_owned();
    let mut quotes = Vec::new();
    for (sub, qty) in OTHERS {
        let pv = p.preview(&t1, sub, 1, qty, "immediate").await;
        assert_eq!(pv.status, 200, "{}", pv.text);
        quotes.push((sub, pv.body["quoteToken"].as_str().unwrap().to_owned()));
    }
    // The stuck commit: answered 500 (outcome unknown), then C-1001's subscriptions are
    // unreadable (a truncated answer after 200 ms, not retried), before its deadline.
    p.fault_on("status500", "commit", 1, None).await;
    let r = p.commit(&t1, S1, 1, &stuck_quote, "k-stuck").await;
    assert_eq!(r.code(), "upstream_error", "{}", r.text);
    let mut subs = vec![S1];
    subs.extend(OTHERS.iter().map(|(s, _)| *s));
    let fault = serde_json::json!({"fault": "malformed", "target": "getsubscription",
        "count": 1_000_000, "ms": 200, "subscriptions": subs});
    p.admin("fault", Some(&fault.to_string())).await;
    let stuck_reads = p.reads(S1).await;

    // C-1001 replays its three quotes under fresh keys, as fast as it is answered.
    let stop = Arc::new(AtomicBool::new(false));
    let replays = Arc::new(AtomicU32::new(0));
    let mut loops = Vec::new();
    for (sub, qt) in quotes {
        let (http, url, t) = (
            p.http.clone(),
            p.url(&format!("/api/subscriptions/{sub}/items/1/commit")),
            t1.clone(),
        );
        let (stop, replays) = (stop.clone(), replays.clone());
        loops.push(tokio::spawn(async move {
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let r = send(
                    http.post(&url)
                        .bearer_auth(&t)
                        .header("content-type", "application/json")
                        .header("Idempotency-Key", format!("replay-{sub}-{n}"))
                        .body(format!(r#"{{"quoteToken":"{qt}","consent":true}}"#)),
                )
                .await;
                assert!(
                    matches!(r.status, 502 | 503),
                    "replay: {} {}",
                    r.status,
                    r.text
                );
                replays.fetch_add(1, Ordering::Relaxed);
            }
        }));
    }

    // Meanwhile C-2002 previews for 10 s: never refused.
    let t2 = c2002();
    let end = Instant::now() + Duration::from_secs(10);
    let mut previews = 0u32;
    while Instant::now() < end {
        let qty = 11 + previews % 30;
        let r = p.preview(&t2, S4, 1, qty, "immediate").await;
        assert_eq!(
            r.status, 200,
            "preview {previews} of another customer: {}",
            r.text
        );
        previews += 1;
    }
    stop.store(true, Ordering::Relaxed);
    for l in loops {
        l.await.unwrap();
    }
    let reads = p.reads(S1).await - stuck_reads;
    assert!(reads <= 5, "{reads} reads of the stuck commit in 10 s");
    let replays = replays.load(Ordering::Relaxed);
    eprintln!("{previews} previews, {replays} replays, {reads} reads of the stuck commit");
    assert!(
        replays > 10,
        "the replaying customer was served too: {replays}"
    );
    assert!(previews > 20, "{previews} previews in 10 s");
    assert_eq!(
        p.intent_state("C-1001", "k-stuck").as_deref(),
        Some("unknown"),
        "still stuck, kept"
    );
    let counters = p.admin("counters", None).await;
    assert_eq!(counters["tooManySent"], 0, "{counters}");
}

on_both_stores!(a_stuck_commit_and_a_replaying_customer_do_not_starve_another);

//! The upstream budget (docs/proxy.md, "Upstream discipline") with real processes: one
//! customer flooding distinct previews does not starve another customer's preview and
//! commit; a 429's Retry-After holds back every request; a committed change costs at most
//! 4 upstream calls, counted at the sandbox.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crate::helpers::*;

const S1: &str = "S68841753";
/// C-2002's active EUR subscription (item 1: 10 seats).
const S4: &str = "S70000004";

fn preview_body(qty: u32) -> String {
    format!(r#"{{"quantity":{qty},"alignment":"immediate"}}"#)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_flooding_customer_does_not_starve_another() {
    // A 1.5 s upstream timeout: first come, first served, the other customer's preview
    // would wait behind the flood's ~20 queued previews (about 1.6 s) and time out.
    let p = pair(&[("SEATQUOTE_UPSTREAM_TIMEOUT_MS", "1500".into())]);
    // Every preview takes 300 ms upstream: 4 in flight serve about 13 previews a second.
    p.fault_on("latency", "preview", 100_000, Some(300)).await;
    let flood_token = c1001();
    let stop = Arc::new(AtomicBool::new(false));
    let (ok, refused) = (Arc::new(AtomicU32::new(0)), Arc::new(AtomicU32::new(0)));
    let mut workers = Vec::new();
    for w in 0..24u32 {
        let (http, url, t) = (
            p.http.clone(),
            p.url(&format!("/api/subscriptions/{S1}/items/1/preview")),
            flood_token.clone(),
        );
        let (stop, ok, refused) = (stop.clone(), ok.clone(), refused.clone());
        workers.push(tokio::spawn(async move {
            let mut qty = 2 + w;
            while !stop.load(Ordering::Relaxed) {
                // Distinct quantities: nothing is coalesced.
                qty = if qty >= 100 { 2 } else { qty + 1 };
                let r = send(
                    http.post(&url)
                        .bearer_auth(&t)
                        .header("content-type", "application/json")
                        .body(preview_body(qty)),
                )
                .await;
                match r.status {
                    200 => ok.fetch_add(1, Ordering::Relaxed),
                    503 => refused.fetch_add(1, Ordering::Relaxed),
                    // The flood's own slow answers on a loaded machine: not what is tested.
                    502 | 504 => 0,
                    s => panic!("flood preview: {s} {}", r.text),
                };
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(600)).await;

    // Another customer's preview and commit go through promptly.
    let t2 = c2002();
    let started = Instant::now();
    let pv = p.preview(&t2, S4, 1, 11, "immediate").await;
    let preview_took = started.elapsed();
    assert_eq!(pv.status, 200, "{}", pv.text);
    let qt = pv.body["quoteToken"].as_str().unwrap().to_owned();
    let started = Instant::now();
    let c = p.commit(&t2, S4, 1, &qt, "fair-1").await;
    let commit_took = started.elapsed();
    assert_eq!(c.status, 200, "{}", c.text);
    assert!(
        !stop.load(Ordering::Relaxed) && refused.load(Ordering::Relaxed) > 0,
        "the flood was still running and being held back"
    );
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        w.await.unwrap();
    }
    assert!(
        preview_took < Duration::from_millis(1_200),
        "preview took {preview_took:?}"
    );
    assert!(
        commit_took < Duration::from_millis(1_500),
        "commit took {commit_took:?}"
    );
    assert_eq!(p.quantity(S4, 1).await, 11);
    // The flooder was served too, within its share, and Cleverbridge never said 429.
    assert!(ok.load(Ordering::Relaxed) > 0);
    let counters = p.admin("counters", None).await;
    assert_eq!(counters["tooManySent"], 0, "{counters}");
    let m = p.metrics().await;
    assert!(
        metric(&m, r#"seatquote_budget_refused_total{reason="busy"}"#) > 0,
        "{m}"
    );
    assert!(metric(&m, r#"seatquote_budget_granted_total{class="commit"}"#) >= 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_holds_back_every_request_for_its_retry_after() {
    let p = pair(&[]);
    let (t1, t2) = (c1001(), c2002());
    p.fault_on("status429", "preview", 1, Some(2_000)).await;
    let r = p.preview(&t1, S1, 1, 2, "immediate").await;
    assert_eq!(
        (r.status, r.code()),
        (503, "upstream_unavailable"),
        "{}",
        r.text
    );
    assert_eq!(r.headers["retry-after"], "2");
    let sent = p.upstream_requests().await;
    // Another customer's read is not sent while the block lasts: 503 with what is left.
    let r = p.get(&format!("/api/subscriptions/{S4}"), &t2).await;
    assert_eq!(
        (r.status, r.code()),
        (503, "upstream_unavailable"),
        "{}",
        r.text
    );
    let left: u64 = r.headers["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=2).contains(&left), "{left}");
    assert_eq!(
        p.upstream_requests().await,
        sent,
        "nothing sent during the block"
    );
    let m = p.metrics().await;
    assert_eq!(metric(&m, "seatquote_budget_429_total"), 1, "{m}");
    assert!(metric(&m, r#"seatquote_budget_refused_total{reason="blocked"}"#) >= 1);
    // Once it has passed, both go through.
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    assert_eq!(
        p.get(&format!("/api/subscriptions/{S4}"), &t2).await.status,
        200
    );
    assert_eq!(p.preview(&t1, S1, 1, 2, "immediate").await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upstream_calls_per_committed_change() {
    let p = pair(&[]);
    let t = c1001();
    let calls = || async { p.upstream_requests().await };
    // Summary, one preview, commit: the read is reused by the preview; the commit's guard
    // read finds the subscription as quoted, so the quoted preview stands.
    assert_eq!(
        p.get(&format!("/api/subscriptions/{S1}"), &t).await.status,
        200
    );
    let pv = p.preview(&t, S1, 1, 2, "immediate").await;
    let qt = pv.body["quoteToken"].as_str().unwrap().to_owned();
    let c = p.commit(&t, S1, 1, &qt, "calls-1").await;
    assert_eq!(c.status, 200, "{}", c.text);
    assert_eq!(
        calls().await,
        4,
        "summary read, preview, guard read, commit"
    );
    // Three previews before committing: one call each more.
    assert_eq!(
        p.get(&format!("/api/subscriptions/{S1}"), &t).await.status,
        200
    );
    for q in [3, 4, 5] {
        assert_eq!(p.preview(&t, S1, 1, q, "immediate").await.status, 200);
    }
    let pv = p.preview(&t, S1, 1, 4, "immediate").await; // the same as before: shared
    let qt = pv.body["quoteToken"].as_str().unwrap().to_owned();
    assert_eq!(p.commit(&t, S1, 1, &qt, "calls-2").await.status, 200);
    assert_eq!(calls().await, 4 + 6);
    assert_eq!(p.quantity(S1, 1).await, 4);
    // A change made outside since the quote: the guard read sees it and the commit
    // previews again (and refuses with the new quote) — no reuse.
    let pv = p.preview(&t, S1, 1, 6, "immediate").await;
    let qt = pv.body["quoteToken"].as_str().unwrap().to_owned();
    p.outside_commit(S1, 1, 5).await;
    let before = calls().await;
    let c = p.commit(&t, S1, 1, &qt, "calls-3").await;
    assert_eq!((c.status, c.code()), (409, "quote_changed"), "{}", c.text);
    assert_eq!(calls().await, before + 2, "guard read and a fresh preview");
    let m = p.metrics().await;
    assert_eq!(
        metric(
            &m,
            r#"seatquote_upstream_coalesced_total{op="commit_preview"}"#
        ),
        2,
        "{m}"
    );
}

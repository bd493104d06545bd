//! A 429's `Retry-After` from Cleverbridge within bounds (docs/proxy.md, "Upstream
//! discipline"), with real processes: a value past any clock neither panics the proxy nor
//! writes a block for good into the budget the replicas share (PostgreSQL's
//! `upstream_budget` row, read here); an unreadable one counts as 60 s, an HTTP date as
//! the seconds until it.

use crate::helpers::*;

const S1: &str = "S68841753";

/// A preview answered by Cleverbridge's 429 with `Retry-After: <text>`: the proxy's
/// answer.
async fn preview_after_429(p: &Pair, text: &str) -> Res {
    let body = serde_json::json!({
        "fault": "status429", "count": 1, "target": "preview", "retryAfter": text,
    });
    p.admin("fault", Some(&body.to_string())).await;
    p.preview(&c1001(), S1, 1, 2, "immediate").await
}

fn seconds(r: &Res) -> u64 {
    assert_eq!(
        (r.status, r.code()),
        (503, "upstream_unavailable"),
        "{}",
        r.text
    );
    r.headers["retry-after"].to_str().unwrap().parse().unwrap()
}

async fn an_enormous_retry_after_is_capped(store: Backend) {
    let p = pair_on(store, &[]);
    // u64::MAX seconds: `Instant + Duration` would overflow.
    let r = preview_after_429(&p, "18446744073709551615").await;
    assert_eq!(seconds(&r), 300, "capped at 300 s");
    let m = p.metrics().await;
    assert_eq!(metric(&m, "seatquote_budget_429_total"), 1, "{m}");
    // Held back meanwhile, and the proxy still answers.
    // Another subscription (S1's read is reused): its read is not sent.
    let again = p.get("/api/subscriptions/S70000002", &c1001()).await;
    assert!((1..=300).contains(&seconds(&again)));
    if let Some(db) = &p.db {
        // The shared block, as the other replicas will read it: at most 300 s ahead.
        let mut left = 0;
        for _ in 0..50 {
            let rows = seatquote_testkit::query(
                db,
                "SELECT blocked_until_ms - (extract(epoch FROM clock_timestamp()) * 1000)::bigint \
                 FROM upstream_budget WHERE id = 1",
                &[],
            )
            .unwrap();
            left = rows[0].get::<_, i64>(0);
            if left > 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert!(
            (290_000..=300_000).contains(&left),
            "the shared block ends within 300 s: {left} ms"
        );
    }
}

on_both_stores!(an_enormous_retry_after_is_capped);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreadable_retry_after_is_60_s_and_a_date_its_seconds() {
    let p = pair(&[]);
    assert_eq!(seconds(&preview_after_429(&p, "soon").await), 60);
    let p = pair(&[]);
    let at = chrono::Utc::now() + chrono::Duration::seconds(120);
    let date = at.format("%a, %d %b %Y %H:%M:%S GMT").to_string();
    let s = seconds(&preview_after_429(&p, &date).await);
    assert!((110..=120).contains(&s), "{date}: {s}");
}

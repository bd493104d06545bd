//! What the summary tells before the customer picks anything — whether the subscription
//! can be changed now, and the changes in flight — and one subscription read per preview:
//! a change made elsewhere within the proxy's reuse of a read is priced from the
//! subscription as it now is (DESIGN.md, "One read per quote").
//! Real processes, real HTTP on loopback.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::helpers::*;

const S1: &str = "S68841753";

/// Sets an item's seats at the sandbox, as its own admin would (a change made outside).
async fn set_seats(p: &Pair, sub: &str, item: u32, qty: u32) {
    let body = serde_json::json!({"subscriptionId": sub, "runningNumber": item, "quantity": qty});
    let r = p.admin("quantity", Some(&body.to_string())).await;
    assert_eq!(r["quantity"], qty, "{r}");
}

fn item(summary: &Value) -> &Value {
    &summary["items"][0]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn summary_says_up_front_when_a_subscription_cannot_change() {
    let p = pair(&[]);
    // Grace: not changeable, with the code and message a preview would refuse with.
    let r = p.get("/api/subscriptions/S70000003", &c2002()).await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["status"], "grace");
    let ch = &r.body["changeable"];
    assert_eq!(ch["ok"], false, "{ch}");
    assert_eq!(ch["code"], "subscription_not_active");
    assert!(ch["message"].as_str().unwrap().contains("Grace"), "{ch}");
    let pv = p.preview(&c2002(), "S70000003", 1, 3, "immediate").await;
    assert_eq!(
        pv.code(),
        ch["code"],
        "the summary names the preview's refusal"
    );
    // Active: changeable, nothing else said.
    let r = p.get(&format!("/api/subscriptions/{S1}"), &c1001()).await;
    assert_eq!(r.body["changeable"], serde_json::json!({"ok": true}));
    assert_eq!(item(&r.body)["pending"], serde_json::json!([]));
    // Not the customer's: refused as such, as before.
    let r = p.get("/api/subscriptions/S70000003", &c1001()).await;
    assert_eq!((r.status, r.code()), (403, "forbidden_subscription"));
}

/// A commit in flight (Cleverbridge slow to answer) shows in the summary as `inProgress`
/// with its target, for a reload or a second tab; once it is answered, it is gone and the
/// seats are the new ones.
async fn summary_lists_a_change_in_flight(store: Backend) {
    let p = pair_on(store, &[("SEATQUOTE_UPSTREAM_TIMEOUT_MS", "5000".into())]);
    let t = c1001();
    let path = format!("/api/subscriptions/{S1}");
    let pv = p.preview(&t, S1, 1, 2, "immediate").await;
    let qt = pv.body["quoteToken"].as_str().unwrap().to_owned();
    p.fault_on("latency", "commit", 1, Some(2500)).await;
    let started = chrono::Utc::now();
    let commit = {
        let (p_url, t, qt) = (p.url(""), t.clone(), qt.clone());
        let http = client();
        tokio::spawn(async move {
            send(
                http.post(format!("{p_url}/api/subscriptions/{S1}/items/1/commit"))
                    .bearer_auth(t)
                    .header("content-type", "application/json")
                    .header("Idempotency-Key", "k-flight")
                    .body(format!(r#"{{"quoteToken":"{qt}","consent":true}}"#)),
            )
            .await
        })
    };
    let end = Instant::now() + Duration::from_secs(2);
    let mut pending = Value::Null;
    while Instant::now() < end {
        let r = p.get(&path, &t).await;
        assert_eq!(r.status, 200, "{}", r.text);
        pending = item(&r.body)["pending"].clone();
        if pending.as_array().is_some_and(|a| !a.is_empty()) {
            assert_eq!(item(&r.body)["quantity"], 1, "not applied yet");
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let entries = pending.as_array().expect("pending listed");
    assert_eq!(entries.len(), 1, "{pending}");
    assert_eq!(entries[0]["state"], "inProgress");
    assert_eq!(entries[0]["toQuantity"], 2);
    assert!(entries[0].get("effectiveOn").is_none(), "{pending}");
    let since = chrono::DateTime::parse_from_rfc3339(entries[0]["since"].as_str().unwrap())
        .expect("since is RFC 3339");
    let drift = (since.with_timezone(&chrono::Utc) - started).num_milliseconds();
    assert!((-1000..3000).contains(&drift), "since {since} vs {started}");
    // Another customer's view of their own subscription lists nothing of it.
    let other = p.get("/api/subscriptions/S70000004", &c2002()).await;
    assert!(other.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["pending"] == serde_json::json!([])));

    let r = commit.await.unwrap();
    assert_eq!(r.status, 200, "{}", r.text);
    let r = p.get(&path, &t).await;
    assert_eq!(item(&r.body)["pending"], serde_json::json!([]));
    assert_eq!(item(&r.body)["quantity"], 2);
    assert_eq!(p.commits(S1).await, 1, "applied once");
    assert_eq!(
        p.intent_state("C-1001", "k-flight").as_deref(),
        Some("done")
    );
}

on_both_stores!(summary_lists_a_change_in_flight);

/// The summary's read is reused (30 s); the seats are changed elsewhere meanwhile. The
/// preview is priced on what Cleverbridge holds now: its current line, the engine's
/// figures and Cleverbridge's amounts from one fresh read — 2 → 3 seats ($604.93), not
/// 1 → 3 ($1,209.86) — and committing it charges exactly that.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_preview_after_a_change_elsewhere_is_priced_on_one_fresh_read() {
    let p = pair(&[]);
    let t = c1001();
    let r = p.get(&format!("/api/subscriptions/{S1}"), &t).await;
    assert_eq!(item(&r.body)["quantity"], 1);
    // Agreeing previews read nothing more.
    let reads = p.attempts("getsubscription").await;
    let pv = p.preview(&t, S1, 1, 2, "immediate").await;
    assert_eq!(pv.body["alignment"]["gross"], "604.93", "{}", pv.text);
    assert_eq!(
        p.attempts("getsubscription").await,
        reads,
        "the read reused"
    );

    set_seats(&p, S1, 1, 2).await;
    let previews = p.attempts("preview").await;
    let pv = p.preview(&t, S1, 1, 3, "immediate").await;
    assert_eq!(pv.status, 200, "{}", pv.text);
    assert_eq!(pv.body["current"]["quantity"], 2, "{}", pv.text);
    assert_eq!(pv.body["next"]["quantity"], 3);
    assert_eq!(pv.body["alignment"]["gross"], "604.93", "{}", pv.text);
    assert_eq!(pv.body["nextBilling"]["gross"], "3600.00");
    assert_eq!(
        p.attempts("getsubscription").await,
        reads + 1,
        "read again once"
    );
    assert_eq!(
        p.attempts("preview").await,
        previews + 2,
        "the disagreeing preview, then one on the fresh read"
    );
    // A later summary shows the new seats (the fresh read is the one reused now).
    let r = p.get(&format!("/api/subscriptions/{S1}"), &t).await;
    assert_eq!(item(&r.body)["quantity"], 2);

    let qt = pv.body["quoteToken"].as_str().unwrap();
    let c = p.commit(&t, S1, 1, qt, "k-fresh").await;
    assert_eq!(c.status, 200, "{}", c.text);
    assert_eq!(c.body["quote"]["alignment"]["gross"], "604.93");
    assert_eq!(p.quantity(S1, 1).await, 3);
    assert_eq!(p.commits(S1).await, 1);
}

/// A refusal that rests on an old read is not final: the seats went from 5 to 2 elsewhere,
/// so 3 is an increase (allowed `immediate`), not a decrease (`mode_not_allowed`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refusal_on_an_old_read_is_checked_on_a_fresh_one() {
    let p = pair(&[]);
    let t = c1001();
    let r = p.get("/api/subscriptions/S70000001", &t).await;
    assert_eq!(item(&r.body)["quantity"], 5);
    let pv = p.preview(&t, "S70000001", 1, 3, "immediate").await;
    assert_eq!(pv.code(), "mode_not_allowed", "{}", pv.text);
    set_seats(&p, "S70000001", 1, 2).await;
    let pv = p.preview(&t, "S70000001", 1, 3, "immediate").await;
    assert_eq!(pv.status, 200, "{}", pv.text);
    assert_eq!(pv.body["current"]["quantity"], 2);
    assert_eq!(pv.body["updateAction"], "upgrade");
    // The seats unchanged: the refusal stands (read again once, found the same).
    let reads = p.attempts("getsubscription").await;
    let pv = p.preview(&t, "S70000001", 1, 1, "immediate").await;
    assert_eq!(pv.code(), "mode_not_allowed", "{}", pv.text);
    assert_eq!(p.attempts("getsubscription").await, reads + 1);
}

/// A preview shared for `SEATQUOTE_CACHE_MS` is one priced on the same read: once the
/// subscription was read again (here by a preview that disagreed), the same request is
/// priced anew — not answered with the amounts of the old seats beside the new ones.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_shared_preview_is_never_one_priced_on_another_read() {
    let p = pair(&[("SEATQUOTE_CACHE_MS", "20000".into())]);
    let t = c1001();
    let pv = p.preview(&t, S1, 1, 3, "immediate").await;
    assert_eq!(
        pv.body["alignment"]["gross"], "1209.86",
        "1 → 3: {}",
        pv.text
    );
    set_seats(&p, S1, 1, 2).await;
    // Another count: Cleverbridge disagrees, the subscription is read again (2 seats).
    let pv = p.preview(&t, S1, 1, 4, "immediate").await;
    assert_eq!(pv.body["current"]["quantity"], 2, "{}", pv.text);
    // The first request again, within the sharing window: priced on the new read.
    let previews = p.attempts("preview").await;
    let pv = p.preview(&t, S1, 1, 3, "immediate").await;
    assert_eq!(pv.body["current"]["quantity"], 2, "{}", pv.text);
    assert_eq!(
        pv.body["alignment"]["gross"], "604.93",
        "2 → 3: {}",
        pv.text
    );
    assert_eq!(
        p.attempts("preview").await,
        previews + 1,
        "not the shared one"
    );
}

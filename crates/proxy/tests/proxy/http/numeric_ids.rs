//! Cleverbridge answering a subscription's `Id` as a bare JSON number (the sandbox's
//! `SEATQUOTE_SANDBOX_NUMERIC_IDS`): the proxy reads it as the same `S…` id its customer
//! tokens and quotes name, so previews, commits and the summary work as with string ids.

use crate::helpers::*;

const S1: &str = "S68841753";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_numeric_subscription_id_commits_like_a_string_one() {
    let sandbox = sandbox(&[("SEATQUOTE_SANDBOX_NUMERIC_IDS", "true".into())]);
    let data = tmp_dir("numeric-ids");
    let proxy = proxy(&sandbox, &data, &[]);
    let p = Pair {
        sandbox,
        proxy,
        data,
        db: None,
        http: client(),
    };
    // The sandbox really answers a number.
    let raw = send(
        p.http
            .get(format!(
                "{}/sandbox/subscription/getsubscription",
                p.sandbox.base
            ))
            .basic_auth("sandbox", Some("sandbox"))
            .query(&[("subscriptionId", S1)]),
    )
    .await;
    assert_eq!(raw.body["Subscription"]["Id"], 68_841_753, "{}", raw.text);

    let t = c1001();
    let summary = p.get(&format!("/api/subscriptions/{S1}"), &t).await;
    assert_eq!(summary.status, 200, "{}", summary.text);
    assert_eq!(summary.body["id"], S1, "{}", summary.text);
    let pv = p.preview(&t, S1, 1, 2, "immediate").await;
    assert_eq!(pv.status, 200, "{}", pv.text);
    let qt = pv.body["quoteToken"].as_str().unwrap().to_owned();
    let c = p.commit(&t, S1, 1, &qt, "numeric-1").await;
    assert_eq!(c.status, 200, "{}", c.text);
    assert_eq!(c.body["subscriptionId"], S1, "{}", c.text);
    assert_eq!(p.commit_counts().await, (1, 1));
    assert_eq!(p.quantity(S1, 1).await, 2);
    assert_eq!(
        p.intent_state("C-1001", "numeric-1").as_deref(),
        Some("done")
    );
}

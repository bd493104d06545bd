//! A quote token binds its kind and its products (DESIGN.md, "Plans, add-ons and drops"):
//! an item's token does not commit at the add-on route, and a change of plan made
//! elsewhere since the preview (the item reads as Business already) is refused as
//! `quote_changed` — nothing sent to Cleverbridge either way.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_token_commits_only_its_kind_and_products() {
    let p = pair(&[]);
    let t = c1001();
    let pv = p.preview_plan(&t, TEAM, 1, "294836", 1, "immediate").await;
    assert_eq!(pv.status, 200, "{}", pv.text);
    let qt = pv.body["quoteToken"].as_str().unwrap().to_owned();
    let sent = p.changes_received().await;
    let r = p.commit_add(&t, TEAM, &qt, "k-wrong-route").await;
    assert_eq!(
        (r.status, r.code()),
        (400, "invalid_quote_token"),
        "{}",
        r.text
    );
    assert_eq!(p.changes_received().await, sent);

    // The item becomes Business outside the proxy.
    let base = format!("{}/sandbox/subscription/", p.sandbox.base);
    let body = json!({
        "SubscriptionId": TEAM, "RunningNumber": 1, "ProductId": 294836, "Quantity": 1,
        "AlignmentSettings": {"AlignToCurrentInterval": true, "ExtendInterval": false, "GetCustomerPricePreviewOnly": false},
    });
    let outside = send(
        p.http
            .post(format!("{base}updatesubscriptionitem"))
            .basic_auth("sandbox", Some("sandbox"))
            .json(&body),
    )
    .await;
    assert_eq!(outside.status, 200, "{}", outside.text);
    let sent = p.changes_received().await;
    let r = p.commit(&t, TEAM, 1, &qt, "k-stale").await;
    assert_eq!((r.status, r.code()), (409, "quote_changed"), "{}", r.text);
    assert_eq!(p.changes_received().await, sent, "nothing sent");
    assert_eq!(
        p.call_counts("updatesubscriptionitem").await["commitsApplied"],
        1,
        "the outside change only"
    );
    // The refusal is the key's answer, and the quote is spent.
    let again = p.commit(&t, TEAM, 1, &qt, "k-stale").await;
    assert_eq!(again.text, r.text);
}

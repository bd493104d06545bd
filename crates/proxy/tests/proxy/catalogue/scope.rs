//! Cleverbridge's `NextBilling*` may be the changed item's or the whole subscription's
//! (DESIGN.md, "Which next billing a preview shows"): with the sandbox answering either
//! way, a preview on a subscription of several items shows the item's own line — the
//! engine's estimate to the cent — never the subscription's total or a mix.

use super::*;

/// Previews under both scopes equal the engine's (other quantities under each scope: a
/// preview is shared for a short while, docs/proxy.md "Upstream discipline").
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn previews_show_the_item_line_whatever_the_scope() {
    let p = pair(&[]);
    let (t, t2) = (c1001(), c2002());
    // Priority support added to S68841753 first: the Team seat is then the other item.
    let pv = p.preview_add(&t, TEAM, "294900", 1).await;
    let r = p
        .commit_add(&t, TEAM, pv.body["quoteToken"].as_str().unwrap(), "k-add")
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let team = p.get(&format!("/api/subscriptions/{TEAM}"), &t).await.body;
    let backup = p
        .get(&format!("/api/subscriptions/{BACKUP}"), &t2)
        .await
        .body;
    for (scope, qty) in [("item", 3), ("subscription", 4)] {
        let set = p
            .admin(
                "next-billing-scope",
                Some(&json!({"scope": scope}).to_string()),
            )
            .await;
        assert_eq!(
            p.admin("counters", None).await["nextBillingScope"],
            scope,
            "{set}"
        );
        // A seat change of S70000004's Backup add-on (beside 10 Analytics seats).
        let it = &backup["items"][1];
        let pv = p.preview(&t2, BACKUP, 2, qty, "immediate").await;
        assert_eq!(pv.status, 200, "{scope}: {}", pv.text);
        let next = (it["unitPrice"].as_str().unwrap(), u64::from(qty));
        let want = engine_quote(&backup, (&it["currentUnitPrice"], 2), next, "immediate");
        assert_eq!(quote_of(&pv.body), want, "{scope}: seats");
        // The Team seat to Business beside Priority support.
        let it = &team["items"][0];
        let seats = qty - 2;
        let pv = p
            .preview_plan(&t, TEAM, 1, "294836", seats, "immediate")
            .await;
        assert_eq!(pv.status, 200, "{scope}: {}", pv.text);
        let next = ("1800.00", u64::from(seats));
        let want = engine_quote(&team, (&it["currentUnitPrice"], 1), next, "immediate");
        assert_eq!(quote_of(&pv.body), want, "{scope}: plan");
    }
}

//! Each kind through the real processes: the summary offers it, its preview is the
//! engine's estimate to the cent, its commit is applied once and answered as the design
//! says.

use serde_json::Value;

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_summary_offers_the_catalogue() {
    let p = pair(&[]);
    let s = p.get(&format!("/api/subscriptions/{TEAM}"), &c1001()).await;
    assert_eq!(s.status, 200, "{}", s.text);
    let item = &s.body["items"][0];
    assert_eq!(
        item["changeTo"],
        json!([{"productId": "294836", "productName": "Cloud Storage – Business seat",
                "unitPrice": "1800.00", "direction": "upgrade", "modes": ["immediate", "extend"]}])
    );
    assert_eq!(item["removable"], false, "its only item");
    assert!(item.get("deactivationDate").is_none());
    assert_eq!(
        s.body["addOns"],
        json!([{"productId": "294900", "productName": "Priority support", "unitPrice": "1000.00",
                "minQuantity": 1, "maxQuantity": 5, "modes": ["immediate"]}])
    );
    let s = p
        .get(&format!("/api/subscriptions/{BACKUP}"), &c2002())
        .await;
    assert_eq!(s.status, 200, "{}", s.text);
    let items = s.body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "the retired item is not offered");
    assert_eq!(
        (items[0]["removable"].clone(), items[1]["removable"].clone()),
        (json!(false), json!(true))
    );
    assert_eq!(items[1]["changeTo"], json!([]));
    assert_eq!(s.body["addOns"], json!([]), "no add-on in EUR");
}

/// S68841753 upgrades to Business now: the preview is the engine's quote (1 × 1200 → 1 ×
/// 1800, immediate) to the cent; the commit applies one `updatesubscriptionitem` with the
/// new product; the item's current revision is Business; the answer names both products.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn upgrade_to_business_now() {
    let p = pair(&[]);
    let t = c1001();
    let s = p.get(&format!("/api/subscriptions/{TEAM}"), &t).await.body;
    let pv = p.preview_plan(&t, TEAM, 1, "294836", 1, "immediate").await;
    assert_eq!(pv.status, 200, "{}", pv.text);
    let it = &s["items"][0];
    let want = engine_quote(
        &s,
        (&it["currentUnitPrice"], 1),
        ("1800.00", 1),
        "immediate",
    );
    assert_eq!(quote_of(&pv.body), want);
    assert_eq!(pv.body["kind"], "plan");
    assert_eq!(pv.body["productBefore"]["productId"], "294835");
    assert_eq!(
        pv.body["productAfter"],
        json!({"productId": "294836", "productName": "Cloud Storage – Business seat"})
    );
    let qt = pv.body["quoteToken"].as_str().unwrap();
    let r = p.commit(&t, TEAM, 1, qt, "k-plan").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        (r.body["status"].as_str(), r.body["kind"].as_str()),
        (Some("committed"), Some("plan"))
    );
    assert_eq!(r.body["quote"], want);
    assert_eq!(
        p.call_counts("updatesubscriptionitem").await["commitsApplied"],
        1
    );
    let now = p.current_item(TEAM, 1).await;
    assert_eq!(
        (
            now["ProductId"].to_string().trim_matches('"'),
            now["Quantity"].as_u64()
        ),
        ("294836", Some(1))
    );
    // A replay answers the same; nothing more is sent.
    let again = p.commit(&t, TEAM, 1, qt, "k-plan").await;
    assert_eq!(again.text, r.text);
    assert_eq!(
        p.call_counts("updatesubscriptionitem").await["commitsApplied"],
        1
    );
    // Now on Business: the way back is a downgrade, at the next billing date only.
    let s = p.get(&format!("/api/subscriptions/{TEAM}"), &t).await.body;
    let back = &s["items"][0]["changeTo"][0];
    assert_eq!(
        (back["productId"].as_str(), back["direction"].as_str()),
        (Some("294835"), Some("downgrade"))
    );
    assert_eq!(back["modes"], json!(["nextBilling"]));
}

/// The downgrade back to Team at the next billing date is a scheduled change: nothing is
/// sent now, the summary shows it pending with its target product.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn downgrade_is_scheduled_with_its_product() {
    let p = pair(&[]);
    let t = c1001();
    let pv = p.preview_plan(&t, TEAM, 1, "294836", 1, "immediate").await;
    let r = p
        .commit(&t, TEAM, 1, pv.body["quoteToken"].as_str().unwrap(), "k-up")
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let pv = p
        .preview_plan(&t, TEAM, 1, "294835", 1, "nextBilling")
        .await;
    assert_eq!(pv.status, 200, "{}", pv.text);
    assert_eq!(pv.body["alignment"]["gross"], "0.00");
    let sent = p.changes_received().await;
    let r = p
        .commit(
            &t,
            TEAM,
            1,
            pv.body["quoteToken"].as_str().unwrap(),
            "k-down",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        (r.body["status"].as_str(), r.body["kind"].as_str()),
        (Some("scheduled"), Some("plan"))
    );
    assert_eq!(r.body["productAfter"]["productId"], "294835");
    assert_eq!(p.changes_received().await, sent, "nothing sent now");
    let s = p.get(&format!("/api/subscriptions/{TEAM}"), &t).await.body;
    let pending = &s["items"][0]["pending"][0];
    assert_eq!(
        (pending["state"].as_str(), pending["toProductId"].as_str()),
        (Some("scheduled"), Some("294835"))
    );
    assert_eq!(
        p.current_item(TEAM, 1).await["ProductId"]
            .to_string()
            .trim_matches('"'),
        "294836",
        "Business until then"
    );
}

/// Priority support added to S68841753: the preview is the engine's (nothing → 1 × 1000,
/// immediate); the commit applies one `addsubscriptionitem` and answers the new item's
/// running number, found by reading; the add-on is then held, not offered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn add_priority_support() {
    let p = pair(&[]);
    let t = c1001();
    let s = p.get(&format!("/api/subscriptions/{TEAM}"), &t).await.body;
    let pv = p.preview_add(&t, TEAM, "294900", 1).await;
    assert_eq!(pv.status, 200, "{}", pv.text);
    let want = engine_quote(
        &s,
        (&Value::from("1000.00"), 0),
        ("1000.00", 1),
        "immediate",
    );
    assert_eq!(quote_of(&pv.body), want);
    assert_eq!(
        (pv.body["kind"].as_str(), pv.body["productBefore"].clone()),
        (Some("add"), Value::Null)
    );
    let qt = pv.body["quoteToken"].as_str().unwrap();
    // An add's quote does not commit at an item's route.
    let r = p.commit(&t, TEAM, 1, qt, "k-wrong").await;
    assert_eq!(
        (r.status, r.code()),
        (400, "invalid_quote_token"),
        "{}",
        r.text
    );
    let r = p.commit_add(&t, TEAM, qt, "k-add").await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        (r.body["kind"].as_str(), r.body["runningNumber"].as_u64()),
        (Some("add"), Some(2))
    );
    assert_eq!(r.body["quote"], want);
    assert_eq!(
        p.call_counts("addsubscriptionitem").await["commitsApplied"],
        1
    );
    let added = p.current_item(TEAM, 2).await;
    assert_eq!(added["ProductId"].to_string().trim_matches('"'), "294900");
    let again = p.commit_add(&t, TEAM, qt, "k-add").await;
    assert_eq!(again.text, r.text, "a replay names the same item");
    let s = p.get(&format!("/api/subscriptions/{TEAM}"), &t).await.body;
    assert_eq!(s["addOns"], json!([]), "held now");
    assert_eq!(
        s["items"][1]["removable"], true,
        "the add-on may be dropped again"
    );
}

/// S70000004's Backup add-on dropped: the preview is the engine's (2 × 99 → nothing at the
/// next billing date: 0 now); the commit applies one `deactivatesubscriptionitems` and
/// answers `committed` with the deactivation date; the summary shows it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drop_the_backup_add_on() {
    let p = pair(&[]);
    let t = c2002();
    let s = p
        .get(&format!("/api/subscriptions/{BACKUP}"), &t)
        .await
        .body;
    let it = &s["items"][1];
    let pv = p.preview_drop(&t, BACKUP, 2).await;
    assert_eq!(pv.status, 200, "{}", pv.text);
    let want = engine_quote(
        &s,
        (&it["currentUnitPrice"], 2),
        (it["currentUnitPrice"].as_str().unwrap(), 0),
        "nextBilling",
    );
    assert_eq!(quote_of(&pv.body), want);
    assert_eq!(pv.body["kind"], "drop");
    assert_eq!(pv.body["productAfter"], Value::Null);
    let r = p
        .commit(
            &t,
            BACKUP,
            2,
            pv.body["quoteToken"].as_str().unwrap(),
            "k-drop",
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        (r.body["status"].as_str(), r.body["kind"].as_str()),
        (Some("committed"), Some("drop"))
    );
    assert_eq!(r.body["effectiveOn"], s["nextBillingDate"]);
    assert_eq!(
        p.call_counts("deactivatesubscriptionitems").await["commitsApplied"],
        1
    );
    let s = p
        .get(&format!("/api/subscriptions/{BACKUP}"), &t)
        .await
        .body;
    assert_eq!(s["items"][1]["deactivationDate"], s["nextBillingDate"]);
    assert_eq!(s["items"][1]["removable"], false);
    // Dropped, it ends then: no change of it is previewed, nothing is asked upstream.
    let before = p.changes_received().await;
    let more = p.preview(&t, BACKUP, 2, 3, "immediate").await;
    assert_eq!(
        (more.status, more.body["code"].as_str()),
        (409, Some("item_ending")),
        "{}",
        more.text
    );
    assert!(
        more.body["detail"]
            .as_str()
            .is_some_and(|d| d.contains(s["nextBillingDate"].as_str().unwrap())),
        "{}",
        more.text
    );
    assert_eq!(p.changes_received().await, before);
}

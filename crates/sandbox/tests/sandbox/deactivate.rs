//! `deactivatesubscriptionitems`: the item runs to the next billing date, the last active
//! item is refused, and the renewal does not bill a deactivated item, which then stops
//! being current. And a fault on each of the new calls.

use super::calls::*;
use super::*;

const DEACTIVATE: &str = "deactivatesubscriptionitems";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deactivated_item_runs_to_the_next_billing_date_and_is_not_renewed() {
    let inbox = Inbox::default();
    let url = inbox.listen().await;
    let api = Api::start(&[("SEATQUOTE_SANDBOX_NOTIFY_URL", &url)]);
    // The only item of S68841753 cannot go.
    let r = api.call(DEACTIVATE, &deactivate("S68841753", &[1])).await;
    assert_eq!(r.status, 402, "{}", r.text);
    assert_eq!(
        r.body["ResultMessage"],
        "Invalid parameters: the last active item of a subscription cannot be deactivated."
    );
    // Unknown and retired items, an empty list, a Grace subscription.
    assert_eq!(
        api.call(DEACTIVATE, &deactivate("S70000004", &[9]))
            .await
            .status,
        404
    );
    assert_eq!(
        api.call(DEACTIVATE, &deactivate("S70000004", &[3]))
            .await
            .status,
        404
    );
    assert_eq!(
        api.call(DEACTIVATE, &deactivate("S70000004", &[]))
            .await
            .status,
        402
    );
    assert_eq!(
        api.call(DEACTIVATE, &deactivate("S70000003", &[1]))
            .await
            .status,
        400
    );
    // S70000004's Backup add-on (item 2), as `{"RunningNo": 2}`: it ends at the next
    // billing date, 250 days from 2026-05-13.
    let body = json!({"SubscriptionId": 70000004, "Items": [{"RunningNo": 2}],
        "AllowReinstate": true, "GenerateMail": false});
    let r = api.call(DEACTIVATE, &body).await;
    assert_eq!(
        (r.status, &r.body),
        (200, &json!({"ResultMessage": "OK"})),
        "{}",
        r.text
    );
    let item = &api.revisions("S70000004", 2).await[0];
    assert_eq!(item["DeactivationDate"], "2027-01-18T00:00:00", "{item}");
    assert_eq!(item["IsCurrent"], true);
    let e = inbox.event(70000004, "deactivate").await;
    assert_eq!(e["deactivationDate"], "2027-01-18");
    // Now item 1 is the last active one.
    let r = api.call(DEACTIVATE, &deactivate("S70000004", &[1])).await;
    assert_eq!(r.status, 402, "{}", r.text);
    // Deactivating it again changes nothing; nor can its seats change.
    assert_eq!(
        api.call(DEACTIVATE, &deactivate("S70000004", &[2]))
            .await
            .status,
        200
    );
    let seats = update("S70000004", 2, 310002, 3, "nextBilling", false);
    assert_eq!(api.call("updatesubscriptionitem", &seats).await.status, 402);
    let c = api.counted(DEACTIVATE).await;
    assert_eq!(
        (&c["commitsReceived"], &c["commitsApplied"]),
        (&json!(8), &json!(2)),
        "{c}"
    );
    assert_eq!(
        api.admin("counters", None).await.body["attempts"]["preview"],
        0
    );

    // The renewal on 2027-01-18 bills item 1 only (10 × 24.00 net, 19 %); item 2 then
    // is no longer current.
    let r = api
        .admin("clock", Some(json!({"today": "2027-01-18"})))
        .await;
    let renewal = r.body["renewals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["subscriptionId"] == "S70000004")
        .cloned()
        .unwrap_or_else(|| panic!("{}", r.text));
    assert_eq!(renewal["date"], "2027-01-18");
    assert_eq!(
        renewal["items"],
        json!([{"runningNumber": 1, "quantity": 10, "gross": "285.60", "net": "240.00", "vat": "45.60"}])
    );
    let item = &api.revisions("S70000004", 2).await[0];
    assert_eq!(
        (&item["IsCurrent"], &item["DeactivationDate"]),
        (&json!(false), &json!("2027-01-18T00:00:00"))
    );
    assert_eq!(
        api.call(DEACTIVATE, &deactivate("S70000004", &[2]))
            .await
            .status,
        404
    );
}

/// A fault on each new call: the kind, the call and the subscription it names.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_hit_plan_changes_adds_and_deactivations() {
    let api = Api::start(&[]);
    let fault = |f: Value| api.admin("fault", Some(f));
    // A plan change answered 500: nothing applied.
    let f = json!({"fault": "status500", "target": "commit", "call": "updatesubscriptionitem"});
    let r = fault(f.clone()).await;
    assert_eq!(r.body["call"], "updatesubscriptionitem", "{}", r.text);
    // Another call does not use the fault up.
    let first = add("S68841753", 294900, 1, "immediate", false);
    assert_eq!(api.call("addsubscriptionitem", &first).await.status, 200);
    let plan = update("S68841753", 1, 294836, 1, "immediate", false);
    assert_eq!(api.call("updatesubscriptionitem", &plan).await.status, 500);
    assert_eq!(api.revisions("S68841753", 1).await.len(), 1);
    // An add reset before it is applied: nothing applied; reset after: applied once.
    fault(json!({"fault": "resetBeforeApply", "call": "addsubscriptionitem"})).await;
    let addon = add("S70000006", 294900, 1, "immediate", false);
    assert_eq!(api.try_call("addsubscriptionitem", &addon).await, None);
    assert_eq!(
        api.subscription("S70000006").await["Items"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    fault(json!({"fault": "resetAfterApply", "call": "addsubscriptionitem"})).await;
    assert_eq!(api.try_call("addsubscriptionitem", &addon).await, None);
    assert_eq!(
        api.subscription("S70000006").await["Items"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    // A 429 on an add's preview.
    fault(json!({"fault": "status429", "target": "preview", "call": "addsubscriptionitem"})).await;
    let r = api
        .call(
            "addsubscriptionitem",
            &add("S70000006", 294836, 1, "immediate", true),
        )
        .await;
    assert_eq!(
        (r.status, r.headers["retry-after"].to_str().unwrap()),
        (429, "60")
    );
    // A deactivation for S70000004 only, applied slowly; the other subscription's passes.
    fault(
        json!({"fault": "applyAfterDelay", "ms": 300, "subscriptions": ["S70000004"],
        "call": "deactivatesubscriptionitems"}),
    )
    .await;
    let started = std::time::Instant::now();
    let drop_addon = deactivate("S68841753", &[2]);
    assert_eq!(
        api.call("deactivatesubscriptionitems", &drop_addon)
            .await
            .status,
        200
    );
    assert!(started.elapsed() < Duration::from_millis(300));
    let r = api
        .call(
            "deactivatesubscriptionitems",
            &deactivate("S70000004", &[2]),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert!(started.elapsed() >= Duration::from_millis(300));
    // And a duplicate deactivation applies twice, to the same end.
    fault(json!({"fault": "duplicate", "call": "deactivatesubscriptionitems"})).await;
    let r = api
        .call(
            "deactivatesubscriptionitems",
            &deactivate("S70000006", &[2]),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let c = api.admin("counters", None).await.body;
    assert_eq!(
        c["calls"]["updatesubscriptionitem"]["commitsApplied"], 0,
        "{c}"
    );
    assert_eq!(
        c["calls"]["addsubscriptionitem"]["commitsReceived"], 3,
        "{c}"
    );
    assert_eq!(
        c["calls"]["addsubscriptionitem"]["commitsApplied"], 2,
        "{c}"
    );
    assert_eq!(c["calls"]["addsubscriptionitem"]["previews"], 0, "{c}");
    assert_eq!(
        c["calls"]["deactivatesubscriptionitems"]["commitsApplied"], 4,
        "{c}"
    );
    assert_eq!(c["commitsApplied"], 6, "{c}");
    assert!(c["fault"].is_null(), "{c}");
    let bad = fault(json!({"fault": "status500", "call": "removesubscriptionitem"})).await;
    assert_eq!(bad.status, 400);
    assert!(bad.body["ResultMessage"]
        .as_str()
        .unwrap()
        .starts_with("call must be one of"));
}

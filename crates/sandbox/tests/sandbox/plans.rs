//! A change of plan: `updatesubscriptionitem` with another `ProductId` of the catalogue.
//! Previews priced from the catalogue (or `CustomerPrice`), refusals of another currency,
//! interval or an unknown product, and revisions after applying (the old one
//! `IsCurrent: false`, a new one of the same running number), notified as `upgrade` /
//! `downgrade`.

use super::calls::*;
use super::*;

const UPDATE: &str = "updatesubscriptionitem";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_change_is_priced_refused_and_applied_as_a_new_revision() {
    let inbox = Inbox::default();
    let url = inbox.listen().await;
    let api = Api::start(&[("SEATQUOTE_SANDBOX_NOTIFY_URL", &url)]);
    // S68841753: Team seat 1 × 1200.00 gross, 184 of 365 days left. To Business (1800.00):
    // round(600 × 184 / 365) = 302.47 today; 1800.00 at the next billing.
    let r = api
        .call(
            UPDATE,
            &update("S68841753", 1, 294836, 1, "immediate", true),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        amounts(&r, "AlignmentCustomer"),
        ["302.47", "254.18", "48.29"]
    );
    assert_eq!(
        amounts(&r, "NextBillingCustomer"),
        ["1800.00", "1512.61", "287.39"]
    );
    // With CustomerPrice, its price: 2 × 1500.00 − 1200.00 = 1800 × 184 / 365 = 907.40.
    let mut b = update("S68841753", 1, 294836, 2, "immediate", true);
    b["CustomerPrice"] = json!({"Currency": "USD", "IsGross": true, "Value": 1500.00});
    let r = api.call(UPDATE, &b).await;
    assert_eq!(amounts(&r, "AlignmentCustomer")[0], "907.40", "{}", r.text);
    assert_eq!(
        amounts(&r, "NextBillingCustomer"),
        ["3000.00", "2521.01", "478.99"]
    );

    // Refusals: Cleverbridge's 402 with a ResultMessage, nothing applied.
    let refused = |r: &Res, words: &str| {
        assert_eq!(r.status, 402, "{}", r.text);
        let m = r.body["ResultMessage"].as_str().unwrap_or_default();
        assert!(
            m.starts_with("Invalid parameters") && m.contains(words),
            "{m}"
        );
    };
    let other_currency = update("S68841753", 1, 310002, 1, "immediate", true);
    refused(&api.call(UPDATE, &other_currency).await, "sold in EUR");
    // S70000001 renews monthly; the Backup add-on (310002) yearly.
    let other_interval = update("S70000001", 1, 310002, 5, "nextBilling", false);
    refused(
        &api.call(UPDATE, &other_interval).await,
        "renews every 12 month",
    );
    let unknown = update("S68841753", 1, 999999, 1, "immediate", false);
    refused(
        &api.call(UPDATE, &unknown).await,
        "unknown ProductId 999999",
    );
    assert_eq!(api.counted(UPDATE).await["commitsApplied"], 0);

    // Applied: the old revision stays, not current; a new one of running number 1.
    let r = api
        .call(
            UPDATE,
            &update("S68841753", 1, 294836, 1, "immediate", false),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let revs = api.revisions("S68841753", 1).await;
    assert_eq!(revs.len(), 2, "{revs:?}");
    assert_eq!(
        (&revs[0]["ProductId"], &revs[0]["IsCurrent"]),
        (&json!("294835"), &json!(false))
    );
    assert_eq!(
        (
            &revs[1]["ProductId"],
            &revs[1]["IsCurrent"],
            &revs[1]["Quantity"]
        ),
        (&json!("294836"), &json!(true), &json!(1))
    );
    assert_eq!(revs[1]["ProductName"], "Cloud Storage – Business seat");
    assert_eq!(revs[1]["NextBillingCustomerGrossPrice"], 1800.0);
    let up = inbox.event(68841753, "upgrade").await;
    assert_eq!(
        (&up["productId"], &up["runningNumber"]),
        (&json!(294836), &json!(1))
    );
    // A notification names running number 1 once: its current revision.
    for n in inbox.all() {
        let items = n["subscriptionItems"].as_array().unwrap();
        let ones = items.iter().filter(|i| i["runningNumber"] == 1).count();
        assert_eq!(ones, 1, "{n}");
    }

    // Back to Team: a negative amount now is refused; at the next billing date it applies,
    // notified as a downgrade.
    let now = update("S68841753", 1, 294835, 1, "immediate", false);
    assert_eq!(api.call(UPDATE, &now).await.status, 400);
    let later = update("S68841753", 1, 294835, 1, "nextBilling", true);
    let r = api.call(UPDATE, &later).await;
    assert_eq!(amounts(&r, "AlignmentCustomer")[0], "0.00", "{}", r.text);
    assert_eq!(amounts(&r, "NextBillingCustomer")[0], "1200.00");
    let later = update("S68841753", 1, 294835, 1, "nextBilling", false);
    assert_eq!(api.call(UPDATE, &later).await.status, 200);
    let revs = api.revisions("S68841753", 1).await;
    let current: Vec<_> = revs.iter().filter(|i| i["IsCurrent"] == true).collect();
    assert_eq!((revs.len(), current.len()), (3, 1), "{revs:?}");
    assert_eq!(current[0]["ProductId"], "294835");
    inbox.event(68841753, "downgrade").await;
    let c = api.counted(UPDATE).await;
    assert_eq!(
        (&c["commitsReceived"], &c["commitsApplied"]),
        (&json!(5), &json!(2)),
        "{c}"
    );
    assert_eq!(
        api.admin("counters", None).await.body["quantities"]["S68841753"]["1"],
        1
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seat_changes_work_on_the_current_revision_and_a_list_price_moves_the_catalogue() {
    let api = Api::start(&[]);
    let r = api
        .call(
            UPDATE,
            &update("S68841753", 1, 294836, 1, "immediate", false),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    // The old product now names a plan change back (priced from the current revision).
    let back = update("S68841753", 1, 294835, 3, "nextBilling", true);
    let r = api.call(UPDATE, &back).await;
    assert_eq!(
        amounts(&r, "NextBillingCustomer")[0],
        "3600.00",
        "{}",
        r.text
    );
    let seats = update("S68841753", 1, 294836, 3, "nextBilling", false);
    assert_eq!(api.call(UPDATE, &seats).await.status, 200);
    let revs = api.revisions("S68841753", 1).await;
    assert_eq!(
        (&revs[0]["Quantity"], &revs[1]["Quantity"]),
        (&json!(1), &json!(3))
    );
    assert_eq!(
        api.admin("counters", None).await.body["quantities"]["S68841753"]["1"],
        3
    );
    // A new list price for 294836 prices the next plan change to it (S70000006: USD,
    // gross, yearly); a reset puts the catalogue back.
    let to_business = update("S70000006", 1, 294836, 1, "nextBilling", true);
    let r = api
        .admin(
            "price",
            Some(json!({"productId": 294836, "unitPrice": "2000.00"})),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = api.call(UPDATE, &to_business).await;
    assert_eq!(
        amounts(&r, "NextBillingCustomer")[0],
        "2000.00",
        "{}",
        r.text
    );
    let grace = update("S70000003", 1, 294836, 1, "nextBilling", true);
    assert_eq!(
        api.call(UPDATE, &grace).await.status,
        400,
        "S70000003 is in Grace"
    );
    api.admin("reset", Some(json!({}))).await;
    let r = api.call(UPDATE, &to_business).await;
    assert_eq!(
        amounts(&r, "NextBillingCustomer")[0],
        "1800.00",
        "{}",
        r.text
    );
}

//! `addsubscriptionitem`: previews priced from nothing (Cleverbridge's worked example by
//! our day rule), `CurrencyId` or `Currency`, refusals, the next running number on apply
//! (not named in the answer), and what `NextBilling*` covers (`SANDBOX_NEXT_BILLING_SCOPE`,
//! `POST /sandbox/_admin/next-billing-scope`).

use super::calls::*;
use super::*;

const ADD: &str = "addsubscriptionitem";

/// The built-in fixture with S68841753's next billing `days` ahead, in a temporary file.
fn fixture_with_days_left(days: u32) -> (std::path::PathBuf, String) {
    let mut f: Value = serde_json::from_str(seatquote_sandbox::DEFAULT_FIXTURE).unwrap();
    f["subscriptions"][0]["nextBillingInDays"] = json!(days);
    assert_eq!(f["subscriptions"][0]["id"], "S68841753");
    let dir = std::env::temp_dir().join(format!("sandbox-addons-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("fixture.json");
    std::fs::write(&path, f.to_string()).unwrap();
    let text = path.to_string_lossy().into_owned();
    (dir, text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_add_on_is_priced_from_nothing_and_applied_with_the_next_running_number() {
    // Cleverbridge's example: $1,000/yr added with 225 of 365 days left. Its docs say
    // 616.45; our day rule (docs/pricing.md) gives round(1000 × 225 / 365) = 616.44.
    let (dir, path) = fixture_with_days_left(225);
    let api = Api::start(&[("SEATQUOTE_SANDBOX_FIXTURE", &path)]);
    let r = api
        .call(ADD, &add("S68841753", 294900, 1, "immediate", true))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(
        amounts(&r, "AlignmentCustomer"),
        ["616.44", "518.02", "98.42"]
    );
    assert_eq!(
        amounts(&r, "NextBillingCustomer"),
        ["1000.00", "840.34", "159.66"]
    );
    assert_eq!(r.body["PriceCurrencyId"], "USD");
    drop(api);
    std::fs::remove_dir_all(dir).unwrap();

    let inbox = Inbox::default();
    let url = inbox.listen().await;
    let api = Api::start(&[("SEATQUOTE_SANDBOX_NOTIFY_URL", &url)]);
    // 184 of 365 days left: round(1000 × 184 / 365) = 504.11.
    let r = api
        .call(ADD, &add("68841753", 294900, 1, "immediate", true))
        .await;
    assert_eq!(
        amounts(&r, "AlignmentCustomer"),
        ["504.11", "423.62", "80.49"],
        "{}",
        r.text
    );
    // CustomerPrice with CurrencyId (a client library's spelling) or Currency (the docs'):
    // 900.00 × 184 / 365 = 453.70.
    for key in ["CurrencyId", "Currency"] {
        let mut b = add("S68841753", 294900, 1, "immediate", true);
        b["CustomerPrice"] = json!({key: "USD", "IsGross": true, "Value": 900.00});
        let r = api.call(ADD, &b).await;
        assert_eq!(
            amounts(&r, "AlignmentCustomer")[0],
            "453.70",
            "{key}: {}",
            r.text
        );
        b["CustomerPrice"][key] = json!("EUR");
        let r = api.call(ADD, &b).await;
        assert_eq!(r.status, 400, "{}", r.text);
        assert_eq!(
            r.body["ResultMessage"],
            "'CustomerPrice' currency differs from subscription currency"
        );
    }
    // At the next billing date nothing is due today.
    let r = api
        .call(ADD, &add("S68841753", 294900, 2, "nextBilling", true))
        .await;
    assert_eq!(amounts(&r, "AlignmentCustomer")[0], "0.00", "{}", r.text);
    assert_eq!(amounts(&r, "NextBillingCustomer")[0], "2000.00");

    // Refusals.
    let r = api
        .call(ADD, &add("S68841753", 999999, 1, "immediate", false))
        .await;
    assert_eq!(
        (r.status, r.body["ResultMessage"].clone()),
        (402, json!("Invalid parameters: unknown ProductId 999999."))
    );
    let r = api
        .call(ADD, &add("S68841753", 310002, 1, "immediate", false))
        .await;
    assert_eq!(
        r.status, 402,
        "EUR product on a USD subscription: {}",
        r.text
    );
    let r = api
        .call(ADD, &add("S70000003", 294900, 1, "immediate", false))
        .await;
    assert_eq!(r.status, 400, "Grace: {}", r.text);
    let r = api
        .call(ADD, &add("S68841753", 294900, 0, "immediate", false))
        .await;
    assert_eq!(r.status, 402, "{}", r.text);
    let r = api
        .call(ADD, &add("S1", 294900, 1, "immediate", false))
        .await;
    assert_eq!(r.status, 404, "{}", r.text);
    let r = api
        .call(ADD, &json!({"SubscriptionId": "S68841753", "Quantity": 1}))
        .await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert_eq!(api.counted(ADD).await["commitsApplied"], 0);

    // Applied: the answer names no running number; the read shows item 2, co-termed.
    let before = api.subscription("S68841753").await["NextBillingDate"].clone();
    let r = api
        .call(ADD, &add("S68841753", 294900, 1, "immediate", false))
        .await;
    assert_eq!(
        (r.status, &r.body),
        (200, &json!({"ResultMessage": "OK"})),
        "{}",
        r.text
    );
    let s = api.subscription("S68841753").await;
    assert_eq!(s["NextBillingDate"], before);
    let items = s["Items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{s}");
    assert_eq!(
        (
            &items[1]["RunningNo"],
            &items[1]["ProductId"],
            &items[1]["Quantity"],
            &items[1]["IsCurrent"]
        ),
        (&json!(2), &json!("294900"), &json!(1), &json!(true))
    );
    assert_eq!(items[1]["ProductName"], "Priority support");
    assert_eq!(items[1]["NextBillingCustomerGrossPrice"], 1000.0);
    let e = inbox.event(68841753, "add").await;
    assert_eq!(
        (&e["runningNumber"], &e["productId"]),
        (&json!(2), &json!(294900))
    );
    // The next add is item 3.
    let r = api
        .call(ADD, &add("S68841753", 294836, 2, "nextBilling", false))
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(api.revisions("S68841753", 3).await[0]["Quantity"], 2);
    let c = api.counted(ADD).await;
    assert_eq!(
        (&c["commitsReceived"], &c["commitsApplied"]),
        (&json!(8), &json!(2)),
        "{c}"
    );
    assert_eq!(
        api.admin("counters", None).await.body["commits"]["S68841753"],
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn next_billing_covers_the_item_or_the_whole_subscription() {
    // S70000004: 310001 10 × 24.00 + 310002 2 × 99.00 net yearly (19 %); item 3 retired.
    let api = Api::start(&[("SANDBOX_NEXT_BILLING_SCOPE", "subscription")]);
    let seats = update("S70000004", 1, 310001, 12, "nextBilling", true);
    let r = api.call("updatesubscriptionitem", &seats).await;
    // 12 × 24.00 = 288.00 net, plus the add-on's 198.00.
    assert_eq!(
        amounts(&r, "NextBillingCustomer"),
        ["578.34", "486.00", "92.34"],
        "{}",
        r.text
    );
    assert_eq!(
        api.admin("counters", None).await.body["nextBillingScope"],
        "subscription"
    );
    // An add on S68841753: the Team seat's 1200.00 and the add-on's 1000.00.
    let r = api
        .call(ADD, &add("S68841753", 294900, 1, "immediate", true))
        .await;
    assert_eq!(
        amounts(&r, "NextBillingCustomer"),
        ["2200.00", "1848.74", "351.26"],
        "{}",
        r.text
    );
    assert_eq!(amounts(&r, "AlignmentCustomer")[0], "504.11");
    // A deactivated item is not in the next billing.
    let r = api
        .call(
            "deactivatesubscriptionitems",
            &deactivate("S70000004", &[2]),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = api.call("updatesubscriptionitem", &seats).await;
    assert_eq!(
        amounts(&r, "NextBillingCustomer"),
        ["342.72", "288.00", "54.72"],
        "{}",
        r.text
    );
    // Per test: the item only; a reset returns to the start's setting.
    let r = api
        .admin("next-billing-scope", Some(json!({"scope": "item"})))
        .await;
    assert_eq!(
        (r.status, &r.body),
        (200, &json!({"scope": "item"})),
        "{}",
        r.text
    );
    let r = api
        .call(ADD, &add("S68841753", 294900, 1, "immediate", true))
        .await;
    assert_eq!(
        amounts(&r, "NextBillingCustomer")[0],
        "1000.00",
        "{}",
        r.text
    );
    let bad = api
        .admin("next-billing-scope", Some(json!({"scope": "all"})))
        .await;
    assert_eq!(bad.status, 400, "{}", bad.text);
    assert_eq!(
        bad.body["ResultMessage"],
        "scope must be one of item, subscription"
    );
    api.admin("reset", Some(json!({}))).await;
    let r = api.call("updatesubscriptionitem", &seats).await;
    assert_eq!(
        amounts(&r, "NextBillingCustomer")[1],
        "486.00",
        "{}",
        r.text
    );
}

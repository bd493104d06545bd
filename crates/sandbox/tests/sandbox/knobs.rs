//! The knobs the proxy's ledger and budget tests turn: a fault limited to some
//! subscriptions (and `malformed` after a delay), `getsubscription` counted per
//! subscription, and a coupon that only the raw read shows yet lowers what a change costs.

use std::time::Instant;

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_per_subscription_reads_counted_and_a_coupon() {
    let sb = sandbox(&[("SEATQUOTE_SANDBOX_RATE_LIMIT", "0")]);
    let http = client();
    let admin = |path: &str, body: Value| {
        http.post(format!("{}/sandbox/_admin/{path}", sb.base))
            .header("Content-Type", "application/json")
            .body(body.to_string())
    };
    let get = |sub: &str| {
        cb(
            &http,
            http.get(format!(
                "{}/sandbox/subscription/getsubscription?subscriptionId={sub}",
                sb.base
            )),
        )
    };
    let fault = json!({"fault": "malformed", "count": 5, "ms": 300,
        "target": "getsubscription", "subscriptions": ["S70000001"]});
    let r = send(admin("fault", fault.clone())).await;
    assert_eq!(r.body, fault, "echoed");
    // Another subscription's read passes untouched and does not use the fault up.
    assert_eq!(send(get("S68841753")).await.status, 200);
    let started = Instant::now();
    let r = send(get("S70000001")).await;
    assert!(started.elapsed() >= Duration::from_millis(300), "after ms");
    assert!(parse_get_subscription(&r.text).is_err(), "{}", r.text);
    let counters = send(http.get(format!("{}/sandbox/_admin/counters", sb.base))).await;
    assert_eq!(counters.body["fault"]["count"], 4, "{}", counters.text);
    assert_eq!(
        counters.body["reads"],
        json!({"S68841753": 1, "S70000001": 1})
    );

    // A coupon: named in the raw read only, and today's amount 10 % lower.
    let preview = || {
        cb(
            &http,
            http.post(format!(
                "{}/sandbox/subscription/updatesubscriptionitem",
                sb.base
            )),
        )
        .header("Content-Type", "application/json")
        .body(
            json!({"SubscriptionId": "S68841753", "RunningNumber": 1, "ProductId": "294835",
                "Quantity": 2, "AlignmentSettings": {"AlignToCurrentInterval": true,
                "ExtendInterval": false, "GetCustomerPricePreviewOnly": true}})
            .to_string(),
        )
    };
    let before = send(get("S68841753")).await;
    assert_eq!(
        send(preview()).await.body["AlignmentCustomerGrossPrice"],
        json!(604.93)
    );
    let r = send(admin(
        "coupon",
        json!({"subscriptionId": "S68841753", "code": "UPGRADE10", "percentOff": "10"}),
    ))
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let after = send(get("S68841753")).await;
    assert_eq!(
        after.body["Subscription"]["CouponCode"], "UPGRADE10",
        "{}",
        after.text
    );
    assert_eq!(
        parse_get_subscription(&after.text).unwrap(),
        parse_get_subscription(&before.text).unwrap(),
        "nothing the proxy parses changed"
    );
    let r = send(preview()).await;
    let up: UpdateSubscriptionItemResponse = serde_json::from_str(&r.text).unwrap();
    assert_eq!(
        up.alignment_customer_gross_price.map(|d| d.0.to_string()),
        Some("544.44".into()),
        "{}",
        r.text
    );
    let r = send(admin(
        "coupon",
        json!({"subscriptionId": "S1", "code": "X", "percentOff": "10"}),
    ))
    .await;
    assert_eq!(r.status, 404);
    let r = send(admin(
        "coupon",
        json!({"subscriptionId": "S68841753", "code": "X", "percentOff": "110"}),
    ))
    .await;
    assert_eq!(r.status, 400);
}

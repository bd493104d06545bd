//! The sandbox alone (Cleverbridge's shapes and errors) and sandbox mode of `serve`.

mod common;

use common::*;
use seatquote_core::wire::{parse_get_subscription, UpdateSubscriptionItemResponse};
use serde_json::json;

fn cb(http: &reqwest::Client, rb: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
    let _ = http;
    rb.basic_auth("sandbox", Some("sandbox"))
        .header("Accept", "application/json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_speaks_cleverbridge() {
    let sb = sandbox(&[("SEATQUOTE_SANDBOX_RATE_LIMIT", "0".into())]);
    let http = client();
    let base = format!("{}/sandbox/subscription", sb.base);
    let get = |id: &str| http.get(format!("{base}/getsubscription?subscriptionId={id}"));
    // Basic auth.
    let r = send(get("S68841753")).await;
    assert_eq!(r.status, 401);
    // The untidy shapes.
    let r = send(cb(&http, get("S68841753"))).await;
    assert_eq!(r.status, 200);
    assert!(r.text.contains(r#""Subscription":{"#));
    assert!(r.text.contains(r#""RunningNo":1"#));
    assert!(r.text.contains(r#""SubscriptionStatus":1"#));
    assert!(r
        .text
        .contains(r#""NextBillingDate":"2026-11-13T00:00:00""#));
    assert!(r.text.contains(r#""CustomerCurrencyId":"USD""#));
    assert!(
        r.text.contains(r#""NextBillingCustomerNetPrice":1008.40"#),
        "{}",
        r.text
    );
    let s = parse_get_subscription(&r.text).unwrap().subscription;
    assert_eq!(s.customer_reference_id.as_deref(), Some("C-1001"));
    assert_eq!(send(cb(&http, get("S1"))).await.status, 404);

    let post = |body: serde_json::Value| {
        cb(&http, http.post(format!("{base}/updatesubscriptionitem")))
            .header("Content-Type", "application/json")
            .body(body.to_string())
    };
    // The seed's preview request, answered with the seed's numbers.
    let seed = json!({"ProductId": 294835, "RunningNumber": 1, "SubscriptionId": "S68841753",
        "UpdateAction": 0, "Quantity": 2, "GenerateMail": false,
        "AlignmentSettings": {"AlignToCurrentInterval": false, "GetCustomerPricePreviewOnly": true, "ExtendInterval": false}});
    let r = send(post(seed.clone())).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let u: UpdateSubscriptionItemResponse = serde_json::from_str(&r.text).unwrap();
    assert_eq!(
        u.next_billing_customer_net_price.unwrap().0.to_string(),
        "2016.81"
    );
    assert_eq!(
        u.next_billing_customer_vat_price.unwrap().0.to_string(),
        "383.19"
    );
    assert_eq!(
        u.alignment_customer_gross_price.unwrap().0.to_string(),
        "0.00"
    );
    assert_eq!(u.result_message.as_deref(), Some("OK"));
    // Without the S, with UpdateAction as a name.
    let mut b = seed.clone();
    b["SubscriptionId"] = json!("68841753");
    b["UpdateAction"] = json!("Upgrade");
    assert_eq!(send(post(b)).await.status, 200);
    // Currency mismatch, with Cleverbridge's text.
    let mut b = seed.clone();
    b["CustomerPrice"] = json!({"Currency": "EUR", "IsGross": true, "Value": 600.00});
    let r = send(post(b)).await;
    assert_eq!(r.status, 400);
    assert_eq!(
        r.body["ResultMessage"],
        "'CustomerPrice' currency differs from subscription currency"
    );
    // Negative alignment refused.
    let mut b = seed.clone();
    b["SubscriptionId"] = json!("S70000001");
    b["ProductId"] = json!(310001);
    b["Quantity"] = json!(1);
    b["AlignmentSettings"]["AlignToCurrentInterval"] = json!(true);
    let r = send(post(b)).await;
    assert_eq!(r.status, 400, "{}", r.text);
    assert!(r.body["ResultMessage"]
        .as_str()
        .unwrap()
        .contains("negative"));
    // Item not found, invalid parameters, not active, bad body.
    let mut b = seed.clone();
    b["RunningNumber"] = json!(7);
    assert_eq!(send(post(b)).await.body["ResultMessage"], "Item not found.");
    let mut b = seed.clone();
    b["Quantity"] = json!(0);
    assert_eq!(send(post(b)).await.status, 402);
    let mut b = seed.clone();
    b["SubscriptionId"] = json!("S70000003");
    assert_eq!(send(post(b)).await.status, 400);
    assert_eq!(send(post(json!("nope"))).await.status, 400);
    // Nothing was committed by previews.
    let c = send(http.get(format!("{}/sandbox/_admin/counters", sb.base)))
        .await
        .body;
    assert_eq!(c["commits"], json!({}));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_rate_limit_is_html_429() {
    let sb = sandbox(&[]);
    let http = client();
    let url = format!(
        "{}/sandbox/subscription/getsubscription?subscriptionId=S68841753",
        sb.base
    );
    let mut limited = None;
    for _ in 0..40 {
        let r = send(cb(&http, http.get(&url))).await;
        if r.status == 429 {
            limited = Some(r);
            break;
        }
    }
    let r = limited.expect("blocked after 30 requests in a second");
    assert_eq!(r.headers["retry-after"], "60");
    assert!(r.headers["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    assert!(r.text.contains("<html>"));
    // Still blocked.
    assert_eq!(send(cb(&http, http.get(&url))).await.status, 429);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_in_sandbox_mode_with_demo_login() {
    let data = tmp_dir("sbmode");
    std::fs::create_dir_all(data.join("www")).unwrap();
    std::fs::write(data.join("www/index.html"), "<!doctype html>").unwrap();
    let px = spawn(
        &[],
        &[
            ("SEATQUOTE_DATA_DIR", data.join("d").display().to_string()),
            (
                "SEATQUOTE_STATIC_DIR",
                data.join("www").display().to_string(),
            ),
            ("SEATQUOTE_SANDBOX_TODAY", TODAY.into()),
        ],
    );
    let http = client();
    let r = send(
        http.post(format!("{}/demo/login", px.base))
            .body(r#"{"customerId":"C-1001"}"#),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let t = r.body["token"].as_str().unwrap().to_owned();
    let r = send(
        http.post(format!("{}/demo/login", px.base))
            .body(r#"{"customerId":"C-9"}"#),
    )
    .await;
    assert_eq!(r.status, 404);
    let r = send(
        http.get(format!("{}/api/subscriptions/S68841753", px.base))
            .bearer_auth(&t),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    assert_eq!(r.body["periodStart"], "2025-11-13");
    let r = send(
        http.post(format!(
            "{}/api/subscriptions/S68841753/items/1/preview",
            px.base
        ))
        .bearer_auth(&t)
        .body(r#"{"quantity":2,"alignment":"immediate"}"#),
    )
    .await;
    assert_eq!(r.body["alignment"]["gross"], "604.93", "{}", r.text);
    assert_eq!(r.body["nextBilling"]["net"], "2016.81");
    let r = send(http.get(format!("{}/sandbox/_admin/counters", px.base))).await;
    assert_eq!(r.body["requests"]["previews"], 1);
}

#[test]
fn live_mode_needs_a_token_secret() {
    let out = std::process::Command::new(BIN)
        .env_clear()
        .env("PORT", "0")
        .env("CLEVERBRIDGE_BASE_URL", "http://127.0.0.1:9/subscription/")
        .env(
            "SEATQUOTE_DATA_DIR",
            tmp_dir("nosecret").display().to_string(),
        )
        .arg("serve")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("SEATQUOTE_TOKEN_SECRET"));
    let out = std::process::Command::new(BIN)
        .env_clear()
        .args(["token", "--customer", "C", "--subscription", "S1"])
        .output()
        .unwrap();
    assert!(!out.status.success());
}

//! The sandbox alone, as a real process over loopback: Cleverbridge's shapes, errors,
//! rate limit and the admin controls.

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use seatquote_core::wire::{parse_get_subscription, UpdateSubscriptionItemResponse};
use serde_json::{json, Value};

mod addons;
mod calls;
mod clock;
mod deactivate;
mod knobs;
mod plans;

struct Proc {
    child: Child,
    base: String,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn sandbox(envs: &[(&str, &str)]) -> Proc {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_cleverbridge-sandbox"));
    cmd.env_clear()
        .env("PORT", "0")
        .env("RUST_LOG", "warn")
        .env("SEATQUOTE_SANDBOX_TODAY", "2026-05-13")
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("spawn cleverbridge-sandbox");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let base = line
        .trim()
        .strip_prefix("listening on ")
        .expect("listening line")
        .to_owned();
    Proc { child, base }
}

fn client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
}

struct Res {
    status: u16,
    headers: reqwest::header::HeaderMap,
    body: Value,
    text: String,
}

async fn send(rb: reqwest::RequestBuilder) -> Res {
    let r = rb.send().await.expect("request");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let text = r.text().await.unwrap_or_default();
    let body = serde_json::from_str(&text).unwrap_or(Value::Null);
    Res {
        status,
        headers,
        body,
        text,
    }
}

fn cb(http: &reqwest::Client, rb: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
    let _ = http;
    rb.basic_auth("sandbox", Some("sandbox"))
        .header("Accept", "application/json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_speaks_cleverbridge() {
    let sb = sandbox(&[("SEATQUOTE_SANDBOX_RATE_LIMIT", "0")]);
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
async fn admin_faults_price_and_reset() {
    let sb = sandbox(&[("SEATQUOTE_SANDBOX_RATE_LIMIT", "0")]);
    let http = client();
    let admin = |path: &str, body: Value| {
        http.post(format!("{}/sandbox/_admin/{path}", sb.base))
            .header("Content-Type", "application/json")
            .body(body.to_string())
    };
    let get = || {
        cb(
            &http,
            http.get(format!(
                "{}/sandbox/subscription/getsubscription?subscriptionId=S68841753",
                sb.base
            )),
        )
    };
    // Fault kinds and targets are closed sets with their JSON spelling.
    let r = send(admin("fault", json!({"fault": "boom"}))).await;
    assert_eq!(r.status, 400);
    assert!(r.body["ResultMessage"]
        .as_str()
        .unwrap()
        .contains("applyThenHang"));
    let r = send(admin("fault", json!({"fault": "status500", "target": "x"}))).await;
    assert_eq!(r.status, 400);
    let r = send(admin(
        "fault",
        json!({"fault": "status500", "count": 1, "target": "preview"}),
    ))
    .await;
    assert_eq!(
        r.body,
        json!({"fault": "status500", "count": 1, "ms": null, "target": "preview"})
    );
    // A preview-only fault leaves reads alone.
    assert_eq!(send(get()).await.status, 200);
    let r = send(admin("fault", json!({"fault": "status500"}))).await;
    assert_eq!(r.status, 200);
    assert_eq!(send(get()).await.status, 500);
    assert_eq!(send(get()).await.status, 200);
    let r = send(admin("fault", json!({"fault": "status429", "count": 1}))).await;
    assert_eq!(r.status, 200);
    assert_eq!(send(get()).await.status, 429);
    let r = send(admin("fault", json!({"fault": "malformed"}))).await;
    assert_eq!(r.status, 200);
    let r = send(get()).await;
    assert_eq!((r.status, r.body.clone()), (200, Value::Null));
    // A price change shows in the next read.
    let r = send(admin(
        "price",
        json!({"productId": 294835, "unitPrice": "1500.00"}),
    ))
    .await;
    assert_eq!(r.body["itemsChanged"], 2, "{}", r.text);
    assert!(send(get())
        .await
        .text
        .contains(r#""NextBillingCustomerGrossPrice":1500.00"#));
    let c = send(http.get(format!("{}/sandbox/_admin/counters", sb.base)))
        .await
        .body;
    assert_eq!(c["today"], "2026-05-13");
    assert_eq!(c["attempts"]["getsubscription"], 6);
    assert_eq!(c["quantities"]["S68841753"]["1"], 1);
    // Reset: back to the fixture, counters cleared.
    send(admin("reset", json!({}))).await;
    assert!(send(get())
        .await
        .text
        .contains(r#""NextBillingCustomerGrossPrice":1200.00"#));
    let c = send(http.get(format!("{}/sandbox/_admin/counters", sb.base)))
        .await
        .body;
    assert_eq!(c["attempts"]["getsubscription"], 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_counters_report_the_busiest_second_and_429s() {
    let sb = sandbox(&[
        ("SEATQUOTE_SANDBOX_RATE_LIMIT", "5"),
        ("SEATQUOTE_SANDBOX_RATE_BLOCK_SECONDS", "2"),
    ]);
    let http = client();
    let url = format!(
        "{}/sandbox/subscription/getsubscription?subscriptionId=S68841753",
        sb.base
    );
    let counters = || async {
        send(http.get(format!("{}/sandbox/_admin/counters", sb.base)))
            .await
            .body
    };
    for _ in 0..5 {
        assert_eq!(send(cb(&http, http.get(&url))).await.status, 200);
    }
    let c = counters().await;
    assert_eq!(c["rate"]["maxInAnySecond"], 5, "{c}");
    assert_eq!(
        (c["rate"]["limited"].clone(), c["tooManySent"].clone()),
        (json!(0), json!(0))
    );
    // The sixth in the same second is over: 429 with the configured block.
    let r = send(cb(&http, http.get(&url))).await;
    assert_eq!(r.status, 429);
    assert_eq!(r.headers["retry-after"], "2");
    let c = counters().await;
    assert_eq!(c["rate"]["maxInAnySecond"], 6, "{c}");
    assert_eq!(
        (c["rate"]["limited"].clone(), c["tooManySent"].clone()),
        (json!(1), json!(1))
    );
    assert_eq!(c["rate"]["limitPerSecond"], 5);
    // The block ends after its seconds.
    tokio::time::sleep(Duration::from_millis(2_100)).await;
    assert_eq!(send(cb(&http, http.get(&url))).await.status, 200);
    // An injected 429 counts as sent, with `ms` as its Retry-After (rounded up).
    send(
        http.post(format!("{}/sandbox/_admin/fault", sb.base))
            .header("Content-Type", "application/json")
            .body(json!({"fault": "status429", "ms": 1500}).to_string()),
    )
    .await;
    let r = send(cb(&http, http.get(&url))).await;
    assert_eq!(
        (r.status, r.headers["retry-after"].to_str().unwrap()),
        (429, "2")
    );
    let c = counters().await;
    assert_eq!(
        (c["rate"]["limited"].clone(), c["tooManySent"].clone()),
        (json!(1), json!(2))
    );
    send(http.post(format!("{}/sandbox/_admin/reset", sb.base))).await;
    let c = counters().await;
    assert_eq!(c["rate"]["maxInAnySecond"], 0);
    assert_eq!(c["tooManySent"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_customers_are_served() {
    let sb = sandbox(&[("SEATQUOTE_SANDBOX_GENERATE_CUSTOMERS", "250")]);
    let http = client();
    let r = send(cb(
        &http,
        http.get(format!(
            "{}/sandbox/subscription/getsubscription?subscriptionId=S90000250",
            sb.base
        )),
    ))
    .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let s = parse_get_subscription(&r.text).unwrap().subscription;
    assert_eq!(s.customer_reference_id.as_deref(), Some("C-SIM-00250"));
    assert_eq!(s.items[0].quantity.0, 5);
    let c = send(http.get(format!("{}/sandbox/_admin/counters", sb.base)))
        .await
        .body;
    assert_eq!(c["quantities"]["S90000001"]["1"], 5);
    assert!(c["quantities"]["S90000251"].is_null());
}

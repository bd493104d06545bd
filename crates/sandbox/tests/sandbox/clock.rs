//! The clock moved forward: the renewals it passes are billed at the quantities then, the
//! next billing date moves one interval on; it never moves back; a reset puts it back.

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_clock_moves_forward_and_bills_renewals() {
    let sb = sandbox(&[]);
    let http = client();
    let admin = |path: &str, body: Option<&str>| {
        let url = format!("{}/sandbox/_admin/{path}", sb.base);
        match body {
            Some(b) => http
                .post(url)
                .header("content-type", "application/json")
                .body(b.to_owned()),
            None => http.get(url),
        }
    };
    // S70000001: 5 seats at 29.90 net, monthly, next billing 2026-05-31.
    let set = json!({"subscriptionId": "S70000001", "runningNumber": 1, "quantity": 3});
    let r = send(admin("quantity", Some(&set.to_string()))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let r = send(admin("clock", Some(r#"{"today":"2026-05-30"}"#))).await;
    assert_eq!(r.status, 200, "{}", r.text);
    let renewed = |body: &Value| -> Vec<Value> {
        body["renewals"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|r| r["subscriptionId"] == "S70000001")
            .cloned()
            .collect()
    };
    assert!(renewed(&r.body).is_empty(), "{}", r.text);
    // Past two billing dates: two renewals, each at the three seats.
    let r = send(admin("clock", Some(r#"{"today":"2026-07-01"}"#))).await;
    let got = renewed(&r.body);
    assert_eq!(got.len(), 2, "{}", r.text);
    assert_eq!(
        (got[0]["date"].clone(), got[1]["date"].clone()),
        ("2026-05-31".into(), "2026-06-30".into())
    );
    assert_eq!(got[0]["items"][0]["quantity"], 3);
    assert_eq!(got[0]["items"][0]["net"], "89.70");
    let c = send(admin("counters", None)).await;
    assert_eq!(c.body["today"], "2026-07-01");
    assert_eq!(renewed(&c.body).len(), 2);
    let read = send(cb(
        &http,
        http.get(format!("{}/sandbox/subscription/getsubscription", sb.base))
            .query(&[("subscriptionId", "S70000001")]),
    ))
    .await;
    let next = read.body["Subscription"]["NextBillingDate"]
        .as_str()
        .unwrap_or("");
    assert!(next.starts_with("2026-07-30"), "{}", read.text);
    // Never back; bad dates refused.
    let back = send(admin("clock", Some(r#"{"today":"2026-06-01"}"#))).await;
    assert_eq!(back.status, 400, "{}", back.text);
    assert!(back.text.contains("only moves forward"), "{}", back.text);
    let bad = send(admin("clock", Some(r#"{"today":"soon"}"#))).await;
    assert_eq!(bad.status, 400, "{}", bad.text);
    // A reset puts the clock back where it started.
    send(admin("reset", Some("{}"))).await;
    let c = send(admin("counters", None)).await;
    assert_eq!(c.body["today"], "2026-05-13");
    assert!(renewed(&c.body).is_empty());
}

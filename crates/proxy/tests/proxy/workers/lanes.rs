//! Delivery lanes and order (docs/webhooks.md, "Delivery"), over real processes on both
//! stores: a sandbox, the proxy, and the Node receiver verifying every delivery with the
//! `standardwebhooks` npm package. A payment that names no subscription is delivered in
//! its purchase's lane, so one failing payment holds back no other; an event that
//! exhausts its retry period holds back its subscription's later events until the
//! operator re-delivers it, so they never overtake it.

use std::time::Duration;

use serde_json::{json, Value};

use crate::helpers::hooks::*;
use crate::helpers::*;

const S1: &str = "S68841753";
const S2: &str = "S70000001";

/// A payment notification naming no subscription (`purchase`: its `purchaseId`, if any).
fn payment(kind: &str, purchase: Option<u64>, date: &str) -> String {
    let mut v = json!({"meta": {"type": kind, "date": date}, "customerReferenceId": "C-1001"});
    if let Some(p) = purchase {
        v["purchaseId"] = p.into();
    }
    v.to_string()
}

/// The receiver's lines answered 200, as (type, purchase or quantity) pairs.
fn delivered(lines: &[Value]) -> Vec<(String, Value)> {
    lines
        .iter()
        .filter(|v| v["status"] == 200)
        .map(|v| {
            let what = if v["purchase"].is_null() {
                v["quantity"].clone()
            } else {
                v["purchase"].clone()
            };
            (v["type"].as_str().unwrap_or_default().to_owned(), what)
        })
        .collect()
}

/// Polls the events API until `done` holds for the event list (at most 15 s).
async fn events_when(p: &Pair, done: impl Fn(&[Value]) -> bool) -> Vec<Value> {
    let mut events = p.event_list().await;
    for _ in 0..150 {
        if done(&events) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        events = p.event_list().await;
    }
    events
}

async fn redeliver(p: &Pair, id: &str) {
    let r = send(
        p.http
            .post(p.url(&format!("/api/events/{id}/redeliver")))
            .bearer_auth(ADMIN),
    )
    .await;
    assert_eq!(r.status, 202, "{}", r.text);
}

/// Purchase 111's payment fails at the receiver: purchase 222's payment and a chargeback
/// naming no purchase are delivered meanwhile (they used to wait in one shared lane
/// behind it); 111's refund waits behind 111's payment, never attempted, and follows it
/// once the receiver takes it.
async fn a_failing_payment_holds_back_only_its_own_purchase(store: Backend) {
    let port = free_port();
    let failing = failing_receiver(port, r#""purchaseId":"111""#);
    let p = pair_on(store, &hook_env(port));
    for body in [
        payment("PaidOrderNotification", Some(111), "2026-05-13T10:00:00Z"),
        payment("RefundNotification", Some(111), "2026-05-13T10:00:01Z"),
        payment("PaidOrderNotification", Some(222), "2026-05-13T10:00:02Z"),
        payment("ChargebackNotification", None, "2026-05-13T10:00:03Z"),
    ] {
        let r = p.notify(&body).await;
        assert_eq!(r.status, 200, "{}", r.text);
    }
    let got = deliveries(&failing, 2, Duration::from_secs(15));
    let mut ok = delivered(&got);
    ok.sort_by_key(|(kind, _)| kind.clone());
    assert_eq!(
        ok,
        [
            ("payment.charged_back".to_owned(), Value::Null),
            ("payment.succeeded".to_owned(), json!("222")),
        ],
        "the other lanes are delivered while purchase 111 fails: {got:?}"
    );
    assert!(
        got.iter()
            .all(|v| v["type"] != "payment.refunded" && v["overlap"] == false),
        "111's refund is never attempted before 111's payment: {got:?}"
    );
    let events = p.event_list().await;
    let refund = events
        .iter()
        .find(|e| e["type"] == "payment.refunded")
        .unwrap();
    assert_eq!(
        (&refund["delivery"], &refund["attempts"]),
        (&json!("pending"), &json!(0)),
        "{refund}"
    );
    let paid = events
        .iter()
        .find(|e| e["type"] == "payment.succeeded" && e["payload"]["data"]["purchaseId"] == "111")
        .unwrap();
    assert!(paid["attempts"].as_u64().unwrap() >= 1, "{paid}");

    // The receiver takes everything now: 111's payment, then its refund, in that order.
    drop(failing);
    let r = receiver(port, 0, 0);
    redeliver(&p, paid["id"].as_str().unwrap()).await;
    let got = deliveries(&r, 2, Duration::from_secs(15));
    assert_eq!(
        delivered(&got),
        [
            ("payment.succeeded".to_owned(), json!("111")),
            ("payment.refunded".to_owned(), json!("111")),
        ],
        "{got:?}"
    );
}

/// S1's first change exhausts its retry period (1 s here) at a receiver that refuses S1.
/// S1's next change is then not delivered — not even to a receiver that would take it —
/// while another subscription's is; the operator's re-delivery sends the exhausted one,
/// and only then the next: the receiver sees S1's changes in the order they were made.
async fn an_exhausted_event_holds_back_its_subscriptions_later_events(store: Backend) {
    let port = free_port();
    let failing = failing_receiver(port, S1);
    let mut env = hook_env(port);
    env.push(("SEATQUOTE_WEBHOOK_RETRY_FOR", "1s".into()));
    let p = pair_on(store, &env);
    p.change(S1, 2).await;
    let events = events_when(&p, |e| {
        e.first().is_some_and(|e| e["delivery"] == "exhausted")
    })
    .await;
    assert_eq!(events[0]["delivery"], "exhausted", "{events:?}");
    let first = events[0]["id"].as_str().unwrap().to_owned();

    drop(failing);
    let r = receiver(port, 0, 0);
    p.change(S1, 3).await;
    p.change(S2, 6).await;
    let got = deliveries(&r, 1, Duration::from_secs(10));
    assert_eq!(delivered(&got).len(), 1, "{got:?}");
    assert_eq!(got[0]["subscription"], S2, "the other subscription goes on");
    // Time for several more attempts: S1's next change is never attempted.
    let more = deliveries(&r, 1, Duration::from_secs(3));
    assert!(more.is_empty(), "S1's next change waits: {more:?}");
    let events = p.event_list().await;
    let next = events
        .iter()
        .find(|e| e["subscriptionId"] == S1 && e["payload"]["data"]["quantity"] == 3)
        .unwrap();
    assert_eq!(
        (&next["delivery"], &next["attempts"]),
        (&json!("pending"), &json!(0)),
        "{next}"
    );

    redeliver(&p, &first).await;
    let got = deliveries(&r, 2, Duration::from_secs(15));
    let s1: Vec<Value> = got
        .iter()
        .filter(|v| v["status"] == 200 && v["subscription"] == S1)
        .map(|v| v["quantity"].clone())
        .collect();
    assert_eq!(s1, [json!(2), json!(3)], "in the order made: {got:?}");
    let events = events_when(&p, |e| e.iter().all(|e| e["delivery"] == "delivered")).await;
    assert!(
        events.iter().all(|e| e["delivery"] == "delivered"),
        "{events:?}"
    );
}

on_both_stores!(
    a_failing_payment_holds_back_only_its_own_purchase,
    an_exhausted_event_holds_back_its_subscriptions_later_events,
);

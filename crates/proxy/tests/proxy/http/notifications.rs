//! Cleverbridge's notifications at `POST /api/cleverbridge/notifications`
//! (docs/webhooks.md): Basic credentials, refusals as problem+json, idempotence,
//! out-of-order versions, changes the ledger did not make, a notification settling an
//! unknown commit outcome, payment events. Real sandbox and proxy processes.

use std::time::Duration;

use crate::helpers::hooks::*;
use crate::helpers::*;
use serde_json::Value;

const S1: &str = "S68841753";

fn types(events: &[Value]) -> Vec<String> {
    events
        .iter()
        .map(|e| e["type"].as_str().unwrap_or_default().to_owned())
        .collect()
}

fn stored_notifications(p: &Pair) -> i64 {
    let db = p.data.join("data").join("seatquote.sqlite3");
    let c = rusqlite::Connection::open(db).unwrap();
    c.busy_timeout(Duration::from_secs(5)).unwrap();
    c.query_row("SELECT count(*) FROM notifications", [], |r| r.get(0))
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_are_problems_and_nothing_is_kept() {
    let p = pair(&hook_env(free_port()));
    let body = updated(68841753, 1, 5, 1);
    let none = send(
        p.http
            .post(p.url("/api/cleverbridge/notifications"))
            .body(body.clone()),
    )
    .await;
    assert_eq!(
        (none.status, none.code()),
        (401, "notification_unauthorized")
    );
    assert_eq!(none.headers["content-type"], "application/problem+json");
    assert!(none.headers["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Basic"));
    let wrong = p
        .notify_as(&body, NOTIFY_USER, "notify-password-0123456788")
        .await;
    assert_eq!(wrong.status, 401);
    let user = p.notify_as(&body, "someone", NOTIFY_PASSWORD).await;
    assert_eq!(user.status, 401);
    // A customer token is not a notification credential.
    let bearer = send(
        p.http
            .post(p.url("/api/cleverbridge/notifications"))
            .bearer_auth(c1001())
            .body(body),
    )
    .await;
    assert_eq!(bearer.status, 401);

    for bad in [
        "not json",
        "{}",
        r#"{"meta":{"type":""}}"#,
        r#"{"meta":{"type":"SubscriptionUpdatedNotification"},"subscriptionId":"x"}"#,
        r#"{"meta":{"type":"SubscriptionUpdatedNotification"},"subscriptionId":1,"subscriptionItems":[{"runningNumber":1,"quantity":-2}]}"#,
    ] {
        let r = p.notify(bad).await;
        assert_eq!(
            (r.status, r.code()),
            (400, "invalid_notification"),
            "{bad}: {}",
            r.text
        );
        assert_eq!(r.headers["content-type"], "application/problem+json");
    }
    let huge = format!(
        r#"{{"meta":{{"type":"X"}},"pad":"{}"}}"#,
        "a".repeat(300 * 1024)
    );
    let r = p.notify(&huge).await;
    assert_eq!(
        (r.status, r.code()),
        (413, "notification_too_large"),
        "{}",
        r.text
    );
    assert_eq!(stored_notifications(&p), 0);
    assert!(p.event_list().await.is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicates_unknown_types_and_out_of_order_versions() {
    let p = pair(&hook_env(free_port()));
    // Unknown type: kept and acknowledged, nothing else.
    let r = p.notify(r#"{"meta":{"type":"SomethingNewNotification","date":"2026-05-13T10:00:00Z"},"subscriptionId":68841753}"#).await;
    assert_eq!(
        (r.status, r.body["status"].as_str()),
        (200, Some("accepted")),
        "{}",
        r.text
    );
    assert_eq!(stored_notifications(&p), 1);
    assert!(p.event_list().await.is_empty());

    // Cleverbridge reports 9 seats (version 3): a change the ledger did not make.
    let v3 = updated(68841753, 1, 9, 3);
    assert_eq!(p.notify(&v3).await.body["status"], "accepted");
    let again = p.notify(&v3).await;
    assert_eq!(
        (again.status, again.body["status"].as_str()),
        (200, Some("duplicate"))
    );
    // An older version arrives late: it never overwrites the newer one.
    assert_eq!(p.notify(&updated(68841753, 1, 8, 2)).await.status, 200);
    // A newer version with the same quantity: nothing changed.
    assert_eq!(p.notify(&updated(68841753, 1, 9, 4)).await.status, 200);
    // Then a real change: 9 → 10.
    assert_eq!(p.notify(&updated(68841753, 1, 10, 5)).await.status, 200);
    let events = p.event_list().await;
    assert_eq!(
        types(
            &events
                .iter()
                .map(|e| e["payload"].clone())
                .collect::<Vec<_>>()
        ),
        [
            "subscription.changed_outside",
            "subscription.changed_outside"
        ],
        "{events:?}"
    );
    let (a, b) = (&events[0]["payload"]["data"], &events[1]["payload"]["data"]);
    assert_eq!(
        (a["fromQuantity"].clone(), a["quantity"].clone()),
        (Value::Null, 9.into())
    );
    assert_eq!(
        (b["fromQuantity"].clone(), b["quantity"].clone()),
        (9.into(), 10.into())
    );
    assert_eq!(a["subscriptionId"], S1);
    assert_eq!(stored_notifications(&p), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ledgers_own_change_is_not_outside_but_a_later_one_is() {
    let p = pair(&hook_env(free_port()));
    p.change(S1, 2).await;
    assert_eq!(p.notify(&updated(68841753, 1, 2, 7)).await.status, 200);
    let t: Vec<String> = p
        .event_list()
        .await
        .iter()
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        t,
        ["seat_change.applied"],
        "the ledger's change is reported once"
    );
    // Someone changes it in Cleverbridge's own tools.
    p.outside_commit(S1, 1, 5).await;
    assert_eq!(p.notify(&updated(68841753, 1, 5, 8)).await.status, 200);
    let events = p.event_list().await;
    assert_eq!(events[1]["type"], "subscription.changed_outside");
    assert_eq!(events[1]["payload"]["data"]["fromQuantity"], 2);
    assert_eq!(events[1]["payload"]["data"]["quantity"], 5);
}

/// A commit whose answer was lost (connection reset after the change applied) is
/// settled by the notification, before the reconciler may read Cleverbridge (2.6 s).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_notification_settles_an_unknown_commit() {
    let p = pair(&hook_env(free_port()));
    let t = c1001();
    let pv = p.preview(&t, S1, 1, 3, "immediate").await;
    let qt = pv.body["quoteToken"].as_str().unwrap().to_owned();
    p.fault_on("resetAfterApply", "commit", 1, None).await;
    let r = p.commit(&t, S1, 1, &qt, "k-lost").await;
    assert_eq!(r.status, 502, "{}", r.text);
    assert_eq!(
        p.intent_state("C-1001", "k-lost").as_deref(),
        Some("unknown")
    );
    let started = std::time::Instant::now();
    assert_eq!(p.notify(&updated(68841753, 1, 3, 2)).await.status, 200);
    assert_eq!(p.intent_state("C-1001", "k-lost").as_deref(), Some("done"));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "settled by the notification, not the reconciler"
    );
    let events = p.event_list().await;
    assert_eq!(events.len(), 1, "{events:?}");
    assert_eq!(events[0]["type"], "seat_change.applied");
    assert_eq!(events[0]["payload"]["data"]["quantity"], 3);
    // The retry answers the commit.
    let again = p.commit(&t, S1, 1, &qt, "k-lost").await;
    assert_eq!(again.status, 200, "{}", again.text);
    assert_eq!(p.commit_counts().await, (1, 1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn payment_failures_refunds_and_chargebacks_become_events() {
    let p = pair(&hook_env(free_port()));
    for (kind, event) in [
        ("SubscriptionPaymentFailedNotification", "payment.failed"),
        ("RefundNotification", "payment.refunded"),
        ("ChargebackNotification", "payment.charged_back"),
        ("SubscriptionPaidNotification", "payment.succeeded"),
    ] {
        let r = p.notify(&notification(kind, 68841753, 1, 1, 1)).await;
        assert_eq!(r.status, 200, "{}", r.text);
        let events = p.event_list().await;
        let last = events.last().unwrap();
        assert_eq!(last["type"], event, "{kind}");
        assert_eq!(last["payload"]["data"]["notificationType"], kind);
        assert_eq!(last["subscriptionId"], S1);
    }
}

/// `seatquote-proxy events tail --once` prints the events (readable or JSON), after a
/// cursor; a wrong admin token stops it with the proxy's refusal.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_tail_prints_the_outbox() {
    let p = pair(&hook_env(free_port()));
    for v in 1..=3 {
        p.notify(&updated(68841753, 1, 10 + v, i64::from(v) + 1))
            .await;
    }
    let tail = |args: &[&str], token: &str| {
        let mut all = vec!["events", "tail", "--once", "--url", &p.proxy.base];
        all.extend_from_slice(args);
        std::process::Command::new(BIN)
            .args(all)
            .env_clear()
            .env("SEATQUOTE_ADMIN_TOKEN", token)
            .output()
            .unwrap()
    };
    let out = tail(&[], ADMIN);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(text.lines().count(), 3, "{text}");
    assert!(
        text.lines()
            .all(|l| l.contains("subscription.changed_outside") && l.contains("S68841753")),
        "{text}"
    );
    let out = tail(&["--json", "--after", "2"], ADMIN);
    let lines: Vec<Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["payload"]["data"]["quantity"], 13);
    let out = tail(&[], "wrong-token-0123456789abcdef-0123456789");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("admin_unauthorized"));
}

/// The sandbox notifies like Cleverbridge, with faults; a change made only in the
/// sandbox's admin reaches the merchant's webhook endpoint as
/// `subscription.changed_outside`, verified by the `standardwebhooks` library.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sandbox_notifications_reach_the_merchant() {
    let (proxy_port, hook_port) = (free_port(), free_port());
    let sandbox = sandbox(&[
        (
            "SEATQUOTE_SANDBOX_NOTIFY_URL",
            format!("http://127.0.0.1:{proxy_port}/api/cleverbridge/notifications"),
        ),
        ("SEATQUOTE_SANDBOX_NOTIFY_USERNAME", NOTIFY_USER.into()),
        ("SEATQUOTE_SANDBOX_NOTIFY_PASSWORD", NOTIFY_PASSWORD.into()),
    ]);
    let data = tmp_dir("sandbox-notify");
    let mut env = hook_env(hook_port);
    env.push(("PORT", proxy_port.to_string()));
    let p = Pair {
        proxy: proxy(&sandbox, &data, &env),
        sandbox,
        data,
        db: None,
        http: client(),
    };
    let r = receiver(hook_port, 0, 0);
    let quantity = |sub: &str, qty: u32| {
        serde_json::json!({"subscriptionId": sub, "runningNumber": 1, "quantity": qty}).to_string()
    };
    // The summary's read is kept for reuse (SEATQUOTE_SUBSCRIPTION_TTL_MS, 30 s) ...
    let customer = c1001();
    let summary = || p.get("/api/subscriptions/S68841753", &customer);
    let before = summary().await.body["items"][0]["quantity"].clone();
    assert_ne!(before, 5, "{before}");
    // Changed only in the sandbox's admin.
    p.admin("quantity", Some(&quantity("S68841753", 5))).await;
    let e = events_until(&p, 1).await;
    assert_eq!(e[0]["type"], "subscription.changed_outside", "{e:?}");
    assert_eq!(e[0]["payload"]["data"]["quantity"], 5);
    // ... until a notification says the subscription changed: then it is read afresh.
    assert_eq!(summary().await.body["items"][0]["quantity"], 5);
    let got = deliveries(&r, 1, Duration::from_secs(10));
    assert_eq!(got[0]["type"], "subscription.changed_outside");
    assert_eq!(got[0]["verified"], serde_json::json!([true, true]));

    // The ledger's own change, its notification duplicated: one event, applied.
    p.admin("notify-fault", Some(r#"{"fault":"duplicate"}"#))
        .await;
    p.change("S70000001", 6).await;
    // Out of order: version 2 (3 seats) held back until version 3 (4 seats) was sent.
    p.admin("notify-fault", Some(r#"{"fault":"outOfOrder","ms":3000}"#))
        .await;
    p.admin("quantity", Some(&quantity("S70000006", 3))).await;
    p.admin("quantity", Some(&quantity("S70000006", 4))).await;
    // Dropped, then delayed.
    p.admin("notify-fault", Some(r#"{"fault":"dropped"}"#))
        .await;
    p.admin("quantity", Some(&quantity("S68841753", 6))).await;
    p.admin("notify-fault", Some(r#"{"fault":"delayed","ms":300}"#))
        .await;
    p.admin("quantity", Some(&quantity("S68841753", 7))).await;
    // A payment failure, on demand.
    p.admin(
        "notify",
        Some(r#"{"type":"SubscriptionPaymentFailedNotification","subscriptionId":"S70000001"}"#),
    )
    .await;

    // Every notification sent has arrived (duplicate: 2, out of order: 2, delayed, payment).
    for _ in 0..100 {
        if p.admin("notifications", None).await["sent"] == 7 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let n = p.admin("notifications", None).await;
    assert_eq!(
        (n["sent"].clone(), n["dropped"].clone()),
        (7.into(), 1.into()),
        "{n}"
    );
    let e = events_until(&p, 5).await;
    let seen: Vec<(String, String, Value)> = e
        .iter()
        .map(|e| {
            (
                e["type"].as_str().unwrap().to_owned(),
                e["subscriptionId"].as_str().unwrap().to_owned(),
                e["payload"]["data"]["quantity"].clone(),
            )
        })
        .collect();
    let mut sorted = seen.clone();
    sorted.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
    assert_eq!(
        sorted,
        vec![
            (
                "subscription.changed_outside".into(),
                "S68841753".into(),
                5.into()
            ),
            (
                "subscription.changed_outside".into(),
                "S68841753".into(),
                7.into()
            ),
            ("payment.failed".into(), "S70000001".into(), Value::Null),
            ("seat_change.applied".into(), "S70000001".into(), 6.into()),
            (
                "subscription.changed_outside".into(),
                "S70000006".into(),
                4.into()
            ),
        ],
        "{seen:?}"
    );
    let last7 = e
        .iter()
        .find(|e| e["payload"]["data"]["quantity"] == 7)
        .unwrap();
    assert_eq!(
        last7["payload"]["data"]["fromQuantity"], 5,
        "the dropped one was never known"
    );
    let got = deliveries(&r, 4, Duration::from_secs(10));
    assert!(
        got.iter()
            .all(|v| v["verified"] == serde_json::json!([true, true])),
        "{got:?}"
    );
}

async fn events_until(p: &Pair, n: usize) -> Vec<Value> {
    for _ in 0..100 {
        let e = p.event_list().await;
        if e.len() >= n {
            return e;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    p.event_list().await
}

//! Provisioning over real processes (docs/webhooks.md): a sandbox, the proxy, and a Node
//! receiver that verifies every delivery with the `standardwebhooks` npm package.
//! Retries start at 200 ms here (`SEATQUOTE_WEBHOOK_RETRY_BASE_MS`).

use std::collections::BTreeMap;
use std::time::Duration;

use crate::helpers::hooks::*;
use crate::helpers::*;
use serde_json::Value;

const S1: &str = "S68841753";
const S2: &str = "S70000001";

fn with_hooks(port: u16) -> Pair {
    pair(&hook_env(port))
}

/// The receiver is down (connection refused), then up but failing (503) for a while:
/// every event is delivered, at least once, in order per subscription, each verified by
/// the library with either secret of the rotation, and a tampered body refused by it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn down_then_up_delivers_every_event_in_order_verified() {
    let port = free_port();
    let p = with_hooks(port);
    for (sub, qty) in [(S1, 2), (S2, 6), (S1, 3), (S2, 7), (S1, 4)] {
        p.change(sub, qty).await;
    }
    // Several attempts fail while nothing listens.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let list = p.events("0").await;
    assert_eq!(
        list.body["events"].as_array().unwrap().len(),
        5,
        "{}",
        list.text
    );
    let head = &list.body["events"][0];
    assert_eq!(head["delivery"], "pending", "{}", list.text);
    assert!(head["attempts"].as_u64().unwrap() >= 2, "{}", list.text);
    assert_eq!(head["lastError"], "connection failed");

    let r = receiver(port, 3, 0);
    let got = deliveries(&r, 5, Duration::from_secs(30));
    let ok: Vec<&Value> = got.iter().filter(|v| v["status"] == 200).collect();
    assert!(
        got.iter().filter(|v| v["status"] == 503).count() == 3,
        "{got:?}"
    );
    for v in &got {
        assert_eq!(
            v["verified"],
            serde_json::json!([true, true]),
            "both secrets verify: {v}"
        );
        assert_eq!(v["tamperRejected"], true, "{v}");
        assert_eq!(v["type"], "seat_change.applied");
    }
    let mut per_sub: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for v in &ok {
        per_sub
            .entry(v["subscription"].as_str().unwrap().to_owned())
            .or_default()
            .push(v["quantity"].as_u64().unwrap());
    }
    assert_eq!(per_sub[S1], vec![2, 3, 4], "in order: {got:?}");
    assert_eq!(per_sub[S2], vec![6, 7], "in order: {got:?}");

    // The events API shows them delivered, with the exact amounts committed.
    // (The receiver answers before the proxy records the delivery.)
    let mut events = p.event_list().await;
    for _ in 0..50 {
        if events.iter().all(|e| e["delivery"] == "delivered") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        events = p.event_list().await;
    }
    assert!(
        events.iter().all(|e| e["delivery"] == "delivered"),
        "{events:?}"
    );
    let first = &events[0]["payload"];
    assert_eq!(first["data"]["fromQuantity"], 1);
    assert_eq!(first["data"]["quantity"], 2);
    assert_eq!(first["data"]["customerId"], "C-1001");
    assert_eq!(first["data"]["alignment"], "immediate");
    assert_eq!(
        first["data"]["amounts"]["alignment"]["gross"], "604.93",
        "{first}"
    );
}

/// SIGKILL between the commit and the delivery: the event is in the store (written with
/// the commit) and is delivered by the restarted proxy (once the dead process's lease on
/// it, if it held one, has expired: 2 × 2 s + 1 s here).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_before_delivery_then_restart_delivers() {
    let port = free_port();
    let mut p = with_hooks(port);
    p.change(S1, 2).await;
    p.proxy.kill();
    let r = receiver(port, 0, 0);
    let mut envs = proxy_env(&p.sandbox, &p.data);
    envs.extend(hook_env(port));
    p.proxy = spawn(&["serve"], &envs);
    let got = deliveries(&r, 1, Duration::from_secs(20));
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0]["type"], "seat_change.applied");
    assert_eq!(got[0]["quantity"], 2);
    assert_eq!(got[0]["verified"], serde_json::json!([true, true]));
}

/// Events that exhaust the retry period are kept, visible, and can be re-delivered.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn exhausted_events_are_kept_and_redelivered_on_request() {
    let port = free_port();
    let mut env = hook_env(port);
    env.push(("SEATQUOTE_WEBHOOK_RETRY_FOR", "1s".into()));
    let p = pair(&env);
    p.change(S1, 2).await;
    let mut exhausted = Value::Null;
    for _ in 0..50 {
        tokio::time::sleep(Duration::from_millis(200)).await;
        let e = p.event_list().await;
        if e[0]["delivery"] == "exhausted" {
            exhausted = e[0].clone();
            break;
        }
    }
    assert_eq!(exhausted["delivery"], "exhausted", "{exhausted}");
    let r = receiver(port, 0, 0);
    let id = exhausted["id"].as_str().unwrap();
    let unauth = send(
        p.http
            .post(p.url(&format!("/api/events/{id}/redeliver")))
            .bearer_auth(c1001()),
    )
    .await;
    assert_eq!(
        (unauth.status, unauth.code()),
        (401, "admin_unauthorized"),
        "a customer token is not an admin token"
    );
    let again = send(
        p.http
            .post(p.url(&format!("/api/events/{id}/redeliver")))
            .bearer_auth(ADMIN),
    )
    .await;
    assert_eq!(again.status, 202, "{}", again.text);
    let missing = send(
        p.http
            .post(p.url("/api/events/evt_nope/redeliver"))
            .bearer_auth(ADMIN),
    )
    .await;
    assert_eq!(missing.status, 404);
    let got = deliveries(&r, 1, Duration::from_secs(10));
    assert_eq!(got[0]["id"], id);
}

/// Two replicas on one SQLite store: every event is delivered, and no event is ever being
/// delivered by both at once (the lease); with a slow receiver, each exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_deliver_each_event_once_at_a_time() {
    two_replicas(&[]).await;
}

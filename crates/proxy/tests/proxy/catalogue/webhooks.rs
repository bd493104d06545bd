//! Each kind's event delivered to a merchant's endpoint and verified there by the
//! `standardwebhooks` library (tests/receiver/receiver.mjs): `plan.changed`,
//! `item.added`, `item.deactivated`, with the kind, the products and the committed
//! quote's amounts (docs/webhooks.md).

use std::time::Duration;

use crate::helpers::hooks::*;

use super::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_kind_is_delivered_and_verified() {
    let port = free_port();
    let p = pair(&hook_env(port));
    let r = receiver(port, 0, 0);
    let [plan, add, drop] = p.upgrade_add_and_drop().await;

    let got = deliveries(&r, 3, Duration::from_secs(30));
    let ok: Vec<&Value> = got.iter().filter(|v| v["status"] == 200).collect();
    assert_eq!(ok.len(), 3, "{got:?}");
    for v in &ok {
        assert_eq!(
            v["verified"],
            json!([true, true]),
            "both secrets verify: {v}"
        );
    }
    let line = |kind: &str| {
        ok.iter()
            .find(|v| v["type"] == kind)
            .cloned()
            .cloned()
            .unwrap_or_else(|| panic!("{kind}: {got:?}"))
    };
    let (pl, ad, dr) = (
        line("plan.changed"),
        line("item.added"),
        line("item.deactivated"),
    );
    assert_eq!(
        (
            pl["kind"].as_str(),
            pl["productAfter"].as_str(),
            pl["runningNumber"].as_u64()
        ),
        (Some("plan"), Some("294836"), Some(1))
    );
    assert_eq!(
        (
            ad["kind"].as_str(),
            ad["productAfter"].as_str(),
            ad["runningNumber"].as_u64()
        ),
        (Some("add"), Some("294900"), Some(2))
    );
    assert_eq!(
        (
            dr["kind"].as_str(),
            dr["subscription"].as_str(),
            dr["runningNumber"].as_u64()
        ),
        (Some("drop"), Some(BACKUP), Some(2))
    );

    // The bodies carry the committed quote's amounts, as the customer was answered.
    let events = p.event_list().await;
    for (kind, answer) in [
        ("plan.changed", &plan),
        ("item.added", &add),
        ("item.deactivated", &drop),
    ] {
        let e = events.iter().find(|e| e["type"] == kind).unwrap();
        assert_eq!(
            e["payload"]["data"]["amounts"], answer.body["quote"],
            "{kind}"
        );
        assert_eq!(
            e["payload"]["data"]["productBefore"], answer.body["productBefore"],
            "{kind}"
        );
    }
    let d = &events
        .iter()
        .find(|e| e["type"] == "item.deactivated")
        .unwrap()["payload"]["data"];
    assert_eq!(d["deactivationDate"], drop.body["effectiveOn"]);
}

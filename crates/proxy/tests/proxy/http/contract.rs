//! `openapi.json` stays true to `seatquote_core::contract`: every schema's properties are
//! exactly the fields the serde type writes, its required list is what the type always
//! writes, and nested objects follow their `$ref`s.

use seatquote_core::contract::{
    AddOnOffer, AddOnPreviewRequest, Cancellation, ChangeOption, Changeable, Commit, CommitRequest,
    EventPage, EventRecord, Interval, PendingChange, Preview, PreviewRequest, Problem, ProductRef,
    Summary, SummaryItem,
};
use seatquote_core::quote::{quote_json, Quote};
use serde_json::Value;

fn doc() -> Value {
    serde_json::from_str(include_str!("../../../openapi.json")).unwrap()
}

fn sample_quote() -> Quote {
    let out = quote_json(
        r#"{"currency": "USD", "taxMode": "gross", "taxRate": "0.19",
        "periodStart": "2025-11-13", "nextBillingDate": "2026-11-13",
        "interval": { "months": 12, "days": 0 }, "changeDate": "2026-05-13",
        "current": { "unitPrice": "1200.00", "quantity": 1 },
        "next": { "unitPrice": "1200.00", "quantity": 2 }, "alignment": "immediate" }"#,
    )
    .unwrap();
    serde_json::from_str(&out).unwrap()
}

fn preview() -> Preview {
    Preview {
        quote: sample_quote(),
        quote_token: "quote.x.y".into(),
        expires_at: "2026-05-13T10:00:00Z".into(),
        mode: "immediate".into(),
        kind: "plan".into(),
        product_before: Some(product("294835", "Team")),
        product_after: Some(product("294836", "Business")),
    }
}

fn product(id: &str, name: &str) -> ProductRef {
    ProductRef {
        product_id: id.into(),
        product_name: name.into(),
    }
}

/// Checks `value` against schema `name`, recursively; `optional` lists fields a type may
/// leave out (`Schema.field` for a nested schema's).
fn check(doc: &Value, name: &str, value: &Value, optional: &[&str]) {
    let schema = &doc["components"]["schemas"][name];
    assert!(schema.is_object(), "schema {name} exists");
    let props = schema["properties"].as_object().unwrap();
    let obj = value.as_object().unwrap();
    let written: Vec<&String> = obj.keys().collect();
    let documented: Vec<&String> = props.keys().collect();
    let mut w = written.clone();
    w.sort();
    let mut d = documented.clone();
    d.sort();
    assert_eq!(w, d, "{name}: fields written vs documented");
    let mut required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    required.sort_unstable();
    let mut always: Vec<&str> = written
        .iter()
        .map(|k| k.as_str())
        .filter(|k| !optional.contains(k) && !optional.contains(&format!("{name}.{k}").as_str()))
        .collect();
    always.sort_unstable();
    assert_eq!(required, always, "{name}: required vs always written");
    for (k, p) in props {
        let v = &obj[k];
        // A nullable object (`oneOf` a `$ref` and null): null, or the referenced schema.
        let nullable = p["oneOf"][0]["$ref"].as_str();
        if nullable.is_some() && v.is_null() {
            assert_eq!(p["oneOf"][1]["type"], "null", "{name}.{k}");
            continue;
        }
        let target = p["$ref"]
            .as_str()
            .or(p["items"]["$ref"].as_str())
            .or(nullable);
        if let Some(r) = target {
            let sub = r.rsplit('/').next().unwrap();
            let sub_value = if v.is_array() { &v[0] } else { v };
            check(doc, sub, sub_value, optional);
        } else if let Some(t) = p["type"].as_str() {
            let ok = match t {
                "string" => v.is_string(),
                "integer" => v.is_u64() || v.is_i64(),
                "array" => v.is_array(),
                "object" => v.is_object(),
                "boolean" => v.is_boolean(),
                _ => false,
            };
            assert!(ok, "{name}.{k}: {v} is not a {t}");
        } else if let Some(c) = p.get("const") {
            assert_eq!(v, c, "{name}.{k}");
        }
    }
}

#[test]
fn openapi_matches_the_contract_types() {
    let doc = doc();
    let j = |v: &dyn Erased| v.json();
    let summary = Summary {
        id: "S68841753".into(),
        status: "grace".into(),
        changeable: Changeable {
            ok: false,
            code: Some("subscription_not_active".into()),
            message: Some("the subscription is Grace; only active subscriptions can change".into()),
        },
        currency: "USD".into(),
        tax_mode: "gross".into(),
        tax_rate: "0.19".into(),
        tax_rate_is_estimate: true,
        period_start: "2025-11-13".into(),
        next_billing_date: "2026-11-13".into(),
        interval: Interval {
            months: 12,
            days: 0,
        },
        today: "2026-05-13".into(),
        items: vec![SummaryItem {
            running_number: 1,
            product_id: "294835".into(),
            product_name: "Team".into(),
            quantity: 1,
            unit_price: "1200.00".into(),
            current_unit_price: "1200.00".into(),
            min_quantity: 1,
            max_quantity: 100,
            increase_modes: vec!["immediate".into()],
            decrease_modes: vec!["nextBilling".into()],
            pending: vec![PendingChange {
                state: "scheduled".into(),
                to_quantity: 2,
                effective_on: Some("2026-11-13".into()),
                since: "2026-05-13T10:00:00.000Z".into(),
                to_product_id: Some("294836".into()),
            }],
            change_to: vec![ChangeOption {
                product_id: "294836".into(),
                product_name: "Business".into(),
                unit_price: "1800.00".into(),
                direction: "upgrade".into(),
                modes: vec!["immediate".into()],
            }],
            removable: false,
            deactivation_date: Some("2026-11-13".into()),
        }],
        add_ons: vec![AddOnOffer {
            product_id: "294900".into(),
            product_name: "Priority support".into(),
            unit_price: "1000.00".into(),
            min_quantity: 1,
            max_quantity: 5,
            modes: vec!["immediate".into()],
        }],
    };
    let optional = [
        "Changeable.code",
        "Changeable.message",
        "PendingChange.effectiveOn",
        "PendingChange.toProductId",
        "SummaryItem.deactivationDate",
    ];
    check(&doc, "Summary", &j(&summary), &optional);
    let mut plain = summary.clone();
    plain.changeable = Changeable {
        ok: true,
        code: None,
        message: None,
    };
    plain.items[0].pending[0].effective_on = None;
    plain.items[0].pending[0].to_product_id = None;
    plain.items[0].deactivation_date = None;
    assert!(j(&plain)["items"][0].get("deactivationDate").is_none());
    assert!(j(&plain)["items"][0]["pending"][0]
        .get("toProductId")
        .is_none());
    assert_eq!(j(&plain)["changeable"], serde_json::json!({"ok": true}));
    assert!(j(&plain)["items"][0]["pending"][0]
        .get("effectiveOn")
        .is_none());
    check(
        &doc,
        "Cancellation",
        &j(&Cancellation {
            status: "cancelled".into(),
            subscription_id: "S68841753".into(),
            running_number: 1,
            to_quantity: 1,
            effective_on: "2026-11-13".into(),
        }),
        &[],
    );
    check(&doc, "Preview", &j(&preview()), &[]);
    check(&doc, "Quote", &j(&sample_quote()), &[]);
    let commit = Commit {
        status: "committed".into(),
        subscription_id: "S68841753".into(),
        running_number: 1,
        quantity: 2,
        mode: "immediate".into(),
        quote: sample_quote(),
        committed_at: "2026-05-13T10:00:00.000Z".into(),
        effective_on: None,
        kind: "seats".into(),
        product_before: Some(product("294835", "Team")),
        product_after: Some(product("294835", "Team")),
    };
    assert!(
        j(&commit).get("effectiveOn").is_none(),
        "effectiveOn is left out of a committed change"
    );
    let scheduled = Commit {
        status: "scheduled".into(),
        quantity: 1,
        mode: "nextBilling".into(),
        effective_on: Some("2026-11-13".into()),
        ..commit.clone()
    };
    check(&doc, "Commit", &j(&scheduled), &["effectiveOn"]);
    // An add names no product before; a drop none after.
    let added = Commit {
        kind: "add".into(),
        product_before: None,
        product_after: Some(product("294900", "Priority support")),
        ..scheduled.clone()
    };
    check(&doc, "Commit", &j(&added), &["effectiveOn"]);
    assert!(j(&added)["productBefore"].is_null());
    let dropped = Preview {
        kind: "drop".into(),
        product_after: None,
        ..preview()
    };
    check(&doc, "Preview", &j(&dropped), &[]);
    let problem = Problem {
        kind: "https://seatquote.dev/problems/quote_changed".into(),
        title: "Conflict".into(),
        status: 409,
        detail: "the price changed".into(),
        code: "quote_changed".into(),
        quote: Some(Box::new(preview())),
    };
    check(&doc, "Problem", &j(&problem), &["quote"]);
    let mut bare = problem.clone();
    bare.quote = None;
    assert!(
        j(&bare).get("quote").is_none(),
        "quote is left out when absent"
    );
    check(
        &doc,
        "PreviewRequest",
        &j(&PreviewRequest {
            quantity: 2,
            alignment: "immediate".into(),
            product_id: Some("294836".into()),
        }),
        &["productId"],
    );
    check(
        &doc,
        "AddOnPreviewRequest",
        &j(&AddOnPreviewRequest {
            product_id: "294900".into(),
            quantity: 1,
            alignment: "immediate".into(),
        }),
        &[],
    );
    assert!(serde_json::from_str::<AddOnPreviewRequest>(
        r#"{"productId":"1","quantity":1,"alignment":"immediate","unitPrice":"1"}"#
    )
    .is_err());
    check(
        &doc,
        "CommitRequest",
        &j(&CommitRequest {
            quote_token: "q".into(),
            consent: Some(true),
        }),
        &[],
    );
    let event = EventRecord {
        cursor: "7".into(),
        id: "evt_46c56e2c53cc4c0a630c0d5332c9a98b".into(),
        kind: "seat_change.applied".into(),
        subscription_id: "S68841753".into(),
        created_at: "2026-05-13T10:00:00.000Z".into(),
        delivery: "pending".into(),
        attempts: 2,
        next_attempt_at: Some("2026-05-13T10:00:05.000Z".into()),
        last_error: Some("HTTP 503".into()),
        delivered_at: Some("2026-05-13T10:00:06.000Z".into()),
        target_url: Some("https://shop.test/hooks".into()),
        payload: serde_json::json!({"id": "evt_46c56e2c53cc4c0a630c0d5332c9a98b", "type": "seat_change.applied"}),
    };
    check(&doc, "EventRecord", &j(&event), &[]);
    let bare_event = EventRecord {
        next_attempt_at: None,
        last_error: None,
        delivered_at: None,
        target_url: None,
        ..event
    };
    check(
        &doc,
        "EventPage",
        &j(&EventPage {
            events: vec![bare_event],
            next_cursor: "7".into(),
        }),
        &[],
    );
    // The request types refuse what the document forbids (additionalProperties: false).
    assert!(serde_json::from_str::<PreviewRequest>(
        r#"{"quantity":2,"alignment":"immediate","unitPrice":"1"}"#
    )
    .is_err());
    assert!(serde_json::from_str::<CommitRequest>(r#"{"quoteToken":"q","price":1}"#).is_err());
}

trait Erased {
    fn json(&self) -> Value;
}

impl<T: serde::Serialize> Erased for T {
    fn json(&self) -> Value {
        serde_json::to_value(self).unwrap()
    }
}

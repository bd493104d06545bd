//! Cleverbridge wire types against the seed's JSON and the shapes Cleverbridge documents.

use seatquote_core::alignment::{Alignment, UpdateAction};
use seatquote_core::wire::*;
use seatquote_core::Decimal;

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

const SEED_PREVIEW_REQUEST: &str = r#"{
    "ProductId": 294835,
    "RunningNumber": 1,
    "SubscriptionId": "S68841753",
    "UpdateAction": 0,
    "Quantity": 2,
    "GenerateMail": false,
    "AlignmentSettings": {
        "AlignToCurrentInterval": false,
        "GetCustomerPricePreviewOnly": true,
        "ExtendInterval": false
    }
}"#;

const SEED_PREVIEW_RESPONSE: &str = r#"{
    "AlignmentCustomerGrossPrice": 0.0,
    "AlignmentCustomerNetPrice": 0.0,
    "AlignmentCustomerVatPrice": 0.0,
    "NextBillingCustomerGrossPrice": 2400.0,
    "NextBillingCustomerNetPrice": 2016.81,
    "NextBillingCustomerVatPrice": 383.19,
    "NextRenewalCustomerGrossPrice": 2400.0,
    "NextRenewalCustomerNetPrice": 2016.81,
    "NextRenewalCustomerVatPrice": 383.19,
    "PriceCurrencyId": "USD",
    "ResultMessage": "OK"
}"#;

const SUBSCRIPTION: &str = r#"{"Subscription": {
    "Id": "S68841753", "CustomerId": 53124871, "CustomerReferenceId": "C-1001",
    "CustomerCurrencyId": "USD", "IntervalMonthCount": 12, "IntervalDayCount": 0,
    "NextBillingDate": "2026-11-13T10:28:48.196461", "SubscriptionStatus": 1,
    "EndDate": null, "GracePeriodDays": 14, "SomethingNew": {"x": [1, 2]},
    "Items": [{
        "RunningNo": 1, "ProductId": 294835, "ProductName": "Cloud Storage – Team seat",
        "Quantity": 1, "IsCurrent": true, "DeactivationDate": null,
        "NextBillingCustomerGrossPrice": 1200.00, "NextBillingCustomerNetPrice": 1008.40,
        "NextBillingCustomerVatPrice": 191.60, "NextBillingCurrencyId": "USD"
    }]
}, "ResultMessage": "OK"}"#;

#[test]
fn seed_preview_request_round_trips_strictly() {
    let req: UpdateSubscriptionItemRequest = serde_json::from_str(SEED_PREVIEW_REQUEST).unwrap();
    assert_eq!(req.subscription_id, "S68841753");
    assert_eq!(req.running_number.0, 1);
    assert_eq!(req.product_id, "294835");
    assert_eq!(req.quantity.0, 2);
    assert!(!req.generate_mail);
    assert_eq!(
        req.update_action,
        Some(WireUpdateAction(UpdateAction::Update))
    );
    assert!(req.alignment_settings.get_customer_price_preview_only);
    assert_eq!(
        Alignment::from_flags(req.alignment_settings.flags()).unwrap(),
        Alignment::NextBilling
    );
    let out = serde_json::to_value(&req).unwrap();
    let seed: serde_json::Value = serde_json::from_str(SEED_PREVIEW_REQUEST).unwrap();
    assert_eq!(out, seed, "strict PascalCase output equals the seed body");
}

#[test]
fn request_output_sends_integers_and_customer_price_exactly() {
    let req = UpdateSubscriptionItemRequest {
        subscription_id: "S68841753".into(),
        running_number: WireUint(1),
        product_id: "294835".into(),
        quantity: WireUint(2),
        alignment_settings: AlignmentSettings::new(Alignment::Immediate, false),
        customer_price: Some(CustomerPrice {
            currency: "USD".into(),
            is_gross: true,
            value: WireDecimal(d("600.00")),
        }),
        update_action: Some(WireUpdateAction(UpdateAction::Upgrade)),
        generate_mail: true,
    };
    let s = serde_json::to_string(&req).unwrap();
    assert!(s.contains(r#""UpdateAction":1"#), "{s}");
    assert!(s.contains(r#""Value":600.00"#), "{s}");
    assert!(s.contains(r#""ProductId":294835"#), "{s}");
    assert!(s.contains(r#""AlignToCurrentInterval":true"#), "{s}");
    assert!(s.contains(r#""GetCustomerPricePreviewOnly":false"#), "{s}");
    let back: UpdateSubscriptionItemRequest = serde_json::from_str(&s).unwrap();
    assert_eq!(back, req);
}

#[test]
fn request_accepts_untidy_input() {
    let body = r#"{"SubscriptionId": 68841753, "RunningNo": "1", "ProductId": "294835",
        "Quantity": 3, "UpdateAction": "Upgrade", "Extra": true,
        "AlignmentSettings": {"AlignToCurrentInterval": true, "ExtendInterval": true,
                              "GetCustomerPricePreviewOnly": true}}"#;
    let req: UpdateSubscriptionItemRequest = serde_json::from_str(body).unwrap();
    assert_eq!(req.normalized_subscription_id(), "S68841753");
    assert_eq!(req.running_number.0, 1);
    assert!(req.generate_mail, "GenerateMail defaults to true");
    assert_eq!(req.update_action.unwrap().0, UpdateAction::Upgrade);
    for name in ["\"update\"", "0", "\"Downgrade\"", "2"] {
        let b = body.replace("\"Upgrade\"", name);
        assert!(
            serde_json::from_str::<UpdateSubscriptionItemRequest>(&b).is_ok(),
            "{name}"
        );
    }
    let bad = body.replace("\"Upgrade\"", "\"Sideways\"");
    assert!(serde_json::from_str::<UpdateSubscriptionItemRequest>(&bad).is_err());
}

#[test]
fn seed_preview_response_is_exact() {
    let r: UpdateSubscriptionItemResponse = serde_json::from_str(SEED_PREVIEW_RESPONSE).unwrap();
    assert_eq!(r.next_billing_customer_net_price.unwrap().0, d("2016.81"));
    assert_eq!(r.next_billing_customer_vat_price.unwrap().0, d("383.19"));
    assert_eq!(r.next_billing_customer_gross_price.unwrap().0, d("2400.0"));
    assert_eq!(r.alignment_customer_gross_price.unwrap().0, Decimal::ZERO);
    assert_eq!(r.price_currency_id.as_deref(), Some("USD"));
    assert_eq!(r.result_message.as_deref(), Some("OK"));
    assert_eq!(r.next_billing_date, None);
    // Round trip: numbers come back as the same JSON numbers.
    let again: serde_json::Value = serde_json::to_value(&r).unwrap();
    let seed: serde_json::Value = serde_json::from_str(SEED_PREVIEW_RESPONSE).unwrap();
    assert_eq!(again, seed);
}

#[test]
fn numbers_are_never_read_through_f64() {
    // 0.1 + 0.2 style values and more digits than an f64 holds.
    let r: UpdateSubscriptionItemResponse = serde_json::from_str(
        r#"{"AlignmentCustomerGrossPrice": 604.93, "AlignmentCustomerNetPrice": "508.34",
            "AlignmentCustomerVatPrice": 96.59, "NextBillingCustomerGrossPrice": 12345678901234567.89,
            "NextBillingCustomerNetPrice": 1e3, "NextBillingDate": "2027-05-13T00:00:00Z"}"#,
    )
    .unwrap();
    assert_eq!(
        r.alignment_customer_gross_price.unwrap().0.to_string(),
        "604.93"
    );
    assert_eq!(
        r.alignment_customer_net_price.unwrap().0.to_string(),
        "508.34"
    );
    assert_eq!(
        r.next_billing_customer_gross_price.unwrap().0.to_string(),
        "12345678901234567.89"
    );
    assert_eq!(r.next_billing_customer_net_price.unwrap().0, d("1000"));
    assert_eq!(r.next_billing_date.unwrap().0.to_iso_string(), "2027-05-13");
    assert!(serde_json::from_str::<UpdateSubscriptionItemResponse>(
        r#"{"AlignmentCustomerGrossPrice": true}"#
    )
    .is_err());
}

#[test]
fn commit_response_with_null_prices() {
    let r: UpdateSubscriptionItemResponse = serde_json::from_str(
        r#"{"AlignmentCustomerGrossPrice": null, "NextBillingCustomerGrossPrice": null,
            "ResultMessage": "OK", "ConfirmationUrl": "https://example.invalid/c"}"#,
    )
    .unwrap();
    assert_eq!(r.alignment_customer_gross_price, None);
    assert_eq!(r.result_message.as_deref(), Some("OK"));
    let empty: UpdateSubscriptionItemResponse = serde_json::from_str("{}").unwrap();
    assert_eq!(empty, UpdateSubscriptionItemResponse::default());
}

#[test]
fn subscription_wrapped_and_unwrapped() {
    let r = parse_get_subscription(SUBSCRIPTION).unwrap();
    let s = &r.subscription;
    assert_eq!(r.result_message.as_deref(), Some("OK"));
    assert_eq!(s.id, "S68841753");
    assert_eq!(s.customer_id.as_deref(), Some("53124871"));
    assert_eq!(s.customer_reference_id.as_deref(), Some("C-1001"));
    assert_eq!(s.customer_currency_id.as_deref(), Some("USD"));
    assert_eq!((s.interval_month_count.0, s.interval_day_count.0), (12, 0));
    assert_eq!(s.next_billing_date.unwrap().0.to_iso_string(), "2026-11-13");
    assert!(s.subscription_status.is_active());
    assert_eq!(s.end_date, None);
    let item = s.item(1).unwrap();
    assert_eq!(item.product_id, "294835");
    assert_eq!(item.quantity.0, 1);
    assert_eq!(
        item.next_billing_customer_net_price.unwrap().0,
        d("1008.40")
    );
    assert_eq!(
        item.next_billing_customer_gross_price
            .unwrap()
            .0
            .to_string(),
        "1200.00"
    );

    // The same object without the wrapper.
    let v: serde_json::Value = serde_json::from_str(SUBSCRIPTION).unwrap();
    let inner = serde_json::to_string(&v["Subscription"]).unwrap();
    let bare = parse_get_subscription(&inner).unwrap();
    assert_eq!(bare.subscription.id, s.id);
    assert_eq!(bare.result_message, None);

    // Our own output parses back to the same value, with RunningNo and integer status.
    let out = serde_json::to_string(&r).unwrap();
    assert!(out.contains(r#""RunningNo":1"#), "{out}");
    assert!(out.contains(r#""SubscriptionStatus":1"#), "{out}");
    assert!(
        out.contains(r#""NextBillingDate":"2026-11-13T00:00:00""#),
        "{out}"
    );
    assert_eq!(parse_get_subscription(&out).unwrap(), r);

    assert!(parse_get_subscription("<html>429</html>").is_err());
    assert!(parse_get_subscription(r#"{"Subscription": {"Items": []}}"#).is_err());
}

#[test]
fn running_number_alias_and_minimal_items() {
    let s = parse_get_subscription(
        r#"{"Id":"S1","Items":[{"RunningNumber":2,"ProductId":"7","Quantity":"3"}]}"#,
    )
    .unwrap()
    .subscription;
    let item = s.item(2).unwrap();
    assert_eq!(item.quantity.0, 3);
    assert_eq!(item.next_billing_customer_gross_price, None);
    assert_eq!(s.subscription_status, SubscriptionStatus::Unknown);
    assert!(!s.subscription_status.is_active());
}

#[test]
fn status_integers_and_names() {
    let parse = |v: &str| {
        parse_get_subscription(&format!(r#"{{"Id":"S1","SubscriptionStatus":{v}}}"#))
            .unwrap()
            .subscription
            .subscription_status
    };
    let names = [
        ("\"Active\"", SubscriptionStatus::Active),
        ("\"Deactivated\"", SubscriptionStatus::Deactivated),
        ("\"Finished\"", SubscriptionStatus::Finished),
        ("\"grace\"", SubscriptionStatus::Grace),
        ("\"Hold\"", SubscriptionStatus::Hold),
        ("\"New\"", SubscriptionStatus::New),
        ("\"Handled by client\"", SubscriptionStatus::HandledByClient),
        (
            "\"Awaiting new order\"",
            SubscriptionStatus::AwaitingNewOrder,
        ),
        ("\"Paused forever\"", SubscriptionStatus::Unknown),
        ("99", SubscriptionStatus::Unknown),
        ("0", SubscriptionStatus::Unknown),
        ("-1", SubscriptionStatus::Unknown),
        ("null", SubscriptionStatus::Unknown),
    ];
    for (v, want) in names {
        assert_eq!(parse(v), want, "{v}");
    }
    for (i, st) in SubscriptionStatus::KNOWN.iter().enumerate() {
        assert_eq!(parse(&(i + 1).to_string()), *st);
        assert_eq!(st.code() as usize, i + 1);
        assert_eq!(SubscriptionStatus::from_name(st.name()), *st);
    }
    assert!(parse("1").is_active() && !parse("4").is_active());
}

#[test]
fn dates_in_every_documented_form() {
    let ok = [
        ("2027-03-17T10:28:48.196461", "2027-03-17"),
        ("2026-01-05T09:12:27.4970365Z", "2026-01-05"),
        ("2026-01-05T09:12:27Z", "2026-01-05"),
        ("2026-01-05T09:12:27+00:00", "2026-01-05"),
        ("2026-01-05T01:00:00+02:00", "2026-01-04"),
        ("2026-12-31T23:30:00-01:00", "2027-01-01"),
        ("2026-01-05 09:12:27", "2026-01-05"),
        ("2026-01-05T09:12", "2026-01-05"),
        ("2026-11-13", "2026-11-13"),
    ];
    for (s, want) in ok {
        assert_eq!(
            WireDate::parse(s).map(|d| d.0.to_iso_string()).as_deref(),
            Some(want),
            "{s}"
        );
    }
    for bad in [
        "",
        "2026-02-30T00:00:00",
        "13/11/2026",
        "2026-01-05T25:00:00",
        "2026-01-05Tfoo",
        "2026-01-05T09:12:27.Z",
    ] {
        assert!(WireDate::parse(bad).is_none(), "{bad}");
    }
}

#[test]
fn item_activity() {
    let s = parse_get_subscription(
        r#"{"Id":"S1","Items":[
            {"RunningNo":1,"ProductId":1,"Quantity":1},
            {"RunningNo":2,"ProductId":1,"Quantity":1,"IsCurrent":false},
            {"RunningNo":3,"ProductId":1,"Quantity":1,"DeactivationDate":"2026-01-01T00:00:00"}]}"#,
    )
    .unwrap()
    .subscription;
    let today = seatquote_core::date::Date::parse("2026-05-13").unwrap();
    let active: Vec<u64> = s
        .items
        .iter()
        .filter(|i| i.is_active_on(today))
        .map(|i| i.running_no.0)
        .collect();
    assert_eq!(active, vec![1]);
}

#[test]
fn subscription_ids() {
    assert_eq!(normalize_subscription_id("68841753"), "S68841753");
    assert_eq!(normalize_subscription_id("S68841753"), "S68841753");
}

/// Cleverbridge may send a subscription's id as a bare number (JSON number or string):
/// it reads as the same `S…` id the customer token and the quote name.
#[test]
fn a_numeric_subscription_id_is_the_same_id() {
    for id in ["68841753", "\"68841753\"", "\"S68841753\"", "\"s68841753\""] {
        let json = SUBSCRIPTION.replace("\"S68841753\"", id);
        let r = parse_get_subscription(&json).unwrap();
        assert_eq!(r.subscription.id, "S68841753", "{id}");
    }
    let bad = SUBSCRIPTION.replace("\"S68841753\"", "68841753.5");
    assert!(parse_get_subscription(&bad).is_err());
}

//! What the catalogue refuses is refused before anything is sent to Cleverbridge: each
//! with its code, and no preview or commit received by the sandbox.

use super::*;

/// Refused with `code` and not one preview or commit sent upstream.
async fn refused(p: &Pair, r: Res, status: u16, code: &str, sent_before: u64) {
    assert_eq!((r.status, r.code()), (status, code), "{}", r.text);
    assert_eq!(
        p.changes_received().await,
        sent_before,
        "{code}: nothing sent upstream"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_send_nothing_upstream() {
    // The Team seat removable too: dropping S68841753's only item is then `last_item`.
    let policy = policy_with(
        "refusals",
        &[(
            "add_ons = [\"294900\"]\n[[products.\"294835\"",
            "add_ons = [\"294900\"]\nremovable = true\n[[products.\"294835\"",
        )],
    );
    let p = pair(&[("SEATQUOTE_POLICY", policy)]);
    let (t, t2) = (c1001(), c2002());
    let sent = p.changes_received().await;
    // A product not in the catalogue, and one listed but not a change of this item.
    let r = p.preview_plan(&t, TEAM, 1, "999999", 1, "immediate").await;
    refused(&p, r, 422, "product_not_allowed", sent).await;
    let r = p.preview_plan(&t, TEAM, 1, "294900", 1, "immediate").await;
    refused(&p, r, 422, "product_not_allowed", sent).await;
    let r = p.preview_add(&t, TEAM, "999999", 1).await;
    refused(&p, r, 422, "product_not_allowed", sent).await;
    // An add-on over its max (5), and under its min.
    let r = p.preview_add(&t, TEAM, "294900", 6).await;
    refused(&p, r, 422, "quantity_out_of_range", sent).await;
    let r = p.preview_add(&t, TEAM, "294900", 0).await;
    refused(&p, r, 422, "quantity_out_of_range", sent).await;
    // Dropping the last item; dropping an item whose product is not removable.
    let r = p.preview_drop(&t, TEAM, 1).await;
    refused(&p, r, 422, "last_item", sent).await;
    let r = p.preview_drop(&t2, BACKUP, 1).await;
    refused(&p, r, 422, "item_not_removable", sent).await;
    // A drop is at the next billing date only: 0 now is a quantity out of range.
    let body = json!({"quantity": 0, "alignment": "immediate"});
    let r = p.preview_body(&t2, BACKUP, 2, body).await;
    refused(&p, r, 422, "quantity_out_of_range", sent).await;
    // A change of plan in a mode its direction does not allow (Team → Business lists
    // immediate and extend only).
    let r = p
        .preview_plan(&t, TEAM, 1, "294836", 1, "nextBilling")
        .await;
    refused(&p, r, 422, "mode_not_allowed", sent).await;
    // Unknown fields are refused as before.
    let body =
        json!({"quantity": 1, "alignment": "immediate", "productId": "294836", "unitPrice": "1"});
    let r = p.preview_body(&t, TEAM, 1, body).await;
    refused(&p, r, 400, "unknown_field", sent).await;
}

/// A downgrade `immediate` (Business → Team after the upgrade) is `mode_not_allowed`; an
/// add-on already held is `addon_present`: both refused before anything is sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn downgrade_now_and_a_held_add_on_are_refused() {
    let p = pair(&[]);
    let t = c1001();
    let pv = p.preview_plan(&t, TEAM, 1, "294836", 1, "immediate").await;
    let r = p
        .commit(&t, TEAM, 1, pv.body["quoteToken"].as_str().unwrap(), "k-up")
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let pv = p.preview_add(&t, TEAM, "294900", 1).await;
    let r = p
        .commit_add(&t, TEAM, pv.body["quoteToken"].as_str().unwrap(), "k-add")
        .await;
    assert_eq!(r.status, 200, "{}", r.text);
    let sent = p.changes_received().await;
    let r = p.preview_plan(&t, TEAM, 1, "294835", 1, "immediate").await;
    refused(&p, r, 422, "mode_not_allowed", sent).await;
    let r = p.preview_plan(&t, TEAM, 1, "294835", 1, "extend").await;
    refused(&p, r, 422, "mode_not_allowed", sent).await;
    let r = p.preview_add(&t, TEAM, "294900", 1).await;
    refused(&p, r, 409, "addon_present", sent).await;
}

/// A catalogue product in another tax mode, currency or interval is not offered, and
/// asked for anyway it is refused (`tax_mode_mismatch`, `product_not_allowed`): nothing
/// sent upstream.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn products_the_subscription_cannot_take_are_not_offered() {
    let policy = policy_with(
        "mismatch",
        &[
            // Business sold net; Priority support monthly.
            (
                "name = \"Cloud Storage – Business seat\"\n",
                "name = \"Cloud Storage – Business seat\"\ntax_mode = \"net\"\n",
            ),
            (
                "unit_price = \"1000.00\"\ninterval_months = 12",
                "unit_price = \"1000.00\"\ninterval_months = 1",
            ),
        ],
    );
    let p = pair(&[("SEATQUOTE_POLICY", policy)]);
    let t = c1001();
    let s = p.get(&format!("/api/subscriptions/{TEAM}"), &t).await;
    assert_eq!(s.status, 200, "{}", s.text);
    assert_eq!(s.body["items"][0]["changeTo"], json!([]), "{}", s.text);
    assert_eq!(s.body["addOns"], json!([]), "{}", s.text);
    let sent = p.changes_received().await;
    let r = p.preview_plan(&t, TEAM, 1, "294836", 1, "immediate").await;
    refused(&p, r, 422, "tax_mode_mismatch", sent).await;
    let r = p.preview_add(&t, TEAM, "294900", 1).await;
    refused(&p, r, 422, "product_not_allowed", sent).await;
}

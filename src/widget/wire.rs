//! The proxy's JSON (docs/proxy.md, "API") read into the model's types.

use wasm_bindgen::JsValue;

use super::dom::{prop, prop_str, prop_u32};
use super::model::{Confirmable, Figures, Item, Mode, Summary};

fn modes(v: &JsValue) -> Vec<Mode> {
    js_sys::Array::from(v)
        .iter()
        .filter_map(|s| s.as_string())
        .filter_map(|s| Mode::parse(&s))
        .collect()
}

/// Reads the subscription summary; `None` when a required field is missing.
pub fn summary(v: &JsValue) -> Option<Summary> {
    let interval = prop(v, "interval");
    let mut items = Vec::new();
    for it in js_sys::Array::from(&prop(v, "items")).iter() {
        let unit_price = prop_str(&it, "unitPrice")?;
        items.push(Item {
            running_number: prop_u32(&it, "runningNumber")?,
            product_name: prop_str(&it, "productName").unwrap_or_default(),
            quantity: prop_u32(&it, "quantity")?,
            current_unit_price: prop_str(&it, "currentUnitPrice")
                .unwrap_or_else(|| unit_price.clone()),
            unit_price,
            min: prop_u32(&it, "minQuantity").unwrap_or(1).max(1),
            max: prop_u32(&it, "maxQuantity").unwrap_or(1_000_000),
            increase_modes: modes(&prop(&it, "increaseModes")),
            decrease_modes: modes(&prop(&it, "decreaseModes")),
        });
    }
    Some(Summary {
        id: prop_str(v, "id")?,
        currency: prop_str(v, "currency")?,
        tax_mode: prop_str(v, "taxMode")?,
        tax_rate: prop_str(v, "taxRate")?,
        period_start: prop_str(v, "periodStart")?,
        next_billing_date: prop_str(v, "nextBillingDate")?,
        months: prop_u32(&interval, "months")?,
        days: prop_u32(&interval, "days")?,
        today: prop_str(v, "today")?,
        items,
    })
}

/// Reads the figures of a quote object; `None` if a field is missing.
pub fn figures(v: &JsValue) -> Option<Figures> {
    let next = prop(v, "next");
    let a = prop(v, "alignment");
    let nb = prop(v, "nextBilling");
    let p = prop(v, "proration");
    Some(Figures {
        unit_price: prop_str(&next, "unitPrice")?,
        quantity: prop_u32(&next, "quantity")?,
        total: prop_str(&next, "total")?,
        due_net: prop_str(&a, "net")?,
        due_vat: prop_str(&a, "vat")?,
        due_gross: prop_str(&a, "gross")?,
        next_date: prop_str(&nb, "date")?,
        next_gross: prop_str(&nb, "gross")?,
        remaining_days: prop_u32(&p, "remainingDays")?,
        period_days: prop_u32(&p, "periodDays")?,
    })
}

/// Reads a preview answer for item `item` into a confirmable quote with a new
/// `Idempotency-Key`. `skew_ms` is how far the server's clock runs ahead of ours: the
/// proxy's `expiresAt` becomes a delay on this browser's clock; a quote that looks
/// expired on arrival (clocks disagree beyond what `Date` tells) gets no local deadline,
/// so the widget cannot loop on previews, and the proxy decides at commit.
pub fn confirmable(v: &JsValue, item: u32, skew_ms: f64) -> Option<Confirmable> {
    let expires = js_sys::Date::parse(&prop_str(v, "expiresAt")?) - skew_ms;
    let left = expires - js_sys::Date::now();
    let json = js_sys::JSON::stringify(v).ok()?.as_string()?;
    Some(Confirmable {
        figures: figures(v)?,
        mode: Mode::parse(&prop_str(v, "mode")?)?,
        item,
        token: prop_str(v, "quoteToken")?,
        key: new_key(),
        expires_in_ms: (left.is_finite() && left > 0.0).then(|| left.min(2e9) as u32),
        json,
    })
}

/// A fresh random `Idempotency-Key` (a UUID from `crypto.randomUUID()`; outside a secure
/// context, random base-36 digits from `Math.random()`, still unique per quote).
pub fn new_key() -> String {
    let key = web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_default();
    if !key.is_empty() {
        return key;
    }
    let mut k = String::from("sq-");
    for _ in 0..3 {
        let part: String = js_sys::Number::from(js_sys::Math::random())
            .to_string_with_radix(36)
            .map(String::from)
            .unwrap_or_default();
        k.push_str(part.strip_prefix("0.").unwrap_or(&part));
    }
    k
}

/// Parses JSON text into a value for an event detail (`null` if it does not parse).
pub fn parse(json: &str) -> JsValue {
    js_sys::JSON::parse(json).unwrap_or(JsValue::NULL)
}

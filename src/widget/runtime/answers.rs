//! The proxy's JSON (docs/proxy.md, "API") read into the model's types.

use wasm_bindgen::JsValue;

use crate::widget::model::{
    Choice, Confirmable, ErrorCode, Figures, Item, Mode, Offer, Scheduled, Summary,
};
use crate::widget::view::dom::{prop, prop_str, prop_u32};

/// Reads required fields, noting whether any was missing. (Reading every field and
/// judging once is smaller in the wasm module than an early return per field, each of
/// which must drop the strings read before it.)
#[derive(Default)]
struct Required {
    missing: bool,
}

impl Required {
    /// A string field, or `""` (noted as missing).
    fn text(&mut self, o: &JsValue, key: &str) -> String {
        self.or_missing(prop_str(o, key))
    }

    /// A whole-number field, or `0` (noted as missing).
    fn count(&mut self, o: &JsValue, key: &str) -> u32 {
        self.or_missing(prop_u32(o, key))
    }

    fn or_missing<T: Default>(&mut self, v: Option<T>) -> T {
        self.missing |= v.is_none();
        v.unwrap_or_default()
    }

    /// `value` if nothing was missing.
    fn done<T>(self, value: T) -> Option<T> {
        (!self.missing).then_some(value)
    }
}

/// The modes a list names (unknown ones left out; none without a list: `Array.from`
/// would throw on `undefined`). One loop: smaller in the wasm module than two `filter_map`s.
fn modes(v: &JsValue) -> Vec<Mode> {
    let mut out = Vec::new();
    if js_sys::Array::is_array(v) {
        for s in js_sys::Array::from(v).iter() {
            if let Some(m) = s.as_string().and_then(|s| Mode::parse(&s)) {
                out.push(m);
            }
        }
    }
    out
}

/// An item's `pending` changes, read in one pass: the target of its first entry
/// `inProgress`, and its first `scheduled` entry (none when the proxy sends no `pending`:
/// `Array.from(undefined)` would throw).
fn pending(v: &JsValue) -> (Option<u32>, Option<Scheduled>) {
    let (mut busy, mut scheduled) = (None, None);
    if js_sys::Array::is_array(v) {
        for p in js_sys::Array::from(v).iter() {
            let to = prop_u32(&p, "toQuantity");
            match prop_str(&p, "state").as_deref() {
                Some("inProgress") if busy.is_none() => busy = Some(to),
                Some("scheduled") if scheduled.is_none() => {
                    scheduled =
                        to.zip(prop_str(&p, "effectiveOn"))
                            .map(|(quantity, date)| Scheduled {
                                quantity,
                                date,
                                product: prop_str(&p, "toProductId"),
                            });
                }
                _ => {}
            }
        }
    }
    (busy.flatten(), scheduled)
}

/// The products of a `changeTo` or `addOns` list (none when the proxy sends no list: an
/// older proxy), each with its bounds (`min`, `max` when it names none).
fn offers(v: &JsValue, min: u32, max: u32) -> Vec<Offer> {
    let mut out = Vec::new();
    if js_sys::Array::is_array(v) {
        for o in js_sys::Array::from(v).iter() {
            out.push(Offer {
                product_id: prop_str(&o, "productId").unwrap_or_default(),
                name: prop_str(&o, "productName").unwrap_or_default(),
                unit_price: prop_str(&o, "unitPrice").unwrap_or_default(),
                downgrade: prop_str(&o, "direction").as_deref() == Some("downgrade"),
                modes: modes(&prop(&o, "modes")),
                min: prop_u32(&o, "minQuantity").unwrap_or(min).max(1),
                max: prop_u32(&o, "maxQuantity").unwrap_or(max),
            });
        }
    }
    out
}

/// Reads the subscription summary; `None` when a required field is missing.
pub fn summary(v: &JsValue) -> Option<Summary> {
    let mut r = Required::default();
    let interval = prop(v, "interval");
    let mut items = Vec::new();
    for it in js_sys::Array::from(&prop(v, "items")).iter() {
        let (in_progress, scheduled) = pending(&prop(&it, "pending"));
        let unit_price = r.text(&it, "unitPrice");
        let min = prop_u32(&it, "minQuantity").unwrap_or(1).max(1);
        let max = prop_u32(&it, "maxQuantity").unwrap_or(1_000_000);
        items.push(Item {
            running_number: r.count(&it, "runningNumber"),
            product_name: prop_str(&it, "productName").unwrap_or_default(),
            quantity: r.count(&it, "quantity"),
            current_unit_price: prop_str(&it, "currentUnitPrice")
                .unwrap_or_else(|| unit_price.clone()),
            unit_price,
            min,
            max,
            increase_modes: modes(&prop(&it, "increaseModes")),
            decrease_modes: modes(&prop(&it, "decreaseModes")),
            scheduled,
            in_progress,
            change_to: offers(&prop(&it, "changeTo"), min, max),
            removable: prop(&it, "removable").as_bool() == Some(true),
            ends: prop_str(&it, "deactivationDate"),
        });
    }
    let changeable = prop(v, "changeable");
    // An older proxy says nothing: changeable.
    let closed = (prop(&changeable, "ok").as_bool() == Some(false))
        .then(|| ErrorCode::parse(&prop_str(&changeable, "code").unwrap_or_default()));
    let summary = Summary {
        id: r.text(v, "id"),
        currency: r.text(v, "currency"),
        tax_mode: r.text(v, "taxMode"),
        tax_rate: r.text(v, "taxRate"),
        period_start: r.text(v, "periodStart"),
        next_billing_date: r.text(v, "nextBillingDate"),
        months: r.count(&interval, "months"),
        days: r.count(&interval, "days"),
        today: r.text(v, "today"),
        items,
        add_ons: offers(&prop(v, "addOns"), 1, 1_000_000),
        closed,
    };
    r.done(summary)
}

/// Reads the figures of a quote object; `None` if a field is missing.
pub fn figures(v: &JsValue) -> Option<Figures> {
    let mut r = Required::default();
    let next = prop(v, "next");
    let a = prop(v, "alignment");
    let nb = prop(v, "nextBilling");
    let p = prop(v, "proration");
    let current = prop(v, "current");
    let figures = Figures {
        current_quantity: prop_u32(&current, "quantity"),
        unit_price: r.text(&next, "unitPrice"),
        quantity: r.count(&next, "quantity"),
        total: r.text(&next, "total"),
        due_net: r.text(&a, "net"),
        due_vat: r.text(&a, "vat"),
        due_gross: r.text(&a, "gross"),
        next_date: r.text(&nb, "date"),
        next_gross: r.text(&nb, "gross"),
        remaining_days: r.count(&p, "remainingDays"),
        period_days: r.count(&p, "periodDays"),
    };
    r.done(figures)
}

/// Reads a preview answer for item `item` into a confirmable quote with a new
/// `Idempotency-Key`. `skew_ms` is how far the server's clock runs ahead of ours: the
/// proxy's `expiresAt` becomes a delay on this browser's clock; a quote that looks
/// expired on arrival (clocks disagree beyond what `Date` tells) gets no local deadline,
/// so the widget cannot loop on previews, and the proxy decides at commit.
pub fn confirmable(v: &JsValue, item: u32, choice: Choice, skew_ms: f64) -> Option<Confirmable> {
    let expires = js_sys::Date::parse(&prop_str(v, "expiresAt")?) - skew_ms;
    let left = expires - js_sys::Date::now();
    let json = js_sys::JSON::stringify(v).ok()?.as_string()?;
    Some(Confirmable {
        figures: figures(v)?,
        mode: Mode::parse(&prop_str(v, "mode")?)?,
        choice,
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

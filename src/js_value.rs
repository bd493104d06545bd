//! Plain JS objects ⇄ the core's quote types, by hand: `Reflect` and `Object.keys`.
//!
//! Reading the object field by field (rather than through serde) lets unknown fields be
//! refused, keeps a numeric price from ever becoming a float on the money path, and keeps
//! the module small.

use js_sys::{Object, Reflect};
use seatquote_core::alignment::AlignmentFlags;
use seatquote_core::quote::{AlignmentInput, IntervalInput, PriceInput, Quote, QuoteInput, Scalar};
use seatquote_core::{ErrorCode, QuoteError};
use wasm_bindgen::prelude::wasm_bindgen;
use wasm_bindgen::{JsCast, JsValue};

/// Reads `quote()`'s input object (SPEC §5).
pub fn read_quote_input(v: &JsValue) -> Result<QuoteInput, QuoteError> {
    let o = object(v, "quote() takes an object")?;
    only_keys(
        o,
        &[
            "currency",
            "taxMode",
            "taxRate",
            "periodStart",
            "nextBillingDate",
            "interval",
            "changeDate",
            "current",
            "next",
            "alignment",
        ],
    )?;
    Ok(QuoteInput {
        currency: scalar(&get(o, "currency")),
        tax_mode: scalar(&get(o, "taxMode")),
        tax_rate: scalar(&get(o, "taxRate")),
        period_start: scalar(&get(o, "periodStart")),
        next_billing_date: scalar(&get(o, "nextBillingDate")),
        interval: Some(read_interval(&get(o, "interval"))?),
        change_date: scalar(&get(o, "changeDate")),
        current: Some(read_price(&get(o, "current"), "current must be an object")?),
        next: Some(read_price(&get(o, "next"), "next must be an object")?),
        alignment: read_alignment(&get(o, "alignment"))?,
    })
}

fn read_interval(v: &JsValue) -> Result<IntervalInput, QuoteError> {
    let o = object(v, "interval must be an object { months, days }")?;
    only_keys(o, &["months", "days"])?;
    Ok(IntervalInput {
        months: scalar(&get(o, "months")),
        days: scalar(&get(o, "days")),
    })
}

fn read_price(v: &JsValue, not_object: &'static str) -> Result<PriceInput, QuoteError> {
    let o = object(v, not_object)?;
    only_keys(o, &["unitPrice", "quantity", "currency", "isGross"])?;
    let optional = |k: &str| {
        let v = get(o, k);
        (!v.is_undefined()).then(|| scalar(&v))
    };
    Ok(PriceInput {
        unit_price: scalar(&get(o, "unitPrice")),
        quantity: scalar(&get(o, "quantity")),
        currency: optional("currency"),
        is_gross: optional("isGross"),
    })
}

fn read_alignment(v: &JsValue) -> Result<AlignmentInput, QuoteError> {
    if !v.is_object() {
        return Ok(AlignmentInput::Mode(scalar(v)));
    }
    let o = object(v, "alignment must be a mode or an object")?;
    only_keys(o, &["alignToCurrentInterval", "extendInterval"])?;
    let flag = |k: &str, default: Option<bool>| match (scalar(&get(o, k)), default) {
        (Scalar::Bool(b), _) => Ok(b),
        (Scalar::Other, Some(d)) if get(o, k).is_undefined() => Ok(d),
        _ => Err(QuoteError::new(
            ErrorCode::InvalidAlignment,
            "alignment flags must be true or false",
        )),
    };
    Ok(AlignmentInput::Flags(AlignmentFlags {
        align_to_current_interval: flag("alignToCurrentInterval", None)?,
        extend_interval: flag("extendInterval", Some(false))?,
    }))
}

fn object<'a>(v: &'a JsValue, message: &'static str) -> Result<&'a Object, QuoteError> {
    if v.is_object() && !js_sys::Array::is_array(v) && !v.is_function() {
        Ok(v.unchecked_ref())
    } else {
        Err(QuoteError::new(ErrorCode::InvalidInput, message))
    }
}

fn only_keys(o: &Object, allowed: &[&str]) -> Result<(), QuoteError> {
    for key in Object::keys(o).iter() {
        let key = key.as_string().unwrap_or_default();
        if !allowed.contains(&key.as_str()) {
            let mut message = String::from("unknown field `");
            message.push_str(&key);
            message.push('`');
            return Err(QuoteError::with_message(ErrorCode::InvalidInput, message));
        }
    }
    Ok(())
}

#[wasm_bindgen]
extern "C" {
    /// `Reflect.get` without wasm-bindgen's try/catch wrapper: `o` is always an object
    /// here, and a throwing getter then surfaces as a JS exception, not a Rust panic.
    #[wasm_bindgen(js_namespace = Reflect, js_name = get)]
    fn reflect_get(o: &Object, key: &JsValue) -> JsValue;
}

fn get(o: &Object, key: &str) -> JsValue {
    // Interned: the key strings are created in JS once, not decoded on every call.
    reflect_get(o, &JsValue::from_str(wasm_bindgen::intern(key)))
}

/// A JS value as a [`Scalar`]. A number becomes an integer only when it is a safe
/// integer; any other number is `NonInteger` (no float is kept).
fn scalar(v: &JsValue) -> Scalar {
    if let Some(s) = v.as_string() {
        return Scalar::Str(s);
    }
    if let Some(b) = v.as_bool() {
        return Scalar::Bool(b);
    }
    if v.as_f64().is_some() {
        return if js_sys::Number::is_safe_integer(v) {
            v.as_f64()
                .map_or(Scalar::NonInteger, |n| Scalar::Int(n as i128))
        } else {
            Scalar::NonInteger
        };
    }
    Scalar::Other
}

/// Builds the SPEC §5 output object: the core writes the JSON text and `JSON.parse`
/// builds the object in one step (one string crossing instead of one per field).
pub fn write_quote(q: &Quote) -> Result<JsValue, QuoteError> {
    js_sys::JSON::parse(&q.to_json())
        .map_err(|_| QuoteError::new(ErrorCode::InvalidInput, "could not encode the quote"))
}

/// `{ k: v, … }` in the given key order.
#[cfg_attr(not(feature = "widget"), allow(dead_code))]
pub fn obj(fields: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in fields {
        // Defining a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}

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

/// Reads `quote()`'s input object (`docs/pricing.md` §5).
pub fn read_quote_input(v: &JsValue) -> Result<QuoteInput, QuoteError> {
    let mut f = Fields::of(
        v,
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
        "quote() takes an object",
    )?;
    let input = QuoteInput {
        currency: scalar(&f.get("currency")),
        tax_mode: scalar(&f.get("taxMode")),
        tax_rate: scalar(&f.get("taxRate")),
        period_start: scalar(&f.get("periodStart")),
        next_billing_date: scalar(&f.get("nextBillingDate")),
        interval: Some(read_interval(&f.get("interval"))?),
        change_date: scalar(&f.get("changeDate")),
        current: Some(read_price(&f.get("current"), "current must be an object")?),
        next: Some(read_price(&f.get("next"), "next must be an object")?),
        alignment: read_alignment(&f.get("alignment"))?,
    };
    f.no_other_fields()?;
    Ok(input)
}

fn read_interval(v: &JsValue) -> Result<IntervalInput, QuoteError> {
    let mut f = Fields::of(
        v,
        &["months", "days"],
        "interval must be an object { months, days }",
    )?;
    let interval = IntervalInput {
        months: scalar(&f.get("months")),
        days: scalar(&f.get("days")),
    };
    f.no_other_fields()?;
    Ok(interval)
}

fn read_price(v: &JsValue, not_object: &'static str) -> Result<PriceInput, QuoteError> {
    let mut f = Fields::of(
        v,
        &["unitPrice", "quantity", "currency", "isGross"],
        not_object,
    )?;
    let mut optional = |k: &'static str| {
        let v = f.get(k);
        (!v.is_undefined()).then(|| scalar(&v))
    };
    let (currency, is_gross) = (optional("currency"), optional("isGross"));
    let price = PriceInput {
        unit_price: scalar(&f.get("unitPrice")),
        quantity: scalar(&f.get("quantity")),
        currency,
        is_gross,
    };
    f.no_other_fields()?;
    Ok(price)
}

fn read_alignment(v: &JsValue) -> Result<AlignmentInput, QuoteError> {
    if !v.is_object() {
        return Ok(AlignmentInput::Mode(scalar(v)));
    }
    let mut f = Fields::of(
        v,
        &["alignToCurrentInterval", "extendInterval"],
        "alignment must be a mode or an object",
    )?;
    let mut flag = |k: &'static str, default: Option<bool>| {
        let v = f.get(k);
        match (scalar(&v), default) {
            (Scalar::Bool(b), _) => Ok(b),
            (_, Some(d)) if v.is_undefined() => Ok(d),
            _ => Err(QuoteError::new(
                ErrorCode::InvalidAlignment,
                "alignment flags must be true or false",
            )),
        }
    };
    let flags = AlignmentFlags {
        align_to_current_interval: flag("alignToCurrentInterval", None)?,
        extend_interval: flag("extendInterval", Some(false))?,
    };
    f.no_other_fields()?;
    Ok(AlignmentInput::Flags(flags))
}

/// Reads the known fields of one plain object and then refuses any other field.
///
/// The check is cheap in the normal case: it counts the known fields that are present and
/// compares with `Object.keys(o).length`; only when they differ are the keys read (as
/// strings, which costs a conversion each) to name the unknown one.
struct Fields<'a> {
    o: &'a Object,
    known: &'static [&'static str],
    present: u32,
}

impl<'a> Fields<'a> {
    fn of(
        v: &'a JsValue,
        known: &'static [&'static str],
        not_object: &'static str,
    ) -> Result<Self, QuoteError> {
        Ok(Self {
            o: object(v, not_object)?,
            known,
            present: 0,
        })
    }

    /// A known field's value (`undefined` when absent).
    fn get(&mut self, key: &'static str) -> JsValue {
        debug_assert!(self.known.contains(&key));
        let v = get(self.o, key);
        if !v.is_undefined() {
            self.present += 1;
        }
        v
    }

    fn no_other_fields(&self) -> Result<(), QuoteError> {
        if Object::keys(self.o).length() == self.present {
            return Ok(());
        }
        only_keys(self.o, self.known)
    }
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
    reflect_get(o, &JsValue::from_str(key))
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

/// Builds the output object: the core writes the JSON text and `JSON.parse`
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

//! Locale formatting through `Intl`: money from its decimal **string** (never a float),
//! percentages from the rate string, and calendar dates in UTC so they never shift.

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::JsValue;

use super::dom::prop;

/// Formatters for one widget (locale, currency and currency display fixed at mount).
pub struct Formatter {
    money: Function,
    percent: Function,
    date: Function,
    integer: Function,
}

fn options(pairs: &[(&str, &str)]) -> Object {
    let o = Object::new();
    for (k, v) in pairs {
        let _ = Reflect::set(&o, &JsValue::from_str(k), &JsValue::from_str(v));
    }
    o
}

fn bound_format(ctor: &str, locale: &str, opts: &Object) -> Result<Function, JsValue> {
    let intl = Reflect::get(&js_sys::global(), &JsValue::from_str("Intl"))?;
    let ctor: Function = Reflect::get(&intl, &JsValue::from_str(ctor))?.into();
    let args = Array::of2(&JsValue::from_str(locale), opts);
    let f = Reflect::construct(&ctor, &args)?;
    // `format` is a bound getter on Intl formatters.
    Ok(prop(&f, "format").into())
}

impl Formatter {
    /// Builds the formatters. `currency_display` is Intl's `currencyDisplay`
    /// (`symbol`, `narrowSymbol`, `code`, `name`). Fails on an unknown locale or currency.
    pub fn new(locale: &str, currency: &str, currency_display: &str) -> Result<Self, JsValue> {
        let money = options(&[
            ("style", "currency"),
            ("currency", currency),
            ("currencyDisplay", currency_display),
        ]);
        let percent = options(&[("style", "percent"), ("maximumFractionDigits", "4")]);
        let date = options(&[("dateStyle", "medium"), ("timeZone", "UTC")]);
        Ok(Self {
            money: bound_format("NumberFormat", locale, &money)?,
            percent: bound_format("NumberFormat", locale, &percent)?,
            date: bound_format("DateTimeFormat", locale, &date)?,
            integer: bound_format("NumberFormat", locale, &Object::new())?,
        })
    }

    /// Formats a decimal amount string exactly (`"604.93"` → `$604.93` in en-US).
    pub fn money(&self, amount: &str) -> String {
        call(&self.money, &JsValue::from_str(amount))
    }

    /// Formats a rate string as a percentage (`"0.19"` → `19%` in en-US, `19 %` in de-DE).
    pub fn percent(&self, rate: &str) -> String {
        call(&self.percent, &JsValue::from_str(rate))
    }

    /// Formats an integer (seat counts, day counts) with the locale's digits.
    pub fn integer(&self, n: u32) -> String {
        call(&self.integer, &JsValue::from(n))
    }

    /// Formats a `YYYY-MM-DD` calendar date (read as UTC midnight, shown in UTC).
    pub fn date(&self, iso: &str) -> String {
        // A date-only ISO string is parsed as UTC by every engine.
        let d = js_sys::Date::new(&JsValue::from_str(iso));
        if d.get_time().is_nan() {
            return iso.to_owned();
        }
        call(&self.date, &d)
    }
}

fn call(f: &Function, v: &JsValue) -> String {
    f.call1(&JsValue::NULL, v)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}

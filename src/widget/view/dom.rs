//! Small DOM helpers: elements, attributes and text. Text goes in only through
//! `textContent` and attribute values, never as markup.

use wasm_bindgen::{JsCast, JsValue, UnwrapThrowExt};
use web_sys::{Document, Element, HtmlElement};

/// The page's document. The widget only runs in a window, so this is an invariant.
pub fn document() -> Document {
    web_sys::window()
        .and_then(|w| w.document())
        .expect_throw("seatquote: no document")
}

/// `document.createElement(tag)` with an optional class list.
#[inline(never)]
pub fn el(tag: &str, class: &str) -> HtmlElement {
    let e = document()
        .create_element(tag)
        .expect_throw("seatquote: createElement");
    if !class.is_empty() {
        attr(&e, "class", class);
    }
    e.unchecked_into()
}

/// An element holding `text` (as a text node).
pub fn text_el(tag: &str, class: &str, text: &str) -> HtmlElement {
    let e = el(tag, class);
    e.set_text_content(Some(text));
    e
}

/// `setAttribute`; a failure (an invalid attribute name) is a programming error.
#[inline(never)]
pub fn attr(e: &Element, name: &str, value: &str) {
    e.set_attribute(name, value).unwrap_throw();
}

/// `setAttribute` with a number's decimal digits.
#[inline(never)]
pub fn attr_num(e: &Element, name: &str, n: u32) {
    attr(e, name, &crate::widget::model::digits(n));
}

/// Sets the text of `e` only when it differs (keeps unchanged nodes untouched, so
/// screen readers and selection are not disturbed).
#[inline(never)]
pub fn set_text(e: &Element, text: &str) {
    if e.text_content().as_deref() != Some(text) {
        e.set_text_content(Some(text));
    }
}

/// Shows or hides `e` through the `hidden` attribute.
#[inline(never)]
pub fn show(e: &Element, visible: bool) {
    if e.has_attribute("hidden") == visible {
        if visible {
            let _ = e.remove_attribute("hidden");
        } else {
            attr(e, "hidden", "");
        }
    }
}

/// Sets or removes a boolean attribute.
#[inline(never)]
pub fn flag(e: &Element, name: &str, on: bool) {
    if on {
        attr(e, name, "");
    } else {
        let _ = e.remove_attribute(name);
    }
}

/// `parent.append(children…)`.
#[inline(never)]
pub fn append(parent: &Element, children: &[&Element]) {
    for c in children {
        parent.append_child(c).unwrap_throw();
    }
}

/// Removes every child of `e` (setting `textContent` to nothing does exactly that).
pub fn clear(e: &web_sys::Node) {
    e.set_text_content(None);
}

/// Reads a property of a JS object (undefined when absent).
pub fn prop(o: &JsValue, key: &str) -> JsValue {
    js_sys::Reflect::get(o, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// A string property, if it is a string.
pub fn prop_str(o: &JsValue, key: &str) -> Option<String> {
    prop(o, key).as_string()
}

/// An integer property (a safe integer ≥ 0), if it is one.
pub fn prop_u32(o: &JsValue, key: &str) -> Option<u32> {
    let v = prop(o, key);
    if js_sys::Number::is_safe_integer(&v) {
        v.as_f64()
            .filter(|n| *n >= 0.0 && *n <= f64::from(u32::MAX))
            .map(|n| n as u32)
    } else {
        None
    }
}

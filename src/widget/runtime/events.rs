//! The widget's DOM events (`seatquote:*`), dispatched on the host element so they
//! bubble out of the shadow root into the merchant's page.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{CustomEvent, CustomEventInit, Element};

use crate::js_value::obj;

/// Dispatches `name` with `detail`; returns `false` when a listener cancelled it.
pub fn emit(host: &Element, name: &str, detail: &JsValue, cancelable: bool) -> bool {
    // A plain object rather than `CustomEventInit`'s setters: fewer imported methods.
    let init: CustomEventInit = obj(&[
        ("bubbles", true.into()),
        ("composed", true.into()),
        ("cancelable", cancelable.into()),
        ("detail", detail.clone()),
    ])
    .unchecked_into();
    match CustomEvent::new_with_event_init_dict(name, &init) {
        Ok(ev) => host.dispatch_event(&ev).unwrap_or(true),
        Err(_) => true,
    }
}

/// The detail of `seatquote:error`: `{ code, message }`.
pub fn error_detail(code: &str, message: &str) -> JsValue {
    obj(&[("code", code.into()), ("message", message.into())])
}

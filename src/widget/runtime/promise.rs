//! Promises without an async runtime: a callback for a promise's outcome, and a callback on
//! the microtask queue. The widget awaits only three things (the merchant's token, `fetch`
//! and the answer's text), so plain callbacks replace `wasm-bindgen-futures`' executor, its
//! task queue and a state machine per `async fn` (DESIGN.md, "Size and speed").

use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// A `Promise`, as far as this module uses one.
    type Pending;

    /// `promise.then(f, f)`: one callback for the value and for the rejection reason.
    #[wasm_bindgen(method, js_name = then)]
    fn then_both(this: &Pending, on_value: &JsValue, on_reason: &JsValue);

    /// `Promise.resolve(v)`: `v` itself if it is a promise, else a promise of `v`.
    #[wasm_bindgen(js_namespace = Promise, js_name = resolve)]
    fn resolved(v: &JsValue) -> Pending;
}

/// A callback for a settled promise: its value, or its rejection reason (callers tell them
/// apart by type: a `Response`, a string).
pub type Settled = Box<dyn FnOnce(JsValue)>;

/// Calls `f` once `v` settles (`v` may be a promise or a plain value). `f` is called
/// exactly once, which frees it; a promise that never settles keeps it, as an awaiting
/// future would.
pub fn settled(v: &JsValue, f: Settled) {
    let cb = Closure::once_into_js(f);
    resolved(v).then_both(&cb, &cb);
}

/// Runs `f` on the microtask queue: after the current synchronous code (and its borrows of
/// the widget) has finished, before any timer or event.
pub fn later(f: Box<dyn FnOnce()>) {
    settled(&JsValue::UNDEFINED, Box::new(move |_| f()));
}

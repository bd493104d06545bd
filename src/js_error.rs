//! Engine errors as real JS `Error`s with a stable `.code`.

use seatquote_core::QuoteError;
use wasm_bindgen::JsValue;

/// Builds `new Error(message)` with `code` set to the machine code (`docs/pricing.md`).
pub fn to_js_error(err: &QuoteError) -> JsValue {
    let e = js_sys::Error::new(&err.message);
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&e, &"code".into(), &err.code.as_str().into());
    e.into()
}

//! The bindings' browser tests, one binary: wasm-bindgen-test in headless Chrome, run by
//! `wasm-pack test --headless --chrome -- --features widget`. The quote export always; the
//! widget's units with the `widget` feature.
#![cfg(target_arch = "wasm32")]

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

mod web;
#[cfg(feature = "widget")]
mod widget;

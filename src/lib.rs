//! # seatquote (WebAssembly bindings)
//!
//! Thin wasm-bindgen exports over [`seatquote_core`]: `quote()` for JavaScript, and with the
//! `widget` feature the seat-change widget rendered through web-sys. The widget's module
//! carries the quote exports too, so a page with both loads one module (DESIGN.md, "One engine per page"). All pricing rules live
//! in `crates/core`; nothing here computes money.

#![forbid(unsafe_code)]

mod js_error;
mod js_value;
mod packed;
mod quote_js;
pub mod widget;

pub use quote_js::quote;

/// The allocator of the wasm builds: talc over the module's linear memory, which frees and
/// reuses blocks like std's dlmalloc but is smaller in both modules (DESIGN.md, "Size and speed").
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

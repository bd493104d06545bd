//! The seat-change widget: a calculator rendered through web-sys into a Shadow DOM
//! (docs/widget.md). Three embeds share this code: `mount(element, options)`, the
//! `<seat-quote>` custom element and `[data-seatquote]` auto-mounting (the last two
//! through the few lines of `js/seatquote.js`, which delegate every callback here).
//!
//! [`model`] is the pure state machine (compiled in every build, tested natively with
//! `cargo test`; unused by the quote-only module, so not in it). The rest needs the
//! `widget` feature: `runtime` runs the model's effects, `paint` draws its state into the
//! [`render::View`], `input` turns DOM events into model messages, [`wire`] reads the
//! proxy's JSON into model types, `handle` holds the JavaScript exports.

pub mod model;

#[cfg(feature = "widget")]
pub mod api;
#[cfg(feature = "widget")]
pub mod dom;
#[cfg(feature = "widget")]
pub mod events;
#[cfg(feature = "widget")]
pub mod format;
#[cfg(feature = "widget")]
mod handle;
#[cfg(feature = "widget")]
pub mod i18n;
#[cfg(feature = "widget")]
mod input;
#[cfg(feature = "widget")]
pub mod options;
#[cfg(feature = "widget")]
mod paint;
#[cfg(feature = "widget")]
pub mod promise;
#[cfg(feature = "widget")]
pub mod render;
#[cfg(feature = "widget")]
mod requests;
#[cfg(feature = "widget")]
mod runtime;
#[cfg(feature = "widget")]
pub mod style;
#[cfg(feature = "widget")]
pub mod timeline;
#[cfg(feature = "widget")]
pub mod wire;

#[cfg(feature = "widget")]
pub use handle::*;

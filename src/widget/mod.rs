//! The seat-change widget: a calculator rendered through web-sys into a Shadow DOM
//! (docs/widget.md). Three embeds share this code: `mount(element, options)`, the
//! `<seat-quote>` custom element and `[data-seatquote]` auto-mounting (the last two
//! through the few lines of `js/seatquote.js`, which delegate every callback here).
//!
//! Three layers, each importing only the ones before it:
//!
//! - [`model`] is the pure state machine (compiled in every build, tested natively with
//!   `cargo test`; unused by the quote-only module, so not in it).
//! - `view` (needs the `widget` feature) is the DOM: the skeleton, painting the model's
//!   state into it, the period picture, the stylesheet, the texts and the `Intl` formats.
//! - `runtime` (needs the `widget` feature) runs the model's effects (requests, timers,
//!   listeners, events), reads the proxy's answers into model types, reads the mount
//!   options and holds the JavaScript exports.

pub mod model;

#[cfg(feature = "widget")]
pub mod runtime;
#[cfg(feature = "widget")]
pub mod view;

#[cfg(feature = "widget")]
pub use runtime::handle::*;

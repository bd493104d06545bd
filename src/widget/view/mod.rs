//! The widget's DOM: what the customer sees. Imports the [`model`](super::model), never the
//! runtime.

mod choices;
pub mod dom;
pub mod format;
pub mod i18n;
mod notice;
pub(super) mod paint;
pub mod render;
pub mod style;
pub mod timeline;

//! The widget's runtime: runs the model's effects against the browser (requests, timers,
//! listeners, `seatquote:*` events), reads the proxy's answers and the mount options, and
//! holds the JavaScript exports.

pub mod answers;
pub mod api;
mod effects;
pub mod events;
pub(super) mod handle;
pub mod options;
pub mod promise;
mod requests;
mod routing;

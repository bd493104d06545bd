//! The engine's integration tests, one binary: the golden table and the docs checked
//! against it, the typed API, the error messages' snapshot, the property tests and the
//! Cleverbridge wire types.

mod docs_examples;
mod error_messages;
mod golden;
mod helpers;
mod properties;
mod typed;
mod wire;

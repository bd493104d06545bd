//! The auth crate's integration tests, one binary: refusals, key rotation, JWKS over
//! HTTP, the axum extractor, the operator helpers, and tokens minted by the merchant's
//! own libraries (the scripts in `tests/mint/`).

mod cross_language;
mod extractor;
mod helpers;
mod jwks_url;
mod operator;
mod refusals;
mod rotation;

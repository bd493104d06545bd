//! seatquote's authentication, as a library the proxy's authentication extractor calls.
//!
//! - **Customer tokens** are JWTs (RFC 7519) minted by the merchant's backend with its own
//!   JWT library. [`Verifier`] checks them against the merchant's public keys (a JWKS file or
//!   URL, asymmetric: `EdDSA`, `ES256`, …) or an HS256 shared secret, through `jsonwebtoken`:
//!   the `kid` chooses the key, the key fixes the algorithm, and `aud`, `exp`, `nbf`, `iat`,
//!   a maximum lifetime and the optional `iss` are checked. The result is a [`Customer`],
//!   whose [`Customer::may_touch`] guards every subscription.
//! - **Refusals** are [`AuthError`]s: each has a stable `code()`, a human `message()` and the
//!   HTTP `status()` (401/403/503), so one `From<AuthError>` makes the problem+json response.
//! - **Quote tokens** stay the proxy's own: [`QuoteKeys`] signs with the current secret and
//!   still verifies with previous ones (key ids in the token), so the secret rotates
//!   without invalidating quotes in flight.
//! - **Operator helpers** for the CLI: [`generate_keypair`] (private PEM + public JWKS) and
//!   [`mint`].
//!
//! The claims, the key set and rotation are described in `docs/tokens.md`.

mod claims;
mod config;
mod error;
mod header;
mod keys;
mod operator;
mod quote;
mod source;
mod verifier;

pub use claims::{Audience, Claims, Customer};
pub use config::{parse_duration, Config, KeySource};
pub use error::{AuthError, ConfigError};
pub use header::{bearer_token, MAX_TOKEN_LEN};
pub use keys::KeySet;
pub use operator::{
    add_to_jwks, generate_keypair, jwk_thumbprint, mint, mint_hs256, GeneratedKey, KeyKind,
    MintError,
};
pub use quote::{Expiring, QuoteKeys, QuoteTokenError};
pub use verifier::Verifier;

//! Helpers shared by the test modules: keys, claims, a verifier over a JWKS.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use seatquote_auth::{
    generate_keypair, Claims, Config, GeneratedKey, KeyKind, KeySource, Verifier,
};

/// The audience every test verifier requires.
pub const AUD: &str = "https://shop.example/seatquote";

/// Now, Unix seconds.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A Unix time as a `SystemTime`.
pub fn at(unix: i64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(unix as u64)
}

/// A fresh Ed25519 key pair.
pub fn ed() -> GeneratedKey {
    generate_keypair(KeyKind::Ed25519).unwrap()
}

/// A fresh P-256 key pair.
pub fn es() -> GeneratedKey {
    generate_keypair(KeyKind::P256).unwrap()
}

/// A JWKS holding the public halves of `keys`.
pub fn jwks(keys: &[&GeneratedKey]) -> String {
    let list: Vec<_> = keys.iter().map(|k| k.public_jwk.clone()).collect();
    serde_json::json!({ "keys": list }).to_string()
}

/// Claims for customer C-1001 on subscriptions S-1 and S-2, valid from `now` for 15 minutes.
pub fn claims(now: i64) -> Claims {
    Claims::new("C-1001", ["S-1", "S-2"], AUD, now, 900)
}

/// The default configuration over an inline JWKS.
pub fn config(jwks_json: String) -> Config {
    Config::new(KeySource::Jwks(jwks_json), AUD)
}

/// A verifier over an inline JWKS of `keys`.
pub fn verifier(keys: &[&GeneratedKey]) -> Verifier {
    Verifier::from_config(&config(jwks(keys))).unwrap()
}

/// base64url without padding.
pub fn b64(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

//! The verification keys: a JWKS (public keys, each with its own algorithm) or one HS256
//! secret. A token's `kid` chooses the key; the key fixes the algorithm.

use jsonwebtoken::jwk::{AlgorithmParameters, EllipticCurve, Jwk, KeyAlgorithm, PublicKeyUse};
use jsonwebtoken::{Algorithm, DecodingKey};

use crate::ConfigError;

/// One verification key: its id, the only algorithm it verifies, and the key itself.
#[derive(Clone)]
pub(crate) struct Key {
    /// The `kid` (absent for a JWKS entry without one or a secret without one).
    pub kid: Option<String>,
    /// The one algorithm this key verifies.
    pub alg: Algorithm,
    /// The key material.
    pub decoding: DecodingKey,
}

/// A set of verification keys.
///
/// # Example
/// ```
/// let jwks = r#"{"keys":[{"kty":"OKP","crv":"Ed25519","kid":"k1",
///   "x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]}"#;
/// let set = seatquote_auth::KeySet::from_jwks_json(jwks).unwrap();
/// assert_eq!(set.key_ids(), vec![Some("k1")]);
/// ```
#[derive(Clone, Default)]
pub struct KeySet {
    keys: Vec<Key>,
}

impl std::fmt::Debug for KeySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let keys: Vec<_> = self.keys.iter().map(|k| (&k.kid, k.alg)).collect();
        f.debug_struct("KeySet").field("keys", &keys).finish()
    }
}

impl KeySet {
    /// The public keys of a JWKS document (`{"keys": [...]}`).
    ///
    /// Keys this proxy cannot use for signatures are skipped with a warning: `"use": "enc"`,
    /// symmetric (`oct`) keys (a JWKS is public; use the HS256 secret instead), unknown
    /// types or curves, and keys whose `alg` does not fit their type.
    ///
    /// # Errors
    /// [`ConfigError::Jwks`] when the text is not a JWKS or holds no usable key.
    pub fn from_jwks_json(json: &str) -> Result<Self, ConfigError> {
        #[derive(serde::Deserialize)]
        struct Doc {
            keys: Vec<serde_json::Value>,
        }
        let doc: Doc = serde_json::from_str(json)
            .map_err(|e| ConfigError::Jwks(format!("is not a JSON key set: {e}")))?;
        let mut keys = Vec::new();
        for value in doc.keys {
            match key_from_jwk(value) {
                Ok(k) => keys.push(k),
                Err(why) => tracing::warn!(%why, "skipping a JWKS key"),
            }
        }
        if keys.is_empty() {
            return Err(ConfigError::Jwks("holds no usable signature key".into()));
        }
        Ok(Self { keys })
    }

    /// One HS256 shared secret (the simple option), with an optional `kid`.
    ///
    /// # Errors
    /// [`ConfigError::WeakSecret`] when the secret is shorter than 32 bytes.
    pub fn hs256(secret: &[u8], kid: Option<String>) -> Result<Self, ConfigError> {
        if secret.len() < 32 {
            return Err(ConfigError::WeakSecret);
        }
        Ok(Self {
            keys: vec![Key {
                kid,
                alg: Algorithm::HS256,
                decoding: DecodingKey::from_secret(secret),
            }],
        })
    }

    /// The key ids in the set, in order.
    pub fn key_ids(&self) -> Vec<Option<&str>> {
        self.keys.iter().map(|k| k.kid.as_deref()).collect()
    }

    /// The key a token's `kid` names. A token without a `kid` (or a set with a single key
    /// that has none) uses the only key when the set has exactly one.
    pub(crate) fn find(&self, kid: Option<&str>) -> Option<&Key> {
        let only = match self.keys.as_slice() {
            [one] => Some(one),
            _ => None,
        };
        match kid {
            Some(kid) => self
                .keys
                .iter()
                .find(|k| k.kid.as_deref() == Some(kid))
                .or(only.filter(|k| k.kid.is_none())),
            None => only,
        }
    }
}

/// A usable signature key from one JWKS entry, or why not.
fn key_from_jwk(value: serde_json::Value) -> Result<Key, String> {
    let jwk: Jwk = serde_json::from_value(value).map_err(|e| format!("unreadable key: {e}"))?;
    let kid = jwk.common.key_id.clone();
    let name = kid.as_deref().unwrap_or("(no kid)").to_owned();
    if matches!(jwk.common.public_key_use, Some(PublicKeyUse::Encryption)) {
        return Err(format!("{name}: an encryption key"));
    }
    let inferred = match &jwk.algorithm {
        AlgorithmParameters::OctetKeyPair(p) if p.curve == EllipticCurve::Ed25519 => {
            Algorithm::EdDSA
        }
        AlgorithmParameters::EllipticCurve(p) if p.curve == EllipticCurve::P256 => Algorithm::ES256,
        AlgorithmParameters::EllipticCurve(p) if p.curve == EllipticCurve::P384 => Algorithm::ES384,
        AlgorithmParameters::RSA(_) => Algorithm::RS256,
        AlgorithmParameters::OctetKey(_) => {
            return Err(format!(
                "{name}: a symmetric key does not belong in a public JWKS"
            ))
        }
        _ => return Err(format!("{name}: an unsupported key type or curve")),
    };
    let alg = match jwk.common.key_algorithm {
        None => inferred,
        Some(declared) => {
            let alg = algorithm_of(declared).ok_or(format!("{name}: unsupported alg"))?;
            let fits = match inferred {
                Algorithm::RS256 => matches!(
                    alg,
                    Algorithm::RS256
                        | Algorithm::RS384
                        | Algorithm::RS512
                        | Algorithm::PS256
                        | Algorithm::PS384
                        | Algorithm::PS512
                ),
                other => alg == other,
            };
            if !fits {
                return Err(format!("{name}: alg {alg:?} does not fit the key type"));
            }
            alg
        }
    };
    let decoding = DecodingKey::from_jwk(&jwk).map_err(|e| format!("{name}: {e}"))?;
    Ok(Key { kid, alg, decoding })
}

/// The signature algorithm a JWK `alg` names (encryption algorithms have none).
fn algorithm_of(k: KeyAlgorithm) -> Option<Algorithm> {
    Some(match k {
        KeyAlgorithm::EdDSA => Algorithm::EdDSA,
        KeyAlgorithm::ES256 => Algorithm::ES256,
        KeyAlgorithm::ES384 => Algorithm::ES384,
        KeyAlgorithm::RS256 => Algorithm::RS256,
        KeyAlgorithm::RS384 => Algorithm::RS384,
        KeyAlgorithm::RS512 => Algorithm::RS512,
        KeyAlgorithm::PS256 => Algorithm::PS256,
        KeyAlgorithm::PS384 => Algorithm::PS384,
        KeyAlgorithm::PS512 => Algorithm::PS512,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const ED: &str =
        r#"{"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo""#;

    #[test]
    fn skips_unusable_keys_and_finds_by_kid() {
        let json = format!(
            r#"{{"keys":[{ED},"kid":"a"}},{ED},"kid":"b","alg":"EdDSA"}},
            {ED},"kid":"enc","use":"enc"}},{ED},"kid":"bad","alg":"ES256"}},
            {{"kty":"oct","k":"c2VjcmV0","kid":"sym"}},{{"kty":"XYZ","kid":"odd"}}]}}"#
        );
        let set = KeySet::from_jwks_json(&json).unwrap();
        assert_eq!(set.key_ids(), vec![Some("a"), Some("b")]);
        assert_eq!(set.find(Some("b")).map(|k| k.alg), Some(Algorithm::EdDSA));
        assert!(set.find(Some("enc")).is_none());
        assert!(set.find(None).is_none(), "two keys: a token must name one");
        assert!(KeySet::from_jwks_json(r#"{"keys":[]}"#).is_err());
        assert!(KeySet::from_jwks_json("[]").is_err());
    }

    #[test]
    fn single_key_without_kid_and_weak_secret() {
        let set = KeySet::from_jwks_json(&format!(r#"{{"keys":[{ED}}}]}}"#)).unwrap();
        assert!(set.find(None).is_some());
        assert!(set.find(Some("anything")).is_some());
        assert!(KeySet::hs256(b"short", None).is_err());
        let hs = KeySet::hs256(&[7; 32], Some("h1".into())).unwrap();
        assert!(hs.find(Some("h2")).is_none());
        assert!(hs.find(None).is_some());
    }
}

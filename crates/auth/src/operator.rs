//! The operator's helpers behind the proxy's `keys` and `token` subcommands: generate a key
//! pair (private key PEM + public JWKS) and mint a customer token from a private key.
//! Merchant backends mint with their own JWT library instead (see `docs/tokens.md`).

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use jsonwebtoken::{encode, Algorithm, EncodingKey, Header};
use rand_core::OsRng;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::Claims;

/// Why a key could not be generated or a token minted.
#[derive(Debug, thiserror::Error)]
pub enum MintError {
    /// The PEM is not a PKCS#8 Ed25519 or P-256 private key.
    #[error("the private key must be a PKCS#8 PEM Ed25519 or P-256 key ({0})")]
    Key(String),
    /// Signing failed.
    #[error("the token could not be signed: {0}")]
    Sign(String),
    /// A JWKS to add a key to is not a JWKS, or already has that `kid`.
    #[error("the JWKS {0}")]
    Jwks(String),
}

/// The signature algorithm of a generated key pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyKind {
    /// Ed25519 (`alg: EdDSA`): the default.
    Ed25519,
    /// NIST P-256 (`alg: ES256`): for JWT libraries without EdDSA.
    P256,
}

/// A freshly generated key pair.
#[derive(Clone)]
pub struct GeneratedKey {
    /// The key id: the RFC 7638 JWK thumbprint of the public key.
    pub kid: String,
    /// `EdDSA` or `ES256`.
    pub alg: &'static str,
    /// The private key, PKCS#8 PEM: for the merchant's backend only.
    pub private_key_pem: String,
    /// The public key as a JWK (with `kid`, `alg`, `use: sig`).
    pub public_jwk: Value,
}

impl std::fmt::Debug for GeneratedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GeneratedKey")
            .field("kid", &self.kid)
            .field("alg", &self.alg)
            .field("public_jwk", &self.public_jwk)
            .finish_non_exhaustive()
    }
}

impl GeneratedKey {
    /// The public key set `{"keys": [jwk]}`, pretty-printed: what `SEATQUOTE_JWKS` holds.
    pub fn jwks_json(&self) -> String {
        serde_json::to_string_pretty(&json!({ "keys": [self.public_jwk] })).unwrap_or_default()
    }
}

/// Generates a key pair from the operating system's random source.
///
/// # Errors
/// [`MintError::Key`] if the key cannot be encoded (not expected).
///
/// # Example
/// ```
/// use seatquote_auth::{generate_keypair, KeyKind};
/// let key = generate_keypair(KeyKind::Ed25519).unwrap();
/// assert!(key.private_key_pem.starts_with("-----BEGIN PRIVATE KEY-----"));
/// assert_eq!(key.public_jwk["kid"], key.kid.as_str());
/// assert!(!key.jwks_json().contains("PRIVATE"));
/// ```
pub fn generate_keypair(kind: KeyKind) -> Result<GeneratedKey, MintError> {
    use ed25519_dalek::pkcs8::{spki::der::pem::LineEnding, EncodePrivateKey};
    let pem_err = |e: &dyn std::fmt::Display| MintError::Key(e.to_string());
    let (alg, pem, mut jwk) = match kind {
        KeyKind::Ed25519 => {
            let key = ed25519_dalek::SigningKey::generate(&mut OsRng);
            // PKCS#8 v1 (the seed only), as OpenSSL writes it: the v2 form with the public
            // key that ed25519-dalek writes is refused by OpenSSL (Node) and by `cryptography`.
            let v1 = ed25519_dalek::pkcs8::KeypairBytes {
                secret_key: key.to_bytes(),
                public_key: None,
            };
            let pem = v1.to_pkcs8_pem(LineEnding::LF).map_err(|e| pem_err(&e))?;
            let x = B64.encode(key.verifying_key().to_bytes());
            let jwk = json!({ "kty": "OKP", "crv": "Ed25519", "x": x });
            ("EdDSA", pem.to_string(), jwk)
        }
        KeyKind::P256 => {
            use p256::elliptic_curve::sec1::ToEncodedPoint;
            let key = p256::SecretKey::random(&mut OsRng);
            let pem = key.to_pkcs8_pem(LineEnding::LF).map_err(|e| pem_err(&e))?;
            let point = key.public_key().to_encoded_point(false);
            let (Some(x), Some(y)) = (point.x(), point.y()) else {
                return Err(MintError::Key(
                    "P-256 public key without coordinates".into(),
                ));
            };
            let (x, y) = (B64.encode(x), B64.encode(y));
            let jwk = json!({ "kty": "EC", "crv": "P-256", "x": x, "y": y });
            ("ES256", pem.to_string(), jwk)
        }
    };
    let kid = jwk_thumbprint(&jwk)?;
    if let Value::Object(m) = &mut jwk {
        m.insert("kid".into(), json!(kid));
        m.insert("alg".into(), json!(alg));
        m.insert("use".into(), json!("sig"));
    }
    Ok(GeneratedKey {
        kid,
        alg,
        private_key_pem: pem,
        public_jwk: jwk,
    })
}

/// The RFC 7638 thumbprint (SHA-256, base64url) of an `OKP` or `EC` public JWK: a key id
/// that anyone holding the public key can recompute.
///
/// # Errors
/// [`MintError::Key`] for another key type or a JWK missing a member.
///
/// # Example
/// ```
/// // The Ed25519 example of RFC 8037, appendix A.3.
/// let jwk = serde_json::json!({"kty":"OKP","crv":"Ed25519","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"});
/// assert_eq!(seatquote_auth::jwk_thumbprint(&jwk).unwrap(), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
/// ```
pub fn jwk_thumbprint(jwk: &Value) -> Result<String, MintError> {
    let member = |name: &str| {
        jwk.get(name)
            .and_then(Value::as_str)
            .ok_or_else(|| MintError::Key(format!("the JWK has no {name}")))
    };
    // The required members in lexicographic order, no whitespace (RFC 7638 §3.2).
    let input = match member("kty")? {
        "OKP" => format!(
            r#"{{"crv":"{}","kty":"OKP","x":"{}"}}"#,
            member("crv")?,
            member("x")?
        ),
        "EC" => format!(
            r#"{{"crv":"{}","kty":"EC","x":"{}","y":"{}"}}"#,
            member("crv")?,
            member("x")?,
            member("y")?
        ),
        other => return Err(MintError::Key(format!("no thumbprint for kty {other}"))),
    };
    Ok(B64.encode(Sha256::digest(input.as_bytes())))
}

/// Mints a customer token signed with a PKCS#8 PEM private key (Ed25519 → `EdDSA`,
/// P-256 → `ES256`), with `kid` in its header.
///
/// # Errors
/// [`MintError::Key`] for an unusable key, [`MintError::Sign`] if signing fails.
///
/// # Example
/// ```
/// use seatquote_auth::{generate_keypair, mint, Claims, KeyKind};
/// let key = generate_keypair(KeyKind::P256).unwrap();
/// let claims = Claims::new("C-1001", ["S-1"], "https://shop.example/seatquote", 1_700_000_000, 900);
/// let token = mint(&key.private_key_pem, &key.kid, &claims).unwrap();
/// assert_eq!(token.split('.').count(), 3);
/// ```
pub fn mint(private_key_pem: &str, kid: &str, claims: &Claims) -> Result<String, MintError> {
    let pem = private_key_pem.as_bytes();
    let (alg, key) = match EncodingKey::from_ed_pem(pem) {
        Ok(k) => (Algorithm::EdDSA, k),
        Err(ed) => match EncodingKey::from_ec_pem(pem) {
            Ok(k) => (Algorithm::ES256, k),
            Err(ec) => return Err(MintError::Key(format!("Ed25519: {ed}; EC: {ec}"))),
        },
    };
    let mut header = Header::new(alg);
    header.kid = Some(kid.to_owned());
    encode(&header, claims, &key).map_err(|e| MintError::Sign(e.to_string()))
}

/// Mints an HS256 customer token with a shared secret (the simple option).
///
/// # Errors
/// [`MintError::Sign`] if signing fails.
pub fn mint_hs256(secret: &[u8], kid: Option<&str>, claims: &Claims) -> Result<String, MintError> {
    let mut header = Header::new(Algorithm::HS256);
    header.kid = kid.map(str::to_owned);
    encode(&header, claims, &EncodingKey::from_secret(secret))
        .map_err(|e| MintError::Sign(e.to_string()))
}

/// Adds a public key to a JWKS document (for rotation: the new key next to the old one).
///
/// # Errors
/// [`MintError::Jwks`] when `jwks` is not a key set or already holds the key's `kid`.
pub fn add_to_jwks(jwks: &str, jwk: &Value) -> Result<String, MintError> {
    let mut doc: Value =
        serde_json::from_str(jwks).map_err(|e| MintError::Jwks(format!("is not JSON: {e}")))?;
    let keys = doc
        .get_mut("keys")
        .and_then(Value::as_array_mut)
        .ok_or_else(|| MintError::Jwks("has no \"keys\" list".into()))?;
    if keys
        .iter()
        .any(|k| k.get("kid").is_some() && k.get("kid") == jwk.get("kid"))
    {
        return Err(MintError::Jwks("already holds a key with this kid".into()));
    }
    keys.push(jwk.clone());
    serde_json::to_string_pretty(&doc).map_err(|e| MintError::Jwks(e.to_string()))
}

//! HMAC-SHA256 signed tokens: customer bearer tokens and quote tokens.
//!
//! Format: `<kind>.<base64url(JSON payload)>.<base64url(HMAC-SHA256(kind.payload))>`.
//! The kind is part of the signed text, so a quote token is never a valid bearer token.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{de::DeserializeOwned, Deserialize, Serialize};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Why a token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TokenError {
    /// Not a token of this kind, or a bad signature.
    Invalid,
    /// Well signed but past its expiry.
    Expired,
}

/// Signs and verifies tokens with one secret.
#[derive(Clone)]
pub struct Signer {
    key: Vec<u8>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(..)")
    }
}

/// A payload with an expiry (Unix seconds).
pub trait Expiring {
    /// Expiry, Unix seconds.
    fn exp(&self) -> i64;
}

impl Signer {
    /// A signer for this secret.
    pub fn new(secret: &[u8]) -> Self {
        Self {
            key: secret.to_vec(),
        }
    }

    fn mac(&self, text: &str) -> HmacSha256 {
        // HMAC accepts keys of any length.
        let mut m = <HmacSha256 as Mac>::new_from_slice(&self.key)
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        m.update(text.as_bytes());
        m
    }

    /// Signs a payload as a token of `kind`.
    pub fn sign<T: Serialize>(&self, kind: &str, payload: &T) -> String {
        let json = serde_json::to_vec(payload).unwrap_or_default();
        let text = format!("{kind}.{}", B64.encode(json));
        let sig = B64.encode(self.mac(&text).finalize().into_bytes());
        format!("{text}.{sig}")
    }

    /// Verifies a token of `kind` and returns its payload if it has not expired at `now`.
    pub fn verify<T: DeserializeOwned + Expiring>(
        &self,
        kind: &str,
        token: &str,
        now: i64,
    ) -> Result<T, TokenError> {
        if token.len() > 4096 {
            return Err(TokenError::Invalid);
        }
        let (text, sig) = token.rsplit_once('.').ok_or(TokenError::Invalid)?;
        let (k, payload) = text.split_once('.').ok_or(TokenError::Invalid)?;
        if k != kind {
            return Err(TokenError::Invalid);
        }
        let sig = B64.decode(sig).map_err(|_| TokenError::Invalid)?;
        self.mac(text)
            .verify_slice(&sig)
            .map_err(|_| TokenError::Invalid)?;
        let json = B64.decode(payload).map_err(|_| TokenError::Invalid)?;
        let p: T = serde_json::from_slice(&json).map_err(|_| TokenError::Invalid)?;
        if p.exp() <= now {
            return Err(TokenError::Expired);
        }
        Ok(p)
    }
}

/// A customer's bearer token: who, which subscriptions, until when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomerClaims {
    /// The merchant's customer id (`C-1001`).
    pub cus: String,
    /// Subscription ids the customer may touch.
    pub subs: Vec<String>,
    /// Expiry, Unix seconds.
    pub exp: i64,
}

impl Expiring for CustomerClaims {
    fn exp(&self) -> i64 {
        self.exp
    }
}

/// What a quote token binds: subscription, item, quantity, mode, customer, date and a
/// hash of every amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteClaims {
    /// Customer.
    pub cus: String,
    /// Subscription.
    pub sub: String,
    /// Running number.
    pub item: u64,
    /// New quantity.
    pub qty: u32,
    /// Alignment mode (`immediate` …).
    pub mode: String,
    /// The change date the quote was computed for.
    pub date: String,
    /// SHA-256 (hex) of the quote's canonical JSON.
    pub qh: String,
    /// Random id (one commit per token).
    pub jti: String,
    /// Expiry, Unix seconds.
    pub exp: i64,
}

impl Expiring for QuoteClaims {
    fn exp(&self) -> i64 {
        self.exp
    }
}

/// Hex SHA-256.
pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    let d = Sha256::digest(data);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Parses `30s`, `15m`, `1h`, `2d` or plain seconds.
pub fn parse_ttl(s: &str) -> Option<i64> {
    let s = s.trim();
    let (num, mult) = match s.chars().last()? {
        's' => (&s[..s.len() - 1], 1),
        'm' => (&s[..s.len() - 1], 60),
        'h' => (&s[..s.len() - 1], 3600),
        'd' => (&s[..s.len() - 1], 86400),
        _ => (s, 1),
    };
    num.parse::<i64>()
        .ok()
        .filter(|n| *n > 0)
        .and_then(|n| n.checked_mul(mult))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_verify_forge_expire() {
        let s = Signer::new(b"secret");
        let c = CustomerClaims {
            cus: "C-1001".into(),
            subs: vec!["S1".into()],
            exp: 100,
        };
        let t = s.sign("cust", &c);
        assert_eq!(s.verify::<CustomerClaims>("cust", &t, 50), Ok(c));
        assert_eq!(
            s.verify::<CustomerClaims>("cust", &t, 100),
            Err(TokenError::Expired)
        );
        assert_eq!(
            s.verify::<CustomerClaims>("quote", &t, 50),
            Err(TokenError::Invalid)
        );
        assert_eq!(
            Signer::new(b"other").verify::<CustomerClaims>("cust", &t, 50),
            Err(TokenError::Invalid)
        );
        let forged = t.replace("cust.", "cust.x");
        assert!(s.verify::<CustomerClaims>("cust", &forged, 50).is_err());
        assert_eq!(parse_ttl("1h"), Some(3600));
        assert_eq!(parse_ttl("90"), Some(90));
        assert_eq!(parse_ttl("x"), None);
    }
}

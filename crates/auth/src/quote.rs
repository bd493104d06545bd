//! [`QuoteKeys`]: the proxy's own HMAC-SHA256 tokens (quote tokens), with key ids so the
//! proxy's secret rotates without invalidating quotes in flight.
//!
//! Format: `<kind>.<kid>.<base64url(JSON payload)>.<base64url(HMAC-SHA256(kind.kid.payload))>`.
//! The kind and the kid are part of the signed text: a token of one kind is never valid as
//! another, and a kid cannot be swapped. The current key signs; the previous keys only verify.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use hmac::{Hmac, Mac};
use serde::{de::DeserializeOwned, Serialize};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// Longest token accepted (bytes).
const MAX_LEN: usize = 4096;

/// Why a quote token was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum QuoteTokenError {
    /// Not a token of this kind, an unknown key id, or a bad signature.
    #[error("the token is not valid")]
    Invalid,
    /// Well signed but past its expiry.
    #[error("the token has expired")]
    Expired,
}

/// A payload with an expiry (Unix seconds).
pub trait Expiring {
    /// Expiry, Unix seconds.
    fn exp(&self) -> i64;
}

#[derive(Clone)]
struct QuoteKey {
    kid: String,
    secret: Vec<u8>,
}

/// The proxy's signing keys: one current key and any number of previous ones.
///
/// Key ids are derived from the secrets (a keyed hash, which reveals nothing about them), so
/// rotating is: make the new secret current and list the old one as previous until the
/// longest-lived token signed with it has expired (see `docs/tokens.md`).
///
/// # Example
/// ```
/// use seatquote_auth::{Expiring, QuoteKeys};
/// #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
/// struct Q { sub: String, exp: i64 }
/// impl Expiring for Q { fn exp(&self) -> i64 { self.exp } }
///
/// let old = QuoteKeys::new(b"old secret");
/// let token = old.sign("quote", &Q { sub: "S1".into(), exp: 100 });
///
/// let rotated = QuoteKeys::new(b"new secret").with_previous(b"old secret");
/// assert_eq!(rotated.verify::<Q>("quote", &token, 50).unwrap().sub, "S1");
/// assert_ne!(rotated.current_kid(), old.current_kid());
/// ```
#[derive(Clone)]
pub struct QuoteKeys {
    current: QuoteKey,
    previous: Vec<QuoteKey>,
}

impl std::fmt::Debug for QuoteKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let previous: Vec<_> = self.previous.iter().map(|k| &k.kid).collect();
        f.debug_struct("QuoteKeys")
            .field("current", &self.current.kid)
            .field("previous", &previous)
            .finish()
    }
}

impl QuoteKeys {
    /// Keys with `secret` as the current (signing) key and no previous keys.
    pub fn new(secret: &[u8]) -> Self {
        Self {
            current: QuoteKey {
                kid: kid_of(secret),
                secret: secret.to_vec(),
            },
            previous: Vec::new(),
        }
    }

    /// The same keys, also verifying (never signing) with `secret`.
    pub fn with_previous(mut self, secret: &[u8]) -> Self {
        let kid = kid_of(secret);
        if kid != self.current.kid && self.previous.iter().all(|k| k.kid != kid) {
            self.previous.push(QuoteKey {
                kid,
                secret: secret.to_vec(),
            });
        }
        self
    }

    /// The current secret and a comma-separated list of previous ones (as in
    /// `SEATQUOTE_TOKEN_SECRET` and `SEATQUOTE_TOKEN_SECRET_PREVIOUS`).
    ///
    /// ```
    /// let keys = seatquote_auth::QuoteKeys::from_settings("new", Some("old1, old2"));
    /// assert_eq!(keys.previous_kids().len(), 2);
    /// ```
    pub fn from_settings(current: &str, previous: Option<&str>) -> Self {
        previous
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .fold(Self::new(current.as_bytes()), |k, s| {
                k.with_previous(s.as_bytes())
            })
    }

    /// The key id tokens are signed under now.
    pub fn current_kid(&self) -> &str {
        &self.current.kid
    }

    /// The key ids that still verify but no longer sign.
    pub fn previous_kids(&self) -> Vec<&str> {
        self.previous.iter().map(|k| k.kid.as_str()).collect()
    }

    /// Signs `payload` as a token of `kind` (no dots in `kind`) with the current key.
    pub fn sign<T: Serialize>(&self, kind: &str, payload: &T) -> String {
        let json = serde_json::to_vec(payload).unwrap_or_default();
        let text = format!("{kind}.{}.{}", self.current.kid, B64.encode(json));
        let sig = B64.encode(mac(&self.current.secret, &text).finalize().into_bytes());
        format!("{text}.{sig}")
    }

    /// Verifies a token of `kind` under whichever key its kid names, and returns its payload
    /// if it has not expired at `now` (Unix seconds).
    ///
    /// # Errors
    /// [`QuoteTokenError::Invalid`] (wrong kind, unknown kid, bad signature or payload) or
    /// [`QuoteTokenError::Expired`].
    pub fn verify<T: DeserializeOwned + Expiring>(
        &self,
        kind: &str,
        token: &str,
        now: i64,
    ) -> Result<T, QuoteTokenError> {
        use QuoteTokenError::Invalid;
        if token.len() > MAX_LEN {
            return Err(Invalid);
        }
        let (text, sig) = token.rsplit_once('.').ok_or(Invalid)?;
        let mut parts = text.splitn(3, '.');
        let (k, kid, payload) = match (parts.next(), parts.next(), parts.next()) {
            (Some(k), Some(kid), Some(p)) if k == kind && !p.contains('.') => (k, kid, p),
            _ => return Err(Invalid),
        };
        debug_assert_eq!(k, kind);
        let key = std::iter::once(&self.current)
            .chain(&self.previous)
            .find(|key| key.kid == kid)
            .ok_or(Invalid)?;
        let sig = B64.decode(sig).map_err(|_| Invalid)?;
        mac(&key.secret, text)
            .verify_slice(&sig)
            .map_err(|_| Invalid)?;
        let json = B64.decode(payload).map_err(|_| Invalid)?;
        let p: T = serde_json::from_slice(&json).map_err(|_| Invalid)?;
        if p.exp() <= now {
            return Err(QuoteTokenError::Expired);
        }
        Ok(p)
    }
}

fn mac(secret: &[u8], text: &str) -> HmacSha256 {
    // HMAC takes keys of any length, so this never fails.
    let mut m = <HmacSha256 as Mac>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
    m.update(text.as_bytes());
    m
}

/// A key id for `secret`: 8 bytes of HMAC(secret, a fixed label), base64url (11 characters).
fn kid_of(secret: &[u8]) -> String {
    let tag = mac(secret, "seatquote quote-token key id")
        .finalize()
        .into_bytes();
    B64.encode(&tag[..8])
}

//! The customer token's claims ([`Claims`], as on the wire) and what a verified token
//! yields ([`Customer`]).

use serde::{Deserialize, Serialize};

use crate::AuthError;

/// The claims of a customer token, exactly as the merchant's backend puts them in the JWT
/// (see `docs/tokens.md`). Every field but `iss` is required.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// The merchant's customer id (`C-1001`).
    pub sub: String,
    /// The subscription ids this customer may quote and change.
    pub subscriptions: Vec<String>,
    /// The proxy's audience (`SEATQUOTE_JWT_AUDIENCE`): one string or a list naming it.
    pub aud: Audience,
    /// The issuer; checked only when the proxy is configured with one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// Issued at, Unix seconds.
    pub iat: i64,
    /// Not before, Unix seconds.
    pub nbf: i64,
    /// Expiry, Unix seconds.
    pub exp: i64,
}

/// The `aud` claim: one audience or several (RFC 7519 §4.1.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    /// `"aud": "https://shop.example/seatquote"`.
    One(String),
    /// `"aud": ["https://shop.example/seatquote", "…"]`.
    Many(Vec<String>),
}

impl Claims {
    /// Claims valid from `now` (Unix seconds) for `lifetime_seconds`: `iat = nbf = now`,
    /// `exp = now + lifetime_seconds`, no issuer.
    ///
    /// ```
    /// let c = seatquote_auth::Claims::new("C-1001", ["S1"], "https://shop.example/seatquote", 1_700_000_000, 900);
    /// assert_eq!(c.exp - c.iat, 900);
    /// ```
    pub fn new<S: Into<String>>(
        sub: impl Into<String>,
        subscriptions: impl IntoIterator<Item = S>,
        audience: impl Into<String>,
        now: i64,
        lifetime_seconds: i64,
    ) -> Self {
        Self {
            sub: sub.into(),
            subscriptions: subscriptions.into_iter().map(Into::into).collect(),
            aud: Audience::One(audience.into()),
            iss: None,
            iat: now,
            nbf: now,
            exp: now.saturating_add(lifetime_seconds),
        }
    }

    /// The same claims with an issuer.
    pub fn with_issuer(mut self, iss: impl Into<String>) -> Self {
        self.iss = Some(iss.into());
        self
    }
}

/// A customer whose token was verified: who, and which subscriptions they may touch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Customer {
    /// The merchant's customer id (the token's `sub`).
    pub id: String,
    /// Subscription ids the customer may touch (the token's `subscriptions`).
    pub subscriptions: Vec<String>,
    /// The token's expiry, Unix seconds.
    pub expires_at: i64,
    /// The `kid` of the key that verified the token (for logs).
    pub key_id: Option<String>,
}

impl Customer {
    /// Whether this customer may touch `subscription`.
    ///
    /// # Errors
    /// [`AuthError::ForbiddenSubscription`] (403 `forbidden_subscription`) when the token does
    /// not list it.
    ///
    /// # Example
    /// ```
    /// use seatquote_auth::{AuthError, Customer};
    /// let c = Customer { id: "C-1".into(), subscriptions: vec!["S1".into()], expires_at: 0, key_id: None };
    /// assert_eq!(c.may_touch("S1"), Ok(()));
    /// assert_eq!(c.may_touch("S2"), Err(AuthError::ForbiddenSubscription));
    /// ```
    pub fn may_touch(&self, subscription: &str) -> Result<(), AuthError> {
        if self.subscriptions.iter().any(|s| s == subscription) {
            Ok(())
        } else {
            Err(AuthError::ForbiddenSubscription)
        }
    }
}

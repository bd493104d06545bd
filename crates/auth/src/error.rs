//! Why a request was refused: [`AuthError`], each with a stable code, a human message and
//! the HTTP status the proxy answers with.

use http::StatusCode;

/// Why a customer token (or a customer's request) was refused.
///
/// Several variants share a [`code`](AuthError::code): the code is the stable, documented
/// contract (see `docs/tokens.md`); the variant and its message say more precisely what was
/// wrong, for logs and for the merchant's developer reading the problem's `detail`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// No `Authorization` header (or an empty one).
    #[error("an Authorization: Bearer token is required")]
    Missing,
    /// The header is not `Bearer <token>`, or the token is not a well-formed JWT, or its
    /// claims do not have the required shape.
    #[error("the token is not valid: {0}")]
    Malformed(String),
    /// The signature does not match the key named by the token.
    #[error("the token's signature is not valid")]
    BadSignature,
    /// No configured key has the token's `kid` (also after refreshing the key set).
    #[error("the token's key id (kid) is not in the key set")]
    UnknownKey,
    /// The token's `alg` is not the algorithm of the key it names (or is `none`).
    #[error("the token's algorithm is not the one of its key")]
    WrongAlgorithm,
    /// `exp - iat` is longer than the configured maximum lifetime.
    #[error("the token's lifetime (exp - iat) is longer than the allowed {max_seconds} seconds")]
    LifetimeTooLong {
        /// The configured maximum, seconds.
        max_seconds: u64,
    },
    /// The `iss` claim is not the configured issuer.
    #[error("the token's issuer (iss) is not accepted")]
    Issuer,
    /// The `aud` claim does not name this proxy's audience.
    #[error("the token is for another audience (aud)")]
    Audience,
    /// The token is past its `exp` (beyond the clock-skew allowance).
    #[error("the token has expired")]
    Expired,
    /// The token's `nbf` (or `iat`) is in the future (beyond the clock-skew allowance).
    #[error("the token is not valid yet (nbf or iat in the future)")]
    NotYetValid,
    /// The token is valid but does not list the subscription the request is about.
    #[error("this token does not grant access to that subscription")]
    ForbiddenSubscription,
    /// The key set (a JWKS URL or file) could not be loaded and no earlier copy is cached.
    #[error("the token keys are unavailable; try again later")]
    KeysUnavailable,
}

impl AuthError {
    /// The stable machine code (the problem+json `code`).
    ///
    /// ```
    /// use seatquote_auth::AuthError;
    /// assert_eq!(AuthError::Expired.code(), "token_expired");
    /// assert_eq!(AuthError::UnknownKey.code(), "token_invalid");
    /// ```
    pub fn code(&self) -> &'static str {
        match self {
            Self::Missing => "token_missing",
            Self::Malformed(_)
            | Self::BadSignature
            | Self::UnknownKey
            | Self::WrongAlgorithm
            | Self::LifetimeTooLong { .. }
            | Self::Issuer => "token_invalid",
            Self::Audience => "token_audience",
            Self::Expired => "token_expired",
            Self::NotYetValid => "token_not_yet_valid",
            Self::ForbiddenSubscription => "forbidden_subscription",
            Self::KeysUnavailable => "token_keys_unavailable",
        }
    }

    /// The HTTP status: 401 for a missing or refused token, 403 for a valid token that does
    /// not cover the subscription, 503 when the key set cannot be loaded.
    ///
    /// ```
    /// use seatquote_auth::AuthError;
    /// assert_eq!(AuthError::Audience.status().as_u16(), 401);
    /// assert_eq!(AuthError::ForbiddenSubscription.status().as_u16(), 403);
    /// ```
    pub fn status(&self) -> StatusCode {
        match self {
            Self::ForbiddenSubscription => StatusCode::FORBIDDEN,
            Self::KeysUnavailable => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::UNAUTHORIZED,
        }
    }

    /// The human message (the problem+json `detail`); the same as `to_string()`.
    pub fn message(&self) -> String {
        self.to_string()
    }

    /// The `WWW-Authenticate` value a 401 carries (RFC 6750 §3), `None` for other statuses.
    pub fn www_authenticate(&self) -> Option<&'static str> {
        match self {
            Self::Missing => Some("Bearer"),
            _ if self.status() == StatusCode::UNAUTHORIZED => {
                Some("Bearer error=\"invalid_token\"")
            }
            _ => None,
        }
    }
}

/// A configuration that cannot work (reported at start-up, never to a customer).
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// None or more than one key source is configured.
    #[error("configure exactly one of SEATQUOTE_JWKS, SEATQUOTE_JWKS_URL or SEATQUOTE_JWT_SECRET")]
    KeySource,
    /// The audience is empty.
    #[error(
        "SEATQUOTE_JWT_AUDIENCE must name this proxy (for example https://shop.example/seatquote)"
    )]
    Audience,
    /// The shared secret is too short to be safe.
    #[error("SEATQUOTE_JWT_SECRET must be at least 32 bytes")]
    WeakSecret,
    /// The JWKS could not be read or holds no usable key.
    #[error("the JWKS {0}")]
    Jwks(String),
    /// A setting has a value that cannot be used.
    #[error("{0}")]
    Invalid(String),
}

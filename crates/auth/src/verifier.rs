//! [`Verifier`]: checks a customer's bearer JWT (signature through `jsonwebtoken`, then
//! audience, issuer, lifetime and times) and yields the [`Customer`].

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use jsonwebtoken::errors::ErrorKind;
use jsonwebtoken::{decode, decode_header, Validation};

use crate::source::{Origin, Reloaded, Source};
use crate::{bearer_token, AuthError, Claims, Config, ConfigError, Customer, KeySet, KeySource};

/// Verifies customer tokens. Build it once at start-up and share it (`Arc<Verifier>`) with
/// every request.
///
/// # Example
/// ```
/// # tokio_test_block(async {
/// use seatquote_auth::{mint_hs256, Claims, Config, KeySource, Verifier};
/// use std::time::{SystemTime, UNIX_EPOCH};
///
/// let secret = "a shared secret of at least 32 bytes!";
/// let config = Config::new(
///     KeySource::Secret { secret: secret.as_bytes().to_vec(), kid: None },
///     "https://shop.example/seatquote",
/// );
/// let verifier = Verifier::from_config(&config).unwrap();
///
/// let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
/// let claims = Claims::new("C-1001", ["S-1"], "https://shop.example/seatquote", now, 900);
/// let token = mint_hs256(secret.as_bytes(), None, &claims).unwrap();
///
/// let customer = verifier.verify(&format!("bearer {token}"), SystemTime::now()).await.unwrap();
/// assert_eq!(customer.id, "C-1001");
/// assert!(customer.may_touch("S-1").is_ok());
/// assert_eq!(customer.may_touch("S-2").unwrap_err().code(), "forbidden_subscription");
/// # });
/// # fn tokio_test_block(f: impl std::future::Future<Output = ()>) {
/// #     tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
/// # }
/// ```
pub struct Verifier {
    source: Source,
    audience: String,
    issuer: Option<String>,
    max_lifetime: i64,
    leeway: i64,
}

impl std::fmt::Debug for Verifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Verifier")
            .field("audience", &self.audience)
            .field("issuer", &self.issuer)
            .finish_non_exhaustive()
    }
}

impl Verifier {
    /// A verifier for `config`. A JWKS file or inline JWKS is read now; a JWKS URL is fetched
    /// on first use (call [`Verifier::refresh`] at start-up to check it early).
    ///
    /// # Errors
    /// A [`ConfigError`]: empty audience, unreadable JWKS, weak secret, unusable URL.
    pub fn from_config(config: &Config) -> Result<Self, ConfigError> {
        if config.audience.trim().is_empty() {
            return Err(ConfigError::Audience);
        }
        let reloaded = |origin, initial| {
            Source::Reloaded(Box::new(Reloaded::new(
                origin,
                initial,
                config.jwks_max_age,
                config.jwks_min_refresh,
            )))
        };
        let source = match &config.keys {
            KeySource::Secret { secret, kid } => {
                Source::Fixed(Arc::new(KeySet::hs256(secret, kid.clone())?))
            }
            KeySource::Jwks(text) if text.trim_start().starts_with('{') => {
                Source::Fixed(Arc::new(KeySet::from_jwks_json(text)?))
            }
            KeySource::Jwks(path) => {
                let path = PathBuf::from(path);
                let text = std::fs::read_to_string(&path).map_err(|e| {
                    ConfigError::Jwks(format!("file {} cannot be read: {e}", path.display()))
                })?;
                let initial = KeySet::from_jwks_json(&text)?;
                reloaded(Origin::File(path), Some(initial))
            }
            KeySource::JwksUrl(url) => {
                let url = jwks_url(url)?;
                // A redirect is refused, not followed: the keys are trusted for the
                // configured URL only (an `https://` one redirected to `http://` would
                // let anyone on the way swap them).
                let client = reqwest::Client::builder()
                    .user_agent("seatquote-proxy")
                    .redirect(reqwest::redirect::Policy::none())
                    .build()
                    .map_err(|e| ConfigError::Invalid(format!("HTTP client: {e}")))?;
                reloaded(Origin::Url { url, client }, None)
            }
        };
        let secs = |d: Duration| i64::try_from(d.as_secs()).unwrap_or(i64::MAX);
        Ok(Self {
            source,
            audience: config.audience.trim().to_owned(),
            issuer: config.issuer.clone(),
            max_lifetime: secs(config.max_lifetime),
            leeway: secs(config.leeway),
        })
    }

    /// Loads a JWKS file or URL now, whatever the refresh interval (at start-up, to fail
    /// early on a wrong URL). Does nothing for fixed keys.
    ///
    /// # Errors
    /// [`ConfigError::Jwks`] when the set cannot be loaded.
    pub async fn refresh(&self) -> Result<(), ConfigError> {
        match &self.source {
            Source::Fixed(_) => Ok(()),
            Source::Reloaded(r) => r.refresh().await,
        }
    }

    /// Verifies the `Authorization` header value (`""` when there is none) at `now`.
    ///
    /// # Errors
    /// Every refusal as an [`AuthError`] (its `code()` and `status()` make the response).
    pub async fn verify(
        &self,
        authorization: &str,
        now: SystemTime,
    ) -> Result<Customer, AuthError> {
        self.verify_token(bearer_token(authorization)?, now).await
    }

    /// Verifies a bare token (no `Bearer ` prefix) at `now`.
    ///
    /// Order: header shape, key by `kid`, algorithm of that key, signature, claims shape,
    /// audience, issuer (all through `jsonwebtoken`), then lifetime, `nbf`/`iat` and `exp`
    /// against `now` with the clock-skew allowance. Nothing about the claims is reported
    /// before the signature is checked.
    ///
    /// # Errors
    /// Every refusal as an [`AuthError`].
    pub async fn verify_token(&self, token: &str, now: SystemTime) -> Result<Customer, AuthError> {
        let header = decode_header(token).map_err(|e| match e.kind() {
            ErrorKind::InvalidAlgorithmName => AuthError::WrongAlgorithm,
            _ => AuthError::Malformed(format!("not a signed JWT ({e})")),
        })?;
        let kid = header.kid.as_deref();
        let keys = self.source.keys_for(kid).await?;
        let key = keys.find(kid).ok_or(match kid {
            Some(_) => AuthError::UnknownKey,
            None => {
                AuthError::Malformed("the token has no kid and the key set has several keys".into())
            }
        })?;
        if header.alg != key.alg {
            return Err(AuthError::WrongAlgorithm);
        }
        let mut validation = Validation::new(key.alg);
        // Times are checked below against the caller's `now`; presence by the typed claims.
        validation.validate_exp = false;
        validation.validate_nbf = false;
        validation.set_required_spec_claims(&["aud"]);
        validation.set_audience(&[&self.audience]);
        if let Some(iss) = &self.issuer {
            validation.set_issuer(&[iss]);
            validation.required_spec_claims.insert("iss".into());
        }
        let data =
            decode::<Claims>(token, &key.decoding, &validation).map_err(|e| match e.kind() {
                ErrorKind::InvalidSignature => AuthError::BadSignature,
                ErrorKind::InvalidAlgorithm
                | ErrorKind::InvalidAlgorithmName
                | ErrorKind::MissingAlgorithm => AuthError::WrongAlgorithm,
                ErrorKind::InvalidAudience => AuthError::Audience,
                ErrorKind::InvalidIssuer => AuthError::Issuer,
                ErrorKind::MissingRequiredClaim(c) if c == "iss" => AuthError::Issuer,
                ErrorKind::MissingRequiredClaim(c) if c == "aud" => AuthError::Audience,
                ErrorKind::Json(j) => {
                    AuthError::Malformed(format!("the claims are not as required: {j}"))
                }
                _ => AuthError::Malformed(e.to_string()),
            })?;
        self.check_times(&data.claims, unix_seconds(now))?;
        let c = data.claims;
        if c.sub.trim().is_empty() {
            return Err(AuthError::Malformed("the sub claim is empty".into()));
        }
        Ok(Customer {
            id: c.sub,
            subscriptions: c.subscriptions,
            expires_at: c.exp,
            key_id: header.kid,
        })
    }

    fn check_times(&self, c: &Claims, now: i64) -> Result<(), AuthError> {
        if c.exp <= c.iat {
            return Err(AuthError::Malformed("exp is not after iat".into()));
        }
        if c.exp.saturating_sub(c.iat) > self.max_lifetime {
            return Err(AuthError::LifetimeTooLong {
                max_seconds: self.max_lifetime.unsigned_abs(),
            });
        }
        if c.nbf > now.saturating_add(self.leeway) || c.iat > now.saturating_add(self.leeway) {
            return Err(AuthError::NotYetValid);
        }
        if c.exp <= now.saturating_sub(self.leeway) {
            return Err(AuthError::Expired);
        }
        Ok(())
    }
}

/// `now` as Unix seconds (0 before the epoch).
fn unix_seconds(now: SystemTime) -> i64 {
    now.duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

/// A JWKS URL: https, or http to a loopback host only (a key set fetched in clear text
/// could be replaced on the way).
fn jwks_url(url: &str) -> Result<reqwest::Url, ConfigError> {
    let bad = |why: &str| ConfigError::Invalid(format!("SEATQUOTE_JWKS_URL={url:?}: {why}"));
    let parsed = reqwest::Url::parse(url).map_err(|e| bad(&e.to_string()))?;
    let loopback = match parsed.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    };
    match parsed.scheme() {
        "https" => Ok(parsed),
        "http" if loopback => Ok(parsed),
        _ => Err(bad("must be https (http only to a loopback address)")),
    }
}

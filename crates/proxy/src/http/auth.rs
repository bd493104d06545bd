//! Customer authentication as an extractor: a customer JWT (`Authorization: Bearer …`, the
//! scheme in any case) verified by `seatquote_auth::Verifier` against the merchant's keys,
//! that lists the path's subscription. Every refusal is a problem+json with a stable code
//! (`token_missing`, `token_invalid`, `token_audience`, `token_expired`,
//! `token_not_yet_valid`, `forbidden_subscription`, `token_keys_unavailable`) and, on a
//! 401, a `WWW-Authenticate` header. Nothing is sent upstream before it passes
//! (docs/tokens.md).

use std::time::SystemTime;

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use seatquote_auth::AuthError;
use seatquote_core::wire::normalize_subscription_id;

use crate::problem::Problem;
use crate::state::AppState;

/// The authenticated customer and the subscription (path `{id}`, normalized) they may
/// touch.
#[derive(Debug, Clone)]
pub struct Customer {
    /// The merchant's customer id (the token's `sub`).
    pub id: String,
    /// The subscription id from the path, with its `S`.
    pub subscription: String,
}

/// Unix seconds now.
pub fn now_unix() -> i64 {
    chrono::Utc::now().timestamp()
}

impl FromRequestParts<AppState> for Customer {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, Problem> {
        let authorization = match parts.headers.get(header::AUTHORIZATION) {
            None => "",
            Some(v) => v.to_str().map_err(|_| {
                AuthError::Malformed("the Authorization header is not ASCII".into())
            })?,
        };
        let token = app
            .verifier
            .verify(authorization, SystemTime::now())
            .await?;
        let params = RawPathParams::from_request_parts(parts, app)
            .await
            .map_err(Problem::from_raw_path)?;
        let id = params
            .iter()
            .find(|(k, _)| *k == "id")
            .map(|(_, v)| normalize_subscription_id(v))
            .ok_or_else(|| Problem::internal("a customer route without {id}"))?;
        if !token
            .subscriptions
            .iter()
            .any(|s| normalize_subscription_id(s) == id)
        {
            return Err(AuthError::ForbiddenSubscription.into());
        }
        Ok(Self {
            id: token.id,
            subscription: id,
        })
    }
}

impl Problem {
    fn from_raw_path(e: axum::extract::rejection::RawPathParamsRejection) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_path_parameter",
            e.body_text(),
        )
    }
}

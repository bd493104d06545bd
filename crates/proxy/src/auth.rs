//! Customer authentication as an extractor: a valid bearer token that names the path's
//! subscription. Nothing is sent upstream before it passes.

use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use seatquote_core::wire::normalize_subscription_id;

use crate::problem::Problem;
use crate::state::AppState;
use crate::token::{CustomerClaims, TokenError};

/// The authenticated customer and the subscription (path `{id}`, normalized) they may
/// touch.
#[derive(Debug, Clone)]
pub struct Customer {
    /// The token's claims.
    pub claims: CustomerClaims,
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
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| Problem::unauthorized("an Authorization: Bearer token is required"))?;
        let claims: CustomerClaims =
            app.signer
                .verify("cust", token, now_unix())
                .map_err(|e| match e {
                    TokenError::Expired => Problem::unauthorized("the token has expired"),
                    TokenError::Invalid => Problem::unauthorized("the token is not valid"),
                })?;
        let params = RawPathParams::from_request_parts(parts, app)
            .await
            .map_err(Problem::from_raw_path)?;
        let id = params
            .iter()
            .find(|(k, _)| *k == "id")
            .map(|(_, v)| normalize_subscription_id(v))
            .ok_or_else(|| Problem::internal("a customer route without {id}"))?;
        if !claims
            .subs
            .iter()
            .any(|s| normalize_subscription_id(s) == id)
        {
            return Err(Problem::forbidden());
        }
        Ok(Self {
            claims,
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

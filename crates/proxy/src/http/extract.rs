//! The request's other parts, each rejected as a problem document: the item's running
//! number from the path, the `Idempotency-Key` header and a JSON body (content type,
//! size limit, unknown fields).

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Path, Request};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use serde::de::DeserializeOwned;

use crate::problem::Problem;

/// Largest request body accepted by the API.
pub const BODY_LIMIT: usize = 16 * 1024;

/// The `{runningNumber}` of an item route (`/api/subscriptions/{id}/items/{runningNumber}/…`).
#[derive(Debug, Clone, Copy)]
pub struct Item(pub u64);

impl<S: Send + Sync> FromRequestParts<S> for Item {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        let Path((_, running_no)) = Path::<(String, u64)>::from_request_parts(parts, state).await?;
        Ok(Self(running_no))
    }
}

/// The `Idempotency-Key` header: 1–255 visible ASCII characters (`!`–`~`, no spaces),
/// as the OpenAPI document says; a UUID is typical.
#[derive(Debug, Clone)]
pub struct IdempotencyKey(pub String);

impl<S: Send + Sync> FromRequestParts<S> for IdempotencyKey {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        parts
            .headers
            .get("idempotency-key")
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
            .filter(|k| {
                (1..=255).contains(&k.len()) && k.bytes().all(|b| b.is_ascii_graphic())
            })
            .map(|k| Self(k.to_owned()))
            .ok_or_else(|| {
                Problem::new(
                    StatusCode::BAD_REQUEST,
                    "idempotency_key_required",
                    "an Idempotency-Key header of 1–255 visible ASCII characters (no spaces) is required",
                )
            })
    }
}

/// A JSON body: `Content-Type: application/json`, at most [`BODY_LIMIT`] bytes, and
/// exactly the fields of `T`.
#[derive(Debug, Clone)]
pub struct JsonBody<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for JsonBody<T> {
    type Rejection = Problem;

    async fn from_request(req: Request, state: &S) -> Result<Self, Problem> {
        let json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("application/json"));
        if !json {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "the body must be sent as Content-Type: application/json",
            ));
        }
        let body = Bytes::from_request(req, state).await?;
        if body.len() > BODY_LIMIT {
            return Err(Problem::for_status(StatusCode::PAYLOAD_TOO_LARGE));
        }
        Ok(Self(serde_json::from_slice(&body)?))
    }
}

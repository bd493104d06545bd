//! RFC 9457 problem responses (`application/problem+json`) with stable `code`s.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use seatquote_core::QuoteError;
use serde_json::{json, Value};

/// One failed request: what the client sees (status, stable code, detail) plus optional
/// extra members (`quote` for `quote_changed`) and a `Retry-After` header.
#[derive(Debug, Clone)]
pub struct Problem {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable machine code.
    pub code: &'static str,
    /// Human-readable detail (never internals).
    pub detail: String,
    /// Extra members merged into the body (boxed: keeps every `Result<_, Problem>` small).
    pub extra: Option<Box<(&'static str, Value)>>,
    /// `Retry-After` seconds.
    pub retry_after: Option<u64>,
}

impl Problem {
    /// A problem with a status, code and detail.
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            detail: detail.into(),
            extra: None,
            retry_after: None,
        }
    }

    /// 400 `invalid_body`.
    pub fn invalid_body(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_body", detail)
    }

    /// 401 `unauthorized`.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "unauthorized", detail)
    }

    /// 403 `forbidden`.
    pub fn forbidden() -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "forbidden",
            "this token does not grant access to that subscription",
        )
    }

    /// 404 `not_found`.
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not_found", detail)
    }

    /// 502 `upstream_error`.
    pub fn upstream_error(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_GATEWAY, "upstream_error", detail)
    }

    /// 500 `internal_error` (details go to the log, not the client).
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        tracing::error!(%cause, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal_error",
            "internal error",
        )
    }

    /// Adds a member to the body.
    pub fn with(mut self, key: &'static str, value: Value) -> Self {
        self.extra = Some(Box::new((key, value)));
        self
    }

    /// The JSON body.
    pub fn body(&self) -> Value {
        let mut v = json!({
            "type": format!("https://seatquote.dev/problems/{}", self.code),
            "title": self.status.canonical_reason().unwrap_or("Error"),
            "status": self.status.as_u16(),
            "detail": self.detail,
            "code": self.code,
        });
        if let (Some(extra), Some(obj)) = (&self.extra, v.as_object_mut()) {
            let (k, x) = &**extra;
            obj.insert((*k).to_owned(), x.clone());
        }
        v
    }
}

impl From<QuoteError> for Problem {
    fn from(e: QuoteError) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            e.code.as_str(),
            e.message.into_owned(),
        )
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = self.body().to_string();
        let mut res = (self.status, body).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(s) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        res
    }
}

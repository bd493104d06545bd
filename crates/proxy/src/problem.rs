//! RFC 9457 problem responses (`application/problem+json`) with stable `code`s, and the
//! `From` impls that turn every failure (the engine's, Cleverbridge's, axum's own
//! rejections) into one. The body is [`seatquote_core::contract::Problem`].

use axum::extract::rejection::{BytesRejection, PathRejection};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use seatquote_auth::AuthError;
use seatquote_core::contract::{self, Preview};
use seatquote_core::QuoteError;

use crate::store::StoreError;
use crate::upstream::UpstreamError;

/// One failed request: what the client sees (status, stable code, detail) plus, for
/// `quote_changed`, the new quote, and a `Retry-After` header.
#[derive(Debug, Clone)]
pub struct Problem {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable machine code.
    pub code: &'static str,
    /// Human-readable detail (never internals).
    pub detail: String,
    /// The new quote (`quote_changed`); boxed: keeps every `Result<_, Problem>` small.
    pub quote: Option<Box<Preview>>,
    /// `Retry-After` seconds.
    pub retry_after: Option<u64>,
    /// `WWW-Authenticate` (a refused customer token, RFC 6750 §3).
    pub www_authenticate: Option<&'static str>,
}

impl Problem {
    /// A problem with a status, code and detail.
    pub fn new(status: StatusCode, code: &'static str, detail: impl Into<String>) -> Self {
        Self {
            status,
            code,
            detail: detail.into(),
            quote: None,
            retry_after: None,
            www_authenticate: None,
        }
    }

    /// 400 `invalid_body`.
    pub fn invalid_body(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "invalid_body", detail)
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

    /// Attaches the new quote (`quote_changed`).
    pub fn with_quote(mut self, quote: Preview) -> Self {
        self.quote = Some(Box::new(quote));
        self
    }

    /// The body.
    pub fn body(&self) -> contract::Problem {
        contract::Problem {
            kind: format!("https://seatquote.dev/problems/{}", self.code),
            title: self.status.canonical_reason().unwrap_or("Error").to_owned(),
            status: self.status.as_u16(),
            detail: self.detail.clone(),
            code: self.code.to_owned(),
            quote: self.quote.clone(),
        }
    }

    /// The problem a bare error status stands for (axum's own answers that carry no
    /// detail: unknown route, wrong method, …).
    pub fn for_status(status: StatusCode) -> Self {
        match status {
            StatusCode::UNAUTHORIZED => AuthError::Missing.into(),
            StatusCode::NOT_FOUND => Self::not_found("no such resource"),
            StatusCode::METHOD_NOT_ALLOWED => Self::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                "this method is not allowed here; see the Allow header",
            ),
            StatusCode::PAYLOAD_TOO_LARGE => Self::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                "the body is too large",
            ),
            StatusCode::UNSUPPORTED_MEDIA_TYPE => Self::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "the body must be sent as Content-Type: application/json",
            ),
            s if s.is_server_error() => Self {
                status: s,
                ..Self::internal(s)
            },
            s => Self {
                status: s,
                ..Self::new(
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "the request cannot be served",
                )
            },
        }
    }
}

/// A storage failure: 500 `internal_error` (the cause goes to the log).
impl From<StoreError> for Problem {
    fn from(e: StoreError) -> Self {
        Self::internal(e)
    }
}

/// A refused customer token: its stable code, status and message, and on a 401 the
/// `WWW-Authenticate` challenge.
impl From<AuthError> for Problem {
    fn from(e: AuthError) -> Self {
        Self {
            www_authenticate: e.www_authenticate(),
            ..Self::new(e.status(), e.code(), e.message())
        }
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

impl From<PathRejection> for Problem {
    fn from(e: PathRejection) -> Self {
        if e.status().is_server_error() {
            return Self::internal(e.body_text());
        }
        Self::new(
            StatusCode::BAD_REQUEST,
            "invalid_path_parameter",
            e.body_text(),
        )
    }
}

impl From<BytesRejection> for Problem {
    fn from(e: BytesRejection) -> Self {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Self::for_status(StatusCode::PAYLOAD_TOO_LARGE)
        } else {
            Self::invalid_body(e.body_text())
        }
    }
}

impl From<serde_json::Error> for Problem {
    fn from(e: serde_json::Error) -> Self {
        let msg = e.to_string();
        if msg.starts_with("unknown field") {
            Self::new(
                StatusCode::BAD_REQUEST,
                "unknown_field",
                format!("{msg} (prices and other fields are decided by the server)"),
            )
        } else {
            Self::invalid_body(msg)
        }
    }
}

impl From<UpstreamError> for Problem {
    fn from(e: UpstreamError) -> Self {
        match e {
            UpstreamError::Timeout => Self::new(
                StatusCode::GATEWAY_TIMEOUT,
                "upstream_timeout",
                "Cleverbridge did not answer in time",
            ),
            UpstreamError::Unavailable { retry_after } => {
                let mut p = Self::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "upstream_unavailable",
                    "Cleverbridge is unavailable or rate limiting; try again later",
                );
                p.retry_after = Some(retry_after);
                p
            }
            UpstreamError::Status { status: 404, .. } => {
                Self::not_found("no such subscription or item at Cleverbridge")
            }
            UpstreamError::Status {
                status: 400 | 402,
                message,
            } => refused(message),
            UpstreamError::Status { status, .. } => {
                Self::upstream_error(format!("Cleverbridge answered HTTP {status}"))
            }
            UpstreamError::Malformed(_) => {
                Self::upstream_error("Cleverbridge sent a response this proxy cannot read")
            }
            UpstreamError::Reset => {
                Self::upstream_error("the connection to Cleverbridge ended without an answer")
            }
        }
    }
}

/// Cleverbridge's 400/402 refusals, told apart by their `ResultMessage`.
fn refused(message: String) -> Problem {
    let m = message.to_ascii_lowercase();
    if m.contains("currency differs") {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "currency_mismatch",
            message,
        )
    } else if m.contains("negative") {
        Problem::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "negative_alignment",
            message,
        )
    } else if m.contains("not active") {
        Problem::new(StatusCode::CONFLICT, "subscription_not_active", message)
    } else {
        Problem::upstream_error(format!("Cleverbridge refused the request: {message}"))
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let body = serde_json::to_string(&self.body()).unwrap_or_default();
        let mut res = (self.status, body).into_response();
        res.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if let Some(s) = self.retry_after {
            res.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(s));
        }
        if let Some(w) = self.www_authenticate {
            res.headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(w));
        }
        res
    }
}

/// Middleware: any error answer that is not already a problem document (axum's 404 for
/// an unknown route, 405 for a wrong method, …) becomes one, keeping its status and
/// headers (`Allow` on a 405).
pub async fn problems_only(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let res = next.run(req).await;
    let status = res.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    let is_problem = res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if is_problem {
        return res;
    }
    let (mut parts, _) = res.into_parts();
    let problem = Problem::for_status(status).into_response();
    parts.headers.remove(header::CONTENT_LENGTH);
    let (pparts, body) = problem.into_parts();
    parts.headers.extend(pparts.headers);
    Response::from_parts(parts, body)
}

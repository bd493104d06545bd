//! [`UpstreamError`]: why a Cleverbridge call failed, and whether it certainly changed
//! nothing; and reading an answer's body within [`MAX_UPSTREAM_BODY`].

/// Why an upstream call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UpstreamError {
    /// No answer within the timeout.
    Timeout,
    /// 429 (rate limited), held back by the budget, or no connection (nothing was
    /// sent): try later.
    Unavailable {
        /// Seconds to wait.
        retry_after: u64,
    },
    /// A non-2xx answer (other than 429), with Cleverbridge's `ResultMessage` if any.
    Status {
        /// HTTP status.
        status: u16,
        /// Message.
        message: String,
    },
    /// 200 with a body that is not the documented shape.
    Malformed(String),
    /// The connection ended without an answer after the request may have been written:
    /// Cleverbridge may or may not have acted on it.
    Reset,
}

impl UpstreamError {
    /// The metrics label of this outcome.
    pub fn outcome(&self) -> &'static str {
        match self {
            Self::Timeout => "timeout",
            Self::Unavailable { .. } => "unavailable",
            Self::Status { .. } => "status",
            Self::Malformed(_) => "malformed",
            Self::Reset => "reset",
        }
    }

    /// Whether the request certainly did not change anything upstream: only no
    /// connection or held back by the budget (nothing sent), an answered 429 and an
    /// answered 4xx. A reset, a
    /// timeout, a 5xx or an unreadable answer leave the outcome unknown.
    pub fn certainly_not_applied(&self) -> bool {
        match self {
            Self::Unavailable { .. } => true,
            Self::Status { status, .. } => *status < 500,
            _ => false,
        }
    }
}

/// Largest upstream body read; a longer one is refused as malformed.
pub const MAX_UPSTREAM_BODY: usize = 1024 * 1024;

/// Reads a body up to [`MAX_UPSTREAM_BODY`] bytes.
pub(crate) async fn read_limited(mut resp: reqwest::Response) -> Result<String, UpstreamError> {
    let read_error = |e: reqwest::Error| {
        if e.is_timeout() {
            UpstreamError::Timeout
        } else {
            UpstreamError::Malformed(e.to_string())
        }
    };
    if resp
        .content_length()
        .is_some_and(|n| n > MAX_UPSTREAM_BODY as u64)
    {
        return Err(UpstreamError::Malformed("the body is too large".into()));
    }
    let mut buf = Vec::new();
    while let Some(chunk) = resp.chunk().await.map_err(read_error)? {
        if buf.len() + chunk.len() > MAX_UPSTREAM_BODY {
            return Err(UpstreamError::Malformed("the body is too large".into()));
        }
        buf.extend_from_slice(&chunk);
    }
    String::from_utf8(buf).map_err(|e| UpstreamError::Malformed(e.to_string()))
}

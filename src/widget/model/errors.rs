//! The failures the widget knows how to explain, and what each means for the customer.

/// A failure the widget knows how to explain (the proxy's problem codes, plus the
/// widget's own `network` and `invalid_options`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ErrorCode {
    /// 401.
    Unauthorized,
    /// 403.
    Forbidden,
    /// 404, or the configured item is not in the subscription.
    NotFound,
    /// The policy does not allow this alignment mode.
    ModeNotAllowed,
    /// The quantity is outside the item's limits.
    QuantityOutOfRange,
    /// The subscription cannot be changed now.
    SubscriptionNotActive,
    /// A decrease in the middle of a period would need a refund.
    NegativeAlignment,
    /// The price changed between preview and commit.
    QuoteChanged,
    /// The quote token expired.
    QuoteExpired,
    /// Another commit of this quote has an unknown outcome.
    QuoteCommitPending,
    /// A commit with this key is running.
    IdempotencyKeyInProgress,
    /// The proxy could not settle an earlier attempt with this key yet (it may have been applied).
    CommitOutcomeUnknown,
    /// The subscription changed elsewhere while this commit's outcome was unknown; final.
    CommitDisputed,
    /// The commit was sent, then found not applied (nothing was charged): a fresh quote
    /// must be agreed to.
    CommitNotApplied,
    /// Another change to the same item is not finished; this one was not sent.
    ItemChangeInProgress,
    /// The key was used for another request.
    IdempotencyKeyReused,
    /// Cleverbridge did not answer in time.
    UpstreamTimeout,
    /// Cleverbridge is busy (rate limited); nothing was done.
    UpstreamUnavailable,
    /// Cleverbridge failed.
    UpstreamError,
    /// The proxy failed.
    InternalError,
    /// No answer at all (connection lost, offline).
    Network,
    /// The widget's options are wrong (or the locale is unknown).
    InvalidOptions,
    /// A `<seat-quote>` had neither a `getToken` property nor a `token` attribute when a
    /// request had to be sent (a setup mistake, not an expired session).
    TokenSourceMissing,
    /// Any other code (kept for the `seatquote:error` event).
    Other(String),
}

impl ErrorCode {
    /// Reads a problem code.
    pub fn parse(code: &str) -> Self {
        match code {
            "unauthorized"
            | "token_missing"
            | "token_invalid"
            | "token_audience"
            | "token_expired"
            | "token_not_yet_valid" => Self::Unauthorized,
            "forbidden" | "forbidden_subscription" => Self::Forbidden,
            "not_found" => Self::NotFound,
            "mode_not_allowed" | "invalid_alignment" => Self::ModeNotAllowed,
            "quantity_out_of_range" => Self::QuantityOutOfRange,
            "subscription_not_active" => Self::SubscriptionNotActive,
            "negative_alignment" => Self::NegativeAlignment,
            "quote_changed" => Self::QuoteChanged,
            "quote_expired" => Self::QuoteExpired,
            "quote_commit_pending" => Self::QuoteCommitPending,
            "idempotency_key_in_progress" => Self::IdempotencyKeyInProgress,
            "commit_outcome_unknown" => Self::CommitOutcomeUnknown,
            "commit_disputed" => Self::CommitDisputed,
            "commit_not_applied" => Self::CommitNotApplied,
            "item_change_in_progress" => Self::ItemChangeInProgress,
            "idempotency_key_reused" => Self::IdempotencyKeyReused,
            "upstream_timeout" => Self::UpstreamTimeout,
            "upstream_unavailable" | "rate_limited" | "token_keys_unavailable" => {
                Self::UpstreamUnavailable
            }
            "upstream_error" => Self::UpstreamError,
            "internal_error" => Self::InternalError,
            "network" => Self::Network,
            "invalid_options" => Self::InvalidOptions,
            "token_source_missing" => Self::TokenSourceMissing,
            other => Self::Other(other.to_owned()),
        }
    }

    /// The code as the `seatquote:error` event carries it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Unauthorized => "unauthorized",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::ModeNotAllowed => "mode_not_allowed",
            Self::QuantityOutOfRange => "quantity_out_of_range",
            Self::SubscriptionNotActive => "subscription_not_active",
            Self::NegativeAlignment => "negative_alignment",
            Self::QuoteChanged => "quote_changed",
            Self::QuoteExpired => "quote_expired",
            Self::QuoteCommitPending => "quote_commit_pending",
            Self::IdempotencyKeyInProgress => "idempotency_key_in_progress",
            Self::CommitOutcomeUnknown => "commit_outcome_unknown",
            Self::CommitDisputed => "commit_disputed",
            Self::CommitNotApplied => "commit_not_applied",
            Self::ItemChangeInProgress => "item_change_in_progress",
            Self::IdempotencyKeyReused => "idempotency_key_reused",
            Self::UpstreamTimeout => "upstream_timeout",
            Self::UpstreamUnavailable => "upstream_unavailable",
            Self::UpstreamError => "upstream_error",
            Self::InternalError => "internal_error",
            Self::Network => "network",
            Self::InvalidOptions => "invalid_options",
            Self::TokenSourceMissing => "token_source_missing",
            Self::Other(s) => s,
        }
    }

    /// The catalogue key of the customer-facing text.
    pub fn message_key(&self) -> &'static str {
        match self {
            Self::Unauthorized => "err_unauthorized",
            Self::Forbidden => "err_forbidden",
            Self::NotFound => "err_not_found",
            Self::ModeNotAllowed => "err_mode",
            Self::QuantityOutOfRange => "err_quantity",
            Self::SubscriptionNotActive => "err_not_active",
            Self::NegativeAlignment => "negative_alignment",
            Self::QuoteChanged => "quote_changed",
            Self::QuoteExpired => "quote_expired",
            Self::CommitNotApplied => "commit_not_applied",
            Self::UpstreamTimeout
            | Self::UpstreamUnavailable
            | Self::UpstreamError
            | Self::InternalError => "err_busy",
            Self::ItemChangeInProgress => "err_in_progress",
            Self::Network => "err_network",
            Self::InvalidOptions | Self::TokenSourceMissing => "err_config",
            // A plan or add-on change the catalogue refuses (docs/widget.md, "Plans and add-ons").
            Self::Other(s)
                if matches!(
                    s.as_str(),
                    "product_not_allowed"
                        | "addon_present"
                        | "item_not_removable"
                        | "last_item"
                        | "empty_change"
                ) =>
            {
                "err_change"
            }
            _ => "err_generic",
        }
    }

    /// Whether retrying cannot help: the subscription is not this customer's, or not
    /// active (the widget says why and offers no Try again).
    pub fn is_final(&self) -> bool {
        matches!(self, Self::Forbidden | Self::SubscriptionNotActive)
    }

    /// Whether a commit that failed this way may still have been applied: no answer, a
    /// timeout, a 5xx other than "busy" (503 means Cleverbridge refused it untouched), or
    /// a proxy saying an earlier attempt is unsettled, or that it could not tell (disputed).
    pub fn commit_outcome_unknown(&self) -> bool {
        matches!(
            self,
            Self::UpstreamTimeout
                | Self::UpstreamError
                | Self::InternalError
                | Self::Network
                | Self::QuoteCommitPending
                | Self::IdempotencyKeyInProgress
                | Self::CommitOutcomeUnknown
                | Self::CommitDisputed
        )
    }
}

//! The failures the widget knows how to explain, and what each means for the customer.

/// A failure the widget knows how to explain (the proxy's problem codes, plus the
/// widget's own `network` and `invalid_options`).
#[derive(Debug, PartialEq, Eq)]
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

/// The wire names of the codes without data, in their declaration order (DESIGN.md, "Size
/// and speed": one table read by a loop is smaller in the wasm module than a `match` on
/// strings for reading and another for writing).
const NAMES: [&str; 23] = [
    "unauthorized",
    "forbidden",
    "not_found",
    "mode_not_allowed",
    "quantity_out_of_range",
    "subscription_not_active",
    "negative_alignment",
    "quote_changed",
    "quote_expired",
    "quote_commit_pending",
    "idempotency_key_in_progress",
    "commit_outcome_unknown",
    "commit_disputed",
    "commit_not_applied",
    "item_change_in_progress",
    "idempotency_key_reused",
    "upstream_timeout",
    "upstream_unavailable",
    "upstream_error",
    "internal_error",
    "network",
    "invalid_options",
    "token_source_missing",
];

/// Other wire names read as one of [`NAMES`] (by index).
const ALIASES: [(&str, usize); 9] = [
    ("token_missing", 0),
    ("token_invalid", 0),
    ("token_audience", 0),
    ("token_expired", 0),
    ("token_not_yet_valid", 0),
    ("forbidden_subscription", 1),
    ("invalid_alignment", 3),
    ("rate_limited", 17),
    ("token_keys_unavailable", 17),
];

impl Clone for ErrorCode {
    fn clone(&self) -> Self {
        match self {
            Self::Other(s) => Self::Other(s.clone()),
            known => Self::known(known.index()),
        }
    }
}

impl ErrorCode {
    /// The code of [`NAMES`]`[i]` (the last one past the end).
    fn known(i: usize) -> Self {
        match i {
            0 => Self::Unauthorized,
            1 => Self::Forbidden,
            2 => Self::NotFound,
            3 => Self::ModeNotAllowed,
            4 => Self::QuantityOutOfRange,
            5 => Self::SubscriptionNotActive,
            6 => Self::NegativeAlignment,
            7 => Self::QuoteChanged,
            8 => Self::QuoteExpired,
            9 => Self::QuoteCommitPending,
            10 => Self::IdempotencyKeyInProgress,
            11 => Self::CommitOutcomeUnknown,
            12 => Self::CommitDisputed,
            13 => Self::CommitNotApplied,
            14 => Self::ItemChangeInProgress,
            15 => Self::IdempotencyKeyReused,
            16 => Self::UpstreamTimeout,
            17 => Self::UpstreamUnavailable,
            18 => Self::UpstreamError,
            19 => Self::InternalError,
            20 => Self::Network,
            21 => Self::InvalidOptions,
            _ => Self::TokenSourceMissing,
        }
    }

    /// Its index in [`NAMES`] (`Other`: past the end).
    fn index(&self) -> usize {
        match self {
            Self::Unauthorized => 0,
            Self::Forbidden => 1,
            Self::NotFound => 2,
            Self::ModeNotAllowed => 3,
            Self::QuantityOutOfRange => 4,
            Self::SubscriptionNotActive => 5,
            Self::NegativeAlignment => 6,
            Self::QuoteChanged => 7,
            Self::QuoteExpired => 8,
            Self::QuoteCommitPending => 9,
            Self::IdempotencyKeyInProgress => 10,
            Self::CommitOutcomeUnknown => 11,
            Self::CommitDisputed => 12,
            Self::CommitNotApplied => 13,
            Self::ItemChangeInProgress => 14,
            Self::IdempotencyKeyReused => 15,
            Self::UpstreamTimeout => 16,
            Self::UpstreamUnavailable => 17,
            Self::UpstreamError => 18,
            Self::InternalError => 19,
            Self::Network => 20,
            Self::InvalidOptions => 21,
            Self::TokenSourceMissing => 22,
            Self::Other(_) => 23,
        }
    }

    /// Reads a problem code.
    pub fn parse(code: &str) -> Self {
        let known = NAMES.iter().position(|n| *n == code);
        let alias = || ALIASES.iter().find(|(n, _)| *n == code).map(|a| a.1);
        match known.or_else(alias) {
            Some(i) => Self::known(i),
            None => Self::Other(code.to_owned()),
        }
    }

    /// The code as the `seatquote:error` event carries it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Other(s) => s,
            known => NAMES.get(known.index()).copied().unwrap_or_default(),
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
            // Another refusal of the change: the catalogue's (`product_not_allowed`,
            // `addon_present`, `item_not_removable`, `last_item`, `empty_change`) or the
            // engine's: "not available" (docs/widget.md, "Plans and add-ons").
            Self::Other(_) => "err_mode",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_reads_back_as_itself_and_aliases_as_theirs() {
        for (i, name) in NAMES.iter().enumerate() {
            let code = ErrorCode::parse(name);
            assert_eq!((code.index(), code.as_str()), (i, *name));
            assert_eq!(code.clone(), code);
        }
        for (alias, i) in ALIASES {
            assert_eq!(ErrorCode::parse(alias).as_str(), NAMES[i]);
        }
        assert_eq!(ErrorCode::parse("token_expired"), ErrorCode::Unauthorized);
        assert_eq!(
            ErrorCode::parse("rate_limited"),
            ErrorCode::UpstreamUnavailable
        );
        let other = ErrorCode::parse("last_item");
        assert_eq!(other, ErrorCode::Other("last_item".into()));
        assert_eq!(
            (other.as_str(), other.clone()),
            ("last_item", other.clone())
        );
    }
}

//! A commit intent: what the proxy is about to send upstream, recorded before it is sent,
//! and where it stands (DESIGN.md, "The commit state machine").

/// Where an unfinished commit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntentState {
    /// Recorded durably; nothing sent yet (certainly not applied).
    Recorded,
    /// About to be sent or in flight: the outcome is not known yet.
    Sent,
    /// Sent, and the answer said nothing certain (reset, timeout, 5xx).
    Unknown,
}

impl IntentState {
    /// The stored spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Recorded => "recorded",
            Self::Sent => "sent",
            Self::Unknown => "unknown",
        }
    }

    /// An unfinished state from its stored spelling; `None` for a finished one (`done`,
    /// `disputed`). `pending` is the spelling of SQLite stores written before the ledger's
    /// states.
    pub fn from_stored(stored: &str) -> Option<Self> {
        match stored {
            "recorded" => Some(Self::Recorded),
            "sent" | "pending" => Some(Self::Sent),
            "unknown" => Some(Self::Unknown),
            _ => None,
        }
    }
}

/// A commit the proxy is about to send upstream (written **before** the upstream call).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Intent {
    /// `customer \u{1f} Idempotency-Key`.
    pub key: String,
    /// Hash of what the request asked for (same key + other request → 422).
    pub fingerprint: String,
    /// The quote token's id: one commit per token.
    pub jti: String,
    /// Subscription.
    pub subscription: String,
    /// Item.
    pub running_no: u64,
    /// Seats before the change (as read by the commit's guard read).
    pub from_quantity: u32,
    /// Seats after the change.
    pub quantity: u32,
    /// The 200 body to return once the commit is known to have happened.
    pub response: String,
    /// Where it stands.
    pub state: IntentState,
    /// Not resolvable by reading Cleverbridge before this time (the upstream call's
    /// deadline has passed by then).
    pub resolve_after: i64,
}

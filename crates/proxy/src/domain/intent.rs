//! A commit intent: what the proxy is about to send upstream, recorded before it is sent,
//! and where it stands (DESIGN.md, "The commit state machine").

use super::catalogue::Kind;

/// Where an unfinished commit stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntentState {
    /// Recorded durably; nothing sent yet (certainly not applied).
    Recorded,
    /// About to be sent or in flight: the outcome is not known yet.
    Sent,
    /// Sent, and the answer said nothing certain (reset, timeout, 5xx).
    Unknown,
    /// A change at the next billing date, waiting for it; nothing sent (DESIGN.md,
    /// "Scheduled changes"). Read so only by the schedule store: for a key it is a
    /// finished answer (`from_stored` gives `None`).
    Scheduled,
    /// Unknown, and parked after too many reads that could not resolve it
    /// (`SEATQUOTE_COMMIT_MAX_RESOLVE_FAILURES`): read no more until an operator retries it.
    /// Stored as `unknown` with its `attention_ms` set.
    NeedsAttention,
}

impl IntentState {
    /// The spelling (the stored one, except `needs_attention`, stored as `unknown` with
    /// its `attention_ms` set).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Recorded => "recorded",
            Self::Sent => "sent",
            Self::Unknown => "unknown",
            Self::Scheduled => "scheduled",
            Self::NeedsAttention => "needs_attention",
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
    /// This attempt's own id under the key, written by `begin`: every later write of the
    /// attempt matches the key **and** it (fencing: DESIGN.md, "The commit state machine").
    pub attempt: String,
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
    /// Not resolvable by reading Cleverbridge before this time, on the store's clock
    /// (the upstream call's deadline has passed by then).
    pub resolve_after: i64,
    /// The item before the change, as the guard read showed it (`None` until planned,
    /// and in records written before item states were stored).
    pub before: Option<Box<ItemState>>,
    /// The item as the change intends it (`None` as for `before`).
    pub intended: Option<Box<ItemState>>,
    /// For a scheduled change (DESIGN.md, "Scheduled changes"): the date it takes effect,
    /// `YYYY-MM-DD`; `None` for a change made at once.
    pub effective_on: Option<String>,
    /// The kind of change and its products (DESIGN.md, "Plans, add-ons and drops").
    pub change: Box<ChangeOf>,
}

/// What kind of change an intent makes and the products before and after it (`seats`
/// and no products in records written before kinds).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ChangeOf {
    /// The kind.
    pub kind: Kind,
    /// The product before (`None` for an add).
    pub product_before: Option<String>,
    /// The product after (`None` for a drop).
    pub product_after: Option<String>,
}

/// An item as a read shows it, in the fields a commit can change (DESIGN.md, "The commit
/// state machine"): what resolution compares, instead of the quantity alone. A field that
/// is `None` in an intended state is not predicted and not compared.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ItemState {
    /// The product.
    pub product_id: Option<String>,
    /// Seats.
    pub quantity: u32,
    /// The subscription's next billing date, `YYYY-MM-DD`.
    pub next_billing_date: Option<String>,
    /// The item's next-billing gross price (decimal string, normalised).
    pub next_billing_price: Option<String>,
    /// Whether the item has a deactivation date (a drop: it ends at the next billing
    /// date). Always compared.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub deactivated: bool,
    /// An add: the running numbers the subscription held before it (the added item is a
    /// current item of `product_id` not among them). `None` for a change of an item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub existing: Option<Vec<u64>>,
}

impl ItemState {
    /// Whether `read` shows this state: every field known here is equal there.
    pub fn shown_by(&self, read: &ItemState) -> bool {
        let same = |want: &Option<String>, got: &Option<String>| {
            want.as_ref().is_none_or(|w| got.as_ref() == Some(w))
        };
        self.quantity == read.quantity
            && self.deactivated == read.deactivated
            && same(&self.product_id, &read.product_id)
            && same(&self.next_billing_date, &read.next_billing_date)
            && same(&self.next_billing_price, &read.next_billing_price)
    }
}

/// What a read of the item says about an unfinished commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// The intended state, and not the state before: applied.
    Intended,
    /// The state before, and not the intended one.
    Before,
    /// Both at once: this change cannot be told apart by reading.
    Indistinguishable,
    /// Neither.
    Neither,
}

impl Intent {
    /// What this intent holds while unfinished: its item's running number, or for an add
    /// `add:<productId>` (one unfinished add per subscription and product).
    pub fn item_lock(&self) -> String {
        match (self.change.kind, &self.change.product_after) {
            (Kind::Add, Some(p)) => format!("add:{p}"),
            _ => self.running_no.to_string(),
        }
    }

    /// The customer whose commit this is (the part of the key before the separator).
    pub fn customer(&self) -> &str {
        self.key.split('\u{1f}').next().unwrap_or_default()
    }

    /// The customer's own `Idempotency-Key` (the part of the key after the separator).
    pub fn idempotency_key(&self) -> &str {
        self.key.split_once('\u{1f}').map_or("", |(_, k)| k)
    }

    /// The state before the change (as the guard read showed it; the quantity alone for a
    /// record written before states were stored).
    pub fn before_state(&self) -> ItemState {
        self.before.as_deref().cloned().unwrap_or(ItemState {
            quantity: self.from_quantity,
            ..ItemState::default()
        })
    }

    /// The state the change intends.
    pub fn intended_state(&self) -> ItemState {
        self.intended.as_deref().cloned().unwrap_or(ItemState {
            quantity: self.quantity,
            ..ItemState::default()
        })
    }

    /// What `read` (the item now) says about this commit.
    pub fn judge(&self, read: &ItemState) -> Shown {
        match (
            self.intended_state().shown_by(read),
            self.before_state().shown_by(read),
        ) {
            (true, false) => Shown::Intended,
            (false, true) => Shown::Before,
            (true, true) => Shown::Indistinguishable,
            (false, false) => Shown::Neither,
        }
    }
}

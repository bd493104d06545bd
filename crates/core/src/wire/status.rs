//! `SubscriptionStatus`, as an integer or a name.

use std::str::FromStr;

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::value::RawValue;

/// `SubscriptionStatus`, sent by Cleverbridge as an integer or a name.
///
/// Cleverbridge's pages disagree on the integers; seatquote uses **one** numbering, the
/// order of Cleverbridge's status names counted from 1: 1 Active, 2 Deactivated, 3 Finished,
/// 4 Grace, 5 Hold, 6 New, 7 Handled by client, 8 Awaiting new order. Any other value is
/// [`SubscriptionStatus::Unknown`], which is not Active (so updates are refused, the
/// safe side).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SubscriptionStatus {
    /// Running normally; the only status that allows updates.
    Active,
    /// Deactivated.
    Deactivated,
    /// Ended.
    Finished,
    /// A payment failed; in its grace period.
    Grace,
    /// On hold.
    Hold,
    /// Not yet started.
    New,
    /// Managed by the client.
    HandledByClient,
    /// Waiting for a new order.
    AwaitingNewOrder,
    /// Anything else, kept as received.
    #[default]
    Unknown,
}

impl SubscriptionStatus {
    /// Every known status, in the numbering order (1 …).
    pub const KNOWN: [SubscriptionStatus; 8] = [
        Self::Active,
        Self::Deactivated,
        Self::Finished,
        Self::Grace,
        Self::Hold,
        Self::New,
        Self::HandledByClient,
        Self::AwaitingNewOrder,
    ];

    /// The integer seatquote uses for this status (0 for unknown).
    pub fn code(&self) -> u8 {
        Self::KNOWN
            .iter()
            .position(|s| s == self)
            .map_or(0, |i| i as u8 + 1)
    }

    /// The status for an integer; unknown integers give [`Self::Unknown`].
    pub fn from_code(n: u64) -> Self {
        usize::try_from(n)
            .ok()
            .and_then(|n| n.checked_sub(1))
            .and_then(|i| Self::KNOWN.get(i).cloned())
            .unwrap_or(Self::Unknown)
    }

    /// The status's name as Cleverbridge writes it (`"Handled by client"`).
    pub fn name(&self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Deactivated => "Deactivated",
            Self::Finished => "Finished",
            Self::Grace => "Grace",
            Self::Hold => "Hold",
            Self::New => "New",
            Self::HandledByClient => "Handled by client",
            Self::AwaitingNewOrder => "Awaiting new order",
            Self::Unknown => "Unknown",
        }
    }

    /// The status for a name, ignoring case, spaces and underscores; an integer in a
    /// string counts as that integer.
    pub fn from_name(s: &str) -> Self {
        let key: String = s
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '_')
            .map(|c| c.to_ascii_lowercase())
            .collect();
        if let Ok(n) = key.parse::<u64>() {
            return Self::from_code(n);
        }
        Self::KNOWN
            .iter()
            .find(|st| st.name().replace(' ', "").to_ascii_lowercase() == key)
            .cloned()
            .unwrap_or(Self::Unknown)
    }

    /// Whether updates are allowed.
    pub fn is_active(&self) -> bool {
        *self == Self::Active
    }

    /// The camelCase name used in seatquote's own JSON (`"active"`, `"handledByClient"`).
    pub fn api_name(&self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Deactivated => "deactivated",
            Self::Finished => "finished",
            Self::Grace => "grace",
            Self::Hold => "hold",
            Self::New => "new",
            Self::HandledByClient => "handledByClient",
            Self::AwaitingNewOrder => "awaitingNewOrder",
            Self::Unknown => "unknown",
        }
    }
}

impl<'de> Deserialize<'de> for SubscriptionStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(d)?;
        let t = raw.get().trim();
        if t.starts_with('"') {
            let s = serde_json::from_str::<String>(t).map_err(de::Error::custom)?;
            Ok(Self::from_name(&s))
        } else {
            Ok(t.parse::<u64>().map_or(Self::Unknown, Self::from_code))
        }
    }
}

impl Serialize for SubscriptionStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.code())
    }
}

impl FromStr for SubscriptionStatus {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::from_name(s))
    }
}

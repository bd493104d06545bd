//! Quote tokens: what one signed quote binds ([`QuoteClaims`]). They are the proxy's own,
//! signed and verified by `seatquote_auth::QuoteKeys` (key id in the token, so the
//! `SEATQUOTE_TOKEN_SECRET` rotates through `SEATQUOTE_TOKEN_SECRET_PREVIOUS`; see
//! docs/tokens.md). Customer tokens are JWTs, verified in `http::auth`.

use seatquote_auth::Expiring;
use serde::{Deserialize, Serialize};
use sha2::Sha256;

/// The token kind quote tokens are signed as.
pub const QUOTE_KIND: &str = "quote";

/// What a quote token binds: subscription, item, quantity, mode, customer, date and a
/// hash of every amount.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuoteClaims {
    /// Customer.
    pub cus: String,
    /// Subscription.
    pub sub: String,
    /// Running number.
    pub item: u64,
    /// New quantity.
    pub qty: u32,
    /// Alignment mode (`immediate` …).
    pub mode: String,
    /// The change date the quote was computed for.
    pub date: String,
    /// SHA-256 (hex) of the quote's canonical JSON.
    pub qh: String,
    /// Random id (one commit per token).
    pub jti: String,
    /// Expiry, Unix seconds.
    pub exp: i64,
    /// A hash of Cleverbridge's raw read of the subscription the quote was made from
    /// (every field it sent, minus volatile ones): a commit whose guard read hashes the
    /// same, on the same date and soon after the preview (`at`), reuses the quoted upstream
    /// amounts instead of previewing again. Absent on older tokens: they preview again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rh: Option<String>,
    /// When the preview was made, Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<i64>,
    /// Cleverbridge's amounts as quoted (absent on older tokens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub up: Option<Quoted>,
    /// The kind of change (`seats`, `plan`, `add`, `drop`; absent on older tokens:
    /// `seats`): a token for one kind cannot commit another.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The product before the change (absent for an add and on older tokens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pb: Option<String>,
    /// The product after the change (absent for a drop and on older tokens).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pa: Option<String>,
}

impl QuoteClaims {
    /// The kind of change the quote is for.
    pub fn kind(&self) -> super::catalogue::Kind {
        super::catalogue::Kind::parse(self.kind.as_deref().unwrap_or("seats"))
    }
}

/// The amounts of a quote that come from Cleverbridge's preview (the rest is the
/// engine's, from the subscription): alignment net/VAT/gross, next billing net/VAT/gross
/// and the next billing date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Quoted(pub [String; 7]);

impl Expiring for QuoteClaims {
    fn exp(&self) -> i64 {
        self.exp
    }
}

/// Hex SHA-256.
pub fn sha256_hex(data: &[u8]) -> String {
    use sha2::Digest;
    let d = Sha256::digest(data);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

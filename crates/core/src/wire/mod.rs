//! Cleverbridge Subscription API wire types (see "Cleverbridge's wire" in `DESIGN.md`): `getsubscription` and
//! `updatesubscriptionitem`, in PascalCase JSON.
//!
//! Strict in what we send, liberal in what we accept:
//!
//! - JSON numbers are read **exactly** into [`Decimal`] from their raw text (through
//!   `serde_json`'s `RawValue`, never through `f64`); numbers written as strings are
//!   accepted too. Deserialize these types with `serde_json::from_str` / `from_slice`
//!   (not `from_value`: the raw text is needed).
//! - Unknown fields are ignored; everything Cleverbridge may leave out is optional.
//! - `RunningNo` or `RunningNumber`; the `{"Subscription": …}` wrapper or a bare object
//!   ([`parse_get_subscription`]).
//! - Status as an integer or a name ([`SubscriptionStatus`]); an unknown value is not
//!   Active.
//! - Dates with or without an offset, with up to 9 fractional digits, or a bare
//!   `YYYY-MM-DD` ([`WireDate`]): the UTC calendar date is kept.
//! - `UpdateAction` as an integer or a name; always sent as the integer.
//!
//! What we send mirrors the real API's untidiness where the sandbox needs it: status as
//! its integer, dates without an offset, `RunningNo` in subscription items.

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::de::{self, Deserializer};
use serde::ser::{self, Serializer};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::alignment::{Alignment, AlignmentFlags, UpdateAction};
use crate::date::{Date, Interval};

/// A wire document that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireError(pub String);

impl fmt::Display for WireError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "malformed Cleverbridge response: {}", self.0)
    }
}

impl std::error::Error for WireError {}

// ---------------------------------------------------------------------------------------
// Exact numbers

/// Parses the raw JSON text of a number (`2400.0`, `1e3`) or of a string holding one
/// (`"2016.81"`) into an exact [`Decimal`]. `None` for anything else.
///
/// ```
/// use seatquote_core::wire::decimal_from_raw;
/// assert_eq!(decimal_from_raw("1008.40").unwrap().to_string(), "1008.40");
/// assert_eq!(decimal_from_raw("\"383.19\"").unwrap().to_string(), "383.19");
/// assert_eq!(decimal_from_raw("0.1").unwrap().to_string(), "0.1");
/// assert!(decimal_from_raw("true").is_none());
/// ```
pub fn decimal_from_raw(raw: &str) -> Option<Decimal> {
    let raw = raw.trim();
    let owned;
    let text = if raw.starts_with('"') {
        owned = serde_json::from_str::<String>(raw).ok()?;
        owned.trim()
    } else {
        raw
    };
    if text.is_empty() || text.len() > 64 {
        return None;
    }
    let ok_chars = text
        .bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    if !ok_chars {
        return None;
    }
    if text.contains(['e', 'E']) {
        Decimal::from_scientific(text).ok()
    } else {
        Decimal::from_str_exact(text).ok()
    }
}

/// An exact decimal on the wire: read from a JSON number or numeric string, written as a
/// JSON number with exactly the decimal's digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct WireDecimal(pub Decimal);

impl<'de> Deserialize<'de> for WireDecimal {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(d)?;
        decimal_from_raw(raw.get())
            .map(WireDecimal)
            .ok_or_else(|| de::Error::custom(format!("not a decimal number: {}", raw.get())))
    }
}

impl Serialize for WireDecimal {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let raw = RawValue::from_string(self.0.to_string()).map_err(ser::Error::custom)?;
        raw.serialize(s)
    }
}

impl From<Decimal> for WireDecimal {
    fn from(d: Decimal) -> Self {
        Self(d)
    }
}

/// A non-negative whole number on the wire (`2`, `2.0`, `"2"`), as `u64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct WireUint(pub u64);

impl<'de> Deserialize<'de> for WireUint {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let WireDecimal(v) = WireDecimal::deserialize(d)?;
        if v.fract().is_zero() && !v.is_sign_negative() {
            if let Ok(n) = u64::try_from(v.trunc()) {
                return Ok(WireUint(n));
            }
        }
        Err(de::Error::custom(format!("not a whole number: {v}")))
    }
}

impl Serialize for WireUint {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(self.0)
    }
}

/// An identifier sent as a string or a number (`"S68841753"`, `294835`), kept as text.
fn id_text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    let raw = Box::<RawValue>::deserialize(d)?;
    let t = raw.get().trim();
    if t.starts_with('"') {
        serde_json::from_str::<String>(t).map_err(de::Error::custom)
    } else if !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit()) {
        Ok(t.to_owned())
    } else {
        Err(de::Error::custom(format!("not an identifier: {t}")))
    }
}

fn opt_id_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    #[derive(Deserialize)]
    struct Id(#[serde(deserialize_with = "id_text")] String);
    Ok(Option::<Id>::deserialize(d)?.map(|i| i.0))
}

// ---------------------------------------------------------------------------------------
// Dates

/// A Cleverbridge timestamp reduced to its UTC calendar date.
///
/// Accepts `2027-03-17T10:28:48.196461` (no offset: read as UTC),
/// `2026-01-05T09:12:27.4970365Z`, `2026-01-05T23:30:00-02:00` (converted to UTC first),
/// a space instead of `T`, and a bare `2026-11-13`. Written back without an offset
/// (`2026-11-13T00:00:00`), as Cleverbridge's examples do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WireDate(pub Date);

impl WireDate {
    /// Parses one timestamp; `None` when it is not one of the accepted forms.
    ///
    /// ```
    /// use seatquote_core::wire::WireDate;
    /// let d = |s| WireDate::parse(s).unwrap().0.to_iso_string();
    /// assert_eq!(d("2027-03-17T10:28:48.196461"), "2027-03-17");
    /// assert_eq!(d("2026-01-05T09:12:27.4970365Z"), "2026-01-05");
    /// assert_eq!(d("2026-01-05T23:30:00-02:00"), "2026-01-06");
    /// assert_eq!(d("2026-11-13"), "2026-11-13");
    /// ```
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let date = Date::parse(s.get(..10)?).ok()?;
        let rest = &s[10..];
        if rest.is_empty() {
            return Some(Self(date));
        }
        let rest = rest.strip_prefix(['T', 't', ' '])?;
        let b = rest.as_bytes();
        let two = |i: usize| -> Option<i64> {
            let (x, y) = (*b.get(i)?, *b.get(i + 1)?);
            (x.is_ascii_digit() && y.is_ascii_digit())
                .then(|| i64::from(x - b'0') * 10 + i64::from(y - b'0'))
        };
        let (h, m) = (two(0)?, two(3)?);
        if b.get(2) != Some(&b':') || h > 23 || m > 59 {
            return None;
        }
        let mut i = 5;
        if b.get(i) == Some(&b':') {
            let sec = two(i + 1)?;
            if sec > 60 {
                return None;
            }
            i += 3;
            if b.get(i) == Some(&b'.') {
                let digits = b[i + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
                if digits == 0 || digits > 9 {
                    return None;
                }
                i += 1 + digits;
            }
        }
        let offset_minutes = match &b[i..] {
            [] | [b'Z'] | [b'z'] => 0,
            [sign @ (b'+' | b'-'), ..] => {
                let oh = two(i + 1)?;
                let om = match b.get(i + 3) {
                    Some(b':') if b.len() == i + 6 => two(i + 4)?,
                    None => 0,
                    Some(_) if b.len() == i + 5 => two(i + 3)?,
                    _ => return None,
                };
                if oh > 23 || om > 59 {
                    return None;
                }
                let off = oh * 60 + om;
                if *sign == b'-' {
                    -off
                } else {
                    off
                }
            }
            _ => return None,
        };
        let utc_minutes = h * 60 + m - offset_minutes;
        let one_day = Interval { months: 0, days: 1 };
        let date = if utc_minutes < 0 {
            date.sub(one_day)?
        } else if utc_minutes >= 24 * 60 {
            date.add(one_day)?
        } else {
            date
        };
        Some(Self(date))
    }
}

impl<'de> Deserialize<'de> for WireDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        WireDate::parse(&s).ok_or_else(|| de::Error::custom(format!("not a date: {s}")))
    }
}

impl Serialize for WireDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{}T00:00:00", self.0.to_iso_string()))
    }
}

// ---------------------------------------------------------------------------------------
// Status

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

// ---------------------------------------------------------------------------------------
// UpdateAction

/// `UpdateAction` on the wire: accepted as `0`/`1`/`2` or `"Update"`/`"Upgrade"`/
/// `"Downgrade"`, always sent as the integer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WireUpdateAction(pub UpdateAction);

impl<'de> Deserialize<'de> for WireUpdateAction {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Box::<RawValue>::deserialize(d)?;
        let t = raw.get().trim();
        let text = if t.starts_with('"') {
            serde_json::from_str::<String>(t).map_err(de::Error::custom)?
        } else {
            t.to_owned()
        };
        UpdateAction::from_wire_name(text.trim())
            .map(WireUpdateAction)
            .ok_or_else(|| de::Error::custom(format!("unknown UpdateAction: {text}")))
    }
}

impl Serialize for WireUpdateAction {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.0.wire_code())
    }
}

// ---------------------------------------------------------------------------------------
// GetSubscription

/// One item of a subscription (`Items[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct SubscriptionItem {
    /// The item's running number (`RunningNo`, older pages `RunningNumber`).
    #[serde(alias = "RunningNumber")]
    pub running_no: WireUint,
    /// The product.
    #[serde(deserialize_with = "id_text")]
    pub product_id: String,
    /// The product's name.
    #[serde(default)]
    pub product_name: Option<String>,
    /// Seats.
    pub quantity: WireUint,
    /// Whether the item is part of the current subscription (absent: yes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_current: Option<bool>,
    /// When the item was or will be deactivated.
    #[serde(default)]
    pub deactivation_date: Option<WireDate>,
    /// What the next billing charges for this item, gross (a line total).
    #[serde(default)]
    pub next_billing_customer_gross_price: Option<WireDecimal>,
    /// … net.
    #[serde(default)]
    pub next_billing_customer_net_price: Option<WireDecimal>,
    /// … VAT.
    #[serde(default)]
    pub next_billing_customer_vat_price: Option<WireDecimal>,
    /// What renewals after that charge, gross.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_renewal_customer_gross_price: Option<WireDecimal>,
    /// … net.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_renewal_customer_net_price: Option<WireDecimal>,
    /// … VAT.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_renewal_customer_vat_price: Option<WireDecimal>,
    /// Currency of the next-billing prices.
    #[serde(default)]
    pub next_billing_currency_id: Option<String>,
}

impl SubscriptionItem {
    /// Current (not flagged `IsCurrent: false`) and not deactivated on or before `today`.
    pub fn is_active_on(&self, today: Date) -> bool {
        self.is_current != Some(false) && self.deactivation_date.is_none_or(|d| d.0 > today)
    }
}

/// A subscription as `getsubscription` returns it (inside the wrapper).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct Subscription {
    /// `S…` identifier.
    #[serde(deserialize_with = "id_text")]
    pub id: String,
    /// Cleverbridge's customer id.
    #[serde(default, deserialize_with = "opt_id_text")]
    pub customer_id: Option<String>,
    /// The merchant's own customer id.
    #[serde(default, deserialize_with = "opt_id_text")]
    pub customer_reference_id: Option<String>,
    /// The subscription's currency (ISO 4217).
    #[serde(default)]
    pub customer_currency_id: Option<String>,
    /// Interval months.
    #[serde(default)]
    pub interval_month_count: WireUint,
    /// Interval days.
    #[serde(default)]
    pub interval_day_count: WireUint,
    /// The next billing date.
    #[serde(default)]
    pub next_billing_date: Option<WireDate>,
    /// Status (integer or name).
    #[serde(default)]
    pub subscription_status: SubscriptionStatus,
    /// End date, if any.
    #[serde(default)]
    pub end_date: Option<WireDate>,
    /// Grace period length.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grace_period_days: Option<WireUint>,
    /// The items.
    #[serde(default)]
    pub items: Vec<SubscriptionItem>,
}

impl Subscription {
    /// The item with this running number.
    pub fn item(&self, running_no: u64) -> Option<&SubscriptionItem> {
        self.items.iter().find(|i| i.running_no.0 == running_no)
    }
}

/// The `getsubscription` response: `{"Subscription": {…}, "ResultMessage": "OK"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GetSubscriptionResponse {
    /// The subscription.
    pub subscription: Subscription,
    /// `"OK"` in practice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result_message: Option<String>,
}

/// Reads a `getsubscription` response, wrapped (`{"Subscription": {…}}`) or not.
///
/// # Errors
/// [`WireError`] when the text is not such a document.
pub fn parse_get_subscription(json: &str) -> Result<GetSubscriptionResponse, WireError> {
    #[derive(Deserialize)]
    #[serde(rename_all = "PascalCase")]
    struct Outer {
        #[serde(default)]
        subscription: Option<Box<RawValue>>,
        #[serde(default)]
        result_message: Option<String>,
    }
    let err = |e: serde_json::Error| WireError(e.to_string());
    let outer: Outer = serde_json::from_str(json).map_err(err)?;
    let subscription = match &outer.subscription {
        Some(raw) if raw.get().trim() != "null" => serde_json::from_str(raw.get()),
        _ => serde_json::from_str(json),
    }
    .map_err(err)?;
    Ok(GetSubscriptionResponse {
        subscription,
        result_message: outer.result_message,
    })
}

// ---------------------------------------------------------------------------------------
// UpdateSubscriptionItem

/// `AlignmentSettings` of an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct AlignmentSettings {
    /// Co-term with the current interval.
    #[serde(default)]
    pub align_to_current_interval: bool,
    /// Start a new interval today.
    #[serde(default)]
    pub extend_interval: bool,
    /// `true`: only compute prices; `false`: commit (and bill).
    #[serde(default)]
    pub get_customer_price_preview_only: bool,
}

impl AlignmentSettings {
    /// The settings for a mode, as a preview or as a commit.
    pub fn new(mode: Alignment, preview_only: bool) -> Self {
        let f = mode.flags();
        Self {
            align_to_current_interval: f.align_to_current_interval,
            extend_interval: f.extend_interval,
            get_customer_price_preview_only: preview_only,
        }
    }

    /// The engine's flags.
    pub fn flags(&self) -> AlignmentFlags {
        AlignmentFlags {
            align_to_current_interval: self.align_to_current_interval,
            extend_interval: self.extend_interval,
        }
    }
}

/// An offer price (`CustomerPrice`): a unit price in the subscription's currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct CustomerPrice {
    /// ISO 4217 code; must equal the subscription's.
    pub currency: String,
    /// Must match the product's tax mode.
    pub is_gross: bool,
    /// The unit price.
    pub value: WireDecimal,
}

fn default_true() -> bool {
    true
}

/// The `updatesubscriptionitem` request body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateSubscriptionItemRequest {
    /// `S…` (the `S` is optional on input).
    #[serde(deserialize_with = "id_text")]
    pub subscription_id: String,
    /// The item's running number.
    #[serde(alias = "RunningNo")]
    pub running_number: WireUint,
    /// The item's product.
    #[serde(deserialize_with = "id_text", serialize_with = "product_id_number")]
    pub product_id: String,
    /// Seats after the update.
    pub quantity: WireUint,
    /// Alignment and preview flags.
    pub alignment_settings: AlignmentSettings,
    /// Optional offer price.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_price: Option<CustomerPrice>,
    /// Tracking only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub update_action: Option<WireUpdateAction>,
    /// Whether Cleverbridge mails the customer (default true).
    #[serde(default = "default_true")]
    pub generate_mail: bool,
}

fn product_id_number<S: Serializer>(id: &str, s: S) -> Result<S::Ok, S::Error> {
    match id.parse::<u64>() {
        Ok(n) => s.serialize_u64(n),
        Err(_) => s.serialize_str(id),
    }
}

impl UpdateSubscriptionItemRequest {
    /// The subscription id with a leading `S` (as `getsubscription` wants it).
    pub fn normalized_subscription_id(&self) -> String {
        normalize_subscription_id(&self.subscription_id)
    }
}

/// `68841753` → `S68841753`; ids that already start with `S` are kept.
pub fn normalize_subscription_id(id: &str) -> String {
    let id = id.trim();
    if id.starts_with(['S', 's']) {
        format!("S{}", &id[1..])
    } else {
        format!("S{id}")
    }
}

/// The `updatesubscriptionitem` response. On a preview the price fields are set; on a
/// commit they are null and only `ResultMessage` (and perhaps a confirmation URL) says
/// anything.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct UpdateSubscriptionItemResponse {
    /// Due today, gross.
    #[serde(default)]
    pub alignment_customer_gross_price: Option<WireDecimal>,
    /// Due today, net.
    #[serde(default)]
    pub alignment_customer_net_price: Option<WireDecimal>,
    /// Due today, VAT.
    #[serde(default)]
    pub alignment_customer_vat_price: Option<WireDecimal>,
    /// Next billing, gross.
    #[serde(default)]
    pub next_billing_customer_gross_price: Option<WireDecimal>,
    /// Next billing, net.
    #[serde(default)]
    pub next_billing_customer_net_price: Option<WireDecimal>,
    /// Next billing, VAT.
    #[serde(default)]
    pub next_billing_customer_vat_price: Option<WireDecimal>,
    /// Later renewals, gross.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_renewal_customer_gross_price: Option<WireDecimal>,
    /// Later renewals, net.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_renewal_customer_net_price: Option<WireDecimal>,
    /// Later renewals, VAT.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_renewal_customer_vat_price: Option<WireDecimal>,
    /// Currency of the prices.
    #[serde(default)]
    pub price_currency_id: Option<String>,
    /// The next billing date after the change, when sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_billing_date: Option<WireDate>,
    /// `"OK"` on success.
    #[serde(default)]
    pub result_message: Option<String>,
}

/// A Cleverbridge error body (`{"ResultMessage": "Item not found."}`), when JSON.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ResultMessage {
    /// The message.
    #[serde(default)]
    pub result_message: Option<String>,
}

impl FromStr for SubscriptionStatus {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::from_name(s))
    }
}

//! The model's data: alignment modes and error codes as types, the subscription summary,
//! the figures shown (local estimate or verified quote), and the stepper rules. Pure Rust:
//! money stays in decimal strings, nothing here touches the browser.

use seatquote_core::quote::{
    quote, AlignmentInput, IntervalInput, PriceInput, Quote, QuoteInput, Scalar,
};
use seatquote_core::QuoteError;

use super::{Choice, ErrorCode, Offer};

/// When a seat change takes effect (the proxy's `alignment` / `mode`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Now, prorated to the current next billing date.
    Immediate,
    /// Now, with a new full period starting today.
    Extend,
    /// At renewal.
    NextBilling,
}

impl Mode {
    /// Reads the wire name; `None` for a mode this widget does not know.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "immediate" => Self::Immediate,
            "extend" => Self::Extend,
            "nextBilling" => Self::NextBilling,
            _ => return None,
        })
    }

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Immediate => "immediate",
            Self::Extend => "extend",
            Self::NextBilling => "nextBilling",
        }
    }
}

/// One subscription item as the proxy's summary describes it (docs/proxy.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// Cleverbridge's running number of the item.
    pub running_number: u32,
    /// The merchant's product name (shown as text only).
    pub product_name: String,
    /// Current seats.
    pub quantity: u32,
    /// The unit price a change is priced at (the policy's offer or list price).
    pub unit_price: String,
    /// The unit price currently billed.
    pub current_unit_price: String,
    /// Lowest allowed quantity.
    pub min: u32,
    /// Highest allowed quantity.
    pub max: u32,
    /// Modes allowed for an increase (first is the default).
    pub increase_modes: Vec<Mode>,
    /// Modes allowed for a decrease (first is the default).
    pub decrease_modes: Vec<Mode>,
    /// A decrease scheduled for the next billing date (the summary's `pending` entry in
    /// state `scheduled`): the customer keeps `quantity` until then.
    pub scheduled: Option<Scheduled>,
    /// The seats an unfinished change of this item leads to (a confirmation in progress,
    /// perhaps in another tab: the summary's `pending` entry `inProgress`).
    pub in_progress: Option<u32>,
    /// The plans it may change to (the summary's `changeTo`).
    pub change_to: Vec<Offer>,
    /// Whether it may be dropped at the end of the period.
    pub removable: bool,
    /// The date it ends, when it was dropped (its `deactivationDate`).
    pub ends: Option<String>,
}

/// A change scheduled for the next billing date (docs/widget.md, "A change at renewal").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scheduled {
    /// Seats from that date.
    pub quantity: u32,
    /// The date, `YYYY-MM-DD`.
    pub date: String,
    /// The product from that date, for a plan change (`toProductId`).
    pub product: Option<String>,
}

/// The proxy's subscription summary (docs/proxy.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Subscription id.
    pub id: String,
    /// ISO 4217 code.
    pub currency: String,
    /// `gross` or `net`.
    pub tax_mode: String,
    /// Tax rate as a decimal string (`"0.19"`).
    pub tax_rate: String,
    /// Period start `YYYY-MM-DD`.
    pub period_start: String,
    /// Next billing date `YYYY-MM-DD`.
    pub next_billing_date: String,
    /// Interval months.
    pub months: u32,
    /// Interval days.
    pub days: u32,
    /// The proxy's today (the change date of an estimate).
    pub today: String,
    /// Current items.
    pub items: Vec<Item>,
    /// Add-ons it may add (its `addOns`).
    pub add_ons: Vec<Offer>,
    /// Why the subscription cannot be changed now (`None`: it can; the summary's
    /// `changeable`).
    pub closed: Option<ErrorCode>,
}

/// The figures shown for one (item, quantity, mode). All amounts are decimal strings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Figures {
    /// Seats before the change, as priced (a verified quote: as Cleverbridge holds them;
    /// `None` when the answer does not say).
    pub current_quantity: Option<u32>,
    /// Unit price of the new line.
    pub unit_price: String,
    /// New quantity.
    pub quantity: u32,
    /// New line total.
    pub total: String,
    /// Due today, net.
    pub due_net: String,
    /// Due today, VAT.
    pub due_vat: String,
    /// Due today, gross.
    pub due_gross: String,
    /// Next billing date.
    pub next_date: String,
    /// Next billing gross amount.
    pub next_gross: String,
    /// Days left in the period.
    pub remaining_days: u32,
    /// Days in the period.
    pub period_days: u32,
}

impl Figures {
    /// From the engine's quote.
    pub fn from_quote(q: &Quote) -> Self {
        Self {
            current_quantity: Some(q.current.quantity),
            unit_price: q.next.unit_price.as_str().to_owned(),
            quantity: q.next.quantity,
            total: q.next.total.as_str().to_owned(),
            due_net: q.alignment.net.as_str().to_owned(),
            due_vat: q.alignment.vat.as_str().to_owned(),
            due_gross: q.alignment.gross.as_str().to_owned(),
            next_date: q.next_billing.date.as_str().to_owned(),
            next_gross: q.next_billing.gross.as_str().to_owned(),
            remaining_days: q.proration.remaining_days,
            period_days: q.proration.period_days,
        }
    }

    /// Whether nothing is due today. (A byte loop: `trim_start_matches` with a char set
    /// brings a multi-char searcher into the wasm module.)
    pub fn nothing_due(&self) -> bool {
        self.due_gross.bytes().all(|b| b == b'0' || b == b'.')
    }
}

/// A verified, signed quote from the proxy, bound to the one confirmation it can become:
/// its item, quantity and mode, its token and its own `Idempotency-Key`. The commit sends
/// exactly this value; a new quote is a new value with a new key.
#[derive(Debug, Clone, PartialEq)]
pub struct Confirmable {
    /// The figures it carries (what the customer agrees to).
    pub figures: Figures,
    /// The alignment mode it prices.
    pub mode: Mode,
    /// Seats, a plan, an add-on or the item's removal (a plan or an add-on by its index
    /// in the summary).
    pub choice: Choice,
    /// The item's running number (0 for an add-on).
    pub item: u32,
    /// The proxy's `quoteToken`.
    pub token: String,
    /// The `Idempotency-Key` of its confirmation (made once with the quote).
    pub key: String,
    /// Milliseconds until it expires on this browser's clock (`None`: no local deadline,
    /// the proxy decides at commit).
    pub expires_in_ms: Option<u32>,
    /// The proxy's answer as JSON text (the `seatquote:quote` event detail).
    pub json: String,
}

/// The local estimate for `quantity` seats of `item` in `mode`, priced by the engine from
/// the summary's prices, tax rate and dates with today as the change date.
pub fn estimate(
    s: &Summary,
    item: &Item,
    quantity: u32,
    mode: Mode,
) -> Result<Figures, QuoteError> {
    let (from, to) = (&item.current_unit_price, &item.unit_price);
    price(s, from, item.quantity, to, quantity, mode)
}

/// The engine's figures for a line from `had` × `from` to `qty` × `to` (either count may
/// be 0: an add-on, a drop) in `mode`, on the summary's period, tax and today.
pub fn price(
    s: &Summary,
    from: &str,
    had: u32,
    to: &str,
    qty: u32,
    mode: Mode,
) -> Result<Figures, QuoteError> {
    let input = QuoteInput {
        currency: s.currency.as_str().into(),
        tax_mode: s.tax_mode.as_str().into(),
        tax_rate: s.tax_rate.as_str().into(),
        period_start: s.period_start.as_str().into(),
        next_billing_date: s.next_billing_date.as_str().into(),
        interval: Some(IntervalInput {
            months: s.months.into(),
            days: s.days.into(),
        }),
        change_date: s.today.as_str().into(),
        current: Some(PriceInput {
            unit_price: from.into(),
            quantity: had.into(),
            currency: None,
            is_gross: None,
        }),
        next: Some(PriceInput {
            unit_price: to.into(),
            quantity: qty.into(),
            currency: None,
            is_gross: None,
        }),
        alignment: AlignmentInput::Mode(Scalar::Str(mode.as_str().to_owned())),
    };
    quote(&input).map(|q| Figures::from_quote(&q))
}

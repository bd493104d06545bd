//! The widget's data: the subscription summary, the figures shown (local estimate or
//! verified preview), and the pure stepper rules. Money stays in decimal strings.

use seatquote_core::quote::{
    quote, AlignmentInput, IntervalInput, PriceInput, Quote, QuoteInput, Scalar,
};
use seatquote_core::QuoteError;
use wasm_bindgen::JsValue;

use super::dom::{prop, prop_str, prop_u32};

/// One subscription item as the proxy's summary describes it (SPEC §7).
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
    /// Alignment modes allowed for an increase (first is the default).
    pub increase_modes: Vec<String>,
    /// Alignment modes allowed for a decrease (first is the default).
    pub decrease_modes: Vec<String>,
}

/// The proxy's subscription summary (SPEC §7).
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
}

fn strings(v: &JsValue) -> Vec<String> {
    js_sys::Array::from(v)
        .iter()
        .filter_map(|s| s.as_string())
        .collect()
}

impl Summary {
    /// Reads the summary JSON; `None` when a required field is missing.
    pub fn from_js(v: &JsValue) -> Option<Self> {
        let interval = prop(v, "interval");
        let mut items = Vec::new();
        for it in js_sys::Array::from(&prop(v, "items")).iter() {
            let unit_price = prop_str(&it, "unitPrice")?;
            items.push(Item {
                running_number: prop_u32(&it, "runningNumber")?,
                product_name: prop_str(&it, "productName").unwrap_or_default(),
                quantity: prop_u32(&it, "quantity")?,
                current_unit_price: prop_str(&it, "currentUnitPrice")
                    .unwrap_or_else(|| unit_price.clone()),
                unit_price,
                min: prop_u32(&it, "minQuantity").unwrap_or(1).max(1),
                max: prop_u32(&it, "maxQuantity").unwrap_or(1_000_000),
                increase_modes: strings(&prop(&it, "increaseModes")),
                decrease_modes: strings(&prop(&it, "decreaseModes")),
            });
        }
        Some(Self {
            id: prop_str(v, "id")?,
            currency: prop_str(v, "currency")?,
            tax_mode: prop_str(v, "taxMode")?,
            tax_rate: prop_str(v, "taxRate")?,
            period_start: prop_str(v, "periodStart")?,
            next_billing_date: prop_str(v, "nextBillingDate")?,
            months: prop_u32(&interval, "months")?,
            days: prop_u32(&interval, "days")?,
            today: prop_str(v, "today")?,
            items,
        })
    }
}

/// The figures the widget shows for one (quantity, mode): from the local estimate or
/// the verified preview. All amounts are decimal strings.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Figures {
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
    /// From the core's quote.
    pub fn from_quote(q: &Quote) -> Self {
        Self {
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

    /// From a SPEC §5 quote object (the proxy's preview); `None` if a field is missing.
    pub fn from_js(v: &JsValue) -> Option<Self> {
        let next = prop(v, "next");
        let a = prop(v, "alignment");
        let nb = prop(v, "nextBilling");
        let p = prop(v, "proration");
        Some(Self {
            unit_price: prop_str(&next, "unitPrice")?,
            quantity: prop_u32(&next, "quantity")?,
            total: prop_str(&next, "total")?,
            due_net: prop_str(&a, "net")?,
            due_vat: prop_str(&a, "vat")?,
            due_gross: prop_str(&a, "gross")?,
            next_date: prop_str(&nb, "date")?,
            next_gross: prop_str(&nb, "gross")?,
            remaining_days: prop_u32(&p, "remainingDays")?,
            period_days: prop_u32(&p, "periodDays")?,
        })
    }
}

/// A verified, signed preview from the proxy.
#[derive(Debug, Clone)]
pub struct Verified {
    /// The figures it carries.
    pub figures: Figures,
    /// The proxy's `quoteToken`.
    pub token: String,
    /// `expiresAt` in epoch milliseconds.
    pub expires_at: f64,
    /// The alignment mode it prices.
    pub mode: String,
    /// The raw object (event detail).
    pub raw: JsValue,
}

impl Verified {
    /// Reads a preview answer; `None` if it lacks figures or a token.
    pub fn from_js(v: &JsValue) -> Option<Self> {
        let expires = prop_str(v, "expiresAt")?;
        Some(Self {
            figures: Figures::from_js(v)?,
            token: prop_str(v, "quoteToken")?,
            expires_at: js_sys::Date::parse(&expires),
            mode: prop_str(v, "mode").unwrap_or_default(),
            raw: v.clone(),
        })
    }
}

/// The local estimate for `quantity` seats of `item` in `mode`, priced by the core
/// engine from the summary's prices, tax rate and dates with today as the change date.
pub fn estimate(
    s: &Summary,
    item: &Item,
    quantity: u32,
    mode: &str,
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
            unit_price: item.current_unit_price.as_str().into(),
            quantity: item.quantity.into(),
            currency: None,
            is_gross: None,
        }),
        next: Some(PriceInput {
            unit_price: item.unit_price.as_str().into(),
            quantity: quantity.into(),
            currency: None,
            is_gross: None,
        }),
        alignment: AlignmentInput::Mode(Scalar::Str(mode.to_owned())),
    };
    quote(&input).map(|q| Figures::from_quote(&q))
}

/// Whether a change to `quantity` is an increase, a decrease or none.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// More seats.
    Increase,
    /// Fewer seats.
    Decrease,
    /// The current count.
    Unchanged,
}

/// The direction of a change from `current` to `quantity`.
pub fn direction(current: u32, quantity: u32) -> Direction {
    match quantity.cmp(&current) {
        std::cmp::Ordering::Greater => Direction::Increase,
        std::cmp::Ordering::Less => Direction::Decrease,
        std::cmp::Ordering::Equal => Direction::Unchanged,
    }
}

/// The modes the policy allows for a change from the item's quantity to `quantity`.
pub fn modes(item: &Item, quantity: u32) -> &[String] {
    match direction(item.quantity, quantity) {
        Direction::Increase => &item.increase_modes,
        Direction::Decrease => &item.decrease_modes,
        Direction::Unchanged => &[],
    }
}

/// A stepper move.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Add (or with a negative value remove) seats.
    By(i64),
    /// Go to the minimum.
    Min,
    /// Go to the maximum.
    Max,
}

/// The stepper move for a key (`ArrowUp`/`ArrowDown` ±1, `PageUp`/`PageDown` ±10,
/// `Home`/`End` to the bounds).
pub fn key_step(key: &str) -> Option<Step> {
    Some(match key {
        "ArrowUp" => Step::By(1),
        "ArrowDown" => Step::By(-1),
        "PageUp" => Step::By(10),
        "PageDown" => Step::By(-10),
        "Home" => Step::Min,
        "End" => Step::Max,
        _ => return None,
    })
}

/// Applies a stepper move, staying within `[min, max]`.
pub fn apply_step(quantity: u32, step: Step, min: u32, max: u32) -> u32 {
    let (min, max) = (min.min(max), max.max(min));
    match step {
        Step::By(d) => (i64::from(quantity) + d).clamp(i64::from(min), i64::from(max)) as u32,
        Step::Min => min,
        Step::Max => max,
    }
}

/// Parses what someone typed: ASCII digits only, within `[min, max]`.
pub fn parse_quantity(text: &str, min: u32, max: u32) -> Option<u32> {
    let t = text.trim();
    if t.is_empty() || t.len() > 9 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse::<u32>().ok().filter(|n| *n >= min && *n <= max)
}

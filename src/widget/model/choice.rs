//! The kinds of change beyond seats (docs/widget.md, "Plans and add-ons"): another plan for
//! the item, an add-on for the subscription, the item dropped at the end of the period.
//! Which of them the customer looks at is the calculator's [`Choice`]; a quote is bound to
//! its choice as to its item, quantity and mode (the choice's plan or add-on is found by
//! index in the summary, which changes only with a new calculator, never under a quote).

use seatquote_core::QuoteError;

use super::*;

/// A product the customer may change an item to (the summary's `changeTo`) or add (its
/// `addOns`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Offer {
    /// Its product id.
    pub product_id: String,
    /// Its name (shown as text only).
    pub name: String,
    /// Its price per unit per period (the estimate; the verified preview is what is charged).
    pub unit_price: String,
    /// A plan cheaper than the item's: only at the next billing date.
    pub downgrade: bool,
    /// The modes the policy allows (first is the default); a downgrade is made at the next
    /// billing date whatever they say.
    pub modes: Vec<Mode>,
    /// Lowest quantity.
    pub min: u32,
    /// Highest quantity.
    pub max: u32,
}

/// What the calculator prices.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Choice {
    /// The item's seats.
    #[default]
    Seats,
    /// The item to `change_to[i]`.
    Plan(u8),
    /// `add_ons[i]`.
    Add(u8),
    /// The item removed at the end of this period.
    Drop,
}

/// A drop and a downgrade are made at the next billing date only.
static RENEWAL: [Mode; 1] = [Mode::NextBilling];

impl Choice {
    /// The proxy's `kind` of the change: `seats`, `plan` (the item to another product),
    /// `add` (a new item) or `drop` (the item not renewed).
    pub fn kind(self) -> &'static str {
        match self {
            Self::Seats => "seats",
            Self::Plan(_) => "plan",
            Self::Add(_) => "add",
            Self::Drop => "drop",
        }
    }
}

impl Calc {
    /// Whether the item may be dropped now (removable, not dropped already).
    pub fn droppable(&self) -> bool {
        self.item().removable && self.item().ends.is_none()
    }

    /// Choice `i` of those offered for the item, in order: its seats, its plans, its
    /// removal, the subscription's add-ons (`None` past the last).
    pub fn choice_at(&self, i: usize) -> Option<Choice> {
        let plans = self.item().change_to.len();
        let drop = usize::from(self.droppable());
        let adds = self.summary.add_ons.len();
        Some(match i {
            0 => Choice::Seats,
            // (A summary offers a few products: an index past 255 would wrap, never panic.)
            i if i <= plans => Choice::Plan((i - 1) as u8),
            i if i <= plans + drop => Choice::Drop,
            i if i <= plans + drop + adds => Choice::Add((i - 1 - plans - drop) as u8),
            _ => return None,
        })
    }

    /// The offer of the choice (a plan or an add-on).
    pub fn offer(&self) -> Option<&Offer> {
        self.offer_of(self.choice)
    }

    /// The offer of choice `c` (a plan or an add-on).
    pub fn offer_of(&self, c: Choice) -> Option<&Offer> {
        match c {
            Choice::Plan(i) => self.item().change_to.get(usize::from(i)),
            Choice::Add(i) => self.summary.add_ons.get(usize::from(i)),
            _ => None,
        }
    }

    /// The running number a quote of the choice is for (0 for an add-on: a new item).
    pub fn running_number(&self) -> u32 {
        match self.choice {
            Choice::Add(_) => 0,
            _ => self.item().running_number,
        }
    }

    /// The quantity bounds of the choice.
    pub fn bounds(&self) -> (u32, u32) {
        match (self.choice, self.offer()) {
            (Choice::Drop, _) => (0, 0),
            (_, Some(o)) => (o.min, o.max),
            _ => (self.item().min, self.item().max),
        }
    }

    /// The modes allowed for the choice at the current quantity.
    pub fn allowed(&self) -> &[Mode] {
        match (self.choice, self.offer()) {
            (Choice::Seats, _) => modes(self.item(), self.qty),
            (_, Some(o)) if !o.downgrade => &o.modes,
            _ => &RENEWAL, // a removal, a downgrade
        }
    }

    /// Whether the choice changes something (seats: a count other than the current one).
    pub fn changing(&self) -> bool {
        self.choice != Choice::Seats || self.direction() != Direction::Unchanged
    }

    /// The local estimate of the choice at `qty` in `mode`.
    pub fn estimate_at(&self, qty: u32, mode: Mode) -> Result<Figures, QuoteError> {
        let (s, item) = (&self.summary, self.item());
        let (from, had, to) = match (self.choice, self.offer()) {
            (Choice::Add(_), Some(o)) => (&o.unit_price, 0, &o.unit_price),
            (Choice::Plan(_), Some(o)) => (&item.current_unit_price, item.quantity, &o.unit_price),
            _ => (&item.current_unit_price, item.quantity, &item.unit_price),
        };
        price(s, from, had, to, qty, mode)
    }

    /// Picks choice `c`: the quantity it starts at (a plan keeps the seats, within its
    /// bounds; an add-on its minimum; a drop none), its default mode.
    pub(super) fn choose(&mut self, c: Choice) {
        let seats = self.item().quantity;
        self.choice = c;
        let (min, max) = self.bounds();
        // (`max`/`min`, not `clamp`: no panic on bounds the wrong way round.) The seats'
        // own bounds hold them; a drop's are 0.
        self.qty = match c {
            Choice::Add(_) => min,
            _ => seats.max(min).min(max),
        };
        self.text = digits(self.qty);
        self.valid = true;
        self.mode = None;
    }
}

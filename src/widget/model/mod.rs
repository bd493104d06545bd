//! The widget's pure model: its state, and transitions that return the effects to run.
//!
//! No browser here (so it compiles and is unit-tested natively with `cargo test`, and is
//! compiled without the `widget` feature): the effects runner (`widget::runtime`) performs
//! the [`Effect`]s — requests, timers, aborts, events — and feeds their outcomes back as
//! [`Msg`]s; the painter (`widget::view::paint`) draws the state. docs/widget.md describes
//! the states a customer sees.
//!
//! The one rule: every figure shown as "Confirmed price" is the [`Confirmable`] the commit
//! will send. It is a single value (quote token, item, quantity, mode, figures and its own
//! `Idempotency-Key`); any change of item, quantity or mode drops it, and while a
//! confirmation is under way (or its outcome is unknown) those inputs are locked.

mod calculator;
mod choice;
mod commit;
mod errors;
mod protocol;
mod refresh;
mod stepper;
#[cfg(test)]
mod tests;
mod types;

pub use choice::*;
pub use errors::*;
pub use protocol::*;
pub use stepper::*;
pub use types::*;

/// Debounce between the last change and the preview request.
pub const DEBOUNCE_MS: u32 = 250;
/// After this long a preview counts as slow and the widget says it is checking.
pub const SLOW_MS: u32 = 1000;
/// The longest `Retry-After` the widget waits out by itself before previewing again.
pub const MAX_RETRY_AFTER_S: u32 = 120;
/// How often the summary is asked for again while a change is in progress.
pub const POLL_MS: u32 = 2000;

/// Stands in for an item index that is out of range (never the case: the index is set from
/// the summary's own items), so that no panic path is compiled into the widget.
static NO_ITEM: Item = Item {
    running_number: 0,
    product_name: String::new(),
    quantity: 0,
    unit_price: String::new(),
    current_unit_price: String::new(),
    min: 1,
    max: 1,
    increase_modes: Vec::new(),
    decrease_modes: Vec::new(),
    scheduled: None,
    in_progress: None,
    change_to: Vec::new(),
    removable: false,
    ends: None,
};

/// The top-level state.
#[derive(Debug, Clone, PartialEq)]
pub enum Phase {
    /// Bad options: nothing to do.
    Misconfigured,
    /// Fetching the summary.
    Loading,
    /// The summary could not be loaded, or the subscription cannot be changed now (or not
    /// by this customer: [`ErrorCode::is_final`]) — then the reason only, with no Try
    /// again that could not work.
    LoadFailed(ErrorCode),
    /// The calculator.
    Ready(Box<Calc>),
    /// A committed change.
    Done(Box<Receipt>),
    /// Destroyed: every message is ignored.
    Destroyed,
}

/// A committed change, as the success message tells it.
#[derive(Debug, Clone, PartialEq)]
pub struct Receipt {
    /// The product (for a plan or an add-on: the new one).
    pub product_name: String,
    /// The quote that was committed.
    pub quote: Confirmable,
    /// For a decrease the proxy scheduled for the next billing date: the seats the
    /// customer keeps until then (`None`: made now).
    pub keeps: Option<u32>,
}

/// Where a confirmation stands.
#[derive(Debug, Clone, PartialEq)]
pub enum CommitState {
    /// No confirmation under way.
    Idle,
    /// Sent (or handed to the checkout event); inputs are locked.
    Confirming,
    /// The commit may or may not have been applied: only "Check again" (the same quote
    /// with the same key) is offered, inputs stay locked, until an answer settles it.
    Unknown(ErrorCode),
}

/// The message under the figures.
#[derive(Debug, Clone, PartialEq)]
pub enum Notice {
    /// Nothing.
    None,
    /// A commit answered `quote_changed`: new figures, agree again.
    QuoteChanged,
    /// The subscription was found changed elsewhere: its new seats and the new price of a
    /// seat, when they changed; `agree`: a confirmation was refused for it (agree again).
    Changed {
        /// The item's seats now.
        seats: Option<u32>,
        /// A seat's price now.
        price: Option<String>,
        /// Ask for the agreement again.
        agree: bool,
    },
    /// The quote expired and was fetched again: agree again.
    QuoteExpired,
    /// The commit was found not applied (nothing was charged); a fresh quote was fetched:
    /// agree again.
    CommitNotApplied,
    /// A mid-period decrease needs a refund; "Apply at renewal" is offered when allowed.
    Negative,
    /// No allowed mode for this change.
    ModeUnavailable,
    /// A merchant listener took over checkout.
    HandedOff,
    /// The preview failed; Try again (and by itself after `Retry-After` when given).
    PreviewFailed(ErrorCode),
    /// The commit was refused and certainly not applied: nothing was charged.
    CommitRefused(ErrorCode),
}

/// The calculator's state.
#[derive(Debug, Clone, PartialEq)]
pub struct Calc {
    /// The summary.
    pub summary: Summary,
    /// Index of the item in `summary.items`.
    pub item: usize,
    /// Whether the picker shows (several items, none fixed by options).
    pub picker: bool,
    /// What is priced: seats, another plan, an add-on, the item's removal.
    pub choice: Choice,
    /// The quantity box's text.
    pub text: String,
    /// The quantity (the last valid one; meaningless while `!valid`).
    pub qty: u32,
    /// Whether `text` is a valid quantity; when not, no figures and no quote.
    pub valid: bool,
    /// The alignment mode of the change (`None` for no change or no allowed mode).
    pub mode: Option<Mode>,
    /// The local estimate for (item, qty, mode).
    pub estimate: Option<Figures>,
    /// The verified quote for exactly (item, qty, mode), if one arrived.
    pub quote: Option<Confirmable>,
    /// A preview is scheduled or in flight.
    pub previewing: bool,
    /// The preview is taking long (the widget says it is checking the price).
    pub slow: bool,
    /// The customer agreed to `quote`.
    pub consent: bool,
    /// The confirmation.
    pub commit: CommitState,
    /// The message under the figures.
    pub notice: Notice,
    /// Seconds until the failed preview is sent again by itself (the proxy's
    /// `Retry-After`), while that wait runs.
    pub retry_in: Option<u32>,
    /// Seconds until Confirm works again after a commit refused with `Retry-After`; while
    /// set, Confirm stays disabled.
    pub confirm_in: Option<u32>,
}

/// The one request in flight.
#[derive(Debug, Clone, PartialEq)]
struct InFlight {
    id: ReqId,
    request: Request,
    refreshed: bool,
}

/// The widget's model.
#[derive(Debug, Clone, PartialEq)]
pub struct Model {
    /// The state.
    pub phase: Phase,
    /// The running number fixed by the `item` option.
    fixed_item: Option<u32>,
    /// Whether the token source can give a fresh token after a 401 (a `getToken`).
    refreshable: bool,
    /// The locale's grouping separator, accepted in typed quantities (set by the runner
    /// from the locale's number format; `None`: digits only).
    pub group: Option<char>,
    next_id: ReqId,
    in_flight: Option<InFlight>,
}

impl Model {
    /// A model for a widget whose options are valid; start it with [`Msg::Load`].
    pub fn new(fixed_item: Option<u32>, refreshable: bool) -> Self {
        Self {
            phase: Phase::Loading,
            fixed_item,
            refreshable,
            group: None,
            next_id: 0,
            in_flight: None,
        }
    }

    /// A model for a widget with bad options (shows the setup error).
    pub fn misconfigured() -> (Self, Vec<Effect>) {
        let mut m = Self::new(None, false);
        m.phase = Phase::Misconfigured;
        (
            m,
            vec![Effect::Emit(Event::Error(ErrorCode::InvalidOptions))],
        )
    }

    /// The calculator, when it shows.
    pub fn calc(&self) -> Option<&Calc> {
        match &self.phase {
            Phase::Ready(c) => Some(c),
            _ => None,
        }
    }

    /// Where the focus goes when the focused control was disabled or hidden by the last
    /// change (− at the minimum, + at the maximum, a panel replaced): the control that
    /// took its place. `None` when nothing is shown.
    pub fn focus_fallback(&self) -> Option<Focus> {
        match &self.phase {
            Phase::Ready(c) if c.busy() => Some(Focus::Notice),
            Phase::Ready(_) => Some(Focus::Quantity),
            Phase::Loading => Some(Focus::Loading),
            Phase::LoadFailed(c) if c.is_final() => None, // its message only
            Phase::LoadFailed(_) => Some(Focus::Retry),
            Phase::Done(_) => Some(Focus::Success),
            Phase::Misconfigured | Phase::Destroyed => None,
        }
    }

    /// The id of the request in flight (tests and diagnostics).
    pub fn in_flight(&self) -> Option<ReqId> {
        self.in_flight.as_ref().map(|f| f.id)
    }

    /// Applies `msg`; returns the effects to run, in order.
    pub fn update(&mut self, msg: Msg) -> Vec<Effect> {
        let mut fx = Vec::new();
        match (&self.phase, msg) {
            (Phase::Destroyed | Phase::Misconfigured, Msg::Destroy) => {
                self.phase = Phase::Destroyed;
            }
            (Phase::Destroyed | Phase::Misconfigured, _) => {}
            (_, Msg::Destroy) => {
                self.stop_all(&mut fx);
                self.phase = Phase::Destroyed;
            }
            (_, Msg::Load) => self.load(&mut fx),
            (_, Msg::Answered(id, result)) => {
                let Some(flight) = self.in_flight.take_if(|f| f.id == id) else {
                    return fx; // late or aborted: dropped
                };
                self.answered(flight, result, &mut fx);
            }
            (Phase::LoadFailed(c), Msg::Action) if !c.is_final() => self.load(&mut fx),
            (Phase::Done(_), Msg::Action) => self.load(&mut fx),
            (Phase::Ready(_), msg) => self.calc_msg(msg, &mut fx),
            _ => {}
        }
        fx
    }

    fn calc_mut(&mut self) -> Option<&mut Calc> {
        match &mut self.phase {
            Phase::Ready(c) => Some(c),
            _ => None,
        }
    }

    /// Sends `request` as the one request in flight (aborting any other).
    fn send(&mut self, request: Request, refreshed: bool, fx: &mut Vec<Effect>) {
        self.abort(fx);
        self.next_id += 1;
        let id = self.next_id;
        fx.push(Effect::Send {
            id,
            request: request.clone(),
            refresh_token: refreshed,
        });
        self.in_flight = Some(InFlight {
            id,
            request,
            refreshed,
        });
    }

    fn abort(&mut self, fx: &mut Vec<Effect>) {
        if let Some(f) = self.in_flight.take() {
            fx.push(Effect::Abort(f.id));
        }
    }

    fn stop_all(&mut self, fx: &mut Vec<Effect>) {
        self.abort(fx);
        for t in [
            Timer::Debounce,
            Timer::Expiry,
            Timer::Slow,
            Timer::RetryAfter,
            Timer::ConfirmWait,
            Timer::Poll,
        ] {
            fx.push(Effect::CancelTimer(t));
        }
    }

    fn load(&mut self, fx: &mut Vec<Effect>) {
        if self.calc().is_some_and(Calc::locked) {
            return; // never drop a confirmation whose outcome is not known yet
        }
        self.stop_all(fx);
        self.phase = Phase::Loading;
        self.send(Request::Summary, false, fx);
    }

    fn answered(
        &mut self,
        flight: InFlight,
        result: Result<Answer, Failure>,
        fx: &mut Vec<Effect>,
    ) {
        if let Err(f) = &result {
            if f.status == 401 && self.refreshable && !flight.refreshed {
                // Once per request: a fresh token from the merchant, then the same request.
                self.send(flight.request, true, fx);
                return;
            }
        }
        match (flight.request, result) {
            (Request::Summary, Ok(Answer::Summary(s))) => self.loaded(*s, fx),
            (Request::Summary, Err(f)) => {
                self.phase = Phase::LoadFailed(f.code.clone());
                fx.push(Effect::Emit(Event::Error(f.code)));
            }
            (Request::Refresh(why), Ok(Answer::Summary(s))) => self.refreshed(*s, why, fx),
            (Request::Refresh(_), Err(f)) => self.refresh_failed(f, fx),
            (Request::Preview { .. }, Ok(Answer::Quote(q))) => self.quoted(*q, fx),
            (Request::Preview { .. }, Err(f)) => self.preview_failed(f, fx),
            (Request::Commit(q), Ok(Answer::Committed(json))) => self.committed(*q, json, fx),
            (Request::Commit(q), Err(f)) => self.commit_failed(*q, f, fx),
            // Cancelled, or not (already made, gone): the summary says what is true now.
            (Request::CancelScheduled { .. }, result) => {
                if let Err(f) = result {
                    fx.push(Effect::Emit(Event::Error(f.code)));
                }
                self.load(fx);
            }
            (_, _) => {
                let f = Failure::new(0, ErrorCode::UpstreamError);
                if let Some(c) = self.calc_mut() {
                    c.previewing = false;
                }
                fx.push(Effect::Emit(Event::Error(f.code)));
            }
        }
    }

    fn loaded(&mut self, summary: Summary, fx: &mut Vec<Effect>) {
        let index = match self.fixed_item {
            Some(n) => summary.items.iter().position(|i| i.running_number == n),
            None if summary.items.is_empty() => None,
            None => Some(0),
        };
        let Some(index) = index else {
            self.phase = Phase::LoadFailed(ErrorCode::NotFound);
            fx.push(Effect::Emit(Event::Error(ErrorCode::NotFound)));
            return;
        };
        if let Some(code) = summary.closed.clone() {
            self.phase = Phase::LoadFailed(code.clone());
            fx.push(Effect::Emit(Event::Error(code)));
            return;
        }
        let picker = self.fixed_item.is_none() && summary.items.len() > 1;
        let calc = Calc::new(summary, index, picker);
        if calc.busy() {
            fx.push(Effect::SetTimer(Timer::Poll, POLL_MS));
        }
        self.phase = Phase::Ready(Box::new(calc));
    }
}

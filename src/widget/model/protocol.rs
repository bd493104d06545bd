//! The model's protocol with its runner: the requests, timers, events and effects it asks
//! for, and the messages (inputs, answers, timers) it is fed.

use super::{Choice, Confirmable, ErrorCode, Mode, Step, Summary};

/// Identifies one request; answers to any other than the one in flight are dropped.
pub type ReqId = u64;

/// A request to the proxy.
#[derive(Debug, Clone, PartialEq)]
pub enum Request {
    /// `GET /api/subscriptions/{id}`.
    Summary,
    /// The same, while the calculator shows: a change in progress polled until it
    /// settles, or a refusal that may rest on an older summary. What changed is said
    /// (docs/widget.md, "Changes made elsewhere").
    Refresh(Why),
    /// `POST …/items/{item}/preview`.
    Preview {
        /// Running number.
        item: u32,
        /// New quantity.
        quantity: u32,
        /// Alignment mode.
        mode: Mode,
        /// Seats, a plan, an add-on (`POST …/items/preview`) or the item's removal.
        choice: Choice,
    },
    /// `POST …/items/{item}/commit` of exactly this quote, with its key.
    Commit(Box<Confirmable>),
    /// `DELETE …/items/{item}/scheduled`: cancels the item's scheduled change.
    CancelScheduled {
        /// Running number.
        item: u32,
    },
}

/// Why the summary is read again while the calculator shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    /// A change of the item is in progress: polled until it settles.
    Poll,
    /// `item_change_in_progress` at Confirm: the summary shows which change.
    Busy,
    /// `mode_not_allowed`: when the subscription is unchanged, the mode is not offered.
    Mode,
}

/// The widget's timers (setting one replaces it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Timer {
    /// Preview after the last change.
    Debounce,
    /// The verified quote's deadline.
    Expiry,
    /// A preview is taking long.
    Slow,
    /// Preview again after the proxy's `Retry-After`.
    RetryAfter,
    /// Confirm works again after a commit's `Retry-After`.
    ConfirmWait,
    /// Ask for the summary again while a change is in progress.
    Poll,
}

/// An event for the merchant's page (`seatquote:*`).
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// `seatquote:quote` with the preview (JSON text).
    Quote(String),
    /// `seatquote:committed` with the commit answer (JSON text).
    Committed(String),
    /// `seatquote:error`.
    Error(ErrorCode),
}

/// Where to put the keyboard focus.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    /// The quantity box.
    Quantity,
    /// The loading message.
    Loading,
    /// The error panel's Try again.
    Retry,
    /// The success message (after a commit).
    Success,
    /// The notice's action, or its text when it has none (after a confirmation failed,
    /// so the focus does not stay on a disabled Confirm).
    Notice,
}

/// What the runner must do.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// Send a request; `refresh_token` asks the merchant for a fresh customer token first.
    Send {
        /// Its id.
        id: ReqId,
        /// What to send.
        request: Request,
        /// Ask `getToken(true)` first (after a 401).
        refresh_token: bool,
    },
    /// Abort a request (its answer, if any, is dropped anyway).
    Abort(ReqId),
    /// Start (or restart) a timer.
    SetTimer(Timer, u32),
    /// Cancel a timer.
    CancelTimer(Timer),
    /// Dispatch the cancelable `seatquote:checkout` for this quote and answer with
    /// [`Msg::CheckoutDispatched`].
    Checkout(Box<Confirmable>),
    /// Dispatch an event.
    Emit(Event),
    /// Move the focus.
    Focus(Focus),
}

/// A failed request as the runner read it.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    /// HTTP status (0 without an answer).
    pub status: u16,
    /// The problem's code.
    pub code: ErrorCode,
    /// `Retry-After` in seconds, when the answer had one.
    pub retry_after: Option<u32>,
    /// The fresh quote a `quote_changed` problem carries.
    pub fresh: Option<Box<Confirmable>>,
}

impl Failure {
    /// A failure with just a status and a code.
    pub fn new(status: u16, code: ErrorCode) -> Self {
        Self {
            status,
            code,
            retry_after: None,
            fresh: None,
        }
    }
}

/// A successful answer as the runner read it.
#[derive(Debug, Clone, PartialEq)]
pub enum Answer {
    /// The summary (boxed: it is by far the largest answer).
    Summary(Box<Summary>),
    /// A verified preview.
    Quote(Box<Confirmable>),
    /// A commit answer (JSON text).
    Committed(String),
    /// A scheduled change was cancelled.
    Cancelled,
}

/// Something that happened.
#[derive(Debug, Clone, PartialEq)]
pub enum Msg {
    /// (Re)load the summary: mount, `refresh()`, Retry on a failed load, "Make another change".
    Load,
    /// A request finished.
    Answered(ReqId, Result<Answer, Failure>),
    /// A timer fired.
    Fired(Timer),
    /// A stepper button or key.
    Step(Step),
    /// The quantity box's text changed.
    Typed(String),
    /// The quantity box lost focus (change).
    Blurred,
    /// A mode radio was chosen.
    ChooseMode(Mode),
    /// Choice `index` of [`Calc::choices`](super::Calc::choices) was picked (seats, a plan,
    /// the item's removal, an add-on).
    Choose(usize),
    /// The item picker chose item `index`.
    ChooseItem(usize),
    /// The consent box.
    Consent(bool),
    /// Confirm.
    Confirm,
    /// The checkout event went out; `proceed` is false when a listener took over.
    CheckoutDispatched {
        /// Not cancelled.
        proceed: bool,
    },
    /// The notice's or error panel's action (Try again, Check again, Apply at renewal).
    Action,
    /// Cancel the item's change scheduled for the next billing date.
    CancelScheduled,
    /// `destroy()`.
    Destroy,
}

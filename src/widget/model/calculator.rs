//! Transitions of the calculator: the customer's inputs, previews and timers.

use super::*;

impl Calc {
    /// The calculator for item `index` of `summary`, at its current seats.
    #[inline(never)]
    pub(super) fn new(summary: Summary, index: usize, picker: bool) -> Self {
        let qty = summary.items.get(index).map_or(0, |i| i.quantity);
        let mut calc = Calc {
            summary,
            item: index,
            picker,
            choice: Choice::Seats,
            text: digits(qty),
            qty,
            valid: true,
            mode: None,
            estimate: None,
            quote: None,
            previewing: false,
            slow: false,
            consent: false,
            commit: CommitState::Idle,
            notice: Notice::None,
            retry_in: None,
            confirm_in: None,
        };
        calc.recompute();
        calc
    }

    /// Whether another change of the item is in progress (then it is shown instead of the
    /// stepper, and nothing is priced until it settles).
    pub fn busy(&self) -> bool {
        self.item().in_progress.is_some()
    }

    /// The item being changed.
    pub fn item(&self) -> &Item {
        self.summary.items.get(self.item).unwrap_or(&NO_ITEM)
    }

    /// Whether item, quantity and mode are locked (a confirmation is under way or unsettled).
    pub fn locked(&self) -> bool {
        self.commit != CommitState::Idle
    }

    /// The direction of the change (none while the typed text is invalid).
    pub fn direction(&self) -> Direction {
        if self.valid {
            direction(self.item().quantity, self.qty)
        } else {
            Direction::Unchanged
        }
    }

    /// The figures to show and whether they are the confirmed (verified) ones.
    pub fn shown(&self) -> Option<(&Figures, bool)> {
        if !self.valid || self.busy() {
            return None;
        }
        match (&self.quote, &self.estimate) {
            (Some(q), _) => Some((&q.figures, true)),
            (None, Some(f)) => Some((f, false)),
            _ => None,
        }
    }

    /// Whether Confirm is enabled.
    pub fn can_confirm(&self) -> bool {
        self.quote.is_some() && self.consent && !self.locked() && self.confirm_in.is_none()
    }

    /// Whether the item's seats are fixed: it was removed already and ends on its date
    /// (nothing about it can change; an add-on still can be added).
    pub fn ended(&self) -> bool {
        self.choice == Choice::Seats && self.item().ends.is_some()
    }

    /// Whether the current (item, qty, mode) is a change that can be previewed.
    pub fn changeable(&self) -> bool {
        !self.busy()
            && !self.ended()
            && self.valid
            && self.changing()
            && self.mode.is_some()
            && self.estimate.is_some()
    }

    /// After item, quantity or mode changed: drops the quote and the consent given for it,
    /// picks an allowed mode and computes the local estimate.
    pub(super) fn recompute(&mut self) {
        self.quote = None;
        self.consent = false;
        self.notice = Notice::None;
        self.retry_in = None;
        self.estimate = None;
        // An item removed already is not billed again: no figures at all.
        if !self.valid || self.ended() {
            self.mode = None;
            return;
        }
        let item = self.summary.items.get(self.item).unwrap_or(&NO_ITEM);
        if !self.changing() {
            // The next billing as it stands (no badge: nothing to confirm). With a decrease
            // scheduled for it, that billing is for the scheduled seats.
            self.mode = None;
            let mut now = estimate(&self.summary, item, self.qty, Mode::NextBilling).ok();
            if let (Some(f), Some(s)) = (now.as_mut(), &item.scheduled) {
                if let Ok(then) = estimate(&self.summary, item, s.quantity, Mode::NextBilling) {
                    f.next_gross = then.next_gross;
                }
            }
            self.estimate = now;
            return;
        }
        if !self.mode.is_some_and(|m| self.allowed().contains(&m)) {
            self.mode = self.allowed().first().copied();
        }
        let Some(mode) = self.mode else {
            self.notice = Notice::ModeUnavailable;
            return;
        };
        match self.estimate_at(self.qty, mode) {
            Ok(f) => self.estimate = Some(f),
            Err(e) if e.code == seatquote_core::ErrorCode::NegativeAlignment => {
                self.notice = Notice::Negative;
            }
            Err(_) => self.notice = Notice::ModeUnavailable,
        }
    }
}

impl Model {
    /// Messages while the calculator shows.
    pub(super) fn calc_msg(&mut self, msg: Msg, fx: &mut Vec<Effect>) {
        let group = self.group;
        let Some(c) = self.calc_mut() else { return };
        let locked = c.locked();
        match msg {
            Msg::Fired(t) => self.fired(t, fx),
            Msg::Confirm => self.confirm(fx),
            Msg::CheckoutDispatched { proceed } => self.checkout_dispatched(proceed, fx),
            Msg::Action => self.action(fx),
            _ if locked => {} // a confirmation is under way or unsettled: inputs are locked
            Msg::CancelScheduled if c.item().scheduled.is_some() => {
                let item = c.item().running_number;
                self.send(Request::CancelScheduled { item }, false, fx);
            }
            Msg::Step(_) | Msg::Typed(_) | Msg::ChooseMode(_) | Msg::Choose(_) if c.busy() => {}
            Msg::Choose(i) => {
                let Some(ch) = c.choice_at(i).filter(|ch| *ch != c.choice) else {
                    return;
                };
                c.choose(ch);
                self.changed(fx);
            }
            Msg::Step(step) => {
                let (min, max) = c.bounds();
                let q = apply_step(c.qty, step, min, max);
                c.text = digits(q);
                if c.valid && q == c.qty {
                    return;
                }
                c.valid = true;
                c.qty = q;
                self.changed(fx);
            }
            Msg::Typed(text) => {
                let (min, max) = c.bounds();
                match parse_quantity_grouped(&text, group, min, max) {
                    Some(q) => {
                        c.text = text;
                        if c.valid && q == c.qty {
                            return;
                        }
                        c.valid = true;
                        c.qty = q;
                    }
                    None => {
                        c.text = text;
                        if !c.valid {
                            return;
                        }
                        c.valid = false;
                    }
                }
                self.changed(fx);
            }
            Msg::Blurred if c.valid => c.text = digits(c.qty),
            Msg::ChooseMode(m) => {
                if !c.valid || c.mode == Some(m) || !c.allowed().contains(&m) {
                    return;
                }
                c.mode = Some(m);
                self.changed(fx);
            }
            Msg::ChooseItem(i) => {
                if i == c.item || i >= c.summary.items.len() {
                    return;
                }
                c.item = i;
                c.choose(Choice::Seats);
                self.changed(fx);
            }
            Msg::Consent(on) => {
                c.consent = on && c.quote.is_some();
                if c.consent
                    && matches!(
                        c.notice,
                        Notice::QuoteChanged
                            | Notice::QuoteExpired
                            | Notice::CommitNotApplied
                            | Notice::Changed { agree: true, .. }
                    )
                {
                    c.notice = Notice::None;
                }
            }
            _ => {}
        }
    }

    /// After a change of item, quantity or mode: new estimate, the pending preview
    /// cancelled, a new one scheduled.
    fn changed(&mut self, fx: &mut Vec<Effect>) {
        self.abort(fx);
        for t in [
            Timer::Debounce,
            Timer::Expiry,
            Timer::Slow,
            Timer::RetryAfter,
        ] {
            fx.push(Effect::CancelTimer(t));
        }
        let Some(c) = self.calc_mut() else { return };
        c.recompute();
        c.slow = false;
        c.previewing = c.changeable();
        if c.previewing {
            fx.push(Effect::SetTimer(Timer::Debounce, DEBOUNCE_MS));
        }
        if c.busy() {
            // An item with a change in progress (picked again): watched until it settles.
            fx.push(Effect::SetTimer(Timer::Poll, POLL_MS));
        }
    }

    /// Sends the preview for the current (item, qty, mode) now.
    pub(super) fn preview_now(&mut self, fx: &mut Vec<Effect>) {
        let Some(c) = self.calc_mut() else { return };
        let Some(mode) = c.mode.filter(|_| c.changeable()) else {
            c.previewing = false;
            return;
        };
        let request = Request::Preview {
            item: c.running_number(),
            quantity: c.qty,
            mode,
            choice: c.choice,
        };
        c.previewing = true;
        c.slow = false;
        c.retry_in = None;
        fx.push(Effect::CancelTimer(Timer::RetryAfter));
        fx.push(Effect::SetTimer(Timer::Slow, SLOW_MS));
        self.send(request, false, fx);
    }

    fn fired(&mut self, timer: Timer, fx: &mut Vec<Effect>) {
        let Some(c) = self.calc_mut() else { return };
        match timer {
            Timer::Debounce if !c.locked() => self.preview_now(fx),
            Timer::RetryAfter if !c.locked() => {
                if matches!(c.notice, Notice::PreviewFailed(_)) {
                    c.notice = Notice::None;
                }
                self.preview_now(fx);
            }
            Timer::ConfirmWait => c.confirm_in = None,
            Timer::Poll if !c.locked() => self.refresh(Why::Poll, fx),
            Timer::Slow => c.slow = c.previewing,
            Timer::Expiry if c.quote.is_some() && !c.locked() => {
                // An expired quote is never confirmed: fetch a fresh one, and if the
                // customer had agreed, say why the agreement has to be given again.
                if c.consent {
                    c.notice = Notice::QuoteExpired;
                }
                c.quote = None;
                c.consent = false;
                self.preview_now(fx);
            }
            _ => {}
        }
    }

    /// A verified preview arrived for the request in flight. When it was priced on a
    /// subscription changed elsewhere, the item is brought up to date first, and that is
    /// said.
    pub(super) fn quoted(&mut self, q: Confirmable, fx: &mut Vec<Effect>) {
        let Some(c) = self.calc_mut() else { return };
        c.previewing = false;
        c.slow = false;
        fx.push(Effect::CancelTimer(Timer::Slow));
        let mut adopted = false;
        let seats = q.choice == Choice::Seats;
        if !c.locked() && seats && q.item == c.item().running_number {
            if let Some(notice) = c.adopt(&q.figures, false) {
                c.recompute();
                c.notice = notice;
                adopted = true;
            }
        }
        let matches = c.valid
            && !c.locked()
            && q.figures.quantity == c.qty
            && q.item == c.running_number()
            && Some(q.mode) == c.mode
            && q.choice == c.choice;
        if !matches {
            if adopted {
                self.preview_now(fx); // the change is another one now: price it
            }
            return; // priced something else than what the customer now looks at
        }
        if matches!(c.notice, Notice::PreviewFailed(_)) {
            c.notice = Notice::None;
        }
        if let Some(ms) = q.expires_in_ms {
            fx.push(Effect::SetTimer(Timer::Expiry, ms));
        }
        fx.push(Effect::Emit(Event::Quote(q.json.clone())));
        c.quote = Some(q);
    }

    pub(super) fn preview_failed(&mut self, f: Failure, fx: &mut Vec<Effect>) {
        let Some(c) = self.calc_mut() else { return };
        c.previewing = false;
        c.slow = false;
        fx.push(Effect::CancelTimer(Timer::Slow));
        if f.code == ErrorCode::NegativeAlignment {
            c.notice = Notice::Negative;
            return;
        }
        if f.code == ErrorCode::ModeNotAllowed {
            // Perhaps refused on seats changed elsewhere: the summary again says.
            fx.push(Effect::Emit(Event::Error(f.code.clone())));
            self.refresh(Why::Mode, fx);
            return;
        }
        c.notice = Notice::PreviewFailed(f.code.clone());
        c.retry_in = f
            .retry_after
            .filter(|s| *s <= MAX_RETRY_AFTER_S)
            .map(|s| s.max(1));
        if let Some(s) = c.retry_in {
            fx.push(Effect::SetTimer(Timer::RetryAfter, s * 1000));
        }
        fx.push(Effect::Emit(Event::Error(f.code)));
    }

    /// The notice's action: Check again, Try again or Apply at renewal.
    fn action(&mut self, fx: &mut Vec<Effect>) {
        let Some(c) = self.calc_mut() else { return };
        if let CommitState::Unknown(_) = c.commit {
            self.check_again(fx);
            return;
        }
        match c.notice.clone() {
            Notice::Negative if c.item().decrease_modes.contains(&Mode::NextBilling) => {
                c.mode = Some(Mode::NextBilling);
                self.changed(fx);
            }
            Notice::PreviewFailed(_) => {
                c.notice = Notice::None;
                self.preview_now(fx);
            }
            Notice::CommitRefused(ErrorCode::ItemChangeInProgress) => {
                // Another change of this plan is under way: price this one again (the
                // quote and the agreement to it are dropped).
                c.quote = None;
                c.consent = false;
                c.notice = Notice::None;
                self.preview_now(fx);
            }
            Notice::CommitRefused(_) if c.confirm_in.is_none() => self.retry_commit(fx),
            _ => {}
        }
    }
}

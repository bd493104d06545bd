//! Transitions of a confirmation: Confirm, the checkout event, the commit and what each
//! of its outcomes means for the customer's money (docs/widget.md, "Confirming").

use super::*;

impl Model {
    /// Confirm: locks the inputs and hands the confirmable quote to the checkout event.
    pub(super) fn confirm(&mut self, fx: &mut Vec<Effect>) {
        let Some(c) = self.calc_mut() else { return };
        if !c.can_confirm() {
            return;
        }
        let Some(q) = c.quote.clone() else { return };
        c.commit = CommitState::Confirming;
        c.notice = Notice::None;
        for t in [Timer::Debounce, Timer::Slow, Timer::RetryAfter] {
            fx.push(Effect::CancelTimer(t));
        }
        fx.push(Effect::Checkout(Box::new(q)));
    }

    /// The checkout event went out: commit the same quote, unless a listener took over.
    pub(super) fn checkout_dispatched(&mut self, proceed: bool, fx: &mut Vec<Effect>) {
        let Some(c) = self.calc_mut() else { return };
        if c.commit != CommitState::Confirming {
            return;
        }
        let Some(q) = c.quote.clone() else { return };
        if !proceed {
            c.commit = CommitState::Idle;
            c.notice = Notice::HandedOff;
            return;
        }
        self.send(Request::Commit(Box::new(q)), false, fx);
    }

    /// "Check again" after an unknown outcome: the same quote with the same key, whose
    /// answer settles whether the change went through.
    pub(super) fn check_again(&mut self, fx: &mut Vec<Effect>) {
        self.retry_commit(fx);
    }

    /// Sends the confirmable quote again (same token, same key).
    pub(super) fn retry_commit(&mut self, fx: &mut Vec<Effect>) {
        let Some(c) = self.calc_mut() else { return };
        let Some(q) = c.quote.clone() else { return };
        c.commit = CommitState::Confirming;
        c.notice = Notice::None;
        self.send(Request::Commit(Box::new(q)), false, fx);
    }

    /// The commit went through.
    pub(super) fn committed(&mut self, quote: Confirmable, json: String, fx: &mut Vec<Effect>) {
        let Some(c) = self.calc() else { return };
        // A decrease at renewal is scheduled by the proxy (`status: "scheduled"`): the
        // customer keeps the seats they have until the next billing date.
        // (A byte-window scan: `str::contains` would bring a substring searcher into the
        // wasm module for this one test.)
        const SCHEDULED: &[u8] = br#""status":"scheduled""#;
        let scheduled = json
            .as_bytes()
            .windows(SCHEDULED.len())
            .any(|w| w == SCHEDULED);
        let name = c.offer().map_or(&c.item().product_name, |o| &o.name);
        let receipt = Receipt {
            product_name: name.clone(),
            quote,
            keeps: scheduled.then_some(c.item().quantity),
        };
        self.stop_all(fx);
        self.phase = Phase::Done(Box::new(receipt));
        fx.push(Effect::Emit(Event::Committed(json)));
        fx.push(Effect::Focus(Focus::Success));
    }

    /// The commit failed: a new quote to agree to, a refusal (nothing charged), or an
    /// unknown outcome (only "Check again").
    pub(super) fn commit_failed(&mut self, sent: Confirmable, f: Failure, fx: &mut Vec<Effect>) {
        let Some(c) = self.calc_mut() else { return };
        match f.code {
            ErrorCode::QuoteChanged => {
                // Not applied: the proxy re-priced it. The fresh quote is a new value
                // (new token, new key) that needs the customer's agreement again.
                c.commit = CommitState::Idle;
                c.consent = false;
                c.notice = Notice::QuoteChanged;
                let fresh = f.fresh.filter(|q| {
                    q.figures.quantity == sent.figures.quantity
                        && q.mode == sent.mode
                        && q.item == sent.item
                        && q.choice == sent.choice
                        && q.key != sent.key
                });
                fx.push(Effect::Emit(Event::Error(ErrorCode::QuoteChanged)));
                // Refused because the subscription changed elsewhere: the item as it is
                // now, and what changed said (not "the price changed" for new seats).
                let seats = fresh.as_ref().filter(|q| q.choice == Choice::Seats);
                if let Some(n) = seats.and_then(|q| c.adopt(&q.figures, true)) {
                    c.recompute();
                    // New seats are said; a new price alone is the price that changed.
                    c.notice = match n {
                        Notice::Changed { seats: Some(_), .. } => n,
                        _ => Notice::QuoteChanged,
                    };
                }
                match fresh {
                    Some(q) if Some(q.mode) == c.mode && q.figures.quantity == c.qty => {
                        if let Some(ms) = q.expires_in_ms {
                            fx.push(Effect::SetTimer(Timer::Expiry, ms));
                        }
                        c.quote = Some(*q);
                    }
                    _ => {
                        c.quote = None;
                        self.preview_now(fx);
                    }
                }
            }
            ErrorCode::ItemChangeInProgress | ErrorCode::ModeNotAllowed => {
                // Another change of the item is being processed, or the change is not
                // offered on the subscription as it is now: the summary again shows which.
                c.commit = CommitState::Idle;
                c.notice = Notice::CommitRefused(f.code.clone());
                fx.push(Effect::Emit(Event::Error(f.code.clone())));
                fx.push(Effect::Focus(Focus::Notice));
                let why = if matches!(f.code, ErrorCode::ModeNotAllowed) {
                    Why::Mode
                } else {
                    Why::Busy
                };
                self.refresh(why, fx);
            }
            ErrorCode::QuoteExpired => {
                c.commit = CommitState::Idle;
                c.consent = false;
                c.quote = None;
                c.notice = Notice::QuoteExpired;
                self.preview_now(fx);
            }
            ErrorCode::CommitNotApplied => {
                c.commit = CommitState::Idle;
                c.consent = false;
                c.quote = None;
                c.notice = Notice::CommitNotApplied;
                fx.push(Effect::Emit(Event::Error(ErrorCode::CommitNotApplied)));
                self.preview_now(fx);
            }
            code if f.status == 0 || code.commit_outcome_unknown() => {
                c.commit = CommitState::Unknown(code.clone());
                fx.push(Effect::Emit(Event::Error(code)));
                fx.push(Effect::Focus(Focus::Notice));
            }
            code => {
                c.commit = CommitState::Idle;
                c.notice = Notice::CommitRefused(code.clone());
                // Busy with a `Retry-After`: Confirm stays disabled for that long.
                c.confirm_in = f.retry_after.map(|s| s.max(1));
                if let Some(s) = c.confirm_in {
                    fx.push(Effect::SetTimer(Timer::ConfirmWait, s.saturating_mul(1000)));
                }
                fx.push(Effect::Emit(Event::Error(code)));
                fx.push(Effect::Focus(Focus::Notice));
            }
        }
    }
}

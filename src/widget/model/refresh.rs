//! Transitions that bring the calculator up to date with the subscription as it is now:
//! a change in progress (perhaps in another tab) shown until it settles, and a change
//! made elsewhere — found by a quote, a refused confirmation or a refreshed summary —
//! shown as what changed (docs/widget.md, "Changes made elsewhere").

use super::*;

impl Calc {
    /// Takes the item's state from a verified quote priced on it: its seats and a seat's
    /// price as Cleverbridge holds them now. `None` when they are the ones shown; otherwise
    /// the notice that says what changed (`agree`: the customer must agree again). The
    /// caller recomputes (the figures were estimated from the old state).
    pub(super) fn adopt(&mut self, fig: &Figures, agree: bool) -> Option<Notice> {
        let index = self.item;
        let item = self.summary.items.get_mut(index)?;
        let seats = fig.current_quantity.filter(|q| *q != item.quantity);
        // Prices are compared as text: the proxy writes the summary's and the quote's
        // with the same digits (the currency's minor units, or more when the price has more).
        let price = (fig.unit_price != item.unit_price).then(|| fig.unit_price.clone());
        if seats.is_none() && price.is_none() {
            return None;
        }
        if let Some(q) = seats {
            item.quantity = q;
        }
        if let Some(p) = &price {
            // Without an offer price the current seats cost what a new one costs.
            if item.current_unit_price == item.unit_price {
                item.current_unit_price.clone_from(p);
            }
            item.unit_price.clone_from(p);
        }
        Some(Notice::Changed {
            seats,
            price,
            agree,
        })
    }
}

impl Model {
    /// Asks for the summary again, keeping the calculator on screen (`why`: the
    /// refusal that made the widget ask).
    pub(super) fn refresh(&mut self, why: Why, fx: &mut Vec<Effect>) {
        fx.push(Effect::CancelTimer(Timer::Poll));
        self.send(Request::Refresh(why), false, fx);
    }

    /// The summary again: the same item, its new state, what changed said; the change
    /// the customer was looking at kept and priced again; a change in progress polled.
    pub(super) fn refreshed(&mut self, summary: Summary, why: Why, fx: &mut Vec<Effect>) {
        let Some(old) = self.calc() else {
            return self.loaded(summary, fx);
        };
        if old.locked() {
            return; // never under a confirmation
        }
        let (running, was) = (old.item().running_number, old.item().quantity);
        let was_unit = old.item().unit_price.clone();
        let mut target = (old.valid && old.changing() && !old.busy()).then_some(old.qty);
        let (choice, product) = (old.choice, old.offer().map(|o| o.product_id.clone()));
        let (picker, mode) = (old.picker, old.mode);
        let index = summary
            .items
            .iter()
            .position(|i| i.running_number == running);
        let closed = summary.closed.is_some();
        let (Some(index), false) = (index, closed) else {
            return self.loaded(summary, fx);
        };
        let mut c = Calc::new(summary, index, picker);
        // The plan or add-on looked at, when it is still offered (else nothing to price).
        let offered = c.offer_of(choice).map(|o| &o.product_id) == product.as_ref();
        if offered && (choice != Choice::Drop || c.droppable()) {
            c.choose(choice);
        } else {
            target = None;
        }
        let now = c.item().quantity;
        let (min, max) = c.bounds();
        let seats = (now != was).then_some(now);
        let unit = &c.item().unit_price;
        let price = (*unit != was_unit).then(|| unit.clone());
        let moved = seats.is_some() || price.is_some();
        let busy = c.busy();
        if let Some(t) = target.filter(|_| !busy) {
            c.qty = t.max(min).min(max);
            c.text = digits(c.qty);
            c.mode = mode;
            c.recompute();
        }
        // Refused on the subscription as it is: not offered, whatever the summary says.
        let unavailable = !moved && target.is_some() && why == Why::Mode;
        if moved {
            c.notice = Notice::Changed {
                seats,
                price,
                agree: false,
            };
        } else if unavailable {
            c.notice = Notice::ModeUnavailable;
        }
        let again = !busy && !unavailable && target.is_some() && (moved || why != Why::Poll);
        self.phase = Phase::Ready(Box::new(c));
        if busy {
            fx.push(Effect::SetTimer(Timer::Poll, POLL_MS));
        } else if again {
            self.preview_now(fx);
        }
    }

    /// The summary could not be read again: while a change is in progress, ask again
    /// later; otherwise say so (Try again prices the change again).
    pub(super) fn refresh_failed(&mut self, f: Failure, fx: &mut Vec<Effect>) {
        let Some(c) = self.calc_mut() else { return };
        if c.busy() {
            fx.push(Effect::SetTimer(Timer::Poll, POLL_MS));
            return;
        }
        c.notice = Notice::PreviewFailed(f.code.clone());
        fx.push(Effect::Emit(Event::Error(f.code)));
    }
}

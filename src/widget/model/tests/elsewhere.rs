//! Transition tests of what the widget says about the subscription as it is now
//! (docs/widget.md, "Changes made elsewhere"): a subscription that cannot be changed, a
//! change in progress (a reload or a second tab), and seats changed elsewhere found by a
//! quote, a refused confirmation or the summary read again.

use super::*;

/// The summary with the item at `qty` seats (and a change to `busy` seats in progress).
fn summary_at(qty: u32, busy: Option<u32>) -> Summary {
    let mut s = summary();
    s.items[0].quantity = qty;
    s.items[0].in_progress = busy;
    s
}

/// A loaded model on `s`; returns it with the load's effects.
fn loaded(s: Summary) -> (Model, Vec<Effect>) {
    let mut m = Model::new(None, true);
    let id = sent(&m.update(Msg::Load)).expect("summary request").0;
    let fx = m.update(Msg::Answered(id, Ok(Answer::Summary(Box::new(s)))));
    (m, fx)
}

/// The proxy's quote for `qty` seats in `mode`, priced on the item at `current` seats.
fn quote_on(current: u32, qty: u32, mode: Mode, key: &str) -> Confirmable {
    let s = summary_at(current, None);
    Confirmable {
        figures: estimate(&s, &s.items[0], qty, mode).expect("priced"),
        ..quote(qty, mode, key)
    }
}

#[test]
fn a_subscription_that_cannot_change_shows_only_why() {
    let mut s = summary();
    s.closed = Some(ErrorCode::SubscriptionNotActive);
    let (mut m, fx) = loaded(s);
    assert_eq!(m.phase, Phase::LoadFailed(ErrorCode::SubscriptionNotActive));
    assert!(fx.contains(&Effect::Emit(Event::Error(
        ErrorCode::SubscriptionNotActive
    ))));
    assert!(m.calc().is_none(), "no stepper, no modes, no estimate");
    assert!(
        sent(&m.update(Msg::Action)).is_none(),
        "nothing to try again"
    );
    assert_eq!(m.focus_fallback(), None, "no control to move the focus to");
    // Not the customer's: refused as such, and final too.
    let mut m = Model::new(None, true);
    let id = sent(&m.update(Msg::Load)).unwrap().0;
    m.update(Msg::Answered(id, fail(403, "forbidden_subscription")));
    assert_eq!(m.phase, Phase::LoadFailed(ErrorCode::Forbidden));
    assert!(sent(&m.update(Msg::Action)).is_none());
    // A busy proxy is not final: Try again loads again.
    let mut m = Model::new(None, true);
    let id = sent(&m.update(Msg::Load)).unwrap().0;
    m.update(Msg::Answered(id, fail(503, "upstream_unavailable")));
    assert!(matches!(m.phase, Phase::LoadFailed(_)));
    assert!(matches!(
        sent(&m.update(Msg::Action)),
        Some((_, Request::Summary, _))
    ));
}

#[test]
fn a_change_in_progress_is_shown_and_polled_until_it_settles() {
    let (mut m, fx) = loaded(summary_at(1, Some(2)));
    assert!(fx.contains(&Effect::SetTimer(Timer::Poll, POLL_MS)));
    let c = calc(&m);
    assert!(c.busy());
    assert_eq!(c.shown(), None, "no figures while it is processed");
    assert_eq!(m.focus_fallback(), Some(Focus::Notice));
    // Nothing can be picked meanwhile.
    let fx = m.update(Msg::Step(Step::By(1)));
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(calc(&m).qty, 1);
    // Still in progress: asked again later.
    let fx = m.update(Msg::Fired(Timer::Poll));
    let (id, req, _) = sent(&fx).expect("summary again");
    assert_eq!(req, Request::Refresh(Why::Poll));
    let fx = m.update(Msg::Answered(
        id,
        Ok(Answer::Summary(Box::new(summary_at(1, Some(2))))),
    ));
    assert!(fx.contains(&Effect::SetTimer(Timer::Poll, POLL_MS)));
    assert!(calc(&m).busy());
    // Settled: the new seats, said; nothing priced, no more polling.
    let (id, _, _) = sent(&m.update(Msg::Fired(Timer::Poll))).unwrap();
    let fx = m.update(Msg::Answered(
        id,
        Ok(Answer::Summary(Box::new(summary_at(2, None)))),
    ));
    assert!(!fx.contains(&Effect::SetTimer(Timer::Poll, POLL_MS)));
    assert!(sent(&fx).is_none());
    let c = calc(&m);
    assert!(!c.busy());
    assert_eq!((c.item().quantity, c.qty), (2, 2));
    assert_eq!(
        c.notice,
        Notice::Changed {
            seats: Some(2),
            price: None,
            agree: false
        }
    );
    // A failed poll while it is processed: asked again later, nothing else said.
    let (mut m, _) = loaded(summary_at(1, Some(2)));
    let (id, _, _) = sent(&m.update(Msg::Fired(Timer::Poll))).unwrap();
    let fx = m.update(Msg::Answered(id, fail(0, "network")));
    assert!(fx.contains(&Effect::SetTimer(Timer::Poll, POLL_MS)));
    assert_eq!(calc(&m).notice, Notice::None);
}

#[test]
fn a_quote_priced_on_seats_changed_elsewhere_updates_the_plan() {
    // The widget shows 1 seat; Cleverbridge holds 2; the customer asks for 3.
    let mut m = ready();
    m.update(Msg::Step(Step::By(2)));
    assert_eq!(
        calc(&m).shown().unwrap().0.due_gross,
        "1209.86",
        "estimate 1 → 3"
    );
    let (id, _, _) = sent(&m.update(Msg::Fired(Timer::Debounce))).unwrap();
    let fx = m.update(Msg::Answered(
        id,
        Ok(Answer::Quote(Box::new(quote_on(
            2,
            3,
            Mode::Immediate,
            "k1",
        )))),
    ));
    let c = calc(&m);
    assert_eq!(c.item().quantity, 2, "the plan as it is now");
    assert_eq!(
        c.notice,
        Notice::Changed {
            seats: Some(2),
            price: None,
            agree: false
        }
    );
    let (fig, verified) = c.shown().expect("figures");
    assert!(verified, "the quote stands: it prices 2 → 3");
    assert_eq!(
        (fig.due_gross.as_str(), fig.current_quantity),
        ("604.93", Some(2))
    );
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::Emit(Event::Quote(_)))));
    // Now the target is the plan itself: nothing to price, nothing to confirm.
    let mut m = ready();
    m.update(Msg::Step(Step::By(1)));
    let (id, _, _) = sent(&m.update(Msg::Fired(Timer::Debounce))).unwrap();
    let fx = m.update(Msg::Answered(
        id,
        Ok(Answer::Quote(Box::new(quote_on(
            2,
            2,
            Mode::Immediate,
            "k2",
        )))),
    ));
    assert!(sent(&fx).is_none());
    let c = calc(&m);
    assert_eq!((c.item().quantity, c.quote.is_none()), (2, true));
    assert_eq!(c.direction(), Direction::Unchanged);
}

#[test]
fn a_refused_confirmation_says_the_seats_changed_not_the_price() {
    let mut m = ready();
    step_and_verify(&mut m, 2, "k1");
    let (id, sent_q) = confirm(&mut m);
    let mut f = Failure::new(409, ErrorCode::QuoteChanged);
    f.fresh = Some(Box::new(quote_on(2, 3, Mode::Immediate, "k2")));
    m.update(Msg::Answered(id, Err(f)));
    let c = calc(&m);
    assert_eq!(
        c.notice,
        Notice::Changed {
            seats: Some(2),
            price: None,
            agree: true
        }
    );
    assert_eq!(c.item().quantity, 2);
    let q = c.quote.as_ref().expect("the fresh quote");
    assert_ne!(q.key, sent_q.key);
    assert_eq!(q.figures.due_gross, "604.93");
    assert!(!c.consent, "agree again");
    m.update(Msg::Consent(true));
    assert_eq!(calc(&m).notice, Notice::None);
}

#[test]
fn a_refused_mode_reads_the_summary_again_once() {
    let mut m = ready();
    m.update(Msg::Step(Step::By(1)));
    let (id, _, _) = sent(&m.update(Msg::Fired(Timer::Debounce))).unwrap();
    let fx = m.update(Msg::Answered(id, fail(422, "mode_not_allowed")));
    let (id, req, _) = sent(&fx).expect("the summary again");
    assert_eq!(req, Request::Refresh(Why::Mode));
    // Three seats now: 2 is a decrease, priced at renewal.
    let fx = m.update(Msg::Answered(
        id,
        Ok(Answer::Summary(Box::new(summary_at(3, None)))),
    ));
    let c = calc(&m);
    assert_eq!(
        (c.item().quantity, c.qty, c.mode),
        (3, 2, Some(Mode::NextBilling))
    );
    assert_eq!(
        c.notice,
        Notice::Changed {
            seats: Some(3),
            price: None,
            agree: false
        }
    );
    let (id, req, _) = sent(&fx).expect("priced again");
    assert!(matches!(
        req,
        Request::Preview {
            quantity: 2,
            mode: Mode::NextBilling,
            ..
        }
    ));
    // Refused again on the same subscription: said, and not asked again.
    let fx = m.update(Msg::Answered(id, fail(422, "mode_not_allowed")));
    let (id, _, _) = sent(&fx).unwrap();
    let fx = m.update(Msg::Answered(
        id,
        Ok(Answer::Summary(Box::new(summary_at(3, None)))),
    ));
    assert!(sent(&fx).is_none(), "{fx:?}");
    assert_eq!(calc(&m).notice, Notice::ModeUnavailable);
}

#[test]
fn another_change_in_progress_at_confirm_is_shown_as_such() {
    let mut m = ready();
    step_and_verify(&mut m, 1, "k1");
    let (id, _) = confirm(&mut m);
    let fx = m.update(Msg::Answered(id, fail(409, "item_change_in_progress")));
    let (id, req, _) = sent(&fx).expect("the summary again");
    assert_eq!(req, Request::Refresh(Why::Busy));
    let fx = m.update(Msg::Answered(
        id,
        Ok(Answer::Summary(Box::new(summary_at(1, Some(3))))),
    ));
    assert!(fx.contains(&Effect::SetTimer(Timer::Poll, POLL_MS)));
    let c = calc(&m);
    assert_eq!((c.busy(), c.item().in_progress), (true, Some(3)));
    assert_eq!(c.commit, CommitState::Idle);
}

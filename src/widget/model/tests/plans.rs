//! Transition tests of plan changes (docs/widget.md, "Plans and add-ons"): the choices
//! offered, a plan keeping the seats within its bounds, a downgrade at the next billing
//! date only, quotes bound to their plan, and a switch of plan while a preview or a
//! commit is in flight.

use super::*;

fn business(downgrade: bool) -> Offer {
    Offer {
        product_id: "294836".into(),
        name: "Cloud Storage – Business seat".into(),
        unit_price: "1800.00".into(),
        downgrade,
        modes: vec![Mode::Immediate, Mode::Extend],
        min: 1,
        max: 100,
    }
}

fn basic() -> Offer {
    Offer {
        product_id: "294834".into(),
        name: "Cloud Storage – Basic seat".into(),
        unit_price: "600.00".into(),
        downgrade: true,
        modes: vec![Mode::Immediate, Mode::NextBilling], // renewal only all the same
        min: 1,
        max: 5,
    }
}

/// S68841753 with its plans: Business (upgrade) and Basic (downgrade, at most 5 seats).
pub(super) fn with_plans(seats: u32) -> Model {
    let mut s = summary();
    s.items[0].quantity = seats;
    s.items[0].change_to = vec![business(false), basic()];
    let mut m = Model::new(None, true);
    let (id, _, _) = sent(&m.update(Msg::Load)).unwrap();
    m.update(Msg::Answered(id, Ok(Answer::Summary(Box::new(s)))));
    m
}

/// The proxy's verified quote for `qty` seats of `offer`, from `seats` seats of Team.
fn plan_quote(seats: u32, offer: &Offer, qty: u32, mode: Mode, key: &str) -> Confirmable {
    let s = summary();
    Confirmable {
        figures: price(&s, "1200.00", seats, &offer.unit_price, qty, mode).expect("priced"),
        choice: Choice::Plan(if offer.downgrade { 1 } else { 0 }),
        ..quote(qty, mode, key)
    }
}

/// Lets the debounce fire; the preview request sent.
fn previewed(m: &mut Model) -> (ReqId, Request) {
    let fx = m.update(Msg::Fired(Timer::Debounce));
    let (id, req, _) = sent(&fx).expect("preview sent");
    (id, req)
}

#[test]
fn the_plans_are_offered_and_one_keeps_the_seats_and_prices_the_new_line() {
    let mut m = with_plans(1);
    let c = calc(&m);
    let choices: Vec<_> = (0..4).map(|i| c.choice_at(i)).collect();
    assert_eq!(
        choices,
        [
            Some(Choice::Seats),
            Some(Choice::Plan(0)),
            Some(Choice::Plan(1)),
            None
        ]
    );
    assert!(!c.changing(), "the current plan: nothing to confirm");
    let fx = m.update(Msg::Choose(1));
    assert!(fx.contains(&Effect::SetTimer(Timer::Debounce, DEBOUNCE_MS)));
    let c = calc(&m);
    assert_eq!(
        (c.choice, c.qty, c.mode, c.changing()),
        (Choice::Plan(0), 1, Some(Mode::Immediate), true)
    );
    // 1 × 1,200.00 → 1 × 1,800.00 for 184 of 365 days: 600 × 184 / 365 = 302.47.
    let (fig, verified) = c.shown().expect("an estimate at once");
    assert_eq!(
        (
            fig.unit_price.as_str(),
            fig.total.as_str(),
            fig.due_gross.as_str(),
            verified
        ),
        ("1800.00", "1800.00", "302.47", false)
    );
    let (id, req) = previewed(&mut m);
    assert_eq!(
        req,
        Request::Preview {
            item: 1,
            quantity: 1,
            mode: Mode::Immediate,
            choice: Choice::Plan(0),
        }
    );
    let q = plan_quote(1, &business(false), 1, Mode::Immediate, "p1");
    let fx = m.update(Msg::Answered(id, Ok(Answer::Quote(Box::new(q.clone())))));
    assert!(fx.contains(&Effect::Emit(Event::Quote(q.json.clone()))));
    assert_eq!(calc(&m).shown().map(|s| s.1), Some(true));
    // The seats stay editable within the plan's bounds: 2 seats is a new estimate.
    m.update(Msg::Step(Step::By(1)));
    let c = calc(&m);
    assert_eq!((c.qty, c.quote.is_none()), (2, true));
    assert_eq!(c.shown().unwrap().0.total, "3600.00");
    // Back to the current plan: the seats it has, nothing to confirm.
    m.update(Msg::Choose(0));
    let c = calc(&m);
    assert_eq!((c.choice, c.qty, c.changing()), (Choice::Seats, 1, false));
}

#[test]
fn a_downgrade_waits_for_the_next_billing_date_and_keeps_the_seats_within_its_bounds() {
    let mut m = with_plans(8);
    m.update(Msg::Choose(2));
    let c = calc(&m);
    assert_eq!(
        (c.qty, c.text.as_str(), c.mode, c.allowed()),
        (5, "5", Some(Mode::NextBilling), &[Mode::NextBilling][..]),
        "8 seats clamped to the plan's 5; renewal only"
    );
    let (fig, _) = c.shown().unwrap();
    assert!(fig.nothing_due(), "nothing today: {fig:?}");
    assert_eq!(
        (fig.next_date.as_str(), fig.next_gross.as_str()),
        ("2026-11-13", "3000.00")
    );
    // Another mode is not taken; a count over the plan's bound is refused.
    m.update(Msg::ChooseMode(Mode::Immediate));
    assert_eq!(calc(&m).mode, Some(Mode::NextBilling));
    m.update(Msg::Typed("6".into()));
    assert!(!calc(&m).valid);
    m.update(Msg::Step(Step::Max));
    assert_eq!(calc(&m).qty, 5);
}

#[test]
fn a_quote_for_another_plan_is_never_confirmable() {
    let mut m = with_plans(1);
    m.update(Msg::Choose(1));
    let (id, _) = previewed(&mut m);
    // An answer bound to the other plan (the same quantity and mode): not this one.
    let other = Confirmable {
        choice: Choice::Plan(1),
        ..plan_quote(1, &business(false), 1, Mode::Immediate, "x")
    };
    let fx = m.update(Msg::Answered(id, Ok(Answer::Quote(Box::new(other)))));
    assert!(fx
        .iter()
        .all(|e| !matches!(e, Effect::Emit(Event::Quote(_)))));
    let c = calc(&m);
    assert!(c.quote.is_none() && !c.can_confirm());
    m.update(Msg::Consent(true));
    assert!(
        m.update(Msg::Confirm).is_empty(),
        "no verified quote: no confirm"
    );
}

#[test]
fn a_plan_switch_while_a_preview_is_in_flight_drops_its_answer() {
    let mut m = with_plans(1);
    m.update(Msg::Choose(1));
    let (first, _) = previewed(&mut m);
    let fx = m.update(Msg::Choose(2));
    assert!(
        fx.contains(&Effect::Abort(first)),
        "the Business preview aborted"
    );
    let (second, req) = previewed(&mut m);
    assert!(matches!(
        req,
        Request::Preview {
            quantity: 1,
            mode: Mode::NextBilling,
            choice: Choice::Plan(1),
            ..
        }
    ));
    // The Business answer arrives late: dropped; the Basic one is taken.
    let late = plan_quote(1, &business(false), 1, Mode::Immediate, "late");
    assert!(m
        .update(Msg::Answered(first, Ok(Answer::Quote(Box::new(late)))))
        .is_empty());
    assert!(calc(&m).quote.is_none());
    let q = plan_quote(1, &basic(), 1, Mode::NextBilling, "b1");
    m.update(Msg::Answered(
        second,
        Ok(Answer::Quote(Box::new(q.clone()))),
    ));
    assert_eq!(calc(&m).quote.as_ref(), Some(&q));
}

#[test]
fn a_plan_switch_while_a_commit_is_in_flight_is_ignored_and_the_receipt_names_the_plan() {
    let mut m = with_plans(1);
    m.update(Msg::Choose(1));
    let (id, _) = previewed(&mut m);
    let q = plan_quote(1, &business(false), 1, Mode::Immediate, "p1");
    m.update(Msg::Answered(id, Ok(Answer::Quote(Box::new(q.clone())))));
    let (commit, sent_q) = confirm(&mut m);
    assert_eq!(
        sent_q, q,
        "the commit sends the confirmed plan quote and its key"
    );
    for msg in [
        Msg::Choose(2),
        Msg::Choose(0),
        Msg::Step(Step::By(1)),
        Msg::ChooseItem(0),
    ] {
        assert!(m.update(msg).is_empty(), "inputs locked while confirming");
    }
    assert_eq!(calc(&m).choice, Choice::Plan(0));
    // An unknown outcome: only Check again, with the same quote and key.
    let fx = m.update(Msg::Answered(commit, fail(504, "upstream_timeout")));
    assert!(fx.contains(&Effect::Focus(Focus::Notice)));
    assert!(m.update(Msg::Choose(0)).is_empty());
    let fx = m.update(Msg::Action);
    let (again, req, _) = sent(&fx).unwrap();
    assert_eq!(req, Request::Commit(Box::new(q.clone())));
    let json = r#"{"status":"committed","kind":"plan"}"#.to_owned();
    m.update(Msg::Answered(again, Ok(Answer::Committed(json))));
    let Phase::Done(r) = &m.phase else {
        panic!("not done: {:?}", m.phase)
    };
    assert_eq!(
        (r.product_name.as_str(), r.quote.choice.kind(), r.keeps),
        ("Cloud Storage – Business seat", "plan", None)
    );
}

#[test]
fn a_scheduled_downgrade_keeps_the_plan_until_the_date() {
    let mut m = with_plans(2);
    m.update(Msg::Choose(2));
    let (id, _) = previewed(&mut m);
    let q = plan_quote(2, &basic(), 2, Mode::NextBilling, "d1");
    m.update(Msg::Answered(id, Ok(Answer::Quote(Box::new(q)))));
    let (commit, _) = confirm(&mut m);
    let json = r#"{"status":"scheduled","kind":"plan"}"#.to_owned();
    m.update(Msg::Answered(commit, Ok(Answer::Committed(json))));
    let Phase::Done(r) = &m.phase else {
        panic!("not done")
    };
    assert_eq!(
        (r.product_name.as_str(), r.keeps),
        ("Cloud Storage – Basic seat", Some(2))
    );
}

#[test]
fn a_refusal_read_again_keeps_the_plan_looked_at() {
    let mut m = with_plans(1);
    m.update(Msg::Choose(1));
    let (id, _) = previewed(&mut m);
    let fx = m.update(Msg::Answered(id, fail(422, "mode_not_allowed")));
    let (id, req, _) = sent(&fx).unwrap();
    assert_eq!(req, Request::Refresh(Why::Mode));
    let mut s = summary();
    s.items[0].change_to = vec![business(false), basic()];
    m.update(Msg::Answered(id, Ok(Answer::Summary(Box::new(s.clone())))));
    let c = calc(&m);
    assert_eq!(
        (c.choice, c.notice.clone()),
        (Choice::Plan(0), Notice::ModeUnavailable)
    );
    // Offered no more: back to the seats, nothing priced.
    m.update(Msg::Choose(2));
    let (id, _) = previewed(&mut m);
    let fx = m.update(Msg::Answered(id, fail(422, "mode_not_allowed")));
    let (id, _, _) = sent(&fx).unwrap();
    s.items[0].change_to = vec![business(false)];
    let fx = m.update(Msg::Answered(id, Ok(Answer::Summary(Box::new(s)))));
    assert!(sent(&fx).is_none());
    let c = calc(&m);
    assert_eq!((c.choice, c.changing()), (Choice::Seats, false));
}

#[test]
fn a_refused_change_is_told_never_as_nothing_due() {
    let mut m = with_plans(1);
    m.update(Msg::Choose(1));
    let (id, _) = previewed(&mut m);
    let fx = m.update(Msg::Answered(id, fail(422, "product_not_allowed")));
    let code = ErrorCode::parse("product_not_allowed");
    assert!(fx.contains(&Effect::Emit(Event::Error(code.clone()))));
    assert_eq!(code.message_key(), "err_mode");
    let c = calc(&m);
    assert_eq!(c.notice, Notice::PreviewFailed(code));
    // The estimate stays an estimate (the new plan's price), not a confirmed 0.
    let (fig, verified) = c.shown().unwrap();
    assert_eq!((fig.due_gross.as_str(), verified), ("302.47", false));
    assert!(!c.can_confirm());
}

#[test]
fn an_expired_plan_quote_is_never_confirmed_and_the_same_plan_is_priced_again() {
    let mut m = with_plans(1);
    m.update(Msg::Choose(1));
    let (id, _) = previewed(&mut m);
    let q = plan_quote(1, &business(false), 1, Mode::Immediate, "p1");
    m.update(Msg::Answered(id, Ok(Answer::Quote(Box::new(q)))));
    m.update(Msg::Consent(true));
    let fx = m.update(Msg::Fired(Timer::Expiry));
    let c = calc(&m);
    assert_eq!(
        (c.quote.is_none(), c.consent, &c.notice),
        (true, false, &Notice::QuoteExpired)
    );
    assert!(m.update(Msg::Confirm).is_empty(), "nothing to confirm");
    assert!(matches!(
        sent(&fx),
        Some((
            _,
            Request::Preview {
                choice: Choice::Plan(0),
                quantity: 1,
                ..
            },
            false
        ))
    ));
}

//! Transition tests of add-ons and removals (docs/widget.md, "Plans and add-ons"): an
//! add-on priced from nothing within its bounds, co-termed, at `…/items/preview`; an item
//! removed at the end of the period (quantity 0 at the next billing date); the receipts.

use super::*;

fn priority() -> Offer {
    Offer {
        product_id: "294900".into(),
        name: "Priority support".into(),
        unit_price: "1000.00".into(),
        downgrade: false,
        modes: vec![Mode::Immediate],
        min: 1,
        max: 5,
    }
}

/// S68841753 with a second, removable item (rn 2, Backup, 1 × 120.00) and the add-on.
fn with_add_on() -> Model {
    let mut s = summary();
    let mut backup = s.items[0].clone();
    backup.running_number = 2;
    backup.product_name = "Backup".into();
    backup.unit_price = "120.00".into();
    backup.current_unit_price = "120.00".into();
    backup.removable = true;
    s.items.push(backup);
    s.add_ons = vec![priority()];
    let mut m = Model::new(None, true);
    let (id, _, _) = sent(&m.update(Msg::Load)).unwrap();
    m.update(Msg::Answered(id, Ok(Answer::Summary(Box::new(s)))));
    m
}

fn verify(m: &mut Model, key: &str) -> Confirmable {
    let fx = m.update(Msg::Fired(Timer::Debounce));
    let (id, req, _) = sent(&fx).expect("preview sent");
    let Request::Preview {
        item,
        quantity,
        mode,
        choice,
    } = req
    else {
        panic!("not a preview: {req:?}")
    };
    let c = calc(m);
    let q = Confirmable {
        figures: c.estimate_at(quantity, mode).expect("priced"),
        item,
        choice,
        ..quote(quantity, mode, key)
    };
    m.update(Msg::Answered(id, Ok(Answer::Quote(Box::new(q.clone())))));
    q
}

#[test]
fn an_add_on_is_priced_from_nothing_within_its_bounds() {
    let mut m = with_add_on();
    let c = calc(&m);
    // Team (rn 1) is not removable: its seats, then the add-on.
    assert_eq!(
        (c.choice_at(1), c.choice_at(2)),
        (Some(Choice::Add(0)), None)
    );
    m.update(Msg::Choose(1));
    let c = calc(&m);
    assert_eq!(
        (c.qty, c.bounds(), c.mode, c.running_number()),
        (1, (1, 5), Some(Mode::Immediate), 0),
        "its minimum, now, a new item"
    );
    // 1 × 1,000.00 for 184 of 365 days: 504.11 today, co-termed to 2026-11-13.
    let (fig, verified) = c.shown().unwrap();
    assert_eq!(
        (fig.current_quantity, fig.due_gross.as_str(), verified),
        (Some(0), "504.11", false)
    );
    assert_eq!(fig.next_date, "2026-11-13");
    m.update(Msg::Step(Step::Max));
    assert_eq!(calc(&m).qty, 5);
    m.update(Msg::Typed("6".into()));
    assert!(!calc(&m).valid, "over its maximum");
    m.update(Msg::Typed("2".into()));
    let q = verify(&mut m, "a1");
    assert_eq!(
        (q.item, q.choice, q.figures.quantity),
        (0, Choice::Add(0), 2)
    );
    let c = calc(&m);
    assert_eq!(c.quote.as_ref(), Some(&q));
    // Confirmed: the commit sends exactly this quote; the receipt names the add-on.
    let (id, sent_q) = confirm(&mut m);
    assert_eq!(sent_q, q);
    assert!(m.update(Msg::Choose(0)).is_empty(), "locked");
    m.update(Msg::Answered(
        id,
        Ok(Answer::Committed(r#"{"status":"committed"}"#.into())),
    ));
    let Phase::Done(r) = &m.phase else {
        panic!("not done")
    };
    assert_eq!(
        (r.product_name.as_str(), r.quote.choice.kind(), r.keeps),
        ("Priority support", "add", None)
    );
}

#[test]
fn a_removal_is_quantity_0_at_the_next_billing_date() {
    let mut m = with_add_on();
    m.update(Msg::ChooseItem(1));
    let c = calc(&m);
    assert_eq!(
        (c.choice_at(1), c.choice_at(2)),
        (Some(Choice::Drop), Some(Choice::Add(0)))
    );
    m.update(Msg::Choose(1));
    let c = calc(&m);
    assert_eq!(
        (c.qty, c.mode, c.allowed(), c.changing()),
        (0, Some(Mode::NextBilling), &[Mode::NextBilling][..], true)
    );
    let (fig, _) = c.shown().unwrap();
    assert!(fig.nothing_due());
    assert_eq!((fig.quantity, fig.next_gross.as_str()), (0, "0.00"));
    // No count to type or step.
    m.update(Msg::Step(Step::By(1)));
    assert_eq!(calc(&m).qty, 0);
    let q = verify(&mut m, "d1");
    assert_eq!(
        (q.item, q.choice, q.mode),
        (2, Choice::Drop, Mode::NextBilling)
    );
    let (id, _) = confirm(&mut m);
    // An unknown outcome: only Check again, the same key.
    m.update(Msg::Answered(id, fail(0, "network")));
    assert!(matches!(calc(&m).commit, CommitState::Unknown(_)));
    assert!(m.update(Msg::Choose(0)).is_empty());
    let fx = m.update(Msg::Action);
    let (id, req, _) = sent(&fx).unwrap();
    assert_eq!(req, Request::Commit(Box::new(q)));
    let json = r#"{"status":"committed","effectiveOn":"2026-11-13"}"#.to_owned();
    m.update(Msg::Answered(id, Ok(Answer::Committed(json))));
    let Phase::Done(r) = &m.phase else {
        panic!("not done")
    };
    assert_eq!(
        (r.product_name.as_str(), r.quote.choice),
        ("Backup", Choice::Drop)
    );
}

#[test]
fn a_removed_item_offers_no_removal_and_another_item_starts_at_its_seats() {
    let mut m = with_add_on();
    m.update(Msg::ChooseItem(1));
    m.update(Msg::Choose(2)); // the add-on, chosen on item 2
    assert_eq!(calc(&m).choice, Choice::Add(0));
    m.update(Msg::ChooseItem(0));
    let c = calc(&m);
    assert_eq!((c.choice, c.qty, c.changing()), (Choice::Seats, 1, false));
    // Dropped already (a deactivation date): no removal offered.
    let Phase::Ready(c) = &mut m.phase else {
        panic!()
    };
    c.summary.items[1].ends = Some("2026-11-13".into());
    m.update(Msg::ChooseItem(1));
    let c = calc(&m);
    assert_eq!(c.choice_at(1), Some(Choice::Add(0)));
    // Its seats are fixed until it ends: no count, no estimate, nothing previewed.
    assert!(c.ended());
    let fx = m.update(Msg::Step(Step::By(1)));
    assert!(sent(&fx).is_none());
    assert!(sent(&m.update(Msg::Fired(Timer::Debounce))).is_none());
    let c = calc(&m);
    assert!(!c.changeable() && c.shown().is_none());
    // An add-on can still be added while it runs out.
    m.update(Msg::Choose(1));
    assert!(!calc(&m).ended());
}

#[test]
fn an_add_on_preview_in_flight_is_dropped_when_the_customer_goes_back_to_seats() {
    let mut m = with_add_on();
    m.update(Msg::Choose(1));
    let (id, _, _) = sent(&m.update(Msg::Fired(Timer::Debounce))).unwrap();
    let fx = m.update(Msg::Choose(0));
    assert!(fx.contains(&Effect::Abort(id)));
    let late = Confirmable {
        item: 0,
        choice: Choice::Add(0),
        ..quote(1, Mode::Immediate, "late")
    };
    assert!(m
        .update(Msg::Answered(id, Ok(Answer::Quote(Box::new(late)))))
        .is_empty());
    let c = calc(&m);
    assert!(c.quote.is_none() && !c.changing());
}

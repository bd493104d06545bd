//! A decrease at renewal, which the proxy schedules for the next billing date: the success
//! says the seats stay until then; a scheduled change shows in the summary, and Cancel
//! sends the DELETE and then reloads what is true.

use super::*;

/// A loaded model whose item has `n` seats and `scheduled`.
fn with_seats(n: u32, scheduled: Option<Scheduled>) -> Model {
    let mut m = Model::new(None, true);
    let id = sent(&m.update(Msg::Load)).expect("summary request").0;
    let mut s = summary();
    s.items[0].quantity = n;
    s.items[0].scheduled = scheduled;
    m.update(Msg::Answered(id, Ok(Answer::Summary(Box::new(s)))));
    m
}

/// A quote for `qty` seats priced on the item at `seats` (a quote priced on other seats
/// would be taken for a change made elsewhere).
fn quote_from(seats: u32, qty: u32, mode: Mode, key: &str) -> Confirmable {
    let mut s = summary();
    s.items[0].quantity = seats;
    Confirmable {
        figures: estimate(&s, &s.items[0], qty, mode).expect("priced"),
        ..quote(qty, mode, key)
    }
}

fn two_at_renewal() -> Option<Scheduled> {
    Some(Scheduled {
        quantity: 2,
        date: "2026-11-13".into(),
        product: None,
    })
}

#[test]
fn a_scheduled_decrease_keeps_the_seats_until_the_date() {
    let mut m = with_seats(3, None);
    m.update(Msg::Step(Step::By(-1)));
    let fx = m.update(Msg::Fired(Timer::Debounce));
    let (id, req, _) = sent(&fx).expect("preview sent");
    assert_eq!(
        req,
        Request::Preview {
            item: 1,
            quantity: 2,
            mode: Mode::NextBilling,
            choice: Choice::Seats,
        }
    );
    let q = quote_from(3, 2, Mode::NextBilling, "k1");
    m.update(Msg::Answered(id, Ok(Answer::Quote(Box::new(q)))));
    let (id, _) = confirm(&mut m);
    let answer = r#"{"status":"scheduled","quantity":2,"effectiveOn":"2026-11-13"}"#;
    m.update(Msg::Answered(id, Ok(Answer::Committed(answer.into()))));
    let Phase::Done(r) = &m.phase else {
        panic!("no receipt: {:?}", m.phase)
    };
    assert_eq!(r.keeps, Some(3), "three seats until the date");
    // A change made now keeps nothing.
    let mut m = with_seats(3, None);
    m.update(Msg::Step(Step::By(1)));
    let fx = m.update(Msg::Fired(Timer::Debounce));
    let (id, _, _) = sent(&fx).expect("preview sent");
    let q = quote_from(3, 4, Mode::Immediate, "k2");
    m.update(Msg::Answered(id, Ok(Answer::Quote(Box::new(q)))));
    let (id, _) = confirm(&mut m);
    let answer = r#"{"status":"committed","quantity":4}"#;
    m.update(Msg::Answered(id, Ok(Answer::Committed(answer.into()))));
    let Phase::Done(r) = &m.phase else {
        panic!("no receipt: {:?}", m.phase)
    };
    assert_eq!(r.keeps, None);
}

#[test]
fn the_next_billing_is_for_the_scheduled_seats() {
    let m = with_seats(3, two_at_renewal());
    let (f, verified) = calc(&m).shown().expect("the current figures");
    assert!(!verified);
    // 2 × 1,200.00 at the next billing date, not the 3 seats held until then.
    assert_eq!((f.quantity, f.next_gross.as_str()), (3, "2400.00"));
    let m = with_seats(3, None);
    assert_eq!(calc(&m).shown().expect("figures").0.next_gross, "3600.00");
}

#[test]
fn cancel_sends_the_delete_then_reloads() {
    let mut m = with_seats(3, two_at_renewal());
    let (id, req, _) = sent(&m.update(Msg::CancelScheduled)).expect("cancel sent");
    assert_eq!(req, Request::CancelScheduled { item: 1 });
    let fx = m.update(Msg::Answered(id, Ok(Answer::Cancelled)));
    assert_eq!(sent(&fx).map(|s| s.1), Some(Request::Summary));
    assert_eq!(m.phase, Phase::Loading);
    // Nothing scheduled: nothing to cancel.
    let mut m = with_seats(3, None);
    assert!(sent(&m.update(Msg::CancelScheduled)).is_none());
    // Refused (the scheduler is making it now): said, and the summary read again.
    let mut m = with_seats(3, two_at_renewal());
    let (id, _, _) = sent(&m.update(Msg::CancelScheduled)).expect("cancel sent");
    let fx = m.update(Msg::Answered(id, fail(409, "scheduled_change_applying")));
    let code = ErrorCode::parse("scheduled_change_applying");
    assert!(fx.contains(&Effect::Emit(Event::Error(code))), "{fx:?}");
    assert_eq!(sent(&fx).map(|s| s.1), Some(Request::Summary));
}

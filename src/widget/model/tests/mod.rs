//! Transition tests of the model (plain `cargo test`): the subscription of docs/proxy.md's
//! S68841753 (1 × 1,200.00 USD a year, gross 19 %, today 2026-05-13), where 1 → 2 seats
//! now costs 604.93.

use super::*;

mod addons;
mod commit;
mod elsewhere;
mod plans;
mod scheduled;
mod typing;
mod waits;

pub(super) fn summary() -> Summary {
    Summary {
        id: "S68841753".into(),
        currency: "USD".into(),
        tax_mode: "gross".into(),
        tax_rate: "0.19".into(),
        period_start: "2025-11-13".into(),
        next_billing_date: "2026-11-13".into(),
        months: 12,
        days: 0,
        today: "2026-05-13".into(),
        items: vec![Item {
            running_number: 1,
            product_name: "Cloud Storage – Team seat".into(),
            quantity: 1,
            unit_price: "1200.00".into(),
            current_unit_price: "1200.00".into(),
            min: 1,
            max: 100,
            increase_modes: vec![Mode::Immediate, Mode::Extend],
            decrease_modes: vec![Mode::NextBilling],
            scheduled: None,
            in_progress: None,
            change_to: Vec::new(),
            removable: false,
            ends: None,
        }],
        add_ons: Vec::new(),
        closed: None,
    }
}

/// A loaded model (getToken-style auth, so 401s refresh).
pub(super) fn ready() -> Model {
    let mut m = Model::new(None, true);
    let fx = m.update(Msg::Load);
    let id = sent(&fx).expect("summary request").0;
    m.update(Msg::Answered(id, Ok(Answer::Summary(Box::new(summary())))));
    m
}

pub(super) fn calc(m: &Model) -> &Calc {
    m.calc().expect("the calculator shows")
}

/// The request a batch of effects sends.
pub(super) fn sent(fx: &[Effect]) -> Option<(ReqId, Request, bool)> {
    fx.iter().find_map(|e| match e {
        Effect::Send {
            id,
            request,
            refresh_token,
        } => Some((*id, request.clone(), *refresh_token)),
        _ => None,
    })
}

/// The proxy's verified quote for `qty` seats in `mode` (figures from the engine).
pub(super) fn quote(qty: u32, mode: Mode, key: &str) -> Confirmable {
    let s = summary();
    Confirmable {
        figures: estimate(&s, &s.items[0], qty, mode).expect("priced"),
        mode,
        choice: Choice::Seats,
        item: 1,
        token: format!("quote.{qty}.{}.{key}", mode.as_str()),
        key: key.into(),
        expires_in_ms: Some(900_000),
        json: format!("{{\"quantity\":{qty}}}"),
    }
}

/// Steps by `n`, lets the debounce fire and answers the preview with `key`.
pub(super) fn step_and_verify(m: &mut Model, n: i64, key: &str) {
    m.update(Msg::Step(Step::By(n)));
    let fx = m.update(Msg::Fired(Timer::Debounce));
    let (id, req, _) = sent(&fx).expect("preview sent");
    let Request::Preview { quantity, mode, .. } = req else {
        panic!("not a preview: {req:?}")
    };
    m.update(Msg::Answered(
        id,
        Ok(Answer::Quote(Box::new(quote(quantity, mode, key)))),
    ));
}

/// Agrees and confirms; returns the commit request's id and quote.
pub(super) fn confirm(m: &mut Model) -> (ReqId, Confirmable) {
    m.update(Msg::Consent(true));
    let fx = m.update(Msg::Confirm);
    assert!(matches!(fx.last(), Some(Effect::Checkout(_))), "{fx:?}");
    let fx = m.update(Msg::CheckoutDispatched { proceed: true });
    match sent(&fx) {
        Some((id, Request::Commit(q), false)) => (id, *q),
        other => panic!("no commit: {other:?}"),
    }
}

pub(super) fn fail(status: u16, code: &str) -> Result<Answer, Failure> {
    Err(Failure::new(status, ErrorCode::parse(code)))
}

#[test]
fn estimate_then_verified() {
    let mut m = ready();
    let c = calc(&m);
    assert_eq!(
        (c.qty, c.valid, c.shown().map(|s| s.1)),
        (1, true, Some(false))
    );
    let fx = m.update(Msg::Step(Step::By(1)));
    assert!(fx.contains(&Effect::SetTimer(Timer::Debounce, DEBOUNCE_MS)));
    assert!(sent(&fx).is_none(), "debounced, not sent at once");
    let (fig, verified) = calc(&m).shown().expect("estimate in the same step");
    assert_eq!((fig.due_gross.as_str(), verified), ("604.93", false));
    let fx = m.update(Msg::Fired(Timer::Debounce));
    let (id, req, _) = sent(&fx).unwrap();
    assert_eq!(
        req,
        Request::Preview {
            item: 1,
            quantity: 2,
            mode: Mode::Immediate,
            choice: Choice::Seats,
        }
    );
    let fx = m.update(Msg::Answered(
        id,
        Ok(Answer::Quote(Box::new(quote(2, Mode::Immediate, "k1")))),
    ));
    assert!(fx.contains(&Effect::SetTimer(Timer::Expiry, 900_000)));
    assert!(fx.contains(&Effect::Emit(Event::Quote("{\"quantity\":2}".into()))));
    let (fig, verified) = calc(&m).shown().unwrap();
    assert_eq!((fig.due_gross.as_str(), verified), ("604.93", true));
    // Back to the current count: nothing to confirm and no badge-worthy quote.
    m.update(Msg::Step(Step::By(-1)));
    let c = calc(&m);
    assert_eq!(
        (c.quote.is_none(), c.previewing, c.direction()),
        (true, false, Direction::Unchanged)
    );
}

#[test]
fn late_answers_are_discarded() {
    let mut m = ready();
    m.update(Msg::Step(Step::By(1)));
    let (first, _, _) = sent(&m.update(Msg::Fired(Timer::Debounce))).unwrap();
    let fx = m.update(Msg::Step(Step::By(1)));
    assert!(
        fx.contains(&Effect::Abort(first)),
        "the older preview is aborted"
    );
    let (second, _, _) = sent(&m.update(Msg::Fired(Timer::Debounce))).unwrap();
    // The answer for 2 seats arrives after the customer moved to 3: dropped.
    let fx = m.update(Msg::Answered(
        first,
        Ok(Answer::Quote(Box::new(quote(2, Mode::Immediate, "a")))),
    ));
    assert!(fx.is_empty());
    assert!(calc(&m).quote.is_none());
    m.update(Msg::Answered(
        second,
        Ok(Answer::Quote(Box::new(quote(3, Mode::Immediate, "b")))),
    ));
    assert_eq!(calc(&m).quote.as_ref().unwrap().figures.quantity, 3);
    // A second answer to the same id is dropped too.
    assert!(m
        .update(Msg::Answered(second, fail(500, "upstream_error")))
        .is_empty());
}

#[test]
fn expiry_drops_the_quote_and_previews_again_asking_consent_again() {
    let mut m = ready();
    step_and_verify(&mut m, 1, "k1");
    m.update(Msg::Consent(true));
    let fx = m.update(Msg::Fired(Timer::Expiry));
    let c = calc(&m);
    assert_eq!(
        (c.quote.is_none(), c.consent, &c.notice),
        (true, false, &Notice::QuoteExpired)
    );
    assert!(matches!(
        sent(&fx),
        Some((_, Request::Preview { quantity: 2, .. }, false))
    ));
    assert!(!c.can_confirm());
    // A commit answered quote_expired does the same.
    let mut m = ready();
    step_and_verify(&mut m, 1, "k1");
    let (id, _) = confirm(&mut m);
    let fx = m.update(Msg::Answered(id, fail(409, "quote_expired")));
    assert!(matches!(sent(&fx), Some((_, Request::Preview { .. }, _))));
    let c = calc(&m);
    assert_eq!(
        (c.commit.clone(), c.consent, c.notice.clone()),
        (CommitState::Idle, false, Notice::QuoteExpired)
    );
    // A commit found not applied (nothing charged): a fresh quote, consent again.
    let mut m = ready();
    step_and_verify(&mut m, 1, "k1");
    let (id, _) = confirm(&mut m);
    let fx = m.update(Msg::Answered(id, fail(409, "commit_not_applied")));
    assert!(matches!(sent(&fx), Some((_, Request::Preview { .. }, _))));
    let c = calc(&m);
    assert_eq!(
        (c.commit.clone(), c.consent, c.notice.clone()),
        (CommitState::Idle, false, Notice::CommitNotApplied)
    );
}

#[test]
fn bug4_no_input_error_on_first_load_or_after_a_failed_load() {
    let m = ready();
    let c = calc(&m);
    assert!(c.valid && c.notice == Notice::None);
    let mut m = Model::new(None, true);
    let (id, _, _) = sent(&m.update(Msg::Load)).unwrap();
    m.update(Msg::Answered(id, fail(502, "upstream_error")));
    assert_eq!(m.phase, Phase::LoadFailed(ErrorCode::UpstreamError));
    let (id, _, _) = sent(&m.update(Msg::Action)).expect("Try again reloads");
    m.update(Msg::Answered(id, Ok(Answer::Summary(Box::new(summary())))));
    assert!(calc(&m).valid);
}

#[test]
fn bug5_invalid_text_shows_no_price_and_full_width_digits_count() {
    let mut m = ready();
    step_and_verify(&mut m, 9, "k1");
    assert_eq!(calc(&m).qty, 10);
    for text in ["101", "2.5", "99999999999999999999", "", "-2", "0"] {
        let fx = m.update(Msg::Typed(text.into()));
        let c = calc(&m);
        assert!(!c.valid, "{text}");
        assert_eq!(
            (c.shown(), c.quote.is_none(), c.previewing),
            (None, true, false),
            "{text}"
        );
        assert!(
            sent(&fx).is_none() && !fx.contains(&Effect::SetTimer(Timer::Debounce, DEBOUNCE_MS))
        );
        m.update(Msg::Blurred);
        assert_eq!(calc(&m).text, text, "the box keeps what was typed");
        assert!(!calc(&m).can_confirm());
    }
    m.update(Msg::Typed("１２".into()));
    let c = calc(&m);
    assert_eq!((c.valid, c.qty), (true, 12));
    assert_eq!(c.shown().unwrap().0.quantity, 12);
    m.update(Msg::Blurred);
    assert_eq!(calc(&m).text, "12");
    // A step from an invalid text starts from the last valid count.
    m.update(Msg::Typed("abc".into()));
    m.update(Msg::Step(Step::By(1)));
    assert_eq!((calc(&m).text.as_str(), calc(&m).valid), ("13", true));
}

#[test]
fn bug7_focus_moves_to_the_control_that_replaces_the_focused_one() {
    let mut m = ready();
    assert_eq!(
        m.focus_fallback(),
        Some(Focus::Quantity),
        "− disabled at the minimum"
    );
    step_and_verify(&mut m, 1, "k1");
    let (id, _) = confirm(&mut m);
    let fx = m.update(Msg::Answered(id, Ok(Answer::Committed("{}".into()))));
    assert!(fx.contains(&Effect::Focus(Focus::Success)));
    assert_eq!(m.focus_fallback(), Some(Focus::Success));
    m.update(Msg::Action); // "Make another change": the panel is replaced while loading
    assert_eq!(m.focus_fallback(), Some(Focus::Loading));
    let (id, _, _) = sent(&m.update(Msg::Load)).unwrap();
    m.update(Msg::Answered(id, fail(502, "upstream_error")));
    assert_eq!(m.focus_fallback(), Some(Focus::Retry));
    m.update(Msg::Destroy);
    assert_eq!(m.focus_fallback(), None);
}

#[test]
fn negative_alignment_offers_renewal() {
    let mut s = summary();
    s.items[0].quantity = 5;
    s.items[0].decrease_modes = vec![Mode::Immediate, Mode::NextBilling];
    let mut m = Model::new(None, true);
    let (id, _, _) = sent(&m.update(Msg::Load)).unwrap();
    m.update(Msg::Answered(id, Ok(Answer::Summary(Box::new(s)))));
    m.update(Msg::Step(Step::By(-1)));
    assert_eq!(calc(&m).notice, Notice::Negative);
    let fx = m.update(Msg::Action);
    assert!(fx.contains(&Effect::SetTimer(Timer::Debounce, DEBOUNCE_MS)));
    assert_eq!(
        (calc(&m).mode, calc(&m).notice.clone()),
        (Some(Mode::NextBilling), Notice::None)
    );
}

#[test]
fn a_slow_preview_is_said() {
    let mut m = ready();
    m.update(Msg::Step(Step::By(1)));
    let fx = m.update(Msg::Fired(Timer::Debounce));
    assert!(fx.contains(&Effect::SetTimer(Timer::Slow, SLOW_MS)));
    m.update(Msg::Fired(Timer::Slow));
    assert!(calc(&m).slow);
    let (id, _, _) = sent(&fx).unwrap();
    m.update(Msg::Answered(
        id,
        Ok(Answer::Quote(Box::new(quote(2, Mode::Immediate, "k")))),
    ));
    assert!(!calc(&m).slow);
}

#[test]
fn destroy_stops_everything_and_ignores_what_comes_later() {
    let mut m = ready();
    m.update(Msg::Step(Step::By(1)));
    let (id, _, _) = sent(&m.update(Msg::Fired(Timer::Debounce))).unwrap();
    let fx = m.update(Msg::Destroy);
    assert!(fx.contains(&Effect::Abort(id)));
    for t in [
        Timer::Debounce,
        Timer::Expiry,
        Timer::Slow,
        Timer::RetryAfter,
    ] {
        assert!(fx.contains(&Effect::CancelTimer(t)));
    }
    assert_eq!(m.phase, Phase::Destroyed);
    for msg in [
        Msg::Answered(
            id,
            Ok(Answer::Quote(Box::new(quote(2, Mode::Immediate, "k")))),
        ),
        Msg::Fired(Timer::Debounce),
        Msg::Load,
        Msg::Step(Step::By(1)),
        Msg::Destroy,
    ] {
        assert!(m.update(msg).is_empty());
    }
    let (mut bad, fx) = Model::misconfigured();
    assert_eq!(
        fx,
        vec![Effect::Emit(Event::Error(ErrorCode::InvalidOptions))]
    );
    assert!(bad.update(Msg::Load).is_empty());
}

#[test]
fn stepper_and_typed_quantities() {
    assert_eq!(apply_step(1, Step::By(-1), 1, 100), 1);
    assert_eq!(apply_step(95, Step::By(10), 1, 100), 100);
    assert_eq!(apply_step(50, Step::Min, 3, 100), 3);
    assert_eq!(key_step("PageDown"), Some(Step::By(-10)));
    assert_eq!(parse_quantity(" 12 ", 1, 100), Some(12));
    assert_eq!(parse_quantity("１２", 1, 100), Some(12));
    assert_eq!(parse_quantity("1e2", 1, 1000), None);
    assert_eq!(parse_quantity("99999999999", 1, u32::MAX), None);
    assert_eq!(Mode::parse("extend").map(Mode::as_str), Some("extend"));
    assert_eq!(ErrorCode::parse("nope").as_str(), "nope");
}

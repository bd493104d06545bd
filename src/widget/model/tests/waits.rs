//! Transition tests of what the customer is told while waiting (docs/widget.md, "Waits and
//! changes in progress"): a `Retry-After` on a preview or a commit, and another change of
//! the same plan being processed.

use super::*;

fn busy(status: u16, code: &str, retry_after: u32) -> Result<Answer, Failure> {
    let mut f = Failure::new(status, ErrorCode::parse(code));
    f.retry_after = Some(retry_after);
    Err(f)
}

#[test]
fn a_previews_wait_is_told_and_the_preview_retries_by_itself() {
    let mut m = ready();
    m.update(Msg::Step(Step::By(1)));
    let (id, _, _) = sent(&m.update(Msg::Fired(Timer::Debounce))).expect("preview");
    let fx = m.update(Msg::Answered(id, busy(429, "rate_limited", 45)));
    assert!(fx.contains(&Effect::SetTimer(Timer::RetryAfter, 45_000)));
    assert_eq!(calc(&m).retry_in, Some(45), "the wait is shown");
    let fx = m.update(Msg::Fired(Timer::RetryAfter));
    assert!(matches!(
        sent(&fx),
        Some((_, Request::Preview { quantity: 2, .. }, _))
    ));
    assert_eq!(calc(&m).retry_in, None, "no wait once the preview is sent");
    assert_eq!(calc(&m).notice, Notice::None);
    // A change of the quantity during the wait drops it (a new preview is scheduled).
    let (id, _, _) = sent(&fx).expect("preview");
    m.update(Msg::Answered(id, busy(503, "upstream_unavailable", 5)));
    assert_eq!(calc(&m).retry_in, Some(5));
    m.update(Msg::Step(Step::By(1)));
    assert_eq!(calc(&m).retry_in, None);
    // A wait longer than the widget keeps is not promised.
    let (id, _, _) = sent(&m.update(Msg::Fired(Timer::Debounce))).expect("preview");
    m.update(Msg::Answered(id, busy(429, "rate_limited", 3600)));
    assert_eq!(calc(&m).retry_in, None);
}

#[test]
fn a_commits_wait_keeps_confirm_disabled_until_it_ends() {
    let mut m = ready();
    step_and_verify(&mut m, 1, "k1");
    let (id, q) = confirm(&mut m);
    let fx = m.update(Msg::Answered(id, busy(503, "upstream_unavailable", 30)));
    assert!(fx.contains(&Effect::SetTimer(Timer::ConfirmWait, 30_000)));
    assert!(fx.contains(&Effect::Focus(Focus::Notice)));
    let c = calc(&m);
    assert_eq!(
        (&c.commit, &c.notice, c.confirm_in),
        (
            &CommitState::Idle,
            &Notice::CommitRefused(ErrorCode::UpstreamUnavailable),
            Some(30)
        )
    );
    assert!(c.consent && !c.can_confirm(), "agreed, but Confirm waits");
    assert!(m.update(Msg::Confirm).is_empty());
    assert!(
        m.update(Msg::Action).is_empty(),
        "no Try again during the wait"
    );
    m.update(Msg::Fired(Timer::ConfirmWait));
    assert!(calc(&m).can_confirm());
    let fx = m.update(Msg::Confirm);
    assert!(matches!(fx.last(), Some(Effect::Checkout(c)) if **c == q));
}

#[test]
fn another_change_in_progress_is_not_told_as_nothing_charged_and_check_again_re_previews() {
    let code = ErrorCode::parse("item_change_in_progress");
    assert_eq!(code.message_key(), "err_in_progress");
    let mut m = ready();
    step_and_verify(&mut m, 1, "k1");
    let (id, _) = confirm(&mut m);
    m.update(Msg::Answered(id, fail(409, "item_change_in_progress")));
    assert_eq!(calc(&m).notice, Notice::CommitRefused(code));
    let fx = m.update(Msg::Action);
    assert!(
        matches!(
            sent(&fx),
            Some((_, Request::Preview { quantity: 2, .. }, _))
        ),
        "{fx:?}"
    );
    let c = calc(&m);
    assert!(c.quote.is_none() && !c.consent && c.notice == Notice::None);
}

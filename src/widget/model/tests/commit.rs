//! Transition tests of confirmations: 401 refresh, `quote_changed`, unknown outcomes and
//! Check again, the locked inputs, one key per quote (bugs 1–3), the checkout hand-off.

use super::*;

#[test]
fn a_401_refreshes_the_token_once_and_resends_the_same_request() {
    let mut m = ready();
    step_and_verify(&mut m, 1, "k1");
    let (id, q) = confirm(&mut m);
    let fx = m.update(Msg::Answered(id, fail(401, "unauthorized")));
    let (id2, req, refresh) = sent(&fx).expect("sent again");
    assert_eq!(
        (req, refresh),
        (Request::Commit(Box::new(q)), true),
        "same quote, same key, fresh token"
    );
    m.update(Msg::Answered(id2, fail(401, "unauthorized")));
    assert_eq!(
        calc(&m).notice,
        Notice::CommitRefused(ErrorCode::Unauthorized),
        "only once"
    );
    // A fixed token cannot be refreshed: the load fails at once.
    let mut m = Model::new(None, false);
    let (id, _, _) = sent(&m.update(Msg::Load)).unwrap();
    let fx = m.update(Msg::Answered(id, fail(401, "unauthorized")));
    assert_eq!(m.phase, Phase::LoadFailed(ErrorCode::Unauthorized));
    assert_eq!(
        fx,
        vec![Effect::Emit(Event::Error(ErrorCode::Unauthorized))]
    );
}

#[test]
fn quote_changed_shows_the_fresh_quote_with_a_new_key_and_asks_again() {
    let mut m = ready();
    step_and_verify(&mut m, 1, "k1");
    let (id, _) = confirm(&mut m);
    let mut fresh = quote(2, Mode::Immediate, "k2");
    fresh.figures.due_gross = "756.16".into();
    let mut f = Failure::new(409, ErrorCode::QuoteChanged);
    f.fresh = Some(Box::new(fresh.clone()));
    let fx = m.update(Msg::Answered(id, Err(f)));
    assert!(fx.contains(&Effect::Emit(Event::Error(ErrorCode::QuoteChanged))));
    let c = calc(&m);
    assert_eq!(c.quote.as_ref(), Some(&fresh));
    assert_eq!(
        (c.consent, c.commit.clone(), c.notice.clone()),
        (false, CommitState::Idle, Notice::QuoteChanged)
    );
    let (_, q) = confirm(&mut m);
    assert_eq!(
        (q.key.as_str(), q.figures.due_gross.as_str()),
        ("k2", "756.16")
    );
    assert_eq!(
        calc(&m).notice,
        Notice::None,
        "agreeing again clears the notice"
    );
}

#[test]
fn a_429_with_retry_after_previews_again_after_that_wait() {
    let mut m = ready();
    m.update(Msg::Step(Step::By(1)));
    let (id, _, _) = sent(&m.update(Msg::Fired(Timer::Debounce))).unwrap();
    let mut f = Failure::new(503, ErrorCode::UpstreamUnavailable);
    f.retry_after = Some(7);
    let fx = m.update(Msg::Answered(id, Err(f)));
    assert!(
        fx.contains(&Effect::SetTimer(Timer::RetryAfter, 7000)),
        "{fx:?}"
    );
    assert_eq!(
        calc(&m).notice,
        Notice::PreviewFailed(ErrorCode::UpstreamUnavailable)
    );
    let fx = m.update(Msg::Fired(Timer::RetryAfter));
    assert!(matches!(
        sent(&fx),
        Some((_, Request::Preview { quantity: 2, .. }, _))
    ));
    assert_eq!(calc(&m).notice, Notice::None);
    // A wait longer than the widget keeps is left to the customer's Try again.
    let (id, _, _) = sent(&fx).unwrap();
    let mut f = Failure::new(503, ErrorCode::UpstreamUnavailable);
    f.retry_after = Some(3600);
    let fx = m.update(Msg::Answered(id, Err(f)));
    assert!(!fx
        .iter()
        .any(|e| matches!(e, Effect::SetTimer(Timer::RetryAfter, _))));
    let fx = m.update(Msg::Action);
    assert!(matches!(sent(&fx), Some((_, Request::Preview { .. }, _))));
}

#[test]
fn an_unknown_outcome_offers_only_check_again_with_the_same_key() {
    // Bug 3: the commit was applied but its answer lost (504).
    let mut m = ready();
    step_and_verify(&mut m, 1, "k1");
    let (id, q) = confirm(&mut m);
    let fx = m.update(Msg::Answered(id, fail(504, "upstream_timeout")));
    // The focus leaves the disabled Confirm for Check again.
    assert_eq!(
        fx,
        vec![
            Effect::Emit(Event::Error(ErrorCode::UpstreamTimeout)),
            Effect::Focus(Focus::Notice)
        ]
    );
    assert_eq!(
        calc(&m).commit,
        CommitState::Unknown(ErrorCode::UpstreamTimeout)
    );
    // No new quote until the outcome is known: every input is ignored.
    for msg in [
        Msg::Step(Step::By(1)),
        Msg::Typed("3".into()),
        Msg::ChooseMode(Mode::Extend),
        Msg::Consent(false),
        Msg::Confirm,
        Msg::Load,
    ] {
        assert!(m.update(msg.clone()).is_empty(), "{msg:?} while unknown");
    }
    assert_eq!(calc(&m).shown().unwrap().0.due_gross, "604.93");
    let fx = m.update(Msg::Action);
    let (id, req, _) = sent(&fx).expect("check again");
    assert_eq!(
        req,
        Request::Commit(Box::new(q.clone())),
        "the same quote with the same key"
    );
    assert_eq!(calc(&m).commit, CommitState::Confirming);
    let fx = m.update(Msg::Answered(id, Ok(Answer::Committed("{}".into()))));
    assert!(fx.contains(&Effect::Focus(Focus::Success)));
    match &m.phase {
        Phase::Done(r) => assert_eq!(r.quote, q),
        other => panic!("{other:?}"),
    }
    // A lost connection is unknown too.
    let mut m = ready();
    step_and_verify(&mut m, 1, "k1");
    let (id, _) = confirm(&mut m);
    m.update(Msg::Answered(id, fail(0, "network")));
    assert_eq!(calc(&m).commit, CommitState::Unknown(ErrorCode::Network));
}

#[test]
fn bug1_the_mode_is_locked_while_confirming_and_the_commit_takes_the_shown_quote() {
    let mut m = ready();
    step_and_verify(&mut m, 1, "k1");
    let (id, q) = confirm(&mut m);
    assert_eq!(
        (q.mode, q.figures.due_gross.as_str()),
        (Mode::Immediate, "604.93")
    );
    for msg in [
        Msg::ChooseMode(Mode::Extend),
        Msg::Step(Step::By(1)),
        Msg::ChooseItem(0),
        Msg::Typed("5".into()),
    ] {
        assert!(m.update(msg).is_empty());
    }
    let c = calc(&m);
    assert_eq!(
        (c.mode, c.qty, c.quote.as_ref()),
        (Some(Mode::Immediate), 2, Some(&q))
    );
    assert_eq!(c.shown(), Some((&q.figures, true)));
    m.update(Msg::Answered(id, Ok(Answer::Committed("{}".into()))));
    assert!(matches!(&m.phase, Phase::Done(r) if r.quote.mode == Mode::Immediate));
}

#[test]
fn bug2_a_new_quote_after_a_refused_commit_is_confirmed_with_its_own_key() {
    let mut m = ready();
    step_and_verify(&mut m, 1, "k1");
    let (id, first) = confirm(&mut m);
    m.update(Msg::Answered(id, fail(503, "upstream_unavailable")));
    let c = calc(&m);
    assert_eq!(
        (c.commit.clone(), c.notice.clone()),
        (
            CommitState::Idle,
            Notice::CommitRefused(ErrorCode::UpstreamUnavailable)
        )
    );
    step_and_verify(&mut m, 1, "k2");
    let (_, second) = confirm(&mut m);
    assert_eq!(second.figures.quantity, 3);
    assert_ne!(second.key, first.key, "a new quote, a new key");
    assert_eq!(second.key, "k2");
    // Retrying the refused one (Try again) reuses its key.
    let mut m = ready();
    step_and_verify(&mut m, 1, "k1");
    let (id, q) = confirm(&mut m);
    m.update(Msg::Answered(id, fail(503, "upstream_unavailable")));
    assert!(matches!(sent(&m.update(Msg::Action)), Some((_, Request::Commit(r), _)) if *r == q));
}

#[test]
fn bug3_a_commit_error_5xx_is_an_unknown_outcome_never_a_retry_with_a_new_quote() {
    let mut m = ready();
    step_and_verify(&mut m, 1, "k1");
    let (id, _) = confirm(&mut m);
    m.update(Msg::Answered(id, fail(502, "upstream_error")));
    assert_eq!(
        calc(&m).commit,
        CommitState::Unknown(ErrorCode::UpstreamError)
    );
    assert!(m.update(Msg::Step(Step::By(1))).is_empty());
    assert_eq!(calc(&m).qty, 2, "the box keeps the confirmed count");
}

#[test]
fn the_checkout_event_can_take_over() {
    let mut m = ready();
    step_and_verify(&mut m, 1, "k1");
    m.update(Msg::Consent(true));
    m.update(Msg::Confirm);
    let fx = m.update(Msg::CheckoutDispatched { proceed: false });
    assert!(sent(&fx).is_none());
    let c = calc(&m);
    assert_eq!(
        (c.commit.clone(), c.notice.clone()),
        (CommitState::Idle, Notice::HandedOff)
    );
}

#[test]
fn the_ledgers_codes_keep_an_unsettled_commit_unknown_and_a_busy_item_refused() {
    // The proxy's commit ledger (DESIGN.md): an attempt it cannot settle yet, or one it
    // cannot tell apart from a change made elsewhere, may have been applied.
    for (status, code, want) in [
        (
            409,
            "commit_outcome_unknown",
            ErrorCode::CommitOutcomeUnknown,
        ),
        (409, "commit_disputed", ErrorCode::CommitDisputed),
    ] {
        let mut m = ready();
        step_and_verify(&mut m, 1, "k1");
        let (id, _) = confirm(&mut m);
        m.update(Msg::Answered(id, fail(status, code)));
        assert_eq!(calc(&m).commit, CommitState::Unknown(want), "{code}");
    }
    // Another change to the same item was in flight: this one was never sent.
    let mut m = ready();
    step_and_verify(&mut m, 1, "k1");
    let (id, _) = confirm(&mut m);
    m.update(Msg::Answered(id, fail(409, "item_change_in_progress")));
    assert_eq!(calc(&m).commit, CommitState::Idle);
}

#[test]
fn customer_token_refusals_read_as_signed_out_or_forbidden() {
    for code in [
        "token_missing",
        "token_invalid",
        "token_audience",
        "token_expired",
        "token_not_yet_valid",
    ] {
        assert_eq!(ErrorCode::parse(code), ErrorCode::Unauthorized, "{code}");
    }
    assert_eq!(
        ErrorCode::parse("forbidden_subscription"),
        ErrorCode::Forbidden
    );
    assert_eq!(
        ErrorCode::parse("token_keys_unavailable").message_key(),
        "err_busy"
    );
    // A `<seat-quote>` without any token source is a setup mistake, not a signed-out customer.
    let missing = ErrorCode::parse("token_source_missing");
    assert_eq!(missing, ErrorCode::TokenSourceMissing);
    assert_eq!(
        (missing.as_str(), missing.message_key()),
        ("token_source_missing", "err_config")
    );
}

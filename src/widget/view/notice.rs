//! The notice panel: which message, lead-in and action button the model's commit and
//! notice states show (docs/widget.md, "Confirming"), painted by [`super::paint`].

use super::dom::attr;
use super::format::Formatter;
use super::i18n::Messages;
use super::render::{View, N};
use crate::widget::model::{Calc, CommitState, ErrorCode, Mode, Notice};

/// Paints the notice panel for `c`.
pub(super) fn notice(v: &View, m: &Messages, f: &Formatter, c: &Calc) {
    let item = c.item();
    let in_progress = ErrorCode::ItemChangeInProgress;
    // Catalogue keys: a lead-in, the message, the action button's label.
    let (lead, key, action, info): (&str, &str, Option<&str>, bool) = match (&c.commit, &c.notice) {
        (CommitState::Unknown(_), _) => ("", "commit_unknown", Some("check_again"), false),
        // The subscription as it is now (docs/widget.md, "Changes made elsewhere"): a
        // change in progress, or what changed elsewhere (new seats said first).
        _ if c.busy() => ("", "in_progress", None, true),
        (
            _,
            Notice::Changed {
                seats: Some(_),
                agree,
                ..
            },
        ) => ("", "now_seats", None, !*agree),
        (_, Notice::Changed { agree, .. }) => ("", "now_price", None, !*agree),
        (_, Notice::None) => ("", "", None, false),
        (_, Notice::QuoteChanged) => ("", "quote_changed", None, false),
        (_, Notice::QuoteExpired) => ("", "quote_expired", None, false),
        (_, Notice::CommitNotApplied) => ("not_charged", "commit_not_applied", None, false),
        (_, Notice::HandedOff) => ("", "handed_off", None, true),
        (_, Notice::ModeUnavailable) => ("", "err_mode", None, false),
        (_, Notice::Negative) => (
            "",
            "negative_alignment",
            item.decrease_modes
                .contains(&Mode::NextBilling)
                .then_some("use_next_billing"),
            false,
        ),
        // A wait the proxy named: said plainly, and the preview is sent again by itself.
        (_, Notice::PreviewFailed(_)) if c.retry_in.is_some() => ("", "wait_preview", None, false),
        (_, Notice::PreviewFailed(code)) if *code == in_progress => {
            ("", code.message_key(), Some("check_again"), false)
        }
        (_, Notice::PreviewFailed(code)) => ("", code.message_key(), Some("retry"), false),
        // Another change of this plan is being processed: not "nothing was charged".
        (_, Notice::CommitRefused(code)) if *code == in_progress => {
            ("", code.message_key(), Some("check_again"), false)
        }
        (_, Notice::CommitRefused(_)) if c.confirm_in.is_some() => {
            ("not_charged", "wait_confirm", None, false)
        }
        (_, Notice::CommitRefused(code)) => {
            ("not_charged", code.message_key(), Some("retry"), false)
        }
    };
    let mut text = String::new();
    if !lead.is_empty() {
        text.push_str(m.get(lead));
        text.push(' ');
    }
    if !key.is_empty() {
        let wait = c.retry_in.or(c.confirm_in).unwrap_or(0);
        let seconds = m.fill(
            if wait == 1 {
                "seconds_one"
            } else {
                "seconds_other"
            },
            &[("n", &f.integer(wait))],
        );
        let (n, price) = match &c.notice {
            Notice::Changed { seats, price, .. } => (*seats, price.as_deref()),
            _ => (c.item().in_progress, None),
        };
        let n = n.unwrap_or(0);
        let seats = m.seats(n, &f.integer(n));
        let price = price.map(|p| f.money(p)).unwrap_or_default();
        text.push_str(&m.fill(
            key,
            &[("s", &seconds), ("seats", &seats), ("price", &price)],
        ));
    }
    if matches!(c.notice, Notice::Changed { agree: true, .. }) && !c.busy() {
        text.push(' ');
        text.push_str(m.get("commit_not_applied")); // "We fetched a fresh quote… agree again."
    }
    v.show(N::Notice, !key.is_empty());
    v.put(N::NoticeText, text);
    v.show(N::NoticeAction, action.is_some());
    v.text(N::NoticeAction, action.map_or("", |a| m.get(a)));
    attr(
        &v[N::Notice],
        "class",
        if info { "notice info" } else { "notice" },
    );
}

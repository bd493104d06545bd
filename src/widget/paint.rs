//! Painting: writes the model's state into the [`View`] (text through `textContent`,
//! state through attributes), and keeps the keyboard focus on a control when the focused
//! one is disabled or hidden.

use web_sys::Element;

use super::dom::{attr, clear, el, flag, set_text, show};
use super::format::Formatter;
use super::i18n::Messages;
use super::model::{Calc, CommitState, Direction, Focus, Mode, Notice, Phase, Receipt, Summary};
use super::render::{Panel, View};
use super::runtime::Widget;
use super::timeline::geometry;

/// Draws the widget's state.
pub fn paint(w: &mut Widget) {
    let Widget {
        view,
        msgs,
        fmt,
        model,
        ..
    } = w;
    set_text(&view.loading, msgs.get("loading"));
    match &model.phase {
        Phase::Destroyed => {}
        Phase::Misconfigured => {
            view.panel(Panel::Error);
            set_text(&view.error_text, msgs.get("err_config"));
            show(&view.error_retry, false);
        }
        Phase::Loading => view.panel(Panel::Loading),
        Phase::LoadFailed(code) => {
            view.panel(Panel::Error);
            set_text(&view.error_text, msgs.get(code.message_key()));
            set_text(&view.error_retry, msgs.get("retry"));
            show(&view.error_retry, true);
        }
        Phase::Done(r) => {
            view.panel(Panel::Success);
            if let Some(f) = fmt.as_ref() {
                let text = success_text(msgs, f, r);
                set_text(&view.success_text, &text);
                set_text(&view.live, &text);
            }
            attr(&view.success_text, "tabindex", "-1");
            set_text(&view.again, msgs.get("again"));
        }
        Phase::Ready(c) => {
            view.panel(Panel::Main);
            if let Some(f) = fmt.as_ref() {
                main(view, msgs, f, c);
            }
        }
    }
}

fn success_text(m: &Messages, f: &Formatter, r: &Receipt) -> String {
    let q = &r.quote.figures;
    let seats = m.seats(q.quantity, &f.integer(q.quantity));
    let mut text = m.fill("success", &[("seats", &seats)]);
    text.push(' ');
    let key = if q.nothing_due() {
        "success_free"
    } else {
        "success_paid"
    };
    text.push_str(&m.fill(
        key,
        &[
            ("due", &f.money(&q.due_gross)),
            ("next", &f.money(&q.next_gross)),
            ("date", &f.date(&q.next_date)),
        ],
    ));
    text
}

fn main(v: &mut View, m: &Messages, f: &Formatter, c: &Calc) {
    let s = &c.summary;
    let item = c.item();
    let locked = c.locked();
    // Item picker (only when several items and no `item` option).
    if c.picker && v.picker.length() as usize != s.items.len() {
        clear(&v.picker);
        for (i, it) in s.items.iter().enumerate() {
            let o = el("option", "");
            attr(&o, "value", &i.to_string());
            o.set_text_content(Some(&it.product_name));
            let _ = v.picker.append_child(&o);
        }
    }
    if c.picker {
        v.picker.set_selected_index(c.item as i32);
    }
    show(&v.picker_row, c.picker);
    v.picker.set_disabled(locked);
    set_text(&v.product, &item.product_name);
    let seats = m.seats(item.quantity, &f.integer(item.quantity));
    set_text(&v.current, &m.fill("current", &[("seats", &seats)]));
    set_text(&v.picker_label, m.get("item_label"));
    set_text(&v.seats_label, m.get("seats_label"));
    attr(&v.dec, "aria-label", m.get("decrease"));
    attr(&v.inc, "aria-label", m.get("increase"));
    let (min, max) = (f.integer(item.min), f.integer(item.max));
    set_text(&v.range, &m.fill("range", &[("min", &min), ("max", &max)]));
    set_text(
        &v.invalid,
        &m.fill("invalid_quantity", &[("min", &min), ("max", &max)]),
    );
    attr(&v.qty, "aria-valuemin", &item.min.to_string());
    attr(&v.qty, "aria-valuemax", &item.max.to_string());
    attr(&v.qty, "aria-valuenow", &c.qty.to_string());
    if v.qty.value() != c.text {
        v.qty.set_value(&c.text);
    }
    v.invalid_qty(!c.valid);
    View::enable(&v.dec, !locked && (!c.valid || c.qty > item.min));
    View::enable(&v.inc, !locked && (!c.valid || c.qty < item.max));
    flag(&v.qty, "readonly", locked);

    let dir = c.direction();
    let shown = c.shown();
    let rate = f.percent(&s.tax_rate);
    if let Some((fig, _)) = shown {
        let line = m.fill(
            "line",
            &[
                ("qty", &f.integer(fig.quantity)),
                ("unit", &f.money(&fig.unit_price)),
                ("total", &f.money(&fig.total)),
            ],
        );
        set_text(&v.line, &line);
        let tax = m.fill(
            if s.tax_mode == "net" {
                "tax_net"
            } else {
                "tax_gross"
            },
            &[("rate", &rate)],
        );
        let per = match (s.months, s.days) {
            (1, 0) => m.get("per_month"),
            (12, 0) => m.get("per_year"),
            _ => m.get("per_period"),
        };
        let mut t = String::from(" ");
        t.push_str(per);
        t.push_str(" · ");
        t.push_str(&tax);
        set_text(&v.line_tax, &t);
    }
    show(&v.line, shown.is_some());
    show(&v.line_tax, shown.is_some());

    modes(v, m, f, c);
    let next_billing = c.mode == Some(Mode::NextBilling);
    show(&v.decrease_note, dir == Direction::Decrease && next_billing);
    set_text(
        &v.decrease_note,
        &m.fill("decrease_note", &[("date", &f.date(&s.next_billing_date))]),
    );
    show(&v.no_change, c.valid && dir == Direction::Unchanged);
    set_text(&v.no_change, m.get("no_change"));

    figures(v, m, f, c, &rate);
    notice(v, m, c);

    // "Checking the price…" while a slow preview runs (and why consent waits).
    show(&v.checking, c.previewing && c.slow && c.quote.is_none());
    set_text(&v.checking, m.get("checking"));

    // Consent and confirm.
    let changing = dir != Direction::Unchanged && shown.is_some();
    show(&v.consent_row, changing);
    show(&v.confirm, changing);
    if let Some((fig, _)) = shown {
        let key = if dir == Direction::Decrease || fig.nothing_due() {
            "consent_decrease"
        } else {
            "consent_increase"
        };
        let text = m.fill(
            key,
            &[
                ("due", &f.money(&fig.due_gross)),
                ("next", &f.money(&fig.next_gross)),
                ("date", &f.date(&fig.next_date)),
            ],
        );
        set_text(&v.consent_text, &text);
    }
    v.consent.set_disabled(c.quote.is_none() || locked);
    if c.quote.is_none() {
        attr(&v.consent, "aria-describedby", "checking");
    } else {
        let _ = v.consent.remove_attribute("aria-describedby");
    }
    v.consent.set_checked(c.consent);
    // While confirming the button stays focusable (aria-disabled), so focus is not lost.
    View::enable(&v.confirm, c.can_confirm() || locked);
    flag(&v.confirm, "aria-disabled", false);
    if locked {
        attr(&v.confirm, "aria-disabled", "true");
    }
    let label = if c.commit == CommitState::Confirming {
        "confirming"
    } else {
        "confirm"
    };
    set_text(&v.confirm, m.get(label));
}

/// The mode choice: radios only for an increase with more than one allowed mode.
fn modes(v: &mut View, m: &Messages, f: &Formatter, c: &Calc) {
    let s: &Summary = &c.summary;
    let item = c.item();
    let allowed: Vec<Mode> = if c.valid {
        super::model::modes(item, c.qty).to_vec()
    } else {
        Vec::new()
    };
    let choose = c.direction() == Direction::Increase && allowed.len() > 1;
    let names: Vec<String> = allowed.iter().map(|x| x.as_str().to_owned()).collect();
    if choose && names != v.shown_modes {
        let nb = f.date(&s.next_billing_date);
        let labels: Vec<(String, String)> = allowed
            .iter()
            .map(|mode| match mode {
                Mode::Immediate => (
                    m.get("mode_immediate").to_owned(),
                    m.fill("mode_immediate_hint", &[("date", &nb)]),
                ),
                Mode::Extend => {
                    let next = super::model::estimate(s, item, c.qty, Mode::Extend)
                        .map(|x| f.date(&x.next_date))
                        .unwrap_or_default();
                    (
                        m.get("mode_extend").to_owned(),
                        m.fill("mode_extend_hint", &[("date", &next)]),
                    )
                }
                Mode::NextBilling => (m.get("mode_nextBilling").to_owned(), String::new()),
            })
            .collect();
        set_text(&v.modes_legend, m.get("mode_legend"));
        v.set_modes(&names, &labels);
    }
    show(&v.modes, choose);
    if choose {
        v.check_mode(c.mode.map_or("", Mode::as_str), c.locked());
    }
}

fn figures(v: &View, m: &Messages, f: &Formatter, c: &Calc, rate: &str) {
    let s = &c.summary;
    let shown = c.shown();
    let dir = c.direction();
    let changing = dir != Direction::Unchanged && shown.is_some();
    let next_billing = c.mode == Some(Mode::NextBilling);
    show(&v.summary, shown.is_some());
    show(&v.due, changing && !next_billing);
    show(&v.due_title, changing && !next_billing);
    // No badge without a change: there is nothing to confirm.
    show(&v.badge, changing);
    attr(
        &v.summary,
        "aria-busy",
        if c.previewing { "true" } else { "false" },
    );
    // The live region says what is confirmed on screen, and nothing otherwise.
    let Some((fig, verified)) = shown else {
        set_text(&v.live, "");
        return;
    };
    set_text(&v.due_title, m.get("due_today"));
    set_text(
        &v.badge,
        m.get(if verified { "verified" } else { "estimate" }),
    );
    v.badge
        .set_class_name(if verified { "badge verified" } else { "badge" });
    let start = f.date(&s.period_start);
    let end = f.date(&s.next_billing_date);
    set_text(&v.period_start, &start);
    set_text(&v.period_end, &end);
    let (n, total_days) = (f.integer(fig.remaining_days), f.integer(fig.period_days));
    set_text(
        &v.days,
        &m.fill("days_remaining", &[("n", &n), ("m", &total_days)]),
    );
    let label = m.fill(
        "timeline",
        &[
            ("start", &start),
            ("end", &end),
            ("today", &f.date(&s.today)),
            ("n", &n),
            ("m", &total_days),
        ],
    );
    v.timeline
        .update(geometry(fig.remaining_days, fig.period_days), &label);
    set_text(&v.net_label, m.get("net"));
    set_text(&v.net, &f.money(&fig.due_net));
    set_text(&v.vat_label, &m.fill("vat", &[("rate", rate)]));
    set_text(&v.vat, &f.money(&fig.due_vat));
    set_text(&v.total_label, m.get("total_today"));
    set_text(&v.total, &f.money(&fig.due_gross));
    let mut next = m.fill("next_billing", &[("date", &f.date(&fig.next_date))]);
    next.push_str(": ");
    next.push_str(&f.money(&fig.next_gross));
    set_text(&v.next, &next);
    let announce = if verified && changing {
        m.fill(
            "announce",
            &[
                ("due", &f.money(&fig.due_gross)),
                ("next", &f.money(&fig.next_gross)),
                ("date", &f.date(&fig.next_date)),
            ],
        )
    } else {
        String::new()
    };
    set_text(&v.live, &announce);
}

fn notice(v: &View, m: &Messages, c: &Calc) {
    let item = c.item();
    let joined = |a: &str, b: &str| {
        let mut t = String::from(a);
        t.push(' ');
        t.push_str(b);
        t
    };
    let (text, action, info): (Option<String>, Option<&str>, bool) = match (&c.commit, &c.notice) {
        (CommitState::Unknown(_), _) => (
            Some(m.get("commit_unknown").into()),
            Some(m.get("check_again")),
            false,
        ),
        (_, Notice::None) => (None, None, false),
        (_, Notice::QuoteChanged) => (Some(m.get("quote_changed").into()), None, false),
        (_, Notice::QuoteExpired) => (Some(m.get("quote_expired").into()), None, false),
        (_, Notice::HandedOff) => (Some(m.get("handed_off").into()), None, true),
        (_, Notice::ModeUnavailable) => (Some(m.get("err_mode").into()), None, false),
        (_, Notice::Negative) => (
            Some(m.get("negative_alignment").into()),
            item.decrease_modes
                .contains(&Mode::NextBilling)
                .then(|| m.get("use_next_billing")),
            false,
        ),
        (_, Notice::PreviewFailed(code)) => (
            Some(m.get(code.message_key()).into()),
            Some(m.get("retry")),
            false,
        ),
        (_, Notice::CommitRefused(code)) => (
            Some(joined(m.get("not_charged"), m.get(code.message_key()))),
            Some(m.get("retry")),
            false,
        ),
    };
    show(&v.notice, text.is_some());
    set_text(&v.notice_text, text.as_deref().unwrap_or(""));
    show(&v.notice_action, action.is_some());
    set_text(&v.notice_action, action.unwrap_or(""));
    v.notice
        .set_class_name(if info { "notice info" } else { "notice" });
}

/// If the element focused before painting is now disabled or hidden, moves the focus to
/// the control that took its place (the quantity box, the panel's message or button).
pub fn keep_focus(w: &Widget, before: Option<Element>) {
    let Some(before) = before else { return };
    let gone =
        before.has_attribute("disabled") || before.closest("[hidden]").ok().flatten().is_some();
    if !gone {
        return;
    }
    let v = &w.view;
    let target: &web_sys::HtmlElement = match w.model.focus_fallback() {
        Some(Focus::Quantity) => &v.qty,
        Some(Focus::Loading) => &v.loading,
        Some(Focus::Retry) => &v.error_retry,
        Some(Focus::Success) => &v.success_text,
        None => return,
    };
    let _ = target.focus();
}

//! Painting: writes the model's state into the [`View`] (text through `textContent`,
//! state through attributes), and keeps the keyboard focus on a control when the focused
//! one is disabled or hidden.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, HtmlInputElement, HtmlSelectElement};

use super::choices;
use super::dom::{append, attr, attr_num, clear, el, flag};
use super::format::Formatter;
use super::i18n::Messages;
use super::notice::notice;
use super::render::{View, N};
use super::timeline::{self, geometry};
use crate::widget::model::{
    Calc, Choice, CommitState, Direction, Figures, Focus, Mode, Model, Phase, Receipt, Summary,
};

/// Draws the model's state into `view`, its texts from `msgs`, its figures through `fmt`
/// (none until the summary's currency is known). Takes the parts, not the runtime's
/// widget, so the view never imports the runtime.
pub(in crate::widget) fn paint(
    view: &mut View,
    msgs: &Messages,
    fmt: &Option<Formatter>,
    model: &Model,
) {
    view.msg(N::Loading, msgs, "loading");
    match &model.phase {
        Phase::Destroyed => {}
        Phase::Misconfigured => {
            view.panel(N::Error);
            view.msg(N::ErrorText, msgs, "err_config");
            view.show(N::ErrorRetry, false);
        }
        Phase::Loading => view.panel(N::Loading),
        Phase::LoadFailed(code) => {
            view.panel(N::Error);
            view.msg(N::ErrorText, msgs, code.message_key());
            view.msg(N::ErrorRetry, msgs, "retry");
            // Not the customer's, or not changeable now: the reason alone, nothing to retry.
            view.show(N::ErrorRetry, !code.is_final());
        }
        Phase::Done(r) => {
            view.panel(N::Success);
            if let Some(f) = fmt.as_ref() {
                let text = success_text(msgs, f, r);
                view.text(N::SuccessText, &text);
                // One announcement: the live region (the panel is no live region, and the
                // text is only set when it changes).
                view.text(N::Live, &text);
            }
            attr(&view[N::SuccessText], "tabindex", "-1");
            view.msg(N::Again, msgs, "again");
        }
        Phase::Ready(c) => {
            view.panel(N::Main);
            if let Some(f) = fmt.as_ref() {
                main(view, msgs, f, c);
            }
        }
    }
}

fn success_text(m: &Messages, f: &Formatter, r: &Receipt) -> String {
    let q = &r.quote.figures;
    // Scheduled for the next billing date: the seats stay until then (`success` has no
    // `{date}` or `{n}`).
    let (key, kept) = match r.keeps {
        Some(kept) => ("success_scheduled", kept),
        None => ("success", q.quantity),
    };
    let mut text = match choices::success(m, f, r) {
        // A removal says all in its one sentence.
        Some(t) if r.quote.choice == Choice::Drop => return t,
        Some(t) => t,
        None => seats_until(m, f, key, kept, &q.next_date, q.quantity),
    };
    text.push(' ');
    let key = if q.nothing_due() {
        "success_free"
    } else {
        "success_paid"
    };
    text.push_str(&due_next(m, f, key, q));
    text
}

/// Message `key` with `{seats}` for `seats` seats, `{date}` for an ISO date and `{n}`
/// (the current plan and the success, with a change scheduled or without: one body).
#[inline(never)]
fn seats_until(m: &Messages, f: &Formatter, key: &str, seats: u32, date: &str, n: u32) -> String {
    let seats = m.seats(seats, &f.integer(seats));
    let (date, n) = (f.date(date), f.integer(n));
    m.fill(key, &[("seats", &seats), ("date", &date), ("n", &n)])
}

/// Message `key` with what is due today, the next charge and its date.
#[inline(never)]
fn due_next(m: &Messages, f: &Formatter, key: &str, fig: &Figures) -> String {
    m.fill(
        key,
        &[
            ("due", &f.money(&fig.due_gross)),
            ("next", &f.money(&fig.next_gross)),
            ("date", &f.date(&fig.next_date)),
        ],
    )
}

fn main(v: &mut View, m: &Messages, f: &Formatter, c: &Calc) {
    let s = &c.summary;
    let item = c.item();
    let locked = c.locked();
    // Item picker (only when several items and no `item` option).
    if c.picker && v.items != s.items.len() {
        let picker = &v[N::Picker];
        clear(picker);
        for (i, it) in s.items.iter().enumerate() {
            let o = el("option", "");
            attr_num(&o, "value", i as u32);
            o.set_text_content(Some(&it.product_name));
            append(picker, &[&o]);
        }
        v.items = s.items.len();
    }
    if c.picker {
        v[N::Picker]
            .unchecked_ref::<HtmlSelectElement>()
            .set_selected_index(c.item as i32);
    }
    v.show(N::PickerRow, c.picker);
    choices::paint(v, m, f, c);
    // Another change of the item in progress: said in the notice, nothing to pick; a
    // removal has no count; an item removed already keeps its seats until it ends.
    v.show(
        N::StepperRow,
        !c.busy() && !c.ended() && c.choice != Choice::Drop,
    );
    v.enable(N::Picker, !locked);
    v.text(N::Product, &item.product_name);
    // A decrease scheduled for the next billing date: the seats are kept until then. (One
    // `fill` for both texts: `current` has no `{date}` or `{n}`.)
    // An item removed already ends on its date.
    let (key, date, n) = match (&item.scheduled, &item.ends) {
        (_, Some(end)) => ("current_ends", end.as_str(), 0),
        (Some(s), _) => ("current_scheduled", s.date.as_str(), s.quantity),
        _ => ("current", "", 0),
    };
    v.put(N::Current, seats_until(m, f, key, item.quantity, date, n));
    v.show(N::CancelScheduled, item.scheduled.is_some());
    v.msg(N::CancelScheduled, m, "cancel_scheduled");
    v.enable(N::CancelScheduled, !locked);
    v.msg(N::PickerLabel, m, "item_label");
    v.msg(N::SeatsLabel, m, "seats_label");
    attr(&v[N::Dec], "aria-label", m.get("decrease"));
    attr(&v[N::Inc], "aria-label", m.get("increase"));
    let (lo, hi) = c.bounds();
    let (min, max) = (f.integer(lo), f.integer(hi));
    v.put(N::Range, m.fill("range", &[("min", &min), ("max", &max)]));
    v.put(
        N::Invalid,
        m.fill("invalid_quantity", &[("min", &min), ("max", &max)]),
    );
    attr_num(&v[N::Qty], "aria-valuemin", lo);
    attr_num(&v[N::Qty], "aria-valuemax", hi);
    // While the text is not a valid count there is no current value to announce.
    if c.valid {
        attr_num(&v[N::Qty], "aria-valuenow", c.qty);
    } else {
        let _ = v[N::Qty].remove_attribute("aria-valuenow");
    }
    let qty: &HtmlInputElement = v[N::Qty].unchecked_ref();
    if qty.value() != c.text {
        qty.set_value(&c.text);
    }
    v.invalid_qty(!c.valid);
    v.enable(N::Dec, !locked && (!c.valid || c.qty > lo));
    v.enable(N::Inc, !locked && (!c.valid || c.qty < hi));
    flag(&v[N::Qty], "readonly", locked);

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
        v.put(N::Line, line);
        let tax = m.fill(
            if s.tax_mode == "net" {
                "tax_net"
            } else {
                "tax_gross"
            },
            &[("rate", &rate)],
        );
        let mut t = String::from(" ");
        t.push_str(choices::per(m, s));
        t.push_str(" · ");
        t.push_str(&tax);
        v.put(N::LineTax, t);
    }
    v.show(N::Line, shown.is_some());
    v.show(N::LineTax, shown.is_some());

    modes(v, m, f, c);
    let next_billing = c.mode == Some(Mode::NextBilling);
    // Fewer seats, another plan or a removal at renewal: from when, and no refund.
    let seats = c.choice == Choice::Seats;
    let later = next_billing && (dir == Direction::Decrease || !seats);
    v.show(N::DecreaseNote, later);
    let note = if seats {
        "decrease_note"
    } else {
        "change_note"
    };
    let date = f.date(&s.next_billing_date);
    v.put(N::DecreaseNote, m.fill(note, &[("date", &date)]));
    v.show(N::NoChange, c.valid && !c.changing() && !c.busy());
    v.msg(N::NoChange, m, "no_change");

    figures(v, m, f, c, &rate);
    notice(v, m, f, c);

    // "Checking the price…" while a slow preview runs (and why consent waits).
    v.show(N::Checking, c.previewing && c.slow && c.quote.is_none());
    v.msg(N::Checking, m, "checking");

    // Consent and confirm.
    let changing = c.changing() && shown.is_some();
    v.show(N::ConsentRow, changing);
    v.show(N::Confirm, changing);
    if let Some((fig, _)) = shown {
        let key = if dir == Direction::Decrease || fig.nothing_due() {
            "consent_decrease"
        } else {
            "consent_increase"
        };
        let text = due_next(m, f, key, fig);
        v.put(N::ConsentText, text);
    }
    v.enable(N::Consent, !(c.quote.is_none() || locked));
    if c.quote.is_none() {
        attr(&v[N::Consent], "aria-describedby", "checking");
    } else {
        let _ = v[N::Consent].remove_attribute("aria-describedby");
    }
    v[N::Consent]
        .unchecked_ref::<HtmlInputElement>()
        .set_checked(c.consent);
    // While confirming the button stays focusable (aria-disabled), so focus is not lost.
    v.enable(N::Confirm, c.can_confirm() || locked);
    flag(&v[N::Confirm], "aria-disabled", false);
    if locked {
        attr(&v[N::Confirm], "aria-disabled", "true");
    }
    let label = if c.commit == CommitState::Confirming {
        "confirming"
    } else {
        "confirm"
    };
    v.msg(N::Confirm, m, label);
}

/// The mode choice: radios only for an increase with more than one allowed mode.
fn modes(v: &mut View, m: &Messages, f: &Formatter, c: &Calc) {
    let s: &Summary = &c.summary;
    let allowed: &[Mode] = if c.valid { c.allowed() } else { &[] };
    // Seats: only an increase chooses; a plan or an add-on whenever it has a choice.
    let up = c.choice != Choice::Seats || c.direction() == Direction::Increase;
    let choose = up && allowed.len() > 1;
    if choose && allowed != v.shown_modes.as_slice() {
        v.msg(N::ModesLegend, m, "mode_legend");
        v.clear_modes();
        for &mode in allowed {
            let (label, hint) = match mode {
                Mode::Immediate => (
                    "mode_immediate",
                    m.fill(
                        "mode_immediate_hint",
                        &[("date", &f.date(&s.next_billing_date))],
                    ),
                ),
                Mode::Extend => {
                    let next = c
                        .estimate_at(c.qty, Mode::Extend)
                        .map(|x| f.date(&x.next_date))
                        .unwrap_or_default();
                    (
                        "mode_extend",
                        m.fill("mode_extend_hint", &[("date", &next)]),
                    )
                }
                Mode::NextBilling => ("mode_nextBilling", String::new()),
            };
            v.add_mode(mode, m.get(label), &hint);
        }
    }
    v.show(N::Modes, choose);
    if choose {
        v.check_mode(c.mode, c.locked());
    }
}

fn figures(v: &View, m: &Messages, f: &Formatter, c: &Calc, rate: &str) {
    let s = &c.summary;
    let shown = c.shown();
    let changing = c.changing() && shown.is_some();
    let next_billing = c.mode == Some(Mode::NextBilling);
    v.show(N::Summary, shown.is_some());
    v.show(N::Due, changing && !next_billing);
    v.show(N::DueTitle, changing && !next_billing);
    // No badge without a change: there is nothing to confirm.
    v.show(N::Badge, changing);
    attr(
        &v[N::Summary],
        "aria-busy",
        if c.previewing { "true" } else { "false" },
    );
    // The live region says what is confirmed on screen, and nothing otherwise.
    let Some((fig, verified)) = shown else {
        v.text(N::Live, "");
        return;
    };
    v.msg(N::DueTitle, m, "due_today");
    v.text(
        N::Badge,
        m.get(if verified { "verified" } else { "estimate" }),
    );
    attr(
        &v[N::Badge],
        "class",
        if verified { "badge verified" } else { "badge" },
    );
    let start = f.date(&s.period_start);
    let end = f.date(&s.next_billing_date);
    v.text(N::PeriodStart, &start);
    v.text(N::PeriodEnd, &end);
    let (n, total_days) = (f.integer(fig.remaining_days), f.integer(fig.period_days));
    v.put(
        N::Days,
        m.fill("days_remaining", &[("n", &n), ("m", &total_days)]),
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
    timeline::update(v, geometry(fig.remaining_days, fig.period_days), &label);
    v.msg(N::NetLabel, m, "net");
    v.put(N::Net, f.money(&fig.due_net));
    v.put(N::VatLabel, m.fill("vat", &[("rate", rate)]));
    v.put(N::Vat, f.money(&fig.due_vat));
    v.msg(N::TotalLabel, m, "total_today");
    v.put(N::Total, f.money(&fig.due_gross));
    let label = m.fill("next_billing", &[("date", &f.date(&fig.next_date))]);
    let next = m.fill(
        "next_amount",
        &[("label", &label), ("amount", &f.money(&fig.next_gross))],
    );
    v.put(N::Next, next);
    let announce = if verified && changing {
        due_next(m, f, "announce", fig)
    } else {
        String::new()
    };
    v.put(N::Live, announce);
}

/// If the element focused before painting is now disabled or hidden, moves the focus to
/// the control that took its place (the model's choice: the quantity box, the panel's
/// message or button).
pub(in crate::widget) fn keep_focus(v: &View, model: &Model, before: Option<Element>) {
    let Some(before) = before else { return };
    let gone =
        before.has_attribute("disabled") || before.closest("[hidden]").ok().flatten().is_some();
    if !gone {
        return;
    }
    let target = match model.focus_fallback() {
        Some(Focus::Quantity) => &v[N::Qty],
        Some(Focus::Loading) => &v[N::Loading],
        Some(Focus::Retry) => &v[N::ErrorRetry],
        Some(Focus::Success) => &v[N::SuccessText],
        Some(Focus::Notice) => &v[N::NoticeText],
        None => return,
    };
    let _ = target.unchecked_ref::<HtmlElement>().focus();
}

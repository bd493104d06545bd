//! Painting the choices beyond seats (docs/widget.md, "Plans and add-ons"): the item's
//! plan and the plans it may change to, its removal at the end of the period, the
//! add-ons; and the success text of such a change. Every name and price is set as text.

use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;

use super::dom::{clear, flag};
use super::format::Formatter;
use super::i18n::Messages;
use super::render::{View, N};
use crate::widget::model::{Calc, Choice, Receipt, Summary};

/// "per year" (or month, or billing period) for the summary's interval.
pub(super) fn per<'a>(m: &'a Messages, s: &Summary) -> &'a str {
    match (s.months, s.days) {
        (1, 0) => m.get("per_month"),
        (12, 0) => m.get("per_year"),
        _ => m.get("per_period"),
    }
}

/// A choice's list (plans or add-ons), label and hint: its price per period, for a plan
/// whether it is the current one, an upgrade or a downgrade.
fn row<'a>(m: &'a Messages, f: &Formatter, c: &'a Calc, ch: Choice) -> (N, &'a str, String) {
    let item = c.item();
    let (list, label, price, tag) = match (ch, c.offer_of(ch)) {
        (Choice::Drop, _) => return (N::PlansList, m.get("drop"), String::new()),
        (Choice::Add(_), Some(o)) => (N::AddsList, o.name.as_str(), &o.unit_price, ""),
        (Choice::Plan(_), Some(o)) => {
            let tag = m.get(if o.downgrade { "downgrade" } else { "upgrade" });
            (N::PlansList, o.name.as_str(), &o.unit_price, tag)
        }
        _ => (
            N::PlansList,
            item.product_name.as_str(),
            &item.current_unit_price,
            m.get("plan_now"),
        ),
    };
    let mut hint = f.money(price);
    hint.push(' ');
    hint.push_str(per(m, &c.summary));
    if !tag.is_empty() {
        hint.push_str(" · ");
        hint.push_str(tag);
    }
    (list, label, hint)
}

/// The radios of [`Calc::choice_at`]: the plans (the current one first) and the removal
/// in "Your plan", the add-ons in "Add to your subscription"; each with its price per
/// period. Rebuilt only when their texts change (so a focused radio stays); hidden when
/// there is nothing but seats.
pub(super) fn paint(v: &mut View, m: &Messages, f: &Formatter, c: &Calc) {
    let mut sig = String::new();
    let mut n = 0;
    while let Some(ch) = c.choice_at(n) {
        let (_, label, hint) = row(m, f, c, ch);
        sig.push_str(label);
        sig.push_str(&hint);
        sig.push('\n');
        n += 1;
    }
    if sig != v.shown_choices {
        v.msg(N::PlansLegend, m, "plans_legend");
        v.msg(N::AddsLegend, m, "add_legend");
        clear(&v[N::PlansList]);
        clear(&v[N::AddsList]);
        let mut radios = Vec::new();
        for i in 0..n {
            let (list, label, hint) = row(m, f, c, c.choice_at(i).unwrap_or_default());
            let value = crate::widget::model::digits(i as u32);
            radios.push(v.radio(list, "choice", &value, label, &hint));
        }
        v.choice_radios = radios;
        v.shown_choices = sig;
    }
    v.show(N::Plans, n > 1);
    v.show(N::Adds, !c.summary.add_ons.is_empty());
    for (i, r) in v.choice_radios.iter().enumerate() {
        r.unchecked_ref::<HtmlInputElement>()
            .set_checked(c.choice_at(i) == Some(c.choice));
        flag(r, "disabled", c.locked() || c.busy());
    }
}

/// The first sentence of the success text of a plan, an add-on or a removal (`None` for
/// seats).
pub(super) fn success(m: &Messages, f: &Formatter, r: &Receipt) -> Option<String> {
    let q = &r.quote;
    let key = match (q.choice, r.keeps) {
        (Choice::Seats, _) => return None,
        (Choice::Plan(_), None) => "success_plan",
        (Choice::Plan(_), Some(_)) => "success_plan_later",
        (Choice::Add(_), _) => "success_add",
        (Choice::Drop, _) => "success_drop",
    };
    let date = f.date(&q.figures.next_date);
    Some(m.fill(key, &[("product", &r.product_name), ("date", &date)]))
}

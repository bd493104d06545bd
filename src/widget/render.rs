//! The widget's DOM: built once per mount with `createElement`, then updated in place
//! (text through `textContent`, state through attributes), so a stepper click only
//! touches the nodes whose text changed.

use wasm_bindgen::JsCast;
use web_sys::{HtmlButtonElement, HtmlElement, HtmlInputElement, HtmlSelectElement};

use super::dom::{append, attr, clear, el, flag, part, show, text_el};
use super::timeline::Timeline;

/// References to every node the widget updates.
pub struct View {
    /// The outer container (`part="root"`).
    pub root: HtmlElement,
    pub(super) loading: HtmlElement,
    pub(super) error: HtmlElement,
    pub(super) error_text: HtmlElement,
    pub(super) error_retry: HtmlButtonElement,
    pub(super) main: HtmlElement,
    pub(super) product: HtmlElement,
    pub(super) current: HtmlElement,
    pub(super) picker_row: HtmlElement,
    pub(super) picker: HtmlSelectElement,
    pub(super) picker_label: HtmlElement,
    pub(super) seats_label: HtmlElement,
    pub(super) dec: HtmlButtonElement,
    pub(super) qty: HtmlInputElement,
    pub(super) inc: HtmlButtonElement,
    pub(super) range: HtmlElement,
    pub(super) invalid: HtmlElement,
    pub(super) line: HtmlElement,
    pub(super) line_tax: HtmlElement,
    pub(super) modes: HtmlElement,
    pub(super) modes_legend: HtmlElement,
    pub(super) modes_list: HtmlElement,
    pub(super) decrease_note: HtmlElement,
    pub(super) no_change: HtmlElement,
    pub(super) notice: HtmlElement,
    pub(super) notice_text: HtmlElement,
    pub(super) notice_action: HtmlButtonElement,
    pub(super) summary: HtmlElement,
    pub(super) due: HtmlElement,
    pub(super) due_title: HtmlElement,
    pub(super) badge: HtmlElement,
    pub(super) timeline: Timeline,
    pub(super) period_start: HtmlElement,
    pub(super) period_end: HtmlElement,
    pub(super) days: HtmlElement,
    pub(super) net_label: HtmlElement,
    pub(super) net: HtmlElement,
    pub(super) vat_label: HtmlElement,
    pub(super) vat: HtmlElement,
    pub(super) total_label: HtmlElement,
    pub(super) total: HtmlElement,
    pub(super) next: HtmlElement,
    pub(super) checking: HtmlElement,
    pub(super) consent_row: HtmlElement,
    pub(super) consent: HtmlInputElement,
    pub(super) consent_text: HtmlElement,
    pub(super) confirm: HtmlButtonElement,
    pub(super) live: HtmlElement,
    pub(super) success: HtmlElement,
    pub(super) success_text: HtmlElement,
    pub(super) again: HtmlButtonElement,
    /// The modes the radio group currently shows.
    pub(super) shown_modes: Vec<String>,
}

fn button(class: &str, action: &str) -> HtmlButtonElement {
    let b = el("button", class);
    attr(&b, "type", "button");
    attr(&b, "data-action", action);
    b.unchecked_into()
}

fn input(kind: &str, id: &str) -> HtmlInputElement {
    let i = el("input", "");
    attr(&i, "type", kind);
    attr(&i, "id", id);
    i.unchecked_into()
}

fn label_for(id: &str, class: &str) -> HtmlElement {
    let l = el("label", class);
    attr(&l, "for", id);
    l
}

impl View {
    /// Builds the skeleton (texts are filled by the first paint).
    pub fn build() -> Self {
        let root = part("div", "root");
        root.set_class_name("root");
        attr(&root, "lang", "");

        let loading = el("p", "loading");
        attr(&loading, "role", "status");
        attr(&loading, "tabindex", "-1");

        let error = part("div", "error");
        attr(&error, "role", "alert");
        let error_text = el("p", "");
        let error_retry = button("action", "retry");
        append(&error, &[&error_text, &error_retry]);

        let main = el("div", "main");
        let product = part("p", "header");
        let current = el("p", "current");

        let picker_row = el("div", "row");
        let picker_label = label_for("item", "");
        let picker: HtmlSelectElement = el("select", "").unchecked_into();
        attr(&picker, "id", "item");
        attr(&picker, "data-action", "item");
        append(&picker_row, &[&picker_label, &picker]);

        let stepper_row = el("div", "row");
        let seats_label = label_for("qty", "");
        let stepper = part("div", "stepper");
        let dec = button("", "dec");
        dec.set_text_content(Some("−"));
        let qty = input("text", "qty");
        attr(&qty, "inputmode", "numeric");
        attr(&qty, "role", "spinbutton");
        attr(&qty, "autocomplete", "off");
        attr(&qty, "aria-describedby", "range");
        attr(&qty, "data-action", "qty");
        let inc = button("", "inc");
        inc.set_text_content(Some("+"));
        append(&stepper, &[&dec, &qty, &inc]);
        let range = el("span", "hint");
        attr(&range, "id", "range");
        append(&stepper_row, &[&seats_label, &stepper, &range]);
        let invalid = el("p", "notice");
        attr(&invalid, "role", "alert");
        attr(&invalid, "id", "invalid");
        show(&invalid, false);

        let line = part("p", "line");
        let line_text = el("span", "");
        let line_tax = el("span", "tax");
        append(&line, &[&line_text, &line_tax]);

        let modes = part("fieldset", "modes");
        let modes_legend = el("legend", "");
        let modes_list = el("div", "");
        append(&modes, &[&modes_legend, &modes_list]);

        let decrease_note = el("p", "notice info");
        let no_change = el("p", "hint");

        let notice = part("div", "notice");
        attr(&notice, "role", "alert");
        let notice_text = el("p", "");
        let notice_action = button("action secondary", "notice");
        append(&notice, &[&notice_text, &notice_action]);

        let summary = part("section", "summary");
        let due = el("div", "");
        let head = el("div", "due-head");
        let due_title = el("p", "next");
        let badge = part("span", "badge");
        append(&head, &[&due_title, &badge]);
        let timeline = Timeline::new();
        let period = el("div", "period");
        attr(&period, "aria-hidden", "true");
        let period_start = el("span", "");
        let period_end = el("span", "");
        append(&period, &[&period_start, &period_end]);
        let days = el("p", "days");
        let dl = el("dl", "");
        let net_label = el("dt", "");
        let net = el("dd", "");
        let vat_label = el("dt", "");
        let vat = el("dd", "");
        let total_label = el("dt", "total");
        let total = el("dd", "total");
        attr(&total, "part", "due");
        append(
            &dl,
            &[&net_label, &net, &vat_label, &vat, &total_label, &total],
        );
        append(&due, &[&timeline.root, &period, &days, &dl]);
        let next = part("p", "next");
        append(&summary, &[&head, &due, &next]);

        let checking = el("p", "hint");
        attr(&checking, "id", "checking");
        show(&checking, false);
        let consent_row = part("div", "consent");
        let consent = input("checkbox", "consent");
        attr(&consent, "data-action", "consent");
        let consent_text = label_for("consent", "");
        append(&consent_row, &[&consent, &consent_text]);
        consent_row.set_class_name("consent");
        let confirm = button("confirm", "confirm");
        attr(&confirm, "part", "confirm");

        let live = el("p", "sr-only");
        attr(&live, "role", "status");
        attr(&live, "aria-live", "polite");

        append(
            &main,
            &[
                &product,
                &current,
                &picker_row,
                &stepper_row,
                &invalid,
                &line,
                &modes,
                &decrease_note,
                &no_change,
                &summary,
                &notice,
                &checking,
                &consent_row,
                &confirm,
            ],
        );

        let success = part("div", "success");
        attr(&success, "role", "status");
        let success_text = el("p", "");
        let again = button("action secondary", "again");
        append(&success, &[&success_text, &again]);

        append(&root, &[&loading, &error, &main, &success, &live]);
        Self {
            root,
            loading,
            error,
            error_text,
            error_retry,
            main,
            product,
            current,
            picker_row,
            picker,
            picker_label,
            seats_label,
            dec,
            qty,
            inc,
            range,
            invalid,
            line: line_text,
            line_tax,
            modes,
            modes_legend,
            modes_list,
            decrease_note,
            no_change,
            notice,
            notice_text,
            notice_action,
            summary,
            due,
            due_title,
            badge,
            timeline,
            period_start,
            period_end,
            days,
            net_label,
            net,
            vat_label,
            vat,
            total_label,
            total,
            next,
            checking,
            consent_row,
            consent,
            consent_text,
            confirm,
            live,
            success,
            success_text,
            again,
            shown_modes: Vec::new(),
        }
    }

    /// Rebuilds the mode radios for `modes`, with their labels and hints.
    pub(super) fn set_modes(&mut self, modes: &[String], labels: &[(String, String)]) {
        clear(&self.modes_list);
        for (m, (label, hint)) in modes.iter().zip(labels) {
            let l = el("label", "mode");
            let r = input("radio", "");
            let _ = r.remove_attribute("id");
            attr(&r, "name", "mode");
            attr(&r, "value", m);
            attr(&r, "data-action", "mode");
            let t = text_el("span", "", label);
            let h = text_el("span", "mode-hint", hint);
            append(&l, &[&r, &t, &h]);
            append(&self.modes_list, &[&l]);
        }
        self.shown_modes = modes.to_vec();
    }

    /// Checks the radio of `mode`; `locked` disables the radios (while confirming).
    pub(super) fn check_mode(&self, mode: &str, locked: bool) {
        let list = self.modes_list.query_selector_all("input").ok();
        if let Some(list) = list {
            for i in 0..list.length() {
                if let Some(r) = list
                    .get(i)
                    .and_then(|n| n.dyn_into::<HtmlInputElement>().ok())
                {
                    r.set_checked(r.value() == mode);
                    r.set_disabled(locked);
                }
            }
        }
    }

    /// Shows exactly one of the loading, error, main and success panels.
    pub(super) fn panel(&self, which: Panel) {
        show(&self.loading, which == Panel::Loading);
        show(&self.error, which == Panel::Error);
        show(&self.main, which == Panel::Main);
        show(&self.success, which == Panel::Success);
    }

    /// Enables or disables a button.
    pub(super) fn enable(b: &HtmlButtonElement, on: bool) {
        if b.disabled() == on {
            b.set_disabled(!on);
        }
    }

    /// Marks the quantity box invalid (with its message) or valid.
    pub(super) fn invalid_qty(&self, bad: bool) {
        flag(&self.qty, "aria-invalid", false);
        if bad {
            attr(&self.qty, "aria-invalid", "true");
            attr(&self.qty, "aria-describedby", "range invalid");
        } else {
            attr(&self.qty, "aria-describedby", "range");
        }
        show(&self.invalid, bad);
    }
}

/// The top-level panels.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Panel {
    /// Fetching the summary.
    Loading,
    /// The summary could not be loaded (or bad options).
    Error,
    /// The calculator.
    Main,
    /// A committed change.
    Success,
}

//! The widget's DOM: built once per mount with `createElement`, then updated in place
//! (text through `textContent`, state through attributes), so a stepper click only
//! touches the nodes whose text changed.
//!
//! The skeleton is data, not code: [`skeleton!`] lists every node (its depth in the tree,
//! tag and attributes) and yields both the node names ([`N`]) and a compact text form that
//! one loop in [`View::build`] turns into elements. Texts are filled by the first paint.

use std::ops::Index;

use wasm_bindgen::{JsCast, UnwrapThrowExt};
use web_sys::{Element, HtmlElement, HtmlInputElement};

use super::dom::{append, attr, clear, document, el, flag, set_text, show, text_el};

use super::i18n::Messages;
use crate::widget::model::Mode;

/// Declares the skeleton: one `Name depth "tag" "attributes"` line per node, in document
/// order. A node's parent is the nearest line above it one level shallower. Attributes
/// are `name=value` separated by `;` (values may hold spaces); an empty name sets the
/// node's text. `svg` and `rect` are created in the SVG namespace.
macro_rules! skeleton {
    ($($name:ident $depth:literal $tag:literal $attrs:literal;)*) => {
        /// The skeleton's nodes, in document order (index into a [`View`]).
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum N { $(#[allow(missing_docs)] $name),* }
        /// One line per node: depth digit, tag, a space, attributes.
        const SKELETON: &str = concat!($($depth, $tag, " ", $attrs, "\n"),*);
        /// How many nodes the skeleton has.
        const COUNT: usize = [$(N::$name),*].len();
    };
}

skeleton! {
    Root 0 "div" "class=root;part=root;lang=";
    Loading 1 "p" "class=loading;role=status;tabindex=-1";
    Error 1 "div" "class=error;part=error;role=alert";
    ErrorText 2 "p" "";
    ErrorRetry 2 "button" "class=action;type=button;data-action=retry";
    Main 1 "div" "class=main";
    Product 2 "p" "class=header;part=header";
    Current 2 "p" "class=current";
    CancelScheduled 2 "button" "class=action secondary;type=button;data-action=cancel-scheduled;hidden=";
    PickerRow 2 "div" "class=row";
    PickerLabel 3 "label" "for=item";
    Picker 3 "select" "id=item;data-action=item";
    Plans 2 "fieldset" "class=modes;part=plans;hidden=";
    PlansLegend 3 "legend" "";
    PlansList 3 "div" "";
    Adds 2 "fieldset" "class=modes;part=add-ons;hidden=";
    AddsLegend 3 "legend" "";
    AddsList 3 "div" "";
    StepperRow 2 "div" "class=row";
    SeatsLabel 3 "label" "for=qty";
    Stepper 3 "div" "class=stepper;part=stepper";
    Dec 4 "button" "type=button;data-action=dec;=−";
    Qty 4 "input" "type=text;id=qty;inputmode=numeric;role=spinbutton;autocomplete=off;aria-describedby=range;data-action=qty";
    Inc 4 "button" "type=button;data-action=inc;=+";
    Range 3 "span" "class=hint;id=range";
    Invalid 2 "p" "class=notice;role=alert;id=invalid;hidden=";
    LineRow 2 "p" "class=line;part=line";
    Line 3 "span" "";
    LineTax 3 "span" "class=tax";
    Modes 2 "fieldset" "class=modes;part=modes";
    ModesLegend 3 "legend" "";
    ModesList 3 "div" "";
    DecreaseNote 2 "p" "class=notice info";
    NoChange 2 "p" "class=hint";
    Summary 2 "section" "class=summary;part=summary";
    DueHead 3 "div" "class=due-head";
    DueTitle 4 "p" "class=next";
    Badge 4 "span" "class=badge;part=badge";
    Due 3 "div" "";
    Timeline 4 "svg" "viewBox=0 0 1000 40;preserveAspectRatio=none;role=img;part=timeline;class=timeline;focusable=false";
    Track 5 "rect" "class=track;x=0;y=12;width=1000;height=16;rx=8";
    Share 5 "rect" "class=share;y=12;height=16;rx=8";
    Today 5 "rect" "class=today;y=4;width=6;height=32;rx=3";
    Period 4 "div" "class=period;aria-hidden=true";
    PeriodStart 5 "span" "";
    PeriodEnd 5 "span" "";
    Days 4 "p" "class=days";
    Figures 4 "dl" "";
    NetLabel 5 "dt" "";
    Net 5 "dd" "";
    VatLabel 5 "dt" "";
    Vat 5 "dd" "";
    TotalLabel 5 "dt" "class=total";
    Total 5 "dd" "class=total;part=due";
    Next 3 "p" "class=next;part=next";
    Notice 2 "div" "class=notice;part=notice;role=alert";
    NoticeText 3 "p" "tabindex=-1";
    NoticeAction 3 "button" "class=action secondary;type=button;data-action=notice";
    Checking 2 "p" "class=hint;id=checking;hidden=";
    ConsentRow 2 "div" "class=consent;part=consent";
    Consent 3 "input" "type=checkbox;id=consent;data-action=consent";
    ConsentText 3 "label" "for=consent";
    Confirm 2 "button" "class=confirm;type=button;data-action=confirm;part=confirm";
    Success 1 "div" "class=success;part=success";
    SuccessText 2 "p" "";
    Again 2 "button" "class=action secondary;type=button;data-action=again";
    Live 1 "p" "class=sr-only;role=status;aria-live=polite";
}

/// Every node the widget updates, by [`N`] (`view[N::Qty]`).
pub struct View {
    /// The outer container (`part="root"`).
    pub root: HtmlElement,
    /// The success message (focused after a commit).
    pub(in crate::widget) success_text: HtmlElement,
    nodes: [Element; COUNT],
    /// The mode radios, in the order of `shown_modes`.
    radios: Vec<Element>,
    /// The modes the radio group currently shows.
    pub(super) shown_modes: Vec<Mode>,
    /// How many options the item picker holds.
    pub(super) items: usize,
    /// The radios of the choices (seats, plans, removal, add-ons), in their order.
    pub(super) choice_radios: Vec<Element>,
    /// The labels and hints the choices show (rebuilt when they differ).
    pub(super) shown_choices: String,
}

impl Index<N> for View {
    type Output = Element;
    fn index(&self, n: N) -> &Element {
        &self.nodes[n as usize]
    }
}

impl View {
    /// Builds the skeleton from [`SKELETON`] (texts are filled by the first paint).
    pub fn build() -> Self {
        let doc = document();
        let mut nodes: Vec<Element> = Vec::with_capacity(COUNT);
        // The latest node at each depth: the parent of the next node one level deeper.
        let mut last = [0usize; 8];
        for line in SKELETON.split_terminator('\n') {
            let depth = usize::from(line.as_bytes()[0] - b'0');
            let (tag, attrs) = line[1..].split_once(' ').unwrap_or_default();
            let e = if tag == "svg" || tag == "rect" {
                doc.create_element_ns(Some("http://www.w3.org/2000/svg"), tag)
            } else {
                doc.create_element(tag)
            }
            .unwrap_throw();
            for a in attrs.split(';').filter(|a| !a.is_empty()) {
                let (k, v) = a.split_once('=').unwrap_or_default();
                if k.is_empty() {
                    e.set_text_content(Some(v));
                } else {
                    attr(&e, k, v);
                }
            }
            if depth > 0 {
                append(&nodes[last[depth - 1]], &[&e]);
            }
            last[depth] = nodes.len();
            nodes.push(e);
        }
        let nodes: [Element; COUNT] = nodes.try_into().ok().unwrap_throw();
        Self {
            root: nodes[N::Root as usize].clone().unchecked_into(),
            success_text: nodes[N::SuccessText as usize].clone().unchecked_into(),
            nodes,
            radios: Vec::new(),
            shown_modes: Vec::new(),
            items: 0,
            choice_radios: Vec::new(),
            shown_choices: String::new(),
        }
    }

    /// Removes the mode radios.
    pub(super) fn clear_modes(&mut self) {
        clear(&self[N::ModesList]);
        self.radios.clear();
        self.shown_modes.clear();
    }

    /// Adds the radio of `mode`, with its label and hint.
    pub(super) fn add_mode(&mut self, mode: Mode, label: &str, hint: &str) {
        let r = self.radio(N::ModesList, "mode", mode.as_str(), label, hint);
        self.radios.push(r);
        self.shown_modes.push(mode);
    }

    /// Appends to `list` a radio of group `name` (also its `data-action`) with `value`, its
    /// label and hint (texts only); returns the radio.
    #[inline(never)]
    pub(super) fn radio(
        &self,
        list: N,
        name: &str,
        value: &str,
        label: &str,
        hint: &str,
    ) -> Element {
        let l = el("label", "mode");
        let r = el("input", "");
        attr(&r, "type", "radio");
        attr(&r, "name", name);
        attr(&r, "value", value);
        attr(&r, "data-action", name);
        let t = text_el("span", "", label);
        let h = text_el("span", "mode-hint", hint);
        append(&l, &[&r, &t, &h]);
        append(&self[list], &[&l]);
        r.into()
    }

    /// Checks the radio of `mode`; `locked` disables the radios (while confirming).
    pub(super) fn check_mode(&self, mode: Option<Mode>, locked: bool) {
        for (r, m) in self.radios.iter().zip(&self.shown_modes) {
            r.unchecked_ref::<HtmlInputElement>()
                .set_checked(Some(*m) == mode);
            flag(r, "disabled", locked);
        }
    }

    /// Sets the text of node `n` (untouched when it is already `text`).
    #[inline(never)]
    pub(super) fn text(&self, n: N, text: &str) {
        set_text(&self[n], text);
    }

    /// Sets the text of node `n` to the catalogue's message `key`.
    #[inline(never)]
    pub(super) fn msg(&self, n: N, m: &Messages, key: &str) {
        set_text(&self[n], m.get(key));
    }

    /// [`View::text`] with an owned string (one call and one drop for every caller).
    #[inline(never)]
    pub(super) fn put(&self, n: N, text: String) {
        set_text(&self[n], &text);
    }

    /// Shows or hides node `n`.
    #[inline(never)]
    pub(super) fn show(&self, n: N, visible: bool) {
        show(&self[n], visible);
    }

    /// Shows exactly one of the loading, error, main and success panels.
    pub(super) fn panel(&self, which: N) {
        for p in [N::Loading, N::Error, N::Main, N::Success] {
            show(&self[p], p == which);
        }
    }

    /// Enables or disables a control (its `disabled` attribute).
    pub(super) fn enable(&self, n: N, on: bool) {
        let e = &self[n];
        if e.has_attribute("disabled") == on {
            flag(e, "disabled", !on);
        }
    }

    /// Marks the quantity box invalid (with its message) or valid.
    pub(super) fn invalid_qty(&self, bad: bool) {
        let q = &self[N::Qty];
        flag(q, "aria-invalid", false);
        if bad {
            attr(q, "aria-invalid", "true");
            attr(q, "aria-describedby", "range invalid");
        } else {
            attr(q, "aria-describedby", "range");
        }
        show(&self[N::Invalid], bad);
    }
}

/// Checked when compiling: one root, and each node at most one level deeper than the
/// node before it (so it has a parent), within the eight levels `build` tracks.
const _: () = {
    let s = SKELETON.as_bytes();
    let (mut i, mut prev, mut roots) = (0, 0, 0);
    while i < s.len() {
        let depth = s[i] - b'0';
        assert!(depth < 8 && depth <= prev + 1, "skeleton: bad depth");
        if depth == 0 {
            roots += 1;
        }
        prev = depth;
        while s[i] != b'\n' {
            i += 1;
        }
        i += 1;
    }
    assert!(roots == 1, "skeleton: one root");
};

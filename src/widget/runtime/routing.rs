//! Input routing: the delegated DOM events of the shadow root become model messages.

use wasm_bindgen::JsCast;
use web_sys::{Event, HtmlInputElement, HtmlSelectElement, KeyboardEvent};

use crate::widget::model::{key_step, parse_quantity, Mode, Msg, Step};

/// The message for a DOM event inside the widget, if it means one.
pub fn route(ev: &Event) -> Option<Msg> {
    let target = ev.target()?.dyn_into::<web_sys::Element>().ok()?;
    let action = target
        .closest("[data-action]")
        .ok()??
        .get_attribute("data-action")?;
    Some(match (ev.type_().as_str(), action.as_str()) {
        ("click", "dec") => Msg::Step(Step::By(-1)),
        ("click", "inc") => Msg::Step(Step::By(1)),
        ("click", "confirm") => Msg::Confirm,
        ("click", "retry" | "notice" | "again") => Msg::Action,
        ("click", "cancel-scheduled") => Msg::CancelScheduled,
        ("keydown", "qty") => {
            let step = key_step(&ev.dyn_ref::<KeyboardEvent>()?.key())?;
            ev.prevent_default();
            Msg::Step(step)
        }
        ("input", "qty") => Msg::Typed(target.dyn_ref::<HtmlInputElement>()?.value()),
        ("change", "qty") => Msg::Blurred,
        ("change", "mode") => {
            let r = target.dyn_ref::<HtmlInputElement>()?;
            if !r.checked() {
                return None;
            }
            Msg::ChooseMode(Mode::parse(&r.value())?)
        }
        ("change", "choice") => {
            let value = target.dyn_ref::<HtmlInputElement>()?.value();
            Msg::Choose(parse_quantity(&value, 0, 999)? as usize)
        }
        ("change", "consent") => Msg::Consent(target.dyn_ref::<HtmlInputElement>()?.checked()),
        ("change", "item") => {
            let i = target.dyn_ref::<HtmlSelectElement>()?.selected_index();
            Msg::ChooseItem(usize::try_from(i).ok()?)
        }
        _ => return None,
    })
}

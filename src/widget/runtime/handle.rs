//! The JavaScript exports: `mount()`, `autoMount()`, the handles, and the Rust side of
//! `<seat-quote>`. One widget per element: mounting an element that already has a live
//! widget returns a handle to that widget instead of starting a second one.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::HtmlElement;

use super::effects::{mounted_on, send, Shared, Widget};
use super::options::Source;
use crate::widget::model::Msg;
use crate::widget::view::dom;

#[wasm_bindgen(typescript_custom_section)]
const TS_WIDGET: &'static str = r#"
/** Options of `mount()`. */
export interface SeatQuoteOptions {
  /** Subscription id, e.g. "S68841753". */
  subscription: string;
  /** The merchant proxy's base URL (default: the page's origin). */
  apiBase?: string;
  /** Running number of the item to change (default: a picker when there are several). */
  item?: number;
  /** BCP 47 locale (default: <html lang>, then the browser's). */
  locale?: string;
  /** Intl currencyDisplay. */
  currencyDisplay?: "symbol" | "narrowSymbol" | "code" | "name";
  /** A customer token for the proxy… */
  token?: string;
  /** …or a callback returning one (called again with `true` after a 401). */
  getToken?: (refresh: boolean) => string | Promise<string>;
  /** Text overrides by catalogue key, e.g. { confirm: "Buy seats" }. */
  messages?: Record<string, string>;
}
"#;

/// A mounted widget: `refresh()` reloads the subscription, `destroy()` removes the
/// widget with all its listeners, timers and requests.
#[wasm_bindgen]
pub struct WidgetHandle {
    widget: Option<Shared>,
}

#[wasm_bindgen]
impl WidgetHandle {
    /// Reloads the subscription summary and resets the calculator.
    pub fn refresh(&self) {
        if let Some(w) = &self.widget {
            send(&Rc::downgrade(w), Msg::Load);
        }
    }

    /// Unmounts: removes listeners, clears timers, aborts requests, empties the shadow root.
    pub fn destroy(&mut self) {
        if let Some(w) = self.widget.take() {
            destroy_shared(w);
        }
    }
}

fn destroy_shared(w: Shared) {
    let done = match w.try_borrow_mut() {
        Ok(mut g) => {
            g.destroy(&w);
            true
        }
        Err(_) => false,
    };
    if !done {
        // Called from inside one of the widget's own events: finish after it.
        super::promise::later(Box::new(move || {
            if let Ok(mut g) = w.try_borrow_mut() {
                g.destroy(&w);
            }
        }));
    }
}

/// The live widget on `element`, or a new one mounted from `src`.
fn mount_once(element: HtmlElement, src: &Source<'_>) -> Result<Shared, JsValue> {
    match mounted_on(&element) {
        Some(w) => Ok(w),
        None => Widget::mount(element, src),
    }
}

/// Mounts the widget into `element` (in its shadow root) and returns its handle. If
/// `element` already has a live widget, returns a handle to it (its options unchanged).
///
/// Bad options log one `console.error` naming the option and show an error state.
#[wasm_bindgen(js_name = mount)]
pub fn mount(
    element: HtmlElement,
    #[wasm_bindgen(unchecked_param_type = "SeatQuoteOptions")] options: JsValue,
) -> Result<WidgetHandle, JsValue> {
    let w = mount_once(element, &Source::Object(&options))?;
    Ok(WidgetHandle { widget: Some(w) })
}

/// Mounts every `[data-seatquote]` element not mounted yet (options from `data-*`).
#[wasm_bindgen(js_name = autoMount)]
pub fn auto_mount() -> Result<js_sys::Array, JsValue> {
    let handles = js_sys::Array::new();
    let list = dom::document().query_selector_all("[data-seatquote]")?;
    for i in 0..list.length() {
        let Some(e) = list.get(i).and_then(|n| n.dyn_into::<HtmlElement>().ok()) else {
            continue;
        };
        if e.has_attribute("data-seatquote-mounted") || mounted_on(&e).is_some() {
            continue;
        }
        dom::attr(&e, "data-seatquote-mounted", "");
        let as_element: web_sys::Element = e.clone().into();
        let w = Widget::mount(e, &Source::Data(&as_element))?;
        handles.push(&JsValue::from(WidgetHandle { widget: Some(w) }));
    }
    Ok(handles)
}

/// The attributes `<seat-quote>` observes.
#[wasm_bindgen(js_name = elementAttributes)]
pub fn element_attributes() -> js_sys::Array {
    [
        "api-base",
        "subscription",
        "item",
        "locale",
        "currency-display",
        "token",
    ]
    .iter()
    .map(|s| JsValue::from_str(s))
    .collect()
}

/// The Rust side of one `<seat-quote>` element.
#[wasm_bindgen]
pub struct ElementHandle {
    host: HtmlElement,
    widget: Option<Shared>,
    remount: Rc<Cell<bool>>,
}

#[wasm_bindgen]
impl ElementHandle {
    /// `connectedCallback`: mounts from the element's attributes.
    #[wasm_bindgen(constructor)]
    pub fn new(host: HtmlElement) -> Result<ElementHandle, JsValue> {
        let w = mount_once(host.clone(), &Source::Attributes(&host))?;
        Ok(ElementHandle {
            host,
            widget: Some(w),
            remount: Rc::new(Cell::new(false)),
        })
    }

    /// `attributeChangedCallback`: remounts once per burst of attribute changes.
    #[wasm_bindgen(js_name = attributeChanged)]
    pub fn attribute_changed(&mut self) -> Result<(), JsValue> {
        if self.remount.replace(true) {
            return Ok(());
        }
        if let Some(w) = self.widget.take() {
            destroy_shared(w);
        }
        let w = Widget::mount(self.host.clone(), &Source::Attributes(&self.host))?;
        self.widget = Some(w);
        let flag = self.remount.clone();
        super::promise::later(Box::new(move || flag.set(false)));
        Ok(())
    }

    /// The element's `refresh()`.
    pub fn refresh(&self) {
        if let Some(w) = &self.widget {
            send(&Rc::downgrade(w), Msg::Load);
        }
    }

    /// `disconnectedCallback`: destroys the widget.
    pub fn destroy(&mut self) {
        if let Some(w) = self.widget.take() {
            destroy_shared(w);
        }
    }
}

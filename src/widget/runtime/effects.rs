//! The effects runner: one mounted widget holds its [`Model`], its DOM and the browser
//! resources the model's effects need (requests, timers, listeners). Every DOM event,
//! answer and timer becomes a [`Msg`]; the model's [`Effect`]s are performed here, then
//! the state is painted.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{AbortController, Element, Event, HtmlElement, ShadowRoot};

use super::api::Client;
use super::events::{emit, error_detail};
use super::options::{Options, Source};
use super::promise::later;
use super::{answers, options, routing};
use crate::widget::model::{
    Answer, Effect, Event as ModelEvent, Focus, Model, Msg, Phase, ReqId, Timer,
};
use crate::widget::view::dom::clear;
use crate::widget::view::format::Formatter;
use crate::widget::view::i18n::Messages;
use crate::widget::view::render::{View, N};
use crate::widget::view::{paint, style};

type Listener = (&'static str, Closure<dyn FnMut(Event)>);

const TIMERS: [Timer; 6] = [
    Timer::Debounce,
    Timer::Expiry,
    Timer::Slow,
    Timer::RetryAfter,
    Timer::ConfirmWait,
    Timer::Poll,
];

/// One mounted widget.
pub struct Widget {
    pub(super) host: HtmlElement,
    pub(super) shadow: ShadowRoot,
    pub(super) view: View,
    pub(super) msgs: Messages,
    pub(super) fmt: Option<Formatter>,
    pub(super) client: Option<Client>,
    pub(super) opts: Option<Options>,
    pub(super) model: Model,
    pub(super) request: Option<(ReqId, AbortController)>,
    pub(super) timers: Vec<(Timer, i32)>,
    pub(super) timer_callbacks: Vec<(Timer, Closure<dyn FnMut()>)>,
    pub(super) listeners: Vec<Listener>,
    pub(super) outbox: Vec<(&'static str, JsValue)>,
    pub(super) marked: bool,
}

/// The shared handle every callback holds.
pub type Shared = Rc<RefCell<Widget>>;

thread_local! {
    /// Mounted widgets, kept alive until `destroy()` (a JS handle may be collected while
    /// its widget is still on the page; callbacks only hold weak references). One per host.
    static LIVE: RefCell<Vec<(Element, Shared)>> = const { RefCell::new(Vec::new()) };
}

/// The live widget mounted on `host`, if any.
pub fn mounted_on(host: &Element) -> Option<Shared> {
    LIVE.with(|l| {
        l.borrow()
            .iter()
            .find(|(h, _)| h.is_same_node(Some(host)))
            .map(|(_, w)| w.clone())
    })
}

fn window() -> web_sys::Window {
    web_sys::window().unwrap_or_else(|| wasm_bindgen::throw_str("seatquote: no window"))
}

/// Delivers `msg` to the widget. If the widget is busy (a `seatquote:*` listener called
/// back into it), the message is delivered right after instead of being lost.
pub fn send(w: &Weak<RefCell<Widget>>, msg: Msg) {
    let Some(rc) = w.upgrade() else { return };
    let out = match rc.try_borrow_mut() {
        Ok(mut g) => {
            g.dispatch(&rc, msg);
            (g.host.clone(), std::mem::take(&mut g.outbox))
        }
        Err(_) => {
            let weak = w.clone();
            later(Box::new(move || send(&weak, msg)));
            return;
        }
    };
    let (host, events) = out;
    for (name, detail) in events {
        emit(&host, name, &detail, false);
    }
}

impl Widget {
    /// Mounts a widget into `host`'s shadow root with options from `src`.
    pub fn mount(host: HtmlElement, src: &Source<'_>) -> Result<Shared, JsValue> {
        let shadow = match host.shadow_root() {
            Some(s) => s,
            // `{ mode: "open" }` as a plain object (no `ShadowRootInit` setter to import).
            None => host.attach_shadow(
                &crate::js_value::obj(&[("mode", "open".into())]).unchecked_into(),
            )?,
        };
        clear(&shadow);
        style::adopt(&shadow)?;
        let view = View::build();
        shadow.append_child(&view.root)?;
        let (opts, client, locale) = match options::read(src, &host) {
            Ok((o, auth)) => {
                let client = Client::new(&o.api_base, auth);
                let locale = o.locale.clone();
                (Some(o), Some(client), locale)
            }
            Err(e) => {
                let mut text = String::from("seatquote: option `");
                text.push_str(&e.option);
                text.push_str("` ");
                text.push_str(e.message);
                web_sys::console::error_1(&JsValue::from_str(&text));
                // The setup error in the page's language when it can be told.
                (None, None, options::locale_hint(src))
            }
        };
        let messages = opts
            .as_ref()
            .map(|o| o.messages.clone())
            .unwrap_or_default();
        let (model, first) = match (&opts, &client) {
            (Some(o), Some(c)) => (Model::new(o.item, c.refreshable()), Msg::Load),
            _ => (Model::misconfigured().0, Msg::Destroy),
        };
        let w = Rc::new(RefCell::new(Widget {
            host,
            shadow,
            view,
            msgs: Messages::new(&locale, &messages),
            fmt: None,
            client,
            opts,
            model,
            request: None,
            timers: Vec::new(),
            timer_callbacks: Vec::new(),
            listeners: Vec::new(),
            outbox: Vec::new(),
            marked: false,
        }));
        Self::wire(&w)?;
        let host_element: Element = w.borrow().host.clone().into();
        LIVE.with(|l| l.borrow_mut().push((host_element, w.clone())));
        if first == Msg::Load {
            send(&Rc::downgrade(&w), Msg::Load);
        } else {
            let (host, events) = {
                let mut g = w.borrow_mut();
                g.run(&w, Model::misconfigured().1);
                g.paint_now();
                (g.host.clone(), std::mem::take(&mut g.outbox))
            };
            for (name, detail) in events {
                emit(&host, name, &detail, false);
            }
        }
        Ok(w)
    }

    /// Adds the delegated listeners on the shadow root and the timer callbacks.
    fn wire(rc: &Shared) -> Result<(), JsValue> {
        let mut g = rc.borrow_mut();
        for name in ["click", "input", "change", "keydown"] {
            let weak = Rc::downgrade(rc);
            let cb = Closure::<dyn FnMut(Event)>::new(move |ev: Event| {
                if let Some(msg) = routing::route(&ev) {
                    send(&weak, msg);
                }
            });
            g.shadow
                .add_event_listener_with_callback(name, cb.as_ref().unchecked_ref())?;
            g.listeners.push((name, cb));
        }
        for t in TIMERS {
            let weak = Rc::downgrade(rc);
            let cb = Closure::<dyn FnMut()>::new(move || {
                if let Some(rc) = weak.upgrade() {
                    if let Ok(mut g) = rc.try_borrow_mut() {
                        g.timers.retain(|(x, _)| *x != t);
                    }
                }
                send(&weak, Msg::Fired(t));
            });
            g.timer_callbacks.push((t, cb));
        }
        Ok(())
    }

    /// Destroys: the model stops everything; listeners and the DOM go.
    pub fn destroy(&mut self, rc: &Shared) {
        if matches!(self.model.phase, Phase::Destroyed) {
            return;
        }
        self.dispatch(rc, Msg::Destroy);
        self.outbox.clear();
        let listeners = std::mem::take(&mut self.listeners);
        for (name, cb) in &listeners {
            let _ = self
                .shadow
                .remove_event_listener_with_callback(name, cb.as_ref().unchecked_ref());
        }
        clear(&self.shadow);
        self.shadow.set_adopted_style_sheets(&js_sys::Array::new());
        // Closures may be running right now (destroy() from an event listener): drop them
        // after the current task.
        let timers = std::mem::take(&mut self.timer_callbacks);
        later(Box::new(move || drop((listeners, timers))));
        LIVE.with(|l| l.borrow_mut().retain(|(_, x)| !Rc::ptr_eq(x, rc)));
    }

    /// Applies `msg` to the model, runs its effects and paints.
    pub fn dispatch(&mut self, rc: &Shared, mut msg: Msg) {
        if let Msg::Answered(_, Ok(Answer::Summary(s))) = &msg {
            if let Err(f) = self.formatter(&s.currency) {
                if let Msg::Answered(_, r) = &mut msg {
                    *r = Err(f);
                }
            }
        }
        let fx = self.model.update(msg);
        self.run(rc, fx);
        if !matches!(self.model.phase, Phase::Destroyed) {
            self.paint_now();
        }
    }

    fn paint_now(&mut self) {
        let focused = self.shadow.active_element();
        paint::paint(&mut self.view, &self.msgs, &self.fmt, &self.model);
        paint::keep_focus(&self.view, &self.model, focused);
        if !self.marked && self.model.calc().is_some() {
            self.marked = true;
            if let Some(p) = window().performance() {
                let _ = p.mark("seatquote:ready");
            }
        }
    }

    fn run(&mut self, rc: &Shared, effects: Vec<Effect>) {
        for e in effects {
            match e {
                Effect::Send {
                    id,
                    request,
                    refresh_token,
                } => self.start(rc, id, request, refresh_token),
                Effect::Abort(id) => {
                    if let Some((r, a)) = self.request.take() {
                        if r == id {
                            a.abort();
                        } else {
                            self.request = Some((r, a));
                        }
                    }
                }
                Effect::SetTimer(t, ms) => {
                    self.cancel(t);
                    if let Some((_, cb)) = self.timer_callbacks.iter().find(|(x, _)| *x == t) {
                        if let Ok(h) = window()
                            .set_timeout_with_callback_and_timeout_and_arguments_0(
                                cb.as_ref().unchecked_ref(),
                                ms.min(i32::MAX as u32) as i32,
                            )
                        {
                            self.timers.push((t, h));
                        }
                    }
                }
                Effect::CancelTimer(t) => self.cancel(t),
                Effect::Checkout(q) => {
                    // Cancelable, so dispatched now; "Confirming…" shows first. A listener
                    // calling back into this widget is queued until this returns.
                    self.paint_now();
                    let proceed = emit(
                        &self.host,
                        "seatquote:checkout",
                        &self.checkout_detail(&q),
                        true,
                    );
                    let fx = self.model.update(Msg::CheckoutDispatched { proceed });
                    self.run(rc, fx);
                }
                Effect::Emit(ev) => {
                    let out = match ev {
                        ModelEvent::Quote(json) => ("seatquote:quote", answers::parse(&json)),
                        ModelEvent::Committed(json) => {
                            ("seatquote:committed", answers::parse(&json))
                        }
                        ModelEvent::Error(code) => (
                            "seatquote:error",
                            error_detail(code.as_str(), self.msgs.get(code.message_key())),
                        ),
                    };
                    self.outbox.push(out);
                }
                Effect::Focus(to) => {
                    self.paint_now();
                    if to != Focus::Notice {
                        let _ = self.view.success_text.focus();
                        continue;
                    }
                    let action = &self.view[N::NoticeAction];
                    let target = if action.has_attribute("hidden") {
                        &self.view[N::NoticeText]
                    } else {
                        action
                    };
                    if let Some(e) = target.dyn_ref::<HtmlElement>() {
                        let _ = e.focus();
                    }
                }
            }
        }
    }

    fn cancel(&mut self, t: Timer) {
        let win = window();
        self.timers.retain(|(x, h)| {
            if *x == t {
                win.clear_timeout_with_handle(*h);
            }
            *x != t
        });
    }
}

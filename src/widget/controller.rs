//! The widget's behaviour: load the summary, step the quantity (local estimate in the
//! same frame), fetch the verified preview debounced and abortable, take consent,
//! dispatch checkout and commit with an idempotency key.

use std::cell::RefCell;
use std::rc::{Rc, Weak};

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::spawn_local;
use web_sys::{
    AbortController, Event, HtmlElement, HtmlInputElement, HtmlSelectElement, KeyboardEvent,
    ShadowRoot,
};

use super::api::{ApiError, Client};
use super::dom::{attr, clear, flag, prop, set_text, show};
use super::events::{emit, error_detail};
use super::format::Formatter;
use super::i18n::Messages;
use super::options::{self, Options, Source};
use super::render::{Panel, View};
use super::state::{self, Direction, Figures, Summary, Verified};
use super::style;
use super::timeline::geometry;
use crate::js_value::obj;

/// Debounce before the verified preview is fetched.
const DEBOUNCE_MS: i32 = 250;

/// What a Retry button does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Retry {
    Summary,
    Preview,
    Commit,
}

/// The inline message under the figures.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Notice {
    None,
    QuoteChanged,
    QuoteExpired,
    Negative,
    HandedOff,
    Error(String, Retry),
}

/// An event to dispatch once the widget's state is released.
struct Outgoing {
    name: &'static str,
    detail: JsValue,
}

type Listener = (&'static str, Closure<dyn FnMut(Event)>);

/// One mounted widget.
pub struct Widget {
    host: HtmlElement,
    shadow: ShadowRoot,
    view: View,
    msgs: Messages,
    fmt: Option<Formatter>,
    client: Option<Client>,
    opts: Option<Options>,
    panel: Panel,
    error: Option<(String, Retry)>,
    summary: Option<Summary>,
    item: usize,
    qty: u32,
    mode: String,
    estimate: Option<Result<Figures, seatquote_core::QuoteError>>,
    verified: Option<Verified>,
    pending: bool,
    notice: Notice,
    consent: bool,
    committing: bool,
    idempotency_key: Option<String>,
    committed: Option<u32>,
    seq: u32,
    abort: Option<AbortController>,
    debounce: Option<i32>,
    expiry: Option<i32>,
    listeners: Vec<Listener>,
    tick: Option<Closure<dyn FnMut()>>,
    expiry_tick: Option<Closure<dyn FnMut()>>,
    outbox: Vec<Outgoing>,
    destroyed: bool,
    marked: bool,
}

/// The shared handle every callback holds.
pub type Shared = Rc<RefCell<Widget>>;

thread_local! {
    /// Mounted widgets, kept alive until `destroy()` (a JS handle may be collected
    /// while its widget is still on the page; the callbacks only hold weak references).
    static LIVE: RefCell<Vec<Shared>> = const { RefCell::new(Vec::new()) };
}

/// Forgets a destroyed widget.
pub fn release(w: &Shared) {
    LIVE.with(|l| l.borrow_mut().retain(|x| !Rc::ptr_eq(x, w)));
}

fn window() -> web_sys::Window {
    web_sys::window().unwrap_or_else(|| wasm_bindgen::throw_str("seatquote: no window"))
}

fn console_error(text: &str) {
    web_sys::console::error_1(&JsValue::from_str(text));
}

/// Runs `f` on the widget (unless destroyed or busy), then dispatches its events.
fn with(w: &Weak<RefCell<Widget>>, f: impl FnOnce(&mut Widget, &Shared)) {
    let Some(rc) = w.upgrade() else { return };
    let (host, out) = {
        let Ok(mut g) = rc.try_borrow_mut() else {
            return;
        };
        if g.destroyed {
            return;
        }
        f(&mut g, &rc);
        (g.host.clone(), std::mem::take(&mut g.outbox))
    };
    for o in out {
        emit(&host, o.name, &o.detail, false);
    }
}

impl Widget {
    /// Mounts a widget into `host`'s shadow root with options from `src`.
    pub fn mount(host: HtmlElement, src: &Source<'_>) -> Result<Shared, JsValue> {
        let shadow = match host.shadow_root() {
            Some(s) => s,
            None => {
                host.attach_shadow(&web_sys::ShadowRootInit::new(web_sys::ShadowRootMode::Open))?
            }
        };
        clear(&shadow);
        style::adopt(&shadow)?;
        let view = View::build();
        shadow.append_child(&view.root)?;
        let parsed = options::read(src, &host);
        let (opts, client, locale) = match parsed {
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
                console_error(&text);
                (None, None, String::from("en"))
            }
        };
        let messages = opts
            .as_ref()
            .map(|o| o.messages.clone())
            .unwrap_or_default();
        let w = Rc::new(RefCell::new(Widget {
            host,
            shadow,
            view,
            msgs: Messages::new(&locale, &messages),
            fmt: None,
            client,
            opts,
            panel: Panel::Loading,
            error: None,
            summary: None,
            item: 0,
            qty: 0,
            mode: String::new(),
            estimate: None,
            verified: None,
            pending: false,
            notice: Notice::None,
            consent: false,
            committing: false,
            idempotency_key: None,
            committed: None,
            seq: 0,
            abort: None,
            debounce: None,
            expiry: None,
            listeners: Vec::new(),
            tick: None,
            expiry_tick: None,
            outbox: Vec::new(),
            destroyed: false,
            marked: false,
        }));
        Self::wire(&w)?;
        LIVE.with(|l| l.borrow_mut().push(w.clone()));
        let configured = w.borrow().client.is_some();
        if configured {
            Self::load(&w);
        } else {
            let mut g = w.borrow_mut();
            g.panel = Panel::Error;
            g.error = Some(("config".into(), Retry::Summary));
            g.paint();
            let detail = error_detail("invalid_options", g.msgs.get("err_config"));
            g.outbox.push(Outgoing {
                name: "seatquote:error",
                detail,
            });
            let out = std::mem::take(&mut g.outbox);
            let host = g.host.clone();
            drop(g);
            for o in out {
                emit(&host, o.name, &o.detail, false);
            }
        }
        Ok(w)
    }

    /// Adds the delegated listeners on the shadow root and the timer callbacks.
    fn wire(rc: &Shared) -> Result<(), JsValue> {
        let mut g = rc.borrow_mut();
        for name in ["click", "input", "change", "keydown"] {
            let weak = Rc::downgrade(rc);
            let cb = Closure::<dyn FnMut(Event)>::new(move |ev: Event| on_event(&weak, &ev));
            g.shadow
                .add_event_listener_with_callback(name, cb.as_ref().unchecked_ref())?;
            g.listeners.push((name, cb));
        }
        let weak = Rc::downgrade(rc);
        g.tick = Some(Closure::<dyn FnMut()>::new(move || {
            with(&weak, |w, rc| {
                w.debounce = None;
                w.start_preview(rc);
            })
        }));
        let weak = Rc::downgrade(rc);
        g.expiry_tick = Some(Closure::<dyn FnMut()>::new(move || {
            with(&weak, |w, rc| {
                w.expiry = None;
                if w.verified.is_some() && !w.committing {
                    // An expired quote is never confirmed: fetch a fresh one, and if the
                    // customer had agreed, say why the agreement has to be given again.
                    if w.consent {
                        w.notice = Notice::QuoteExpired;
                    }
                    w.verified = None;
                    w.consent = false;
                    w.pending = true;
                    w.start_preview(rc);
                    w.paint();
                }
            })
        }));
        Ok(())
    }

    /// Removes every listener, timer and request; empties the shadow root.
    pub fn destroy(&mut self) {
        if self.destroyed {
            return;
        }
        self.destroyed = true;
        self.cancel_timers();
        if let Some(a) = self.abort.take() {
            a.abort();
        }
        let listeners = std::mem::take(&mut self.listeners);
        for (name, cb) in &listeners {
            let _ = self
                .shadow
                .remove_event_listener_with_callback(name, cb.as_ref().unchecked_ref());
        }
        clear(&self.shadow);
        self.shadow.set_adopted_style_sheets(&js_sys::Array::new());
        // Closures may be running right now (destroy() called from an event listener):
        // drop them after the current task.
        let tick = self.tick.take();
        let expiry = self.expiry_tick.take();
        spawn_local(async move {
            drop((listeners, tick, expiry));
        });
    }

    fn cancel_timers(&mut self) {
        let win = window();
        if let Some(t) = self.debounce.take() {
            win.clear_timeout_with_handle(t);
        }
        if let Some(t) = self.expiry.take() {
            win.clear_timeout_with_handle(t);
        }
    }

    /// Reloads the summary (the handle's `refresh()`).
    pub fn load(rc: &Shared) {
        let (client, path, signal) = {
            let mut g = rc.borrow_mut();
            if g.destroyed {
                return;
            }
            let Some(client) = g.client.clone() else {
                return;
            };
            g.cancel_timers();
            if let Some(a) = g.abort.take() {
                a.abort();
            }
            g.seq = g.seq.wrapping_add(1);
            let abort = AbortController::new().ok();
            let signal = abort.as_ref().map(|a| a.signal());
            g.abort = abort;
            g.panel = Panel::Loading;
            g.error = None;
            g.committed = None;
            g.paint();
            let mut path = String::from("/api/subscriptions/");
            path.push_str(g.opts.as_ref().map_or("", |o| o.subscription.as_str()));
            (client, path, signal)
        };
        let weak = Rc::downgrade(rc);
        let seq = rc.borrow().seq;
        spawn_local(async move {
            let res = client.json("GET", &path, None, None, signal.as_ref()).await;
            with(&weak, |w, _| {
                if w.seq != seq {
                    return;
                }
                w.abort = None;
                match res {
                    Ok(v) => w.summary_loaded(&v),
                    Err(e) if e.is_abort() => {}
                    Err(e) => w.fail(&e, Retry::Summary),
                }
            });
        });
    }

    fn summary_loaded(&mut self, v: &JsValue) {
        let Some(summary) = Summary::from_js(v) else {
            self.fail(
                &ApiError::local("upstream_error", "unexpected summary"),
                Retry::Summary,
            );
            return;
        };
        let Some(opts) = self.opts.as_ref() else {
            return;
        };
        let index = match opts.item {
            Some(n) => summary.items.iter().position(|i| i.running_number == n),
            None if summary.items.is_empty() => None,
            None => Some(0),
        };
        let Some(index) = index else {
            self.fail(
                &ApiError::local("not_found", "no such item"),
                Retry::Summary,
            );
            return;
        };
        match Formatter::new(&opts.locale, &summary.currency, &opts.currency_display) {
            Ok(f) => self.fmt = Some(f),
            Err(_) => {
                console_error("seatquote: option `locale` is not a valid locale");
                self.fail(
                    &ApiError::local("invalid_options", "bad locale"),
                    Retry::Summary,
                );
                return;
            }
        }
        attr(&self.view.root, "lang", &opts.locale);
        // Item picker (only when several items and no `item` option).
        clear(&self.view.picker);
        let several = opts.item.is_none() && summary.items.len() > 1;
        if several {
            for (i, it) in summary.items.iter().enumerate() {
                let o = super::dom::el("option", "");
                attr(&o, "value", &i.to_string());
                o.set_text_content(Some(&it.product_name));
                let _ = self.view.picker.append_child(&o);
            }
            self.view.picker.set_selected_index(index as i32);
        }
        show(&self.view.picker_row, several);
        self.item = index;
        self.qty = summary.items[index].quantity;
        self.summary = Some(summary);
        self.panel = Panel::Main;
        self.view.qty.set_value(&self.qty.to_string());
        self.recompute();
        self.paint();
        if !self.marked {
            self.marked = true;
            if let Some(p) = window().performance() {
                let _ = p.mark("seatquote:ready");
            }
        }
    }

    fn fail(&mut self, e: &ApiError, retry: Retry) {
        self.panel = if retry == Retry::Summary {
            Panel::Error
        } else {
            self.panel
        };
        if retry == Retry::Summary {
            self.error = Some((e.code.clone(), retry));
        } else {
            self.notice = Notice::Error(e.code.clone(), retry);
        }
        let message = self.error_text(&e.code).to_owned();
        self.outbox.push(Outgoing {
            name: "seatquote:error",
            detail: error_detail(&e.code, &message),
        });
        self.paint();
    }

    fn error_text(&self, code: &str) -> &str {
        let key = match code {
            "unauthorized" => "err_unauthorized",
            "forbidden" => "err_forbidden",
            "not_found" => "err_not_found",
            "mode_not_allowed" => "err_mode",
            "quantity_out_of_range" => "err_quantity",
            "subscription_not_active" => "err_not_active",
            "upstream_timeout" | "upstream_unavailable" | "upstream_error" | "rate_limited" => {
                "err_busy"
            }
            "network" => "err_network",
            "config" | "invalid_options" => "err_config",
            "negative_alignment" => "negative_alignment",
            "quote_changed" => "quote_changed",
            "quote_expired" => "quote_expired",
            _ => "err_generic",
        };
        self.msgs.get(key)
    }

    fn current_item(&self) -> Option<&state::Item> {
        self.summary.as_ref().and_then(|s| s.items.get(self.item))
    }

    /// The `Idempotency-Key` of the current confirmation: made once, reused on Retry.
    fn confirmation_key(&mut self) -> String {
        self.idempotency_key
            .get_or_insert_with(|| {
                window()
                    .crypto()
                    .map(|c| c.random_uuid())
                    .unwrap_or_default()
            })
            .clone()
    }

    /// Recomputes the local estimate for the current quantity and mode.
    fn recompute(&mut self) {
        self.verified = None;
        self.consent = false;
        self.notice = Notice::None;
        let Some(s) = self.summary.as_ref() else {
            return;
        };
        let Some(item) = s.items.get(self.item) else {
            return;
        };
        let dir = state::direction(item.quantity, self.qty);
        let modes = state::modes(item, self.qty);
        if !modes.contains(&self.mode) {
            self.mode = modes.first().cloned().unwrap_or_default();
        }
        let est = if dir == Direction::Unchanged {
            state::estimate(s, item, self.qty, "nextBilling")
        } else if self.mode.is_empty() {
            Err(seatquote_core::QuoteError::new(
                seatquote_core::ErrorCode::InvalidAlignment,
                "no mode allowed",
            ))
        } else {
            state::estimate(s, item, self.qty, &self.mode)
        };
        if let Err(e) = &est {
            if e.code == seatquote_core::ErrorCode::NegativeAlignment {
                self.notice = Notice::Negative;
            } else if dir != Direction::Unchanged {
                self.notice = Notice::Error(String::from("mode_not_allowed"), Retry::Preview);
            }
        }
        self.estimate = Some(est);
    }

    /// After a quantity or mode change: cancel the pending preview and schedule a new one.
    fn schedule_preview(&mut self) {
        let win = window();
        if let Some(t) = self.debounce.take() {
            win.clear_timeout_with_handle(t);
        }
        if let Some(t) = self.expiry.take() {
            win.clear_timeout_with_handle(t);
        }
        if let Some(a) = self.abort.take() {
            a.abort();
        }
        self.seq = self.seq.wrapping_add(1);
        let changeable = matches!(self.estimate, Some(Ok(_)))
            && self.current_item().is_some_and(|i| i.quantity != self.qty);
        self.pending = changeable;
        if changeable {
            if let Some(cb) = &self.tick {
                self.debounce = win
                    .set_timeout_with_callback_and_timeout_and_arguments_0(
                        cb.as_ref().unchecked_ref(),
                        DEBOUNCE_MS,
                    )
                    .ok();
            }
        }
    }

    fn start_preview(&mut self, rc: &Shared) {
        let Some(client) = self.client.clone() else {
            return;
        };
        let Some(s) = self.summary.as_ref() else {
            return;
        };
        let Some(item) = s.items.get(self.item) else {
            return;
        };
        if let Some(a) = self.abort.take() {
            a.abort();
        }
        let path = item_path(&s.id, item.running_number, "preview");
        let body = obj(&[
            ("quantity", self.qty.into()),
            ("alignment", self.mode.as_str().into()),
        ]);
        let abort = AbortController::new().ok();
        let signal = abort.as_ref().map(|a| a.signal());
        self.abort = abort;
        self.seq = self.seq.wrapping_add(1);
        self.pending = true;
        let seq = self.seq;
        let weak = Rc::downgrade(rc);
        spawn_local(async move {
            let res = client
                .json("POST", &path, Some(&body), None, signal.as_ref())
                .await;
            with(&weak, |w, _| {
                if w.seq != seq {
                    return; // a newer request replaced this one
                }
                w.abort = None;
                w.pending = false;
                match res {
                    Ok(v) => w.verified_arrived(&v),
                    Err(e) if e.is_abort() => {}
                    Err(e) if e.code == "negative_alignment" => {
                        w.notice = Notice::Negative;
                        w.paint();
                    }
                    Err(e) => w.fail(&e, Retry::Preview),
                }
            });
        });
    }

    /// Turns the proxy's `expiresAt` (server clock) into a deadline on this browser's
    /// clock. A quote that looks expired on arrival means the clocks disagree beyond what
    /// the `Date` header tells: then no local timer, and the proxy decides at commit
    /// (it answers `quote_expired`, which re-previews).
    fn localize(&self, q: &mut Verified) {
        let skew = self.client.as_ref().map_or(0.0, Client::skew);
        q.expires_at -= skew;
        if !q.expires_at.is_finite() || q.expires_at <= js_sys::Date::now() {
            q.expires_at = f64::INFINITY;
        }
    }

    fn verified_arrived(&mut self, v: &JsValue) {
        let Some(mut q) = Verified::from_js(v) else {
            self.fail(
                &ApiError::local("upstream_error", "unexpected preview"),
                Retry::Preview,
            );
            return;
        };
        if q.figures.quantity != self.qty {
            return;
        }
        if !q.mode.is_empty() {
            self.mode = q.mode.clone();
        }
        self.localize(&mut q);
        self.arm_expiry(q.expires_at);
        self.verified = Some(q);
        if matches!(self.notice, Notice::Error(_, Retry::Preview)) {
            self.notice = Notice::None;
        }
        self.outbox.push(Outgoing {
            name: "seatquote:quote",
            detail: v.clone(),
        });
        self.announce();
        self.paint();
    }

    fn arm_expiry(&mut self, expires_at: f64) {
        let win = window();
        if let Some(t) = self.expiry.take() {
            win.clear_timeout_with_handle(t);
        }
        let ms = expires_at - js_sys::Date::now();
        if !ms.is_finite() {
            return; // no local deadline (see `localize`)
        }
        let ms = ms.clamp(0.0, 2_000_000_000.0) as i32;
        if let Some(cb) = &self.expiry_tick {
            self.expiry = win
                .set_timeout_with_callback_and_timeout_and_arguments_0(
                    cb.as_ref().unchecked_ref(),
                    ms,
                )
                .ok();
        }
    }

    fn announce(&self) {
        let (Some(f), Some(q)) = (self.fmt.as_ref(), self.verified.as_ref()) else {
            return;
        };
        let text = self.msgs.fill(
            "announce",
            &[
                ("due", &f.money(&q.figures.due_gross)),
                ("next", &f.money(&q.figures.next_gross)),
                ("date", &f.date(&q.figures.next_date)),
            ],
        );
        set_text(&self.view.live, &text);
    }

    fn set_qty(&mut self, q: u32, rewrite_input: bool) {
        if rewrite_input {
            self.view.qty.set_value(&q.to_string());
        }
        self.view.invalid_qty(false);
        if q == self.qty {
            return;
        }
        self.qty = q;
        self.recompute();
        self.schedule_preview();
        self.paint();
    }

    fn step(&mut self, step: state::Step) {
        let Some(item) = self.current_item() else {
            return;
        };
        let q = state::apply_step(self.qty, step, item.min, item.max);
        self.set_qty(q, true);
    }

    fn confirm(&mut self, rc: &Shared) {
        if self.committing || !self.consent {
            return;
        }
        let Some(q) = self.verified.clone() else {
            return;
        };
        if q.expires_at <= js_sys::Date::now() {
            self.verified = None;
            self.consent = false;
            self.notice = Notice::QuoteExpired;
            self.start_preview(rc);
            self.paint();
            return;
        }
        let (Some(s), Some(item)) = (self.summary.as_ref(), self.current_item()) else {
            return;
        };
        let detail = obj(&[
            ("subscriptionId", s.id.as_str().into()),
            ("runningNumber", item.running_number.into()),
            ("quantity", self.qty.into()),
            ("mode", q.mode.as_str().into()),
            ("quoteToken", q.token.as_str().into()),
            ("quote", q.raw.clone()),
        ]);
        let path = item_path(&s.id, item.running_number, "commit");
        // The checkout event is cancelable: dispatch it now (the widget's state is
        // borrowed, so a listener calling back into this widget is ignored).
        self.committing = true;
        self.paint();
        let proceed = emit(&self.host, "seatquote:checkout", &detail, true);
        if !proceed {
            self.committing = false;
            self.notice = Notice::HandedOff;
            self.paint();
            return;
        }
        let key = self.confirmation_key();
        self.commit(rc, path, q.token, key);
    }

    fn commit(&mut self, rc: &Shared, path: String, token: String, key: String) {
        let Some(client) = self.client.clone() else {
            return;
        };
        self.committing = true;
        self.notice = Notice::None;
        self.paint();
        let body = obj(&[
            ("quoteToken", token.as_str().into()),
            ("consent", true.into()),
        ]);
        let weak = Rc::downgrade(rc);
        spawn_local(async move {
            let res = client
                .json("POST", &path, Some(&body), Some(&key), None)
                .await;
            with(&weak, |w, rc| {
                w.committing = false;
                match res {
                    Ok(v) => w.committed(&v),
                    Err(e) if e.code == "quote_changed" => {
                        w.idempotency_key = None;
                        w.consent = false;
                        match Verified::from_js(&prop(&e.body, "quote")) {
                            Some(mut q) => {
                                w.localize(&mut q);
                                w.arm_expiry(q.expires_at);
                                w.verified = Some(q);
                                w.notice = Notice::QuoteChanged;
                                w.outbox.push(Outgoing {
                                    name: "seatquote:error",
                                    detail: error_detail(
                                        "quote_changed",
                                        w.msgs.get("quote_changed"),
                                    ),
                                });
                                w.announce();
                            }
                            None => {
                                w.verified = None;
                                w.notice = Notice::QuoteChanged;
                                w.start_preview(rc);
                            }
                        }
                        w.paint();
                    }
                    Err(e) if e.code == "quote_expired" => {
                        w.idempotency_key = None;
                        w.consent = false;
                        w.verified = None;
                        w.notice = Notice::QuoteExpired;
                        w.start_preview(rc);
                        w.paint();
                    }
                    Err(e) => w.fail(&e, Retry::Commit),
                }
            });
        });
    }

    fn committed(&mut self, v: &JsValue) {
        self.idempotency_key = None;
        self.cancel_timers();
        self.committed = Some(self.qty);
        if let Some(s) = self.summary.as_mut() {
            if let Some(it) = s.items.get_mut(self.item) {
                it.quantity = self.qty;
            }
        }
        self.verified = None;
        self.consent = false;
        self.panel = Panel::Success;
        self.outbox.push(Outgoing {
            name: "seatquote:committed",
            detail: v.clone(),
        });
        if let Some(f) = &self.fmt {
            let seats = self.msgs.seats(self.qty, &f.integer(self.qty));
            let text = self.msgs.fill("success", &[("seats", &seats)]);
            set_text(&self.view.live, &text);
        }
        self.paint();
        let _ = self.view.success_text.focus();
    }

    fn retry(&mut self, rc: &Shared) {
        let kind = match (&self.error, &self.notice) {
            (Some((_, k)), _) if self.panel == Panel::Error => *k,
            (_, Notice::Error(_, k)) => *k,
            _ => return,
        };
        match kind {
            Retry::Summary => {
                // Reloading needs the widget unborrowed: do it in a microtask.
                let rc = rc.clone();
                spawn_local(async move { Widget::load(&rc) });
            }
            Retry::Preview => {
                self.notice = Notice::None;
                self.start_preview(rc);
                self.paint();
            }
            Retry::Commit => {
                let (Some(q), Some(s), Some(item)) = (
                    self.verified.clone(),
                    self.summary.as_ref(),
                    self.current_item(),
                ) else {
                    return;
                };
                let path = item_path(&s.id, item.running_number, "commit");
                let key = self.confirmation_key();
                self.commit(rc, path, q.token, key);
            }
        }
    }

    /// Writes the state into the DOM.
    fn paint(&mut self) {
        let v = &self.view;
        v.panel(self.panel);
        set_text(&v.loading, self.msgs.get("loading"));
        set_text(&v.error_retry, self.msgs.get("retry"));
        if let Some((code, _)) = &self.error {
            set_text(&v.error_text, self.error_text(code));
            show(
                &v.error_retry,
                code != "config" && code != "invalid_options",
            );
        }
        if self.panel == Panel::Success {
            if let Some(f) = &self.fmt {
                let seats = self.msgs.seats(self.qty, &f.integer(self.qty));
                set_text(
                    &v.success_text,
                    &self.msgs.fill("success", &[("seats", &seats)]),
                );
            }
            attr(&v.success_text, "tabindex", "-1");
            set_text(&v.again, self.msgs.get("again"));
            return;
        }
        if self.panel != Panel::Main {
            return;
        }
        let (Some(s), Some(f)) = (self.summary.as_ref(), self.fmt.as_ref()) else {
            return;
        };
        let Some(item) = s.items.get(self.item) else {
            return;
        };
        let m = &self.msgs;
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
        attr(&v.qty, "aria-valuenow", &self.qty.to_string());
        View::enable(&v.dec, self.qty > item.min && !self.committing);
        View::enable(&v.inc, self.qty < item.max && !self.committing);
        flag(&v.qty, "readonly", self.committing);

        let dir = state::direction(item.quantity, self.qty);
        let figures = match (&self.verified, &self.estimate) {
            (Some(q), _) => Some((&q.figures, true)),
            (None, Some(Ok(f))) => Some((f, false)),
            _ => None,
        };
        let rate = f.percent(&s.tax_rate);
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
        if let Some((fig, _)) = figures {
            let line = m.fill(
                "line",
                &[
                    ("qty", &f.integer(fig.quantity)),
                    ("unit", &f.money(&fig.unit_price)),
                    ("total", &f.money(&fig.total)),
                ],
            );
            set_text(&v.line, &line);
            let mut t = String::from(" ");
            t.push_str(per);
            t.push_str(" · ");
            t.push_str(&tax);
            set_text(&v.line_tax, &t);
        }

        // Modes: a choice only for an increase with more than one allowed mode.
        let modes: Vec<String> = state::modes(item, self.qty).to_vec();
        let choose = dir == Direction::Increase && modes.len() > 1;
        if choose && modes != self.view.shown_modes {
            let mut labels = Vec::new();
            let nb = f.date(&s.next_billing_date);
            for mode in &modes {
                let (label, hint) = match mode.as_str() {
                    "immediate" => (
                        "mode_immediate",
                        m.fill("mode_immediate_hint", &[("date", &nb)]),
                    ),
                    "extend" => {
                        let next = state::estimate(s, item, self.qty, "extend")
                            .map(|x| f.date(&x.next_date))
                            .unwrap_or_default();
                        (
                            "mode_extend",
                            m.fill("mode_extend_hint", &[("date", &next)]),
                        )
                    }
                    _ => ("mode_nextBilling", String::new()),
                };
                labels.push((m.get(label).to_owned(), hint));
            }
            set_text(&self.view.modes_legend, self.msgs.get("mode_legend"));
            self.view.set_modes(&modes, &labels);
        }
        let v = &self.view;
        let m = &self.msgs;
        show(&v.modes, choose);
        if choose {
            v.check_mode(&self.mode);
        }
        let next_billing_mode = self.mode == "nextBilling";
        show(
            &v.decrease_note,
            dir == Direction::Decrease && next_billing_mode,
        );
        set_text(
            &v.decrease_note,
            &m.fill("decrease_note", &[("date", &f.date(&s.next_billing_date))]),
        );
        show(&v.no_change, dir == Direction::Unchanged);
        set_text(&v.no_change, m.get("no_change"));

        // Figures.
        let changing = dir != Direction::Unchanged && figures.is_some();
        show(&v.summary, figures.is_some());
        show(&v.due, changing && !next_billing_mode);
        show(&v.due_title, changing && !next_billing_mode);
        if let Some((fig, verified)) = figures {
            set_text(&v.due_title, m.get("due_today"));
            set_text(
                &v.badge,
                m.get(if verified { "verified" } else { "estimate" }),
            );
            v.badge
                .set_class_name(if verified { "badge verified" } else { "badge" });
            attr(
                &v.summary,
                "aria-busy",
                if self.pending { "true" } else { "false" },
            );
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
            set_text(&v.vat_label, &m.fill("vat", &[("rate", &rate)]));
            set_text(&v.vat, &f.money(&fig.due_vat));
            set_text(&v.total_label, m.get("total_today"));
            set_text(&v.total, &f.money(&fig.due_gross));
            let mut next = m.fill("next_billing", &[("date", &f.date(&fig.next_date))]);
            next.push_str(": ");
            next.push_str(&f.money(&fig.next_gross));
            set_text(&v.next, &next);
        }

        // Notice.
        let (notice, action): (Option<&str>, Option<&str>) = match &self.notice {
            Notice::None => (None, None),
            Notice::QuoteChanged => (Some(m.get("quote_changed")), None),
            Notice::QuoteExpired => (Some(m.get("quote_expired")), None),
            Notice::HandedOff => (Some(m.get("handed_off")), None),
            Notice::Negative => (
                Some(m.get("negative_alignment")),
                item.decrease_modes
                    .iter()
                    .any(|d| d == "nextBilling")
                    .then(|| m.get("use_next_billing")),
            ),
            Notice::Error(code, _) => (Some(self.error_text(code)), Some(m.get("retry"))),
        };
        show(&v.notice, notice.is_some());
        set_text(&v.notice_text, notice.unwrap_or(""));
        show(&v.notice_action, action.is_some());
        set_text(&v.notice_action, action.unwrap_or(""));
        v.notice
            .set_class_name(if matches!(self.notice, Notice::HandedOff) {
                "notice info"
            } else {
                "notice"
            });

        // Consent and confirm.
        let verified = self.verified.as_ref();
        show(&v.consent_row, changing);
        show(&v.confirm, changing);
        if let Some((fig, _)) = figures {
            let key = if dir == Direction::Decrease
                || fig.due_gross.trim_start_matches(['0', '.']).is_empty()
            {
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
        v.consent
            .set_disabled(verified.is_none() || self.committing);
        v.consent.set_checked(self.consent);
        View::enable(
            &v.confirm,
            verified.is_some() && self.consent && !self.committing,
        );
        set_text(
            &v.confirm,
            m.get(if self.committing {
                "confirming"
            } else {
                "confirm"
            }),
        );
    }
}

/// The delegated handler for every listener on the shadow root.
fn on_event(weak: &Weak<RefCell<Widget>>, ev: &Event) {
    let Some(target) = ev
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
    else {
        return;
    };
    let Some(action) = target
        .closest("[data-action]")
        .ok()
        .flatten()
        .and_then(|e| e.get_attribute("data-action"))
    else {
        return;
    };
    let kind = ev.type_();
    with(weak, |w, rc| match (kind.as_str(), action.as_str()) {
        ("click", "dec") => w.step(state::Step::By(-1)),
        ("click", "inc") => w.step(state::Step::By(1)),
        ("click", "confirm") => w.confirm(rc),
        ("click", "retry") => w.retry(rc),
        ("click", "notice") => {
            if w.notice == Notice::Negative {
                w.mode = String::from("nextBilling");
                w.estimate = None;
                let (Some(s), Some(item)) = (w.summary.as_ref(), w.current_item()) else {
                    return;
                };
                w.estimate = Some(state::estimate(s, item, w.qty, "nextBilling"));
                w.notice = Notice::None;
                w.schedule_preview();
                w.paint();
            } else {
                w.retry(rc);
            }
        }
        ("click", "again") => {
            let rc = rc.clone();
            spawn_local(async move { Widget::load(&rc) });
        }
        ("keydown", "qty") => {
            let Some(k) = ev.dyn_ref::<KeyboardEvent>() else {
                return;
            };
            if let Some(step) = state::key_step(&k.key()) {
                ev.prevent_default();
                if !w.committing {
                    w.step(step);
                }
            }
        }
        ("input", "qty") => {
            let Some(item) = w.current_item() else { return };
            let (min, max) = (item.min, item.max);
            let text = w.view.qty.value();
            match state::parse_quantity(&text, min, max) {
                Some(q) => w.set_qty(q, false),
                None => w.view.invalid_qty(true),
            }
        }
        ("change", "qty") => {
            let q = w.qty;
            w.set_qty(q, true);
        }
        ("change", "mode") => {
            let Some(r) = target.dyn_ref::<HtmlInputElement>() else {
                return;
            };
            if r.checked() && r.value() != w.mode {
                w.mode = r.value();
                w.recompute();
                w.schedule_preview();
                w.paint();
            }
        }
        ("change", "consent") => {
            let Some(c) = target.dyn_ref::<HtmlInputElement>() else {
                return;
            };
            w.consent = c.checked() && w.verified.is_some();
            // Agreeing again answers "the price changed / expired, agree again".
            if w.consent && matches!(w.notice, Notice::QuoteChanged | Notice::QuoteExpired) {
                w.notice = Notice::None;
            }
            w.paint();
        }
        ("change", "item") => {
            let Some(sel) = target.dyn_ref::<HtmlSelectElement>() else {
                return;
            };
            let i = sel.selected_index();
            if i >= 0 && (i as usize) != w.item {
                w.item = i as usize;
                if let Some(q) = w.current_item().map(|it| it.quantity) {
                    w.qty = q;
                    w.view.qty.set_value(&q.to_string());
                }
                w.mode.clear();
                w.recompute();
                w.schedule_preview();
                w.paint();
            }
        }
        _ => {}
    });
}

/// `/api/subscriptions/{id}/items/{runningNumber}/{action}` (SPEC §7).
fn item_path(subscription: &str, running_number: u32, action: &str) -> String {
    let mut path = String::from("/api/subscriptions/");
    path.push_str(subscription);
    path.push_str("/items/");
    path.push_str(&running_number.to_string());
    path.push('/');
    path.push_str(action);
    path
}

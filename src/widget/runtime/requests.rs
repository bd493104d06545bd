//! Requests: the model's `Send` effects as `fetch` calls through the [`Client`], their
//! outcomes read back into the model's answers; the checkout event's detail.

use std::rc::Rc;

use wasm_bindgen::JsValue;
use web_sys::AbortController;

use super::answers;
use super::api::{ApiError, Call};
use super::effects::{send, Shared, Widget};
use crate::js_value::obj;
use crate::widget::model::{Answer, Choice, Confirmable, ErrorCode, Failure, Msg, ReqId, Request};
use crate::widget::view::dom::prop;
use crate::widget::view::format::Formatter;

impl Widget {
    pub(super) fn checkout_detail(&self, q: &Confirmable) -> JsValue {
        let id = self
            .model
            .calc()
            .map(|c| c.summary.id.clone())
            .unwrap_or_default();
        let quote = answers::parse(&q.json);
        obj(&[
            ("subscriptionId", id.as_str().into()),
            ("runningNumber", q.item.into()),
            ("quantity", q.figures.quantity.into()),
            ("mode", q.mode.as_str().into()),
            ("kind", q.choice.kind().into()),
            ("quoteToken", q.token.as_str().into()),
            ("quote", quote),
        ])
    }

    /// Starts request `id`; its outcome comes back as [`Msg::Answered`].
    pub(super) fn start(&mut self, rc: &Shared, id: ReqId, request: Request, refresh: bool) {
        let (Some(client), Some(opts)) = (self.client.clone(), self.opts.as_ref()) else {
            return;
        };
        let mut path = String::from("/api/subscriptions/");
        path.push_str(&opts.subscription);
        let (method, body, key, item) = match &request {
            Request::Summary | Request::Refresh(_) => ("GET", None, None, 0),
            Request::Preview {
                item,
                quantity,
                mode,
                choice,
            } => {
                item_path(&mut path, *item, "preview");
                let body = obj(&[
                    ("quantity", (*quantity).into()),
                    ("alignment", mode.as_str().into()),
                ]);
                // A plan or an add-on names its product (docs/proxy.md, "API").
                let offer = self.model.calc().and_then(|c| c.offer_of(*choice));
                if let Some(o) = offer {
                    let id = JsValue::from_str(&o.product_id);
                    let _ = js_sys::Reflect::set(&body, &"productId".into(), &id);
                }
                ("POST", Some(body), None, *item)
            }
            Request::Commit(q) => {
                item_path(&mut path, q.item, "commit");
                let body = obj(&[
                    ("quoteToken", q.token.as_str().into()),
                    ("consent", true.into()),
                ]);
                ("POST", Some(body), Some(q.key.clone()), q.item)
            }
            Request::CancelScheduled { item } => {
                item_path(&mut path, *item, "scheduled");
                ("DELETE", None, None, *item)
            }
        };
        let choice = match &request {
            Request::Preview { choice, .. } => *choice,
            Request::Commit(q) => q.choice,
            _ => Choice::Seats,
        };
        // A commit is never aborted (its outcome must be read); other requests are.
        let abort = match request {
            Request::Commit(_) => None,
            _ => AbortController::new().ok(),
        };
        let signal = abort.as_ref().map(|a| a.signal());
        if let Some(a) = abort {
            self.request = Some((id, a));
        }
        let weak = Rc::downgrade(rc);
        let call = Call {
            method,
            path,
            body,
            idempotency_key: key,
            signal,
            refresh,
        };
        let answering = client.clone();
        client.json(
            call,
            Box::new(move |res| {
                if res.as_ref().is_err_and(ApiError::is_abort) {
                    return;
                }
                let answer = read_answer(&request, item, choice, answering.skew(), res);
                send(&weak, Msg::Answered(id, answer));
            }),
        );
    }
}

/// Turns an HTTP outcome into the model's answer.
fn read_answer(
    request: &Request,
    item: u32,
    choice: Choice,
    skew: f64,
    res: Result<(JsValue, String), ApiError>,
) -> Result<Answer, Failure> {
    let bad = || Failure::new(502, ErrorCode::UpstreamError);
    match res {
        Ok((v, text)) => match request {
            Request::Summary | Request::Refresh(_) => answers::summary(&v)
                .map(|s| Answer::Summary(Box::new(s)))
                .ok_or_else(bad),
            Request::Preview { .. } => answers::confirmable(&v, item, choice, skew)
                .map(|q| Answer::Quote(Box::new(q)))
                .ok_or_else(bad),
            Request::Commit(_) => Ok(Answer::Committed(text)),
            Request::CancelScheduled { .. } => Ok(Answer::Cancelled),
        },
        Err(e) => {
            let mut f = Failure::new(e.status, ErrorCode::parse(&e.code));
            f.retry_after = e.retry_after;
            if f.code == ErrorCode::QuoteChanged {
                f.fresh =
                    answers::confirmable(&prop(&e.body, "quote"), item, choice, skew).map(Box::new);
            }
            Err(f)
        }
    }
}

impl Widget {
    /// Builds the Intl formatters for the summary's currency.
    pub(super) fn formatter(&mut self, currency: &str) -> Result<(), Failure> {
        let Some(opts) = self.opts.as_ref() else {
            return Err(Failure::new(0, ErrorCode::InvalidOptions));
        };
        match Formatter::new(&opts.locale, currency, &opts.currency_display) {
            Ok(f) => {
                // `lang` names the language of the texts, not of the formats.
                let lang = crate::widget::view::i18n::text_lang(&opts.locale);
                crate::widget::view::dom::attr(&self.view.root, "lang", lang);
                // Typed counts may use the grouping the widget shows (docs/widget.md).
                self.model.group = f.integer(1_000_000).chars().find(|c| !c.is_ascii_digit());
                self.fmt = Some(f);
                Ok(())
            }
            Err(_) => {
                web_sys::console::error_1(
                    &"seatquote: option `locale` is not a valid locale".into(),
                );
                Err(Failure::new(0, ErrorCode::InvalidOptions))
            }
        }
    }
}

/// Appends `/items/{runningNumber}/{action}`, or `/items/{action}` for running number 0
/// (an add-on: a new item) (docs/proxy.md, "API").
fn item_path(path: &mut String, running_number: u32, action: &str) {
    path.push_str("/items/");
    if running_number != 0 {
        seatquote_core::text::push_u32(path, running_number);
        path.push('/');
    }
    path.push_str(action);
}

//! The proxy client: JSON over `fetch` with a bearer token (from the merchant's option or
//! `getToken()` callback; the model asks for a fresh one once after a 401), abortable
//! through `AbortSignal`.
//! Errors are the proxy's problem documents reduced to a status, a code and the body (the
//! problem's `detail` is never shown: the widget words its errors from its own catalogue).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Function, JSON};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{AbortSignal, Element, RequestInit, Response};

use super::promise::{later, settled};
use crate::js_value::obj;
use crate::widget::view::dom::{prop, prop_str};

/// A failed call: HTTP status (0 without an answer), a machine code and the parsed body (a
/// `quote_changed` problem carries a fresh quote there).
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status, or 0 for a network failure or an abort.
    pub status: u16,
    /// The problem's `code` (or one derived from the status).
    pub code: String,
    /// The parsed JSON body (undefined when there was none).
    pub body: JsValue,
    /// `Retry-After` in seconds, when the answer had one.
    pub retry_after: Option<u32>,
}

impl ApiError {
    /// An error without an HTTP answer.
    pub fn local(code: &str) -> Self {
        Self {
            status: 0,
            code: code.to_owned(),
            body: JsValue::UNDEFINED,
            retry_after: None,
        }
    }

    /// Whether the request was aborted on purpose (a newer one replaced it).
    pub fn is_abort(&self) -> bool {
        self.code == "aborted"
    }
}

/// Where the customer token comes from.
pub enum Auth {
    /// A fixed token (option or attribute).
    Token(String),
    /// The merchant's `getToken(refresh)` (may return a promise).
    Callback(Function),
    /// A `<seat-quote>` element: its `getToken` property, else its `token` attribute,
    /// read at call time.
    Element(Element),
}

/// One request to the proxy.
pub struct Call {
    /// `GET`, `POST` or `DELETE`.
    pub method: &'static str,
    /// The path under the API base.
    pub path: String,
    /// The JSON body, if any.
    pub body: Option<JsValue>,
    /// The `Idempotency-Key`, if any.
    pub idempotency_key: Option<String>,
    /// Aborts the request (and makes its outcome `aborted`).
    pub signal: Option<AbortSignal>,
    /// Ask the merchant's `getToken(true)` for a fresh token first (after a 401).
    pub refresh: bool,
}

/// What a request's outcome goes to: the parsed answer with its text, or the error.
pub type Done = Box<dyn FnOnce(Result<(JsValue, String), ApiError>)>;

/// A proxy client for one widget (cheap to clone into callbacks).
#[derive(Clone)]
pub struct Client {
    base: Rc<str>,
    auth: Rc<Auth>,
    token: Rc<RefCell<Option<String>>>,
    /// The server's clock minus ours in ms, from the last answer's `Date` header (NaN
    /// when unknown, e.g. a cross-origin proxy that does not expose it).
    skew: Rc<Cell<f64>>,
}

impl Client {
    /// A client for the proxy at `base` (`""` is the page's origin).
    pub fn new(base: &str, auth: Auth) -> Self {
        Self {
            base: base.trim_end_matches('/').into(),
            auth: Rc::new(auth),
            token: Rc::new(RefCell::new(None)),
            skew: Rc::new(Cell::new(f64::NAN)),
        }
    }

    /// How far the server's clock runs ahead of ours in ms, for converting the proxy's
    /// `expiresAt` into a local deadline. `Date` has whole-second precision, so a
    /// difference within 2 s counts as none; unknown also counts as none.
    pub fn skew(&self) -> f64 {
        let s = self.skew.get();
        if s.is_finite() && s.abs() > 2000.0 {
            s
        } else {
            0.0
        }
    }

    /// The customer token, or what the merchant's `getToken(refresh)` returned (perhaps a
    /// promise; undefined when it threw, which reads as no token).
    fn token_source(&self, refresh: bool) -> JsValue {
        if !refresh {
            if let Some(t) = self.token.borrow().as_deref() {
                return JsValue::from_str(t);
            }
        }
        let call = |f: &Function, this: &JsValue| {
            f.call1(this, &JsValue::from_bool(refresh))
                .unwrap_or(JsValue::UNDEFINED)
        };
        match &*self.auth {
            Auth::Token(t) => JsValue::from_str(t),
            Auth::Callback(f) => call(f, &JsValue::NULL),
            Auth::Element(e) => {
                let f = prop(e, "getToken");
                if let Some(f) = f.dyn_ref::<Function>() {
                    call(f, e)
                } else {
                    e.get_attribute("token")
                        .map(JsValue::from)
                        .unwrap_or_default()
                }
            }
        }
    }

    /// Sends a JSON request (on the microtask queue, outside the caller's borrows) and
    /// hands `done` the parsed answer with its text, or the error. `call.refresh` first
    /// asks the merchant's `getToken(true)` for a fresh token (the model resends a request
    /// once that way after a 401).
    pub fn json(&self, call: Call, done: Done) {
        let client = self.clone();
        later(Box::new(move || {
            let body = match &call.body {
                Some(b) => match JSON::stringify(b).ok().and_then(|s| s.as_string()) {
                    Some(s) => Some(s),
                    None => return done(Err(ApiError::local("invalid_input"))),
                },
                None => None,
            };
            let source = client.token_source(call.refresh);
            settled(
                &source,
                Box::new(move |v| {
                    let Some(token) = v.as_string().filter(|t| !t.is_empty()) else {
                        return done(Err(ApiError::local(client.no_token_code())));
                    };
                    *client.token.borrow_mut() = Some(token.clone());
                    client.once(&call, body.as_deref(), &token, done);
                }),
            );
        }));
    }

    /// Why a request has no token: a `<seat-quote>` with neither a `getToken` property
    /// nor a `token` attribute is a setup mistake (`token_source_missing`, named in one
    /// `console.error`); otherwise the merchant's source gave none (`unauthorized`).
    fn no_token_code(&self) -> &'static str {
        match &*self.auth {
            Auth::Element(e) if !prop(e, "getToken").is_function() && !e.has_attribute("token") => {
                web_sys::console::error_1(&JsValue::from_str(
                    "seatquote: <seat-quote> has no token source: set its `getToken` property \
                     (a function returning the customer token) or its `token` attribute",
                ));
                "token_source_missing"
            }
            _ => "unauthorized",
        }
    }

    /// Whether the token source can give a fresh token after a 401.
    pub fn refreshable(&self) -> bool {
        !matches!(*self.auth, Auth::Token(_))
    }

    fn once(&self, call: &Call, body: Option<&str>, token: &str, done: Done) {
        // The init and its headers as plain objects (what `fetch` takes), not `Headers` and
        // `RequestInit`: fewer imported methods in the module and its JS glue.
        let mut bearer = String::from("Bearer ");
        bearer.push_str(token);
        let mut headers = vec![
            ("Authorization", JsValue::from(bearer)),
            ("Accept", "application/json".into()),
        ];
        if let Some(k) = &call.idempotency_key {
            headers.push(("Idempotency-Key", k.as_str().into()));
        }
        let mut init = vec![("method", JsValue::from_str(call.method))];
        if let Some(b) = body {
            headers.push(("Content-Type", "application/json".into()));
            init.push(("body", b.into()));
        }
        init.push(("headers", obj(&headers)));
        if let Some(s) = &call.signal {
            init.push(("signal", s.into()));
        }
        let init: RequestInit = obj(&init).unchecked_into();
        let mut url = String::with_capacity(self.base.len() + call.path.len());
        url.push_str(&self.base);
        url.push_str(&call.path);
        let Some(window) = web_sys::window() else {
            return done(Err(ApiError::local("network")));
        };
        let client = self.clone();
        let signal = call.signal.clone();
        settled(
            &window.fetch_with_str_and_init(&url, &init),
            Box::new(move |v| {
                let aborted = move || signal.is_some_and(|s| s.aborted());
                let Ok(resp) = v.dyn_into::<Response>() else {
                    return done(Err(ApiError::local(if aborted() {
                        "aborted"
                    } else {
                        "network"
                    })));
                };
                client.read_date(&resp);
                let finish = move |resp: Response, text: Option<String>| {
                    done(if aborted() {
                        Err(ApiError::local("aborted"))
                    } else {
                        outcome(&resp, text)
                    })
                };
                match resp.text() {
                    Ok(p) => settled(&p, Box::new(move |t| finish(resp, t.as_string()))),
                    Err(_) => finish(resp, None),
                }
            }),
        );
    }

    /// Notes the clock skew from the answer's `Date` header.
    fn read_date(&self, resp: &Response) {
        if let Ok(Some(date)) = resp.headers().get("Date") {
            let server = js_sys::Date::parse(&date);
            if server.is_finite() {
                self.skew.set(server - js_sys::Date::now());
            }
        }
    }
}

/// Reads an answer and its text into the parsed body and text, or the problem it reports.
fn outcome(resp: &Response, text: Option<String>) -> Result<(JsValue, String), ApiError> {
    let parsed = text
        .as_deref()
        .and_then(|t| JSON::parse(t).ok())
        .unwrap_or(JsValue::UNDEFINED);
    let status = resp.status();
    // `Response.ok`, without importing it.
    if (200..300).contains(&status) {
        return match text {
            Some(t) if parsed.is_object() => Ok((parsed, t)),
            _ => Err(ApiError {
                status,
                code: "upstream_error".into(),
                body: JsValue::UNDEFINED,
                retry_after: None,
            }),
        };
    }
    let retry_after = resp
        .headers()
        .get("Retry-After")
        .ok()
        .flatten()
        .and_then(|v| crate::widget::model::read_u32(v.trim()));
    let code = prop_str(&parsed, "code").unwrap_or_else(|| {
        match status {
            401 => "unauthorized",
            403 => "forbidden",
            404 => "not_found",
            429 | 503 => "upstream_unavailable",
            504 => "upstream_timeout",
            500..=599 => "upstream_error",
            _ => "error",
        }
        .to_owned()
    });
    Err(ApiError {
        status,
        code,
        body: parsed,
        retry_after,
    })
}

//! The proxy client: JSON over `fetch` with a bearer token (from the merchant's option or
//! `getToken()` callback; the model asks for a fresh one once after a 401), abortable
//! through `AbortSignal`.
//! Errors are the proxy's problem documents reduced to a status, a code and the body (the
//! problem's `detail` is never shown: the widget words its errors from its own catalogue).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::{Function, Promise, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Element, RequestInit, Response};

use super::dom::{prop, prop_str};
use crate::js_value::obj;

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

/// A proxy client for one widget (cheap to clone into async tasks).
#[derive(Clone)]
pub struct Client {
    base: Rc<str>,
    auth: Rc<Auth>,
    token: Rc<RefCell<Option<String>>>,
    /// The server's clock minus ours in ms, from the last answer's `Date` header (NaN
    /// when unknown, e.g. a cross-origin proxy that does not expose it).
    skew: Rc<Cell<f64>>,
}

async fn settle(v: JsValue) -> Result<JsValue, JsValue> {
    if v.is_instance_of::<Promise>() {
        JsFuture::from(Promise::from(v)).await
    } else {
        Ok(v)
    }
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

    async fn token(&self, refresh: bool) -> Result<String, ApiError> {
        if !refresh {
            if let Some(t) = self.token.borrow().clone() {
                return Ok(t);
            }
        }
        let call = |f: &Function, this: &JsValue| {
            f.call1(this, &JsValue::from_bool(refresh))
                .map_err(|_| ApiError::local("unauthorized"))
        };
        let value = match &*self.auth {
            Auth::Token(t) => JsValue::from_str(t),
            Auth::Callback(f) => call(f, &JsValue::NULL)?,
            Auth::Element(e) => {
                let f = prop(e, "getToken");
                if let Some(f) = f.dyn_ref::<Function>() {
                    call(f, e)?
                } else {
                    e.get_attribute("token")
                        .map(JsValue::from)
                        .unwrap_or_default()
                }
            }
        };
        let token = settle(value)
            .await
            .ok()
            .and_then(|v| v.as_string())
            .filter(|t| !t.is_empty())
            .ok_or_else(|| ApiError::local("unauthorized"))?;
        *self.token.borrow_mut() = Some(token.clone());
        Ok(token)
    }

    /// Sends a JSON request to `path` (under the API base) and returns the parsed answer
    /// with its text. `refresh` first asks the merchant's `getToken(true)` for a fresh
    /// token (the model resends a request once that way after a 401).
    pub async fn json(
        &self,
        method: &str,
        path: &str,
        body: Option<&JsValue>,
        idempotency_key: Option<&str>,
        signal: Option<&AbortSignal>,
        refresh: bool,
    ) -> Result<(JsValue, String), ApiError> {
        let body = match body {
            Some(b) => Some(
                JSON::stringify(b)
                    .ok()
                    .and_then(|s| s.as_string())
                    .ok_or_else(|| ApiError::local("invalid_input"))?,
            ),
            None => None,
        };
        let token = self.token(refresh).await?;
        self.once(
            method,
            path,
            body.as_deref(),
            &token,
            idempotency_key,
            signal,
        )
        .await
    }

    /// Whether the token source can give a fresh token after a 401.
    pub fn refreshable(&self) -> bool {
        !matches!(*self.auth, Auth::Token(_))
    }

    async fn once(
        &self,
        method: &str,
        path: &str,
        body: Option<&str>,
        token: &str,
        idempotency_key: Option<&str>,
        signal: Option<&AbortSignal>,
    ) -> Result<(JsValue, String), ApiError> {
        // The init and its headers as plain objects (what `fetch` takes), not `Headers` and
        // `RequestInit`: fewer imported methods in the module and its JS glue.
        let mut bearer = String::from("Bearer ");
        bearer.push_str(token);
        let mut headers = vec![
            ("Authorization", JsValue::from(bearer)),
            ("Accept", "application/json".into()),
        ];
        if let Some(k) = idempotency_key {
            headers.push(("Idempotency-Key", k.into()));
        }
        let mut init = vec![("method", JsValue::from_str(method))];
        if let Some(b) = body {
            headers.push(("Content-Type", "application/json".into()));
            init.push(("body", b.into()));
        }
        init.push(("headers", obj(&headers)));
        if let Some(s) = signal {
            init.push(("signal", s.into()));
        }
        let init: RequestInit = obj(&init).unchecked_into();
        let mut url = String::with_capacity(self.base.len() + path.len());
        url.push_str(&self.base);
        url.push_str(path);
        let window = web_sys::window().ok_or_else(|| ApiError::local("network"))?;
        let aborted = || signal.is_some_and(|s| s.aborted());
        let resp = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
            .await
            .map_err(|_| {
                if aborted() {
                    ApiError::local("aborted")
                } else {
                    ApiError::local("network")
                }
            })?;
        let resp: Response = resp.unchecked_into();
        if let Ok(Some(date)) = resp.headers().get("Date") {
            let server = js_sys::Date::parse(&date);
            if server.is_finite() {
                self.skew.set(server - js_sys::Date::now());
            }
        }
        let text = match resp.text() {
            Ok(p) => JsFuture::from(p).await.ok().and_then(|t| t.as_string()),
            Err(_) => None,
        };
        if aborted() {
            return Err(ApiError::local("aborted"));
        }
        let parsed = text
            .as_deref()
            .and_then(|t| JSON::parse(t).ok())
            .unwrap_or(JsValue::UNDEFINED);
        let status = resp.status();
        if resp.ok() {
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
            .and_then(|v| v.trim().parse::<u32>().ok());
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
}

//! Mount options from the three embeds: a `mount()` options object, `data-*` attributes
//! (script-tag auto-mount) or `<seat-quote>` attributes. Validation names the option.

use js_sys::Function;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::Element;

use super::api::Auth;
use crate::widget::view::dom::prop;

/// Validated options.
pub struct Options {
    /// Proxy base URL (`""` = same origin).
    pub api_base: String,
    /// Subscription id (`S…`).
    pub subscription: String,
    /// Running number of the item, when the merchant fixes it.
    pub item: Option<u32>,
    /// BCP 47 locale for texts and Intl.
    pub locale: String,
    /// Intl `currencyDisplay`.
    pub currency_display: String,
    /// Merchant text overrides (`{ key: "text" }`).
    pub messages: JsValue,
}

/// A bad option: which one and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptionError {
    /// The option's name as the embed spells it.
    pub option: String,
    /// What is wrong.
    pub message: &'static str,
}

/// Where options are read from.
pub enum Source<'a> {
    /// `mount(element, options)`.
    Object(&'a JsValue),
    /// `data-*` attributes of an auto-mounted element.
    Data(&'a Element),
    /// Attributes of a `<seat-quote>` element.
    Attributes(&'a Element),
}

const DISPLAYS: [&str; 4] = ["symbol", "narrowSymbol", "code", "name"];

fn kebab(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('-');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

impl Source<'_> {
    /// The option's name as this embed spells it.
    pub fn name(&self, camel: &str) -> String {
        match self {
            Source::Object(_) => camel.to_owned(),
            Source::Data(_) => {
                let mut s = String::from("data-");
                s.push_str(&kebab(camel));
                s
            }
            Source::Attributes(_) => kebab(camel),
        }
    }

    fn raw(&self, camel: &str) -> JsValue {
        match self {
            Source::Object(o) => prop(o, camel),
            Source::Data(e) | Source::Attributes(e) => e
                .get_attribute(&self.name(camel))
                .map(JsValue::from)
                .unwrap_or(JsValue::UNDEFINED),
        }
    }
}

fn default_locale() -> String {
    let doc_lang = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.document_element())
        .and_then(|e| e.get_attribute("lang"))
        .filter(|l| !l.is_empty());
    doc_lang
        .or_else(|| web_sys::window().and_then(|w| w.navigator().language()))
        .unwrap_or_else(|| "en-US".to_owned())
}

/// The locale for texts even when the options are bad (so the setup error is in the
/// page's language): the `locale` option if it is a string, else the default.
pub fn locale_hint(src: &Source<'_>) -> String {
    src.raw("locale")
        .as_string()
        .filter(|l| !l.is_empty())
        .unwrap_or_else(default_locale)
}

fn is_subscription_id(s: &str) -> bool {
    let digits = s.strip_prefix('S').unwrap_or(s);
    !digits.is_empty() && digits.len() <= 20 && digits.bytes().all(|b| b.is_ascii_digit())
}

/// Reads and validates the options and the token source.
pub fn read(src: &Source<'_>, host: &Element) -> Result<(Options, Auth), OptionError> {
    if let Source::Object(o) = src {
        if !o.is_object() {
            return Err(OptionError {
                option: "options".into(),
                message: "must be an object",
            });
        }
    }
    let bad = |camel: &str, message: &'static str| OptionError {
        option: src.name(camel),
        message,
    };
    let string = |camel: &str| -> Result<Option<String>, OptionError> {
        let v = src.raw(camel);
        if v.is_undefined() || v.is_null() {
            Ok(None)
        } else {
            v.as_string()
                .map(Some)
                .ok_or_else(|| bad(camel, "must be a string"))
        }
    };

    let mut subscription = string("subscription")?;
    if subscription.is_none() {
        if let Source::Data(e) = src {
            subscription = e.get_attribute("data-seatquote").filter(|s| !s.is_empty());
        }
    }
    let subscription = subscription.map(|s| s.trim().to_owned()).ok_or_else(|| {
        bad(
            "subscription",
            "is required (a subscription id such as S68841753)",
        )
    })?;
    if !is_subscription_id(&subscription) {
        return Err(bad(
            "subscription",
            "must be a subscription id such as S68841753",
        ));
    }

    let api_base = string("apiBase")?.unwrap_or_default();
    if !(api_base.is_empty()
        || api_base.starts_with('/')
        || api_base.starts_with("https://")
        || api_base.starts_with("http://"))
        || api_base.chars().any(char::is_whitespace)
    {
        return Err(bad(
            "apiBase",
            "must be an http(s) URL or a path starting with /",
        ));
    }

    let item_raw = src.raw("item");
    let item = if item_raw.is_undefined() || item_raw.is_null() {
        None
    } else {
        let n = match item_raw.as_string() {
            Some(s) => crate::widget::model::read_u32(s.trim()),
            None if js_sys::Number::is_safe_integer(&item_raw) => item_raw
                .as_f64()
                .filter(|n| *n >= 1.0 && *n <= 1e9)
                .map(|n| n as u32),
            None => None,
        };
        Some(
            n.filter(|n| *n >= 1)
                .ok_or_else(|| bad("item", "must be a running number (1, 2, …)"))?,
        )
    };

    let locale = string("locale")?
        .filter(|l| !l.is_empty())
        .unwrap_or_else(default_locale);
    let currency_display = string("currencyDisplay")?.unwrap_or_else(|| "symbol".to_owned());
    if !DISPLAYS.contains(&currency_display.as_str()) {
        return Err(bad(
            "currencyDisplay",
            "must be symbol, narrowSymbol, code or name",
        ));
    }

    let messages = match src {
        Source::Object(o) => prop(o, "messages"),
        Source::Attributes(e) | Source::Data(e) => prop(e, "messages"),
    };
    if !(messages.is_undefined() || messages.is_null() || messages.is_object()) {
        return Err(bad("messages", "must be an object of texts"));
    }

    let auth = match src {
        Source::Object(o) => {
            let f = prop(o, "getToken");
            if let Some(f) = f.dyn_ref::<Function>() {
                Auth::Callback(f.clone())
            } else if !f.is_undefined() {
                return Err(bad("getToken", "must be a function"));
            } else {
                match string("token")? {
                    Some(t) if !t.is_empty() => Auth::Token(t),
                    _ => return Err(bad("token", "give token or getToken()")),
                }
            }
        }
        Source::Data(e) => {
            if let Some(name) = e.get_attribute("data-get-token") {
                let f = prop(&js_sys::global(), &name);
                match f.dyn_into::<Function>() {
                    Ok(f) => Auth::Callback(f),
                    Err(_) => return Err(bad("getToken", "must name a global function")),
                }
            } else {
                match string("token")? {
                    Some(t) if !t.is_empty() => Auth::Token(t),
                    _ => return Err(bad("token", "give data-token or data-get-token")),
                }
            }
        }
        Source::Attributes(_) => Auth::Element(host.clone()),
    };

    Ok((
        Options {
            api_base,
            subscription,
            item,
            locale,
            currency_display,
            messages,
        },
        auth,
    ))
}

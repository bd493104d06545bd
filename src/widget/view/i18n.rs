//! Text catalogues (English, German, French) and merchant overrides.
//!
//! Templates carry `{name}` placeholders filled by [`Messages::fill`]. A merchant overrides
//! any key through the `messages` option (`{ confirm: "Buy now" }`); the values are text
//! and are only ever inserted as text.
//!
//! Each catalogue is written below as `key: "text"` lines, but compiled to one string of
//! texts in key order (each ended by a line feed) and the keys are stored once, in
//! [`KEYS`]: no table of key/text pointers per language in the wasm module. A compile-time
//! check makes every catalogue list the same keys in the same order.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

/// One language's texts: one per key of [`KEYS`], in that order, each ended by `\n`.
#[derive(Clone, Copy)]
pub struct Catalogue(&'static str);

impl Catalogue {
    /// Every `(key, text)` pair, in key order.
    pub fn iter(self) -> impl Iterator<Item = (&'static str, &'static str)> {
        KEYS.iter().copied().zip(self.0.split_terminator('\n'))
    }

    /// The text for `key`, if the catalogues define that key.
    pub fn get(self, key: &str) -> Option<&'static str> {
        let index = KEYS.iter().position(|k| *k == key)?;
        let mut rest = self.0;
        for _ in 0..index {
            rest = rest.split_once('\n')?.1;
        }
        rest.split_once('\n').map(|(text, _)| text)
    }
}

/// Whether `keys` are exactly [`KEYS`], in order (evaluated at compile time).
const fn same_keys(keys: &[&str]) -> bool {
    if keys.len() != KEYS.len() {
        return false;
    }
    let mut i = 0;
    while i < keys.len() {
        let (a, b) = (keys[i].as_bytes(), KEYS[i].as_bytes());
        if a.len() != b.len() {
            return false;
        }
        let mut j = 0;
        while j < a.len() {
            if a[j] != b[j] {
                return false;
            }
            j += 1;
        }
        i += 1;
    }
    true
}

/// How many line feeds `text` holds (evaluated at compile time: one per text, so no text
/// may contain a line feed of its own).
const fn line_feeds(text: &str) -> usize {
    let (bytes, mut i, mut n) = (text.as_bytes(), 0, 0);
    while i < bytes.len() {
        if bytes[i] == b'\n' {
            n += 1;
        }
        i += 1;
    }
    n
}

/// Defines a catalogue from `key: "text",` lines (`keys` first: the catalogue that defines
/// [`KEYS`]).
macro_rules! catalogue {
    (keys $(#[$doc:meta])* $name:ident { $($key:ident: $text:literal,)* }) => {
        /// Every text key, in catalogue order (the English catalogue's order).
        pub const KEYS: &[&str] = &[$(stringify!($key)),*];
        catalogue!($(#[$doc])* $name { $($key: $text,)* });
    };
    ($(#[$doc:meta])* $name:ident { $($key:ident: $text:literal,)* }) => {
        $(#[$doc])*
        pub const $name: Catalogue = {
            assert!(
                same_keys(&[$(stringify!($key)),*]),
                concat!(stringify!($name), " must list the keys of KEYS, in that order")
            );
            let texts = concat!($($text, "\n"),*);
            assert!(line_feeds(texts) == KEYS.len(), "a text contains a line feed");
            Catalogue(texts)
        };
    };
}

mod texts;
pub use texts::{DE, EN, FR, KEYS};

/// Whether `locale`'s language subtag (up to its first `-` or `_`) is the two letters of
/// `lang`, in any case. (Bytes: splitting by a char set brings a multi-char searcher into
/// the wasm module.)
fn is_lang(locale: &str, lang: &str) -> bool {
    let b = locale.as_bytes();
    b.len() >= 2
        && b[..2].eq_ignore_ascii_case(lang.as_bytes())
        && matches!(b.get(2), None | Some(b'-' | b'_'))
}

/// The catalogue for a BCP 47 locale (by language), with English as the fallback.
pub fn catalogue(locale: &str) -> Catalogue {
    if is_lang(locale, "de") {
        DE
    } else if is_lang(locale, "fr") {
        FR
    } else {
        EN
    }
}

/// The language of the texts shown for `locale` (the root's `lang`): the locale itself
/// when its language has a catalogue, `en` when the texts fall back to English (formats
/// still follow the locale).
pub fn text_lang(locale: &str) -> &str {
    let has_catalogue = ["en", "de", "fr"].iter().any(|l| is_lang(locale, l));
    if has_catalogue {
        locale
    } else {
        "en"
    }
}

/// The widget's texts: a catalogue plus merchant overrides.
pub struct Messages {
    table: Catalogue,
    overrides: Vec<(String, String)>,
}

impl Messages {
    /// Messages for `locale`, with overrides read from a plain `{ key: "text" }` object
    /// (non-string values are ignored).
    pub fn new(locale: &str, overrides: &JsValue) -> Self {
        let mut list = Vec::new();
        if overrides.is_object() {
            let o: &Object = overrides.unchecked_ref_object();
            for key in Object::keys(o).iter() {
                if let (Some(k), Some(v)) = (
                    key.as_string(),
                    Reflect::get(o, &key).ok().and_then(|v| v.as_string()),
                ) {
                    list.push((k, v));
                }
            }
        }
        Self {
            table: catalogue(locale),
            overrides: list,
        }
    }

    /// The text for `key` (override, then the locale's catalogue; an unknown key is
    /// returned as it is).
    pub fn get<'a>(&'a self, key: &'a str) -> &'a str {
        if let Some((_, v)) = self.overrides.iter().find(|(k, _)| k == key) {
            return v;
        }
        self.table.get(key).unwrap_or(key)
    }

    /// The text for `key` with `{name}` placeholders replaced.
    pub fn fill(&self, key: &str, args: &[(&str, &str)]) -> String {
        fill(self.get(key), args)
    }

    /// "1 seat" / "3 seats" with the count already formatted.
    pub fn seats(&self, n: u32, formatted: &str) -> String {
        self.fill(
            if n == 1 { "seats_one" } else { "seats_other" },
            &[("n", formatted)],
        )
    }
}

/// Replaces each `{name}` in `template` by its value. (`split_once`, not string indexing:
/// no slicing panic, so no panic message formatting, in the widget's module.)
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some((before, after)) = rest.split_once('{') {
        out.push_str(before);
        match after.split_once('}') {
            Some((name, tail)) => {
                match args.iter().find(|(k, _)| *k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = tail;
            }
            None => {
                out.push('{');
                out.push_str(after);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

trait AsObject {
    fn unchecked_ref_object(&self) -> &Object;
}

impl AsObject for JsValue {
    fn unchecked_ref_object(&self) -> &Object {
        wasm_bindgen::JsCast::unchecked_ref(self)
    }
}

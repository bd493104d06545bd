//! The widget's stylesheet, adopted into the shadow root as a constructable stylesheet
//! (a `<style>` element would be blocked by a strict `style-src 'self'` CSP).

use std::cell::RefCell;

use wasm_bindgen::JsValue;
use web_sys::{CssStyleSheet, ShadowRoot};

/// Theming: `--seatquote-accent`, `--seatquote-accent-text`, `--seatquote-font`,
/// `--seatquote-radius`, `--seatquote-bg`, `--seatquote-fg`, `--seatquote-muted`,
/// `--seatquote-border`, `--seatquote-error`, `--seatquote-success`, and `-dark-`
/// variants of the colours (`--seatquote-dark-bg` …) used under `prefers-color-scheme: dark`.
/// (Written one rule per line; the line feeds are dropped at compile time.)
pub const CSS: &str = match std::str::from_utf8(&STRIPPED) {
    Ok(css) => css,
    Err(_) => panic!("the stylesheet is UTF-8 with its line feeds dropped"),
};

const STRIPPED: [u8; SOURCE.len() - line_feeds(SOURCE)] = without_line_feeds(SOURCE);

/// How many line feeds `text` holds.
const fn line_feeds(text: &str) -> usize {
    let (bytes, mut i, mut n) = (text.as_bytes(), 0, 0);
    while i < bytes.len() {
        n += (bytes[i] == b'\n') as usize;
        i += 1;
    }
    n
}

/// `text` without its line feeds (`N` is its length without them).
const fn without_line_feeds<const N: usize>(text: &str) -> [u8; N] {
    let (bytes, mut out, mut i, mut j) = (text.as_bytes(), [0u8; N], 0, 0);
    while i < bytes.len() {
        if bytes[i] != b'\n' {
            out[j] = bytes[i];
            j += 1;
        }
        i += 1;
    }
    out
}

const SOURCE: &str = r#"
:host{all:initial;display:block;contain:content;
--_accent:var(--seatquote-accent,#1d4ed8);--_accent-text:var(--seatquote-accent-text,#fff);
--_bg:var(--seatquote-bg,#fff);--_fg:var(--seatquote-fg,#111827);--_muted:var(--seatquote-muted,#4b5563);
--_border:var(--seatquote-border,#d1d5db);--_error:var(--seatquote-error,#b91c1c);--_success:var(--seatquote-success,#166534);
--_radius:var(--seatquote-radius,10px);--_track:var(--seatquote-track,#e5e7eb);
font-family:var(--seatquote-font,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif);font-size:16px;line-height:1.45;color:var(--_fg);color-scheme:light;accent-color:var(--_accent)}
@media (prefers-color-scheme:dark){:host{
--_accent:var(--seatquote-dark-accent,#93c5fd);--_accent-text:var(--seatquote-dark-accent-text,#0b1220);
--_bg:var(--seatquote-dark-bg,#111827);--_fg:var(--seatquote-dark-fg,#f3f4f6);--_muted:var(--seatquote-dark-muted,#d1d5db);
--_border:var(--seatquote-dark-border,#4b5563);--_error:var(--seatquote-dark-error,#fca5a5);--_success:var(--seatquote-dark-success,#86efac);--_track:var(--seatquote-dark-track,#374151);color-scheme:dark}}
:host([hidden]){display:none}
[hidden]{display:none!important}
*{box-sizing:border-box}
.root{background:var(--_bg);color:var(--_fg);border:1px solid var(--_border);border-radius:var(--_radius);padding:clamp(12px,4vw,20px);max-width:34rem;overflow-wrap:anywhere;hyphens:auto}
.root:has(>.loading:not([hidden])){min-height:var(--seatquote-reserve,23rem)}
p{margin:0 0 8px}
.header{font-weight:600;font-size:1.1em;margin:0}
.current,.hint,.days,.period,.mode-hint{color:var(--_muted);font-size:.9em}
.row{display:flex;gap:8px;align-items:center;flex-wrap:wrap;margin:12px 0}
.row>*,.due-head>*,.consent>label{min-width:0}
select{max-width:100%}
label{font-weight:600}
.stepper{display:inline-flex;align-items:stretch;border:1px solid var(--_border);border-radius:var(--_radius);overflow:hidden}
.stepper button{min-width:44px;min-height:44px;font:inherit;font-size:1.25em;background:var(--_bg);color:var(--_fg);border:0;cursor:pointer}
.stepper button:disabled{opacity:.45;cursor:not-allowed}
.stepper input{width:5ch;text-align:center;font:inherit;font-weight:600;border:0;border-left:1px solid var(--_border);border-right:1px solid var(--_border);background:var(--_bg);color:var(--_fg)}
input[aria-invalid=true]{outline:2px solid var(--_error)}
select{font:inherit;padding:6px;border:1px solid var(--_border);border-radius:6px;background:var(--_bg);color:var(--_fg)}
.line{font-size:1.05em}
.tax{color:var(--_muted)}
fieldset{border:1px solid var(--_border);border-radius:var(--_radius);margin:12px 0;padding:8px 12px}
legend{font-weight:600;padding:0 4px}
.mode{display:grid;grid-template-columns:auto minmax(0,1fr);column-gap:.5em;align-items:start;margin:6px 0;font-weight:400}
.mode input{margin:.25em 0 0}
.mode-hint{grid-column:2}
.summary{border-top:1px solid var(--_border);margin-top:12px;padding-top:12px}
.due-head{display:flex;justify-content:space-between;align-items:center;flex-wrap:wrap;gap:4px 8px}
.badge{font-size:.8em;font-weight:600;border-radius:999px;padding:2px 10px;border:1px solid currentColor;color:var(--_muted)}
.badge.verified{color:var(--_success)}
.timeline{display:block;width:100%;height:28px;margin:8px 0 2px}
.track{fill:var(--_track)}.share{fill:var(--_accent)}.today{fill:var(--_fg)}
.period{display:flex;justify-content:space-between}
dl{display:grid;grid-template-columns:1fr auto;gap:2px 16px;margin:8px 0}
dt{color:var(--_muted)}dd{margin:0;text-align:right;font-variant-numeric:tabular-nums}
.total{font-weight:700;color:var(--_fg)}
.next{font-weight:600}
.notice{border-left:4px solid var(--_error);padding:6px 10px;margin:10px 0;color:var(--_fg)}
.notice.info{border-color:var(--_accent)}
.consent label{font-weight:400}
.consent{display:flex;gap:10px;align-items:flex-start;margin:14px 0;font-weight:400}
.consent input{width:20px;height:20px;margin-top:2px;flex:none}
button{font:inherit}
.confirm,.action{background:var(--_accent);color:var(--_accent-text);border:0;border-radius:var(--_radius);padding:10px 18px;font-weight:600;cursor:pointer;min-height:44px}
.confirm:disabled,.confirm[aria-disabled=true]{opacity:.5;cursor:not-allowed}
.action.secondary{background:transparent;color:var(--_fg);border:1px solid var(--_border)}
.error{color:var(--_fg);border-left:4px solid var(--_error);padding:6px 10px}
.success{border-left:4px solid var(--_success);padding:6px 10px}
:focus-visible{outline:3px solid var(--_accent);outline-offset:2px}
.stepper :focus-visible{outline-offset:-3px}
.sr-only{position:absolute;width:1px;height:1px;margin:-1px;padding:0;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap;border:0}
@media (forced-colors:active){.confirm,.action{border:2px solid ButtonText;background:ButtonFace;color:ButtonText}.confirm:not(:disabled):not([aria-disabled=true]){border-color:Highlight}.confirm:disabled,.confirm[aria-disabled=true]{color:GrayText;border-color:GrayText}}
@media (prefers-reduced-motion:no-preference){.share,.today{transition:x .2s ease,width .2s ease}.confirm{transition:opacity .15s}}
"#;

thread_local! {
    static SHEET: RefCell<Option<CssStyleSheet>> = const { RefCell::new(None) };
}

/// Adopts the (shared) stylesheet into `root`.
pub fn adopt(root: &ShadowRoot) -> Result<(), JsValue> {
    let sheet = SHEET.with(|s| -> Result<CssStyleSheet, JsValue> {
        if let Some(sheet) = s.borrow().as_ref() {
            return Ok(sheet.clone());
        }
        let sheet = CssStyleSheet::new()?;
        sheet.replace_sync(CSS)?;
        *s.borrow_mut() = Some(sheet.clone());
        Ok(sheet)
    })?;
    root.set_adopted_style_sheets(&js_sys::Array::of1(&sheet));
    Ok(())
}

// Which compiled engine `quote()` and `quoteMany()` call: one module per page.
// The widget's module carries the quote exports too, so when the widget entry
// (seatquote.js) is on the page it offers its module here and `init()` of the quote
// module uses it instead of downloading quote_bg.wasm. Otherwise the quote module's own
// engine is used (size-tuned in browsers, speed-tuned in Node). DESIGN.md, "One engine per page".

let engine;
let offered;

/** The engine in use (the wasm-bindgen module's exports), or undefined before init. */
export function current() {
  return engine;
}

/** Makes `exports` the engine (called once its module is instantiated). */
export function use(exports) {
  engine = exports;
}

/** The widget entry offers its module while it loads: `ready` resolves once it is usable. */
export function offer(ready) {
  offered = ready.then((exports) => {
    engine = exports;
    return exports;
  });
}

/** The widget's module as it loads or is loaded, if the widget entry is on the page. */
export function offeredEngine() {
  return offered;
}

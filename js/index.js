// seatquote: the quote module for browsers and bundlers.
//   import init, { quote } from 'seatquote';
//   await init();
//   quote({ currency: 'USD', ... });
// On a page that also loads the widget (seatquote/widget), init() uses the widget's
// module, so the page downloads one engine (DESIGN.md, "One engine per page").
import initQuote, { initSync as initQuoteSync } from './quote.js';
import * as quoteModule from './quote.js';
import { current, offeredEngine, use } from './engine.js';

/** Loads the engine (or uses the widget's, when it is on the page); resolves when `quote()` is ready. */
export default async function init(moduleOrPath) {
  if (current()) return current();
  const widget = offeredEngine();
  if (widget && moduleOrPath === undefined) return widget;
  await initQuote(moduleOrPath);
  use(quoteModule);
  return quoteModule;
}

/** Instantiates the quote module synchronously from its bytes (or uses the engine already loaded). */
export function initSync(module) {
  if (current()) return current();
  initQuoteSync(module);
  use(quoteModule);
  return quoteModule;
}

export { quote, quoteMany, QuoteError } from './quote-fast.js';

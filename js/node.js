// seatquote for Node 20+: the module is initialised synchronously at import, so
//   import { quote } from 'seatquote';
// is ready at once. `init()` is still exported (a no-op) for code shared with browsers.
import { readFileSync } from 'node:fs';
import { initSync } from './quote.js';

initSync({ module: readFileSync(new URL('./quote_bg.wasm', import.meta.url)) });

/** Already initialised in Node; resolves at once. */
export default async function init() {}
export { initSync };
export { quote, quoteMany, QuoteError } from './quote-fast.js';

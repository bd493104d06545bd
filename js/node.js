// seatquote for Node 20+: the module is initialised synchronously at import, so
//   import { quote } from 'seatquote';
// is ready at once. `init()` is still exported (a no-op) for code shared with browsers.
// Node gets the speed-tuned build of the engine (quote_speed_bg.wasm: same exports and
// imports as quote_bg.wasm, compiled for calls per second rather than bytes).
import { readFileSync } from 'node:fs';
import * as quoteModule from './quote.js';
import { use } from './engine.js';

quoteModule.initSync({ module: readFileSync(new URL('./quote_speed_bg.wasm', import.meta.url)) });
use(quoteModule);

/** Already initialised in Node; resolves at once. */
export default async function init() {}
/** Already initialised in Node; does nothing. */
export function initSync() {}
export { quote, quoteMany, QuoteError } from './quote-fast.js';

// Types of the `seatquote` quote module (browsers, bundlers and Node).
import type { Quote, QuoteInput, QuoteErrorCode } from './quote.js';

import type { InitInput, SyncInitInput } from './quote.js';
export type { Amounts, InitInput, InitOutput, Quote, QuoteErrorCode, QuoteInput, SyncInitInput } from './quote.js';

/**
 * Loads the engine; resolves when `quote()` is ready. On a page that has loaded the widget
 * entry (`seatquote/widget`), it uses the widget's module instead of downloading
 * `quote_bg.wasm` (one engine per page). In Node the engine is ready at import and this
 * resolves at once. The argument (where to find `quote_bg.wasm`) is rarely needed.
 */
export default function init(module_or_path?: { module_or_path: InitInput | Promise<InitInput> } | InitInput | Promise<InitInput>): Promise<unknown>;

/** Instantiates the engine synchronously from its bytes (or uses the engine already loaded). */
export declare function initSync(module: { module: SyncInitInput } | SyncInitInput): unknown;

/**
 * Prices a seat change: line totals, the amount due today (net, VAT, gross), the next
 * billing date and amount, and the update action. Exact decimal arithmetic; the rules,
 * with worked examples, are in the repository's docs/pricing.md.
 *
 * In a browser or bundler call `await init()` first; in Node the module is ready at import.
 *
 * @throws {QuoteError} with a stable `code` for any invalid input (never a crash).
 * @example
 * quote({ currency: 'USD', taxMode: 'gross', taxRate: '0.19',
 *   periodStart: '2025-11-13', nextBillingDate: '2026-11-13',
 *   interval: { months: 12, days: 0 }, changeDate: '2026-05-13',
 *   current: { unitPrice: '1200.00', quantity: 1 },
 *   next: { unitPrice: '1200.00', quantity: 2 }, alignment: 'immediate' }).alignment.gross; // "604.93"
 */
export declare function quote(input: QuoteInput): Quote;

/**
 * Prices many seat changes in one call (one crossing into the engine for the batch).
 * Returns the quotes in input order.
 *
 * @throws {QuoteError} the first invalid input's error (in input order), with `index` set.
 */
export declare function quoteMany(inputs: readonly QuoteInput[]): Quote[];

/** The error `quote()` and `quoteMany()` throw: a real `Error` with a stable machine code. */
export declare class QuoteError extends Error {
  constructor(code: QuoteErrorCode, message: string);
  /** What is wrong, stable across versions (match on this, not on `message`). */
  readonly code: QuoteErrorCode;
  /** `quoteMany()` only: the position of the input that failed. */
  index?: number;
  /** Always `"QuoteError"`. */
  name: 'QuoteError';
}

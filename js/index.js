// seatquote: the quote module for browsers and bundlers.
//   import init, { quote } from 'seatquote';
//   await init();
//   quote({ currency: 'USD', ... });
export { default, initSync } from './quote.js';
export { quote, quoteMany, QuoteError } from './quote-fast.js';

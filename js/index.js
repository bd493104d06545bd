// seatquote: the quote module for browsers and bundlers.
//   import init, { quote } from 'seatquote';
//   await init();
//   quote({ currency: 'USD', ... });
export { default, initSync, quote } from './quote.js';

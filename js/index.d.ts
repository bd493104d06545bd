export * from './quote.js';
export { default } from './quote.js';

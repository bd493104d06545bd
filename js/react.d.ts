// JSX types of <seat-quote> for React 19 (module augmentation of React.JSX):
//   import type {} from 'seatquote/react';
// Needs @types/react (any React 19 project has it). React 19 sets `getToken` and `messages`
// as properties (the element class defines them); listen to the `seatquote:*` events through
// a ref (docs/widget.md, "React").
import type { SeatQuoteElement, SeatQuoteMessages, SeatQuoteTokenSource } from './seatquote.js';
import type { DetailedHTMLProps, HTMLAttributes } from 'react';

/** The props of `<seat-quote>` in JSX: its attributes and its two properties. */
export interface SeatQuoteProps extends DetailedHTMLProps<HTMLAttributes<SeatQuoteElement>, SeatQuoteElement> {
  /** Subscription id, e.g. "S68841753". */
  subscription: string;
  /** The merchant proxy's base URL (default: the page's origin). */
  'api-base'?: string;
  /** Running number of the item to change. */
  item?: number | string;
  /** BCP 47 locale. */
  locale?: string;
  /** Intl currencyDisplay. */
  'currency-display'?: 'symbol' | 'narrowSymbol' | 'code' | 'name';
  /** A fixed customer token (prefer `getToken`). */
  token?: string;
  /** The customer token source (set as a property). */
  getToken?: SeatQuoteTokenSource;
  /** Text overrides by catalogue key (set as a property). */
  messages?: SeatQuoteMessages;
}

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'seat-quote': SeatQuoteProps;
    }
  }
}

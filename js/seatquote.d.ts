// Types of the seatquote widget entry (seatquote/widget, seatquote/seatquote.js): mount(),
// the <seat-quote> element, its events and their details (docs/widget.md). Importing the
// entry also types `document.querySelector('seat-quote')` and `addEventListener('seatquote:…')`.
// React's JSX: `import type {} from 'seatquote/react'` (react.d.ts).
import type { Quote } from './widget.js';
import type { WidgetHandle } from './widget.js';
export type { Amounts, Quote, QuoteErrorCode, QuoteInput } from './widget.js';
export type { WidgetHandle } from './widget.js';

/** When a seat change applies: co-term now, a new full period today, or at renewal. */
export type SeatQuoteMode = 'immediate' | 'extend' | 'nextBilling';

/**
 * The kind of a change (docs/widget.md, "Plans and add-ons"): the item's seats, the item to
 * another plan, an add-on added as a new item, the item dropped at the end of the period.
 */
export type SeatQuoteKind = 'seats' | 'plan' | 'add' | 'drop';

/** A product before or after a change. */
export interface SeatQuoteProduct {
  /** Cleverbridge's product id, e.g. "294836". */
  productId: string;
  /** The merchant's name of it. */
  productName: string;
}

/** What a change does to the item's total: larger, smaller, or the same. */
export type SeatQuoteChangeKind = 'upgrade' | 'downgrade' | 'update';

/**
 * The code of a `seatquote:error`: the proxy's problem codes (docs/proxy.md; the customer
 * token's refusals all read as `unauthorized`, `forbidden_subscription` as `forbidden`,
 * `invalid_alignment` as `mode_not_allowed`, `rate_limited` and `token_keys_unavailable` as
 * `upstream_unavailable`) and the widget's own: `network` (no answer), `invalid_options`
 * (a bad option, named in the console), `token_source_missing` (a `<seat-quote>` with neither
 * `getToken` nor `token` when a request had to be sent, named in the console) and `error`
 * (an answer without a problem code).
 */
export type SeatQuoteErrorCode =
  | 'unauthorized' | 'forbidden' | 'not_found' | 'mode_not_allowed' | 'quantity_out_of_range'
  | 'subscription_not_active' | 'negative_alignment' | 'quote_changed' | 'quote_expired'
  | 'quote_commit_pending' | 'idempotency_key_in_progress' | 'commit_outcome_unknown'
  | 'commit_disputed' | 'commit_not_applied' | 'commit_needs_attention' | 'item_change_in_progress'
  | 'no_scheduled_change' | 'scheduled_change_applying' | 'idempotency_key_reused' | 'upstream_timeout'
  | 'upstream_unavailable' | 'upstream_error' | 'internal_error' | 'network' | 'invalid_options'
  | 'token_source_missing' | 'error'
  | 'unknown_field' | 'invalid_body' | 'payload_too_large' | 'consent_required'
  | 'idempotency_key_required' | 'invalid_quote_token' | 'invalid_currency' | 'invalid_price'
  | 'invalid_quantity' | 'invalid_tax_rate' | 'invalid_date' | 'invalid_interval' | 'outside_period'
  | 'currency_mismatch' | 'tax_mode_mismatch' | 'invalid_input' | 'empty_change' | 'invalid_path_parameter'
  | 'product_not_allowed' | 'addon_present' | 'item_not_removable' | 'last_item' | 'item_ending'
  | 'unsupported_media_type' | 'method_not_allowed' | 'request_timeout' | 'invalid_request';

/** The keys of the widget's text catalogue (`messages` overrides any of them). */
export type SeatQuoteMessageKey =
  | 'loading' | 'seats_one' | 'seats_other' | 'current' | 'current_scheduled'
  | 'cancel_scheduled' | 'item_label' | 'seats_label'
  | 'decrease' | 'increase' | 'range' | 'invalid_quantity' | 'line' | 'per_month' | 'per_year'
  | 'per_period' | 'tax_gross' | 'tax_net' | 'mode_legend' | 'mode_immediate'
  | 'mode_immediate_hint' | 'mode_extend' | 'mode_extend_hint' | 'mode_nextBilling'
  | 'decrease_note' | 'no_change' | 'due_today' | 'net' | 'vat' | 'total_today'
  | 'days_remaining' | 'next_billing' | 'estimate' | 'verified' | 'checking' | 'timeline'
  | 'consent_increase' | 'consent_decrease' | 'confirm' | 'confirming' | 'announce' | 'success'
  | 'success_scheduled' | 'again' | 'handed_off' | 'quote_changed' | 'quote_expired' | 'commit_not_applied'
  | 'negative_alignment'
  | 'use_next_billing' | 'retry' | 'err_unauthorized' | 'err_forbidden' | 'err_not_found'
  | 'err_mode' | 'err_quantity' | 'err_not_active' | 'err_busy' | 'err_network' | 'err_config'
  | 'err_generic' | 'success_paid' | 'success_free' | 'commit_unknown' | 'check_again'
  | 'not_charged' | 'err_in_progress' | 'wait_preview' | 'wait_confirm' | 'next_amount'
  | 'seconds_one' | 'seconds_other' | 'in_progress' | 'now_seats' | 'now_price'
  | 'plans_legend' | 'plan_now' | 'upgrade' | 'downgrade' | 'drop' | 'add_legend' | 'change_note'
  | 'success_plan' | 'success_plan_later' | 'success_add' | 'success_drop' | 'current_ends';

/** Text overrides by catalogue key, e.g. `{ confirm: 'Buy seats' }` (`{name}` placeholders stay). */
export type SeatQuoteMessages = Partial<Record<SeatQuoteMessageKey, string>>;

/** Returns the customer token for the proxy; called again with `true` after a 401. */
export type SeatQuoteTokenSource = (refresh: boolean) => string | Promise<string>;

/** Options of `mount()`. */
export interface SeatQuoteOptions {
  /** Subscription id, e.g. "S68841753". */
  subscription: string;
  /** The merchant proxy's base URL (default: the page's origin). */
  apiBase?: string;
  /** Running number of the item to change (default: a picker when there are several). */
  item?: number;
  /** BCP 47 locale (default: <html lang>, then the browser's). */
  locale?: string;
  /** Intl currencyDisplay. */
  currencyDisplay?: 'symbol' | 'narrowSymbol' | 'code' | 'name';
  /** A customer token for the proxy… */
  token?: string;
  /** …or a callback returning one (called again with `true` after a 401). */
  getToken?: SeatQuoteTokenSource;
  /** Text overrides by catalogue key. */
  messages?: SeatQuoteMessages;
}

/** `seatquote:quote`'s detail: the verified preview (the `quote()` result plus its token). */
export interface SeatQuotePreview extends Quote {
  /** The signed quote token the commit sends back. */
  quoteToken: string;
  /** When the quote token expires (ISO 8601). */
  expiresAt: string;
  /** The mode this quote was priced for. */
  mode: SeatQuoteMode;
  /** The kind of change (from a proxy with plans and add-ons; absent from older ones). */
  kind?: SeatQuoteKind;
  /** The product before the change (`null` for an add-on). */
  productBefore?: SeatQuoteProduct | null;
  /** The product after the change (`null` for a removal). */
  productAfter?: SeatQuoteProduct | null;
}

/** `seatquote:checkout`'s detail: what Confirm would commit. */
export interface SeatQuoteCheckoutDetail {
  /** The subscription, e.g. "S68841753". */
  subscriptionId: string;
  /** The item's running number (0 for an add-on: the new item has none yet). */
  runningNumber: number;
  /** The new seat count (0 for a removal). */
  quantity: number;
  /** The mode chosen. */
  mode: SeatQuoteMode;
  /** The kind of change. */
  kind: SeatQuoteKind;
  /** The quote token to commit. */
  quoteToken: string;
  /** The verified preview. */
  quote: SeatQuotePreview;
}

/** `seatquote:committed`'s detail: the proxy's commit answer. */
export interface SeatQuoteCommittedDetail {
  /** "committed", or "scheduled" for a change made at the next billing date by the proxy (a seat decrease, a plan downgrade). */
  status: 'committed' | 'scheduled';
  /** The subscription. */
  subscriptionId: string;
  /** The item's running number (an add-on's: the new item's). */
  runningNumber: number;
  /** The kind of change (from a proxy with plans and add-ons). */
  kind?: SeatQuoteKind;
  /** The product before the change (`null` for an add-on). */
  productBefore?: SeatQuoteProduct | null;
  /** The product after the change (`null` for a removal). */
  productAfter?: SeatQuoteProduct | null;
  /** For a scheduled change or a removal: the date it takes effect (YYYY-MM-DD). */
  effectiveOn?: string;
  /** The seat count now. */
  quantity: number;
  /** The mode it was committed with. */
  mode: SeatQuoteMode;
  /** The committed figures. */
  quote: Quote;
  /** When the proxy committed it (ISO 8601). */
  committedAt: string;
}

/** `seatquote:error`'s detail. */
export interface SeatQuoteErrorDetail {
  /** What failed, stable across versions (match on this). */
  code: SeatQuoteErrorCode;
  /** The text the widget shows the customer (in its locale). */
  message: string;
}

/** The widget's events by name (on the host element; they bubble and are composed). */
export interface SeatQuoteEventMap {
  /** Each verified preview. */
  'seatquote:quote': CustomEvent<SeatQuotePreview>;
  /** Before a commit; cancelable: `preventDefault()` takes the checkout over. */
  'seatquote:checkout': CustomEvent<SeatQuoteCheckoutDetail>;
  /** After a commit. */
  'seatquote:committed': CustomEvent<SeatQuoteCommittedDetail>;
  /** A load, preview or commit failure, or bad options. */
  'seatquote:error': CustomEvent<SeatQuoteErrorDetail>;
}

/**
 * `<seat-quote>`: attributes `api-base`, `subscription`, `item`, `locale`, `currency-display`,
 * `token`; properties `getToken` and `messages`, set before or after the element is defined.
 * It mounts once it has a token source (or `refresh()` is called). Its events are typed
 * through `HTMLElementEventMap` (below).
 */
export declare class SeatQuoteElement extends HTMLElement {
  /** The customer token source, read at each request. */
  getToken: SeatQuoteTokenSource | undefined;
  /** Text overrides; setting them re-renders the widget with them. */
  messages: SeatQuoteMessages | undefined;
  /** Reloads the subscription (mounts the widget if it was still waiting for a token source). */
  refresh(): void;
}

/** Mounts the widget into `element`'s shadow root; an element that already has a live widget
 * gets a handle to that widget (one widget per element, see docs/widget.md). */
export function mount(element: HTMLElement, options: SeatQuoteOptions): WidgetHandle;
/** Mounts every `[data-seatquote]` element not mounted yet (done once at load). */
export function autoMount(): WidgetHandle[];

declare global {
  interface HTMLElementTagNameMap {
    'seat-quote': SeatQuoteElement;
  }
  // The events bubble out of the widget, so any element or the document can listen.
  interface HTMLElementEventMap extends SeatQuoteEventMap {}
  interface DocumentEventMap extends SeatQuoteEventMap {}
}

// seatquote widget entry. As a script tag it mounts every [data-seatquote] element and
// defines <seat-quote>; as a module it exports mount(element, options) and the element class.
//   <script type="module" src="/pkg/seatquote.js"></script>
//   import { mount } from '/pkg/seatquote.js';
// Every callback below delegates to the Rust widget (widget.js / widget_bg.wasm).
// Its module also carries the quote exports: `quote()` from 'seatquote' on the same page
// uses it rather than downloading a second engine (engine.js).
import init, { mount as mountWidget, autoMount, elementAttributes, ElementHandle } from './widget.js';
import * as widgetModule from './widget.js';
import { offer } from './engine.js';

const ready = init({ module_or_path: new URL('./widget_bg.wasm', import.meta.url) }).then(() => widgetModule);
offer(ready);
await ready;

/** Set on a host once its widget is mounted: seatquote.css drops its space reserve then. */
const MOUNTED = 'data-seatquote-mounted';

/**
 * `<seat-quote>`. `getToken` and `messages` are properties (set before or after the element
 * is defined, as frameworks do). The widget mounts on the microtask after the element is
 * connected and has a token source (`getToken` or the `token` attribute), so listeners
 * attached in the same task see its first event; without a source it waits (or `refresh()`
 * mounts it, and the missing source is reported as `token_source_missing`). docs/widget.md.
 */
export class SeatQuoteElement extends HTMLElement {
  static get observedAttributes() { return elementAttributes(); }
  #getToken = undefined;
  #messages = undefined;
  #queued = false;
  #forced = false;
  #sourceMissing = false;

  constructor() {
    super();
    // Values a framework set on the element before it was defined are own properties that
    // hide the accessors: move them behind the accessors.
    for (const key of ['getToken', 'messages']) {
      if (Object.prototype.hasOwnProperty.call(this, key)) {
        const value = this[key];
        delete this[key];
        this[key] = value;
      }
    }
    this.addEventListener('seatquote:error', (e) => {
      if (e.target === this && e.detail?.code === 'token_source_missing') this.#sourceMissing = true;
    });
  }

  /** The customer token source: `(refresh) => token | Promise<token>`, read at each request. */
  get getToken() { return this.#getToken; }
  set getToken(fn) {
    this.#getToken = fn;
    if (this.#sourceMissing && this._seatquote) {
      this.#sourceMissing = false;
      this._seatquote.refresh();
    } else {
      this.#schedule();
    }
  }

  /** Text overrides by catalogue key; setting them re-renders the widget with them. */
  get messages() { return this.#messages; }
  set messages(value) {
    this.#messages = value;
    this._seatquote?.attributeChanged();
  }

  connectedCallback() { this.#schedule(); }
  disconnectedCallback() {
    this._seatquote?.destroy();
    this._seatquote = undefined;
    this.removeAttribute(MOUNTED);
  }
  attributeChangedCallback(_name, oldValue, newValue) {
    if (oldValue === newValue) return;
    if (this._seatquote) this._seatquote.attributeChanged();
    else this.#schedule();
  }

  /** Reloads the subscription; before the widget has mounted, mounts it now. */
  refresh() {
    if (this._seatquote) {
      this.#sourceMissing = false;
      this._seatquote.refresh();
    } else {
      this.#forced = true;
      this.#schedule();
    }
  }

  #schedule() {
    if (this.#queued || this._seatquote) return;
    this.#queued = true;
    queueMicrotask(() => {
      this.#queued = false;
      const source = typeof this.#getToken === 'function' || this.hasAttribute('token');
      if (this._seatquote || !this.isConnected || !(source || this.#forced)) return;
      this.setAttribute(MOUNTED, '');
      this._seatquote = new ElementHandle(this);
    });
  }
}
if (!customElements.get('seat-quote')) customElements.define('seat-quote', SeatQuoteElement);

/** Mounts the widget into `element` (see seatquote.d.ts); marks it mounted for seatquote.css. */
export function mount(element, options) {
  const handle = mountWidget(element, options);
  element.setAttribute(MOUNTED, '');
  return handle;
}

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', () => autoMount(), { once: true });
} else {
  autoMount();
}

export { autoMount };

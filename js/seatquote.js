// seatquote widget entry. As a script tag it mounts every [data-seatquote] element and
// defines <seat-quote>; as a module it exports mount(element, options).
//   <script type="module" src="/pkg/seatquote.js"></script>
//   import { mount } from '/pkg/seatquote.js';
// Every callback below delegates to the Rust widget (widget.js / widget_bg.wasm).
// Its module also carries the quote exports: `quote()` from 'seatquote' on the same page
// uses it rather than downloading a second engine (engine.js).
import init, { mount, autoMount, elementAttributes, ElementHandle } from './widget.js';
import * as widgetModule from './widget.js';
import { offer } from './engine.js';

const ready = init({ module_or_path: new URL('./widget_bg.wasm', import.meta.url) }).then(() => widgetModule);
offer(ready);
await ready;

class SeatQuoteElement extends HTMLElement {
  static get observedAttributes() { return elementAttributes(); }
  connectedCallback() { if (!this._seatquote) this._seatquote = new ElementHandle(this); }
  disconnectedCallback() { this._seatquote?.destroy(); this._seatquote = undefined; }
  attributeChangedCallback(_name, oldValue, newValue) {
    if (oldValue !== newValue) this._seatquote?.attributeChanged();
  }
  refresh() { this._seatquote?.refresh(); }
}
if (!customElements.get('seat-quote')) customElements.define('seat-quote', SeatQuoteElement);

if (document.readyState === 'loading') {
  document.addEventListener('DOMContentLoaded', () => autoMount(), { once: true });
} else {
  autoMount();
}

export { mount, autoMount };

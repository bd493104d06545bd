// Types of the seatquote widget entry (seatquote/widget, seatquote/seatquote.js).
export type { SeatQuoteOptions } from './widget.js';
import type { SeatQuoteOptions, WidgetHandle } from './widget.js';
/** Mounts the widget into `element`'s shadow root; an element that already has a live widget
 * gets a handle to that widget (one widget per element, see docs/widget.md). */
export function mount(element: HTMLElement, options: SeatQuoteOptions): WidgetHandle;
/** Mounts every `[data-seatquote]` element not mounted yet (done once at load). */
export function autoMount(): WidgetHandle[];

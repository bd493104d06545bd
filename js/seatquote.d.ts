// Types of the seatquote widget entry (seatquote/widget, seatquote/seatquote.js).
export type { SeatQuoteOptions } from './widget.js';
import type { SeatQuoteOptions, WidgetHandle } from './widget.js';
/** Mounts the widget into `element`'s shadow root. */
export function mount(element: HTMLElement, options: SeatQuoteOptions): WidgetHandle;
/** Mounts every `[data-seatquote]` element not mounted yet (done once at load). */
export function autoMount(): WidgetHandle[];

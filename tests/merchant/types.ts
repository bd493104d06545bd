// Every type the package ships, used as a merchant's TypeScript would (type-checked only,
// never run: tests/node/package/types.test.mjs).
import init, { quote, QuoteError, type Quote, type QuoteErrorCode } from 'seatquote';
import {
  mount, autoMount, SeatQuoteElement,
  type SeatQuoteChangeKind, type SeatQuoteCheckoutDetail, type SeatQuoteErrorCode,
  type SeatQuoteMessageKey, type SeatQuoteMessages, type SeatQuoteMode, type SeatQuoteOptions,
  type SeatQuotePreview, type WidgetHandle,
} from 'seatquote/widget';

const el: SeatQuoteElement | null = document.querySelector('seat-quote');
const created: SeatQuoteElement = document.createElement('seat-quote');
created.getToken = async (refresh: boolean) => (refresh ? 'fresh' : 'cached');
created.messages = { confirm: 'Buy seats', err_config: 'Call us.' };
// @ts-expect-error a misspelt catalogue key
created.messages = { confrim: 'Buy seats' };
created.refresh();
const key: SeatQuoteMessageKey = 'check_again';
const texts: SeatQuoteMessages = { [key]: 'Look again' };

el?.addEventListener('seatquote:quote', (e) => {
  const preview: SeatQuotePreview = e.detail;
  const mode: SeatQuoteMode = preview.mode;
  const kind: SeatQuoteChangeKind = preview.updateAction;
  console.log(preview.quoteToken, preview.expiresAt, preview.alignment.gross, mode, kind);
});
document.addEventListener('seatquote:checkout', (e) => {
  const detail: SeatQuoteCheckoutDetail = e.detail;
  if (detail.quantity > 10) e.preventDefault();
  console.log(detail.subscriptionId, detail.runningNumber, detail.quoteToken, detail.quote.nextBilling.date);
});
created.addEventListener('seatquote:committed', (e) => {
  const q: Quote = e.detail.quote;
  console.log(e.detail.status, e.detail.committedAt, e.detail.quantity, q.nextBilling.gross);
});
created.addEventListener('seatquote:error', (e) => {
  const code: SeatQuoteErrorCode = e.detail.code;
  // @ts-expect-error not an error code the widget reports
  const wrong: SeatQuoteErrorCode = 'expired';
  console.log(code, wrong, e.detail.message);
});

const options: SeatQuoteOptions = {
  subscription: 'S70000002', locale: 'ja-JP', currencyDisplay: 'code',
  getToken: () => 'token', messages: texts,
};
const handle: WidgetHandle = mount(document.createElement('div'), options);
handle.refresh();
handle.destroy();
const all: WidgetHandle[] = autoMount();
console.log(all.length, customElements.get('seat-quote') === SeatQuoteElement);

await init();
try {
  quote({} as never);
} catch (e) {
  if (e instanceof QuoteError) {
    const code: QuoteErrorCode = e.code;
    console.log(code);
  }
}
export {};

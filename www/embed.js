// The mount() API: the JPY subscription in ja-JP, with a merchant text override.
import { mount } from '/pkg/seatquote.js';
import { getToken } from './demo-auth.js';

const handle = mount(document.getElementById('jpy'), {
  subscription: 'S70000002',
  locale: 'ja-JP',
  getToken,
  messages: { confirm: 'Confirm seats' },
});
window.seatquoteHandles = { jpy: handle };
document.getElementById('jpy-refresh').addEventListener('click', () => handle.refresh());

// Acme Cloud Storage account page (demo). The widget is embedded with the script tag and
// a [data-seatquote] element; it asks for the customer token through
// data-get-token="acmeSeatToken", which this page implements.
import { signIn, getToken } from './demo-auth.js';

window.acmeSeatToken = getToken;

const signInButton = document.getElementById('sign-in');
const account = document.getElementById('account');
const who = document.getElementById('who');
const log = document.getElementById('event-log');

signInButton.addEventListener('click', async () => {
  signInButton.disabled = true;
  try {
    await signIn();
    document.getElementById('signed-out').hidden = true;
    account.hidden = false;
    who.textContent = 'Signed in as Dana Whitfield (customer C-1001)';
    watchProvisioned();
  } catch (e) {
    signInButton.disabled = false;
    who.textContent = 'Sign-in failed. Is `npm start` running?';
  }
});

for (const name of ['seatquote:quote', 'seatquote:checkout', 'seatquote:committed', 'seatquote:error']) {
  document.addEventListener(name, (ev) => {
    const li = document.createElement('li');
    const d = ev.detail || {};
    const what = d.code ? `${d.code}` : d.quantity ? `${d.quantity} seats` : d.next ? `${d.next.quantity} seats, due today ${d.alignment.gross}` : '';
    li.textContent = `${new Date().toLocaleTimeString()} ${name} ${what}`;
    log.prepend(li);
    while (log.children.length > 8) log.lastElementChild.remove();
  });
}

// "Seats provisioned": what Acme's backend has provisioned, as its webhook receiver
// (demo/webhooks.mjs) recorded it from the proxy's signed webhooks. Polled; the widget's
// browser events do not touch it.
const provisioned = document.getElementById('provisioned');
function watchProvisioned() {
  const refresh = async () => {
    try {
      const res = await fetch('/demo/provisioned?subscription=S68841753', {
        headers: { Authorization: 'Bearer ' + await getToken(false) },
      });
      if (res.ok) {
        const n = (await res.json()).items['1'];
        provisioned.textContent = Number.isInteger(n) ? String(n) : '—';
      }
    } catch { /* the next poll tries again */ }
  };
  refresh();
  setInterval(refresh, 1000);
}

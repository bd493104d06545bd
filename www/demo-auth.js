// Demo sign-in: the merchant's own session gives the customer a proxy token. Here the demo
// merchant's POST /demo/login (demo/merchant.mjs) mints it: a JWT signed with the
// merchant's private key, which the proxy checks against the public key set.
let pending = null;
let signedIn;
export const whenSignedIn = new Promise((resolve) => { signedIn = resolve; });

async function login() {
  const res = await fetch('/demo/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ customerId: 'C-1001' }),
  });
  if (!res.ok) throw new Error('demo login failed: ' + res.status);
  return (await res.json()).token;
}

/** Signs the demo customer in (once). */
export function signIn() {
  if (!pending) {
    pending = login();
    pending.then(() => signedIn(), () => { pending = null; });
  }
  return pending;
}

/** The widget's getToken(refresh): waits for sign-in; signs in again after a 401. */
export function getToken(refresh) {
  if (refresh) pending = null;
  return whenSignedIn.then(() => signIn());
}

// The demo's sign-in: the demo merchant mints a customer token (docs/tokens.md).
let token: Promise<string> | undefined;

/** The widget's token source: the customer token, a fresh one when `refresh` is true. */
export function getToken(refresh: boolean): Promise<string> {
  if (refresh || !token) {
    token = fetch('/demo/login', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ customerId: 'C-1001' }),
    }).then(async (res) => ((await res.json()) as { token: string }).token);
  }
  return token;
}

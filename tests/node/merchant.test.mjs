// The demo merchant (demo/merchant.mjs) on its own: sign-in and token minting, the
// forwarding of /api/* to the proxy, and static files with the page's CSP.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createHmac } from 'node:crypto';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMerchant, listen, mintToken, CSP } from '../../demo/merchant.mjs';

const SECRET = 'node-test-secret-0123456789abcdef0123456789';
let proxy, merchant, base;
const seen = [];

before(async () => {
  proxy = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, auth: req.headers.authorization, body });
      res.writeHead(418, { 'Content-Type': 'application/problem+json', 'Retry-After': '7' });
      res.end('{"code":"teapot"}');
    });
  });
  const proxyUrl = await listen(proxy);
  const www = mkdtempSync(join(tmpdir(), 'merchant-www-'));
  mkdirSync(join(www, 'sub'));
  writeFileSync(join(www, 'index.html'), '<!doctype html><title>shop</title>');
  writeFileSync(join(www, 'app.js'), 'export {};');
  merchant = createMerchant({ secret: SECRET, proxyUrl, wwwDir: www, pkgDir: www,
    customers: new Map([['C-1001', ['S68841753', 'S70000001']]]) });
  base = await listen(merchant);
});

after(() => { merchant.close(); proxy.close(); });

test('signs a known customer in with a token the proxy can verify', async () => {
  const res = await fetch(base + '/demo/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ customerId: 'C-1001' }) });
  assert.equal(res.status, 200);
  const b = await res.json();
  assert.deepEqual(b.subscriptions, ['S68841753', 'S70000001']);
  const [kind, payload, sig] = b.token.split('.');
  assert.equal(kind, 'cust');
  const want = createHmac('sha256', SECRET).update(`cust.${payload}`).digest('base64url');
  assert.equal(sig, want);
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
  assert.equal(claims.cus, 'C-1001');
  assert.ok(claims.exp > Date.now() / 1000 + 3500 && claims.exp < Date.now() / 1000 + 3700);
  assert.equal(b.expiresAt, new Date(claims.exp * 1000).toISOString().replace('.000Z', 'Z'));
  // Same format as the proxy's `token` subcommand (crates/proxy/src/token.rs).
  assert.equal(mintToken(SECRET, claims), b.token);
});

test('refuses unknown customers and bad bodies with problems', async () => {
  const login = (body) => fetch(base + '/demo/login', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  let r = await login(JSON.stringify({ customerId: 'C-9' }));
  assert.equal(r.status, 404);
  assert.equal((await r.json()).code, 'not_found');
  r = await login('not json');
  assert.equal(r.status, 400);
  assert.equal(r.headers.get('content-type'), 'application/problem+json');
});

test('forwards /api/* to the proxy unchanged, answer included', async () => {
  const r = await fetch(base + '/api/subscriptions/S68841753/items/1/preview?x=1', { method: 'POST',
    headers: { Authorization: 'Bearer t', 'Content-Type': 'application/json' }, body: '{"quantity":2}' });
  assert.equal(r.status, 418);
  assert.equal(r.headers.get('retry-after'), '7');
  assert.equal((await r.json()).code, 'teapot');
  assert.deepEqual(seen.at(-1), { method: 'POST', url: '/api/subscriptions/S68841753/items/1/preview?x=1', auth: 'Bearer t', body: '{"quantity":2}' });
});

test('serves its pages with the CSP and nothing outside the folder', async () => {
  let r = await fetch(base + '/');
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('content-security-policy'), CSP);
  assert.equal(r.headers.get('x-content-type-options'), 'nosniff');
  assert.match(await r.text(), /shop/);
  r = await fetch(base + '/app.js');
  assert.equal(r.headers.get('content-type'), 'text/javascript; charset=utf-8');
  r = await fetch(base + '/%2e%2e/%2e%2e/etc/passwd');
  assert.equal(r.status, 404);
  r = await fetch(base + '/nothing.html');
  assert.equal(r.status, 404);
  r = await fetch(base + '/sandbox/_admin/counters');
  assert.equal(r.status, 404, 'no sandbox pass-through unless configured');
});

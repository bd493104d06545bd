// The demo merchant (demo/merchant.mjs) on its own: sign-in and token minting, the
// forwarding of /api/* to the proxy, and static files with the page's CSP.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { jwtVerify, createLocalJWKSet, decodeProtectedHeader } from 'jose';
import { mkdtempSync, writeFileSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMerchant, listen, merchantKey, CSP } from '../../../demo/merchant.mjs';

const AUDIENCE = 'urn:seatquote:node-test';
let proxy, merchant, base, key, keyDir;
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
  keyDir = mkdtempSync(join(tmpdir(), 'merchant-key-'));
  key = await merchantKey(keyDir);
  merchant = createMerchant({ privateKeyPem: key.privateKeyPem, kid: key.kid, audience: AUDIENCE, proxyUrl, wwwDir: www, pkgDir: www,
    customers: new Map([['C-1001', ['S68841753', 'S70000001']]]) });
  base = await listen(merchant);
});

after(() => { merchant.close(); proxy.close(); });

test('keeps its key pair: private key 0600, public JWKS without the private part, same key on the next start', async () => {
  assert.equal(statSync(join(keyDir, 'private.pem')).mode & 0o777, 0o600);
  const jwks = JSON.parse(readFileSync(join(keyDir, 'jwks.json'), 'utf8'));
  assert.deepEqual(Object.keys(jwks.keys[0]).sort(), ['alg', 'crv', 'kid', 'kty', 'use', 'x']);
  assert.equal(jwks.keys[0].kid, key.kid);
  assert.equal((await merchantKey(keyDir)).kid, key.kid, 'generated at the first start only');
});

test('signs a known customer in with a JWT the public key set verifies', async () => {
  const res = await fetch(base + '/demo/login', { method: 'POST', headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ customerId: 'C-1001' }) });
  assert.equal(res.status, 200);
  const b = await res.json();
  assert.deepEqual(b.subscriptions, ['S68841753', 'S70000001']);
  assert.deepEqual(decodeProtectedHeader(b.token), { alg: 'EdDSA', kid: key.kid });
  const { payload: claims } = await jwtVerify(b.token, createLocalJWKSet(key.jwks), { audience: AUDIENCE, algorithms: ['EdDSA'] });
  assert.equal(claims.sub, 'C-1001');
  assert.deepEqual(claims.subscriptions, ['S68841753', 'S70000001']);
  assert.equal(claims.nbf, claims.iat);
  assert.equal(claims.exp - claims.iat, 3600);
  assert.ok(claims.exp > Date.now() / 1000 + 3500 && claims.exp < Date.now() / 1000 + 3700);
  assert.equal(b.expiresAt, new Date(claims.exp * 1000).toISOString().replace('.000Z', 'Z'));
  // Another audience does not accept it.
  await assert.rejects(jwtVerify(b.token, createLocalJWKSet(key.jwks), { audience: 'urn:other' }));
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

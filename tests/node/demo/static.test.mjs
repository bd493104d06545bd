// The demo merchant's static files (demo/static.mjs) over real HTTP: content-hashed package
// files cached immutably, pages and plain names revalidated (ETag, Last-Modified, 304),
// brotli or gzip as the client accepts, and the pages pointing at the hashed names.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { createMerchant, generateMerchantKey, listen, CSP, ROOT } from '../../../demo/merchant.mjs';

const manifest = JSON.parse(readFileSync(join(ROOT, 'pkg', 'assets', 'manifest.json'), 'utf8'));
let merchant, base;

before(async () => {
  const key = await generateMerchantKey();
  // No request here reaches the proxy.
  merchant = createMerchant({ privateKeyPem: key.privateKeyPem, kid: key.kid, audience: 'urn:seatquote:static-test', proxyUrl: 'http://127.0.0.1:9' });
  base = await listen(merchant);
});
after(() => merchant.close());

/** GET (raw, no automatic decompression): { status, headers, body }. */
function get(path, headers = {}) {
  return new Promise((resolve, reject) => {
    request(base + path, { headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: Buffer.concat(chunks) }));
    }).on('error', reject).end();
  });
}

test('hashed package files: a year, immutable; brotli, gzip or identity as accepted, the same bytes', async () => {
  const hashed = manifest['widget_bg.wasm'];
  assert.match(hashed, /^widget_bg\.[0-9a-f]{10}\.wasm$/);
  const plain = readFileSync(join(ROOT, 'pkg', 'assets', hashed));
  const br = await get('/pkg/assets/' + hashed, { 'accept-encoding': 'gzip, deflate, br' });
  assert.equal(br.status, 200);
  assert.equal(br.headers['cache-control'], 'public, max-age=31536000, immutable');
  assert.equal(br.headers['content-type'], 'application/wasm');
  assert.equal(br.headers['content-encoding'], 'br');
  assert.equal(br.headers.vary, 'Accept-Encoding');
  assert.ok(br.body.length < plain.length * 0.6, `brotli: ${br.body.length} of ${plain.length} bytes`);
  assert.deepEqual(brotliDecompressSync(br.body), plain);
  const gz = await get('/pkg/assets/' + hashed, { 'accept-encoding': 'gzip, br;q=0' });
  assert.equal(gz.headers['content-encoding'], 'gzip');
  assert.deepEqual(gunzipSync(gz.body), plain);
  const id = await get('/pkg/assets/' + hashed);
  assert.equal(id.headers['content-encoding'], undefined);
  assert.deepEqual(id.body, plain);
  // Each representation has its own ETag.
  assert.equal(new Set([br.headers.etag, gz.headers.etag, id.headers.etag]).size, 3);
});

test('pages: revalidated with ETag and Last-Modified (304), pointing at the hashed package files', async () => {
  for (const page of ['/', '/embed.html', '/embed.js']) {
    const r = await get(page, { 'accept-encoding': 'br' });
    assert.equal(r.status, 200, page);
    assert.equal(r.headers['cache-control'], 'no-cache', page);
    assert.equal(r.headers['content-security-policy'], CSP, page);
    assert.ok(r.headers.etag && r.headers['last-modified'], page);
    const text = brotliDecompressSync(r.body).toString();
    assert.doesNotMatch(text, /\/pkg\/(?!assets\/)/, `${page} still names a plain /pkg/ file`);
    const again = await get(page, { 'accept-encoding': 'br', 'if-none-match': r.headers.etag });
    assert.equal(again.status, 304, page);
    assert.equal(again.body.length, 0);
    const since = await get(page, { 'if-modified-since': r.headers['last-modified'] });
    assert.equal(since.status, 304, page);
    const changed = await get(page, { 'if-none-match': '"something-else"' });
    assert.equal(changed.status, 200, page);
  }
  const index = brotliDecompressSync((await get('/', { 'accept-encoding': 'br' })).body).toString();
  assert.ok(index.includes(`/pkg/assets/${manifest['seatquote.js']}`));
  assert.ok(index.includes(`/pkg/assets/${manifest['seatquote.css']}`));
  // Every file the hashed entry names is hashed too, and served.
  const entry = readFileSync(join(ROOT, 'pkg', 'assets', manifest['seatquote.js']), 'utf8');
  for (const dep of ['widget.js', 'engine.js', 'widget_bg.wasm']) {
    assert.ok(entry.includes(manifest[dep]), dep);
    assert.equal((await get('/pkg/assets/' + manifest[dep])).status, 200, dep);
  }
});

test('plain package names still work (the `<script>` and npm embeds), revalidated', async () => {
  const r = await get('/pkg/seatquote.js', { 'accept-encoding': 'gzip' });
  assert.equal(r.status, 200);
  assert.equal(r.headers['cache-control'], 'no-cache');
  assert.deepEqual(gunzipSync(r.body), readFileSync(join(ROOT, 'pkg', 'seatquote.js')));
  assert.equal((await get('/pkg/seatquote.js', { 'accept-encoding': 'gzip', 'if-none-match': r.headers.etag })).status, 304);
  assert.equal((await get('/pkg/%2e%2e/package.json')).status, 404);
  assert.equal((await get('/pkg/assets/widget_bg.0000000000.wasm')).status, 404);
});

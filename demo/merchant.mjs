// The demo merchant: what a merchant writes itself around the seatquote proxy. It signs
// its customer in (here: any customer of the sandbox fixture, no password) and mints the
// customer token with the secret it shares with the proxy; it serves its pages (www/) and
// the built package (pkg/); and it mounts the proxy under its own origin by forwarding
// /api/* (and /healthz) to it, so the browser talks to one origin. For the demo and the
// tests only, it also passes /sandbox/* through to the Cleverbridge sandbox.
//
//   SEATQUOTE_TOKEN_SECRET=… SEATQUOTE_PROXY_URL=http://127.0.0.1:8081 node demo/merchant.mjs
import { createServer, request } from 'node:http';
import { createHmac } from 'node:crypto';
import { readFileSync, createReadStream, statSync } from 'node:fs';
import { join, normalize, extname, dirname, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_FIXTURE = join(ROOT, 'crates', 'sandbox', 'fixtures', 'sandbox.json');

/** The page's Content-Security-Policy: no inline script or style, wasm allowed. */
export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const TYPES = {
  '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.json': 'application/json', '.wasm': 'application/wasm', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.ts': 'text/plain; charset=utf-8', '.map': 'application/json',
};

const b64url = (buf) => Buffer.from(buf).toString('base64url');

/**
 * A customer token in the proxy's format: `cust.<base64url(JSON)>.<base64url(HMAC-SHA256)>`
 * over `cust.<payload>` (crates/proxy/src/token.rs).
 */
export function mintToken(secret, { cus, subs, exp }) {
  const text = 'cust.' + b64url(JSON.stringify({ cus, subs, exp }));
  return text + '.' + b64url(createHmac('sha256', secret).update(text).digest());
}

/** The merchant's customers: customer id → subscription ids, from a sandbox fixture. */
export function customersFromFixture(path = DEFAULT_FIXTURE) {
  const fixture = JSON.parse(readFileSync(path, 'utf8'));
  const customers = new Map();
  for (const s of fixture.subscriptions) {
    customers.set(s.customerReferenceId, [...(customers.get(s.customerReferenceId) ?? []), s.id]);
  }
  return customers;
}

function problem(res, status, code, detail) {
  res.writeHead(status, { 'Content-Type': 'application/problem+json' });
  res.end(JSON.stringify({ type: `https://seatquote.dev/problems/${code}`, title: code, status, detail, code }));
}

function forward(req, res, target) {
  const url = new URL(req.url, target);
  const headers = { ...req.headers, host: url.host };
  const up = request(url, { method: req.method, headers }, (r) => {
    res.writeHead(r.statusCode, r.headers);
    r.pipe(res);
  });
  up.on('error', (e) => { if (!res.headersSent) problem(res, 502, 'upstream_error', 'the proxy is not reachable: ' + e.message); else res.destroy(); });
  req.pipe(up);
}

function serveFile(req, res, dir, rel) {
  const path = normalize(join(dir, decodeURIComponent(rel)));
  if (path !== dir && !path.startsWith(dir + sep)) return problem(res, 404, 'not_found', 'no such file');
  let file = path;
  try {
    if (statSync(file).isDirectory()) file = join(file, 'index.html');
    statSync(file);
  } catch {
    return problem(res, 404, 'not_found', 'no such file');
  }
  res.writeHead(200, {
    'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
    'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  });
  if (req.method === 'HEAD') return res.end();
  createReadStream(file).pipe(res);
}

async function readJson(req, limit = 4096) {
  let body = '';
  for await (const chunk of req) {
    body += chunk;
    if (body.length > limit) throw new Error('too large');
  }
  return JSON.parse(body);
}

/** POST /demo/login {customerId}: the merchant's sign-in, answering a one-hour token. */
async function login(req, res, { secret, customers, ttl }) {
  let customerId;
  try {
    ({ customerId } = await readJson(req));
  } catch {
    return problem(res, 400, 'invalid_body', 'send {"customerId": "C-1001"}');
  }
  const subscriptions = customers.get(customerId);
  if (typeof customerId !== 'string' || !subscriptions) return problem(res, 404, 'not_found', 'no such demo customer');
  const exp = Math.floor(Date.now() / 1000) + ttl;
  const token = mintToken(secret, { cus: customerId, subs: subscriptions, exp });
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify({ token, customerId, subscriptions, expiresAt: new Date(exp * 1000).toISOString().replace('.000Z', 'Z') }));
}

/**
 * The demo merchant's HTTP server (not listening yet).
 * @param {{secret: string, proxyUrl: string, sandboxUrl?: string, wwwDir?: string, pkgDir?: string,
 *          customers?: Map<string, string[]>, ttl?: number}} opts
 */
export function createMerchant(opts) {
  if (!opts.secret || Buffer.byteLength(opts.secret) < 32) throw new Error('SEATQUOTE_TOKEN_SECRET must be at least 32 bytes');
  if (!opts.proxyUrl) throw new Error('SEATQUOTE_PROXY_URL is required');
  const cfg = {
    ttl: 3600, customers: customersFromFixture(), wwwDir: join(ROOT, 'www'), pkgDir: join(ROOT, 'pkg'), ...opts,
  };
  return createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/demo/login' && req.method === 'POST') return void login(req, res, cfg);
    if (path.startsWith('/api/') || path === '/healthz') return forward(req, res, cfg.proxyUrl);
    if (path.startsWith('/sandbox/') && cfg.sandboxUrl) return forward(req, res, cfg.sandboxUrl);
    if (req.method !== 'GET' && req.method !== 'HEAD') return problem(res, 405, 'method_not_allowed', 'GET only');
    if (path.startsWith('/pkg/')) return serveFile(req, res, cfg.pkgDir, path.slice('/pkg/'.length));
    return serveFile(req, res, cfg.wwwDir, path.slice(1));
  });
}

/** Listens on host:port (0: any) and resolves with the base URL. */
export function listen(server, port = 0, host = '127.0.0.1') {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve(`http://${host}:${server.address().port}`));
  });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === normalize(process.argv[1])) {
  const env = process.env;
  const server = createMerchant({
    secret: env.SEATQUOTE_TOKEN_SECRET, proxyUrl: env.SEATQUOTE_PROXY_URL, sandboxUrl: env.SEATQUOTE_SANDBOX_URL,
    wwwDir: env.SEATQUOTE_STATIC_DIR || join(ROOT, 'www'), pkgDir: env.SEATQUOTE_PKG_DIR || join(ROOT, 'pkg'),
    customers: customersFromFixture(env.SEATQUOTE_SANDBOX_FIXTURE || DEFAULT_FIXTURE),
  });
  const base = await listen(server, Number(env.PORT ?? 8080), env.SEATQUOTE_LISTEN || '127.0.0.1');
  console.log('listening on ' + base);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
}

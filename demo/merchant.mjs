// The demo merchant: what a merchant writes itself around the seatquote proxy. It signs
// its customer in (here: any customer of the sandbox fixture, no password) and mints the
// customer token, a JWT signed with its private key through `jose` (docs/tokens.md); the
// proxy holds only the public key set. It serves its pages (www/) and the built package
// (pkg/), cached and compressed (demo/static.mjs); and it mounts the proxy under its own
// origin by forwarding /api/* (and /healthz) to it, so the browser talks to one origin. For the demo and the
// tests only, it also passes /sandbox/* through to the Cleverbridge sandbox.
//
//   SEATQUOTE_MERCHANT_DIR=… SEATQUOTE_JWT_AUDIENCE=… SEATQUOTE_PROXY_URL=http://127.0.0.1:8081 node demo/merchant.mjs
import { createServer, request } from 'node:http';
import { readFileSync, writeFileSync, existsSync, mkdirSync } from 'node:fs';
import { SignJWT, importPKCS8, generateKeyPair, exportPKCS8, exportJWK, calculateJwkThumbprint } from 'jose';
import { join, normalize, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { staticFiles } from './static.mjs';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const DEFAULT_FIXTURE = join(ROOT, 'crates', 'sandbox', 'fixtures', 'sandbox.json');

/** The page's Content-Security-Policy: no inline script or style, wasm allowed. */
export const CSP = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/**
 * A fresh Ed25519 key pair, made with jose as docs/tokens.md shows: the private key (PKCS#8
 * PEM, for this backend only), its `kid` (the RFC 7638 thumbprint) and the public JWKS (for
 * the proxy's SEATQUOTE_JWKS).
 */
export async function generateMerchantKey() {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), alg: 'EdDSA', use: 'sig' };
  jwk.kid = await calculateJwkThumbprint(jwk);
  return { privateKeyPem: await exportPKCS8(privateKey), kid: jwk.kid, jwks: { keys: [jwk] } };
}

/**
 * The merchant's key pair kept in `dir` (`private.pem`, mode 0600, and `jwks.json`),
 * generated at the first start. Resolves with { privateKeyPem, kid, jwks, jwksPath }.
 */
export async function merchantKey(dir) {
  const pemPath = join(dir, 'private.pem');
  const jwksPath = join(dir, 'jwks.json');
  if (!existsSync(pemPath) || !existsSync(jwksPath)) {
    const key = await generateMerchantKey();
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    writeFileSync(pemPath, key.privateKeyPem, { mode: 0o600 });
    writeFileSync(jwksPath, JSON.stringify(key.jwks, null, 2));
  }
  const jwks = JSON.parse(readFileSync(jwksPath, 'utf8'));
  return { privateKeyPem: readFileSync(pemPath, 'utf8'), kid: jwks.keys[0].kid, jwks, jwksPath };
}

/**
 * A customer token: a JWT with the claims of docs/tokens.md (`sub`, `subscriptions`, `aud`,
 * `iat`, `nbf`, `exp`), signed with the merchant's private key, its `kid` in the header.
 */
export async function mintToken({ privateKeyPem, kid, audience }, { sub, subscriptions, ttl }) {
  const key = await importPKCS8(privateKeyPem, 'EdDSA');
  return new SignJWT({ subscriptions })
    .setProtectedHeader({ alg: 'EdDSA', kid }).setSubject(sub).setAudience(audience)
    .setIssuedAt().setNotBefore('0s').setExpirationTime(`${ttl}s`).sign(key);
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

const files = new Map(); // directory → its static file server (demo/static.mjs)

function serveFile(req, res, dir, rel, pkgDir) {
  const id = `${dir}\0${pkgDir ?? ''}`;
  if (!files.has(id)) files.set(id, staticFiles(dir, { pkgDir, headers: { 'Content-Security-Policy': CSP, 'X-Content-Type-Options': 'nosniff', 'Referrer-Policy': 'no-referrer' } }));
  if (!files.get(id)(req, res, rel)) problem(res, 404, 'not_found', 'no such file');
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
async function login(req, res, { signing, customers, ttl }) {
  let customerId;
  try {
    ({ customerId } = await readJson(req));
  } catch {
    return problem(res, 400, 'invalid_body', 'send {"customerId": "C-1001"}');
  }
  const subscriptions = customers.get(customerId);
  if (typeof customerId !== 'string' || !subscriptions) return problem(res, 404, 'not_found', 'no such demo customer');
  const exp = Math.floor(Date.now() / 1000) + ttl;
  const token = await mintToken(signing, { sub: customerId, subscriptions, ttl });
  res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify({ token, customerId, subscriptions, expiresAt: new Date(exp * 1000).toISOString().replace('.000Z', 'Z') }));
}

/**
 * The demo merchant's HTTP server (not listening yet).
 * `privateKeyPem` and `kid` sign the customer tokens, for the proxy's `audience`.
 * `webhooks` (demo/webhooks.mjs) receives the proxy's webhooks at POST /webhooks/seatquote
 * and answers GET /demo/provisioned.
 * @param {{privateKeyPem: string, kid: string, audience: string, proxyUrl: string, sandboxUrl?: string, wwwDir?: string, pkgDir?: string,
 *          customers?: Map<string, string[]>, ttl?: number, webhooks?: object}} opts
 */
export function createMerchant(opts) {
  if (!opts.privateKeyPem || !opts.kid) throw new Error('the merchant needs its private key and its kid');
  if (!opts.audience) throw new Error('SEATQUOTE_JWT_AUDIENCE (the proxy\'s audience) is required');
  if (!opts.proxyUrl) throw new Error('SEATQUOTE_PROXY_URL is required');
  const cfg = {
    ttl: 3600, customers: customersFromFixture(), wwwDir: join(ROOT, 'www'), pkgDir: join(ROOT, 'pkg'), ...opts,
  };
  cfg.signing = { privateKeyPem: opts.privateKeyPem, kid: opts.kid, audience: opts.audience };
  return createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    if (path === '/demo/login' && req.method === 'POST') return void login(req, res, cfg);
    if (cfg.webhooks && path === '/webhooks/seatquote' && req.method === 'POST') return void cfg.webhooks.receive(req, res);
    if (cfg.webhooks && path === '/demo/provisioned' && req.method === 'GET') return void cfg.webhooks.provisioned(req, res);
    if (path.startsWith('/api/') || path === '/healthz') return forward(req, res, cfg.proxyUrl);
    if (path.startsWith('/sandbox/') && cfg.sandboxUrl) return forward(req, res, cfg.sandboxUrl);
    if (req.method !== 'GET' && req.method !== 'HEAD') return problem(res, 405, 'method_not_allowed', 'GET only');
    if (path.startsWith('/pkg/')) return serveFile(req, res, cfg.pkgDir, path.slice('/pkg/'.length));
    return serveFile(req, res, cfg.wwwDir, path.slice(1), cfg.pkgDir);
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
  if (!env.SEATQUOTE_MERCHANT_DIR) throw new Error('SEATQUOTE_MERCHANT_DIR (where the merchant keeps its key pair) is required');
  const key = await merchantKey(env.SEATQUOTE_MERCHANT_DIR);
  const server = createMerchant({
    privateKeyPem: key.privateKeyPem, kid: key.kid, audience: env.SEATQUOTE_JWT_AUDIENCE, proxyUrl: env.SEATQUOTE_PROXY_URL, sandboxUrl: env.SEATQUOTE_SANDBOX_URL,
    wwwDir: env.SEATQUOTE_STATIC_DIR || join(ROOT, 'www'), pkgDir: env.SEATQUOTE_PKG_DIR || join(ROOT, 'pkg'),
    customers: customersFromFixture(env.SEATQUOTE_SANDBOX_FIXTURE || DEFAULT_FIXTURE),
  });
  const base = await listen(server, Number(env.PORT ?? 8080), env.SEATQUOTE_LISTEN || '127.0.0.1');
  console.log('listening on ' + base);
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
}

// Starts the whole demo: the Cleverbridge sandbox, the proxy pointed at it with real
// configuration (base URL, credentials, a fresh 32-byte quote-token secret, and only the
// merchant's public key set and audience for customer tokens), and the demo merchant in this
// Node process, which holds its private key (made with jose at the first start) and serves
// the one URL the browser uses. `npm start`
// runs this file; the e2e tests use startDemo().
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createServer } from 'node:net';
import { createMerchant, customersFromFixture, listen, merchantKey, DEFAULT_FIXTURE, ROOT } from './merchant.mjs';
import { createWebhookReceiver, newWebhookSecret, seatsFromFixture } from './webhooks.mjs';

/** A port free right now on `host` (for the proxy, whose URL the others need first). */
function freePort(host) {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, host, () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

/** The audience the demo's proxy is configured with and the demo merchant's tokens name. */
export const DEMO_AUDIENCE = 'urn:seatquote:demo-proxy';

function startProcess(bin, env, name) {
  if (!existsSync(bin)) throw new Error(`${bin} is missing (cargo build -p seatquote-proxy -p seatquote-sandbox --features fixed-clock)`);
  const child = spawn(bin, [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let logs = '';
  child.stderr.on('data', (d) => { logs += d; if (logs.length > 20000) logs = logs.slice(-10000); });
  const base = new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${logs}`)), 15000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) { clearTimeout(timer); resolve(m[1]); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${name} exited ${code}: ${logs}`)); });
  });
  return { child, base, logs: () => logs };
}

async function stopProcess(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

/**
 * Starts sandbox, proxy and merchant. `env` goes to the sandbox and the proxy (e.g.
 * SEATQUOTE_TODAY — one clock for both; SEATQUOTE_SANDBOX_TODAY, its older name, is passed
 * on as SEATQUOTE_TODAY — SEATQUOTE_CACHE_MS, SEATQUOTE_QUOTE_TTL, SEATQUOTE_SANDBOX_FIXTURE,
 * SEATQUOTE_POLICY: default the demo's crates/proxy/policy.demo.toml).
 * The merchant's key pair lives in `merchantDir` (made there at the first start; default: a
 * fresh temporary directory).
 * The proxy delivers its webhooks to the merchant (demo/webhooks.mjs) and the sandbox sends
 * its notifications to the proxy (docs/webhooks.md).
 * Resolves with { base, proxy, sandbox, stop, logs, webhooks, adminToken }; stop() stops all three.
 */
export async function startDemo({ proxyBin, sandboxBin, env = {}, port = 0, host = '127.0.0.1', merchantDir }) {
  const dataDir = env.SEATQUOTE_DATA_DIR ? null : mkdtempSync(join(tmpdir(), 'seatquote-demo-'));
  const keyDir = merchantDir ? null : mkdtempSync(join(tmpdir(), 'seatquote-merchant-'));
  const key = await merchantKey(merchantDir ?? keyDir);
  const secret = randomBytes(32).toString('hex');
  const today = env.SEATQUOTE_TODAY || env.SEATQUOTE_SANDBOX_TODAY;
  const base = {
    PATH: process.env.PATH, RUST_LOG: process.env.RUST_LOG ?? 'warn', ...env, PORT: '0',
    ...(today ? { SEATQUOTE_TODAY: today } : {}),
  };
  delete base.SEATQUOTE_SANDBOX_TODAY;
  const started = [];
  const stop = async () => {
    await Promise.all(started.map((s) => s.stop()));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    if (keyDir) rmSync(keyDir, { recursive: true, force: true });
  };
  try {
    // The proxy's port is chosen first: the sandbox notifies it and the merchant forwards
    // to it, and the proxy delivers its webhooks to the merchant.
    const proxyPort = await freePort(host);
    const proxyUrl = `http://127.0.0.1:${proxyPort}`;
    const webhookSecret = newWebhookSecret();
    const notifyPassword = randomBytes(16).toString('hex');
    const adminToken = randomBytes(32).toString('hex');
    const fixture = env.SEATQUOTE_SANDBOX_FIXTURE || DEFAULT_FIXTURE;
    const webhooks = createWebhookReceiver({
      secret: webhookSecret, seats: seatsFromFixture(fixture), privateKeyPem: key.privateKeyPem, audience: DEMO_AUDIENCE,
    });
    const sb = startProcess(sandboxBin, {
      ...base,
      SEATQUOTE_SANDBOX_NOTIFY_URL: `${proxyUrl}/api/cleverbridge/notifications`,
      SEATQUOTE_SANDBOX_NOTIFY_USERNAME: 'cleverbridge', SEATQUOTE_SANDBOX_NOTIFY_PASSWORD: notifyPassword,
    }, 'cleverbridge-sandbox');
    started.push({ stop: () => stopProcess(sb.child) });
    const sandbox = await sb.base;
    const server = createMerchant({
      privateKeyPem: key.privateKeyPem, kid: key.kid, audience: DEMO_AUDIENCE, proxyUrl, sandboxUrl: sandbox, webhooks,
      customers: customersFromFixture(fixture),
    });
    started.push({ stop: () => new Promise((r) => { server.closeAllConnections?.(); server.close(() => r()); }) });
    const url = await listen(server, port, host);
    const px = startProcess(proxyBin, {
      ...base,
      PORT: String(proxyPort),
      CLEVERBRIDGE_BASE_URL: `${sandbox}/sandbox/subscription/`,
      CLEVERBRIDGE_USERNAME: 'sandbox', CLEVERBRIDGE_PASSWORD: 'sandbox',
      SEATQUOTE_TOKEN_SECRET: secret,
      SEATQUOTE_JWKS: JSON.stringify(key.jwks), SEATQUOTE_JWT_AUDIENCE: DEMO_AUDIENCE,
      SEATQUOTE_DATA_DIR: env.SEATQUOTE_DATA_DIR ?? dataDir,
      SEATQUOTE_WEBHOOK_URL: `http://127.0.0.1:${new URL(url).port}/webhooks/seatquote`, SEATQUOTE_WEBHOOK_SECRET: webhookSecret,
      SEATQUOTE_NOTIFY_USERNAME: 'cleverbridge', SEATQUOTE_NOTIFY_PASSWORD: notifyPassword,
      SEATQUOTE_ADMIN_TOKEN: adminToken,
      SEATQUOTE_POLICY: env.SEATQUOTE_POLICY || join(ROOT, 'crates', 'proxy', 'policy.demo.toml'),
    }, 'seatquote-proxy');
    started.push({ stop: () => stopProcess(px.child) });
    const proxy = await px.base;
    return {
      base: url, proxy, sandbox, stop, webhooks, adminToken,
      logs: () => `--- sandbox\n${sb.logs()}\n--- proxy\n${px.logs()}`,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** The binaries: SEATQUOTE_PROXY_BIN / SEATQUOTE_SANDBOX_BIN, else target/<profile>/. */
export function binaries(profile = 'release') {
  const proxyBin = process.env.SEATQUOTE_PROXY_BIN || join(ROOT, 'target', profile, 'seatquote-proxy');
  const sandboxBin = process.env.SEATQUOTE_SANDBOX_BIN || join(dirname(proxyBin), 'cleverbridge-sandbox');
  return { proxyBin, sandboxBin };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === normalize(process.argv[1])) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) if (k.startsWith('SEATQUOTE_') || k === 'RUST_LOG') env[k] = v;
  env.SEATQUOTE_DATA_DIR ??= join(ROOT, '.seatquote');
  const merchantDir = process.env.SEATQUOTE_MERCHANT_DIR || join(ROOT, '.seatquote-merchant');
  const demo = await startDemo({ ...binaries(), env, port: Number(process.env.PORT ?? 8080), merchantDir });
  console.log(`\n  seatquote demo: ${demo.base}/\n  events: SEATQUOTE_ADMIN_TOKEN=${demo.adminToken} target/release/seatquote-proxy events tail --url ${demo.proxy}\n`);
  let stopping = false;
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, async () => {
      if (stopping) return;
      stopping = true;
      await demo.stop();
      process.exit(0);
    });
  }
}

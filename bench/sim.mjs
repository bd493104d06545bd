// Load simulation (`npm run sim`): N simulated customers change their seats through R proxy
// replicas in front of one Cleverbridge sandbox, each reading its subscription, previewing
// and committing with an Idempotency-Key, as the widget does (503 and
// commit_outcome_unknown are retried after Retry-After, a commit always with its key).
//
// It prints changes committed per second, upstream calls per committed change, p50/p99
// commit latency, and checks the outcome against the sandbox: a lost commit (the customer
// was told "committed" but the sandbox did not apply it, or was told it failed but the
// sandbox applied it) or a double commit (applied more than once) fails the run, as does a
// 429 from the sandbox or more than 30 requests to it in any 1-second window.
//
//   node bench/sim.mjs [--customers 200] [--replicas 3] [--concurrency 60] [--sticky]
//                        [--database-url postgres://…] [--json]
//
// Several replicas share one PostgreSQL: --database-url (or SEATQUOTE_DATABASE_URL), else a
// temporary one from the testkit's `pg-temp` binary (target/*/pg-temp). `--replicas 1`
// without a database: one replica on SQLite. Requests go to a random replica each
// (--sticky: a customer always to the same one). Binaries: SEATQUOTE_PROXY_BIN (default the newer of target/release and
// target/debug), the sandbox its sibling.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { generateMerchantKey, mintToken } from '../demo/merchant.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const AUDIENCE = 'urn:seatquote:sim';
const TODAY = '2026-05-13';

const { values: opt } = parseArgs({
  options: {
    customers: { type: 'string', default: '200' },
    replicas: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '60' },
    'database-url': { type: 'string', default: process.env.SEATQUOTE_DATABASE_URL ?? '' },
    sticky: { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const CUSTOMERS = Number(opt.customers);
const CONCURRENCY = Number(opt.concurrency);

function binaries() {
  // The newer of the release and debug builds.
  const pick = (name) => ['release', 'debug'].map((p) => join(ROOT, 'target', p, name)).filter(existsSync)
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  const proxyBin = process.env.SEATQUOTE_PROXY_BIN || pick('seatquote-proxy');
  if (!proxyBin) throw new Error('no seatquote-proxy binary: cargo build -p seatquote-proxy -p seatquote-sandbox --features fixed-clock');
  const dir = dirname(proxyBin);
  return { proxyBin, sandboxBin: join(dir, 'cleverbridge-sandbox'), pgTempBin: join(dir, 'pg-temp') };
}

/** Starts a process and resolves with { child, base } once it prints `listening on …`. */
function start(bin, args, env, name, pattern = /listening on (http:\/\/127\.0\.0\.1:\d+)/) {
  // stdin a pipe: pg-temp keeps its server until its stdin closes (when this process ends).
  const child = spawn(bin, args, { env: { PATH: process.env.PATH, RUST_LOG: 'warn', PORT: '0', ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
  let logs = '';
  child.stderr.on('data', (d) => { logs = (logs + d).slice(-8000); });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${name} did not start: ${logs}`)), 30000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(pattern);
      if (m) { clearTimeout(timer); resolve({ child, base: m[1], logs: () => logs }); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`${name} exited ${code}: ${logs}`)); });
  });
}

async function stop(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))]);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** One HTTP call; resolves with { status, body, retryAfter }. */
async function call(url, { method = 'GET', token, body, key } = {}) {
  const headers = { authorization: `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (key) headers['idempotency-key'] = key;
  const res = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch { /* not JSON */ }
  return { status: res.status, body: json, text, retryAfter: Number(res.headers.get('retry-after') ?? '1') };
}

/** Calls until the answer is not "try later" (503, commit_outcome_unknown), at most 40 times. */
async function patient(url, opts, stats) {
  for (let i = 0; ; i++) {
    const r = await call(url, opts);
    const later = r.status === 503 || r.body?.code === 'commit_outcome_unknown' || r.body?.code === 'idempotency_key_in_progress';
    if (!later || i >= 40) return r;
    stats.retries++;
    await sleep(Math.max(1, r.retryAfter) * 1000 * (0.5 + Math.random() / 2));
  }
}

function percentile(sorted, p) {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main() {
  const { proxyBin, sandboxBin, pgTempBin } = binaries();
  const cleanup = [];
  const tmp = mkdtempSync(join(tmpdir(), 'seatquote-sim-'));
  cleanup.push(() => rmSync(tmp, { recursive: true, force: true }));
  try {
    let dbUrl = opt['database-url'];
    if (!dbUrl && Number(opt.replicas) > 1) {
      if (!existsSync(pgTempBin)) throw new Error(`several replicas need one PostgreSQL: --database-url, or build ${pgTempBin} (cargo build -p seatquote-testkit)`);
      const pg = await start(pgTempBin, [], {}, 'pg-temp', /^(postgres(?:ql)?:\/\/\S+)$/m);
      cleanup.unshift(() => stop(pg.child));
      dbUrl = pg.base;
    }
    const replicas = Number(opt.replicas);
    const sandbox = await start(sandboxBin, [], {
      SEATQUOTE_TODAY: TODAY, SEATQUOTE_SANDBOX_GENERATE_CUSTOMERS: String(CUSTOMERS),
    }, 'cleverbridge-sandbox');
    cleanup.unshift(() => stop(sandbox.child));
    const key = await generateMerchantKey();
    const secret = randomBytes(32).toString('hex');
    const proxies = [];
    for (let i = 0; i < replicas; i++) {
      const env = {
        CLEVERBRIDGE_BASE_URL: `${sandbox.base}/sandbox/subscription/`,
        CLEVERBRIDGE_USERNAME: 'sandbox', CLEVERBRIDGE_PASSWORD: 'sandbox',
        SEATQUOTE_TOKEN_SECRET: secret, SEATQUOTE_JWKS: JSON.stringify(key.jwks),
        SEATQUOTE_JWT_AUDIENCE: AUDIENCE, SEATQUOTE_TODAY: TODAY,
        SEATQUOTE_POLICY: join(ROOT, 'crates', 'proxy', 'policy.demo.toml'),
        SEATQUOTE_DATA_DIR: join(tmp, `replica-${i}`),
        ...(dbUrl ? { SEATQUOTE_DATABASE_URL: dbUrl } : {}),
      };
      const p = await start(proxyBin, ['serve'], env, `seatquote-proxy #${i}`);
      cleanup.unshift(() => stop(p.child));
      proxies.push(p.base);
    }

    const stats = { retries: 0 };
    const outcomes = [];
    let next = 0;
    const started = performance.now();
    const one = async (i) => {
      const customer = `C-SIM-${String(i).padStart(5, '0')}`;
      const sub = `S${90000000 + i}`;
      const token = await mintToken({ ...key, audience: AUDIENCE }, { sub: customer, subscriptions: [sub], ttl: 3600 });
      // Each request to any replica, as a load balancer without sticky sessions would
      // (--sticky: each customer always to the same one).
      const home = proxies[i % proxies.length];
      const at = (path) => (opt.sticky ? home : proxies[Math.floor(Math.random() * proxies.length)]) + path;
      const out = { sub, target: 6 + (i % 20), committed: false, answer: null };
      const summary = await patient(at(`/api/subscriptions/${sub}`), { token }, stats);
      if (summary.status !== 200) { out.answer = `summary ${summary.status} ${summary.text}`; return out; }
      const pv = await patient(at(`/api/subscriptions/${sub}/items/1/preview`), {
        method: 'POST', token, body: { quantity: out.target, alignment: 'immediate' },
      }, stats);
      if (pv.status !== 200) { out.answer = `preview ${pv.status} ${pv.text}`; return out; }
      const t0 = performance.now();
      const c = await patient(at(`/api/subscriptions/${sub}/items/1/commit`), {
        method: 'POST', token, key: randomUUID(), body: { quoteToken: pv.body.quoteToken, consent: true },
      }, stats);
      out.latency = performance.now() - t0;
      out.committed = c.status === 200;
      out.answer = out.committed ? 'committed' : `commit ${c.status} ${c.text}`;
      return out;
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, CUSTOMERS) }, async () => {
      while (next < CUSTOMERS) {
        const i = ++next;
        outcomes.push(await one(i));
      }
    }));
    const seconds = (performance.now() - started) / 1000;

    // What the sandbox applied, against what each customer was told.
    const counters = await (await fetch(`${sandbox.base}/sandbox/_admin/counters`)).json();
    let lost = 0; let double = 0; let failed = 0;
    const problems = [];
    for (const o of outcomes) {
      const applied = counters.commits[o.sub] ?? 0;
      const qty = counters.quantities[o.sub]?.['1'];
      if (applied > 1) { double++; problems.push(`${o.sub}: applied ${applied} times`); }
      if (o.committed && (applied !== 1 || qty !== o.target)) { lost++; problems.push(`${o.sub}: told committed, applied ${applied}, quantity ${qty}`); }
      if (!o.committed) {
        failed++;
        if (applied > 0) { lost++; problems.push(`${o.sub}: told "${o.answer}", but applied`); }
      }
    }
    const committed = outcomes.filter((o) => o.committed).length;
    const lat = outcomes.filter((o) => o.committed).map((o) => o.latency).sort((a, b) => a - b);
    const result = {
      customers: CUSTOMERS, replicas, store: dbUrl ? 'postgresql' : 'sqlite',
      routing: opt.sticky || replicas === 1 ? 'sticky' : 'random',
      seconds: Number(seconds.toFixed(1)),
      committed, failed,
      changesPerSecond: Number((committed / seconds).toFixed(2)),
      upstreamCalls: counters.totalRequests,
      upstreamCallsPerChange: Number((counters.totalRequests / Math.max(1, committed)).toFixed(2)),
      commitP50ms: Math.round(percentile(lat, 50)), commitP99ms: Math.round(percentile(lat, 99)),
      clientRetries: stats.retries,
      lostCommits: lost, doubleCommits: double,
      sandboxMaxInAnySecond: counters.rate.maxInAnySecond, sandbox429s: counters.tooManySent,
    };
    if (opt.json) console.log(JSON.stringify(result));
    else {
      console.log(`seatquote sim: ${CUSTOMERS} customers, ${replicas} replica(s) on ${result.store}, one sandbox`);
      for (const [k, v] of Object.entries(result)) console.log(`  ${k.padEnd(24)} ${v}`);
    }
    for (const p of problems.slice(0, 20)) console.error(`  ! ${p}`);
    for (const o of outcomes.filter((x) => !x.committed).slice(0, 5)) console.error(`  ! ${o.sub}: ${o.answer}`);
    const bad = lost > 0 || double > 0 || failed > 0 || counters.tooManySent > 0 || counters.rate.maxInAnySecond > 30;
    return bad ? 1 : 0;
  } finally {
    for (const c of cleanup) await c();
  }
}

process.exitCode = await main();

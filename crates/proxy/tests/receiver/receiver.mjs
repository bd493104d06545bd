// A merchant's webhook endpoint for the proxy's delivery tests (crates/proxy/tests/proxy/workers/webhooks.rs).
// It verifies every delivery with the `standardwebhooks` npm package (the specification's
// published library, pinned in package.json), not with seatquote's code, and prints one
// JSON line per request on stdout:
//   {"id", "type", "subscription", "quantity", "purchase", "kind", "runningNumber",
//    "productAfter", "verified": [bool per secret], "tamperRejected", "overlap", "status"}
//
// Environment:
//   RECEIVER_PORT        port to listen on (0: any; printed as "listening on http://…")
//   RECEIVER_SECRETS     comma list of whsec_… secrets; each must verify every delivery alone
//   RECEIVER_FAIL_FIRST  answer 503 to this many first requests (default 0)
//   RECEIVER_DELAY_MS    wait this long before answering (default 0)
//   RECEIVER_FAIL_MATCH  answer 503 to every request whose body contains this text (default: none)
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';

const secrets = (process.env.RECEIVER_SECRETS ?? '').split(',').filter(Boolean);
const hooks = secrets.map((s) => new Webhook(s));
let failFirst = Number(process.env.RECEIVER_FAIL_FIRST ?? 0);
const delay = Number(process.env.RECEIVER_DELAY_MS ?? 0);
const failMatch = process.env.RECEIVER_FAIL_MATCH ?? '';
const inFlight = new Set();

function verifies(hook, body, headers) {
  try {
    hook.verify(body, headers);
    return true;
  } catch {
    return false;
  }
}

const server = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    const body = Buffer.concat(chunks).toString('utf8');
    const headers = {
      'webhook-id': req.headers['webhook-id'],
      'webhook-timestamp': req.headers['webhook-timestamp'],
      'webhook-signature': req.headers['webhook-signature'],
    };
    const verified = hooks.map((h) => verifies(h, body, headers));
    // The same headers with one byte of the body changed: the library must refuse it.
    const tampered = body.replace(/"quantity":(\d+)/, (_, n) => `"quantity":${Number(n) + 1}`);
    const tamperRejected = tampered !== body && hooks.every((h) => !verifies(h, tampered, headers));
    const id = headers['webhook-id'];
    const overlap = inFlight.has(id);
    inFlight.add(id);
    let parsed = {};
    try { parsed = JSON.parse(body); } catch { /* reported as unverified */ }
    if (delay) await new Promise((r) => setTimeout(r, delay));
    inFlight.delete(id);
    let status = verified.length > 0 && verified.every(Boolean) ? 200 : 400;
    if (status === 200 && failFirst > 0) {
      failFirst -= 1;
      status = 503;
    }
    if (status === 200 && failMatch && body.includes(failMatch)) status = 503;
    console.log(JSON.stringify({
      id, type: parsed.type, subscription: parsed.data?.subscriptionId, quantity: parsed.data?.quantity,
      purchase: parsed.data?.purchaseId, kind: parsed.data?.kind, runningNumber: parsed.data?.runningNumber,
      productAfter: parsed.data?.productAfter?.productId,
      verified, tamperRejected, overlap, status,
    }));
    res.writeHead(status, { 'content-type': 'text/plain' });
    res.end(status === 200 ? 'ok' : 'no');
  });
});
server.listen(Number(process.env.RECEIVER_PORT ?? 0), '127.0.0.1', () => {
  console.log(`listening on http://127.0.0.1:${server.address().port}`);
});

// The demo merchant's provisioning (docs/webhooks.md): it receives the proxy's webhooks at
// POST /webhooks/seatquote, verifies each with the `standardwebhooks` npm package (the
// Standard Webhooks specification's own library, never code of ours), and keeps the seats
// it has provisioned per subscription item — seeded from what the customer bought (the
// sandbox fixture), then moved only by `seat_change.applied` and
// `subscription.changed_outside` events. The account page shows that figure
// (GET /demo/provisioned), so it follows the webhooks, not the browser's own events.
import { randomBytes, createPublicKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Webhook } from 'standardwebhooks';
import { jwtVerify } from 'jose';

/** A fresh Standard Webhooks secret: whsec_ + base64 of 32 random bytes. */
export function newWebhookSecret() {
  return 'whsec_' + randomBytes(32).toString('base64');
}

/** Seats per `S…/runningNumber` from a sandbox fixture: what each customer bought. */
export function seatsFromFixture(path) {
  const seats = new Map();
  for (const s of JSON.parse(readFileSync(path, 'utf8')).subscriptions) {
    for (const i of s.items) seats.set(`${s.id}/${i.runningNo}`, i.quantity);
  }
  return seats;
}

function send(res, status, body) {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
}

async function readBody(req, limit) {
  const chunks = [];
  let size = 0;
  for await (const c of req) {
    size += c.length;
    if (size > limit) throw new Error('too large');
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The receiver: `secret` verifies the webhooks; `seats` seeds the provisioned figures;
 * `privateKeyPem` and `audience` check the customer token on GET /demo/provisioned.
 * Returns { receive(req, res), provisioned(req, res), seats, received }.
 */
export function createWebhookReceiver({ secret, seats = new Map(), privateKeyPem, audience }) {
  const hook = new Webhook(secret);
  const seen = new Set();
  const received = [];
  const publicKey = privateKeyPem ? createPublicKey(privateKeyPem) : null;

  /** POST /webhooks/seatquote: verify, then apply each event once (deliveries repeat). */
  async function receive(req, res) {
    let payload;
    try {
      const body = await readBody(req, 256 * 1024);
      payload = hook.verify(body, {
        'webhook-id': req.headers['webhook-id'],
        'webhook-timestamp': req.headers['webhook-timestamp'],
        'webhook-signature': req.headers['webhook-signature'],
      });
    } catch {
      return send(res, 400, { error: 'signature not verified' });
    }
    const id = req.headers['webhook-id'];
    if (!seen.has(id)) {
      seen.add(id);
      received.push(payload);
      const d = payload.data ?? {};
      if ((payload.type === 'seat_change.applied' || payload.type === 'subscription.changed_outside')
        && typeof d.subscriptionId === 'string' && Number.isInteger(d.quantity)) {
        seats.set(`${d.subscriptionId}/${d.runningNumber}`, d.quantity);
      }
    }
    send(res, 200, { received: true });
  }

  /** GET /demo/provisioned?subscription=S…: the signed-in customer's own subscription only. */
  async function provisioned(req, res) {
    const url = new URL(req.url, 'http://x');
    const sub = url.searchParams.get('subscription') ?? '';
    const token = (req.headers.authorization ?? '').replace(/^Bearer /, '');
    let claims;
    try {
      ({ payload: claims } = await jwtVerify(token, publicKey, { audience }));
    } catch {
      return send(res, 401, { error: 'sign in first' });
    }
    if (!Array.isArray(claims.subscriptions) || !claims.subscriptions.includes(sub)) {
      return send(res, 403, { error: 'not your subscription' });
    }
    const items = {};
    for (const [key, n] of seats) {
      const [s, item] = key.split('/');
      if (s === sub) items[item] = n;
    }
    send(res, 200, { subscriptionId: sub, items });
  }

  return { receive, provisioned, seats, received };
}

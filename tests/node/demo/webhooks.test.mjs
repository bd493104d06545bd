// The demo merchant's webhook receiver (demo/webhooks.mjs) on its own: deliveries signed
// with the `standardwebhooks` package's own signer are applied once per webhook-id; a
// tampered body, a wrong secret or a stale timestamp is refused by the package's verifier.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { Webhook } from 'standardwebhooks';
import { createWebhookReceiver, newWebhookSecret } from '../../../demo/webhooks.mjs';

const secret = newWebhookSecret();
let server, base, receiver;

before(async () => {
  receiver = createWebhookReceiver({ secret, seats: new Map([['S1/1', 1]]) });
  server = createServer((req, res) => receiver.receive(req, res));
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${server.address().port}`;
});
after(() => server.close());

function post(body, { id = 'evt_1', key = secret, at = new Date() } = {}) {
  const sig = new Webhook(key).sign(id, at, body);
  return fetch(base, {
    method: 'POST', body,
    headers: { 'webhook-id': id, 'webhook-timestamp': String(Math.floor(at / 1000)), 'webhook-signature': sig },
  });
}

const event = (q) => JSON.stringify({ id: 'evt_1', type: 'seat_change.applied', data: { subscriptionId: 'S1', runningNumber: 1, quantity: q } });

test('a verified delivery is applied once per webhook-id; tampered, foreign and stale ones are refused', async () => {
  assert.equal((await post(event(3))).status, 200);
  assert.equal(receiver.seats.get('S1/1'), 3);
  assert.equal((await post(event(3))).status, 200, 'a repeated delivery is acknowledged');
  assert.equal(receiver.received.length, 1, 'and applied once');

  const body = event(4);
  const sig = new Webhook(secret).sign('evt_2', new Date(), body);
  const tampered = await fetch(base, {
    method: 'POST', body: body.replace('"quantity":4', '"quantity":40'),
    headers: { 'webhook-id': 'evt_2', 'webhook-timestamp': String(Math.floor(Date.now() / 1000)), 'webhook-signature': sig },
  });
  assert.equal(tampered.status, 400);
  assert.equal((await post(event(5), { id: 'evt_3', key: newWebhookSecret() })).status, 400);
  assert.equal((await post(event(6), { id: 'evt_4', at: new Date(Date.now() - 3600_000) })).status, 400);
  assert.equal(receiver.seats.get('S1/1'), 3);
});

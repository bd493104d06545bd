// The demo-merchant flow with `jose`, as docs/tokens.md shows it: make a key pair (private
// PEM for the backend, JWKS for the proxy) in the directory given as argv[2], then mint a
// token with the five-line snippet. Prints {"token": "..."}; the test reads jwks.json.
import { SignJWT, importPKCS8, generateKeyPair, exportPKCS8, exportJWK, calculateJwkThumbprint } from 'jose';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2];
{
  const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), alg: 'EdDSA', use: 'sig' };
  jwk.kid = await calculateJwkThumbprint(jwk);
  writeFileSync(join(dir, 'private.pem'), await exportPKCS8(privateKey), { mode: 0o600 });
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify({ keys: [jwk] }, null, 2));
}

const privateKeyPem = readFileSync(join(dir, 'private.pem'), 'utf8');
const { kid } = JSON.parse(readFileSync(join(dir, 'jwks.json'), 'utf8')).keys[0];
const customer = { id: 'C-1001', subscriptionIds: ['S-1'] };

const key = await importPKCS8(privateKeyPem, 'EdDSA');
const token = await new SignJWT({ subscriptions: customer.subscriptionIds })
  .setProtectedHeader({ alg: 'EdDSA', kid }).setSubject(customer.id).setAudience('https://shop.example/seatquote')
  .setIssuedAt().setNotBefore('0s').setExpirationTime('15m').sign(key);
process.stdout.write(JSON.stringify({ token }));

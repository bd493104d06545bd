// Mints customer tokens with `jose` (npm), the way a merchant's Node backend does, for
// crates/auth/tests/auth/cross_language.rs. Reads a JSON spec on stdin (keys and cases, see that
// test), writes {"<case name>": "<token>"} on stdout.
import { SignJWT, UnsecuredJWT, base64url, importPKCS8 } from 'jose';

const spec = JSON.parse(await new Response(process.stdin).text());

async function signingKey(spec, c) {
  const k = spec.keys[c.key];
  switch (c.key) {
    case 'hs':
      return new TextEncoder().encode(k.secret);
    case 'ed_public_as_hmac':
      // An attacker's HS256 "secret": the published Ed25519 public key.
      return base64url.decode(k.x);
    default:
      return importPKCS8(k.pem, k.alg);
  }
}

async function mint(spec, c) {
  const k = spec.keys[c.key];
  if (c.key === 'none') {
    return new UnsecuredJWT(c.claims).encode();
  }
  const key = await signingKey(spec, c);
  const kid = c.kid ?? k.kid;
  if (c.claims === null) {
    // The documented snippet (docs/tokens.md): the library sets iat, nbf and exp from now.
    return new SignJWT({ subscriptions: ['S-1'] })
      .setProtectedHeader({ alg: k.alg, kid })
      .setSubject('C-1001').setAudience(spec.aud)
      .setIssuedAt().setNotBefore('0s').setExpirationTime('15m').sign(key);
  }
  const header = kid === undefined || kid === null ? { alg: k.alg } : { alg: k.alg, kid };
  return new SignJWT(c.claims).setProtectedHeader(header).sign(key);
}

const out = {};
for (const c of spec.cases) out[c.name] = await mint(spec, c);
process.stdout.write(JSON.stringify(out));

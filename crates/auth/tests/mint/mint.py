"""Mints customer tokens with PyJWT, the way a merchant's Python backend does, for
crates/auth/tests/auth/cross_language.rs. Reads a JSON spec on stdin (keys and cases, see that
test), writes {"<case name>": "<token>"} on stdout."""

import base64
import json
import sys
import time

import jwt


def b64url_decode(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))


def mint(spec, case):
    k = spec["keys"][case["key"]]
    kid = case.get("kid") or k.get("kid")
    headers = {"kid": kid} if kid else None
    if case["key"] == "none":
        return jwt.encode(case["claims"], None, algorithm="none")
    if case["key"] == "hs":
        key = k["secret"]
    elif case["key"] == "ed_public_as_hmac":
        # An attacker's HS256 "secret": the published Ed25519 public key.
        key = b64url_decode(k["x"])
    else:
        key = k["pem"]
    if case["claims"] is None:
        # The documented snippet (docs/tokens.md).
        now = int(time.time())
        claims = {"sub": "C-1001", "subscriptions": ["S-1"], "aud": spec["aud"],
                  "iat": now, "nbf": now, "exp": now + 15 * 60}
        return jwt.encode(claims, key, algorithm=k["alg"], headers=headers)
    return jwt.encode(case["claims"], key, algorithm=k["alg"], headers=headers)


spec = json.load(sys.stdin)
json.dump({c["name"]: mint(spec, c) for c in spec["cases"]}, sys.stdout)

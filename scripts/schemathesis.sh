#!/usr/bin/env bash
# Runs schemathesis (pinned in scripts/bootstrap.sh, installed in .venv/) against a running
# proxy and its sandbox, with a real customer token (C-1001) and every check, for about
# MAX_TIME seconds (default 80). Binaries: SEATQUOTE_PROXY_BIN (default target/debug) and
# its sibling cleverbridge-sandbox. Exit status: schemathesis's (0: no failure). One worker:
# with several, hypothesis parses lambdas' source in parallel threads and trips a CPython
# 3.11 `ast` bug ("AST constructor recursion depth mismatch") that schemathesis reports as
# a runtime error.
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
PROXY_BIN="${SEATQUOTE_PROXY_BIN:-$ROOT/target/debug/seatquote-proxy}"
SANDBOX_BIN="${SEATQUOTE_SANDBOX_BIN:-$(dirname "$PROXY_BIN")/cleverbridge-sandbox}"
ST="$ROOT/.venv/bin/schemathesis"
[ -x "$ST" ] || { echo "schemathesis is missing: bash scripts/bootstrap.sh" >&2; exit 1; }
TMP="$(mktemp -d)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$TMP"; }
trap cleanup EXIT
wait_url() { # file -> prints base url
  for _ in $(seq 1 150); do
    if grep -q '^listening on ' "$1" 2>/dev/null; then sed -n 's/^listening on //p' "$1" | head -1; return; fi
    sleep 0.1
  done
  echo "server did not start: $(cat "$1" "$1.err" 2>/dev/null)" >&2; exit 1
}
SECRET="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
# The merchant's key pair: the proxy gets the public JWKS, the token is minted with the
# private key (as a merchant's backend would, here through the operator's `token`).
AUDIENCE="https://schemathesis.test/seatquote"
"$PROXY_BIN" keys --private-key "$TMP/merchant.pem" >"$TMP/jwks.json" 2>/dev/null
KID="$(sed -n 's/.*"kid": *"\([^"]*\)".*/\1/p' "$TMP/jwks.json" | head -1)"
PORT=0 SEATQUOTE_TODAY=2026-05-13 SEATQUOTE_SANDBOX_RATE_LIMIT=0 RUST_LOG=warn \
  "$SANDBOX_BIN" >"$TMP/sandbox.out" 2>"$TMP/sandbox.out.err" &
PIDS+=($!)
SB="$(wait_url "$TMP/sandbox.out")"
PORT=0 CLEVERBRIDGE_BASE_URL="$SB/sandbox/subscription/" CLEVERBRIDGE_USERNAME=sandbox CLEVERBRIDGE_PASSWORD=sandbox \
  SEATQUOTE_TOKEN_SECRET="$SECRET" SEATQUOTE_JWKS="$TMP/jwks.json" SEATQUOTE_JWT_AUDIENCE="$AUDIENCE" SEATQUOTE_DATA_DIR="$TMP/data" SEATQUOTE_TODAY=2026-05-13 \
  SEATQUOTE_POLICY="$ROOT/crates/proxy/policy.demo.toml" RUST_LOG=error \
  "$PROXY_BIN" serve >"$TMP/proxy.out" 2>"$TMP/proxy.out.err" &
PIDS+=($!)
PX="$(wait_url "$TMP/proxy.out")"
TOKEN="$("$PROXY_BIN" token --key "$TMP/merchant.pem" --kid "$KID" --audience "$AUDIENCE" --customer C-1001 \
  --subscription S68841753 --subscription S70000001 --subscription S70000002 --subscription S70000006 --ttl 1h)"
log "schemathesis $("$ST" --version | awk '{print $NF}') against $PX (all checks, ${MAX_TIME:-80} s)"
"$ST" --config-file "$ROOT/tests/schemathesis.toml" run "$PX/api/openapi.json" --checks all -H "Authorization: Bearer $TOKEN" \
  --max-time "${MAX_TIME:-80}" --workers 1 --seed 1 --no-color "$@"

#!/usr/bin/env bash
# Benchmark: previews/s and p50/p99 through the proxy and directly against the sandbox,
# plus the proxy's memory. Needs wrk (Debian package `wrk`). DURATION=10s CONNECTIONS=16.
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-16}"
command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
# The fixed clock (SEATQUOTE_TODAY) is a test and demo feature (docs/proxy.md "One clock").
cargo build --release -p seatquote-proxy -p seatquote-sandbox --features fixed-clock >&2
BIN=target/release/seatquote-proxy
SANDBOX_BIN=target/release/cleverbridge-sandbox
TMP="$(mktemp -d)"
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$TMP"; }
trap cleanup EXIT

wait_url() { # file -> prints base url
  for _ in $(seq 1 100); do
    if grep -q '^listening on ' "$1" 2>/dev/null; then sed -n 's/^listening on //p' "$1" | head -1; return; fi
    sleep 0.1
  done
  echo "server did not start" >&2; exit 1
}

SECRET="bench-secret-0123456789abcdef-0123456789"
AUDIENCE="https://bench.test/seatquote"
"$BIN" keys --private-key "$TMP/merchant.pem" >"$TMP/jwks.json" 2>/dev/null
KID="$(sed -n 's/.*"kid": *"\([^"]*\)".*/\1/p' "$TMP/jwks.json" | head -1)"
PORT=0 SEATQUOTE_TODAY=2026-05-13 SEATQUOTE_SANDBOX_RATE_LIMIT=0 RUST_LOG=warn \
  "$SANDBOX_BIN" >"$TMP/sandbox.out" 2>/dev/null &
PIDS+=($!)
SB="$(wait_url "$TMP/sandbox.out")"
PORT=0 CLEVERBRIDGE_BASE_URL="$SB/sandbox/subscription/" CLEVERBRIDGE_USERNAME=sandbox CLEVERBRIDGE_PASSWORD=sandbox \
  SEATQUOTE_TOKEN_SECRET="$SECRET" SEATQUOTE_JWKS="$TMP/jwks.json" SEATQUOTE_JWT_AUDIENCE="$AUDIENCE" SEATQUOTE_DATA_DIR="$TMP/data" SEATQUOTE_TODAY=2026-05-13 \
  SEATQUOTE_POLICY=crates/proxy/policy.demo.toml RUST_LOG=warn \
  "$BIN" serve >"$TMP/proxy.out" 2>/dev/null &
PROXY_PID=$!
PIDS+=($PROXY_PID)
PX="$(wait_url "$TMP/proxy.out")"
TOKEN="$("$BIN" token --key "$TMP/merchant.pem" --kid "$KID" --audience "$AUDIENCE" --customer C-1001 --subscription S68841753 --ttl 1h)"

cat >"$TMP/proxy.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"quantity":2,"alignment":"immediate"}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA
cat >"$TMP/sandbox.lua" <<LUA
wrk.method = "POST"
wrk.body = '{"ProductId":294835,"RunningNumber":1,"SubscriptionId":"S68841753","UpdateAction":1,"Quantity":2,"GenerateMail":false,"AlignmentSettings":{"AlignToCurrentInterval":true,"GetCustomerPricePreviewOnly":true,"ExtendInterval":false}}'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Accept"] = "application/json"
wrk.headers["Authorization"] = "Basic c2FuZGJveDpzYW5kYm94"
LUA

run() { # name url script
  local out
  out="$(wrk -t2 -c"$CONNECTIONS" -d"$DURATION" --latency -s "$3" "$2")"
  local rps p50 p99 non2xx
  rps="$(awk '/^Requests\/sec/ {print $2}' <<<"$out")"
  p50="$(awk '$1=="50%" {print $2}' <<<"$out")"
  p99="$(awk '$1=="99%" {print $2}' <<<"$out")"
  non2xx="$(awk '/Non-2xx/ {print $NF}' <<<"$out")"
  printf '%-28s %10s previews/s   p50 %-9s p99 %-9s non-2xx %s\n' "$1" "$rps" "$p50" "$p99" "${non2xx:-0}"
}

# Warm up both.
curl -s -o /dev/null -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"quantity":2,"alignment":"immediate"}' "$PX/api/subscriptions/S68841753/items/1/preview"
echo "wrk: 2 threads, $CONNECTIONS connections, $DURATION each (release build, 2-core machine)"
run "through the proxy" "$PX/api/subscriptions/S68841753/items/1/preview" "$TMP/proxy.lua"
run "directly, sandbox" "$SB/sandbox/subscription/updatesubscriptionitem" "$TMP/sandbox.lua"
RSS_KB="$(ps -o rss= -p "$PROXY_PID" | tr -d ' ')"
echo "proxy RSS after the run: $((RSS_KB / 1024)) MiB ($RSS_KB KiB)"
echo "upstream calls made by the proxy during the run:"
curl -s "$PX/metrics" | grep -E '^seatquote_upstream_(requests|coalesced)_total' || true

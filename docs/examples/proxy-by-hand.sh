# The proxy against the sandbox by hand (docs/proxy.md); run from the repository root.
set -euo pipefail
cargo build --release -p seatquote-proxy -p seatquote-sandbox --features fixed-clock
export SEATQUOTE_TODAY=2026-05-13   # one clock: the sandbox and the proxy both read it
DIR=$(mktemp -d)
PORT=8081 target/release/cleverbridge-sandbox > "$DIR/sandbox.log" 2>&1 &
SANDBOX_PID=$!
target/release/seatquote-proxy keys --private-key "$DIR/private.pem" > "$DIR/jwks.json"
KID=$(jq -r '.keys[0].kid' "$DIR/jwks.json")
TOKEN=$(target/release/seatquote-proxy token --key "$DIR/private.pem" --kid "$KID" \
  --customer C-1001 --subscription S68841753 --audience urn:seatquote:by-hand)
PORT=8080 \
CLEVERBRIDGE_BASE_URL=http://127.0.0.1:8081/sandbox/subscription/ \
CLEVERBRIDGE_USERNAME=sandbox CLEVERBRIDGE_PASSWORD=sandbox \
SEATQUOTE_TOKEN_SECRET="$(openssl rand -hex 32)" \
SEATQUOTE_JWKS="$DIR/jwks.json" SEATQUOTE_JWT_AUDIENCE=urn:seatquote:by-hand \
SEATQUOTE_POLICY=crates/proxy/policy.demo.toml SEATQUOTE_DATA_DIR="$DIR/data" \
target/release/seatquote-proxy serve > "$DIR/proxy.log" 2>&1 &
PROXY_PID=$!
trap 'kill $PROXY_PID $SANDBOX_PID; rm -rf "$DIR"' EXIT
for url in http://127.0.0.1:8081/healthz http://127.0.0.1:8080/healthz; do
  for _ in $(seq 100); do curl -sf "$url" > /dev/null && break; sleep 0.1; done
done
curl -sS -H "Authorization: Bearer $TOKEN" http://127.0.0.1:8080/api/subscriptions/S68841753
echo
curl -sS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"quantity":2,"alignment":"immediate"}' \
  http://127.0.0.1:8080/api/subscriptions/S68841753/items/1/preview
echo

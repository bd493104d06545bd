#!/usr/bin/env bash
# `npm test`: installs what is missing (scripts/bootstrap.sh), then runs every test.
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
bash scripts/bootstrap.sh

step() { log "── $*"; }
# The proxy's test-only failpoints (SEATQUOTE_FAILPOINT): on in test builds, never in
# `cargo build --release -p seatquote-proxy`.
FAILPOINTS=seatquote-proxy/failpoints
step "cargo fmt --check"
cargo fmt --all --check
step "cargo clippy (native, all targets)"
cargo clippy --workspace --all-targets --features "$FAILPOINTS" --quiet -- -D warnings
step "cargo clippy (wasm32, with the widget)"
cargo clippy --target wasm32-unknown-unknown -p seatquote --all-targets --features widget --quiet -- -D warnings
step "cargo test --workspace (engine, golden table, properties, wire types, proxy in-process and over loopback, sandbox)"
cargo test --workspace --features "$FAILPOINTS" --quiet
step "schemathesis: the proxy against its OpenAPI document (all checks, ~80 s)"
SEATQUOTE_PROXY_BIN="$ROOT/target/debug/seatquote-proxy" bash scripts/schemathesis.sh
step "npm run build (release wasm, wasm-bindgen, wasm-opt -Oz)"
bash scripts/build.sh
step "wasm-pack test --headless --chrome (wasm-bindgen-test in Chromium)"
CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}" wasm-pack test --headless --chrome -- --features widget
step "load simulation, short: 40 customers through 3 replicas on one PostgreSQL (pg-temp), no lost or double commit, never over 30 requests/s upstream (~15 s)"
SEATQUOTE_PROXY_BIN="$ROOT/target/debug/seatquote-proxy" node bench/sim.mjs --customers 40 --replicas 3
step "node --test tests/node (the packed package in plain Node; the demo merchant)"
node --test --test-reporter=dot tests/node/
if compgen -G "tests/e2e/*.test.mjs" >/dev/null; then
  step "node --test tests/e2e (Playwright + Chromium against the demo merchant, the proxy and the sandbox)"
  # The binaries `cargo test` built above (a release build would add minutes on a cold
  # machine); the sandbox is the proxy's sibling cleverbridge-sandbox.
  SEATQUOTE_PROXY_BIN="$ROOT/target/debug/seatquote-proxy" node --test --test-concurrency=1 --test-reporter=spec tests/e2e/
fi
log "all tests passed"

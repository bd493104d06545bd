#!/usr/bin/env bash
# `npm test`: installs what is missing (scripts/bootstrap.sh), then runs every test.
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
bash scripts/bootstrap.sh

step() { log "── $*"; }
step "cargo fmt --check"
cargo fmt --all --check
step "cargo clippy (native, all targets)"
cargo clippy --workspace --all-targets --quiet -- -D warnings
step "cargo clippy (wasm32, with the widget)"
cargo clippy --target wasm32-unknown-unknown -p seatquote --all-targets --features widget --quiet -- -D warnings
step "cargo test --workspace (engine, golden table, properties, wire types, proxy over loopback)"
cargo test --workspace --quiet
step "npm run build (release wasm, wasm-bindgen, wasm-opt -Oz)"
bash scripts/build.sh
step "wasm-pack test --headless --chrome (wasm-bindgen-test in Chromium)"
CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}" wasm-pack test --headless --chrome -- --features widget
step "node --test tests/node (the packed package in plain Node)"
node --test --test-reporter=dot tests/node/
if compgen -G "tests/e2e/*.test.mjs" >/dev/null; then
  step "node --test tests/e2e (Playwright + Chromium against the real proxy and sandbox)"
  # The proxy binary `cargo test` built above (a release build would add minutes on a cold machine).
  SEATQUOTE_PROXY_BIN="$ROOT/target/debug/seatquote-proxy" node --test --test-concurrency=1 --test-reporter=spec tests/e2e/
fi
log "all tests passed"

#!/usr/bin/env bash
# `npm run bench:widget`: builds the package and the proxy, then prints the gzipped sizes
# (quote-only module; full widget = wasm + JS glue after wasm-opt), navigation → first
# rendered figures, p50/p99 stepper click → updated estimate over 200 clicks, measured
# in the page with performance.now() (real Chromium, real sandbox, proxy and demo merchant),
# and Lighthouse (npm, pinned) on both demo pages against the system Chromium, headless.
. "$(dirname "$0")/../scripts/lib.sh"
cd "$ROOT"
if [ "${SKIP_BUILD:-}" != 1 ]; then
  bash scripts/bootstrap.sh
  bash scripts/build.sh
  cargo build --quiet --release -p seatquote-proxy -p seatquote-sandbox --features fixed-clock
fi
node bench/widget.mjs

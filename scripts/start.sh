#!/usr/bin/env bash
# `npm start`: builds the package, the proxy and the sandbox (each skipped when up to date:
# scripts/build.sh keeps pkg/ and its stamp, cargo the binaries), then runs the demo
# (demo/launch.mjs): the Cleverbridge sandbox, the proxy pointed at it with real
# configuration, and the demo merchant serving the pages (www/), the package (/pkg/) and
# the proxy under /api/. Prints one URL; Ctrl-C stops all three. PORT (default 8080) is
# the merchant's port; SEATQUOTE_TODAY pins the demo's date (the sandbox's and the proxy's:
# this build has the proxy's fixed-clock feature, docs/proxy.md "One clock").
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
bash scripts/bootstrap.sh
bash scripts/build.sh
log "building the proxy and the sandbox"
cargo build --quiet --release -p seatquote-proxy -p seatquote-sandbox --features fixed-clock
exec node demo/launch.mjs

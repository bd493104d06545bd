#!/usr/bin/env bash
# `npm start`: builds the package and the proxy, then runs the proxy in sandbox mode
# (built-in Cleverbridge sandbox, no credentials) serving the demo merchant page (www/)
# and the built package (/pkg/). Set PORT to change the port (default 8080).
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
bash scripts/bootstrap.sh
bash scripts/build.sh
log "building the proxy"
cargo build --quiet --release -p seatquote-proxy
export SEATQUOTE_STATIC_DIR="$ROOT/www" SEATQUOTE_PKG_DIR="$ROOT/pkg"
export SEATQUOTE_DATA_DIR="${SEATQUOTE_DATA_DIR:-$ROOT/.seatquote}"
log "starting the proxy in sandbox mode (Ctrl-C to stop); open the URL below"
exec "$ROOT/target/release/seatquote-proxy" serve

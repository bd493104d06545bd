#!/usr/bin/env bash
# Installs what the build and the tests need, idempotently: fast when all is present.
#   rust wasm32 target, wasm-bindgen-cli (= the Cargo.toml pin), wasm-pack,
#   Debian chromium + chromium-driver + wrk (when missing and apt is usable), npm deps.
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  log "installing the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

cargo_install() { # name version-or-empty
  local args=("$1"); [ -n "${2:-}" ] && args+=(--version "$2")
  log "installing $1 ${2:-} (a few minutes on a cold machine)"
  # --locked first; the registry mirror can lag behind a lockfile, then resolve afresh.
  cargo install --locked "${args[@]}" || cargo install "${args[@]}"
}
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  cargo_install wasm-bindgen-cli "$WASM_BINDGEN_VERSION"
fi
command -v wasm-pack >/dev/null || cargo_install wasm-pack ""

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v wrk >/dev/null || missing+=(wrk)
if command -v dpkg >/dev/null && ! dpkg -s fonts-ipafont-gothic >/dev/null 2>&1; then missing+=(fonts-ipafont-gothic); fi # ja-JP glyphs (￥) in screenshots
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    log "installing ${missing[*]} from Debian"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  else
    log "missing ${missing[*]} and apt-get is not usable here: browser tests and benches will fail"
  fi
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  log "installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
fi

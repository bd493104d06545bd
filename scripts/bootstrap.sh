#!/usr/bin/env bash
# Installs what the build and the tests need, idempotently: fast when all is present.
#   rust wasm32 target, wasm-bindgen-cli (= the Cargo.toml pin), wasm-pack,
#   Debian chromium + chromium-driver + wrk + postgresql (when missing and apt is usable), npm deps,
#   schemathesis (= SCHEMATHESIS_VERSION, from PyPI into .venv/).
. "$(dirname "$0")/lib.sh"
cd "$ROOT"

if ! rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown; then
  log "installing the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown
fi

# rust-src for the nightly wasm builds (scripts/lib.sh, wasm_nightly). Optional: when it
# cannot be installed, the build uses the stable toolchain and says so.
if [ "${SEATQUOTE_WASM_TOOLCHAIN:-nightly}" = nightly ] && rustup run nightly rustc --version >/dev/null 2>&1 \
  && ! wasm_nightly; then
  log "adding rust-src to the nightly toolchain (for the size-tuned wasm builds)"
  timeout 300 rustup component add rust-src --toolchain nightly \
    || log "rust-src could not be installed: the wasm modules will be built with stable (larger)"
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
# jq, curl and openssl for the tested by-hand recipe (docs/examples/proxy-by-hand.sh).
command -v jq >/dev/null || missing+=(jq)
command -v curl >/dev/null || missing+=(curl)
command -v openssl >/dev/null || missing+=(openssl)
# Asked of python3 only while a venv is still to be made (starting python3 can take a second).
{ [ -x .venv/bin/python ] && [ -x .tools/venv-tokens/bin/python ]; } \
  || python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
# PostgreSQL's server binaries for the store tests (crates/testkit starts a throw-away server).
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || missing+=(postgresql)
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

# By content, not mtime: a merge or checkout can change the lockfile without making it newer.
if ! cmp -s package-lock.json node_modules/.seatquote-installed-lock.json 2>/dev/null; then
  log "installing npm dependencies"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json node_modules/.seatquote-installed-lock.json
fi

# ── Python + PyJWT for the cross-language customer-token test ────────────────────────────
# crates/auth/tests/auth/cross_language.rs mints tokens with PyJWT (and with jose from npm) and
# checks the Rust verifier accepts and refuses them. Own venv, pinned requirements,
# reinstalled only when the requirements file changes.
TOKENS_VENV="$ROOT/.tools/venv-tokens"
TOKENS_REQS="$ROOT/crates/auth/tests/mint/requirements.txt"
if [ ! -x "$TOKENS_VENV/bin/python" ] || ! cmp -s "$TOKENS_REQS" "$TOKENS_VENV/.installed-requirements.txt"; then
  log "installing PyJWT + cryptography into .tools/venv-tokens"
  if ! python3 -m venv "$TOKENS_VENV" 2>/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
      apt-get update -qq
      DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
      python3 -m venv "$TOKENS_VENV"
    else
      log "python3 -m venv is not usable here: the cross-language token test will fail"
    fi
  fi
  if [ -x "$TOKENS_VENV/bin/pip" ]; then
    "$TOKENS_VENV/bin/pip" install --quiet --disable-pip-version-check -r "$TOKENS_REQS"
    cp "$TOKENS_REQS" "$TOKENS_VENV/.installed-requirements.txt"
  fi
fi

SCHEMATHESIS_VERSION=4.32.5
# Its version from the installed distribution's metadata folder: asking the command costs
# about two seconds of imports on every bootstrap.
if ! compgen -G ".venv/lib/python3*/site-packages/schemathesis-$SCHEMATHESIS_VERSION.dist-info" >/dev/null; then
  log "installing schemathesis $SCHEMATHESIS_VERSION into .venv/"
  [ -x .venv/bin/pip ] || python3 -m venv .venv
  .venv/bin/pip install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi

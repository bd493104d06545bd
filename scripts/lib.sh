# Shared helpers for the scripts in this folder. Source it: `. "$(dirname "$0")/lib.sh"`.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export PATH="$HOME/.cargo/bin:$ROOT/node_modules/.bin:$PATH"
# Keep the OS's old wasm-opt (Debian binaryen 108) out of wasm-pack's way: npm binaryen first.
WASM_BINDGEN_VERSION="$(sed -n 's/^wasm-bindgen = "=\(.*\)"/\1/p' "$ROOT/Cargo.toml")"
WASM_OPT_FLAGS=(-Oz --enable-reference-types --enable-bulk-memory --enable-nontrapping-float-to-int
  --enable-sign-ext --enable-mutable-globals --enable-multivalue)
# The toolchain for the browser wasm builds (DESIGN.md, "Size and speed"): a nightly with
# `rust-src` rebuilds the standard library with `panic=immediate-abort` and
# `optimize_for_size`, which drops panic formatting and `std::fmt` from the modules (about
# 5.5 KB gzipped each). Without one (or with SEATQUOTE_WASM_TOOLCHAIN=stable) the pinned
# stable toolchain builds the same code, a little larger. `wasm_nightly` answers which.
wasm_nightly() {
  [ "${SEATQUOTE_WASM_TOOLCHAIN:-nightly}" = nightly ] || return 1
  rustup run nightly rustc --version >/dev/null 2>&1 || return 1
  [ -d "$(rustup run nightly rustc --print sysroot 2>/dev/null)/lib/rustlib/src/rust/library" ]
}

# The files the package in pkg/ is built from (scripts/build.sh), tracked or not, minus
# what git ignores; the whole folders when this is not a git checkout.
BUILD_INPUTS=(Cargo.toml Cargo.lock rust-toolchain.toml package-lock.json src crates/core/src
  crates/core/Cargo.toml js scripts/build.sh scripts/lib.sh scripts/hash-assets.mjs
  scripts/short-imports.mjs)
# A hash of the build's inputs, by content (a checkout or merge can leave mtimes anywhere),
# and of the wasm toolchain choice (wasm_nightly). scripts/build.sh keeps it in pkg/.build-stamp.
build_stamp() {
  ( cd "$ROOT"
    if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
      git ls-files -co --exclude-standard -- "${BUILD_INPUTS[@]}"
    else
      find "${BUILD_INPUTS[@]}" -type f
    fi | LC_ALL=C sort -u | while IFS= read -r f; do [ -f "$f" ] && printf '%s\0' "$f"; done \
      | xargs -0 sha256sum
    if wasm_nightly; then rustup run nightly rustc --version; else echo "stable $(rustc --version)"; fi
  ) | sha256sum | cut -d' ' -f1
}
# Whether pkg/ is whole and was built from inputs with this stamp.
pkg_is_current() {
  [ "$(cat "$ROOT/pkg/.build-stamp" 2>/dev/null)" = "$1" ] || return 1
  local f
  for f in quote.js quote_bg.wasm quote_speed_bg.wasm node.js assets/manifest.json; do
    [ -f "$ROOT/pkg/$f" ] || return 1
  done
}
# Puts the folder $1 in the place of $2 in one step: renameat2(RENAME_EXCHANGE) swaps the
# two names atomically, then the old one is removed. Where that call is missing, two renames
# (pkg/ is absent for the moment between them).
swap_dir() {
  local new="$1" dest="$2"
  if [ ! -e "$dest" ]; then mv "$new" "$dest"; return; fi
  if python3 - "$new" "$dest" 2>/dev/null <<'PY'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD, RENAME_EXCHANGE = -100, 2
if libc.renameat2(AT_FDCWD, os.fsencode(sys.argv[1]), AT_FDCWD, os.fsencode(sys.argv[2]), RENAME_EXCHANGE) != 0:
    sys.exit(1)
PY
  then
    rm -rf "$new"
  else
    local old="$dest.old.$$"
    mv "$dest" "$old" && mv "$new" "$dest" && rm -rf "$old"
  fi
}
log() { printf '\033[1m[seatquote]\033[0m %s\n' "$*" >&2; }

# ── For the steps in scripts/ci/ (docs/testing.md) ─────────────────────────────────────
# The proxy's test-only failpoints (SEATQUOTE_FAILPOINT) and fixed clock (SEATQUOTE_TODAY)
# are on in its test builds by its dev-dependency on itself, never in
# `cargo build --release -p seatquote-proxy`.
CARGO_TEST=(cargo test --workspace)
# scripts/bootstrap.sh, unless the runner (scripts/ci/run) has already run it.
bootstrap_once() {
  [ "${SEATQUOTE_BOOTSTRAPPED:-}" = 1 ] && return
  bash "$ROOT/scripts/bootstrap.sh"
  export SEATQUOTE_BOOTSTRAPPED=1
}
# The debug proxy, sandbox and pg-temp, built with the rust-tests step's own flags: nothing
# to do right after that step; alone, it builds what that step would. Exports
# SEATQUOTE_PROXY_BIN (the sandbox is its sibling).
need_debug_bins() {
  "${CARGO_TEST[@]}" --no-run --quiet
  local bin
  for bin in seatquote-proxy cleverbridge-sandbox pg-temp; do
    [ -x "$ROOT/target/debug/$bin" ] || { log "target/debug/$bin is missing: run bash scripts/ci/rust-tests"; exit 1; }
  done
  export SEATQUOTE_PROXY_BIN="$ROOT/target/debug/seatquote-proxy"
}
# pkg/ built and current (scripts/build.sh: skipped when up to date).
need_pkg() { bash "$ROOT/scripts/build.sh"; }

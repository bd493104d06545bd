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
log() { printf '\033[1m[seatquote]\033[0m %s\n' "$*" >&2; }

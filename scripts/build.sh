#!/usr/bin/env bash
# Builds the npm package into pkg/: the quote-only module (quote_bg.wasm) and the widget
# (widget_bg.wasm), each through wasm-bindgen and npm binaryen's `wasm-opt -Oz`.
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
OUT="$ROOT/pkg"
WASM="$ROOT/target/wasm32-unknown-unknown/wasm/seatquote.wasm"
rm -rf "$OUT" && mkdir -p "$OUT"

build_one() { # out-name cargo-args...
  local name="$1"; shift
  log "building $name.wasm"
  cargo build --quiet --target wasm32-unknown-unknown --profile wasm -p seatquote "$@"
  wasm-bindgen --target web --out-dir "$OUT" --out-name "$name" "$WASM"
  wasm-opt "${WASM_OPT_FLAGS[@]}" "$OUT/${name}_bg.wasm" -o "$OUT/${name}_bg.wasm"
}
build_one quote
if grep -q '^widget = ' Cargo.toml && [ -d src/widget ]; then
  build_one widget --features widget
fi
cp js/* "$OUT/"
log "built $(ls "$OUT" | tr '\n' ' ')"

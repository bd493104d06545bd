#!/usr/bin/env bash
# Builds the npm package into pkg/: the quote-only module (quote_bg.wasm, tuned for speed:
# cargo profile `wasm-speed`, `wasm-opt -O3`) and the widget (widget_bg.wasm, tuned for size:
# profile `wasm`, `wasm-opt -Oz`), each through wasm-bindgen.
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
OUT="$ROOT/pkg"
rm -rf "$OUT" && mkdir -p "$OUT"

build_one() { # out-name cargo-profile wasm-opt-level cargo-args...
  local name="$1" profile="$2" level="$3"; shift 3
  log "building $name.wasm (profile $profile, wasm-opt $level)"
  cargo build --quiet --target wasm32-unknown-unknown --profile "$profile" -p seatquote "$@"
  wasm-bindgen --target web --out-dir "$OUT" --out-name "$name" \
    "$ROOT/target/wasm32-unknown-unknown/$profile/seatquote.wasm"
  wasm-opt "$level" "${WASM_OPT_FLAGS[@]:1}" "$OUT/${name}_bg.wasm" -o "$OUT/${name}_bg.wasm"
}
build_one quote wasm-speed -O3
if grep -q '^widget = ' Cargo.toml && [ -d src/widget ]; then
  build_one widget wasm -Oz --features widget
fi
cp js/* "$OUT/"
log "built $(ls "$OUT" | tr '\n' ' ')"

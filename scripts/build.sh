#!/usr/bin/env bash
# Builds the npm package into pkg/, each module through wasm-bindgen:
# - quote_bg.wasm: the quote module for browsers and bundlers, tuned for size (cargo profile
#   `wasm`, `wasm-opt -Oz`);
# - quote_speed_bg.wasm: the same module tuned for speed (profile `wasm-speed`,
#   `wasm-opt -O3`), which Node loads; its JS glue must be identical to quote_bg.wasm's
#   (checked here), so one quote.js serves both;
# - widget_bg.wasm: the widget, which also carries the quote exports (one engine per page),
#   tuned for size.
# Then every JS file is minified (esbuild), and the demo's content-hashed copies plus a
# manifest are written to pkg/assets/ (scripts/hash-assets.mjs; not part of the npm package).
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
OUT="$ROOT/pkg"
TMP="$ROOT/target/pkg-tmp"
rm -rf "$OUT" "$TMP" && mkdir -p "$OUT" "$TMP"

if wasm_nightly; then
  # std rebuilt without panic formatting; its own target dir, so the stable builds of the
  # workspace are not invalidated by a toolchain switch.
  TOOLCHAIN="$(rustup run nightly rustc --version)"
  CARGO_WASM=(cargo +nightly build -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size
    --target-dir "$ROOT/target/wasm-nightly")
  WASM_RUSTFLAGS="-Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none -Zfmt-debug=none"
  WASM_TARGET_DIR="$ROOT/target/wasm-nightly"
else
  TOOLCHAIN="$(rustc --version) (stable: larger modules)"
  CARGO_WASM=(cargo build)
  WASM_RUSTFLAGS=""
  WASM_TARGET_DIR="$ROOT/target"
fi
log "wasm toolchain: $TOOLCHAIN"
build_one() { # out-dir out-name cargo-profile wasm-opt-level cargo-args...
  local dir="$1" name="$2" profile="$3" level="$4"; shift 4
  log "building $name.wasm (profile $profile, wasm-opt $level)"
  if ! RUSTFLAGS="$WASM_RUSTFLAGS" "${CARGO_WASM[@]}" --quiet --target wasm32-unknown-unknown \
    --profile "$profile" -p seatquote "$@"; then
    # The nightly path can fail where stable would not (say, a crate the rebuilt std needs
    # is not in the registry mirror): build everything again with stable, larger but whole.
    if [ "${SEATQUOTE_WASM_TOOLCHAIN:-nightly}" = nightly ] && wasm_nightly; then
      log "the nightly wasm build failed: building every module with the stable toolchain"
      exec env SEATQUOTE_WASM_TOOLCHAIN=stable bash "$ROOT/scripts/build.sh"
    fi
    exit 1
  fi
  wasm-bindgen --target web --out-dir "$dir" --out-name "$name" \
    "$WASM_TARGET_DIR/wasm32-unknown-unknown/$profile/seatquote.wasm"
  wasm-opt "$level" "${WASM_OPT_FLAGS[@]:1}" --converge "$dir/${name}_bg.wasm" -o "$dir/${name}_bg.wasm"
}
build_one "$TMP" quote wasm-speed -O3
build_one "$OUT" quote wasm -Oz
if ! cmp -s "$TMP/quote.js" "$OUT/quote.js"; then
  log "the speed- and size-tuned quote modules need different JS glue"; exit 1
fi
mv "$TMP/quote_bg.wasm" "$OUT/quote_speed_bg.wasm"
if grep -q '^widget = ' Cargo.toml && [ -d src/widget ]; then
  build_one "$OUT" widget wasm -Oz --features widget
fi
cp js/* "$OUT/"
rm -f "$OUT"/*_bg.wasm.d.ts
# wasm-bindgen declares `[Symbol.dispose]()` on every exported class, a name only TypeScript's
# esnext.disposable lib knows: a merchant's project on `lib: ["ES2022", "DOM"]` with
# `skipLibCheck: false` would fail on our types. The method stays at run time (where the
# browser has Symbol.dispose); the types leave it out (tests/node/types.test.mjs).
sed -i -E '/^ *\[Symbol\.dispose\]\(\): void;$/d' "$OUT"/*.d.ts
for f in "$OUT"/*.js; do
  esbuild "$f" --minify --format=esm --target=es2022 --legal-comments=none --log-level=warning \
    --outfile="$f" --allow-overwrite
done
node scripts/hash-assets.mjs "$OUT"
echo "$TOOLCHAIN" > "$ROOT/target/wasm-toolchain.txt"
log "built $(ls "$OUT" | tr '\n' ' ')"

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
#
# Up to date is skipped: pkg/.build-stamp holds a hash of the build's inputs (build_stamp in
# scripts/lib.sh); when it matches and pkg/ is whole, nothing is rebuilt. SEATQUOTE_REBUILD=1
# or `--force` rebuilds anyway. The new package is built in pkg.tmp.<pid>/ next to pkg/ and
# swapped in only when complete (swap_dir), so a demo serving pkg/ never sees it half
# written, and a failed build leaves the previous pkg/ as it was.
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
[ "${1:-}" = --force ] && SEATQUOTE_REBUILD=1
STAMP="${SEATQUOTE_BUILD_STAMP:-$(build_stamp)}"
if [ "${SEATQUOTE_REBUILD:-}" != 1 ] && pkg_is_current "$STAMP"; then
  log "pkg/ is up to date (SEATQUOTE_REBUILD=1 to rebuild)"
  exit 0
fi
for d in "$ROOT"/pkg.tmp.* "$ROOT"/pkg.old.*; do # left by a build that was killed
  [ -d "$d" ] && ! kill -0 "${d##*.}" 2>/dev/null && rm -rf "$d"
done
OUT="$ROOT/pkg.tmp.$$"
mkdir -p "$ROOT/target"
TMP="$(mktemp -d "$ROOT/target/pkg-speed.XXXXXX")"
rm -rf "$OUT" && mkdir -p "$OUT"
cleanup() { rm -rf "$OUT" "$TMP"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

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
      # The same stamp (the toolchain choice, not the outcome): the next build with the
      # same inputs is skipped instead of failing over again.
      log "the nightly wasm build failed: building every module with the stable toolchain"
      cleanup
      exec env SEATQUOTE_WASM_TOOLCHAIN=stable SEATQUOTE_BUILD_STAMP="$STAMP" SEATQUOTE_REBUILD=1 \
        bash "$ROOT/scripts/build.sh"
    fi
    exit 1
  fi
  wasm-bindgen --target web --out-dir "$dir" --out-name "$name" \
    "$WASM_TARGET_DIR/wasm32-unknown-unknown/$profile/seatquote.wasm"
  # No `producers` or `target_features` sections: nothing reads them at run time. The low
  # 1 KB of memory is unused (data from 1 MiB, the stack below it), so wasm-opt may fold
  # small constant additions into load and store offsets (`--low-memory-unused`).
  wasm-opt "$level" "${WASM_OPT_FLAGS[@]:1}" --converge --strip-producers --strip-target-features \
    --low-memory-unused \
    "$dir/${name}_bg.wasm" -o "$dir/${name}_bg.wasm"
}
build_one "$TMP" quote wasm-speed -O3
build_one "$OUT" quote wasm -Oz
if ! cmp -s "$TMP/quote.js" "$OUT/quote.js"; then
  log "the speed- and size-tuned quote modules need different JS glue"; exit 1
fi
mv "$TMP/quote_bg.wasm" "$OUT/quote_speed_bg.wasm"
if grep -q '^widget = ' Cargo.toml && [ -d src/widget ]; then
  build_one "$OUT" widget wasm -Oz --features widget
  node scripts/short-imports.mjs "$OUT/widget_bg.wasm" "$OUT/widget.js"
fi
cp js/* "$OUT/"
rm -f "$OUT"/*_bg.wasm.d.ts
# wasm-bindgen declares `[Symbol.dispose]()` on every exported class, a name only TypeScript's
# esnext.disposable lib knows: a merchant's project on `lib: ["ES2022", "DOM"]` with
# `skipLibCheck: false` would fail on our types. The method stays at run time (where the
# browser has Symbol.dispose); the types leave it out (tests/node/package/types.test.mjs).
sed -i -E '/^ *\[Symbol\.dispose\]\(\): void;$/d' "$OUT"/*.d.ts
for f in "$OUT"/*.js; do
  esbuild "$f" --minify --format=esm --target=es2022 --legal-comments=none --log-level=warning \
    --outfile="$f" --allow-overwrite
done
node scripts/hash-assets.mjs "$OUT"
echo "$STAMP" > "$OUT/.build-stamp"
echo "$TOOLCHAIN" > "$ROOT/target/wasm-toolchain.txt"
log "built $(ls "$OUT" | tr '\n' ' ')"
swap_dir "$OUT" "$ROOT/pkg"

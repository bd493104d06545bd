#!/usr/bin/env bash
# `npm run bench`: native quotes/s, Node quote() and quoteMany() calls/s against a hand-written
# decimal.js version of the same rules (same process, same inputs, agreement asserted), and
# the gzipped sizes of the quote modules; each figure printed against its target.
. "$(dirname "$0")/../scripts/lib.sh"
cd "$ROOT"
bash scripts/bootstrap.sh
[ -f pkg/quote_bg.wasm ] || bash scripts/build.sh
cargo run --quiet --release -p seatquote-core --example bench_quote
node bench/quote-node.mjs
size() { printf '%s: %d bytes raw, %d bytes gzipped\n' "$1" "$(wc -c < "pkg/$2")" "$(gzip -9 -c "pkg/$2" | wc -c)"; }
size 'quote module for browsers, quote_bg.wasm (size-tuned)' quote_bg.wasm
size 'quote module for Node, quote_speed_bg.wasm (speed-tuned, not downloaded)' quote_speed_bg.wasm
glue=$(for f in quote.js quote-fast.js index.js engine.js; do gzip -9 -c "pkg/$f" | wc -c; done | awk '{ s += $1 } END { print s }')
total=$(( $(gzip -9 -c pkg/quote_bg.wasm | wc -c) + glue ))
printf 'quote-only in a browser (quote_bg.wasm + minified JS glue %d bytes), gzipped file by file: %d bytes = %.1f KB  target ≤ 30 KB: %s\n' \
  "$glue" "$total" "$(awk "BEGIN { print $total / 1024 }")" "$([ "$total" -le 30720 ] && echo met || echo MISSED)"

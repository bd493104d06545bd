#!/usr/bin/env bash
# `npm run bench`: native quotes/s, Node quote() calls/s, gzipped size of the quote module.
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
bash scripts/bootstrap.sh
[ -f pkg/quote_bg.wasm ] || bash scripts/build.sh
cargo run --quiet --release -p seatquote-core --example bench_quote
node benches/quote-node.mjs
raw=$(wc -c < pkg/quote_bg.wasm)
gz=$(gzip -9 -c pkg/quote_bg.wasm | wc -c)
glue=$(gzip -9 -c pkg/quote.js | wc -c)
printf 'quote module quote_bg.wasm: %d bytes raw, %d bytes gzipped (budget 40960); JS glue %d bytes gzipped\n' "$raw" "$gz" "$glue"

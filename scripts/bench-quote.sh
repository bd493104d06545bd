#!/usr/bin/env bash
# `npm run bench`: native quotes/s, Node quote() and quoteMany() calls/s against a hand-written
# decimal.js version of the same rules (same process, same inputs, agreement asserted), and
# the gzipped size of the quote module; each figure printed against its target.
. "$(dirname "$0")/lib.sh"
cd "$ROOT"
bash scripts/bootstrap.sh
[ -f pkg/quote_bg.wasm ] || bash scripts/build.sh
cargo run --quiet --release -p seatquote-core --example bench_quote
node benches/quote-node.mjs
raw=$(wc -c < pkg/quote_bg.wasm)
gz=$(gzip -9 -c pkg/quote_bg.wasm | wc -c)
glue=$(cat pkg/quote.js pkg/quote-fast.js | gzip -9 | wc -c)
printf 'quote module quote_bg.wasm (speed-tuned): %d bytes raw, %d bytes gzipped; JS glue %d bytes gzipped\n' "$raw" "$gz" "$glue"

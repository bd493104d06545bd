//! Native throughput of the quote engine on one core.
//!
//! Run with: `cargo run --release -p seatquote-core --example bench_quote` (an example of
//! seatquote-core, declared in crates/core/Cargo.toml), or `npm run bench` (bench/quote.sh),
//! which also measures Node and the wasm size.
//!
//! Wall-clock rates drift on a shared VM. For a repeatable figure, count instructions:
//! `SEATQUOTE_BENCH_ITERATIONS=100000 valgrind --tool=callgrind target/release/examples/bench_quote`
//! runs exactly that many quotes and exits; divide the instruction count by it.

use std::hint::black_box;
use std::time::{Duration, Instant};

use seatquote_core::quote::{quote, quote_json, QuoteInput};
use seatquote_core::Change;

/// The worked check of `docs/pricing.md`: the golden table's first case.
fn spec_input() -> String {
    let golden: serde_json::Value =
        serde_json::from_str(include_str!("../tests/golden.json")).expect("golden.json is JSON");
    golden["cases"][0]["input"].to_string()
}

/// Calls `f` in batches until at least `min` has passed; returns calls per second.
fn rate(min: Duration, mut f: impl FnMut()) -> f64 {
    for _ in 0..10_000 {
        f();
    }
    let start = Instant::now();
    let mut n: u64 = 0;
    while start.elapsed() < min {
        for _ in 0..10_000 {
            f();
        }
        n += 10_000;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

fn main() {
    let spec = spec_input();
    let input = QuoteInput::from_json(&spec).expect("the worked check parses");
    let change: Change = input.to_change().expect("the worked check is valid");
    if let Some(n) = std::env::var("SEATQUOTE_BENCH_ITERATIONS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        // Under callgrind: `SEATQUOTE_BENCH_PATH=typed` counts quote(&Change) alone, the
        // default counts validation and pricing (QuoteInput → Quote).
        let typed = std::env::var("SEATQUOTE_BENCH_PATH").is_ok_and(|p| p == "typed");
        for _ in 0..n {
            if typed {
                black_box(quote(black_box(&change)).expect("quotes"));
            } else {
                black_box(quote(black_box(&input)).expect("quotes"));
            }
        }
        return;
    }
    let secs = Duration::from_secs(2);
    let typed = rate(secs, || {
        black_box(quote(black_box(&change)).expect("quotes"));
    });
    let engine = rate(secs, || {
        black_box(quote(black_box(&input)).expect("quotes"));
    });
    let json = rate(secs, || {
        black_box(quote_json(black_box(&spec)).expect("quotes"));
    });
    let target = |r: f64| if r >= 2e6 { "met" } else { "MISSED" };
    println!(
        "native quote(&Change) (typed, validated):      {:>10.0} quotes/s   target ≥ 2 M/s: {}",
        typed,
        target(typed)
    );
    println!(
        "native quote(&QuoteInput) (validate + price):  {:>10.0} quotes/s   target ≥ 2 M/s: {}",
        engine,
        target(engine)
    );
    println!("native quote_json() (JSON text → JSON text):   {json:>10.0} quotes/s");
}

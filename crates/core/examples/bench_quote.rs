//! Native throughput of the quote engine on one core.
//!
//! Run with: `cargo run --release -p seatquote-core --example bench_quote`
//! (or `npm run bench`, which also measures Node and the wasm size).
//!
//! Wall-clock rates drift on a shared VM. For a repeatable figure, count instructions:
//! `SEATQUOTE_BENCH_ITERATIONS=100000 valgrind --tool=callgrind target/release/examples/bench_quote`
//! runs exactly that many quotes and exits; divide the instruction count by it.

use std::hint::black_box;
use std::time::{Duration, Instant};

use seatquote_core::quote::{quote, quote_json, QuoteInput};

/// The worked check of `docs/pricing.md`: the golden table's first case.
fn spec_input() -> String {
    let golden: serde_json::Value =
        serde_json::from_str(include_str!("../../../tests/golden.json"))
            .expect("golden.json is JSON");
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
    if let Some(n) = std::env::var("SEATQUOTE_BENCH_ITERATIONS")
        .ok()
        .and_then(|v| v.parse::<u64>().ok())
    {
        for _ in 0..n {
            black_box(quote(black_box(&input)).expect("quotes"));
        }
        return;
    }
    let secs = Duration::from_secs(2);
    let engine = rate(secs, || {
        black_box(quote(black_box(&input)).expect("quotes"));
    });
    let json = rate(secs, || {
        black_box(quote_json(black_box(&spec)).expect("quotes"));
    });
    println!(
        "native quote() (validated input → Quote):  {:>12.0} quotes/s",
        engine
    );
    println!(
        "native quote_json() (JSON text → JSON text): {:>10.0} quotes/s",
        json
    );
}

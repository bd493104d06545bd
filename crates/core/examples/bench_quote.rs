//! Native throughput of the quote engine on one core.
//!
//! Run with: `cargo run --release -p seatquote-core --example bench_quote`
//! (or `npm run bench`, which also measures Node and the wasm size).

use std::hint::black_box;
use std::time::{Duration, Instant};

use seatquote_core::quote::{quote, quote_json, QuoteInput};

const SPEC_INPUT: &str = r#"{ "currency": "USD", "taxMode": "gross", "taxRate": "0.19",
  "periodStart": "2025-11-13", "nextBillingDate": "2026-11-13",
  "interval": { "months": 12, "days": 0 }, "changeDate": "2026-05-13",
  "current": { "unitPrice": "1200.00", "quantity": 1 },
  "next": { "unitPrice": "1200.00", "quantity": 2, "currency": "USD", "isGross": true },
  "alignment": "immediate" }"#;

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
    let input = QuoteInput::from_json(SPEC_INPUT).expect("the SPEC §5 input parses");
    let secs = Duration::from_secs(2);
    let engine = rate(secs, || {
        black_box(quote(black_box(&input)).expect("quotes"));
    });
    let json = rate(secs, || {
        black_box(quote_json(black_box(SPEC_INPUT)).expect("quotes"));
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

//! Fuzzes `quote()`'s JSON input: any bytes must give a quote or a coded error, never a
//! panic or a hang, and every quote must obey `gross == net + vat`.
//!
//! Run with: `RUSTC_BOOTSTRAP=1 cargo fuzz run quote_json -- -max_total_time=600`
//! (from the repo root; seeds in fuzz/seeds, made from tests/golden.json).
#![no_main]

use libfuzzer_sys::fuzz_target;
use seatquote_core::quote::{quote, QuoteInput};
use seatquote_core::Decimal;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(input) = QuoteInput::from_json(text) else {
        return;
    };
    match quote(&input) {
        Ok(q) => {
            for (net, vat, gross) in [
                (&q.alignment.net, &q.alignment.vat, &q.alignment.gross),
                (&q.next_billing.net, &q.next_billing.vat, &q.next_billing.gross),
            ] {
                let d = |s: &str| s.parse::<Decimal>().expect("amounts are decimals");
                assert_eq!(d(gross), d(net) + d(vat));
            }
            let json = q.to_json();
            assert_eq!(serde_json::to_string(&q).expect("serializes"), json);
        }
        Err(e) => assert!(!e.message.is_empty()),
    }
});

//! The golden table `tests/golden.json` (shared with the Node and browser tests): every
//! case's input must give exactly its output, or exactly its error code.

use seatquote_core::quote::quote_json;
use serde_json::Value;

use crate::helpers::golden_cases;

#[test]
fn golden_table() {
    let cases = golden_cases();
    assert!(cases.len() >= 60, "the golden table lost cases");
    let mut failures = Vec::new();
    for case in &cases {
        let name = case["name"].as_str().unwrap_or("?");
        let input = case["input"].to_string();
        match (quote_json(&input), case.get("output"), case.get("error")) {
            (Ok(out), Some(expected), None) => {
                // The direct writer and serde agree byte for byte.
                let q =
                    seatquote_core::quote(&seatquote_core::QuoteInput::from_json(&input).unwrap())
                        .unwrap();
                assert_eq!(
                    serde_json::to_string(&q).unwrap(),
                    out,
                    "{name}: to_json vs serde"
                );
                let got: Value = serde_json::from_str(&out).unwrap();
                // Byte for byte too: the contract's field order and spelling.
                let expected_text = expected.to_string();
                if &got != expected || out != expected_text {
                    failures.push(format!("{name}\n  got      {out}\n  expected {expected}"));
                }
            }
            (Err(e), None, Some(code)) => {
                if e.code.as_str() != code.as_str().unwrap() {
                    failures.push(format!(
                        "{name}: got error {} ({}), expected {code}",
                        e.code.as_str(),
                        e.message
                    ));
                }
                assert!(!e.message.is_empty(), "{name}: empty message");
            }
            (got, _, _) => failures.push(format!("{name}: got {got:?}")),
        }
    }
    assert!(
        failures.is_empty(),
        "{} golden failures:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_error_code_is_covered_at_least_twice() {
    let cases = golden_cases();
    for code in seatquote_core::ErrorCode::ALL {
        let n = cases
            .iter()
            .filter(|c| c["error"].as_str() == Some(code.as_str()))
            .count();
        assert!(n >= 2, "{} has {n} golden cases", code.as_str());
    }
}

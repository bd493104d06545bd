//! `docs/pricing.md` is checked against the engine and the golden table: every ` ```quote `
//! block's input is a case of `tests/golden.json` and evaluates to the figures the block
//! states after `→`; every row of the error table names a golden case failing with its code,
//! and every error code has a row.

use seatquote_core::quote::quote_json;
use seatquote_core::ErrorCode;
use serde_json::Value;

use crate::helpers::golden_cases;

const DOC: &str = include_str!("../../../../docs/pricing.md");

/// The ` ```quote ` blocks: (input text, expected text).
fn quote_blocks() -> Vec<(String, String)> {
    let mut blocks = Vec::new();
    let mut rest = DOC;
    while let Some(start) = rest.find("```quote\n") {
        let body = &rest[start + "```quote\n".len()..];
        let end = body.find("```").expect("a ```quote block is closed");
        let (input, expected) = body[..end]
            .split_once("\n→ ")
            .expect("a ```quote block has `→ expected` after its input");
        blocks.push((input.to_owned(), expected.to_owned()));
        rest = &body[end..];
    }
    blocks
}

/// Every field of `want` is in `got` with the same value (objects recursively).
fn contains(got: &Value, want: &Value, path: &str, errors: &mut Vec<String>) {
    match (got, want) {
        (Value::Object(g), Value::Object(w)) => {
            for (k, wv) in w {
                match g.get(k) {
                    Some(gv) => contains(gv, wv, &format!("{path}.{k}"), errors),
                    None => errors.push(format!("{path}.{k}: missing from the answer")),
                }
            }
        }
        _ if got == want => {}
        _ => errors.push(format!(
            "{path}: the engine says {got}, the doc says {want}"
        )),
    }
}

#[test]
fn every_quote_example_is_golden_and_evaluates_as_stated() {
    let golden = golden_cases();
    let blocks = quote_blocks();
    assert!(
        blocks.len() >= 15,
        "docs/pricing.md lost its examples ({})",
        blocks.len()
    );
    let mut errors = Vec::new();
    for (i, (input, expected)) in blocks.iter().enumerate() {
        let input: Value = serde_json::from_str(input)
            .unwrap_or_else(|e| panic!("example {}: input is not JSON: {e}", i + 1));
        let expected: Value = serde_json::from_str(expected)
            .unwrap_or_else(|e| panic!("example {}: expected is not JSON: {e}", i + 1));
        let Some(case) = golden.iter().find(|c| c["input"] == input) else {
            errors.push(format!("example {}: its input is not a golden case", i + 1));
            continue;
        };
        let name = case["name"].as_str().unwrap_or("?");
        match quote_json(&input.to_string()) {
            Ok(out) => {
                let got: Value = serde_json::from_str(&out).unwrap();
                assert_eq!(&got, &case["output"], "{name}: golden output");
                contains(
                    &got,
                    &expected,
                    &format!("example {} ({name})", i + 1),
                    &mut errors,
                );
            }
            Err(e) => errors.push(format!("example {} ({name}): error {e}", i + 1)),
        }
    }
    assert!(
        errors.is_empty(),
        "docs/pricing.md is wrong:\n{}",
        errors.join("\n")
    );
}

#[test]
fn the_error_table_names_a_golden_case_for_every_code() {
    let golden = golden_cases();
    let section = DOC
        .split("### Error codes")
        .nth(1)
        .expect("docs/pricing.md has an error-code table");
    let mut seen = Vec::new();
    for row in section.lines().filter(|l| l.starts_with("| `")) {
        let cols: Vec<&str> = row.split('|').map(str::trim).collect();
        let code = cols[1].trim_matches('`');
        let case_name = cols[cols.len() - 2].trim_matches('`');
        let case = golden
            .iter()
            .find(|c| c["name"] == case_name)
            .unwrap_or_else(|| panic!("{code}: no golden case named {case_name:?}"));
        assert_eq!(case["error"], code, "{case_name}: not a {code} case");
        assert_eq!(
            quote_json(&case["input"].to_string())
                .unwrap_err()
                .code
                .as_str(),
            code,
            "{case_name}"
        );
        seen.push(code.to_owned());
    }
    for code in ErrorCode::ALL {
        assert!(
            seen.iter().any(|s| s == code.as_str()),
            "docs/pricing.md has no row for {}",
            code.as_str()
        );
    }
}

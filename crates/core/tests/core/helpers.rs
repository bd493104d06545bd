//! What several test modules share: the golden table.

use serde_json::Value;

/// The cases of `tests/golden.json` (the table shared with the Node and browser tests), in
/// file order.
pub fn golden_cases() -> Vec<Value> {
    let doc: Value = serde_json::from_str(include_str!("../../../../tests/golden.json"))
        .expect("golden.json is JSON");
    doc["cases"].as_array().expect("cases array").clone()
}

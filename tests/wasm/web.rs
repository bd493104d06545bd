//! Browser tests (wasm-bindgen-test in headless Chrome): the golden table through the
//! exported `quote()`, exactly as JavaScript calls it.

use js_sys::{Array, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

fn get(v: &JsValue, key: &str) -> JsValue {
    Reflect::get(v, &key.into()).unwrap()
}

#[wasm_bindgen_test]
fn golden_table_in_the_browser() {
    let doc = JSON::parse(include_str!("../golden.json")).unwrap();
    let cases: Array = get(&doc, "cases").into();
    assert!(cases.length() >= 60);
    for case in cases.iter() {
        let name = get(&case, "name").as_string().unwrap();
        let result = seatquote::quote(get(&case, "input"));
        let expected = get(&case, "output");
        if expected.is_undefined() {
            let err = result.expect_err(&name);
            assert!(
                err.is_instance_of::<js_sys::Error>(),
                "{name}: not an Error"
            );
            assert_eq!(get(&err, "code"), get(&case, "error"), "{name}");
        } else {
            let got = result.unwrap_or_else(|_| panic!("{name}: threw"));
            assert_eq!(
                JSON::stringify(&got).unwrap(),
                JSON::stringify(&expected).unwrap(),
                "{name}"
            );
        }
    }
}

#[wasm_bindgen_test]
fn non_objects_are_invalid_input() {
    for v in [
        JsValue::NULL,
        JsValue::UNDEFINED,
        JsValue::from(1.5),
        JsValue::from("x"),
    ] {
        let err = seatquote::quote(v).unwrap_err();
        assert_eq!(get(&err, "code"), JsValue::from("invalid_input"));
    }
}

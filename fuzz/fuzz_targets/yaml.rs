//! The YAML layer: any text parses to a value or fails; a parsed value
//! emits as YAML (go-yaml v2 style) that parses back to the same value;
//! wherever the block fast path reads a text, the full parser reads the
//! same value.
#![no_main]

use helm_audit::value::Value;
use helm_audit::yaml::{from_block_yaml, from_yaml, from_yaml_full, to_yaml};
use libfuzzer_sys::fuzz_target;

/// NaN != NaN: compare with NaNs made equal.
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Float(x), Value::Float(y)) => x == y || (x.is_nan() && y.is_nan()),
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same(a, b))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y.iter())
                    .all(|((ka, va), (kb, vb))| ka == kb && same(va, vb))
        }
        _ => a == b,
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(fast) = from_block_yaml(text) {
        match from_yaml_full(text) {
            Ok(full) => assert!(same(&fast, &full), "fast path differs\n{fast:?}\n{full:?}"),
            Err(e) => panic!("fast path read what the parser refuses ({e}): {fast:?}"),
        }
    }
    let Ok(value) = from_yaml(text) else {
        return;
    };
    let Ok(emitted) = to_yaml(&value) else {
        return;
    };
    let back = from_yaml(&emitted)
        .unwrap_or_else(|e| panic!("emitted YAML does not parse: {e}\n{emitted}"));
    assert!(
        same(&value, &back),
        "round trip changed the value\n{value:?}\n{emitted}\n{back:?}"
    );
});

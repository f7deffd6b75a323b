use super::encode::{ERR_NIL_ELEMENT, ERR_NO_KEY};
use super::*;
use crate::value::Value;

fn m(pairs: &[(&str, Value)]) -> Value {
    Value::Map(
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    )
}

#[test]
fn encodes_tables_after_plain_keys() {
    let v = m(&[
        ("title", Value::from("t")),
        (
            "server",
            m(&[("host", Value::from("h")), ("port", Value::Int(80))]),
        ),
    ]);
    assert_eq!(
        to_toml(&v).unwrap(),
        "title = \"t\"\n\n[server]\n  host = \"h\"\n  port = 80\n"
    );
}

#[test]
fn encodes_arrays_of_tables_and_nested_tables() {
    let v = m(&[(
        "srv",
        Value::List(vec![
            m(&[("n", Value::from("a"))]),
            m(&[("n", Value::from("b"))]),
        ]),
    )]);
    assert_eq!(
        to_toml(&v).unwrap(),
        "[[srv]]\n  n = \"a\"\n\n[[srv]]\n  n = \"b\"\n"
    );
    let v = m(&[("a", m(&[("b", m(&[("c", Value::from("deep"))]))]))]);
    assert_eq!(to_toml(&v).unwrap(), "[a]\n  [a.b]\n    c = \"deep\"\n");
}

#[test]
fn encodes_scalars_like_go() {
    let v = m(&[
        ("f", Value::Float(1.0)),
        ("g", Value::Float(2.5)),
        ("n", Value::Null),
        ("a b", Value::from("x\"y\n")),
        ("l", Value::List(vec![Value::Int(1), Value::from("s")])),
        (
            "il",
            Value::List(vec![Value::List(vec![m(&[("k", Value::Int(1))])])]),
        ),
    ]);
    assert_eq!(
        to_toml(&v).unwrap(),
        "\"a b\" = \"x\\\"y\\n\"\nf = 1.0\ng = 2.5\nil = [[{k = 1}]]\nl = [1, \"s\"]\n"
    );
    assert_eq!(
        to_toml(&m(&[("l", Value::List(vec![Value::Int(1), Value::Null]))])).unwrap_err(),
        ERR_NIL_ELEMENT
    );
    assert_eq!(to_toml(&Value::from("x")).unwrap_err(), ERR_NO_KEY);
    assert_eq!(to_toml(&m(&[])).unwrap(), "");
}

#[test]
fn decodes_documents() {
    let v = from_toml("a = 1\nb = \"x\"\n[c]\nd = true\n[[e]]\nf = 1.5\n[[e]]\nf = 2e3\n").unwrap();
    assert_eq!(v.get("a"), Some(&Value::Int(1)));
    assert_eq!(v.path(&["c", "d"]), Some(&Value::Bool(true)));
    let Some(Value::List(e)) = v.get("e") else {
        panic!("no e")
    };
    assert_eq!(e[1].get("f"), Some(&Value::Float(2000.0)));
    let v =
        from_toml("xs = [1, 2,\n 3, ] # c\nt = {x = 'y', z.w = 0x1f}\ns = \"\"\"\nab\\\n  c\"\"\"")
            .unwrap();
    assert_eq!(
        v.get("xs"),
        Some(&Value::List(vec![
            Value::Int(1),
            Value::Int(2),
            Value::Int(3)
        ]))
    );
    assert_eq!(v.path(&["t", "z", "w"]), Some(&Value::Int(31)));
    assert_eq!(v.get("s"), Some(&Value::from("abc")));
}

#[test]
fn decode_errors() {
    assert!(
        from_toml("a = 1\na = 2")
            .unwrap_err()
            .starts_with("toml: line 2")
    );
    assert_eq!(
        from_toml("a = ").unwrap_err(),
        "toml: line 1 (last key \"a\"): unexpected EOF; expected value"
    );
    assert_eq!(
        from_toml("a").unwrap_err(),
        "toml: line 1: unexpected EOF; expected key separator '='"
    );
    assert_eq!(
        from_toml("a b").unwrap_err(),
        "toml: line 1: expected '.' or '=', but got 'b' instead"
    );
    assert!(from_toml("a = 01").is_err());
    assert!(from_toml("[a]\n[a]").is_err());
    assert!(from_toml("a = \"x").is_err());
    assert!(from_toml(&"[".repeat(1000)).is_err());
}

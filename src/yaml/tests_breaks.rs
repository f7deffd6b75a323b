//! go-yaml v2 (YAML 1.1) reads NEL (U+0085), LS (U+2028) and PS (U+2029) as
//! line breaks, and `toYaml` writes LS and PS raw. The expected values come
//! from go-yaml v2's `scannerc.go` and `emitterc.go`, reasoned out in the
//! comments (no Go toolchain here to run them).

use super::*;
use crate::value::{Map, Value};

const NEL: char = '\u{85}';
const LS: char = '\u{2028}';
const PS: char = '\u{2029}';

/// The value of key `a`, or the error message.
fn a(text: &str) -> Result<Value, String> {
    from_yaml(text)
        .map(|v| v.get("a").cloned().unwrap_or(Value::Null))
        .map_err(|e| e.message)
}

fn s(text: &str) -> Result<Value, String> {
    Ok(Value::String(text.to_string()))
}

#[test]
fn a_raw_separator_ends_a_literal_block_line() {
    // `read_line` keeps LS as is; the next line `y` starts at column 0, below
    // the block's indentation (2), so the block is "x<LS>" and `y` is a plain
    // scalar at the mapping's indentation: a simple key that never finds its
    // ':' -- the same error as with `\n`.
    let with_ls = a("a: |\n  x\u{2028}y\n");
    assert_eq!(with_ls, a("a: |\n  x\ny\n"));
    assert_eq!(
        with_ls.unwrap_err(),
        "error converting YAML to JSON: yaml: line 4: could not find expected ':'"
    );
    // Indented, the line continues the block; literal blocks keep LS / PS and
    // read NEL as `\n`.
    assert_eq!(a("a: |\n  x\u{2028}  y\n"), s("x\u{2028}y\n"));
    assert_eq!(a("a: |\n  x\u{2029}  y\n"), s("x\u{2029}y\n"));
    assert_eq!(a("a: |\n  x\u{85}  y\n"), s("x\ny\n"));
    // Chomping uses the breaks as read.
    assert_eq!(a("a: |-\n  x\u{2028}\n"), s("x"));
    assert_eq!(a("a: |+\n  x\u{2028}\u{2028}"), s("x\u{2028}\u{2028}"));
    assert_eq!(a("a: |+\n  x\u{2029}\n\n"), s("x\u{2029}\n\n"));
    // A lone CR then NEL are two breaks (CR LF is one).
    assert_eq!(a("a: |\n  x\r\u{85}  y\n"), s("x\n\ny\n"));
    assert_eq!(a("a: |\n  x\r\n  y\n"), s("x\ny\n"));
}

#[test]
fn folding_keeps_ls_and_ps_and_folds_nel() {
    // Quoted and plain scalars: the first break folds to a space only when
    // `read_line` gave `\n` (CR, LF, NEL); LS / PS are kept, then the
    // following (trailing) breaks; indentation after a break is dropped.
    assert_eq!(a("a: 'x\u{2028}  y'"), s("x\u{2028}y"));
    assert_eq!(a("a: 'x\u{2029}  y'"), s("x\u{2029}y"));
    assert_eq!(a("a: 'x\u{85}  y'"), s("x y"));
    assert_eq!(a("a: \"x\u{2028}  y\""), s("x\u{2028}y"));
    assert_eq!(a("a: \"x\u{85}  y\""), s("x y"));
    assert_eq!(a("a: x\u{85}  y"), s("x y"));
    assert_eq!(a("a: x\u{2028}  y"), s("x\u{2028}y"));
    // First break LS, then an empty line: both kept.
    assert_eq!(a("a: x\u{2028}\u{2028}  y"), s("x\u{2028}\u{2028}y"));
    assert_eq!(a("a: x\u{2028}\n  y"), s("x\u{2028}\ny"));
    // First break `\n` (or NEL), then LS: the `\n` is dropped, LS kept.
    assert_eq!(a("a: x\n\u{2028}  y"), s("x\u{2028}y"));
    assert_eq!(a("a: x\u{85}\u{2029}  y"), s("x\u{2029}y"));
    assert_eq!(a("a: x\n\n  y"), s("x\ny"));
    // Blanks before a break are dropped, as before `\n`.
    assert_eq!(a("a: 'x  \u{2028}  y'"), s("x\u{2028}y"));
    // Folded blocks: same rule for the break between two lines.
    assert_eq!(a("a: >\n  x\u{2028}  y\n"), s("x\u{2028}y\n"));
    assert_eq!(a("a: >\n  x\u{85}  y\n"), s("x y\n"));
    assert_eq!(a("a: >\n  x\n  y\n"), s("x y\n"));
    // An escaped break in a double-quoted scalar joins the lines.
    assert_eq!(a("a: \"x\\\u{2028}  y\""), s("xy"));
    assert_eq!(a("a: \"x\\\u{85}  y\""), s("xy"));
}

#[test]
fn separators_end_lines_and_comments() {
    for sep in [NEL, LS, PS] {
        let text = format!("a: b # c{sep}d: e{sep}f:{sep}  - 1{sep}");
        let v = from_yaml(&text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(v.get("d"), Some(&Value::String("e".into())), "{text:?}");
        assert_eq!(
            v.get("f"),
            Some(&Value::List(vec![Value::Float(1.0)])),
            "{text:?}"
        );
        // Lines are counted across them.
        let docs = parse_documents(&format!("{sep}a:{sep}  b: 1\n")).unwrap();
        let NodeKind::Mapping(entries) = &docs[0].kind else {
            panic!("not a mapping")
        };
        let NodeKind::Mapping(inner) = &entries[0].1.kind else {
            panic!("not a mapping")
        };
        assert_eq!((inner[0].0.line, inner[0].0.column), (3, 3));
    }
}

#[test]
fn quoted_scalars_have_no_indentation_check() {
    // go-yaml's `yaml_parser_scan_flow_scalar` never looks at the
    // indentation; `toYaml` writes `'x<LS>'` with the closing quote at
    // column 0 wherever the scalar is.
    let v = from_yaml("a:\n  b: 'x\u{2028}'\n  c: 1\n").unwrap();
    let inner = v.get("a").unwrap();
    assert_eq!(inner.get("b"), Some(&Value::String("x\u{2028}".into())));
    assert_eq!(inner.get("c"), Some(&Value::Float(1.0)));
    let v = from_yaml("a:\n  b: 'x\ny'\n").unwrap();
    assert_eq!(
        v.get("a").unwrap().get("b"),
        Some(&Value::String("x y".into()))
    );
}

/// NEL is read exactly like LF everywhere (a break in the structure, `\n`
/// in content), so replacing every LF of a document by NEL changes nothing:
/// checked on every YAML file under `testdata/` (values, errors and error
/// lines alike).
#[test]
fn nel_reads_like_lf() {
    let mut files = 0;
    let mut pending = vec![std::path::PathBuf::from("testdata")];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "yaml") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(&path) else {
                continue;
            };
            if text.contains('\r') {
                continue;
            }
            let with_nel = text.replace('\n', "\u{85}");
            let lf = from_yaml_documents(&text).map_err(|e| e.message);
            let nel = from_yaml_documents(&with_nel).map_err(|e| e.message);
            assert_eq!(lf, nel, "{}", path.display());
            files += 1;
        }
    }
    assert!(files > 100, "only {files} files");
}

/// LS and PS are line breaks of the structure too: documents without
/// multi-line scalars read the same with them as with `\n`.
#[test]
fn ls_and_ps_break_lines_like_lf() {
    let docs = [
        "a: 1\nb:\n  c: [x, y]\n  d: {e: f}\n",
        "- a\n- b: c\n  d: e\n-\n  - f\n",
        "# comment\na: &x 1 # trailing\nb: *x\n...\n---\nc: 2\n",
        "? complex\n: value\nk: 'quoted'\nl: \"dq\"\n",
        "a:\n  b: 1\n c: 2\n",
        "a: b: c\n",
        "a: [1, 2\n",
        "a:\n- 1\n- 2\nb: c\n",
        "%YAML 1.1\n---\na: 1\n",
        "a: {x: 1,\n  y: 2}\n",
        "x\ny: 1\n",
        "a:\n\tb: 1\n",
    ];
    for doc in docs {
        let lf = from_yaml_documents(doc).map_err(|e| e.message);
        for sep in ["\u{2028}", "\u{2029}"] {
            let other = doc.replace('\n', sep);
            let got = from_yaml_documents(&other).map_err(|e| e.message);
            assert_eq!(lf, got, "{other:?}");
        }
    }
}

fn map(entries: &[(&str, Value)]) -> Value {
    let mut m = Map::new();
    for (k, v) in entries {
        m.insert(k.to_string(), v.clone());
    }
    Value::Map(m)
}

/// Strings with a separator in every position that matters to the emitter
/// and the scanner: alone, at either end, doubled, next to `\n`, with
/// spaces around, after a long line (folding), in a would-be indicator.
fn separator_strings() -> Vec<String> {
    let long = "word ".repeat(20);
    let mut out = Vec::new();
    for sep in [NEL, LS, PS] {
        for shape in [
            "{s}",
            "{s}{s}",
            "a{s}",
            "{s}a",
            "a{s}b",
            "a{s}{s}b",
            "a\n{s}b",
            "a{s}\nb",
            "a\n{s}\nb\n",
            "{s}\n",
            "\n{s}",
            "a {s} b",
            "a {s}b",
            "a{s} b",
            " {s} ",
            "a{s}  b",
            "{s}  a",
            "a\nb{s}",
            "a\nb{s}\n",
            "a\nb{s}\n\n",
            "a{s}\t",
            "'{s}'",
            "# {s}#",
            "- {s}",
            "k: {s}v",
            "{long}{s}{long}",
            "{long}\n{long}{s}",
        ] {
            out.push(
                shape
                    .replace("{long}", &long)
                    .replace("{s}", &sep.to_string()),
            );
        }
    }
    out
}

/// `toYaml` -> `fromYaml` gives the value back for strings holding any of
/// the three separators, as values, nested values, list items and keys.
#[test]
fn to_yaml_round_trips_separators() {
    for text in separator_strings() {
        let v = Value::String(text.clone());
        let values = [
            map(&[("v", v.clone())]),
            map(&[("a", map(&[("b", v.clone()), ("c", Value::Float(1.0))]))]),
            map(&[("l", Value::List(vec![v.clone(), v.clone()]))]),
            map(&[(
                "l",
                Value::List(vec![map(&[("x", v.clone()), ("y", v.clone())])]),
            )]),
            map(&[(text.as_str(), Value::Float(1.0)), ("z", v.clone())]),
            map(&[("n", map(&[(text.as_str(), v.clone())]))]),
        ];
        for value in values {
            let emitted = to_yaml(&value).unwrap();
            let back = from_yaml(&emitted).unwrap_or_else(|e| panic!("{text:?}: {e}\n{emitted:?}"));
            assert_eq!(back, value, "{text:?}\n{emitted:?}");
        }
    }
}

/// What go-yaml v2's emitter writes (traced through `emitterc.go`): LS and
/// PS are printable breaks, so a string without `\n` holding one is single
/// quoted (not plain: `multiline`), the break copied raw by `write_break`
/// and the next line indented; NEL is not printable, so it is escaped in a
/// double-quoted scalar; a string with `\n` is a literal block whose LS / PS
/// are copied raw.
#[test]
fn to_yaml_writes_separators_like_go_yaml() {
    let one = |v: &str| to_yaml(&map(&[("v", Value::String(v.into()))])).unwrap();
    assert_eq!(one("x\u{2028}y"), "v: 'x\u{2028}  y'\n");
    assert_eq!(one("x\u{2029}"), "v: 'x\u{2029}'\n");
    assert_eq!(one("x\u{85}y"), "v: \"x\\Ny\"\n");
    // A space next to the break rules out single quotes too.
    assert_eq!(one("x \u{2028}y"), "v: \"x \\Ly\"\n");
    assert_eq!(one("x\u{2028} y"), "v: \"x\\L y\"\n");
    assert_eq!(one("a\nb\u{2028}c"), "v: |-\n  a\n  b\u{2028}  c\n");
    assert_eq!(one("\u{2028}\n"), "v: |2+\n\u{2028}\n");
    let key = to_yaml(&map(&[("k\u{2028}", Value::Float(1.0))])).unwrap();
    assert_eq!(key, "? 'k\u{2028}'\n: 1\n");
}

//! Argument handling shared by the function library: Go's arity and type
//! errors, and Sprig's conversions (`strval`, `cast.ToInt64`, `cast.ToFloat64`).

use minijinja::value::ValueKind;
use minijinja::{Error, ErrorKind, Value};

use crate::render::format::sprint_value;
use crate::render::govalue::as_map;
use crate::render::types::{GoKind, go_kind, go_type_name};

/// A function error with Go's message.
pub fn fail(msg: impl Into<String>) -> Error {
    Error::new(ErrorKind::InvalidOperation, msg.into())
}

pub fn arity(name: &str, args: &[Value], n: usize) -> Result<(), Error> {
    if args.len() != n {
        return Err(fail(format!(
            "wrong number of args for {name}: want {n} got {}",
            args.len()
        )));
    }
    Ok(())
}

pub fn arity_min(name: &str, args: &[Value], n: usize) -> Result<(), Error> {
    if args.len() < n {
        return Err(fail(format!(
            "wrong number of args for {name}: want at least {n} got {}",
            args.len()
        )));
    }
    Ok(())
}

/// A Go `string` parameter.
pub fn string(v: &Value) -> Result<String, Error> {
    match v.kind() {
        ValueKind::String => Ok(v.as_str().unwrap_or("").to_string()),
        ValueKind::None | ValueKind::Undefined => Err(fail("invalid value; expected string")),
        _ => Err(fail(format!(
            "wrong type for value; expected string; got {}",
            go_type_name(v)
        ))),
    }
}

/// A Go `int` parameter (template ints; floats are refused as Go does).
pub fn int(v: &Value) -> Result<i64, Error> {
    match go_kind(v) {
        GoKind::Int | GoKind::Int64 | GoKind::Uint => {
            i64::try_from(v.clone()).map_err(|_| fail("integer overflow"))
        }
        GoKind::Nil => Err(fail("invalid value; expected int")),
        _ => Err(fail(format!(
            "wrong type for value; expected int; got {}",
            go_type_name(v)
        ))),
    }
}

/// Sprig's `strval`: strings as they are, bytes as text, else `%v`.
pub fn strval(v: &Value) -> String {
    match v.kind() {
        ValueKind::String => v.as_str().unwrap_or("").to_string(),
        ValueKind::Bytes => String::from_utf8_lossy(v.as_bytes().unwrap_or_default()).into_owned(),
        _ => sprint_value(v),
    }
}

/// `cast.ToInt64` (errors become 0, as Sprig ignores them).
pub fn to_i64(v: &Value) -> i64 {
    match go_kind(v) {
        GoKind::Int | GoKind::Int64 | GoKind::Uint => i64::try_from(v.clone()).unwrap_or(0),
        GoKind::Float64 => f64::try_from(v.clone()).map(|f| f as i64).unwrap_or(0),
        GoKind::Bool => i64::from(v.is_true()),
        GoKind::String => parse_int_base0(v.as_str().unwrap_or("")).unwrap_or(0),
        _ => 0,
    }
}

/// `strconv.ParseInt(s, 0, 64)`.
pub fn parse_int_base0(s: &str) -> Option<i64> {
    // cast trims a zero fraction ("1.00") but no spaces.
    let t = trim_zero_decimal(s);
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let body = body.replace('_', "");
    let lower = body.to_ascii_lowercase();
    let v = if let Some(h) = lower.strip_prefix("0x") {
        i64::from_str_radix(h, 16).ok()?
    } else if let Some(o) = lower.strip_prefix("0o") {
        i64::from_str_radix(o, 8).ok()?
    } else if let Some(b) = lower.strip_prefix("0b") {
        i64::from_str_radix(b, 2).ok()?
    } else if lower.len() > 1 && lower.starts_with('0') {
        i64::from_str_radix(&lower[1..], 8).ok()?
    } else {
        lower.parse::<i64>().ok()?
    };
    Some(if neg { -v } else { v })
}

/// cast's `trimZeroDecimal`: `"12.00"` -> `"12"`.
fn trim_zero_decimal(s: &str) -> &str {
    let mut found_zero = false;
    for (i, b) in s.bytes().enumerate().rev() {
        match b {
            b'.' if found_zero => return &s[..i],
            b'.' => return s,
            b'0' => found_zero = true,
            _ => return s,
        }
    }
    s
}

/// `cast.ToFloat64`.
pub fn to_f64(v: &Value) -> f64 {
    match go_kind(v) {
        GoKind::Int | GoKind::Int64 | GoKind::Uint | GoKind::Float64 => {
            f64::try_from(v.clone()).unwrap_or(0.0)
        }
        GoKind::Bool => f64::from(u8::from(v.is_true())),
        GoKind::String => parse_float_go(v.as_str().unwrap_or("")).unwrap_or(0.0),
        _ => 0.0,
    }
}

/// The items of a Go slice (or array); `None` for anything else.
pub fn list(v: &Value) -> Option<Vec<Value>> {
    if as_map(v).is_some() {
        return None;
    }
    match v.kind() {
        ValueKind::Seq | ValueKind::Iterable => v.try_iter().ok().map(|it| it.collect()),
        _ => None,
    }
}

/// A Go slice parameter, or Sprig's error for other kinds.
pub fn list_arg(name: &str, v: &Value) -> Result<Vec<Value>, Error> {
    list(v).ok_or_else(|| {
        fail(format!(
            "Cannot find {} on type {}",
            name.trim_start_matches("must"),
            go_type_name(v)
        ))
    })
}

/// Is the value empty as Sprig's `empty` sees it?
pub fn is_empty(v: &Value) -> bool {
    !crate::render::runtime::truth(v)
}

/// Go-equality of two values (`reflect.DeepEqual` on the Go shapes).
pub fn deep_equal(a: &Value, b: &Value) -> bool {
    let (ka, kb) = (go_kind(a), go_kind(b));
    if ka != kb {
        return false;
    }
    // reflect.DeepEqual: identical types only (`[]string` is not `[]interface {}`).
    if matches!(ka, GoKind::Map | GoKind::Slice) && go_type_name(a) != go_type_name(b) {
        return false;
    }
    match ka {
        GoKind::Map => match (as_map(a), as_map(b)) {
            (Some(x), Some(y)) => {
                let (x, y) = (x.snapshot(), y.snapshot());
                x.len() == y.len()
                    && x.iter()
                        .all(|(k, v)| y.get(k).is_some_and(|w| deep_equal(v, w)))
            }
            _ => a == b,
        },
        GoKind::Slice => {
            let (x, y) = (list(a).unwrap_or_default(), list(b).unwrap_or_default());
            x.len() == y.len() && x.iter().zip(&y).all(|(p, q)| deep_equal(p, q))
        }
        _ => a == b,
    }
}

/// `strconv.ParseFloat(s, 64)`: `None` on syntax or range errors.
pub fn parse_float_go(s: &str) -> Option<f64> {
    let f: f64 = s.replace('_', "").parse().ok()?;
    if f.is_infinite() {
        let t = s.trim_start_matches(['+', '-']).to_ascii_lowercase();
        if t != "inf" && t != "infinity" {
            return None;
        }
    }
    Some(f)
}

/// Rewrites Go (RE2) regexp syntax into the `regex` crate's dialect with the
/// same meaning: Perl classes and `\b` are ASCII-only in Go, a `-` after a
/// class escape inside `[...]` is a literal, and a `{` that does not start a
/// valid repetition is a literal.
pub fn go_regex_to_rust(pattern: &str) -> String {
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::with_capacity(pattern.len() + 8);
    let mut i = 0;
    // Depth of `[` classes (Go has no nesting except `[:alpha:]`).
    let mut in_class = false;
    let mut class_start = 0;
    let perl = |c: char| -> Option<&'static str> {
        Some(match c {
            'd' => "[0-9]",
            'D' => "[^0-9]",
            'w' => "[0-9A-Za-z_]",
            'W' => "[^0-9A-Za-z_]",
            's' => "[\\t\\n\\f\\r ]",
            'S' => "[^\\t\\n\\f\\r ]",
            _ => return None,
        })
    };
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' && i + 1 < chars.len() {
            let e = chars[i + 1];
            if let Some(class) = perl(e) {
                out.push_str(class);
                i += 2;
                // In a class, `-` right after a class escape is a literal.
                if in_class && chars.get(i) == Some(&'-') && chars.get(i + 1) != Some(&']') {
                    out.push_str("\\-");
                    i += 1;
                }
                continue;
            }
            if !in_class && (e == 'b' || e == 'B') {
                out.push_str(&format!("(?-u:\\{e})"));
                i += 2;
                continue;
            }
            out.push(c);
            out.push(e);
            i += 2;
            // `\p{Greek}`, `\x{10FFFF}`: the braces belong to the escape.
            if matches!(e, 'p' | 'P' | 'x') && chars.get(i) == Some(&'{') {
                while i < chars.len() {
                    out.push(chars[i]);
                    i += 1;
                    if chars[i - 1] == '}' {
                        break;
                    }
                }
            }
            continue;
        }
        if in_class {
            if c == '[' && chars.get(i + 1) == Some(&':') {
                // `[:alpha:]`: copy through the closing `:]`.
                let rest: String = chars[i..].iter().collect();
                if let Some(end) = rest.find(":]") {
                    out.push_str(&rest[..end + 2]);
                    i += rest[..end + 2].chars().count();
                    continue;
                }
            }
            if c == '[' {
                out.push_str("\\[");
                i += 1;
                continue;
            }
            if c == ']' && i > class_start {
                in_class = false;
            }
            out.push(c);
            i += 1;
            continue;
        }
        match c {
            '[' => {
                in_class = true;
                out.push(c);
                i += 1;
                // `[]a]` and `[^]a]`: a leading `]` is a literal.
                if chars.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                if chars.get(i) == Some(&']') {
                    out.push_str("\\]");
                    i += 1;
                }
                class_start = i;
            }
            '{' => {
                let rest: String = chars[i..].iter().collect();
                let valid = rest.find('}').is_some_and(|end| {
                    let body = &rest[1..end];
                    let (a, b) = body.split_once(',').unwrap_or((body, "0"));
                    !a.is_empty()
                        && a.chars().all(|d| d.is_ascii_digit())
                        && b.chars().all(|d| d.is_ascii_digit())
                }) && !out.is_empty();
                out.push_str(if valid { "{" } else { "\\{" });
                i += 1;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod regex_tests {
    use super::go_regex_to_rust;

    #[test]
    fn go_regex_dialect() {
        let re = |p: &str| regex::Regex::new(&go_regex_to_rust(p)).unwrap();
        assert!(re(r"^[\w-\.]+$").is_match("my-master.1"));
        assert!(!re(r"^[\w-\.]+$").is_match("a b"));
        assert!(!re(r"^\w+$").is_match("é"));
        assert!(re(r"^\d{2}$").is_match("12"));
        assert!(re(r"a{b").is_match("a{b"));
        assert!(re(r"[]a]").is_match("]"));
        assert!(re(r"[[:alpha:]]+").is_match("ab"));
        assert!(re(r"^\p{L}+$").is_match("héllo"));
    }
}

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
        GoKind::String => v.as_str().unwrap_or("").parse().unwrap_or(0.0),
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

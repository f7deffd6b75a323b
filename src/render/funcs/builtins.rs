//! Go `text/template` builtins: eq ne lt le gt ge not len index slice print
//! printf println html js urlquery (and/or/call live in the runtime: they
//! short-circuit or need the render state).

use minijinja::value::{Rest, ValueKind};
use minijinja::{Environment, Error, Value};

use super::args::{arity, arity_min, fail, string};
use crate::register_fn;
use crate::render::format::{sprint, sprintf, sprintln};
use crate::render::govalue::as_map;
use crate::render::types::{GoKind, go_kind, go_type_name};

#[derive(PartialEq, Clone, Copy)]
enum Basic {
    Invalid,
    Bool,
    Int,
    Float,
    Str,
    Other,
}

fn basic(v: &Value) -> Basic {
    match go_kind(v) {
        GoKind::Nil => Basic::Invalid,
        GoKind::Bool => Basic::Bool,
        GoKind::Int | GoKind::Int64 | GoKind::Uint => Basic::Int,
        GoKind::Float64 => Basic::Float,
        GoKind::String => Basic::Str,
        _ => Basic::Other,
    }
}

fn int_of(v: &Value) -> i128 {
    i128::try_from(v.clone()).unwrap_or(0)
}

fn float_of(v: &Value) -> f64 {
    f64::try_from(v.clone()).unwrap_or(0.0)
}

/// Go's `eq arg1 arg2...`.
pub fn go_eq(args: &[Value]) -> Result<bool, Error> {
    let Some((a, rest)) = args.split_first() else {
        return Err(fail("missing argument for comparison"));
    };
    if rest.is_empty() {
        return Err(fail("missing argument for comparison"));
    }
    let ka = basic(a);
    for b in rest {
        let kb = basic(b);
        let truth = if ka != kb {
            if ka != Basic::Invalid && kb != Basic::Invalid {
                return Err(incompatible(a, b));
            }
            false
        } else {
            match ka {
                Basic::Bool => a.is_true() == b.is_true(),
                Basic::Int => int_of(a) == int_of(b),
                Basic::Float => float_of(a) == float_of(b),
                Basic::Str => a.as_str() == b.as_str(),
                Basic::Invalid => true,
                Basic::Other => {
                    let uncomparable =
                        |v: &Value| matches!(go_kind(v), GoKind::Map | GoKind::Slice);
                    if (uncomparable(a) || uncomparable(b)) && go_type_name(a) != go_type_name(b) {
                        // Go's canCompare: different types.
                        return Err(fail(format!(
                            "non-comparable types {}: {}, {}: {}",
                            sprintf("%s", std::slice::from_ref(a)),
                            go_type_name(a),
                            go_type_name(b),
                            crate::render::format::sprint_value(b)
                        )));
                    }
                    if uncomparable(b) {
                        // Same type, not nil, but not comparable (`%s` of the value).
                        return Err(fail(format!(
                            "non-comparable type {}: {}",
                            sprintf("%s", std::slice::from_ref(b)),
                            go_type_name(b)
                        )));
                    }
                    a == b
                }
            }
        };
        if truth {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Go's error for operands of different basic kinds.
fn incompatible(a: &Value, b: &Value) -> Error {
    fail(format!(
        "incompatible types for comparison: {} and {}",
        go_type_name(a),
        go_type_name(b)
    ))
}

/// Go's `lt`.
pub fn go_lt(a: &Value, b: &Value) -> Result<bool, Error> {
    let (ka, kb) = (basic(a), basic(b));
    let bad_type = |k: Basic| matches!(k, Basic::Invalid | Basic::Other);
    if bad_type(ka) || bad_type(kb) {
        return Err(fail("invalid type for comparison"));
    }
    if ka != kb {
        return Err(incompatible(a, b));
    }
    match ka {
        Basic::Int => Ok(int_of(a) < int_of(b)),
        Basic::Float => Ok(float_of(a) < float_of(b)),
        Basic::Str => Ok(a.as_str() < b.as_str()),
        _ => Err(fail("invalid type for comparison")),
    }
}

fn two<'a>(name: &str, args: &'a [Value]) -> Result<(&'a Value, &'a Value), Error> {
    arity(name, args, 2)?;
    Ok((&args[0], &args[1]))
}

/// Go's `len`.
pub fn go_len(v: &Value) -> Result<i64, Error> {
    if let Some(m) = as_map(v) {
        return Ok(m.len() as i64);
    }
    match v.kind() {
        ValueKind::Undefined | ValueKind::None => Err(fail("len of untyped nil")),
        ValueKind::String => Ok(v.as_str().map_or(0, str::len) as i64),
        ValueKind::Bytes => Ok(v.as_bytes().map_or(0, <[u8]>::len) as i64),
        ValueKind::Seq | ValueKind::Iterable | ValueKind::Map => Ok(v.len().unwrap_or(0) as i64),
        _ => Err(fail(format!("len of type {}", go_type_name(v)))),
    }
}

fn index_arg(idx: &Value, cap: usize) -> Result<usize, Error> {
    let x = match go_kind(idx) {
        GoKind::Int | GoKind::Int64 | GoKind::Uint => int_of(idx),
        GoKind::Nil => return Err(fail("cannot index slice/array with nil")),
        _ => {
            return Err(fail(format!(
                "cannot index slice/array with type {}",
                go_type_name(idx)
            )));
        }
    };
    if x < 0 || x as usize > cap {
        return Err(fail(format!("index out of range: {x}")));
    }
    Ok(x as usize)
}

/// Go's `index item i...`.
pub fn go_index(item: &Value, indexes: &[Value]) -> Result<Value, Error> {
    let mut item = item.clone();
    if item.is_none() || item.is_undefined() {
        return Err(fail("index of untyped nil"));
    }
    for idx in indexes {
        if item.is_none() || item.is_undefined() {
            return Err(fail("index of nil pointer"));
        }
        if let Some(m) = as_map(&item) {
            let key = match idx.kind() {
                ValueKind::String => idx.as_str().unwrap_or("").to_string(),
                _ => {
                    return Err(fail(format!(
                        "value has type {}; should be string",
                        go_type_name(idx)
                    )));
                }
            };
            item = m.get(&key).unwrap_or(Value::from(()));
            continue;
        }
        match item.kind() {
            ValueKind::String => {
                let s = item.as_str().unwrap_or("").as_bytes().to_vec();
                let i = index_arg(idx, s.len())?;
                let Some(b) = s.get(i) else {
                    return Err(fail(format!(
                        "error calling index: index out of range: {i}"
                    )));
                };
                item = Value::from(u128::from(*b));
            }
            ValueKind::Seq | ValueKind::Iterable => {
                let items: Vec<Value> = item.try_iter().map(|i| i.collect()).unwrap_or_default();
                let i = index_arg(idx, items.len())?;
                let Some(v) = items.get(i) else {
                    return Err(fail("reflect: slice index out of range"));
                };
                item = v.clone();
            }
            _ => {
                return Err(fail(format!(
                    "can't index item of type {}",
                    go_type_name(&item)
                )));
            }
        }
    }
    Ok(item)
}

/// Go's `slice item [i [j]]`.
fn go_slice(args: &[Value]) -> Result<Value, Error> {
    arity_min("slice", args, 1)?;
    let item = &args[0];
    let idx = &args[1..];
    if idx.len() > 3 {
        return Err(fail(format!("too many slice indexes: {}", idx.len())));
    }
    let (len, is_str) = match item.kind() {
        ValueKind::String => (item.as_str().unwrap_or("").len(), true),
        ValueKind::Seq | ValueKind::Iterable if as_map(item).is_none() => {
            (item.len().unwrap_or(0), false)
        }
        ValueKind::None | ValueKind::Undefined => return Err(fail("slice of untyped nil")),
        _ => {
            return Err(fail(format!(
                "can't slice item of type {}",
                go_type_name(item)
            )));
        }
    };
    if is_str && idx.len() == 3 {
        return Err(fail("cannot 3-index slice a string"));
    }
    let mut bounds = [0usize, len];
    for (i, v) in idx.iter().take(2).enumerate() {
        bounds[i] = index_arg(v, len)?;
    }
    if bounds[0] > bounds[1] {
        return Err(fail(format!(
            "invalid slice index: {} > {}",
            bounds[0], bounds[1]
        )));
    }
    if is_str {
        let s = item.as_str().unwrap_or("");
        let bytes = &s.as_bytes()[bounds[0]..bounds[1]];
        return Ok(Value::from(String::from_utf8_lossy(bytes).into_owned()));
    }
    let items: Vec<Value> = item.try_iter().map(|i| i.collect()).unwrap_or_default();
    // A slice of a typed slice keeps its type.
    Ok(crate::render::govalue::like_slice(
        item,
        items[bounds[0]..bounds[1]].to_vec(),
    ))
}

/// text/template's `evalArgs` for `html`, `js`, `urlquery`: `fmt.Sprint` of
/// the arguments where a nil argument is the string `<no value>`.
fn eval_args(args: &[Value]) -> String {
    let args: Vec<Value> = args
        .iter()
        .map(|a| {
            if a.is_none() || a.is_undefined() {
                Value::from("<no value>")
            } else {
                a.clone()
            }
        })
        .collect();
    sprint(&args)
}

/// Go's `template.HTMLEscapeString`.
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '\'' => out.push_str("&#39;"),
            '"' => out.push_str("&#34;"),
            '\0' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Go's `template.JSEscapeString`.
pub fn js_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04X}", c as u32)),
            c if (c as u32) >= 0x80 && !crate::render::format::is_go_printable(c) => {
                out.push_str(&format!("\\u{:04X}", c as u32))
            }
            c => out.push(c),
        }
    }
    out
}

/// Go's `url.QueryEscape`.
pub fn query_escape(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub fn register(env: &mut Environment<'static>) {
    register_fn!(env, "eq", |args: Rest<Value>| go_eq(&args).map(Value::from));
    register_fn!(env, "ne", |args: Rest<Value>| {
        let (a, b) = two("ne", &args)?;
        go_eq(&[a.clone(), b.clone()]).map(|t| Value::from(!t))
    });
    register_fn!(env, "lt", |args: Rest<Value>| {
        let (a, b) = two("lt", &args)?;
        go_lt(a, b).map(Value::from)
    });
    register_fn!(env, "le", |args: Rest<Value>| {
        let (a, b) = two("le", &args)?;
        let lt = go_lt(a, b)?;
        Ok::<_, Error>(Value::from(lt || go_eq(&[a.clone(), b.clone()])?))
    });
    register_fn!(env, "gt", |args: Rest<Value>| {
        let (a, b) = two("gt", &args)?;
        let lt = go_lt(a, b)?;
        Ok::<_, Error>(Value::from(!(lt || go_eq(&[a.clone(), b.clone()])?)))
    });
    register_fn!(env, "ge", |args: Rest<Value>| {
        let (a, b) = two("ge", &args)?;
        go_lt(a, b).map(|t| Value::from(!t))
    });
    register_fn!(env, "not", |args: Rest<Value>| {
        arity("not", &args, 1)?;
        Ok::<_, Error>(Value::from(!crate::render::runtime::truth(&args[0])))
    });
    register_fn!(env, "len", |args: Rest<Value>| {
        arity("len", &args, 1)?;
        go_len(&args[0]).map(Value::from)
    });
    register_fn!(env, "index", |args: Rest<Value>| {
        arity_min("index", &args, 1)?;
        go_index(&args[0], &args[1..])
    });
    register_fn!(env, "slice", |args: Rest<Value>| go_slice(&args));
    register_fn!(env, "print", |args: Rest<Value>| Ok::<_, Error>(
        Value::from(sprint(&args))
    ));
    register_fn!(env, "println", |args: Rest<Value>| Ok::<_, Error>(
        Value::from(sprintln(&args))
    ));
    register_fn!(env, "printf", |args: Rest<Value>| {
        arity_min("printf", &args, 1)?;
        let f = string(&args[0])?;
        Ok::<_, Error>(Value::from(sprintf(&f, &args[1..])))
    });
    register_fn!(env, "html", |args: Rest<Value>| Ok::<_, Error>(
        Value::from(html_escape(&eval_args(&args)))
    ));
    register_fn!(env, "js", |args: Rest<Value>| Ok::<_, Error>(Value::from(
        js_escape(&eval_args(&args))
    )));
    register_fn!(env, "urlquery", |args: Rest<Value>| Ok::<_, Error>(
        Value::from(query_escape(&eval_args(&args)))
    ));
}

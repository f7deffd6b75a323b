//! Runtime helpers the compiled templates call: Go truthiness, field access,
//! `range`, function calls with Go's error chain, and the engine-bound
//! functions (`include`, `tpl`, `template`, `required`, `fail`, `lookup`).
//!
//! Helper names start with `f__` so they can never clash with a Helm
//! function (`f_<name>`). Every helper that can fail takes a location string
//! (see [`loc`]) so errors name the chart file, line and column.

pub mod engine_fns;
pub mod files;
pub mod loc;
pub mod pipeline;
pub mod structs;

use minijinja::value::{Rest, ValueKind};
use std::sync::Arc;

use minijinja::{Environment, Error, ErrorKind, State, Value};

use crate::render::govalue::as_map;

/// A finished (already Helm-phrased) error.
pub fn done_error(msg: String) -> Error {
    Error::new(ErrorKind::InvalidOperation, msg)
}

/// The message of an error without minijinja's decorations.
pub fn error_text(err: &Error) -> String {
    err.detail()
        .map(str::to_string)
        .unwrap_or_else(|| err.to_string())
}

/// Errors that must pass through helpers unchanged (resource limits).
pub fn is_limit_error(err: &Error) -> bool {
    err.kind() == ErrorKind::OutOfFuel
        || error_text(err).contains("recursion limit exceeded")
        || error_text(err).starts_with(loc::DONE) && error_text(err).contains(LIMIT_MARK)
}

/// Marks render-limit errors raised by the engine itself (include depth, sizes).
pub const LIMIT_MARK: &str = "\u{4}";

/// Go's truth: false, 0, nil, and empty strings/slices/maps are false.
pub fn truth(v: &Value) -> bool {
    if let Some(m) = as_map(v) {
        return !m.is_empty();
    }
    match v.kind() {
        ValueKind::Undefined | ValueKind::None => false,
        ValueKind::Bool => v.is_true(),
        ValueKind::Number => {
            if let Ok(f) = f64::try_from(v.clone()) {
                f != 0.0
            } else {
                v.is_true()
            }
        }
        ValueKind::String => v.as_str().is_some_and(|s| !s.is_empty()),
        ValueKind::Bytes => v.as_bytes().is_some_and(|b| !b.is_empty()),
        ValueKind::Seq | ValueKind::Map | ValueKind::Iterable => v.len().is_none_or(|n| n > 0),
        _ => true,
    }
}

/// Go's type name of a runtime value, as error messages and `%T` show it.
pub fn go_type(v: &Value) -> String {
    crate::render::types::go_type_name(v)
}

/// A Go `string` argument of an engine function: its text, or
/// text/template's conversion error.
pub fn str_arg(v: &Value) -> Result<&str, Error> {
    v.as_str().ok_or_else(|| {
        Error::new(
            ErrorKind::InvalidOperation,
            format!("wrong type for value; expected string; got {}", go_type(v)),
        )
    })
}

fn nil(v: &Value) -> bool {
    v.is_none() || v.is_undefined()
}

/// `.a.b.c` (and `.Get "x"` method calls when `args` is a sequence).
/// `head` is the node's location reference (resolved only for an error: its
/// text carries the argument spec of method calls), a space and the names
/// joined by dots; `base_type` is the base's static type when the code
/// knows it only at run time (`range` elements).
fn field(
    state: &State,
    head: &str,
    base: Value,
    args: Option<Value>,
    base_type: Option<&str>,
) -> Result<Value, Error> {
    let (loc_spec, names) = split_at_byte(head, b' ').unwrap_or((head, ""));
    let base_type = base_type.unwrap_or("");
    let fail = |msg: &str| {
        let resolved = loc::resolve(state, loc_spec);
        let (loc, _) = loc::split_spec(&resolved);
        done_error(loc::decode(loc).exec_error(msg))
    };
    // Split as it is walked (no list per access): `count` tells the last.
    let count = names.bytes().filter(|&b| b == b'.').count() + 1;
    let args = args.filter(|a| !nil(a));
    let has_args = args.is_some();
    let args: Vec<Value> = args
        .and_then(|a| a.try_iter().ok().map(|i| i.collect()))
        .unwrap_or_default();
    if base_type == "interface {}" && nil(&base) && !base.is_undefined() {
        // A nil element of an interface{} collection is a nil interface.
        if let Some(name) = field_names(names).next() {
            return Err(fail(&format!(
                "nil pointer evaluating interface {{}}.{name}"
            )));
        }
    }
    if nil(&base) {
        // A nil base (a variable, a parenthesized pipeline, a nil dot) is
        // Go's invalid value: fields of it are the zero value, no error.
        // Only a nil met inside the chain (`.a.b` with `.a` nil) fails.
        return Ok(Value::from(()));
    }
    let mut cur = base;
    // Go names the receiver's static type: a map element has the map's
    // element type (`interface {}` for values), whatever it holds. Only an
    // error reads it, so it stays a recipe until then.
    let mut static_type = if base_type.is_empty() {
        StaticType::Dynamic
    } else {
        StaticType::Named(base_type)
    };
    for (i, name) in field_names(names).enumerate() {
        let last = i + 1 == count;
        if let Some(map) = as_map(&cur) {
            if last && has_args {
                return Err(fail(&format!("{name} is not a method but has arguments")));
            }
            let elem = map.get(name).unwrap_or(Value::from(()));
            static_type = StaticType::ElementOf(std::mem::replace(&mut cur, elem));
            continue;
        }
        if cur.is_undefined() {
            // No data at all (`template "x"` without a pipeline): Go yields
            // the zero value silently.
            continue;
        }
        if let Some(st) = cur.downcast_object_ref::<structs::GoStruct>() {
            if last && has_args {
                return Err(fail(&format!(
                    "{name} has arguments but cannot be invoked as function"
                )));
            }
            match st.field(name) {
                Some(v) => {
                    cur = v;
                    static_type = StaticType::Dynamic;
                    continue;
                }
                None => {
                    return Err(fail(&format!(
                        "can't evaluate field {name} in type interface {{}}"
                    )));
                }
            }
        }
        if nil(&cur) {
            return Err(fail(&format!(
                "nil pointer evaluating interface {{}}.{name}"
            )));
        }
        if cur.kind() == ValueKind::Map && cur.as_object().is_some() && !is_method_object(&cur) {
            // A plain minijinja map (from a library function): read like a Go map.
            static_type = StaticType::Dynamic;
            cur = cur
                .get_attr(name)
                .ok()
                .filter(|v| !v.is_undefined())
                .unwrap_or(Value::from(()));
            continue;
        }
        if is_method_object(&cur) || is_version_set(&cur, name) {
            let call_args: &[Value] = if last { &args } else { &[] };
            match call_method(state, &cur, name, call_args) {
                Ok(v) => {
                    cur = v;
                    static_type = StaticType::Dynamic;
                    continue;
                }
                Err(e) => {
                    if is_limit_error(&e) {
                        return Err(e);
                    }
                    let msg = error_text(&e);
                    let msg = loc::strip(&msg);
                    let resolved = loc::resolve(state, loc_spec);
                    let (loc, spec) = loc::split_spec(&resolved);
                    if let Some(err) = arg_error(loc, name, spec, &args, msg) {
                        return Err(err);
                    }
                    let text = if msg.starts_with("wrong number of args")
                        || msg.starts_with("can't evaluate")
                    {
                        msg.to_string()
                    } else {
                        format!("error calling {name}: {msg}")
                    };
                    return Err(fail(&text));
                }
            }
        }
        let type_name = match static_type {
            StaticType::Dynamic => go_type(&cur),
            StaticType::Named(t) => t.to_string(),
            StaticType::ElementOf(map) => map_elem_type(&go_type(&map)),
        };
        return Err(fail(&format!(
            "can't evaluate field {name} in type {type_name}"
        )));
    }
    Ok(cur)
}

/// `text.split_once(byte)` for an ASCII byte, by a plain byte loop: the
/// texts are a few bytes and split on every field access, where `str`'s
/// char searcher cost more than the rest of the access.
fn split_at_byte(text: &str, byte: u8) -> Option<(&str, &str)> {
    debug_assert!(byte.is_ascii());
    let i = text.bytes().position(|b| b == byte)?;
    Some((&text[..i], &text[i + 1..]))
}

/// `names.split('.')` (see [`split_at_byte`]).
fn field_names(names: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(names);
    std::iter::from_fn(move || {
        let r = rest?;
        match split_at_byte(r, b'.') {
            Some((name, tail)) => {
                rest = Some(tail);
                Some(name)
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// The static Go type of the value a field chain has reached.
enum StaticType<'a> {
    /// The value's own type.
    Dynamic,
    /// A type the code gave (a `range` element's).
    Named(&'a str),
    /// The element type of this map.
    ElementOf(Value),
}

/// The element type of a Go map type (`interface {}` for named map types
/// such as `chartutil.Values`).
fn map_elem_type(map_type: &str) -> String {
    match map_type.strip_prefix("map[") {
        Some(rest) => {
            // Skip the key type (balanced brackets).
            let mut depth = 1;
            for (i, c) in rest.char_indices() {
                match c {
                    '[' => depth += 1,
                    ']' => {
                        depth -= 1;
                        if depth == 0 {
                            return rest[i + 1..].to_string();
                        }
                    }
                    _ => {}
                }
            }
            "interface {}".to_string()
        }
        None => "interface {}".to_string(),
    }
}

fn is_method_object(v: &Value) -> bool {
    v.downcast_object_ref::<files::Files>().is_some()
        || crate::render::funcs::methods::has_methods(v)
}

/// `Capabilities.APIVersions` is a `[]string` with a `Has` method.
fn is_version_set(v: &Value, name: &str) -> bool {
    name == "Has" && v.kind() == ValueKind::Seq
}

fn call_method(state: &State, obj: &Value, name: &str, args: &[Value]) -> Result<Value, Error> {
    if is_version_set(obj, name) {
        crate::render::funcs::args::arity("Has", args, 1)?;
        let want = str_arg(&args[0])?;
        let found = obj
            .try_iter()
            .map(|mut it| it.any(|v| v.as_str() == Some(want)))
            .unwrap_or(false);
        return Ok(Value::from(found));
    }
    if let Some(files) = obj.downcast_object_ref::<files::Files>() {
        return files.method(state, name, args);
    }
    if let Some(result) = crate::render::funcs::methods::call(obj, name, args) {
        return result;
    }
    Err(Error::new(
        ErrorKind::InvalidOperation,
        format!("can't evaluate field {name} in type {}", go_type(obj)),
    ))
}

/// One step of `range`: the (key, value) pairs Go visits, in Go's order.
pub(crate) fn range_items(state: &State, loc: &str, v: Value, vars: usize) -> Result<Value, Error> {
    let fail = |msg: String| done_error(loc::decode(&loc::resolve(state, loc)).exec_error(&msg));
    if vars > 1 && v.is_integer() {
        return Err(fail(format!(
            "can't use {} to iterate over more than one variable",
            crate::render::format::go_string(&v)
        )));
    }
    if let Some(map) = as_map(&v) {
        let elem = Value::from(map_elem_type(&go_type(&v)));
        let pairs: Vec<Value> = map
            .snapshot()
            .into_iter()
            .map(|(k, v)| Value::from(vec![Value::from(k), v, elem.clone()]))
            .collect();
        state.consume_fuel(pairs.len() as u64)?;
        return Ok(Value::from(pairs));
    }
    match v.kind() {
        ValueKind::Undefined | ValueKind::None => Ok(Value::from(Vec::<Value>::new())),
        ValueKind::Number if v.is_integer() => {
            let n = i64::try_from(v.clone()).unwrap_or(0).max(0);
            state.consume_fuel(n as u64)?;
            Ok(Value::from(
                (0..n)
                    .map(|i| Value::from(vec![Value::from(i), Value::from(i)]))
                    .collect::<Vec<_>>(),
            ))
        }
        ValueKind::Seq | ValueKind::Iterable => {
            let t = go_type(&v);
            let elem = Value::from(t.strip_prefix("[]").unwrap_or(""));
            let items: Vec<Value> = v
                .try_iter()
                .map(|it| {
                    it.enumerate()
                        .map(|(i, x)| Value::from(vec![Value::from(i as i64), x, elem.clone()]))
                        .collect()
                })
                .unwrap_or_default();
            state.consume_fuel(items.len() as u64)?;
            Ok(Value::from(items))
        }
        ValueKind::Map => {
            let mut keys: Vec<Value> = v.try_iter().map(|i| i.collect()).unwrap_or_default();
            keys.sort_by_key(|k| k.to_string());
            Ok(Value::from(
                keys.into_iter()
                    .map(|k| {
                        let x = v.get_item(&k).unwrap_or_default();
                        Value::from(vec![k, x])
                    })
                    .collect::<Vec<_>>(),
            ))
        }
        _ => Err(fail(format!(
            "range can't iterate over {}",
            crate::render::format::go_string(&v)
        ))),
    }
}

/// Calls the Helm/Sprig function `name` with Go's error chain.
/// A function result larger than this many string bytes (or list items) stops
/// the render: doubling a string or list in a loop is cheap in fuel but not in memory.
pub const MAX_RESULT_BYTES: usize = 64 << 20;
pub const MAX_RESULT_ITEMS: usize = 1 << 20;

fn within_limits(v: &Value) -> bool {
    match v.kind() {
        ValueKind::String => v.as_str().map_or(0, str::len) <= MAX_RESULT_BYTES,
        ValueKind::Seq | ValueKind::Map => v.len().unwrap_or(0) <= MAX_RESULT_ITEMS,
        _ => true,
    }
}

/// The environment's functions by global name, as a render-state extension:
/// [`call`] finds its function with one hash lookup here instead of
/// `State::lookup`, which searches every frame of the render context first.
pub struct FunctionTable(pub Arc<rustc_hash::FxHashMap<String, Value>>);

impl FunctionTable {
    /// Every global of `env` (all of them are functions).
    pub fn of(env: &Environment) -> FunctionTable {
        FunctionTable(Arc::new(
            env.globals()
                .map(|(name, f)| (name.to_string(), f))
                .collect(),
        ))
    }
}

/// `head` is the command's location reference (the identifier's, with the
/// argument spec, is the next one), a space and the function's global name.
fn call(state: &mut State, head: &str, args: Rest<Value>) -> Result<Value, Error> {
    let (cmd_loc, global) = split_at_byte(head, b' ').unwrap_or((head, ""));
    let name = global
        .strip_prefix(crate::render::funcs::PREFIX)
        .unwrap_or(global);
    let func = state
        .get_extension::<FunctionTable>()
        .and_then(|table| table.0.get(global).cloned())
        .or_else(|| state.lookup(global));
    let Some(func) = func else {
        return Err(done_error(
            loc::decode(&loc::resolve(state, cmd_loc))
                .exec_error(&format!("function \"{name}\" not defined")),
        ));
    };
    let result = func.call(state, &args);
    if let Ok(v) = &result
        && within_limits(v)
    {
        return result;
    }
    let ident_spec = &*loc::resolve_next(state, cmd_loc);
    let cmd_loc = &*loc::resolve(state, cmd_loc);
    // The identifier's location, then the argument spec (see `arg_error`).
    let (ident_loc, spec) = loc::split_spec(ident_spec);
    match result {
        Ok(_) => Err(done_error(loc::decode(cmd_loc).exec_error(&format!(
            "{LIMIT_MARK}error calling {name}: result is over the size limit ({MAX_RESULT_BYTES} bytes or {MAX_RESULT_ITEMS} items)"
        )))),
        Err(e) if is_limit_error(&e) => Err(e),
        Err(e) => {
            let msg = error_text(&e);
            let bare = loc::strip(&msg);
            if bare.starts_with("wrong number of args") {
                return Err(done_error(loc::decode(ident_loc).exec_error(bare)));
            }
            let nil_len;
            let bare = if name == "len" && bare == "len of untyped nil" {
                // A map's missing element is a nil interface{} (`len of nil
                // pointer`); a literal or computed nil is Go's invalid
                // value, on which `len` panics.
                nil_len = if spec.starts_with('f') {
                    "len of nil pointer"
                } else {
                    "reflect: call of reflect.Value.Type on zero Value"
                };
                nil_len
            } else {
                bare
            };
            if let Some(err) = arg_error(cmd_loc, name, spec, &args, bare) {
                return Err(err);
            }
            if bare.starts_with("wrong type for value") || bare.starts_with("expected ") {
                return Err(done_error(loc::decode(cmd_loc).exec_error(bare)));
            }
            let bare = match e.kind() {
                ErrorKind::TooManyArguments | ErrorKind::MissingArgument => {
                    return Err(done_error(
                        loc::decode(ident_loc)
                            .exec_error(&format!("wrong number of args for {name}: {bare}")),
                    ));
                }
                _ => bare,
            };
            Err(done_error(
                loc::decode(cmd_loc).exec_error(&format!("error calling {name}: {bare}")),
            ))
        }
    }
}

/// Go checks each argument against its parameter type in `evalArg`,
/// positioned at the argument: a literal of the wrong kind is refused as
/// `expected string; found 3`, a literal `nil` as `cannot assign nil to T`,
/// an evaluated value as `wrong type for value; expected T; got U`. The
/// library reports only the latter; this finds the argument (the first
/// whose type is `U`) in the compiler's `spec` and rephrases the error.
fn arg_error(cmd_loc: &str, name: &str, spec: &str, args: &[Value], bare: &str) -> Option<Error> {
    let (want, got) = if let Some(rest) = bare.strip_prefix("wrong type for value; expected ") {
        let (want, got) = rest.split_once("; got ")?;
        (want, Some(got))
    } else {
        (bare.strip_prefix("invalid value; expected ")?, None)
    };
    let entries: Vec<&str> = spec.split('\u{1e}').collect();
    // A literal that Go would convert to the parameter's type is not the
    // culprit (`substr 0 2 3` fails at `3`).
    let fits = |entry: Option<&&str>| {
        let kind = entry.and_then(|e| e.chars().next());
        match want {
            "string" => kind == Some('s'),
            "bool" => kind == Some('b'),
            "int" | "int64" | "int32" | "int8" | "int16" | "uint" | "uint64" | "uint32"
            | "uint8" | "uint16" => kind == Some('i'),
            "float64" | "float32" => matches!(kind, Some('i' | 'n')),
            _ => false,
        }
    };
    let want_int = want.starts_with("int") || want.starts_with("uint");
    let index = args.iter().enumerate().position(|(i, a)| {
        !fits(entries.get(i))
            // A known `int` parameter cannot be where a non-int was wanted.
            && (want_int || !crate::render::compile::int_param(name, i))
            && match got {
                Some(got) => go_type(a) == got,
                None => nil(a),
            }
    })?;
    let entry = *entries.get(index)?;
    let mut chars = entry.chars();
    let kind = chars.next()?;
    let (line_col, text) = chars.as_str().split_once('\u{1f}')?;
    let msg = match kind {
        's' | 'i' | 'n' | 'b' => match want {
            "string" => format!("expected string; found {text}"),
            "bool" => format!("expected bool; found {text}"),
            "int" | "int64" | "int32" | "int8" | "int16" => {
                format!("expected integer; found {text}")
            }
            "uint" | "uint64" | "uint32" | "uint8" | "uint16" => {
                format!("expected unsigned integer; found {text}")
            }
            "float64" | "float32" => format!("expected float; found {text}"),
            _ => format!("can't handle {text} for arg of type {want}"),
        },
        // Go passes nil to slices, maps, pointers and interfaces.
        'z' if !["[]", "map[", "*", "interface ", "func(", "chan "]
            .iter()
            .any(|p| want.starts_with(p)) =>
        {
            format!("cannot assign nil to {want}")
        }
        // A map's element (`.Values.x`) keeps its static type interface {}.
        'f' if got.is_none() || got == Some("<nil>") => {
            format!("wrong type for value; expected {want}; got interface {{}}")
        }
        // Any other nil reaches the check as Go's invalid value.
        _ if got == Some("<nil>") => format!("invalid value; expected {want}"),
        _ => bare.to_string(),
    };
    let l = loc::decode(cmd_loc);
    let at = loc::Loc {
        line_col,
        node: text,
        ..l
    };
    Some(done_error(at.exec_error(&msg)))
}

fn raise(state: &State, loc: &str, msg: &str) -> Result<Value, Error> {
    Err(done_error(
        loc::decode(&loc::resolve(state, loc)).exec_error(msg),
    ))
}

/// The `dot` parameter of the running unit's macro.
pub(crate) fn unit_dot(state: &State) -> Value {
    state
        .lookup(crate::render::compile::DOT)
        .unwrap_or(Value::UNDEFINED)
}

/// Registers the compiler's helpers (not Helm functions).
pub fn register_helpers(env: &mut Environment<'static>) {
    // The helpers every action uses are filters on their first argument:
    // minijinja finds a filter in the environment once per template run,
    // where a function is looked up through every scope on each call.
    env.add_filter("f__truth", |v: Value| truth(&v));
    env.add_filter(
        "f__field_truth",
        |state: &State, head: &str, base: Value, args: Option<Value>, base_type: Option<&str>| {
            field(state, head, base, args, base_type).map(|v| truth(&v))
        },
    );
    // A field of the unit's own dot: the `dot` parameter of its macro, looked
    // up here rather than passed (see `compile::DOT`).
    env.add_filter("f__dfield_truth", |state: &State, head: &str| {
        field(state, head, unit_dot(state), None, None).map(|v| truth(&v))
    });
    env.add_filter("f__range", range_items);
    // A whole pipeline evaluated from its compiled tree (see `pipeline`).
    env.add_filter("f__p", pipeline::run);
    env.add_function("f__raise", raise);
    env.add_function("f__complex", |im: f64| structs::complex(0.0, im));
    engine_fns::register(env);
}

#[cfg(test)]
mod split_tests {
    #[test]
    fn field_names_split_like_str_split() {
        for s in [
            "",
            "a",
            "a.b",
            ".a",
            "a.",
            "a..b",
            "Values.image.tag",
            "ü.ß.€",
        ] {
            let ours: Vec<&str> = super::field_names(s).collect();
            assert_eq!(ours, s.split('.').collect::<Vec<_>>(), "{s:?}");
            assert_eq!(super::split_at_byte(s, b'.'), s.split_once('.'), "{s:?}");
        }
    }
}

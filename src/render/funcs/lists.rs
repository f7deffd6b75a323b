//! Sprig list functions. Lists are new slices (Sprig never mutates them).

use minijinja::value::Rest;
use minijinja::{Environment, Error, Value};

use super::args::{arity, arity_min, deep_equal, fail, int, list, to_i64};
use crate::render::govalue::int64_value;
use crate::render::types::go_type_name;

/// Largest list `until`/`untilStep`/`seq` will build (hostile charts).
pub const MAX_LIST: i64 = 1 << 20;

fn v(items: Vec<Value>) -> Value {
    Value::from(items)
}

fn reg(
    env: &mut Environment<'static>,
    name: &'static str,
    must: bool,
    f: fn(&str, &[Value]) -> Result<Value, Error>,
) {
    env.add_function(format!("f_{name}"), move |args: Rest<Value>| f(name, &args));
    if must {
        let must_name: &'static str =
            Box::leak(format!("must{}{}", name[..1].to_uppercase(), &name[1..]).into_boxed_str());
        env.add_function(format!("f_{must_name}"), move |args: Rest<Value>| {
            f(must_name, &args)
        });
    }
}

/// Go's panic text for a nil pointer dereference (Helm reports recovered
/// panics of template functions as `error calling NAME: <panic>`).
pub const NIL_DEREF: &str = "runtime error: invalid memory address or nil pointer dereference";

/// Sprig's list functions start with `reflect.TypeOf(list).Kind()`, which
/// panics for a nil list.
fn nil_list(v: &Value) -> Result<(), Error> {
    if v.is_none() || v.is_undefined() {
        return Err(fail(NIL_DEREF));
    }
    Ok(())
}

/// A list parameter, or Sprig's per-function error for other types.
fn larg(name: &str, v: &Value) -> Result<Vec<Value>, Error> {
    nil_list(v)?;
    list(v).ok_or_else(|| {
        let base = match name.strip_prefix("must") {
            Some(b) => {
                let mut c = b.chars();
                c.next()
                    .map(|f| f.to_lowercase().chain(c).collect::<String>())
                    .unwrap_or_default()
            }
            None => name.to_string(),
        };
        let t = go_type_name(v);
        fail(match base.as_str() {
            "append" | "push" => format!("Cannot push on type {t}"),
            "prepend" => format!("Cannot prepend on type {t}"),
            "compact" => format!("Cannot compact on type {t}"),
            "chunk" => format!("Cannot chunk type {t}"),
            other => format!("Cannot find {other} on type {t}"),
        })
    })
}

fn push(name: &str, a: &[Value]) -> Result<Value, Error> {
    arity(name, a, 2)?;
    let mut l = larg(name, &a[0])?;
    l.push(a[1].clone());
    Ok(v(l))
}

fn prepend(name: &str, a: &[Value]) -> Result<Value, Error> {
    arity(name, a, 2)?;
    let mut l = larg(name, &a[0])?;
    l.insert(0, a[1].clone());
    Ok(v(l))
}

fn first(name: &str, a: &[Value]) -> Result<Value, Error> {
    arity(name, a, 1)?;
    Ok(larg(name, &a[0])?
        .first()
        .cloned()
        .unwrap_or(Value::from(())))
}

fn last(name: &str, a: &[Value]) -> Result<Value, Error> {
    arity(name, a, 1)?;
    Ok(larg(name, &a[0])?
        .last()
        .cloned()
        .unwrap_or(Value::from(())))
}

fn rest(name: &str, a: &[Value]) -> Result<Value, Error> {
    arity(name, a, 1)?;
    let l = larg(name, &a[0])?;
    if l.is_empty() {
        // Sprig returns a nil []interface{}: prints `[]`.
        return Ok(v(Vec::new()));
    }
    Ok(v(l[1..].to_vec()))
}

fn initial(name: &str, a: &[Value]) -> Result<Value, Error> {
    arity(name, a, 1)?;
    let l = larg(name, &a[0])?;
    if l.is_empty() {
        return Ok(v(Vec::new()));
    }
    Ok(v(l[..l.len() - 1].to_vec()))
}

fn reverse(name: &str, a: &[Value]) -> Result<Value, Error> {
    arity(name, a, 1)?;
    let mut l = larg(name, &a[0])?;
    l.reverse();
    Ok(v(l))
}

fn uniq(name: &str, a: &[Value]) -> Result<Value, Error> {
    arity(name, a, 1)?;
    let l = larg(name, &a[0])?;
    let mut out: Vec<Value> = Vec::new();
    for x in l {
        if !out.iter().any(|y| deep_equal(y, &x)) {
            out.push(x);
        }
    }
    Ok(v(out))
}

fn without(name: &str, a: &[Value]) -> Result<Value, Error> {
    arity_min(name, a, 1)?;
    let l = larg(name, &a[0])?;
    Ok(v(l
        .into_iter()
        .filter(|x| !a[1..].iter().any(|o| deep_equal(o, x)))
        .collect()))
}

fn has(name: &str, a: &[Value]) -> Result<Value, Error> {
    arity(name, a, 2)?;
    if a[1].is_none() || a[1].is_undefined() {
        return Ok(Value::from(false));
    }
    let l = larg(name, &a[1])?;
    Ok(Value::from(l.iter().any(|x| deep_equal(x, &a[0]))))
}

fn compact(name: &str, a: &[Value]) -> Result<Value, Error> {
    arity(name, a, 1)?;
    let l = larg(name, &a[0])?;
    Ok(v(l
        .into_iter()
        .filter(|x| !super::args::is_empty(x))
        .collect()))
}

fn slice(name: &str, a: &[Value]) -> Result<Value, Error> {
    arity_min(name, a, 1)?;
    nil_list(&a[0])?;
    let Some(l) = list(&a[0]) else {
        return Err(fail(format!(
            "list should be type of slice or array but {}",
            crate::render::types::go_kind_name(&a[0])
        )));
    };
    if l.is_empty() {
        // Sprig returns an untyped nil: prints `<no value>`.
        return Ok(Value::from(()));
    }
    let start = a.get(1).map(to_i64).unwrap_or(0);
    let end = a.get(2).map(to_i64).unwrap_or(l.len() as i64);
    if start < 0 || end < start || end > l.len() as i64 {
        return Err(fail("reflect.Value.Slice: slice index out of bounds"));
    }
    Ok(crate::render::govalue::like_slice(
        &a[0],
        l[start as usize..end as usize].to_vec(),
    ))
}

fn chunk(name: &str, a: &[Value]) -> Result<Value, Error> {
    arity(name, a, 2)?;
    let size = int(&a[0])?;
    let l = larg(name, &a[1])?;
    if size > 0 {
        return Ok(v(l.chunks(size as usize).map(|c| v(c.to_vec())).collect()));
    }
    // Sprig's float arithmetic with a size <= 0, as Go on amd64 runs it:
    // NaN/±Inf convert to the minimum int, and `make` of a negative length
    // panics.
    let go_int = |f: f64| {
        if f.is_finite() && f.abs() < 9.2e18 {
            f as i64
        } else {
            i64::MIN
        }
    };
    let makeslice = || fail("runtime error: makeslice: len out of range");
    let len = l.len() as i64;
    let chunks = go_int(((len - 1) as f64 / size as f64).floor()).wrapping_add(1);
    if chunks < 0 {
        return Err(makeslice());
    }
    let mut out = Vec::new();
    for i in 0..chunks {
        let mut clen = size;
        if i == chunks - 1 {
            clen = go_int((len as f64 % size as f64).floor());
            if clen == 0 {
                clen = size;
            }
        }
        if clen < 0 {
            return Err(makeslice());
        }
        let start = i.saturating_mul(size);
        let items: Option<Vec<Value>> = (0..clen)
            .map(|j| {
                usize::try_from(start + j)
                    .ok()
                    .and_then(|ix| l.get(ix).cloned())
            })
            .collect();
        match items {
            Some(items) => out.push(v(items)),
            None => return Err(fail("reflect: slice index out of range")),
        }
    }
    Ok(v(out))
}

fn until_step(start: i64, stop: i64, step: i64) -> Result<Value, Error> {
    if step == 0 || (step > 0 && start >= stop) || (step < 0 && start <= stop) {
        return Ok(crate::render::govalue::int_slice(Vec::new()));
    }
    let count = ((stop - start) as i128 / step as i128).unsigned_abs() + 1;
    if count > MAX_LIST as u128 {
        return Err(fail(format!(
            "list of {count} items is over the {MAX_LIST} item limit"
        )));
    }
    let mut out = Vec::new();
    let mut i = start;
    while (step > 0 && i < stop) || (step < 0 && i > stop) {
        out.push(i);
        i += step;
    }
    Ok(crate::render::govalue::int_slice(out))
}

/// Sprig's `seq` (Go `...int` parameters), joined with spaces.
fn seq(n: &[i64]) -> Result<String, Error> {
    let (start, stop, step) = match *n {
        [end] => {
            let inc = if end < 1 { -1 } else { 1 };
            (1, end.saturating_add(inc), inc)
        }
        [start, end] => {
            let inc = if end < start { -1 } else { 1 };
            (start, end.saturating_add(inc), inc)
        }
        [start, step, end] => {
            let inc = if end < start { -1 } else { 1 };
            if (end < start && step > 0) || (end >= start && step < 0) {
                return Ok(String::new());
            }
            (start, end.saturating_add(inc), step)
        }
        _ => return Ok(String::new()),
    };
    let items = until_step(start, stop, step)?;
    let parts: Vec<String> = items
        .try_iter()
        .map(|it| it.map(|x| x.to_string()).collect())
        .unwrap_or_default();
    Ok(parts.join(" "))
}

pub fn register(env: &mut Environment<'static>) {
    env.add_function("f_list", |args: Rest<Value>| {
        Ok::<_, Error>(v(args.to_vec()))
    });
    env.add_function("f_tuple", |args: Rest<Value>| {
        Ok::<_, Error>(v(args.to_vec()))
    });
    reg(env, "append", true, push);
    reg(env, "push", true, push);
    reg(env, "prepend", true, prepend);
    reg(env, "first", true, first);
    reg(env, "last", true, last);
    reg(env, "rest", true, rest);
    reg(env, "initial", true, initial);
    reg(env, "reverse", true, reverse);
    reg(env, "uniq", true, uniq);
    reg(env, "without", true, without);
    reg(env, "has", true, has);
    reg(env, "compact", true, compact);
    reg(env, "slice", true, slice);
    reg(env, "chunk", true, chunk);
    env.add_function("f_concat", |args: Rest<Value>| {
        let mut out = Vec::new();
        for a in args.iter() {
            nil_list(a)?;
            match list(a) {
                Some(items) => out.extend(items),
                None => {
                    return Err(fail(format!(
                        "Cannot concat type {} as list",
                        go_type_name(a)
                    )));
                }
            }
        }
        Ok::<_, Error>(v(out))
    });
    env.add_function("f_until", |args: Rest<Value>| {
        arity("until", &args, 1)?;
        let n = int(&args[0])?;
        until_step(0, n, if n < 0 { -1 } else { 1 })
    });
    env.add_function("f_untilStep", |args: Rest<Value>| {
        arity("untilStep", &args, 3)?;
        until_step(int(&args[0])?, int(&args[1])?, int(&args[2])?)
    });
    env.add_function("f_seq", |args: Rest<Value>| {
        let n: Vec<i64> = args.iter().map(int).collect::<Result<_, _>>()?;
        Ok::<_, Error>(Value::from(seq(&n)?))
    });
    let _ = int64_value;
}

#[cfg(test)]
mod tests {
    #[test]
    fn seq_as_sprig() {
        assert_eq!(super::seq(&[3]).unwrap(), "1 2 3");
        assert_eq!(super::seq(&[0]).unwrap(), "1 0");
        assert_eq!(super::seq(&[-2]).unwrap(), "1 0 -1 -2");
        assert_eq!(super::seq(&[2, 5]).unwrap(), "2 3 4 5");
        assert_eq!(super::seq(&[5, 2]).unwrap(), "5 4 3 2");
        assert_eq!(super::seq(&[0, 2, 7]).unwrap(), "0 2 4 6");
        assert_eq!(super::seq(&[7, -2, 0]).unwrap(), "7 5 3 1");
        assert_eq!(super::seq(&[7, 2, 0]).unwrap(), "");
        assert_eq!(super::seq(&[1, 0, 3]).unwrap(), "");
        assert_eq!(super::seq(&[]).unwrap(), "");
    }
}

//! Sprig dict functions. Maps are shared and mutable ([`GoMap`]): `set`,
//! `unset`, `merge*` change the map in place and return it, as Sprig does.

use std::collections::BTreeMap;

use minijinja::value::Rest;
use minijinja::{Environment, Error, Value};

use super::args::{arity, arity_min, fail, list, string, strval};
use crate::render::govalue::{GoMap, as_map, new_map};
use crate::render::types::go_type_name;

fn map_arg(_name: &str, v: &Value) -> Result<std::sync::Arc<GoMap>, Error> {
    if v.is_none() || v.is_undefined() {
        // Go passes nil as a nil map: reads see an empty map.
        return Ok(std::sync::Arc::new(GoMap::default()));
    }
    as_map(v).ok_or_else(|| {
        fail(format!(
            "wrong type for value; expected map[string]interface {{}}; got {}",
            go_type_name(v)
        ))
    })
}

/// mergo.Merge (no overwrite): fills missing keys of `dst` from `src`, deeply.
fn merge_into(dst: &GoMap, src: &GoMap, overwrite: bool) {
    let src_entries = src.snapshot();
    for (k, sv) in src_entries {
        if sv.is_none() || sv.is_undefined() {
            // mergo: a nil source value is copied only when overwriting.
            if overwrite {
                dst.insert(k, Value::from(()));
            }
            continue;
        }
        let existing = dst.get(&k);
        match existing {
            Some(dv) => {
                if let (Some(dm), Some(sm)) = (as_map(&dv), as_map(&sv)) {
                    merge_into(&dm, &sm, overwrite);
                } else if overwrite || super::args::is_empty(&dv) {
                    dst.insert(k, sv);
                }
            }
            // mergo stores the source value itself (nested maps shared).
            None => dst.insert(k, sv),
        }
    }
}

/// copystructure.Copy: fresh maps and lists all the way down; other values
/// (scalars, times, versions) are kept. Self-containing maps hit the size
/// budget instead of recursing forever.
pub fn deep_copy(v: &Value) -> Result<Value, Error> {
    let mut budget = MAX_COPY_NODES;
    copy_at(v, 0, &mut budget)
}

const MAX_COPY_DEPTH: usize = 500;
const MAX_COPY_NODES: usize = 1_000_000;

fn copy_at(v: &Value, depth: usize, budget: &mut usize) -> Result<Value, Error> {
    if depth > MAX_COPY_DEPTH || *budget == 0 {
        return Err(fail("deepCopy: value too deep or too large to copy"));
    }
    *budget -= 1;
    if let Some(m) = as_map(v) {
        let mut out = BTreeMap::new();
        for (k, x) in m.snapshot() {
            out.insert(k, copy_at(&x, depth + 1, budget)?);
        }
        return Ok(new_map(out));
    }
    match list(v) {
        Some(items) if v.kind() == minijinja::value::ValueKind::Seq => {
            let mut out = Vec::with_capacity(items.len());
            for x in &items {
                out.push(copy_at(x, depth + 1, budget)?);
            }
            Ok(Value::from(out))
        }
        _ => Ok(v.clone()),
    }
}

fn merge_fn(name: &'static str, overwrite: bool) -> impl Fn(Rest<Value>) -> Result<Value, Error> {
    move |args: Rest<Value>| {
        arity_min(name, &args, 1)?;
        let dst = map_arg(name, &args[0])?;
        for src in &args[1..] {
            let s = map_arg(name, src)?;
            merge_into(&dst, &s, overwrite);
        }
        Ok(args[0].clone())
    }
}

pub fn register(env: &mut Environment<'static>) {
    env.add_function("f_dict", |args: Rest<Value>| {
        let mut m = BTreeMap::new();
        let mut i = 0;
        while i < args.len() {
            let k = strval(&args[i]);
            let v = args.get(i + 1).cloned().unwrap_or(Value::from(""));
            m.insert(k, v);
            i += 2;
        }
        Ok::<_, Error>(new_map(m))
    });
    env.add_function("f_get", |args: Rest<Value>| {
        arity("get", &args, 2)?;
        let m = map_arg("get", &args[0])?;
        Ok::<_, Error>(m.get(&string(&args[1])?).unwrap_or(Value::from("")))
    });
    env.add_function("f_set", |args: Rest<Value>| {
        arity("set", &args, 3)?;
        let m = map_arg("set", &args[0])?;
        m.insert(string(&args[1])?, args[2].clone());
        Ok::<_, Error>(args[0].clone())
    });
    env.add_function("f_unset", |args: Rest<Value>| {
        arity("unset", &args, 2)?;
        let m = map_arg("unset", &args[0])?;
        m.remove(&string(&args[1])?);
        Ok::<_, Error>(args[0].clone())
    });
    env.add_function("f_hasKey", |args: Rest<Value>| {
        arity("hasKey", &args, 2)?;
        let m = map_arg("hasKey", &args[0])?;
        Ok::<_, Error>(Value::from(m.contains_key(&string(&args[1])?)))
    });
    env.add_function("f_pluck", |args: Rest<Value>| {
        arity_min("pluck", &args, 1)?;
        let key = string(&args[0])?;
        let mut out = Vec::new();
        for d in &args[1..] {
            let m = map_arg("pluck", d)?;
            if let Some(v) = m.get(&key) {
                out.push(v);
            }
        }
        Ok::<_, Error>(Value::from(out))
    });
    env.add_function("f_keys", |args: Rest<Value>| {
        let mut out = Vec::new();
        for d in args.iter() {
            let m = map_arg("keys", d)?;
            out.extend(m.keys());
        }
        Ok::<_, Error>(crate::render::govalue::string_slice(out))
    });
    env.add_function("f_values", |args: Rest<Value>| {
        arity("values", &args, 1)?;
        let m = map_arg("values", &args[0])?;
        Ok::<_, Error>(Value::from(m.snapshot().into_values().collect::<Vec<_>>()))
    });
    env.add_function("f_pick", |args: Rest<Value>| {
        arity_min("pick", &args, 1)?;
        let m = map_arg("pick", &args[0])?;
        let mut out = BTreeMap::new();
        for k in &args[1..] {
            let k = string(k)?;
            if let Some(v) = m.get(&k) {
                out.insert(k, v);
            }
        }
        Ok::<_, Error>(new_map(out))
    });
    env.add_function("f_omit", |args: Rest<Value>| {
        arity_min("omit", &args, 1)?;
        let m = map_arg("omit", &args[0])?;
        let drop: Vec<String> = args[1..].iter().map(strval).collect();
        let out: BTreeMap<String, Value> = m
            .snapshot()
            .into_iter()
            .filter(|(k, _)| !drop.contains(k))
            .collect();
        Ok::<_, Error>(new_map(out))
    });
    env.add_function("f_merge", merge_fn("merge", false));
    env.add_function("f_mustMerge", merge_fn("mustMerge", false));
    env.add_function("f_mergeOverwrite", merge_fn("mergeOverwrite", true));
    env.add_function("f_mustMergeOverwrite", merge_fn("mustMergeOverwrite", true));
    for name in ["deepCopy", "mustDeepCopy"] {
        env.add_function(format!("f_{name}"), move |args: Rest<Value>| {
            arity(name, &args, 1)?;
            if args[0].is_none() || args[0].is_undefined() {
                // copystructure.Copy(nil) panics inside reflect.
                return Err(fail("reflect: call of reflect.Value.Type on zero Value"));
            }
            deep_copy(&args[0])
        });
    }
    env.add_function("f_dig", |args: Rest<Value>| {
        if args.len() < 3 {
            // Sprig's dig is variadic and panics with this text.
            return Err(fail("dig needs at least three arguments"));
        }
        let n = args.len();
        let default = args[n - 2].clone();
        // Sprig type-asserts: the dict must be a map[string]interface{}
        // (not chartutil.Values) and every key a string.
        let assert_map = |v: &Value| -> Result<std::sync::Arc<GoMap>, Error> {
            let t = go_type_name(v);
            match as_map(v) {
                Some(m) if t == "map[string]interface {}" => Ok(m),
                _ => Err(fail(format!(
                    "interface conversion: interface {{}} is {}, not map[string]interface {{}}",
                    if t == "<nil>" { "nil" } else { t.as_str() }
                ))),
            }
        };
        let mut cur = assert_map(&args[n - 1])?;
        let mut keys: Vec<String> = Vec::new();
        for k in &args[..n - 2] {
            match k.as_str() {
                Some(s) => keys.push(s.to_string()),
                None => {
                    let t = go_type_name(k);
                    return Err(fail(format!(
                        "interface conversion: interface {{}} is {}, not string",
                        if t == "<nil>" { "nil" } else { t.as_str() }
                    )));
                }
            }
        }
        for (i, k) in keys.iter().enumerate() {
            let Some(v) = cur.get(k) else {
                return Ok(default);
            };
            if i + 1 == keys.len() {
                return Ok(v);
            }
            cur = assert_map(&v)?;
        }
        Ok::<_, Error>(default)
    });
    let _ = list;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deep_copy_is_fresh_and_bounded() {
        let inner = new_map(BTreeMap::from([("x".to_string(), Value::from(1))]));
        let outer = new_map(BTreeMap::from([("in".to_string(), inner.clone())]));
        let copy = deep_copy(&outer).unwrap();
        as_map(&inner).unwrap().insert("x".into(), Value::from(2));
        let copied_inner = as_map(&copy).unwrap().get("in").unwrap();
        assert_eq!(
            as_map(&copied_inner).unwrap().get("x"),
            Some(Value::from(1))
        );
        // A map holding itself twice: refused, not exponential.
        let m = new_map(BTreeMap::new());
        as_map(&m).unwrap().insert("a".into(), m.clone());
        as_map(&m).unwrap().insert("b".into(), m.clone());
        assert!(deep_copy(&m).is_err());
        // Break the cycle so the test does not leak.
        as_map(&m).unwrap().lock().clear();
    }

    #[test]
    fn merge_nil_sources() {
        let dst = new_map(BTreeMap::from([("a".to_string(), Value::from(1))]));
        let src = new_map(BTreeMap::from([
            ("a".to_string(), Value::from(())),
            ("n".to_string(), Value::from(())),
        ]));
        merge_into(&as_map(&dst).unwrap(), &as_map(&src).unwrap(), false);
        assert_eq!(as_map(&dst).unwrap().keys(), vec!["a".to_string()]);
        merge_into(&as_map(&dst).unwrap(), &as_map(&src).unwrap(), true);
        assert!(as_map(&dst).unwrap().get("a").unwrap().is_none());
    }
}

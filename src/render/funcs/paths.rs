//! Go `path` functions: base dir clean ext isAbs (and the os* variants, the same on Linux).

use minijinja::value::Rest;
use minijinja::{Environment, Error, Value};

use super::args::{arity, string};

/// Go's `path.Clean`.
pub fn clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        _ => joined,
    }
}

pub fn base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let t = p.trim_end_matches('/');
    if t.is_empty() {
        return "/".into();
    }
    t.rsplit('/').next().unwrap_or(t).to_string()
}

pub fn dir(p: &str) -> String {
    let i = p.rfind('/').map(|i| i + 1).unwrap_or(0);
    clean(&p[..i])
}

pub fn ext(p: &str) -> String {
    let last = p.rsplit('/').next().unwrap_or(p);
    match last.rfind('.') {
        Some(i) => last[i..].to_string(),
        None => String::new(),
    }
}

type PathFn = fn(&str) -> Value;

pub fn register(env: &mut Environment<'static>) {
    let table: [(&'static str, PathFn); 10] = [
        ("base", |p| Value::from(base(p))),
        ("osBase", |p| Value::from(base(p))),
        ("dir", |p| Value::from(dir(p))),
        ("osDir", |p| Value::from(dir(p))),
        ("clean", |p| Value::from(clean(p))),
        ("osClean", |p| Value::from(clean(p))),
        ("ext", |p| Value::from(ext(p))),
        ("osExt", |p| Value::from(ext(p))),
        ("isAbs", |p| Value::from(p.starts_with('/'))),
        ("osIsAbs", |p| Value::from(p.starts_with('/'))),
    ];
    for (name, f) in table {
        env.add_function(format!("f_{name}"), move |args: Rest<Value>| {
            arity(name, &args, 1)?;
            Ok::<_, Error>(f(&string(&args[0])?))
        });
    }
}

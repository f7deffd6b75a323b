//! Sprig regex functions (Go RE2 syntax, run by Rust's linear-time `regex`).

use minijinja::value::Rest;
use minijinja::{Environment, Error, Value};

use super::args::{arity, fail, int, string};

fn compile(pattern: &str) -> Result<regex::Regex, Error> {
    let pattern = &crate::render::funcs::args::go_regex_to_rust(pattern);
    regex::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| fail(format!("error parsing regexp: {e}")))
}

/// Go's `Regexp.Expand` template syntax (`$1`, `${name}`, `$$`) in Rust's form.
fn go_replacement(repl: &str) -> String {
    // Rust's syntax is the same except that `$1a` means group `1a` in both;
    // Go treats unknown names as empty, as Rust does. Nothing to translate.
    repl.to_string()
}

fn reg(
    env: &mut Environment<'static>,
    name: &'static str,
    f: fn(&[Value]) -> Result<Value, Error>,
    lenient: Option<fn() -> Value>,
) {
    env.add_function(format!("f_{name}"), move |args: Rest<Value>| {
        match (f(&args), lenient) {
            (Err(_), Some(fallback)) if !args.is_empty() => Ok(fallback()),
            (r, _) => r,
        }
    });
    let must: &'static str =
        Box::leak(format!("must{}{}", name[..1].to_uppercase(), &name[1..]).into_boxed_str());
    env.add_function(format!("f_{must}"), move |args: Rest<Value>| f(&args));
}

fn strings(v: Vec<&str>) -> Value {
    Value::from(v.into_iter().map(Value::from).collect::<Vec<_>>())
}

pub fn register(env: &mut Environment<'static>) {
    reg(
        env,
        "regexMatch",
        |a| {
            arity("regexMatch", a, 2)?;
            Ok(Value::from(
                compile(&string(&a[0])?)?.is_match(&string(&a[1])?),
            ))
        },
        Some(|| Value::from(false)),
    );
    reg(
        env,
        "regexFindAll",
        |a| {
            arity("regexFindAll", a, 3)?;
            let re = compile(&string(&a[0])?)?;
            let s = string(&a[1])?;
            let n = int(&a[2])?;
            let all: Vec<&str> = re.find_iter(&s).map(|m| m.as_str()).collect();
            let all = if n < 0 {
                all
            } else {
                all.into_iter().take(n as usize).collect()
            };
            Ok(strings(all))
        },
        Some(|| Value::from(Vec::<Value>::new())),
    );
    reg(
        env,
        "regexFind",
        |a| {
            arity("regexFind", a, 2)?;
            let re = compile(&string(&a[0])?)?;
            let s = string(&a[1])?;
            Ok(Value::from(
                re.find(&s)
                    .map(|m| m.as_str().to_string())
                    .unwrap_or_default(),
            ))
        },
        Some(|| Value::from("")),
    );
    reg(
        env,
        "regexReplaceAll",
        |a| {
            arity("regexReplaceAll", a, 3)?;
            let re = compile(&string(&a[0])?)?;
            let (s, repl) = (string(&a[1])?, string(&a[2])?);
            Ok(Value::from(
                re.replace_all(&s, go_replacement(&repl).as_str())
                    .into_owned(),
            ))
        },
        Some(|| Value::from("")),
    );
    reg(
        env,
        "regexReplaceAllLiteral",
        |a| {
            arity("regexReplaceAllLiteral", a, 3)?;
            let re = compile(&string(&a[0])?)?;
            let (s, repl) = (string(&a[1])?, string(&a[2])?);
            Ok(Value::from(
                re.replace_all(&s, regex::NoExpand(&repl)).into_owned(),
            ))
        },
        Some(|| Value::from("")),
    );
    reg(
        env,
        "regexSplit",
        |a| {
            arity("regexSplit", a, 3)?;
            let re = compile(&string(&a[0])?)?;
            let s = string(&a[1])?;
            let n = int(&a[2])?;
            let parts: Vec<&str> = if n < 0 {
                re.split(&s).collect()
            } else if n == 0 {
                Vec::new()
            } else {
                re.splitn(&s, n as usize).collect()
            };
            Ok(strings(parts))
        },
        Some(|| Value::from(Vec::<Value>::new())),
    );
    env.add_function("f_regexQuoteMeta", |args: Rest<Value>| {
        arity("regexQuoteMeta", &args, 1)?;
        Ok::<_, Error>(Value::from(regex::escape(&string(&args[0])?)))
    });
}

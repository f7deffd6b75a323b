//! Sprig regex functions (Go RE2 syntax, run by Rust's linear-time `regex`).

use std::rc::Rc;

use minijinja::value::Rest;
use minijinja::{Environment, Error, Value};

use super::args::{arity, fail, int, string};

/// Patterns compiled per thread, kept for the next call: charts call the
/// same few patterns (`regexReplaceAll` in name helpers) once per resource,
/// and compiling was 5% of an audit. Bounded in count and pattern length
/// (each regex keeps its search caches): cleared when full. They are shared
/// as `Rc`: a cloned `Regex` gets a fresh, empty cache pool, and building a
/// search cache on every call cost a regex function more than its search.
const CACHED_PATTERNS: usize = 16;
const CACHED_PATTERN_BYTES: usize = 256;

thread_local! {
    static COMPILED: std::cell::RefCell<std::collections::HashMap<String, Rc<regex::Regex>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

fn compile(pattern: &str) -> Result<Rc<regex::Regex>, Error> {
    if let Some(re) = COMPILED.with(|c| c.borrow().get(pattern).cloned()) {
        return Ok(re);
    }
    let re = Rc::new(compile_uncached(pattern)?);
    if pattern.len() > CACHED_PATTERN_BYTES {
        return Ok(re);
    }
    COMPILED.with(|c| {
        let mut c = c.borrow_mut();
        if c.len() >= CACHED_PATTERNS {
            c.clear();
        }
        c.insert(pattern.to_string(), re.clone());
    });
    Ok(re)
}

fn compile_uncached(pattern: &str) -> Result<regex::Regex, Error> {
    let pattern = &crate::render::funcs::args::go_regex_to_rust(pattern);
    regex::RegexBuilder::new(pattern)
        .size_limit(1 << 20)
        .build()
        .map_err(|e| fail(go_syntax_error(pattern, &e.to_string())))
}

/// Go's `regexp/syntax` error text for an invalid pattern (best effort: the
/// common mistakes get Go's exact wording).
fn go_syntax_error(pattern: &str, rust_msg: &str) -> String {
    let mut depth = 0i32;
    let mut chars = pattern.char_indices().peekable();
    let mut class_start: Option<usize> = None;
    let mut prev_repeatable = false;
    while let Some((i, c)) = chars.next() {
        if let Some(start) = class_start {
            match c {
                '\\' => {
                    chars.next();
                }
                ']' if i > start + 1 && !(i == start + 2 && pattern[start..].starts_with("[^")) => {
                    class_start = None
                }
                _ => {}
            }
            continue;
        }
        match c {
            '\\' => match chars.next() {
                None => {
                    return "error parsing regexp: trailing backslash at end of expression: ``"
                        .into();
                }
                Some((_, e))
                    if e.is_ascii_alphanumeric()
                        && !"dDsSwWbBAzpPQEaftnrvx0123456789".contains(e) =>
                {
                    return format!("error parsing regexp: invalid escape sequence: `\\{e}`");
                }
                // A lone `\1`..`\7` would be a backreference, `\8`/`\9` are
                // never valid: only octal escapes (`\12`) are.
                Some((_, e @ ('1'..='9')))
                    if e >= '8'
                        || !chars.peek().is_some_and(|&(_, n)| ('0'..='7').contains(&n)) =>
                {
                    return format!("error parsing regexp: invalid escape sequence: `\\{e}`");
                }
                _ => {}
            },
            '(' => {
                if pattern[i..].starts_with("(?") {
                    // Go's parsePerlFlags: flags, then `:` or `)`; named
                    // groups `(?P<` / `(?<`; anything else is refused.
                    let rest = &pattern[i + 2..];
                    let flags = rest
                        .find(|ch: char| !"imsU-".contains(ch))
                        .unwrap_or(rest.len());
                    if let Some(ch) = rest[flags..].chars().next()
                        && !matches!(ch, ':' | ')' | 'P' | '<')
                    {
                        let end = i + 2 + flags + ch.len_utf8();
                        return format!(
                            "error parsing regexp: invalid or unsupported Perl syntax: `{}`",
                            &pattern[i..end]
                        );
                    }
                }
                depth += 1;
                prev_repeatable = false;
                continue;
            }
            ')' => {
                depth -= 1;
                if depth < 0 {
                    return format!("error parsing regexp: unexpected ): `{pattern}`");
                }
            }
            '[' => class_start = Some(i),
            '*' | '+' | '?' => {
                if !prev_repeatable {
                    return format!(
                        "error parsing regexp: missing argument to repetition operator: `{c}`"
                    );
                }
                if let Some(&(_, n)) = chars.peek()
                    && matches!(n, '*' | '+')
                {
                    return format!(
                        "error parsing regexp: invalid nested repetition operator: `{c}{n}`"
                    );
                }
                prev_repeatable = false;
                continue;
            }
            '|' => {
                prev_repeatable = false;
                continue;
            }
            _ => {}
        }
        prev_repeatable = c != '^';
    }
    if let Some(start) = class_start {
        return format!(
            "error parsing regexp: missing closing ]: `{}`",
            &pattern[start..]
        );
    }
    if depth > 0 {
        return format!("error parsing regexp: missing closing ): `{pattern}`");
    }
    let first = rust_msg
        .lines()
        .rev()
        .find(|l| l.starts_with("error:"))
        .unwrap_or(rust_msg);
    format!(
        "error parsing regexp: {}",
        first.trim_start_matches("error: ")
    )
}

/// `regexp.MustCompile`'s panic text around a syntax error.
fn must_compile_text(pattern: &str, err: &str) -> String {
    let quoted = if pattern.contains('`') || pattern.chars().any(|c| c.is_control() && c != '\t') {
        crate::render::format::go_quote(pattern)
    } else {
        format!("`{pattern}`")
    };
    format!("regexp: Compile({quoted}): {err}")
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
        match f(&args) {
            Err(e)
                if crate::render::runtime::error_text(&e).starts_with("error parsing regexp") =>
            {
                // regexMatch ignores the error; the others panic in MustCompile.
                match lenient {
                    Some(fallback) => Ok(fallback()),
                    None => Err(fail(must_compile_text(
                        args.first().and_then(|a| a.as_str()).unwrap_or_default(),
                        &crate::render::runtime::error_text(&e),
                    ))),
                }
            }
            r => r,
        }
    });
    let must: &'static str =
        Box::leak(format!("must{}{}", name[..1].to_uppercase(), &name[1..]).into_boxed_str());
    env.add_function(format!("f_{must}"), move |args: Rest<Value>| f(&args));
}

/// Go's `Regexp.Split(s, n)`.
fn go_split<'s>(re: &regex::Regex, s: &'s str, n: i64) -> Vec<&'s str> {
    if n == 0 {
        return Vec::new();
    }
    if !re.as_str().is_empty() && s.is_empty() {
        return vec![""];
    }
    let mut out = Vec::new();
    let (mut beg, mut end) = (0, 0);
    for m in re.find_iter(s) {
        if n > 0 && out.len() as i64 == n - 1 {
            break;
        }
        end = m.start();
        if m.end() != 0 {
            out.push(&s[beg..end]);
        }
        beg = m.end();
    }
    if end != s.len() {
        out.push(&s[beg..]);
    }
    out
}

/// Go's `[]string` (typeOf, %T and %#v tell it from `[]interface {}`).
fn strings(v: Vec<&str>) -> Value {
    crate::render::govalue::string_slice(v)
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
        None,
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
        None,
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
        None,
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
        None,
    );
    reg(
        env,
        "regexSplit",
        |a| {
            arity("regexSplit", a, 3)?;
            let re = compile(&string(&a[0])?)?;
            let s = string(&a[1])?;
            let n = int(&a[2])?;
            Ok(strings(go_split(&re, &s, n)))
        },
        None,
    );
    env.add_function("f_regexQuoteMeta", |args: Rest<Value>| {
        arity("regexQuoteMeta", &args, 1)?;
        Ok::<_, Error>(Value::from(regex::escape(&string(&args[0])?)))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(p: &str) -> String {
        crate::render::runtime::error_text(&compile(p).unwrap_err())
    }

    #[test]
    fn go_syntax_errors() {
        assert_eq!(err("("), "error parsing regexp: missing closing ): `(`");
        assert_eq!(err("a)"), "error parsing regexp: unexpected ): `a)`");
        assert_eq!(err("[a"), "error parsing regexp: missing closing ]: `[a`");
        assert_eq!(
            err("*a"),
            "error parsing regexp: missing argument to repetition operator: `*`"
        );
        assert_eq!(
            must_compile_text("(", &err("(")),
            "regexp: Compile(`(`): error parsing regexp: missing closing ): `(`"
        );
        assert!(compile("[)]").is_ok());
        let re = compile(",").unwrap();
        assert_eq!(go_split(&re, "a,b,", -1), vec!["a", "b", ""]);
        assert_eq!(go_split(&re, "a,b,c", 2), vec!["a", "b,c"]);
        assert_eq!(go_split(&compile("x*").unwrap(), "ab", -1), vec!["a", "b"]);
        assert_eq!(go_split(&re, "", -1), vec![""]);
    }
}

//! URL functions: urlParse urlJoin, and getHostByName (empty offline, as `helm template`).

use std::collections::BTreeMap;

use minijinja::value::Rest;
use minijinja::{Environment, Error, Value};

use super::args::{arity, string};
use crate::render::govalue::{as_map, new_map};

/// `%XX` decoding (input already validated).
fn unescape(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && let Some(v) = s
                .get(i + 1..i + 3)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Go's `getScheme`: (scheme, rest); `Err` for a leading `:`.
fn split_scheme(u: &str) -> Result<(String, &str), String> {
    for (i, c) in u.char_indices() {
        match c {
            'a'..='z' | 'A'..='Z' => {}
            '0'..='9' | '+' | '-' | '.' if i > 0 => {}
            ':' if i == 0 => return Err("missing protocol scheme".into()),
            ':' => return Ok((u[..i].to_ascii_lowercase(), &u[i + 1..])),
            _ => return Ok((String::new(), u)),
        }
    }
    Ok((String::new(), u))
}

/// Go's `url.Parse`, as the fields Sprig's `urlParse` reads.
fn parse(u: &str) -> Result<BTreeMap<String, Value>, String> {
    let (rest, fragment) = u.split_once('#').unwrap_or((u, ""));
    let (scheme, rest) = split_scheme(rest)?;
    let (rest, query) = if rest.ends_with('?') && rest.matches('?').count() == 1 {
        (&rest[..rest.len() - 1], "")
    } else {
        rest.split_once('?').unwrap_or((rest, ""))
    };
    let (mut userinfo, mut host, mut path, mut opaque) =
        (String::new(), String::new(), String::new(), String::new());
    if !rest.starts_with('/') && !scheme.is_empty() {
        opaque = rest.to_string();
    } else {
        if !rest.starts_with('/') {
            let seg = rest.split('/').next().unwrap_or("");
            if seg.contains(':') {
                return Err("first path segment in URL cannot contain colon".into());
            }
        }
        let mut rest = rest;
        if rest.starts_with("//") && !rest.starts_with("///") {
            let after = &rest[2..];
            let (authority, tail) = match after.find('/') {
                Some(i) => (&after[..i], &after[i..]),
                None => (after, ""),
            };
            match authority.rsplit_once('@') {
                Some((ui, h)) => {
                    userinfo = ui.to_string();
                    host = h.to_string();
                }
                None => host = authority.to_string(),
            }
            if let Some((_, port)) = host.rsplit_once(':')
                && !host.ends_with(']')
                && !port.chars().all(|c| c.is_ascii_digit())
                && !host.starts_with('[')
            {
                return Err(format!(
                    "invalid port {} after host",
                    crate::render::format::go_quote(&format!(":{port}"))
                ));
            }
            host = unescape(&host);
            rest = tail;
        }
        path = unescape(rest);
    }
    let hostname = if let Some(h) = host.strip_prefix('[') {
        h.split(']').next().unwrap_or("").to_string()
    } else {
        host.rsplit_once(':')
            .map(|(h, _)| h.to_string())
            .unwrap_or_else(|| host.clone())
    };
    let mut m = BTreeMap::new();
    m.insert("scheme".into(), Value::from(scheme));
    m.insert("host".into(), Value::from(host));
    m.insert("hostname".into(), Value::from(hostname));
    m.insert("path".into(), Value::from(path));
    m.insert("query".into(), Value::from(query));
    m.insert("opaque".into(), Value::from(opaque));
    m.insert("fragment".into(), Value::from(unescape(fragment)));
    m.insert("userinfo".into(), Value::from(userinfo));
    Ok(m)
}

/// The errors of Go's `url.Parse` that charts meet: control characters,
/// bad `%` escapes (outside the query), a leading `:` with no scheme.
fn validate(u: &str) -> Result<(), String> {
    if u.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err("net/url: invalid control character in URL".into());
    }
    let (before_frag, frag) = u.split_once('#').unwrap_or((u, ""));
    let no_query = before_frag.split_once('?').map_or(before_frag, |(a, _)| a);
    for part in [no_query, frag] {
        let b = part.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'%' {
                let ok = b.get(i + 1).is_some_and(u8::is_ascii_hexdigit)
                    && b.get(i + 2).is_some_and(u8::is_ascii_hexdigit);
                if !ok {
                    let end = (i + 3).min(part.len());
                    let esc = String::from_utf8_lossy(&b[i..end]).into_owned();
                    return Err(format!(
                        "invalid URL escape {}",
                        crate::render::format::go_quote(&esc)
                    ));
                }
                i += 3;
            } else {
                i += 1;
            }
        }
    }
    if no_query.starts_with(':') {
        return Err("missing protocol scheme".into());
    }
    Ok(())
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Path,
    Host,
    UserPassword,
    Fragment,
}

/// Go's `url.shouldEscape`.
fn should_escape(c: u8, mode: Mode) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if mode == Mode::Host
        && matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'"'
        )
    {
        return false;
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => return false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => {
            return match mode {
                Mode::Path => c == b'?',
                Mode::UserPassword => matches!(c, b'@' | b'/' | b'?' | b':'),
                Mode::Fragment => false,
                Mode::Host => true,
            };
        }
        _ => {}
    }
    !(mode == Mode::Fragment && matches!(c, b'!' | b'(' | b')' | b'*'))
}

/// Go's `url.escape`.
fn escape(s: &str, mode: Mode) -> String {
    let mut out = String::with_capacity(s.len());
    for &c in s.as_bytes() {
        if should_escape(c, mode) {
            out.push_str(&format!("%{c:02X}"));
        } else {
            out.push(c as char);
        }
    }
    out
}

/// Sprig's `urlJoin`: a `url.URL` from the dict's fields, as `String()` prints it.
fn join(get: &dyn Fn(&str) -> String) -> String {
    let (scheme, host, path) = (get("scheme"), get("host"), get("path"));
    let (query, opaque, fragment) = (get("query"), get("opaque"), get("fragment"));
    let userinfo = get("userinfo");
    let mut out = String::new();
    if !scheme.is_empty() {
        out.push_str(&scheme);
        out.push(':');
    }
    if !opaque.is_empty() {
        out.push_str(&opaque);
    } else {
        let has_user = !userinfo.is_empty();
        if !scheme.is_empty() || !host.is_empty() || has_user {
            if !host.is_empty() || !path.is_empty() || has_user {
                out.push_str("//");
            }
            if has_user {
                // The user as url.Parse("proto://<userinfo>@host") reads it.
                let (user, pass) = match userinfo.split_once(':') {
                    Some((u, p)) => (unescape(u), Some(unescape(p))),
                    None => (unescape(&userinfo), None),
                };
                out.push_str(&escape(&user, Mode::UserPassword));
                if let Some(p) = pass {
                    out.push(':');
                    out.push_str(&escape(&p, Mode::UserPassword));
                }
                out.push('@');
            }
            out.push_str(&escape(&host, Mode::Host));
        }
        let p = if path == "*" {
            path.clone()
        } else {
            escape(&path, Mode::Path)
        };
        if !p.is_empty() && !p.starts_with('/') && !host.is_empty() {
            out.push('/');
        }
        if out.is_empty() && p.split('/').next().unwrap_or("").contains(':') {
            out.push_str("./");
        }
        out.push_str(&p);
    }
    if !query.is_empty() {
        out.push('?');
        out.push_str(&query);
    }
    if !fragment.is_empty() {
        out.push('#');
        out.push_str(&escape(&fragment, Mode::Fragment));
    }
    out
}

pub fn register(env: &mut Environment<'static>) {
    env.add_function("f_urlParse", |args: Rest<Value>| {
        arity("urlParse", &args, 1)?;
        let u = string(&args[0])?;
        match validate(&u).and_then(|()| parse(&u)) {
            Ok(m) => Ok::<_, Error>(new_map(m)),
            Err(e) => Err(super::args::fail(format!(
                "unable to parse url: parse {}: {e}",
                crate::render::format::go_quote(&u)
            ))),
        }
    });
    env.add_function("f_urlJoin", |args: Rest<Value>| {
        arity("urlJoin", &args, 1)?;
        let get = |k: &str| {
            as_map(&args[0])
                .and_then(|m| m.get(k))
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        };
        Ok::<_, Error>(Value::from(join(&get)))
    });
    env.add_function("f_getHostByName", |args: Rest<Value>| {
        arity("getHostByName", &args, 1)?;
        Ok::<_, Error>(Value::from(""))
    });
}

#[cfg(test)]
mod tests {
    #[test]
    fn go_url_errors() {
        assert_eq!(
            super::validate("%zz").unwrap_err(),
            "invalid URL escape \"%zz\""
        );
        assert_eq!(
            super::validate("a%4").unwrap_err(),
            "invalid URL escape \"%4\""
        );
        assert!(super::validate("http://x/?q=%zz").is_ok());
        assert!(super::validate(":x").is_err());
        assert!(super::validate("https://a.b/c%20d#f").is_ok());
        let m = super::parse("HTTPS://u:p@h.io:8080/a%20b?x=1&y#frag%21").unwrap();
        let get = |k: &str| m[k].as_str().unwrap().to_string();
        assert_eq!(get("scheme"), "https");
        assert_eq!(get("host"), "h.io:8080");
        assert_eq!(get("hostname"), "h.io");
        assert_eq!(get("path"), "/a b");
        assert_eq!(get("query"), "x=1&y");
        assert_eq!(get("fragment"), "frag!");
        assert_eq!(get("userinfo"), "u:p");
        let m = super::parse("mailto:a@b.c").unwrap();
        assert_eq!(m["opaque"].as_str(), Some("a@b.c"));
        assert_eq!(m["path"].as_str(), Some(""));
        let m = super::parse("http://[::1]:80/").unwrap();
        assert_eq!(m["hostname"].as_str(), Some("::1"));
        assert!(super::parse("http://h:x/").is_err());
        assert!(super::parse("a:b").is_ok());
        assert!(super::parse("1a:b").is_err());
        let d = |k: &str| -> String {
            match k {
                "scheme" => "https".into(),
                "host" => "h.io:80".into(),
                "path" => "a b".into(),
                "query" => "x=1".into(),
                "fragment" => "f g!".into(),
                "userinfo" => "u:p@".into(),
                _ => String::new(),
            }
        };
        assert_eq!(super::join(&d), "https://u:p%40@h.io:80/a%20b?x=1#f%20g!");
    }
}

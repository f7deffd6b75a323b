//! URL functions: urlParse urlJoin, and getHostByName (empty offline, as `helm template`).

use std::collections::BTreeMap;

use minijinja::value::Rest;
use minijinja::{Environment, Error, Value};

use super::args::{arity, string};
use crate::render::govalue::{as_map, new_map};

fn parse(u: &str) -> BTreeMap<String, Value> {
    let mut m = BTreeMap::new();
    let (scheme, rest) = match u.split_once("://") {
        Some((s, r)) => (s.to_string(), format!("//{r}")),
        None => (String::new(), u.to_string()),
    };
    let (rest, fragment) = rest
        .split_once('#')
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .unwrap_or((rest.clone(), String::new()));
    let (rest, query) = rest
        .split_once('?')
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .unwrap_or((rest.clone(), String::new()));
    let (authority, path) = match rest.strip_prefix("//") {
        Some(r) => match r.find('/') {
            Some(i) => (r[..i].to_string(), r[i..].to_string()),
            None => (r.to_string(), String::new()),
        },
        None => (String::new(), rest.clone()),
    };
    let (userinfo, host) = match authority.rsplit_once('@') {
        Some((u, h)) => (u.to_string(), h.to_string()),
        None => (String::new(), authority.clone()),
    };
    m.insert("scheme".into(), Value::from(scheme));
    m.insert("host".into(), Value::from(host));
    m.insert("hostname".into(), Value::from(String::new()));
    m.insert("path".into(), Value::from(path));
    m.insert("query".into(), Value::from(query));
    m.insert("opaque".into(), Value::from(String::new()));
    m.insert("fragment".into(), Value::from(fragment));
    m.insert("userinfo".into(), Value::from(userinfo));
    m
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

pub fn register(env: &mut Environment<'static>) {
    env.add_function("f_urlParse", |args: Rest<Value>| {
        arity("urlParse", &args, 1)?;
        let u = string(&args[0])?;
        if let Err(e) = validate(&u) {
            return Err(super::args::fail(format!(
                "unable to parse url: parse {}: {e}",
                crate::render::format::go_quote(&u)
            )));
        }
        let mut m = parse(&u);
        let host = m
            .get("host")
            .and_then(|h| h.as_str().map(str::to_string))
            .unwrap_or_default();
        let hostname = host
            .rsplit_once(':')
            .map(|(h, _)| h.to_string())
            .unwrap_or(host);
        m.insert("hostname".into(), Value::from(hostname));
        Ok::<_, Error>(new_map(m))
    });
    env.add_function("f_urlJoin", |args: Rest<Value>| {
        arity("urlJoin", &args, 1)?;
        let get = |k: &str| {
            as_map(&args[0])
                .and_then(|m| m.get(k))
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default()
        };
        let mut out = String::new();
        let scheme = get("scheme");
        if !scheme.is_empty() {
            out.push_str(&scheme);
            out.push(':');
        }
        let host = get("host");
        if !host.is_empty() || !scheme.is_empty() {
            out.push_str("//");
            let ui = get("userinfo");
            if !ui.is_empty() {
                out.push_str(&ui);
                out.push('@');
            }
            out.push_str(&host);
        }
        out.push_str(&get("path"));
        let q = get("query");
        if !q.is_empty() {
            out.push('?');
            out.push_str(&q);
        }
        let f = get("fragment");
        if !f.is_empty() {
            out.push('#');
            out.push_str(&f);
        }
        Ok::<_, Error>(Value::from(out))
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
    }
}

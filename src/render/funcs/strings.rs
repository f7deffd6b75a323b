//! Sprig string functions (and string lists), with Go's byte-indexed
//! semantics where Sprig has them.

use minijinja::value::{Rest, ValueKind};
use minijinja::{Environment, Error, Value};

use super::args::{arity, fail, int, list, string, strval};
use crate::register_fn;
use crate::render::format::go_quote;

/// Sprig's `strslice`: a list of strings from any slice (nils dropped).
pub fn strslice(v: &Value) -> Vec<String> {
    if v.is_none() || v.is_undefined() {
        return Vec::new();
    }
    match list(v) {
        Some(items) => items
            .iter()
            .filter(|x| !(x.is_none() || x.is_undefined()))
            .map(strval)
            .collect(),
        None => vec![strval(v)],
    }
}

/// A Go `[]string` result.
fn strs(v: Vec<String>) -> Value {
    crate::render::govalue::string_slice(v)
}

fn byte_slice(s: &str, a: usize, b: usize) -> String {
    let bytes = s.as_bytes();
    let (a, b) = (a.min(bytes.len()), b.min(bytes.len()));
    if a >= b {
        return String::new();
    }
    String::from_utf8_lossy(&bytes[a..b]).into_owned()
}

/// Go's `strings.Title`.
pub fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev_sep = true;
    for c in s.chars() {
        if prev_sep {
            out.push(go_upper(c));
        } else {
            out.push(c);
        }
        // Go's isSeparator: ASCII non-word characters, and Unicode spaces.
        prev_sep = if c.is_ascii() {
            !(c.is_ascii_alphanumeric() || c == '_')
        } else {
            !c.is_alphanumeric() && c.is_whitespace()
        };
    }
    out
}

fn untitle(s: &str) -> String {
    let mut out = String::new();
    let mut in_word = false;
    for c in s.chars() {
        if c.is_whitespace() {
            in_word = false;
            out.push(c);
        } else if !in_word {
            out.push(go_lower(c));
            in_word = true;
        } else {
            out.push(c);
        }
    }
    out
}

/// Go's `unicode.ToUpper`/`ToLower` (simple one-rune mappings).
fn go_upper(c: char) -> char {
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

fn go_lower(c: char) -> char {
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        (Some(l), Some(_)) if c == '\u{130}' => l,
        _ => c,
    }
}

fn swapcase(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_uppercase() {
                go_lower(c)
            } else if c.is_lowercase() {
                go_upper(c)
            } else {
                c
            }
        })
        .collect()
}

fn is_connector(c: char) -> bool {
    c == '-' || c == '_' || c.is_whitespace()
}

fn is_alphabet(c: char) -> bool {
    c.is_ascii_alphabetic()
}

/// Go's `unicode.IsPunct` (Unicode category P), approximated by Rust's
/// ASCII and general punctuation checks.
fn is_punct(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation() && !"$+<=>^`|~".contains(c);
    }
    matches!(c as u32, 0x2010..=0x2027 | 0x2030..=0x205E | 0x3001..=0x3003 | 0xA1 | 0xA7 | 0xAB | 0xB6 | 0xB7 | 0xBB | 0xBF)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum WordType {
    Invalid,
    Number,
    UpperCase,
    Alphabet,
    Connector,
    Punct,
    Other,
}

/// xstrings' `nextWord`: the next word of `s` and the rest.
fn next_word(s: &str) -> (WordType, &str, &str) {
    let mut it = s.char_indices().peekable();
    let Some((_, r)) = it.next() else {
        return (WordType::Invalid, "", "");
    };
    let mut end = r.len_utf8();
    let take_while = |end: &mut usize, pred: &dyn Fn(char) -> bool| {
        for c in s[*end..].chars() {
            if !pred(c) {
                break;
            }
            *end += c.len_utf8();
        }
    };
    let wt = if is_connector(r) {
        take_while(&mut end, &is_connector);
        WordType::Connector
    } else if is_punct(r) {
        take_while(&mut end, &is_punct);
        WordType::Punct
    } else if r.is_uppercase() {
        if let Some(n) = s[end..].chars().next() {
            if n.is_uppercase() {
                let mut prev_size = n.len_utf8();
                end += n.len_utf8();
                let mut stopped_on: Option<char> = None;
                for c in s[end..].chars() {
                    if !c.is_uppercase() {
                        stopped_on = Some(c);
                        break;
                    }
                    prev_size = c.len_utf8();
                    end += c.len_utf8();
                }
                // "HTTPStatus": the last upper letter starts the next word.
                if let Some(c) = stopped_on
                    && is_alphabet(c)
                {
                    end -= prev_size;
                }
            } else if is_alphabet(n) {
                end += n.len_utf8();
                take_while(&mut end, &|c| is_alphabet(c) && !c.is_uppercase());
            }
        }
        WordType::UpperCase
    } else if is_alphabet(r) {
        take_while(&mut end, &|c| is_alphabet(c) && !c.is_uppercase());
        WordType::Alphabet
    } else if r.is_numeric() {
        take_while(&mut end, &char::is_numeric);
        WordType::Number
    } else {
        take_while(&mut end, &|c| {
            !(is_connector(c) || is_alphabet(c) || c.is_numeric() || is_punct(c))
        });
        WordType::Other
    };
    (wt, &s[..end], &s[end..])
}

fn to_lower_word(buf: &mut String, wt: WordType, word: &str, connector: char) {
    if wt != WordType::UpperCase && wt != WordType::Connector {
        buf.push_str(word);
        return;
    }
    for c in word.chars() {
        if is_connector(c) {
            buf.push(connector);
        } else if c.is_uppercase() {
            buf.push(go_lower(c));
        } else {
            buf.push(c);
        }
    }
}

/// xstrings' `camelCaseToLowerCase` (ToSnakeCase / ToKebabCase).
fn camel_to_lower(s: &str, connector: char) -> String {
    use WordType::*;
    if s.is_empty() {
        return String::new();
    }
    let mut buf = String::with_capacity(s.len() + 8);
    let (mut wt, mut word, mut remaining) = next_word(s);
    while !remaining.is_empty() {
        if wt != Connector {
            to_lower_word(&mut buf, wt, word, connector);
        }
        let prev = wt;
        let last = word;
        (wt, word, remaining) = next_word(remaining);
        match prev {
            Number => {
                while wt == Alphabet || wt == Number {
                    to_lower_word(&mut buf, wt, word, connector);
                    (wt, word, remaining) = next_word(remaining);
                }
                if wt != Invalid && wt != Punct && wt != Connector {
                    buf.push(connector);
                }
            }
            Connector => to_lower_word(&mut buf, prev, last, connector),
            Punct => {}
            _ => {
                if wt != Number {
                    if wt != Connector && wt != Punct {
                        buf.push(connector);
                    }
                    continue;
                }
                if remaining.is_empty() {
                    continue;
                }
                let last = word;
                (wt, word, remaining) = next_word(remaining);
                if wt != Alphabet {
                    to_lower_word(&mut buf, Number, last, connector);
                    if wt != Connector && wt != Punct {
                        buf.push(connector);
                    }
                    continue;
                }
                buf.push(connector);
                to_lower_word(&mut buf, Number, last, connector);
                while wt == Alphabet || wt == Number {
                    to_lower_word(&mut buf, wt, word, connector);
                    (wt, word, remaining) = next_word(remaining);
                }
                if wt != Invalid && wt != Connector && wt != Punct {
                    buf.push(connector);
                }
            }
        }
    }
    to_lower_word(&mut buf, wt, word, connector);
    buf
}

fn snakecase(s: &str) -> String {
    camel_to_lower(s, '_')
}

fn kebabcase(s: &str) -> String {
    camel_to_lower(s, '-')
}

/// xstrings.ToCamelCase: words separated by `_`, `-` or spaces, each
/// capitalised; all-caps words lowered after their first letter.
fn camelcase(s: &str) -> String {
    let mut buf = String::with_capacity(s.len());
    let mut chars = s.chars();
    let mut r0 = '\0';
    let mut first_upper = false;
    let mut started = false;
    for c in chars.by_ref() {
        if !is_connector(c) {
            first_upper = c.is_uppercase();
            r0 = go_upper(c);
            started = true;
            break;
        }
        buf.push(c);
    }
    if !started {
        return buf;
    }
    for c in chars {
        let r1 = r0;
        r0 = c;
        if is_connector(r0) && is_connector(r1) {
            buf.push(r1);
            continue;
        }
        if is_connector(r1) {
            first_upper = r0.is_uppercase();
            r0 = go_upper(r0);
        } else {
            if first_upper {
                if r0.is_uppercase() {
                    r0 = go_lower(r0);
                } else {
                    first_upper = false;
                }
            }
            buf.push(r1);
        }
    }
    buf.push(r0);
    buf
}

/// goutils.Initials: walks BYTES (each read as a Latin-1 rune), the first
/// byte after whitespace is kept.
fn initials(s: &str) -> String {
    let mut out = String::new();
    let mut last_was_gap = true;
    for b in s.bytes() {
        let ch = char::from(b);
        if ch.is_whitespace() {
            last_was_gap = true;
        } else if last_was_gap {
            out.push(ch);
            last_was_gap = false;
        }
    }
    out
}

/// goutils.AbbreviateFull: byte offsets, as Go slices strings.
fn abbreviate(s: &str, offset: usize, max: usize) -> String {
    let b = s.as_bytes();
    let lossy = |x: &[u8]| String::from_utf8_lossy(x).into_owned();
    if b.is_empty() || max < 4 || b.len() <= max {
        return s.to_string();
    }
    let mut offset = offset.min(b.len());
    if b.len() - offset < max - 3 {
        offset = b.len() - (max - 3);
    }
    if offset <= 4 {
        return format!("{}...", lossy(&b[..max - 3]));
    }
    if max < 7 {
        return s.to_string();
    }
    if offset + max - 3 < b.len() {
        let inner = lossy(&b[offset..]);
        return format!("...{}", abbreviate(&inner, 0, max - 3));
    }
    format!("...{}", lossy(&b[b.len() - (max - 3)..]))
}

/// goutils.WrapCustom: byte offsets, breaks only at `' '` (existing
/// newlines are ordinary characters); long words are cut when
/// `wrap_long_words` (wrapWith) and left whole otherwise (wrap).
fn wrap(s: &str, width: usize, sep: &str, wrap_long_words: bool) -> String {
    if s.is_empty() {
        return String::new();
    }
    let sep = if sep.is_empty() { "\n" } else { sep };
    let width = width.max(1);
    let b = s.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len() + b.len() / width * sep.len());
    let mut offset = 0;
    while b.len() - offset > width {
        if b[offset] == b' ' {
            offset += 1;
            continue;
        }
        let end = width + offset + 1;
        match b[offset..end].iter().rposition(|&c| c == b' ') {
            Some(i) => {
                out.extend_from_slice(&b[offset..offset + i]);
                out.extend_from_slice(sep.as_bytes());
                offset += i + 1;
            }
            None if wrap_long_words => {
                out.extend_from_slice(&b[offset..offset + width]);
                out.extend_from_slice(sep.as_bytes());
                offset += width;
            }
            None => {
                let end = width + offset;
                match b[end..].iter().position(|&c| c == b' ') {
                    None => {
                        out.extend_from_slice(&b[offset..]);
                        offset = b.len();
                    }
                    Some(i) => {
                        out.extend_from_slice(&b[offset..end + i]);
                        out.extend_from_slice(sep.as_bytes());
                        offset = end + i + 1;
                    }
                }
            }
        }
    }
    out.extend_from_slice(&b[offset..]);
    String::from_utf8_lossy(&out).into_owned()
}

fn indent(n: i64, s: &str) -> Result<String, Error> {
    if n < 0 {
        return Err(fail("strings: negative Repeat count"));
    }
    let lines = memchr::memchr_iter(b'\n', s.as_bytes()).count() as u128 + 1;
    if (n as u128) * lines + s.len() as u128 > MAX_STRING as u128 {
        return Err(fail("indent: result over the size limit"));
    }
    // Go: pad + strings.Replace(s, "\n", "\n"+pad, -1), built in one pass
    // into a string sized up front.
    let pad = " ".repeat(n as usize);
    let mut out = String::with_capacity(s.len() + pad.len() * lines as usize);
    let mut start = 0;
    for newline in memchr::memchr_iter(b'\n', s.as_bytes()) {
        out.push_str(&pad);
        out.push_str(&s[start..=newline]);
        start = newline + 1;
    }
    out.push_str(&pad);
    out.push_str(&s[start..]);
    Ok(out)
}

/// Refuses sizes that would exhaust memory (hostile charts).
const MAX_STRING: usize = 64 << 20;

fn s1(name: &'static str, f: fn(&str) -> String) -> impl Fn(Rest<Value>) -> Result<Value, Error> {
    move |args: Rest<Value>| {
        arity(name, &args, 1)?;
        Ok(Value::from(f(&string(&args[0])?)))
    }
}

pub fn register(env: &mut Environment<'static>) {
    register_fn!(
        env,
        "upper",
        s1("upper", |s| s.chars().map(go_upper).collect())
    );
    register_fn!(
        env,
        "lower",
        s1("lower", |s| s.chars().map(go_lower).collect())
    );
    register_fn!(env, "title", s1("title", title));
    register_fn!(env, "untitle", s1("untitle", untitle));
    register_fn!(env, "trim", s1("trim", |s| s.trim().to_string()));
    register_fn!(
        env,
        "nospace",
        s1("nospace", |s| s
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect())
    );
    register_fn!(env, "initials", s1("initials", initials));
    register_fn!(env, "swapcase", s1("swapcase", swapcase));
    register_fn!(env, "snakecase", s1("snakecase", snakecase));
    register_fn!(env, "camelcase", s1("camelcase", camelcase));
    register_fn!(env, "kebabcase", s1("kebabcase", kebabcase));
    register_fn!(env, "hello", |args: Rest<Value>| {
        arity("hello", &args, 0)?;
        Ok::<_, Error>(Value::from("Hello!"))
    });
    for name in ["trimAll", "trimall"] {
        env.add_function(format!("f_{name}"), move |args: Rest<Value>| {
            arity(name, &args, 2)?;
            let (cut, s) = (string(&args[0])?, string(&args[1])?);
            Ok::<_, Error>(Value::from(s.trim_matches(|c| cut.contains(c)).to_string()))
        });
    }
    register_fn!(env, "trimSuffix", |args: Rest<Value>| {
        arity("trimSuffix", &args, 2)?;
        let (suf, s) = (string(&args[0])?, string(&args[1])?);
        Ok::<_, Error>(Value::from(
            s.strip_suffix(suf.as_str()).unwrap_or(&s).to_string(),
        ))
    });
    register_fn!(env, "trimPrefix", |args: Rest<Value>| {
        arity("trimPrefix", &args, 2)?;
        let (pre, s) = (string(&args[0])?, string(&args[1])?);
        Ok::<_, Error>(Value::from(
            s.strip_prefix(pre.as_str()).unwrap_or(&s).to_string(),
        ))
    });
    register_fn!(env, "trunc", |args: Rest<Value>| {
        arity("trunc", &args, 2)?;
        let (c, s) = (int(&args[0])?, string(&args[1])?);
        let len = s.len() as i64;
        let out = if c < 0 && len + c > 0 {
            byte_slice(&s, (len + c) as usize, s.len())
        } else if c >= 0 && len > c {
            byte_slice(&s, 0, c as usize)
        } else {
            s
        };
        Ok::<_, Error>(Value::from(out))
    });
    register_fn!(env, "substr", |args: Rest<Value>| {
        arity("substr", &args, 3)?;
        let (start, end, s) = (int(&args[0])?, int(&args[1])?, string(&args[2])?);
        let len = s.len() as i64;
        let out = if start < 0 {
            if end < 0 || end > len {
                return Err(fail(format!(
                    "runtime error: slice bounds out of range [:{end}] with length {len}"
                )));
            }
            byte_slice(&s, 0, end as usize)
        } else if end < 0 || end > len {
            if start > len {
                return Err(fail(format!(
                    "runtime error: slice bounds out of range [{start}:{len}]"
                )));
            }
            byte_slice(&s, start as usize, s.len())
        } else {
            if start > end {
                return Err(fail(format!(
                    "runtime error: slice bounds out of range [{start}:{end}]"
                )));
            }
            byte_slice(&s, start as usize, end as usize)
        };
        Ok::<_, Error>(Value::from(out))
    });
    register_fn!(env, "repeat", |args: Rest<Value>| {
        arity("repeat", &args, 2)?;
        let (n, s) = (int(&args[0])?, string(&args[1])?);
        if n < 0 {
            return Err(fail("strings: negative Repeat count"));
        }
        if (n as u128) * (s.len() as u128) > MAX_STRING as u128 {
            return Err(fail(format!(
                "repeat: result of {} bytes is over the {MAX_STRING} byte limit",
                n as u128 * s.len() as u128
            )));
        }
        Ok::<_, Error>(Value::from(s.repeat(n as usize)))
    });
    register_fn!(env, "abbrev", |args: Rest<Value>| {
        arity("abbrev", &args, 2)?;
        let (w, s) = (int(&args[0])?, string(&args[1])?);
        Ok::<_, Error>(Value::from(if w < 4 {
            s
        } else {
            abbreviate(&s, 0, w as usize)
        }))
    });
    register_fn!(env, "abbrevboth", |args: Rest<Value>| {
        arity("abbrevboth", &args, 3)?;
        let (l, r, s) = (int(&args[0])?, int(&args[1])?, string(&args[2])?);
        Ok::<_, Error>(Value::from(if r < 4 || (l > 0 && r < 7) {
            s
        } else {
            abbreviate(&s, l.max(0) as usize, r as usize)
        }))
    });
    register_fn!(env, "wrap", |args: Rest<Value>| {
        arity("wrap", &args, 2)?;
        let (w, s) = (int(&args[0])?, string(&args[1])?);
        Ok::<_, Error>(Value::from(wrap(&s, w.max(1) as usize, "\n", false)))
    });
    register_fn!(env, "wrapWith", |args: Rest<Value>| {
        arity("wrapWith", &args, 3)?;
        let (w, sep, s) = (int(&args[0])?, string(&args[1])?, string(&args[2])?);
        if sep.len() > 1024 {
            return Err(fail("wrapWith: separator over the size limit"));
        }
        Ok::<_, Error>(Value::from(wrap(&s, w.max(1) as usize, &sep, true)))
    });
    register_fn!(env, "contains", |args: Rest<Value>| {
        arity("contains", &args, 2)?;
        Ok::<_, Error>(Value::from(
            string(&args[1])?.contains(string(&args[0])?.as_str()),
        ))
    });
    register_fn!(env, "hasPrefix", |args: Rest<Value>| {
        arity("hasPrefix", &args, 2)?;
        Ok::<_, Error>(Value::from(
            string(&args[1])?.starts_with(string(&args[0])?.as_str()),
        ))
    });
    register_fn!(env, "hasSuffix", |args: Rest<Value>| {
        arity("hasSuffix", &args, 2)?;
        Ok::<_, Error>(Value::from(
            string(&args[1])?.ends_with(string(&args[0])?.as_str()),
        ))
    });
    register_fn!(env, "quote", |args: Rest<Value>| {
        let parts: Vec<String> = args
            .iter()
            .filter(|v| !(v.is_none() || v.is_undefined()))
            .map(|v| go_quote(&strval(v)))
            .collect();
        Ok::<_, Error>(Value::from(parts.join(" ")))
    });
    register_fn!(env, "squote", |args: Rest<Value>| {
        let parts: Vec<String> = args
            .iter()
            .filter(|v| !(v.is_none() || v.is_undefined()))
            .map(|v| format!("'{}'", strval(v)))
            .collect();
        Ok::<_, Error>(Value::from(parts.join(" ")))
    });
    register_fn!(env, "cat", |args: Rest<Value>| {
        let parts: Vec<String> = args
            .iter()
            .filter(|v| !(v.is_none() || v.is_undefined()))
            .map(strval)
            .collect();
        Ok::<_, Error>(Value::from(parts.join(" ")))
    });
    register_fn!(env, "indent", |args: Rest<Value>| {
        arity("indent", &args, 2)?;
        Ok::<_, Error>(Value::from(indent(int(&args[0])?, &string(&args[1])?)?))
    });
    register_fn!(env, "nindent", |args: Rest<Value>| {
        arity("nindent", &args, 2)?;
        Ok::<_, Error>(Value::from(format!(
            "\n{}",
            indent(int(&args[0])?, &string(&args[1])?)?
        )))
    });
    register_fn!(env, "replace", |args: Rest<Value>| {
        arity("replace", &args, 3)?;
        let (old, new, src) = (string(&args[0])?, string(&args[1])?, string(&args[2])?);
        let out = if old.is_empty() {
            // Go inserts `new` around every rune.
            let mut o = new.clone();
            for c in src.chars() {
                o.push(c);
                o.push_str(&new);
            }
            o
        } else {
            src.replace(&old, &new)
        };
        if out.len() > MAX_STRING {
            return Err(fail("replace: result over the size limit"));
        }
        Ok::<_, Error>(Value::from(out))
    });
    register_fn!(env, "plural", |args: Rest<Value>| {
        arity("plural", &args, 3)?;
        let (one, many, n) = (string(&args[0])?, string(&args[1])?, int(&args[2])?);
        Ok::<_, Error>(Value::from(if n == 1 { one } else { many }))
    });
    register_fn!(env, "split", |args: Rest<Value>| {
        arity("split", &args, 2)?;
        let (sep, s) = (string(&args[0])?, string(&args[1])?);
        let parts = go_split(&s, &sep, -1);
        Ok::<_, Error>(crate::render::govalue::string_map(
            parts
                .into_iter()
                .enumerate()
                .map(|(i, p)| (format!("_{i}"), p.to_string())),
        ))
    });
    register_fn!(env, "splitn", |args: Rest<Value>| {
        arity("splitn", &args, 3)?;
        let (sep, n, s) = (string(&args[0])?, int(&args[1])?, string(&args[2])?);
        let parts = go_split(&s, &sep, n);
        Ok::<_, Error>(crate::render::govalue::string_map(
            parts
                .into_iter()
                .enumerate()
                .map(|(i, p)| (format!("_{i}"), p.to_string())),
        ))
    });
    register_fn!(env, "splitList", |args: Rest<Value>| {
        arity("splitList", &args, 2)?;
        let (sep, s) = (string(&args[0])?, string(&args[1])?);
        Ok::<_, Error>(strs(go_split(&s, &sep, -1)))
    });
    register_fn!(env, "join", |args: Rest<Value>| {
        arity("join", &args, 2)?;
        let sep = string(&args[0])?;
        Ok::<_, Error>(Value::from(strslice(&args[1]).join(&sep)))
    });
    register_fn!(env, "sortAlpha", |args: Rest<Value>| {
        arity("sortAlpha", &args, 1)?;
        let v = &args[0];
        let mut out = match list(v) {
            Some(_) => strslice(v),
            None => vec![strval(v)],
        };
        out.sort();
        Ok::<_, Error>(strs(out))
    });
    register_fn!(env, "toStrings", |args: Rest<Value>| {
        arity("toStrings", &args, 1)?;
        Ok::<_, Error>(strs(strslice(&args[0])))
    });
    register_fn!(env, "toString", |args: Rest<Value>| {
        arity("toString", &args, 1)?;
        Ok::<_, Error>(Value::from(match args[0].kind() {
            ValueKind::None | ValueKind::Undefined => "<nil>".to_string(),
            _ => strval(&args[0]),
        }))
    });
}

/// Go's `strings.SplitN` (n < 0: all).
pub fn go_split(s: &str, sep: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    if sep.is_empty() {
        let mut out: Vec<String> = s.chars().map(String::from).collect();
        if n > 0 && out.len() > n as usize {
            let rest: String = out[n as usize - 1..].concat();
            out.truncate(n as usize - 1);
            out.push(rest);
        }
        return out;
    }
    if n < 0 {
        return s.split(sep).map(str::to_string).collect();
    }
    s.splitn(n as usize, sep).map(str::to_string).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xstrings_case_conversions() {
        assert_eq!(
            snakecase("http2xx HTTP20xOK Bld4Floor3rd"),
            "http_2xx_http_20x_ok_bld4_floor_3rd"
        );
        assert_eq!(snakecase("FirstName"), "first_name");
        assert_eq!(snakecase("HTTPServer"), "http_server");
        assert_eq!(snakecase("GO-PATH"), "go_path");
        assert_eq!(kebabcase("FirstName"), "first-name");
        assert_eq!(camelcase("some-words"), "SomeWords");
        assert_eq!(camelcase("hello world"), "HelloWorld");
        assert_eq!(camelcase("GOLANG_IS_GREAT"), "GolangIsGreat");
        assert_eq!(camelcase("_complex__case_"), "_Complex_Case_");
        assert_eq!(swapcase("Hello World ß"), "hELLO wORLD ß");
    }

    #[test]
    fn byte_semantics_and_errors() {
        assert_eq!(abbreviate("héllo wörld", 0, 6), "hé...");
        assert_eq!(abbreviate("abcdefghijklmno", 5, 10), "...fghi...");
        assert!(indent(-1, "a").is_err());
        assert_eq!(initials("hello  big world"), "hbw");
        assert_eq!(initials("élan vital"), "\u{c3}v");
        assert_eq!(wrap("hello world foo", 5, "", false), "hello\nworld\nfoo");
        assert_eq!(wrap("a verylongword b", 4, "", false), "a\nverylongword\nb");
        assert_eq!(wrap("a verylongword b", 4, "|", true), "a|very|long|word|b");
        assert_eq!(wrap("ab\ncd ef", 5, "", false), "ab\ncd\nef");
        assert_eq!(indent(2, "a\nb").unwrap(), "  a\n  b");
    }

    #[test]
    fn indent_pads_every_line_as_go_replaces_newlines() {
        // Go: pad + strings.Replace(s, "\n", "\n"+pad, -1).
        assert_eq!(indent(2, "").unwrap(), "  ");
        assert_eq!(indent(0, "a\nb").unwrap(), "a\nb");
        assert_eq!(indent(1, "\n\n").unwrap(), " \n \n ");
        assert_eq!(indent(3, "a\nb\n").unwrap(), "   a\n   b\n   ");
        assert_eq!(indent(1, "é\nü").unwrap(), " é\n ü");
    }
}

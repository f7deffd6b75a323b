//! go-yaml v2's resolution of scalars (resolve.go): YAML 1.1 booleans and
//! nulls, Go-syntax integers (`0x`, `0o`, leading-zero octal, `0b`, `_`), the
//! YAML float pattern, timestamps (which reach Helm as their original text).

/// What a scalar resolves to.
#[derive(Clone, Debug, PartialEq)]
pub enum Resolved {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    /// A string (also timestamps and `!!binary`, both kept as written).
    Str(String),
}

/// The kinds of explicit tags go-yaml resolves itself.
fn resolvable_tag(tag: &str) -> bool {
    matches!(
        tag,
        "" | "!!str" | "!!bool" | "!!int" | "!!float" | "!!null" | "!!timestamp"
    )
}

/// Short tag name as go-yaml prints it in errors (`None`: the text itself).
fn tag_of(value: &Option<Resolved>) -> &'static str {
    match value {
        Some(Resolved::Null) => "!!null",
        Some(Resolved::Bool(_)) => "!!bool",
        Some(Resolved::Int(_) | Resolved::Uint(_)) => "!!int",
        Some(Resolved::Float(_)) => "!!float",
        Some(Resolved::Str(_)) | None => "!!str",
    }
}

/// Resolves a scalar's text. `tag` is the explicit tag (`!!int`, ...) or "" for
/// a plain scalar; quoted scalars must be passed with tag `!!str`.
pub fn resolve(tag: &str, text: &str) -> Result<Resolved, String> {
    Ok(resolve_or_text(tag, text)?.unwrap_or_else(|| Resolved::Str(text.to_string())))
}

/// [`resolve`] of text the caller owns: a string keeps it (no copy).
pub fn resolve_owned(tag: &str, text: String) -> Result<Resolved, String> {
    Ok(resolve_or_text(tag, &text)?.unwrap_or(Resolved::Str(text)))
}

/// Whether a plain scalar `text` reads back as this very string.
pub fn is_plain_string(text: &str) -> bool {
    matches!(resolve_or_text("", text), Ok(None))
}

/// [`resolve`], with `None` for "a string: the text itself" (callers decide
/// whether that needs a copy; most scalars are such strings).
fn resolve_or_text(tag: &str, text: &str) -> Result<Option<Resolved>, String> {
    if !resolvable_tag(tag) {
        // Unknown tags (`!foo`, `!!binary`, `!!set`...) decode as their text.
        return Ok(None);
    }
    let (resolved, is_timestamp) = resolve_untagged_or_str(tag, text);
    if tag.is_empty() || tag == "!!str" {
        return Ok(resolved);
    }
    if is_timestamp && tag == "!!timestamp" {
        return Ok(resolved);
    }
    let rtag = if is_timestamp {
        "!!timestamp"
    } else {
        tag_of(&resolved)
    };
    if rtag == tag {
        return Ok(resolved);
    }
    if tag == "!!float" {
        match resolved {
            Some(Resolved::Int(i)) => return Ok(Some(Resolved::Float(i as f64))),
            Some(Resolved::Uint(u)) if u <= i64::MAX as u64 => {
                return Ok(Some(Resolved::Float(u as f64)));
            }
            _ => {}
        }
    }
    Err(format!(
        "cannot decode {rtag} `{text}` as a {tag}",
        rtag = rtag,
        text = text,
        tag = tag
    ))
}

/// The resolution itself (`None`: the text is a string); the flag says the
/// text resolved as a timestamp.
fn resolve_untagged_or_str(tag: &str, text: &str) -> (Option<Resolved>, bool) {
    let as_str = || (None, false);
    if tag == "!!str" {
        return as_str();
    }
    let hint = match text.as_bytes().first() {
        None => b'N',
        Some(b'+' | b'-') => b'S',
        Some(b'0'..=b'9') => b'D',
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => b'M',
        Some(b'.') => b'.',
        Some(_) => 0,
    };
    if hint == 0 {
        return as_str();
    }
    if let Some(v) = lookup(text) {
        return (Some(v), false);
    }
    match hint {
        b'.' => {
            if let Some(f) = go_parse_float(text) {
                return (Some(Resolved::Float(f)), false);
            }
        }
        b'D' | b'S' => {
            if (tag.is_empty() || tag == "!!timestamp") && is_timestamp(text) {
                return (None, true);
            }
            let plain: String = text.chars().filter(|&c| c != '_').collect();
            if let Some(v) = parse_go_int(&plain) {
                return (Some(v), false);
            }
            if is_yaml_float(&plain)
                && let Some(f) = go_parse_float(&plain)
            {
                return (Some(Resolved::Float(f)), false);
            }
            let binary = plain
                .strip_prefix("0b")
                .map(|d| (false, d))
                .or_else(|| plain.strip_prefix("-0b").map(|d| (true, d)));
            if let Some((negative, digits)) = binary
                && let Ok(u) = u64::from_str_radix(digits, 2)
                && !digits.starts_with(['+', '-'])
            {
                if negative {
                    if u <= i64::MAX as u64 + 1 {
                        return (Some(Resolved::Int((u as i64).wrapping_neg())), false);
                    }
                } else if let Ok(i) = i64::try_from(u) {
                    return (Some(Resolved::Int(i)), false);
                } else {
                    return (Some(Resolved::Uint(u)), false);
                }
            }
        }
        _ => {}
    }
    as_str()
}

/// go-yaml v2's table of special words.
fn lookup(text: &str) -> Option<Resolved> {
    Some(match text {
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            Resolved::Bool(true)
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Resolved::Bool(false)
        }
        "" | "~" | "null" | "Null" | "NULL" => Resolved::Null,
        ".nan" | ".NaN" | ".NAN" => Resolved::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => Resolved::Float(f64::INFINITY),
        "-.inf" | "-.Inf" | "-.INF" => Resolved::Float(f64::NEG_INFINITY),
        _ => return None,
    })
}

/// `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`
fn is_yaml_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    let digits = |i: &mut usize| {
        let start = *i;
        while *i < b.len() && b[*i].is_ascii_digit() {
            *i += 1;
        }
        *i - start
    };
    if b.get(i) == Some(&b'.') {
        i += 1;
        if digits(&mut i) == 0 {
            return false;
        }
    } else {
        if digits(&mut i) == 0 {
            return false;
        }
        if b.get(i) == Some(&b'.') {
            i += 1;
            digits(&mut i);
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if digits(&mut i) == 0 {
            return false;
        }
    }
    i == b.len()
}

/// Go's `strconv.ParseInt(s, 0, 64)` then `ParseUint(s, 0, 64)`: sign, base
/// prefixes `0x`/`0o`/`0b`, a leading `0` meaning octal.
fn parse_go_int(s: &str) -> Option<Resolved> {
    let (negative, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let lower = body.get(..2).map(str::to_ascii_lowercase);
    let (radix, digits) = match lower.as_deref() {
        Some("0x") => (16, &body[2..]),
        Some("0o") => (8, &body[2..]),
        Some("0b") => (2, &body[2..]),
        _ if body.len() > 1 && body.starts_with('0') => (8, &body[1..]),
        _ => (10, body),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let magnitude = u64::from_str_radix(digits, radix).ok()?;
    if negative {
        if magnitude <= i64::MAX as u64 {
            Some(Resolved::Int(-(magnitude as i64)))
        } else if magnitude == i64::MAX as u64 + 1 {
            Some(Resolved::Int(i64::MIN))
        } else {
            None
        }
    } else if let Ok(i) = i64::try_from(magnitude) {
        Some(Resolved::Int(i))
    } else if s.starts_with('+') {
        // ParseUint rejects a sign.
        None
    } else {
        Some(Resolved::Uint(magnitude))
    }
}

/// Go's `strconv.ParseFloat(s, 64)` for the decimal forms YAML can reach here
/// (out-of-range values are errors in Go, so they stay strings).
fn go_parse_float(s: &str) -> Option<f64> {
    if !s
        .bytes()
        .all(|c| c.is_ascii_digit() || matches!(c, b'.' | b'e' | b'E' | b'+' | b'-'))
    {
        return None;
    }
    let f: f64 = s.parse().ok()?;
    if f.is_infinite() { None } else { Some(f) }
}

/// go-yaml v2's timestamp test: four digits then `-`, parsing as one of its
/// layouts (`2006-1-2`, with optional `T`/`t`/space time and zone).
pub(crate) fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let year_digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if year_digits != 4 || b.get(4) != Some(&b'-') {
        return false;
    }
    let (date, time) = match s.find(['T', 't', ' ']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let parts: Vec<&str> = date.split('-').collect();
    let [_, month, day] = parts.as_slice() else {
        return false;
    };
    let number = |p: &str, max: u32| {
        (1..=2).contains(&p.len())
            && p.bytes().all(|c| c.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| (1..=max).contains(&n))
    };
    if !number(month, 12) || !number(day, 31) {
        return false;
    }
    match time {
        None => true,
        Some(t) => is_clock(t),
    }
}

/// `15:4:5.999999999` optionally followed by `Z` or `±07:00`.
fn is_clock(t: &str) -> bool {
    let (clock, zone) = match t.find(['Z', '+', '-']) {
        Some(i) => (&t[..i], &t[i..]),
        None => (t, ""),
    };
    let (hms, fraction) = match clock.split_once('.') {
        Some((h, f)) => (h, Some(f)),
        None => (clock, None),
    };
    let fields: Vec<&str> = hms.split(':').collect();
    let [h, m, s] = fields.as_slice() else {
        return false;
    };
    let within = |p: &str, max: u32| {
        (1..=2).contains(&p.len())
            && p.bytes().all(|c| c.is_ascii_digit())
            && p.parse::<u32>().is_ok_and(|n| n <= max)
    };
    if !within(h, 23) || !within(m, 59) || !within(s, 59) {
        return false;
    }
    if let Some(f) = fraction
        && (f.is_empty() || !f.bytes().all(|c| c.is_ascii_digit()))
    {
        return false;
    }
    match zone {
        "" | "Z" => true,
        z => {
            let rest = &z[1..];
            match rest.split_once(':') {
                Some((hh, mm)) => {
                    hh.len() == 2 && mm.len() == 2 && within(hh, 99) && within(mm, 99)
                }
                None => false,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(s: &str) -> Resolved {
        resolve("", s).expect("plain scalars always resolve")
    }

    #[test]
    fn yaml11_words() {
        for t in [
            "y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "true", "True", "TRUE",
        ] {
            assert_eq!(plain(t), Resolved::Bool(true), "{t}");
        }
        for f in [
            "n", "N", "no", "No", "NO", "off", "Off", "OFF", "false", "FALSE",
        ] {
            assert_eq!(plain(f), Resolved::Bool(false), "{f}");
        }
        for s in ["tRUE", "yES", "oN", "nO"] {
            assert_eq!(plain(s), Resolved::Str(s.into()), "{s}");
        }
        for n in ["", "~", "null", "Null", "NULL"] {
            assert_eq!(plain(n), Resolved::Null);
        }
        assert_eq!(plain("nULL"), Resolved::Str("nULL".into()));
    }

    #[test]
    fn numbers() {
        assert_eq!(plain("0x1F"), Resolved::Int(31));
        assert_eq!(plain("0755"), Resolved::Int(493));
        assert_eq!(plain("0o755"), Resolved::Int(493));
        assert_eq!(plain("0b101"), Resolved::Int(5));
        assert_eq!(plain("-0b101"), Resolved::Int(-5));
        assert_eq!(plain("1_000"), Resolved::Int(1000));
        assert_eq!(plain("+12"), Resolved::Int(12));
        assert_eq!(plain("-0"), Resolved::Int(0));
        assert_eq!(plain("08"), Resolved::Float(8.0));
        assert_eq!(plain("1."), Resolved::Float(1.0));
        assert_eq!(plain(".5"), Resolved::Float(0.5));
        assert_eq!(plain("-.5"), Resolved::Float(-0.5));
        assert_eq!(plain("1e3"), Resolved::Float(1000.0));
        assert_eq!(plain("1E3"), Resolved::Float(1000.0));
        assert_eq!(plain("18446744073709551615"), Resolved::Uint(u64::MAX));
        assert_eq!(
            plain("18446744073709551616"),
            Resolved::Float(18446744073709551616.0)
        );
        assert_eq!(plain("1:30"), Resolved::Str("1:30".into()));
        assert_eq!(plain("1.2.3"), Resolved::Str("1.2.3".into()));
        assert_eq!(plain("1e400"), Resolved::Str("1e400".into()));
        assert_eq!(plain("0x"), Resolved::Str("0x".into()));
        assert_eq!(plain("-"), Resolved::Str("-".into()));
        assert!(matches!(plain(".inf"), Resolved::Float(f) if f.is_infinite()));
        assert!(matches!(plain(".NaN"), Resolved::Float(f) if f.is_nan()));
    }

    #[test]
    fn timestamps_stay_text() {
        assert_eq!(plain("2001-12-14"), Resolved::Str("2001-12-14".into()));
        assert_eq!(
            plain("2001-12-14T21:59:43.10-05:00"),
            Resolved::Str("2001-12-14T21:59:43.10-05:00".into())
        );
        assert_eq!(resolve("!!int", "2001-12-14").ok(), None);
    }

    #[test]
    fn tags() {
        assert_eq!(resolve("!!float", "3"), Ok(Resolved::Float(3.0)));
        assert_eq!(resolve("!!str", "3"), Ok(Resolved::Str("3".into())));
        assert_eq!(
            resolve("!!int", "abc"),
            Err("cannot decode !!str `abc` as a !!int".to_string())
        );
        assert_eq!(
            resolve("!!binary", "aGk="),
            Ok(Resolved::Str("aGk=".into()))
        );
    }
}

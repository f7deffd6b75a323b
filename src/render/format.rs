//! Go's `fmt` as Helm templates see it: `%v` printing of values and `printf` verbs.

use minijinja::Value;
use minijinja::value::ValueKind;

use super::govalue::as_map;
use super::runtime::files::Files;
use super::runtime::structs::GoStruct;
use super::types::{GoKind, TIME_KEY, go_kind, go_type_name, is_time};

/// Go's `fmt.Sprint(v)` for one value, as a template action prints it:
/// a nil or missing value prints `<no value>` (Helm later removes it).
pub fn go_string(v: &Value) -> String {
    if let Some(s) = plain_str(v) {
        // Most printed values: a string prints as itself.
        return s.to_string();
    }
    if v.is_none() || v.is_undefined() {
        return "<no value>".to_string();
    }
    // An addressable struct with a pointer-receiver `String` (KubeVersion).
    if let Some(st) = v.downcast_object_ref::<GoStruct>()
        && let Some(s) = &st.string_form
    {
        return s.clone();
    }
    let mut out = String::new();
    write_value(&mut out, v, false);
    out
}

/// The text of a string value (`as_str` also reads UTF-8 bytes, which Go
/// prints as a list of numbers).
pub fn plain_str(v: &Value) -> Option<&str> {
    if v.kind() == minijinja::value::ValueKind::String {
        v.as_str()
    } else {
        None
    }
}

/// The text `{{ value }}` prints: a string as is (without a copy), any
/// other value as Go's `%v` of it (the environment's formatter, and runs
/// of printed values, print through this).
pub fn printed(v: &Value) -> std::borrow::Cow<'_, str> {
    match plain_str(v) {
        Some(s) => std::borrow::Cow::Borrowed(s),
        None => std::borrow::Cow::Owned(go_string(v)),
    }
}

/// `%v` of a value nested in a container or given to `print` (nil is `<nil>`).
pub fn sprint_value(v: &Value) -> String {
    let mut out = String::new();
    write_value(&mut out, v, false);
    out
}

/// Go's shortest `%v` of a float64.
pub fn format_float(f: f64) -> String {
    crate::yaml::format_float_g(f, false)
}

fn write_value(out: &mut String, v: &Value, quote_strings: bool) {
    match classify(v) {
        Arg::Stringer(s) => {
            out.push_str(&s);
            return;
        }
        Arg::Map if as_map(v).is_none() => {
            print_arg(out, v, 'v', &Spec::default(), 0);
            return;
        }
        _ => {}
    }
    if let Some(m) = as_map(v) {
        out.push_str("map[");
        for (i, (k, val)) in m.lock().iter().enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(k);
            out.push(':');
            write_value(out, val, quote_strings);
        }
        out.push(']');
        return;
    }
    match v.kind() {
        ValueKind::Undefined | ValueKind::None => out.push_str("<nil>"),
        ValueKind::Bool => out.push_str(if v.is_true() { "true" } else { "false" }),
        ValueKind::Number => out.push_str(&number_text(v)),
        ValueKind::String => {
            let s = v.as_str().unwrap_or_default();
            if quote_strings {
                out.push_str(&go_quote(s));
            } else {
                out.push_str(s);
            }
        }
        ValueKind::Bytes => {
            out.push('[');
            let b = v.as_bytes().unwrap_or_default();
            for (i, x) in b.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(&x.to_string());
            }
            out.push(']');
        }
        ValueKind::Seq | ValueKind::Iterable => {
            out.push('[');
            if let Ok(it) = v.try_iter() {
                for (i, x) in it.enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    write_value(out, &x, quote_strings);
                }
            }
            out.push(']');
        }
        ValueKind::Map => {
            // A non-Go map object (a struct such as .Capabilities): its own rendering.
            out.push_str(&v.to_string());
        }
        _ => out.push_str(&v.to_string()),
    }
}

/// Decimal text of a runtime number as Go prints it.
pub fn number_text(v: &Value) -> String {
    match go_kind(v) {
        GoKind::Float64 => format_float(f64::try_from(v.clone()).unwrap_or(f64::NAN)),
        _ => v.to_string(),
    }
}

/// Go's `strconv.Quote`.
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\x07' => out.push_str("\\a"),
            '\x08' => out.push_str("\\b"),
            '\x0c' => out.push_str("\\f"),
            '\x0b' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            '\u{fffd}' => out.push_str("\\ufffd"),
            c if !is_go_printable(c) => {
                if (c as u32) < 0x10000 {
                    out.push_str(&format!("\\u{:04x}", c as u32));
                } else {
                    out.push_str(&format!("\\U{:08x}", c as u32));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

pub fn is_go_printable(c: char) -> bool {
    !(c.is_control() || matches!(c as u32, 0x2028 | 0x2029 | 0xfeff | 0x200b..=0x200f))
}

/// Go's `fmt.Sprint(args...)`: a space between operands when neither is a string.
pub fn sprint(args: &[Value]) -> String {
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 {
            let prev_str = args[i - 1].kind() == ValueKind::String;
            let this_str = a.kind() == ValueKind::String;
            if !prev_str && !this_str {
                out.push(' ');
            }
        }
        write_value(&mut out, a, false);
    }
    out
}

/// Go's `fmt.Sprintln(args...)`: spaces between all operands, then a newline.
pub fn sprintln(args: &[Value]) -> String {
    let parts: Vec<String> = args.iter().map(sprint_value).collect();
    format!("{}\n", parts.join(" "))
}

#[derive(Default, Clone, Copy)]
struct Spec {
    minus: bool,
    plus: bool,
    space: bool,
    zero: bool,
    sharp: bool,
    /// `%#v`: Go syntax.
    sharp_v: bool,
    width: Option<usize>,
    prec: Option<usize>,
}

/// Pads `s` to the width (Go's `fmt.pad`: spaces, or zeros with the `0` flag).
fn pad(s: String, spec: &Spec) -> String {
    let Some(w) = spec.width else { return s };
    let len = s.chars().count();
    if len >= w {
        return s;
    }
    let fill = w - len;
    if spec.minus {
        format!("{s}{}", " ".repeat(fill))
    } else if spec.zero {
        format!("{}{s}", "0".repeat(fill))
    } else {
        format!("{}{s}", " ".repeat(fill))
    }
}

/// A value as `fmt` classifies it.
enum Arg<'a> {
    Nil,
    Bool(bool),
    Int(i128, bool),
    Float(f64),
    Str(&'a str),
    Bytes(&'a [u8]),
    /// A type with a `String` method (time, semver, KubeVersion).
    Stringer(String),
    Map,
    Slice,
    /// Other objects (structs): their own `%v` rendering.
    Other,
}

fn classify(v: &Value) -> Arg<'_> {
    if is_time(v) {
        let m = as_map(v).and_then(|m| m.get(TIME_KEY));
        return Arg::Stringer(m.map(|t| t.to_string()).unwrap_or_default());
    }
    if let Some(st) = v.downcast_object_ref::<GoStruct>() {
        return match (&st.value_form, &st.string_form) {
            (Some(s), _) | (None, Some(s)) => Arg::Stringer(s.clone()),
            (None, None) => Arg::Other,
        };
    }
    if as_map(v).is_some() {
        return Arg::Map;
    }
    match go_kind(v) {
        GoKind::Nil => Arg::Nil,
        GoKind::Bool => Arg::Bool(v.is_true()),
        GoKind::Int | GoKind::Int64 => Arg::Int(i128::try_from(v.clone()).unwrap_or(0), true),
        GoKind::Uint => Arg::Int(i128::try_from(v.clone()).unwrap_or(0), false),
        GoKind::Float64 => Arg::Float(f64::try_from(v.clone()).unwrap_or(f64::NAN)),
        GoKind::String => Arg::Str(v.as_str().unwrap_or("")),
        GoKind::Bytes => Arg::Bytes(v.as_bytes().unwrap_or_default()),
        GoKind::Slice => Arg::Slice,
        // engine.files is a map[string][]byte.
        GoKind::Map if v.downcast_object_ref::<Files>().is_some() => Arg::Map,
        GoKind::Map => {
            if v.as_object().is_some_and(|o| {
                matches!(o.repr(), minijinja::value::ObjectRepr::Map)
                    && v.downcast_object_ref::<GoStruct>().is_none()
            }) {
                Arg::Map
            } else {
                Arg::Other
            }
        }
        _ => Arg::Other,
    }
}

fn bad_verb(out: &mut String, verb: char, v: &Value) {
    if v.is_none() || v.is_undefined() {
        out.push_str(&format!("%!{verb}(<nil>)"));
        return;
    }
    out.push_str(&format!("%!{verb}({}=", go_type_name(v)));
    print_arg(out, v, 'v', &Spec::default(), 0);
    out.push(')');
}

/// Go's `pp.printArg` / `pp.printValue`: one operand with one verb.
fn print_arg(out: &mut String, v: &Value, verb: char, spec: &Spec, depth: usize) {
    if verb == 'T' {
        out.push_str(&pad(go_type_name(v), spec));
        return;
    }
    match classify(v) {
        Arg::Nil => {
            if depth > 0 {
                if spec.sharp_v {
                    out.push_str("interface {}(nil)");
                } else {
                    out.push_str("<nil>");
                }
            } else if verb == 'v' {
                out.push_str(&pad("<nil>".into(), spec));
            } else {
                bad_verb(out, verb, v);
            }
        }
        Arg::Bool(b) => match verb {
            't' | 'v' => out.push_str(&pad(b.to_string(), spec)),
            _ => bad_verb(out, verb, v),
        },
        Arg::Int(i, signed) => match fmt_integer(i, signed, verb, spec) {
            Some(s) => out.push_str(&s),
            None => bad_verb(out, verb, v),
        },
        Arg::Float(f) => match verb {
            'v' => out.push_str(&fmt_float(f, 'g', spec)),
            'b' | 'g' | 'G' | 'x' | 'X' | 'e' | 'E' | 'f' | 'F' => {
                out.push_str(&fmt_float(f, verb, spec))
            }
            _ => bad_verb(out, verb, v),
        },
        Arg::Str(s) => match fmt_string(s, verb, spec) {
            Some(t) => out.push_str(&t),
            None => bad_verb(out, verb, v),
        },
        Arg::Stringer(s) => match verb {
            'v' | 's' | 'x' | 'X' | 'q' if !spec.sharp_v => {
                out.push_str(&fmt_string(&s, verb, spec).unwrap_or_default())
            }
            _ => bad_verb(out, verb, v),
        },
        Arg::Bytes(b) => match verb {
            's' | 'q' | 'x' | 'X' => {
                let text = String::from_utf8_lossy(b);
                out.push_str(&fmt_string(&text, verb, spec).unwrap_or_default());
            }
            _ => {
                if spec.sharp_v {
                    out.push_str("[]byte{");
                    let parts: Vec<String> = b.iter().map(|x| format!("0x{x:x}")).collect();
                    out.push_str(&parts.join(", "));
                    out.push('}');
                    return;
                }
                out.push('[');
                for (i, x) in b.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    match fmt_integer(i128::from(*x), false, verb, spec) {
                        Some(s) => out.push_str(&s),
                        None => bad_verb(out, verb, &Value::from(u128::from(*x))),
                    }
                }
                out.push(']');
            }
        },
        Arg::Map => {
            let entries: Vec<(Value, Value)> = match as_map(v) {
                Some(m) => m
                    .snapshot()
                    .into_iter()
                    .map(|(k, x)| (Value::from(k), x))
                    .collect(),
                None => {
                    let mut keys: Vec<Value> =
                        v.try_iter().map(|i| i.collect()).unwrap_or_default();
                    keys.sort_by_key(|k| k.to_string());
                    keys.into_iter()
                        .map(|k| {
                            let x = v.get_item(&k).unwrap_or_default();
                            (k, x)
                        })
                        .collect()
                }
            };
            if spec.sharp_v {
                out.push_str(&go_type_name(v));
                out.push('{');
            } else {
                out.push_str("map[");
            }
            for (i, (k, x)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push_str(if spec.sharp_v { ", " } else { " " });
                }
                print_arg(out, k, verb, spec, depth + 1);
                out.push(':');
                print_arg(out, x, verb, spec, depth + 1);
            }
            out.push(if spec.sharp_v { '}' } else { ']' });
        }
        Arg::Slice => {
            let items: Vec<Value> = v.try_iter().map(|i| i.collect()).unwrap_or_default();
            if spec.sharp_v {
                out.push_str(&go_type_name(v));
                out.push('{');
            } else {
                out.push('[');
            }
            for (i, x) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(if spec.sharp_v { ", " } else { " " });
                }
                print_arg(out, x, verb, spec, depth + 1);
            }
            out.push(if spec.sharp_v { '}' } else { ']' });
        }
        Arg::Other => {
            if verb == 'v' || verb == 's' {
                out.push_str(&pad(v.to_string(), spec));
            } else {
                bad_verb(out, verb, v);
            }
        }
    }
}

fn sign_prefix(neg: bool, spec: &Spec) -> &'static str {
    if neg {
        "-"
    } else if spec.plus {
        "+"
    } else if spec.space {
        " "
    } else {
        ""
    }
}

/// Go's `fmt.fmtInteger` (and `%c`, `%q`, `%U` of integers); `None` for a bad verb.
fn fmt_integer(i: i128, signed: bool, verb: char, spec: &Spec) -> Option<String> {
    let neg = i < 0;
    let a = i.unsigned_abs();
    let digits = match verb {
        'v' if spec.sharp_v && !signed => return Some(pad(format!("0x{a:x}"), spec)),
        'd' | 'v' => a.to_string(),
        'x' => format!("{a:x}"),
        'X' => format!("{a:X}"),
        'o' | 'O' => format!("{a:o}"),
        'b' => format!("{a:b}"),
        'c' => {
            let c = u32::try_from(i)
                .ok()
                .and_then(char::from_u32)
                .unwrap_or('\u{fffd}');
            return Some(pad(c.to_string(), spec));
        }
        'q' => {
            let c = u32::try_from(i)
                .ok()
                .and_then(char::from_u32)
                .unwrap_or('\u{fffd}');
            return Some(pad(quote_rune(c), spec));
        }
        'U' => {
            let mut s = format!("U+{a:04X}");
            if let Some(p) = spec.prec
                && s.len() - 2 < p
            {
                s = format!("U+{}{a:X}", "0".repeat(p - (s.len() - 2)));
            }
            if spec.sharp
                && let Some(c) = u32::try_from(i).ok().and_then(char::from_u32)
                && is_go_printable(c)
            {
                s.push_str(&format!(" '{c}'"));
            }
            return Some(pad(s, spec));
        }
        _ => return None,
    };
    // Precision is the minimum number of digits; a zero flag with a width
    // pads the digits (after the sign) to the width.
    let min = match spec.prec {
        Some(0) if a == 0 => {
            return Some(pad(
                String::new(),
                &Spec {
                    zero: false,
                    ..*spec
                },
            ));
        }
        Some(p) => p,
        None if spec.zero && !spec.minus && spec.width.is_some() => {
            let w = spec.width.unwrap_or(0);
            if neg || spec.plus || spec.space {
                w.saturating_sub(1)
            } else {
                w
            }
        }
        None => 0,
    };
    let digits = if digits.len() < min {
        format!("{}{digits}", "0".repeat(min - digits.len()))
    } else {
        digits
    };
    let prefix = match verb {
        'x' if spec.sharp => "0x",
        'X' if spec.sharp => "0X",
        'b' if spec.sharp => "0b",
        'o' if spec.sharp && !digits.starts_with('0') => "0",
        'O' => "0o",
        _ => "",
    };
    let s = format!("{}{prefix}{digits}", sign_prefix(neg, spec));
    Some(pad(
        s,
        &Spec {
            zero: false,
            ..*spec
        },
    ))
}

/// `strconv.QuoteRune`.
fn quote_rune(c: char) -> String {
    match c {
        '\'' => "'\\''".into(),
        '"' => "'\"'".into(),
        _ => {
            let q = go_quote(&c.to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

fn fmt_float(f: f64, verb: char, spec: &Spec) -> String {
    if f.is_nan() || f.is_infinite() {
        let body = if f.is_nan() {
            "NaN".to_string()
        } else if f > 0.0 {
            "Inf".to_string()
        } else {
            "-Inf".to_string()
        };
        let body = if f.is_nan() || f > 0.0 {
            format!("{}{body}", sign_prefix(false, spec))
        } else {
            body
        };
        return pad(
            body,
            &Spec {
                zero: false,
                ..*spec
            },
        );
    }
    let neg = f.is_sign_negative();
    let a = f.abs();
    let body = match verb {
        'f' | 'F' => format!("{:.*}", spec.prec.unwrap_or(6), a),
        'e' | 'E' => {
            let s = go_exp(a, spec.prec.unwrap_or(6));
            if verb == 'E' { s.to_uppercase() } else { s }
        }
        'x' | 'X' => {
            let s = hex_float(a, spec.prec);
            if verb == 'X' { s.to_uppercase() } else { s }
        }
        'b' => {
            let bits = a.to_bits();
            let exp = ((bits >> 52) & 0x7ff) as i64;
            let mant = bits & ((1u64 << 52) - 1);
            let (mant, exp) = if exp == 0 {
                (mant, -1074)
            } else {
                (mant | (1u64 << 52), exp - 1075)
            };
            format!("{mant}p{}{exp}", if exp >= 0 { "+" } else { "" })
        }
        _ => match spec.prec {
            None => format_float(a),
            Some(p) => {
                let p = p.max(1);
                let exp = if a == 0.0 {
                    0
                } else {
                    let e = go_exp(a, p - 1);
                    e.split_once('e')
                        .and_then(|(_, x)| x.parse::<i32>().ok())
                        .unwrap_or(0)
                };
                let s = if exp < -4 || exp >= p as i32 {
                    trim_exp_zeros(&go_exp(a, p - 1))
                } else {
                    let decimals = (p as i32 - 1 - exp).max(0) as usize;
                    let s = format!("{a:.decimals$}");
                    if s.contains('.') {
                        s.trim_end_matches('0').trim_end_matches('.').to_string()
                    } else {
                        s
                    }
                };
                if verb == 'G' { s.to_uppercase() } else { s }
            }
        },
    };
    let sign = sign_prefix(neg, spec);
    if spec.zero
        && !spec.minus
        && let Some(w) = spec.width
    {
        let len = sign.len() + body.chars().count();
        if len < w {
            return format!("{sign}{}{body}", "0".repeat(w - len));
        }
    }
    pad(format!("{sign}{body}"), spec)
}

/// `strconv.FormatFloat(a, 'x', prec, 64)` for a non-negative finite `a`.
fn hex_float(a: f64, prec: Option<usize>) -> String {
    if a == 0.0 {
        let frac = match prec {
            Some(p) if p > 0 => format!(".{}", "0".repeat(p)),
            _ => String::new(),
        };
        return format!("0x0{frac}p+00");
    }
    let bits = a.to_bits();
    let mut exp = ((bits >> 52) & 0x7ff) as i64;
    let mut mant = bits & ((1u64 << 52) - 1);
    if exp == 0 {
        exp = -1022;
        while mant & (1u64 << 52) == 0 {
            mant <<= 1;
            exp -= 1;
        }
    } else {
        mant |= 1u64 << 52;
        exp -= 1023;
    }
    // 1 integer hex digit + 13 fraction digits (52 bits).
    let mut frac = mant & ((1u64 << 52) - 1);
    let mut lead = 1u64;
    let ndigits = match prec {
        None => {
            let mut n = 13;
            while n > 0 && frac & 0xf == 0 {
                frac >>= 4;
                n -= 1;
            }
            n
        }
        Some(p) if p >= 13 => {
            let s = format!("{frac:013x}{}", "0".repeat(p - 13));
            return format!(
                "0x1.{s}p{}{:02}",
                if exp < 0 { '-' } else { '+' },
                exp.abs()
            );
        }
        Some(p) => {
            // Round half to even at p digits.
            let shift = (13 - p) * 4;
            let rem = frac & ((1u64 << shift) - 1);
            let half = 1u64 << (shift - 1);
            frac >>= shift;
            if rem > half || (rem == half && frac & 1 == 1) {
                frac += 1;
                if frac >> (p * 4) != 0 {
                    frac = 0;
                    lead += 1;
                    if lead == 2 {
                        lead = 1;
                        exp += 1;
                    }
                }
            }
            p
        }
    };
    let digits = if ndigits == 0 {
        String::new()
    } else {
        format!(".{:0width$x}", frac, width = ndigits)
    };
    format!(
        "0x{lead}{digits}p{}{:02}",
        if exp < 0 { '-' } else { '+' },
        exp.abs()
    )
}

fn trim_exp_zeros(s: &str) -> String {
    match s.split_once('e') {
        Some((m, e)) if m.contains('.') => {
            format!("{}e{e}", m.trim_end_matches('0').trim_end_matches('.'))
        }
        _ => s.to_string(),
    }
}

/// `%e` with Go's at-least-two-digit exponent: `1.000000e+06`.
fn go_exp(a: f64, prec: usize) -> String {
    let s = format!("{a:.prec$e}");
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    let e: i32 = e.parse().unwrap_or(0);
    let sign = if e < 0 { '-' } else { '+' };
    format!("{m}e{sign}{:02}", e.abs())
}

/// Go's `fmt.fmtString` verbs; `None` for a bad verb.
fn fmt_string(s: &str, verb: char, spec: &Spec) -> Option<String> {
    let s: String = match spec.prec {
        Some(p) => s.chars().take(p).collect(),
        None => s.to_string(),
    };
    let body = match verb {
        'v' if spec.sharp_v => go_quote(&s),
        'v' | 's' => s,
        'q' => {
            if spec.sharp && !s.contains('`') && s.chars().all(|c| c == '\t' || !c.is_control()) {
                format!("`{s}`")
            } else {
                go_quote(&s)
            }
        }
        'x' | 'X' => {
            let mut out = String::new();
            for (i, b) in s.bytes().enumerate() {
                if spec.space && i > 0 {
                    out.push(' ');
                }
                if spec.sharp && (spec.space || i == 0) {
                    out.push_str(if verb == 'x' { "0x" } else { "0X" });
                }
                if verb == 'x' {
                    out.push_str(&format!("{b:02x}"));
                } else {
                    out.push_str(&format!("{b:02X}"));
                }
            }
            out
        }
        _ => return None,
    };
    Some(pad(body, spec))
}

/// Go's `fmt.Sprintf`.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut out = String::new();
    let chars: Vec<char> = format.chars().collect();
    let end = chars.len();
    let mut i = 0;
    let mut argi = 0;
    let mut reordered = false;
    // `[n]` at chars[i]: (new arg index, new i, found, good).
    let arg_number = |argi: usize, i: usize, reordered: &mut bool| -> (usize, usize, bool, bool) {
        if i >= end || chars[i] != '[' {
            return (argi, i, false, true);
        }
        *reordered = true;
        let mut j = i + 1;
        while j < end && chars[j] != ']' {
            j += 1;
        }
        if j >= end {
            return (argi, i + 1, false, false);
        }
        let text: String = chars[i + 1..j].iter().collect();
        match text.parse::<usize>() {
            Ok(n) if !text.is_empty() && text.chars().all(|c| c.is_ascii_digit()) => {
                if n >= 1 && n - 1 < args.len() {
                    (n - 1, j + 1, true, true)
                } else {
                    (argi, j + 1, true, false)
                }
            }
            _ => (argi, j + 1, false, false),
        }
    };
    let parse_num = |i: usize| -> (Option<usize>, usize) {
        let mut j = i;
        while j < end && chars[j].is_ascii_digit() {
            j += 1;
        }
        if j == i {
            return (None, i);
        }
        let n: Option<usize> = chars[i..j].iter().collect::<String>().parse().ok();
        match n {
            Some(n) if n <= 1_000_000 => (Some(n), j),
            _ => (None, j),
        }
    };
    let int_arg = |argi: usize| -> (Option<i128>, usize) {
        if argi >= args.len() {
            return (None, argi);
        }
        let v = match classify(&args[argi]) {
            Arg::Int(n, _) if n.abs() <= 1_000_000 => Some(n),
            _ => None,
        };
        (v, argi + 1)
    };
    while i < end {
        let c = chars[i];
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        i += 1;
        let mut good = true;
        let mut spec = Spec::default();
        while i < end {
            match chars[i] {
                '-' => {
                    spec.minus = true;
                    spec.zero = false;
                }
                '+' => spec.plus = true,
                ' ' => spec.space = true,
                '0' => spec.zero = !spec.minus,
                '#' => spec.sharp = true,
                _ => break,
            }
            i += 1;
        }
        let (a, ni, mut after_index, g) = arg_number(argi, i, &mut reordered);
        argi = a;
        i = ni;
        good &= g;
        // Width.
        if i < end && chars[i] == '*' {
            i += 1;
            let (w, na) = int_arg(argi);
            argi = na;
            match w {
                Some(w) => {
                    if w < 0 {
                        spec.minus = true;
                        spec.zero = false;
                    }
                    spec.width = Some(w.unsigned_abs() as usize);
                }
                None => out.push_str("%!(BADWIDTH)"),
            }
            after_index = false;
        } else {
            let (w, ni) = parse_num(i);
            i = ni;
            spec.width = w;
            if after_index && w.is_some() {
                good = false;
            }
        }
        // Precision.
        if i + 1 < end && chars[i] == '.' {
            i += 1;
            if after_index {
                good = false;
            }
            let (a, ni, ai, g) = arg_number(argi, i, &mut reordered);
            argi = a;
            i = ni;
            after_index = ai;
            good &= g;
            if i < end && chars[i] == '*' {
                i += 1;
                let (p, na) = int_arg(argi);
                argi = na;
                match p {
                    Some(p) if p >= 0 => spec.prec = Some(p as usize),
                    Some(_) => {}
                    None => out.push_str("%!(BADPREC)"),
                }
                after_index = false;
            } else {
                let (p, ni) = parse_num(i);
                i = ni;
                spec.prec = Some(p.unwrap_or(0));
            }
        }
        if !after_index {
            let (a, ni, _, g) = arg_number(argi, i, &mut reordered);
            argi = a;
            i = ni;
            good &= g;
        }
        let Some(&verb) = chars.get(i) else {
            out.push_str("%!(NOVERB)");
            break;
        };
        i += 1;
        if verb == '%' {
            out.push('%');
            continue;
        }
        if !good {
            out.push_str(&format!("%!{verb}(BADINDEX)"));
            continue;
        }
        let Some(v) = args.get(argi) else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        if verb == 'v' {
            spec.sharp_v = spec.sharp;
            spec.sharp = false;
            spec.plus = false;
        }
        print_arg(&mut out, v, verb, &spec, 0);
        argi += 1;
    }
    if !reordered && argi < args.len() {
        out.push_str("%!(EXTRA ");
        for (k, v) in args[argi..].iter().enumerate() {
            if k > 0 {
                out.push_str(", ");
            }
            if v.is_none() || v.is_undefined() {
                out.push_str("<nil>");
            } else {
                out.push_str(&go_type_name(v));
                out.push('=');
                print_arg(&mut out, v, 'v', &Spec::default(), 0);
            }
        }
        out.push(')');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::govalue::int64_value;

    #[test]
    fn go_printing() {
        assert_eq!(go_string(&Value::from(1e6)), "1e+06");
        assert_eq!(go_string(&Value::from(3.0)), "3");
        assert_eq!(go_string(&Value::from(1.5)), "1.5");
        assert_eq!(go_string(&Value::from(())), "<no value>");
        assert_eq!(
            go_string(&Value::from(vec![Value::from("a"), Value::from(())])),
            "[a <nil>]"
        );
        assert_eq!(
            sprintf(
                "%d|%5.2f|%q|%v|%s",
                &[
                    int64_value(3),
                    Value::from(1.23456),
                    Value::from("x"),
                    Value::from(true),
                    Value::from(1)
                ]
            ),
            "3| 1.23|\"x\"|true|%!s(int=1)"
        );
        assert_eq!(sprintf("%d %d", &[Value::from(1)]), "1 %!d(MISSING)");
        assert_eq!(
            sprintf("%d", &[Value::from(1), Value::from("a")]),
            "1%!(EXTRA string=a)"
        );
        assert_eq!(
            sprintf(
                "%05d|%-4s|%x",
                &[Value::from(42), Value::from("ab"), Value::from(255)]
            ),
            "00042|ab  |ff"
        );
        assert_eq!(sprintf("%e", &[Value::from(1e6)]), "1.000000e+06");
        assert_eq!(
            sprint(&[
                Value::from(1),
                Value::from(2),
                Value::from("a"),
                Value::from(3)
            ]),
            "1 2a3"
        );
    }

    #[test]
    fn go_fmt_details() {
        use crate::render::govalue::{new_map, string_slice};
        let mut m = std::collections::BTreeMap::new();
        m.insert("a".to_string(), Value::from(1.0));
        m.insert("b".to_string(), Value::from("x"));
        let m = new_map(m);
        assert_eq!(
            sprintf("%#v", std::slice::from_ref(&m)),
            r#"map[string]interface {}{"a":1, "b":"x"}"#
        );
        assert_eq!(sprintf("%s", &[m]), "map[a:%!s(float64=1) b:x]");
        assert_eq!(
            sprintf("%#v", &[Value::from(vec![Value::from(1), Value::from(())])]),
            "[]interface {}{1, interface {}(nil)}"
        );
        assert_eq!(sprintf("%q", &[string_slice(["b", "a"])]), r#"["b" "a"]"#);
        assert_eq!(sprintf("%#v", &[string_slice(["b"])]), r#"[]string{"b"}"#);
        assert_eq!(
            sprintf("%x|%X", &[Value::from(1.0), Value::from(0.5)]),
            "0x1p+00|0X1P-01"
        );
        assert_eq!(sprintf("%#U", &[Value::from(0x41)]), "U+0041 'A'");
        assert_eq!(
            sprintf("%[2]d %[1]d", &[Value::from(1), Value::from(2)]),
            "2 1"
        );
        assert_eq!(sprintf("%[3]d", &[Value::from(1)]), "%!d(BADINDEX)");
        assert_eq!(
            sprintf("%#08x|%-5d|", &[Value::from(255), Value::from(-3)]),
            "0x000000ff|-3   |"
        );
        assert_eq!(sprintf("%z", &[Value::from(1)]), "%!z(int=1)");
    }
}

//! Go's `fmt` as Helm templates see it: `%v` printing of values and `printf` verbs.

use minijinja::Value;
use minijinja::value::ValueKind;

use super::govalue::as_map;
use super::types::{GoKind, go_kind, go_type_name};

/// Go's `fmt.Sprint(v)` for one value, as a template action prints it:
/// a nil or missing value prints `<no value>` (Helm later removes it).
pub fn go_string(v: &Value) -> String {
    if v.is_none() || v.is_undefined() {
        return "<no value>".to_string();
    }
    let mut out = String::new();
    write_value(&mut out, v, false);
    out
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
            c if c == '\u{fffd}' => out.push_str("\\ufffd"),
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

fn is_go_printable(c: char) -> bool {
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
    width: Option<usize>,
    prec: Option<usize>,
}

fn pad(s: String, spec: &Spec, numeric: bool) -> String {
    let Some(w) = spec.width else { return s };
    let len = s.chars().count();
    if len >= w {
        return s;
    }
    let fill = w - len;
    if spec.minus {
        format!("{s}{}", " ".repeat(fill))
    } else if spec.zero && numeric {
        let (sign, rest) = if s.starts_with(['-', '+', ' ']) {
            s.split_at(1)
        } else {
            ("", s.as_str())
        };
        format!("{sign}{}{rest}", "0".repeat(fill))
    } else {
        format!("{}{s}", " ".repeat(fill))
    }
}

fn bad_verb(verb: char, v: &Value) -> String {
    if v.is_none() || v.is_undefined() {
        return format!("%!{verb}(<nil>)");
    }
    format!("%!{verb}({}={})", go_type_name(v), sprint_value(v))
}

fn as_int(v: &Value) -> Option<i128> {
    match go_kind(v) {
        GoKind::Int | GoKind::Int64 | GoKind::Uint => i128::try_from(v.clone()).ok(),
        _ => None,
    }
}

fn as_float(v: &Value) -> Option<f64> {
    match go_kind(v) {
        GoKind::Float64 => f64::try_from(v.clone()).ok(),
        _ => None,
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

fn fmt_int(i: i128, verb: char, spec: &Spec) -> String {
    let neg = i < 0;
    let a = i.unsigned_abs();
    let body = match verb {
        'd' | 'v' => a.to_string(),
        'x' => format!("{a:x}"),
        'X' => format!("{a:X}"),
        'o' | 'O' => format!("{a:o}"),
        'b' => format!("{a:b}"),
        _ => a.to_string(),
    };
    let body = match spec.prec {
        Some(p) if body.len() < p => format!("{}{body}", "0".repeat(p - body.len())),
        _ => body,
    };
    let prefix = match (verb, spec.sharp) {
        ('x', true) => "0x",
        ('X', true) => "0X",
        ('o', true) => "0",
        ('O', _) => "0o",
        _ => "",
    };
    pad(
        format!("{}{prefix}{body}", sign_prefix(neg, spec)),
        spec,
        true,
    )
}

fn fmt_float(f: f64, verb: char, spec: &Spec) -> String {
    if f.is_nan() {
        return pad("NaN".into(), spec, false);
    }
    if f.is_infinite() {
        let s = if f > 0.0 {
            format!("{}Inf", if spec.plus { "+" } else { "" })
        } else {
            "-Inf".into()
        };
        return pad(s, spec, false);
    }
    let neg = f.is_sign_negative() && f != 0.0;
    let a = f.abs();
    let body = match verb {
        'f' | 'F' => format!("{:.*}", spec.prec.unwrap_or(6), a),
        'e' | 'E' => {
            let s = go_exp(a, spec.prec.unwrap_or(6));
            if verb == 'E' { s.to_uppercase() } else { s }
        }
        'g' | 'G' | 'v' => match spec.prec {
            None => format_float(a),
            Some(p) => {
                let p = p.max(1);
                let exp = if a == 0.0 {
                    0
                } else {
                    a.log10().floor() as i32
                };
                if exp < -4 || exp >= p as i32 {
                    let s = go_exp(a, p - 1);
                    trim_exp_zeros(&s)
                } else {
                    let decimals = (p as i32 - 1 - exp).max(0) as usize;
                    let s = format!("{a:.decimals$}");
                    if s.contains('.') {
                        s.trim_end_matches('0').trim_end_matches('.').to_string()
                    } else {
                        s
                    }
                }
            }
        },
        _ => format_float(a),
    };
    pad(format!("{}{body}", sign_prefix(neg, spec)), spec, true)
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

fn fmt_string(s: &str, verb: char, spec: &Spec) -> String {
    let s = match spec.prec {
        Some(p) => s.chars().take(p).collect(),
        None => s.to_string(),
    };
    let body = match verb {
        'q' => go_quote(&s),
        'x' => s.bytes().map(|b| format!("{b:02x}")).collect(),
        'X' => s.bytes().map(|b| format!("{b:02X}")).collect(),
        _ => s,
    };
    pad(body, spec, false)
}

fn format_one(verb: char, v: &Value, spec: &Spec) -> String {
    match verb {
        'v' => {
            if let Some(i) = as_int(v) {
                return fmt_int(i, 'd', spec);
            }
            if let Some(f) = as_float(v) {
                return fmt_float(f, 'g', spec);
            }
            let s = if spec.sharp && v.kind() == ValueKind::String {
                go_quote(v.as_str().unwrap_or(""))
            } else {
                sprint_value(v)
            };
            pad(s, spec, false)
        }
        'T' => pad(go_type_name(v), spec, false),
        't' => match v.kind() {
            ValueKind::Bool => pad(
                if v.is_true() { "true" } else { "false" }.into(),
                spec,
                false,
            ),
            _ => bad_verb(verb, v),
        },
        'd' | 'b' | 'o' | 'O' => match as_int(v) {
            Some(i) => fmt_int(i, verb, spec),
            None => bad_verb(verb, v),
        },
        'x' | 'X' => {
            if let Some(i) = as_int(v) {
                fmt_int(i, verb, spec)
            } else if let Some(s) = v.as_str() {
                fmt_string(s, verb, spec)
            } else if let Some(f) = as_float(v) {
                // Go prints hex floats for %x; charts never use it.
                fmt_float(f, 'g', spec)
            } else {
                bad_verb(verb, v)
            }
        }
        'c' => match as_int(v)
            .and_then(|i| u32::try_from(i).ok())
            .and_then(char::from_u32)
        {
            Some(c) => pad(c.to_string(), spec, false),
            None => bad_verb(verb, v),
        },
        'U' => match as_int(v) {
            Some(i) => pad(format!("U+{i:04X}"), spec, false),
            None => bad_verb(verb, v),
        },
        'e' | 'E' | 'f' | 'F' | 'g' | 'G' => match as_float(v) {
            Some(f) => fmt_float(f, verb, spec),
            None => match as_int(v) {
                Some(_) => bad_verb(verb, v),
                None => bad_verb(verb, v),
            },
        },
        's' | 'q' => match v.kind() {
            ValueKind::String => fmt_string(v.as_str().unwrap_or(""), verb, spec),
            ValueKind::Bytes => fmt_string(
                &String::from_utf8_lossy(v.as_bytes().unwrap_or_default()),
                verb,
                spec,
            ),
            ValueKind::Seq | ValueKind::Iterable if verb == 's' => {
                let mut out = String::from("[");
                if let Ok(it) = v.try_iter() {
                    let parts: Vec<String> = it
                        .map(|x| match x.kind() {
                            ValueKind::String => x.as_str().unwrap_or("").to_string(),
                            _ => format_one('s', &x, &Spec::default()),
                        })
                        .collect();
                    out.push_str(&parts.join(" "));
                }
                out.push(']');
                pad(out, spec, false)
            }
            _ if as_map(v).is_some() && verb == 's' => pad(sprint_value(v), spec, false),
            _ if v.is_none() || v.is_undefined() => format!("%!{verb}(<nil>)"),
            _ => bad_verb(verb, v),
        },
        _ => format!("%!{verb}({}={})", go_type_name(v), sprint_value(v)),
    }
}

/// Go's `fmt.Sprintf`.
pub fn sprintf(format: &str, args: &[Value]) -> String {
    let mut out = String::new();
    let chars: Vec<char> = format.chars().collect();
    let mut i = 0;
    let mut argi = 0;
    while i < chars.len() {
        let c = chars[i];
        if c != '%' {
            out.push(c);
            i += 1;
            continue;
        }
        i += 1;
        let mut spec = Spec::default();
        while i < chars.len() {
            match chars[i] {
                '-' => spec.minus = true,
                '+' => spec.plus = true,
                ' ' => spec.space = true,
                '0' => spec.zero = !spec.minus,
                '#' => spec.sharp = true,
                _ => break,
            }
            i += 1;
        }
        // Width.
        if i < chars.len() && chars[i] == '*' {
            i += 1;
            if let Some(w) = args.get(argi).and_then(as_int) {
                if w < 0 {
                    spec.minus = true;
                }
                spec.width = Some(w.unsigned_abs() as usize);
            } else {
                out.push_str("%!(BADWIDTH)");
            }
            argi += 1;
        } else {
            let start = i;
            while i < chars.len() && chars[i].is_ascii_digit() {
                i += 1;
            }
            if i > start {
                spec.width = chars[start..i].iter().collect::<String>().parse().ok();
            }
        }
        // Precision.
        if i < chars.len() && chars[i] == '.' {
            i += 1;
            if i < chars.len() && chars[i] == '*' {
                i += 1;
                spec.prec = args.get(argi).and_then(as_int).map(|p| p.max(0) as usize);
                argi += 1;
            } else {
                let start = i;
                while i < chars.len() && chars[i].is_ascii_digit() {
                    i += 1;
                }
                spec.prec = Some(
                    chars[start..i]
                        .iter()
                        .collect::<String>()
                        .parse()
                        .unwrap_or(0),
                );
            }
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
        match args.get(argi) {
            None => out.push_str(&format!("%!{verb}(MISSING)")),
            Some(v) => out.push_str(&format_one(verb, v, &spec)),
        }
        argi += 1;
    }
    if argi < args.len() {
        out.push_str("%!(EXTRA ");
        let extras: Vec<String> = args[argi..]
            .iter()
            .map(|v| format!("{}={}", go_type_name(v), sprint_value(v)))
            .collect();
        out.push_str(&extras.join(", "));
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
                    Value::from(3.14159),
                    Value::from("x"),
                    Value::from(true),
                    Value::from(1)
                ]
            ),
            "3| 3.14|\"x\"|true|%!s(int=1)"
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
}

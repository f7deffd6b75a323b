//! `time.Duration`: parsing, Go's `String()` and Sprig's `durationRound`.

use minijinja::Value;

use super::*;
use crate::render::types::{GoKind, go_kind};

pub fn parse_duration(s: &str) -> Result<i128, String> {
    let orig = s;
    let err = || format!("time: invalid duration {}", quote(orig));
    let (neg, mut s) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if s == "0" {
        return Ok(0);
    }
    if s.is_empty() {
        return Err(err());
    }
    let mut total: i128 = 0;
    while !s.is_empty() {
        let n_int = s.bytes().take_while(u8::is_ascii_digit).count();
        let int_part = &s[..n_int];
        s = &s[n_int..];
        let mut frac_part = "";
        if let Some(r) = s.strip_prefix('.') {
            let n = r.bytes().take_while(u8::is_ascii_digit).count();
            frac_part = &r[..n];
            s = &r[n..];
        }
        if int_part.is_empty() && frac_part.is_empty() {
            return Err(err());
        }
        let n_unit = s
            .char_indices()
            .find(|(_, c)| *c == '.' || c.is_ascii_digit())
            .map(|(i, _)| i)
            .unwrap_or(s.len());
        let unit = &s[..n_unit];
        s = &s[n_unit..];
        let mult: i128 = match unit {
            "ns" => 1,
            "us" | "µs" | "μs" => 1_000,
            "ms" => 1_000_000,
            "s" => 1_000_000_000,
            "m" => 60_000_000_000,
            "h" => 3_600_000_000_000,
            "" => return Err(format!("time: missing unit in duration {}", quote(orig))),
            _ => {
                return Err(format!(
                    "time: unknown unit {} in duration {}",
                    quote(unit),
                    quote(orig)
                ));
            }
        };
        let iv: i128 = if int_part.is_empty() {
            0
        } else {
            int_part.parse().map_err(|_| err())?
        };
        let mut v = iv.checked_mul(mult).ok_or_else(err)?;
        if !frac_part.is_empty() {
            let mut scale = 1i128;
            let mut f = 0i128;
            for d in frac_part.bytes().take(18) {
                f = f * 10 + (d - b'0') as i128;
                scale *= 10;
            }
            v += f * mult / scale;
        }
        total = total.checked_add(v).ok_or_else(err)?;
        if total > i64::MAX as i128 + 1 {
            return Err(err());
        }
    }
    if neg {
        total = -total;
    }
    if total > i64::MAX as i128 {
        return Err(err());
    }
    Ok(total)
}

/// Go's `time.Duration.String()` of a nanosecond count.
pub fn duration_string(d: i128) -> String {
    if d == 0 {
        return "0s".into();
    }
    let neg = d < 0;
    let u = d.unsigned_abs();
    let mut out = String::new();
    if u < 1_000_000_000 {
        let (unit, div) = if u < 1_000 {
            ("ns", 1u128)
        } else if u < 1_000_000 {
            ("µs", 1_000)
        } else {
            ("ms", 1_000_000)
        };
        out.push_str(&frac_text(u, div));
        out.push_str(unit);
    } else {
        let secs = u / 1_000_000_000;
        let (h, m) = (secs / 3600, (secs % 3600) / 60);
        let s_ns = u % 60_000_000_000;
        if h > 0 {
            out.push_str(&format!("{h}h"));
        }
        if h > 0 || m > 0 {
            out.push_str(&format!("{m}m"));
        }
        out.push_str(&frac_text(s_ns, 1_000_000_000));
        out.push('s');
    }
    if neg { format!("-{out}") } else { out }
}

pub(crate) fn frac_text(v: u128, div: u128) -> String {
    let int = v / div;
    let frac = v % div;
    if frac == 0 {
        return int.to_string();
    }
    let width = div.to_string().len() - 1;
    let f = format!("{frac:0width$}");
    format!("{int}.{}", f.trim_end_matches('0'))
}

/// Go's `time.Duration.String()` of whole seconds.
pub fn go_duration(secs: i64) -> String {
    duration_string(secs as i128 * 1_000_000_000)
}

/// Sprig's `durationRound`.
pub(crate) fn duration_round(v: &Value) -> String {
    let d: i128 = if let Some(t) = v.downcast_object_ref::<GoTime>() {
        let n = now();
        (n.secs as i128 - t.secs as i128) * 1_000_000_000 + n.nanos as i128 - t.nanos as i128
    } else {
        match go_kind(v) {
            GoKind::String => parse_duration(v.as_str().unwrap_or("")).unwrap_or(0),
            GoKind::Int64 => i64::try_from(v.clone()).unwrap_or(0) as i128,
            _ => 0,
        }
    };
    let u = d.unsigned_abs();
    const SECOND: u128 = 1_000_000_000;
    const MINUTE: u128 = 60 * SECOND;
    const HOUR: u128 = 60 * MINUTE;
    const DAY: u128 = 24 * HOUR;
    const MONTH: u128 = 30 * DAY;
    const YEAR: u128 = 365 * DAY;
    for (unit, name) in [
        (YEAR, "y"),
        (MONTH, "mo"),
        (DAY, "d"),
        (HOUR, "h"),
        (MINUTE, "m"),
        (SECOND, "s"),
    ] {
        if u > unit {
            return format!("{}{name}", u / unit);
        }
    }
    "0s".into()
}

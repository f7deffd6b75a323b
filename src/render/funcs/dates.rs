//! Date functions with Go's layouts. Times are represented as Unix seconds in
//! UTC wrapped in a map with `Unix` (Helm's local zone in `helm template` is
//! the machine's; the goldens use UTC).

use minijinja::value::Rest;
use minijinja::{Environment, Error, Value};

use super::args::{arity, fail, string, to_i64};
use crate::render::govalue::{as_map, new_map};

/// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
fn civil(days: i64) -> (i64, u32, u32) {
    let z = days + 719468;
    let era = z.div_euclid(146097);
    let doe = z.rem_euclid(146097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
];

/// Formats Unix seconds (+ nanos) in UTC with a Go layout.
pub fn go_format(layout: &str, secs: i64, nanos: u32) -> String {
    let days = secs.div_euclid(86400);
    let sod = secs.rem_euclid(86400);
    let (y, mo, d) = civil(days);
    let (h, mi, s) = (sod / 3600, (sod % 3600) / 60, sod % 60);
    let wd = DAYS[days.rem_euclid(7) as usize];
    let month = MONTHS[(mo - 1) as usize];
    let tokens: [(&str, String); 27] = [
        ("January", month.to_string()),
        ("Jan", month[..3].to_string()),
        ("Monday", wd.to_string()),
        ("Mon", wd[..3].to_string()),
        ("2006", format!("{y:04}")),
        ("-07:00", "+00:00".into()),
        ("-0700", "+0000".into()),
        ("-07", "+00".into()),
        ("Z07:00", "Z".into()),
        ("Z0700", "Z".into()),
        ("MST", "UTC".into()),
        (".000000000", format!(".{nanos:09}")),
        (".000000", format!(".{:06}", nanos / 1000)),
        (".000", format!(".{:03}", nanos / 1_000_000)),
        (".999999999", {
            let f = format!(".{nanos:09}");
            let t = f.trim_end_matches('0');
            if t == "." {
                String::new()
            } else {
                t.to_string()
            }
        }),
        ("01", format!("{mo:02}")),
        ("02", format!("{d:02}")),
        ("_2", format!("{d:>2}")),
        ("15", format!("{h:02}")),
        (
            "03",
            format!("{:02}", if h % 12 == 0 { 12 } else { h % 12 }),
        ),
        ("04", format!("{mi:02}")),
        ("05", format!("{s:02}")),
        ("06", format!("{:02}", y.rem_euclid(100))),
        ("PM", if h >= 12 { "PM" } else { "AM" }.into()),
        ("pm", if h >= 12 { "pm" } else { "am" }.into()),
        ("1", mo.to_string()),
        ("2", d.to_string()),
    ];
    let mut out = String::new();
    let mut rest = layout;
    'outer: while !rest.is_empty() {
        for (tok, val) in &tokens {
            if let Some(r) = rest.strip_prefix(tok) {
                out.push_str(val);
                rest = r;
                continue 'outer;
            }
        }
        for (tok, val) in [
            ("3", if h % 12 == 0 { 12 } else { h % 12 }),
            ("4", mi),
            ("5", s),
        ] {
            if let Some(r) = rest.strip_prefix(tok) {
                out.push_str(&val.to_string());
                rest = r;
                continue 'outer;
            }
        }
        let c = rest.chars().next().unwrap_or(' ');
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

fn now_secs() -> (i64, u32) {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    (d.as_secs() as i64, d.subsec_nanos())
}

fn time_value(secs: i64, nanos: u32) -> Value {
    let mut m = std::collections::BTreeMap::new();
    m.insert("Unix".to_string(), Value::from(secs));
    m.insert("Nanos".to_string(), Value::from(nanos as i64));
    m.insert(
        "__time".to_string(),
        Value::from(go_format(
            "2006-01-02 15:04:05.999999999 -0700 MST",
            secs,
            nanos,
        )),
    );
    new_map(m)
}

/// Seconds of a date argument: a time value, or int/float seconds.
fn secs_of(v: &Value) -> (i64, u32) {
    if let Some(m) = as_map(v)
        && let Some(u) = m.get("Unix")
    {
        return (
            to_i64(&u),
            m.get("Nanos").map(|n| to_i64(&n) as u32).unwrap_or(0),
        );
    }
    (to_i64(v), 0)
}

/// Parses `2006-01-02` / RFC 3339 text (the layouts charts use with toDate).
fn parse_date(layout: &str, s: &str) -> Option<(i64, u32)> {
    let s = s.trim();
    let (date, time) = s.split_once(['T', ' ']).unwrap_or((s, ""));
    let mut dp = date.split('-');
    let y: i64 = dp.next()?.parse().ok()?;
    let m: u32 = dp.next()?.parse().ok()?;
    let d: u32 = dp.next()?.parse().ok()?;
    let mut secs = days_from_civil(y, m, d) * 86400;
    if !time.is_empty() && layout.contains("15") {
        let t = time.trim_end_matches('Z');
        let mut tp = t.split(':');
        secs += tp.next()?.parse::<i64>().ok()? * 3600;
        secs += tp.next().and_then(|x| x.parse::<i64>().ok()).unwrap_or(0) * 60;
        secs += tp
            .next()
            .and_then(|x| x.get(..2))
            .and_then(|x| x.parse::<i64>().ok())
            .unwrap_or(0);
    }
    Some((secs, 0))
}

pub fn register(env: &mut Environment<'static>) {
    env.add_function("f_now", |args: Rest<Value>| {
        arity("now", &args, 0)?;
        let (s, n) = now_secs();
        Ok::<_, Error>(time_value(s, n))
    });
    for name in ["date", "dateInZone", "date_in_zone"] {
        env.add_function(format!("f_{name}"), move |args: Rest<Value>| {
            if args.len() < 2 {
                return Err(fail(format!(
                    "wrong number of args for {name}: want 2 got {}",
                    args.len()
                )));
            }
            let layout = string(&args[0])?;
            let (s, n) = secs_of(&args[1]);
            Ok::<_, Error>(Value::from(go_format(&layout, s, n)))
        });
    }
    env.add_function("f_htmlDate", |args: Rest<Value>| {
        arity("htmlDate", &args, 1)?;
        let (s, n) = secs_of(&args[0]);
        Ok::<_, Error>(Value::from(go_format("2006-01-02", s, n)))
    });
    env.add_function("f_htmlDateInZone", |args: Rest<Value>| {
        arity("htmlDateInZone", &args, 2)?;
        let (s, n) = secs_of(&args[0]);
        Ok::<_, Error>(Value::from(go_format("2006-01-02", s, n)))
    });
    env.add_function("f_unixEpoch", |args: Rest<Value>| {
        arity("unixEpoch", &args, 1)?;
        Ok::<_, Error>(Value::from(secs_of(&args[0]).0.to_string()))
    });
    for name in ["toDate", "mustToDate"] {
        env.add_function(format!("f_{name}"), move |args: Rest<Value>| {
            arity(name, &args, 2)?;
            let (layout, s) = (string(&args[0])?, string(&args[1])?);
            match parse_date(&layout, &s) {
                Some((secs, n)) => Ok(time_value(secs, n)),
                None if name == "toDate" => Ok(time_value(-62135596800, 0)),
                None => Err(fail(format!(
                    "parsing time {s:?} as {layout:?}: cannot parse"
                ))),
            }
        });
    }
    env.add_function("f_ago", |args: Rest<Value>| {
        arity("ago", &args, 1)?;
        let (s, _) = secs_of(&args[0]);
        Ok::<_, Error>(Value::from(go_duration((now_secs().0 - s).max(0))))
    });
    env.add_function("f_duration", |args: Rest<Value>| {
        arity("duration", &args, 1)?;
        Ok::<_, Error>(Value::from(go_duration(to_i64(&args[0]))))
    });
}

/// Go's `time.Duration.String()` of whole seconds.
pub fn go_duration(secs: i64) -> String {
    if secs == 0 {
        return "0s".into();
    }
    let neg = secs < 0;
    let a = secs.unsigned_abs();
    let (h, m, s) = (a / 3600, (a % 3600) / 60, a % 60);
    let mut out = String::new();
    if neg {
        out.push('-');
    }
    if h > 0 {
        out.push_str(&format!("{h}h{m}m{s}s"));
    } else if m > 0 {
        out.push_str(&format!("{m}m{s}s"));
    } else {
        out.push_str(&format!("{s}s"));
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn go_layouts() {
        assert_eq!(
            super::go_format("2006-01-02T15:04:05Z07:00", 86400 + 3661, 0),
            "1970-01-02T01:01:01Z"
        );
        assert_eq!(super::go_format("Jan _2 06", 0, 0), "Jan  1 70");
        assert_eq!(super::go_duration(95), "1m35s");
    }
}

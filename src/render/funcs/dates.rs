//! Date functions with Go's layouts and a `time.Time` value ([`GoTime`]):
//! Unix seconds, nanoseconds and a fixed zone (offset + abbreviation). The
//! local zone is UTC, as in the conformance environment.

use std::fmt;
use std::sync::Arc;

use minijinja::value::{Object, ObjectRepr, Rest};
use minijinja::{Environment, Error, Value};

use super::args::{arity, fail, string};
use crate::render::types::{GoKind, go_kind, go_type_name};

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
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
];

/// Go's `time.Time` in a fixed zone.
#[derive(Debug, Clone, PartialEq)]
pub struct GoTime {
    /// Unix seconds (UTC).
    pub secs: i64,
    pub nanos: u32,
    /// Zone offset east of UTC, seconds.
    pub offset: i32,
    /// Zone abbreviation; empty for an unnamed fixed zone (prints `+0200`).
    pub zone: String,
}

/// The zero `time.Time` (`0001-01-01 00:00:00 +0000 UTC`).
const ZERO_SECS: i64 = -62135596800;

impl GoTime {
    pub fn utc(secs: i64, nanos: u32) -> GoTime {
        GoTime {
            secs,
            nanos,
            offset: 0,
            zone: "UTC".into(),
        }
    }

    fn in_utc(&self) -> GoTime {
        GoTime::utc(self.secs, self.nanos)
    }

    /// Civil fields in the time's own zone.
    fn fields(&self) -> Fields {
        let local = self.secs.saturating_add(self.offset as i64);
        let days = local.div_euclid(86400);
        let sod = local.rem_euclid(86400);
        let (y, mo, d) = civil(days);
        Fields {
            year: y,
            month: mo,
            day: d,
            hour: sod / 3600,
            min: (sod % 3600) / 60,
            sec: sod % 60,
            weekday: (days + 4).rem_euclid(7) as usize,
            yday: (days - days_from_civil(y, 1, 1) + 1) as u32,
            nanos: self.nanos,
            offset: self.offset,
            zone: self.zone.clone(),
        }
    }

    pub fn format(&self, layout: &str) -> String {
        format_fields(layout, &self.fields())
    }

    /// Calls the Go method `name`.
    pub fn method(&self, name: &str, args: &[Value]) -> Result<Value, Error> {
        let want = |n: usize| -> Result<(), Error> {
            if args.len() != n {
                return Err(fail(format!(
                    "wrong number of args for {name}: want {n} got {}",
                    args.len()
                )));
            }
            Ok(())
        };
        let f = self.fields();
        Ok(match name {
            "Format" => {
                want(1)?;
                Value::from(self.format(&string(&args[0])?))
            }
            "String" => {
                want(0)?;
                Value::from(self.to_string())
            }
            "Year" => {
                want(0)?;
                Value::from(f.year)
            }
            "Month" => {
                want(0)?;
                Value::from(MONTHS[(f.month - 1) as usize])
            }
            "Day" => {
                want(0)?;
                Value::from(f.day as i64)
            }
            "Hour" => {
                want(0)?;
                Value::from(f.hour)
            }
            "Minute" => {
                want(0)?;
                Value::from(f.min)
            }
            "Second" => {
                want(0)?;
                Value::from(f.sec)
            }
            "Nanosecond" => {
                want(0)?;
                Value::from(self.nanos as i64)
            }
            "Weekday" => {
                want(0)?;
                Value::from(DAYS[f.weekday])
            }
            "YearDay" => {
                want(0)?;
                Value::from(f.yday as i64)
            }
            "Unix" => {
                want(0)?;
                Value::from(self.secs as i128)
            }
            "UnixMilli" => {
                want(0)?;
                Value::from((self.secs as i128) * 1000 + (self.nanos / 1_000_000) as i128)
            }
            "UnixNano" => {
                want(0)?;
                Value::from((self.secs as i128) * 1_000_000_000 + self.nanos as i128)
            }
            "UTC" | "Local" => {
                want(0)?;
                Value::from_object(self.in_utc())
            }
            "IsZero" => {
                want(0)?;
                Value::from(self.secs == ZERO_SECS && self.nanos == 0)
            }
            "Add" => {
                want(1)?;
                let d = match go_kind(&args[0]) {
                    GoKind::Int | GoKind::Int64 | GoKind::Uint => {
                        i64::try_from(args[0].clone()).unwrap_or(0)
                    }
                    _ => {
                        return Err(fail(format!(
                            "wrong type for value; expected time.Duration; got {}",
                            go_type_name(&args[0])
                        )));
                    }
                };
                Value::from_object(self.add_nanos(d as i128))
            }
            "Before" | "After" | "Equal" | "Sub" | "Compare" => {
                want(1)?;
                let o = time_param(&args[0])?;
                let ord = (self.secs, self.nanos).cmp(&(o.secs, o.nanos));
                match name {
                    "Before" => Value::from(ord.is_lt()),
                    "After" => Value::from(ord.is_gt()),
                    "Equal" => Value::from(ord.is_eq()),
                    "Compare" => Value::from(ord as i64),
                    _ => Value::from(duration_string(
                        (self.secs as i128 - o.secs as i128) * 1_000_000_000 + self.nanos as i128
                            - o.nanos as i128,
                    )),
                }
            }
            "In" => {
                want(1)?;
                return Err(fail(format!(
                    "wrong type for value; expected *time.Location; got {}",
                    go_type_name(&args[0])
                )));
            }
            _ => {
                return Err(fail(format!(
                    "can't evaluate field {name} in type time.Time"
                )));
            }
        })
    }

    fn add_nanos(&self, d: i128) -> GoTime {
        let total = self.secs as i128 * 1_000_000_000 + self.nanos as i128 + d;
        GoTime {
            secs: total.div_euclid(1_000_000_000) as i64,
            nanos: total.rem_euclid(1_000_000_000) as u32,
            offset: self.offset,
            zone: self.zone.clone(),
        }
    }
}

impl fmt::Display for GoTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.format("2006-01-02 15:04:05.999999999 -0700 MST"))
    }
}

impl Object for GoTime {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn render(self: &Arc<Self>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&**self, f)
    }
}

struct Fields {
    year: i64,
    month: u32,
    day: u32,
    hour: i64,
    min: i64,
    sec: i64,
    weekday: usize,
    yday: u32,
    nanos: u32,
    offset: i32,
    zone: String,
}

/// One element of a Go layout (`time.nextStdChunk`).
#[derive(Debug, Clone, PartialEq)]
enum Chunk {
    Lit(String),
    LongMonth,
    Month,
    NumMonth,
    ZeroMonth,
    LongWeekDay,
    WeekDay,
    Day,
    UnderDay,
    ZeroDay,
    UnderYearDay,
    ZeroYearDay,
    Hour,
    Hour12,
    ZeroHour12,
    Minute,
    ZeroMinute,
    Second,
    ZeroSecond,
    LongYear,
    Year,
    PM,
    Pm,
    TZ,
    /// `-0700` style: (z for Z-form, colon, seconds, minutes-present)
    Offset {
        z: bool,
        colon: bool,
        secs: bool,
        mins: bool,
    },
    /// Fraction: (digits, trailing-zero-trimmed `9` form, separator)
    Frac(usize, bool, char),
}

fn chunks(layout: &str) -> Vec<Chunk> {
    let b = layout.as_bytes();
    let mut out = Vec::new();
    let mut lit = String::new();
    let mut i = 0;
    let at = |i: usize, p: &str| layout[i..].starts_with(p);
    while i < b.len() {
        let (chunk, len): (Option<Chunk>, usize) = match b[i] {
            b'J' if at(i, "January") => (Some(Chunk::LongMonth), 7),
            b'J' if at(i, "Jan") => (Some(Chunk::Month), 3),
            b'M' if at(i, "Monday") => (Some(Chunk::LongWeekDay), 6),
            b'M' if at(i, "Mon") => (Some(Chunk::WeekDay), 3),
            b'M' if at(i, "MST") => (Some(Chunk::TZ), 3),
            b'0' if at(i, "002") => (Some(Chunk::ZeroYearDay), 3),
            b'0' if i + 1 < b.len() && (b'1'..=b'6').contains(&b[i + 1]) => (
                Some(match b[i + 1] {
                    b'1' => Chunk::ZeroMonth,
                    b'2' => Chunk::ZeroDay,
                    b'3' => Chunk::ZeroHour12,
                    b'4' => Chunk::ZeroMinute,
                    b'5' => Chunk::ZeroSecond,
                    _ => Chunk::Year,
                }),
                2,
            ),
            b'1' if at(i, "15") => (Some(Chunk::Hour), 2),
            b'1' => (Some(Chunk::NumMonth), 1),
            b'2' if at(i, "2006") => (Some(Chunk::LongYear), 4),
            b'2' => (Some(Chunk::Day), 1),
            b'_' if at(i, "_2006") => {
                lit.push('_');
                i += 1;
                continue;
            }
            b'_' if at(i, "__2") => (Some(Chunk::UnderYearDay), 3),
            b'_' if at(i, "_2") => (Some(Chunk::UnderDay), 2),
            b'3' => (Some(Chunk::Hour12), 1),
            b'4' => (Some(Chunk::Minute), 1),
            b'5' => (Some(Chunk::Second), 1),
            b'P' if at(i, "PM") => (Some(Chunk::PM), 2),
            b'p' if at(i, "pm") => (Some(Chunk::Pm), 2),
            b'-' | b'Z' => {
                let z = b[i] == b'Z';
                let forms: [(&str, bool, bool, bool); 5] = [
                    ("070000", false, true, true),
                    ("07:00:00", true, true, true),
                    ("0700", false, false, true),
                    ("07:00", true, false, true),
                    ("07", false, false, false),
                ];
                let mut found = (None, 0);
                for (f, colon, secs, mins) in forms {
                    if at(i + 1, f) {
                        found = (
                            Some(Chunk::Offset {
                                z,
                                colon,
                                secs,
                                mins,
                            }),
                            f.len() + 1,
                        );
                        break;
                    }
                }
                found
            }
            c @ (b'.' | b',') if i + 1 < b.len() && (b[i + 1] == b'0' || b[i + 1] == b'9') => {
                let d = b[i + 1];
                let mut j = i + 1;
                while j < b.len() && b[j] == d {
                    j += 1;
                }
                if j < b.len() && b[j].is_ascii_digit() {
                    (None, 0)
                } else {
                    (Some(Chunk::Frac(j - i - 1, d == b'9', c as char)), j - i)
                }
            }
            _ => (None, 0),
        };
        match chunk {
            Some(c) => {
                if !lit.is_empty() {
                    out.push(Chunk::Lit(std::mem::take(&mut lit)));
                }
                out.push(c);
                i += len;
            }
            None => {
                let ch = layout[i..].chars().next().unwrap_or(' ');
                lit.push(ch);
                i += ch.len_utf8();
            }
        }
    }
    if !lit.is_empty() {
        out.push(Chunk::Lit(lit));
    }
    out
}

fn format_fields(layout: &str, f: &Fields) -> String {
    let mut out = String::new();
    let h12 = if f.hour % 12 == 0 { 12 } else { f.hour % 12 };
    for c in chunks(layout) {
        match c {
            Chunk::Lit(s) => out.push_str(&s),
            Chunk::LongMonth => out.push_str(MONTHS[(f.month - 1) as usize]),
            Chunk::Month => out.push_str(&MONTHS[(f.month - 1) as usize][..3]),
            Chunk::NumMonth => out.push_str(&f.month.to_string()),
            Chunk::ZeroMonth => out.push_str(&format!("{:02}", f.month)),
            Chunk::LongWeekDay => out.push_str(DAYS[f.weekday]),
            Chunk::WeekDay => out.push_str(&DAYS[f.weekday][..3]),
            Chunk::Day => out.push_str(&f.day.to_string()),
            Chunk::UnderDay => out.push_str(&format!("{:>2}", f.day)),
            Chunk::ZeroDay => out.push_str(&format!("{:02}", f.day)),
            Chunk::UnderYearDay => out.push_str(&format!("{:>3}", f.yday)),
            Chunk::ZeroYearDay => out.push_str(&format!("{:03}", f.yday)),
            Chunk::Hour => out.push_str(&format!("{:02}", f.hour)),
            Chunk::Hour12 => out.push_str(&h12.to_string()),
            Chunk::ZeroHour12 => out.push_str(&format!("{h12:02}")),
            Chunk::Minute => out.push_str(&f.min.to_string()),
            Chunk::ZeroMinute => out.push_str(&format!("{:02}", f.min)),
            Chunk::Second => out.push_str(&f.sec.to_string()),
            Chunk::ZeroSecond => out.push_str(&format!("{:02}", f.sec)),
            Chunk::LongYear => {
                if f.year < 0 {
                    out.push_str(&format!("-{:04}", -f.year));
                } else {
                    out.push_str(&format!("{:04}", f.year));
                }
            }
            Chunk::Year => out.push_str(&format!("{:02}", f.year.rem_euclid(100))),
            Chunk::PM => out.push_str(if f.hour >= 12 { "PM" } else { "AM" }),
            Chunk::Pm => out.push_str(if f.hour >= 12 { "pm" } else { "am" }),
            Chunk::TZ => {
                if !f.zone.is_empty() {
                    out.push_str(&f.zone);
                } else {
                    let z = f.offset / 60;
                    let sign = if z < 0 { '-' } else { '+' };
                    let z = z.abs();
                    out.push_str(&format!("{sign}{:02}{:02}", z / 60, z % 60));
                }
            }
            Chunk::Offset {
                z,
                colon,
                secs,
                mins,
            } => {
                if z && f.offset == 0 {
                    out.push('Z');
                    continue;
                }
                let sign = if f.offset < 0 { '-' } else { '+' };
                let a = f.offset.abs();
                out.push(sign);
                out.push_str(&format!("{:02}", a / 3600));
                if mins {
                    if colon {
                        out.push(':');
                    }
                    out.push_str(&format!("{:02}", (a / 60) % 60));
                }
                if secs {
                    if colon {
                        out.push(':');
                    }
                    out.push_str(&format!("{:02}", a % 60));
                }
            }
            Chunk::Frac(n, trim, sep) => {
                let digits = format!("{:09}", f.nanos);
                let mut d = digits[..n.min(9)].to_string();
                if trim {
                    d = d.trim_end_matches('0').to_string();
                    if d.is_empty() {
                        continue;
                    }
                }
                out.push(sep);
                out.push_str(&d);
            }
        }
    }
    out
}

/// Formats Unix seconds (+ nanos) in UTC with a Go layout.
pub fn go_format(layout: &str, secs: i64, nanos: u32) -> String {
    GoTime::utc(secs, nanos).format(layout)
}

fn quote(s: &str) -> String {
    crate::render::format::go_quote(s)
}

/// Go's `time.ParseInLocation(layout, value, time.Local)` with Local = UTC.
pub fn parse_time(layout: &str, value: &str) -> Result<GoTime, String> {
    let perr = |elem: &str, rest: &str, extra: &str| {
        format!(
            "parsing time {} as {}: cannot parse {} as {}{extra}",
            quote(value),
            quote(layout),
            quote(rest),
            quote(elem)
        )
    };
    let range_err = |what: &str| format!("parsing time {}: {what} out of range", quote(value));
    let (mut year, mut month, mut day, mut hour, mut min, mut sec) = (1i64, 1i64, 1i64, 0, 0, 0);
    let mut yday: Option<i64> = None;
    let mut nanos: u32 = 0;
    let mut pm: Option<bool> = None;
    let mut offset: Option<i32> = None;
    let mut zone_name: Option<String> = None;
    let mut rest = value;
    let layout_chunks = chunks(layout);
    let mut prev_second = false;
    for (ci, c) in layout_chunks.iter().enumerate() {
        let elem = layout_text(c);
        let num = |rest: &str, min_d: usize, max_d: usize| -> Option<(i64, usize)> {
            let n = rest
                .bytes()
                .take(max_d)
                .take_while(u8::is_ascii_digit)
                .count();
            if n < min_d {
                return None;
            }
            rest[..n].parse().ok().map(|v| (v, n))
        };
        let this_second = matches!(c, Chunk::Second | Chunk::ZeroSecond);
        match c {
            Chunk::Lit(s) => {
                // Go lets spaces in the layout match runs of spaces.
                let mut l = s.as_str();
                while !l.is_empty() {
                    if l.starts_with(' ') && rest.starts_with(' ') {
                        l = l.trim_start_matches(' ');
                        rest = rest.trim_start_matches(' ');
                        continue;
                    }
                    let ch = l.chars().next().unwrap_or(' ');
                    if !rest.starts_with(ch) {
                        return Err(perr(s, rest, ""));
                    }
                    l = &l[ch.len_utf8()..];
                    rest = &rest[ch.len_utf8()..];
                }
                // A fraction after seconds not in the layout is accepted.
                if prev_second && rest.starts_with('.') {
                    let n = rest[1..].bytes().take_while(u8::is_ascii_digit).count();
                    if n > 0 && !matches!(layout_chunks.get(ci + 1), Some(Chunk::Frac(..))) {
                        let d = format!("{:0<9}", &rest[1..1 + n.min(9)]);
                        nanos = d.parse().unwrap_or(0);
                        rest = &rest[1 + n..];
                    }
                }
            }
            Chunk::LongYear => {
                let Some((v, n)) = num(rest, 4, 4) else {
                    return Err(perr(&elem, rest, ""));
                };
                year = v;
                rest = &rest[n..];
            }
            Chunk::Year => {
                let Some((v, n)) = num(rest, 2, 2) else {
                    return Err(perr(&elem, rest, ""));
                };
                year = if v >= 69 { 1900 + v } else { 2000 + v };
                rest = &rest[n..];
            }
            Chunk::LongMonth | Chunk::Month => {
                let found = MONTHS.iter().enumerate().find_map(|(i, m)| {
                    let cand = if *c == Chunk::LongMonth { *m } else { &m[..3] };
                    rest.get(..cand.len())
                        .filter(|p| p.eq_ignore_ascii_case(cand))
                        .map(|_| (i as i64 + 1, cand.len()))
                });
                let Some((v, n)) = found else {
                    return Err(perr(&elem, rest, ""));
                };
                month = v;
                rest = &rest[n..];
            }
            Chunk::LongWeekDay | Chunk::WeekDay => {
                let found = DAYS.iter().find_map(|d| {
                    let cand = if *c == Chunk::LongWeekDay {
                        *d
                    } else {
                        &d[..3]
                    };
                    rest.get(..cand.len())
                        .filter(|p| p.eq_ignore_ascii_case(cand))
                        .map(|_| cand.len())
                });
                let Some(n) = found else {
                    return Err(perr(&elem, rest, ""));
                };
                rest = &rest[n..];
            }
            Chunk::NumMonth | Chunk::ZeroMonth => {
                let min_d = if *c == Chunk::ZeroMonth { 2 } else { 1 };
                let Some((v, n)) = num(rest, min_d, 2) else {
                    return Err(perr(&elem, rest, ""));
                };
                if !(1..=12).contains(&v) {
                    return Err(range_err("month"));
                }
                month = v;
                rest = &rest[n..];
            }
            Chunk::Day | Chunk::UnderDay | Chunk::ZeroDay => {
                if *c == Chunk::UnderDay && rest.starts_with(' ') {
                    rest = &rest[1..];
                }
                let min_d = if *c == Chunk::ZeroDay { 2 } else { 1 };
                let Some((v, n)) = num(rest, min_d, 2) else {
                    return Err(perr(&elem, rest, ""));
                };
                day = v;
                rest = &rest[n..];
            }
            Chunk::UnderYearDay | Chunk::ZeroYearDay => {
                let t = rest.trim_start_matches(' ');
                let Some((v, n)) = num(t, 3, 3) else {
                    return Err(perr(&elem, rest, ""));
                };
                yday = Some(v);
                rest = &t[n..];
            }
            Chunk::Hour => {
                // Go's getnum(value, false): one or two digits.
                let Some((v, n)) = num(rest, 1, 2) else {
                    return Err(perr(&elem, rest, ""));
                };
                if v >= 24 {
                    return Err(range_err("hour"));
                }
                hour = v;
                rest = &rest[n..];
            }
            Chunk::Hour12 | Chunk::ZeroHour12 => {
                let min_d = if *c == Chunk::ZeroHour12 { 2 } else { 1 };
                let Some((v, n)) = num(rest, min_d, 2) else {
                    return Err(perr(&elem, rest, ""));
                };
                if v > 12 {
                    return Err(range_err("hour"));
                }
                hour = v;
                rest = &rest[n..];
            }
            Chunk::Minute | Chunk::ZeroMinute => {
                let min_d = if *c == Chunk::ZeroMinute { 2 } else { 1 };
                let Some((v, n)) = num(rest, min_d, 2) else {
                    return Err(perr(&elem, rest, ""));
                };
                if v >= 60 {
                    return Err(range_err("minute"));
                }
                min = v;
                rest = &rest[n..];
            }
            Chunk::Second | Chunk::ZeroSecond => {
                let min_d = if *c == Chunk::ZeroSecond { 2 } else { 1 };
                let Some((v, n)) = num(rest, min_d, 2) else {
                    return Err(perr(&elem, rest, ""));
                };
                if v >= 60 {
                    return Err(range_err("second"));
                }
                sec = v;
                rest = &rest[n..];
                if rest.starts_with(['.', ','])
                    && !matches!(layout_chunks.get(ci + 1), Some(Chunk::Frac(..)))
                {
                    let n = rest[1..].bytes().take_while(u8::is_ascii_digit).count();
                    if n > 0 {
                        let d = format!("{:0<9}", &rest[1..1 + n.min(9)]);
                        nanos = d.parse().unwrap_or(0);
                        rest = &rest[1 + n..];
                    }
                }
            }
            Chunk::PM | Chunk::Pm => {
                let p = rest.get(..2).unwrap_or("");
                match p.to_ascii_uppercase().as_str() {
                    "PM" => pm = Some(true),
                    "AM" => pm = Some(false),
                    _ => return Err(perr(&elem, rest, "")),
                }
                rest = &rest[2..];
            }
            Chunk::Offset {
                z,
                colon,
                secs,
                mins,
            } => {
                if *z && rest.starts_with('Z') {
                    rest = &rest[1..];
                    offset = Some(0);
                    zone_name = Some("UTC".into());
                    continue;
                }
                let bytes = rest.as_bytes();
                let sign = match bytes.first() {
                    Some(b'+') => 1,
                    Some(b'-') => -1,
                    _ => return Err(perr(&elem, rest, "")),
                };
                let mut p = 1;
                let two = |p: usize| -> Option<i32> {
                    let s = rest.get(p..p + 2)?;
                    if s.bytes().all(|b| b.is_ascii_digit()) {
                        s.parse().ok()
                    } else {
                        None
                    }
                };
                let Some(hh) = two(p) else {
                    return Err(perr(&elem, rest, ""));
                };
                p += 2;
                let mut mm = 0;
                let mut ss = 0;
                if *mins {
                    if *colon {
                        if bytes.get(p) != Some(&b':') {
                            return Err(perr(&elem, rest, ""));
                        }
                        p += 1;
                    }
                    let Some(v) = two(p) else {
                        return Err(perr(&elem, rest, ""));
                    };
                    mm = v;
                    p += 2;
                }
                if *secs {
                    if *colon {
                        if bytes.get(p) != Some(&b':') {
                            return Err(perr(&elem, rest, ""));
                        }
                        p += 1;
                    }
                    let Some(v) = two(p) else {
                        return Err(perr(&elem, rest, ""));
                    };
                    ss = v;
                    p += 2;
                }
                offset = Some(sign * (hh * 3600 + mm * 60 + ss));
                rest = &rest[p..];
            }
            Chunk::TZ => {
                if rest.len() >= 3 && rest.starts_with("UTC") {
                    zone_name = Some("UTC".into());
                    rest = &rest[3..];
                    continue;
                }
                let n = rest.bytes().take_while(u8::is_ascii_uppercase).count();
                if n < 3 {
                    return Err(perr(&elem, rest, ""));
                }
                zone_name = Some(rest[..n].to_string());
                rest = &rest[n..];
            }
            Chunk::Frac(n, _, _) => {
                if !rest.starts_with(['.', ',']) {
                    if matches!(c, Chunk::Frac(_, true, _)) {
                        continue;
                    }
                    return Err(perr(&elem, rest, ""));
                }
                let digits = rest[1..].bytes().take_while(u8::is_ascii_digit).count();
                if !matches!(c, Chunk::Frac(_, true, _)) && digits != *n {
                    return Err(perr(&elem, rest, ""));
                }
                let d = format!("{:0<9}", &rest[1..1 + digits.min(9)]);
                nanos = d.parse().unwrap_or(0);
                rest = &rest[1 + digits..];
            }
        }
        prev_second = this_second;
    }
    if !rest.is_empty() {
        return Err(format!(
            "parsing time {}: extra text: {}",
            quote(value),
            quote(rest)
        ));
    }
    if let Some(is_pm) = pm {
        if is_pm && hour < 12 {
            hour += 12;
        } else if !is_pm && hour == 12 {
            hour = 0;
        }
    }
    if let Some(yd) = yday {
        let max = if is_leap(year) { 366 } else { 365 };
        if yd < 1 || yd > max {
            return Err(range_err("day-of-year"));
        }
        let d = days_from_civil(year, 1, 1) + yd - 1;
        let (_, m, dd) = civil(d);
        month = m as i64;
        day = dd as i64;
    }
    if day < 1 || day > days_in(year, month as u32) as i64 {
        return Err(range_err("day"));
    }
    let days = days_from_civil(year, month as u32, day as u32);
    let local = days * 86400 + hour * 3600 + min * 60 + sec;
    let (offset, zone) = match (offset, zone_name) {
        (Some(0), _) => (0, "UTC".to_string()),
        (Some(o), _) => (o, String::new()),
        (None, Some(z)) if z == "UTC" => (0, "UTC".into()),
        (None, Some(z)) => (0, z),
        (None, None) => (0, "UTC".into()),
    };
    Ok(GoTime {
        secs: local - offset as i64,
        nanos,
        offset,
        zone,
    })
}

fn layout_text(c: &Chunk) -> String {
    match c {
        Chunk::Lit(s) => s.clone(),
        Chunk::LongMonth => "January".into(),
        Chunk::Month => "Jan".into(),
        Chunk::NumMonth => "1".into(),
        Chunk::ZeroMonth => "01".into(),
        Chunk::LongWeekDay => "Monday".into(),
        Chunk::WeekDay => "Mon".into(),
        Chunk::Day => "2".into(),
        Chunk::UnderDay => "_2".into(),
        Chunk::ZeroDay => "02".into(),
        Chunk::UnderYearDay => "__2".into(),
        Chunk::ZeroYearDay => "002".into(),
        Chunk::Hour => "15".into(),
        Chunk::Hour12 => "3".into(),
        Chunk::ZeroHour12 => "03".into(),
        Chunk::Minute => "4".into(),
        Chunk::ZeroMinute => "04".into(),
        Chunk::Second => "5".into(),
        Chunk::ZeroSecond => "05".into(),
        Chunk::LongYear => "2006".into(),
        Chunk::Year => "06".into(),
        Chunk::PM => "PM".into(),
        Chunk::Pm => "pm".into(),
        Chunk::TZ => "MST".into(),
        Chunk::Offset {
            z,
            colon,
            secs,
            mins,
        } => {
            let mut s = String::from(if *z { "Z07" } else { "-07" });
            if *mins {
                s.push_str(if *colon { ":00" } else { "00" });
            }
            if *secs {
                s.push_str(if *colon { ":00" } else { "00" });
            }
            s
        }
        Chunk::Frac(n, nine, sep) => {
            format!("{sep}{}", if *nine { "9" } else { "0" }.repeat(*n))
        }
    }
}

fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

fn days_in(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

fn now() -> GoTime {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    GoTime::utc(d.as_secs() as i64, d.subsec_nanos())
}

/// Sprig's date argument: a time, or int/int64 Unix seconds; anything else is now.
fn time_arg(v: &Value) -> GoTime {
    if let Some(t) = v.downcast_object_ref::<GoTime>() {
        return t.clone();
    }
    match go_kind(v) {
        GoKind::Int | GoKind::Int64 | GoKind::Uint => {
            GoTime::utc(i64::try_from(v.clone()).unwrap_or(0), 0)
        }
        _ => now(),
    }
}

/// `t.In(time.LoadLocation(zone))`, falling back to UTC as Sprig does on
/// error. Local is UTC; other names come from the system zoneinfo files.
fn in_zone(t: &GoTime, zone: &str) -> GoTime {
    let mut u = t.in_utc();
    if matches!(zone, "" | "UTC" | "Local") {
        return u;
    }
    if let Some(z) = super::tzif::load(zone) {
        let (offset, abbr) = z.lookup(t.secs);
        u.offset = offset;
        u.zone = abbr;
        return u;
    }
    if let Some(n) = zone.strip_prefix("Etc/GMT").and_then(|n| {
        if n.is_empty() {
            Some(0)
        } else {
            n.parse::<i32>().ok()
        }
    }) && n.abs() <= 14
    {
        u.offset = -n * 3600;
        u.zone = if n == 0 {
            "GMT".into()
        } else {
            format!("{}{:02}", if n > 0 { '-' } else { '+' }, n.abs())
        };
        if n == 0 {
            u.zone = "GMT".into();
        }
    }
    u
}

/// Go's `time.ParseDuration`, in nanoseconds.
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

fn frac_text(v: u128, div: u128) -> String {
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
fn duration_round(v: &Value) -> String {
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

/// A `time.Time` parameter.
fn time_param(v: &Value) -> Result<GoTime, Error> {
    match v.downcast_object_ref::<GoTime>() {
        Some(t) => Ok(t.clone()),
        None => Err(fail(format!(
            "wrong type for value; expected time.Time; got {}",
            go_type_name(v)
        ))),
    }
}

pub fn register(env: &mut Environment<'static>) {
    env.add_function("f_now", |args: Rest<Value>| {
        arity("now", &args, 0)?;
        Ok::<_, Error>(Value::from_object(now()))
    });
    env.add_function("f_date", |args: Rest<Value>| {
        arity("date", &args, 2)?;
        let layout = string(&args[0])?;
        Ok::<_, Error>(Value::from(time_arg(&args[1]).in_utc().format(&layout)))
    });
    for name in ["dateInZone", "date_in_zone"] {
        env.add_function(format!("f_{name}"), move |args: Rest<Value>| {
            arity(name, &args, 3)?;
            let layout = string(&args[0])?;
            let zone = string(&args[2])?;
            Ok::<_, Error>(Value::from(
                in_zone(&time_arg(&args[1]), &zone).format(&layout),
            ))
        });
    }
    env.add_function("f_htmlDate", |args: Rest<Value>| {
        arity("htmlDate", &args, 1)?;
        Ok::<_, Error>(Value::from(
            time_arg(&args[0]).in_utc().format("2006-01-02"),
        ))
    });
    env.add_function("f_htmlDateInZone", |args: Rest<Value>| {
        arity("htmlDateInZone", &args, 2)?;
        let zone = string(&args[1])?;
        Ok::<_, Error>(Value::from(
            in_zone(&time_arg(&args[0]), &zone).format("2006-01-02"),
        ))
    });
    env.add_function("f_unixEpoch", |args: Rest<Value>| {
        arity("unixEpoch", &args, 1)?;
        Ok::<_, Error>(Value::from(time_param(&args[0])?.secs.to_string()))
    });
    for name in ["dateModify", "date_modify"] {
        env.add_function(format!("f_{name}"), move |args: Rest<Value>| {
            arity(name, &args, 2)?;
            let d = string(&args[0])?;
            let t = time_param(&args[1])?;
            Ok::<_, Error>(Value::from_object(match parse_duration(&d) {
                Ok(n) => t.add_nanos(n),
                Err(_) => t,
            }))
        });
    }
    for name in ["mustDateModify", "must_date_modify"] {
        env.add_function(format!("f_{name}"), move |args: Rest<Value>| {
            arity(name, &args, 2)?;
            let d = string(&args[0])?;
            let t = time_param(&args[1])?;
            let n = parse_duration(&d).map_err(fail)?;
            Ok::<_, Error>(Value::from_object(t.add_nanos(n)))
        });
    }
    for name in ["toDate", "mustToDate"] {
        env.add_function(format!("f_{name}"), move |args: Rest<Value>| {
            arity(name, &args, 2)?;
            let (layout, s) = (string(&args[0])?, string(&args[1])?);
            match parse_time(&layout, &s) {
                Ok(t) => Ok(Value::from_object(t)),
                Err(_) if name == "toDate" => Ok(Value::from_object(GoTime::utc(ZERO_SECS, 0))),
                Err(e) => Err(fail(e)),
            }
        });
    }
    env.add_function("f_ago", |args: Rest<Value>| {
        arity("ago", &args, 1)?;
        let t = time_arg(&args[0]);
        let n = now();
        let mut d =
            (n.secs as i128 - t.secs as i128) * 1_000_000_000 + n.nanos as i128 - t.nanos as i128;
        // Round to the second, halves away from zero.
        let r = d.rem_euclid(1_000_000_000);
        d -= r;
        if r >= 500_000_000 {
            d += 1_000_000_000;
        }
        Ok::<_, Error>(Value::from(duration_string(d)))
    });
    env.add_function("f_duration", |args: Rest<Value>| {
        arity("duration", &args, 1)?;
        let v = &args[0];
        let n: i64 = match go_kind(v) {
            GoKind::String => v.as_str().unwrap_or("").parse().unwrap_or(0),
            GoKind::Int64 => i64::try_from(v.clone()).unwrap_or(0),
            _ => 0,
        };
        Ok::<_, Error>(Value::from(duration_string(
            (n as i128 * 1_000_000_000).clamp(i64::MIN as i128, i64::MAX as i128),
        )))
    });
    env.add_function("f_durationRound", |args: Rest<Value>| {
        arity("durationRound", &args, 1)?;
        Ok::<_, Error>(Value::from(duration_round(&args[0])))
    });
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

    #[test]
    fn parses_and_prints_times() {
        let t =
            super::parse_time("2006-01-02T15:04:05Z07:00", "2021-03-04T05:06:07+02:00").unwrap();
        assert_eq!(t.to_string(), "2021-03-04 05:06:07 +0200 +0200");
        assert_eq!(t.secs, 1614827167);
        assert_eq!(
            t.in_utc().format("2006-01-02T15:04:05Z07:00"),
            "2021-03-04T03:06:07Z"
        );
        let d = super::parse_time("2006-01-02", "2021-03-04").unwrap();
        assert_eq!(d.to_string(), "2021-03-04 00:00:00 +0000 UTC");
        assert_eq!(
            d.format("Monday 002 Jan 2, 2006 3:04PM"),
            "Thursday 063 Mar 4, 2021 12:00AM"
        );
        let e = super::parse_time("2006-01-02", "bad").unwrap_err();
        assert_eq!(
            e,
            "parsing time \"bad\" as \"2006-01-02\": cannot parse \"bad\" as \"2006\""
        );
        assert!(super::parse_time("2006-01-02", "2021-02-30").is_err());
        assert_eq!(
            super::parse_time("2006-01-02 15:04", "2021-03-04 9:05")
                .unwrap()
                .secs,
            1614816000 + 9 * 3600 + 300
        );
        assert_eq!(
            super::parse_time("2006-01-02", "2021-13-01").unwrap_err(),
            "parsing time \"2021-13-01\": month out of range"
        );
        assert_eq!(
            super::parse_time("Jan _2 2006 MST", "Mar  4 2021 EST")
                .unwrap()
                .to_string(),
            "2021-03-04 00:00:00 +0000 EST"
        );
    }

    #[test]
    fn time_methods() {
        use minijinja::Value;
        let t = super::parse_time("2006-01-02", "2021-03-04").unwrap();
        let u = super::parse_time("2006-01-02", "2021-03-05").unwrap();
        let call = |n: &str, a: &[Value]| t.method(n, a).unwrap().to_string();
        assert_eq!(call("Year", &[]), "2021");
        assert_eq!(call("Weekday", &[]), "Thursday");
        assert_eq!(call("YearDay", &[]), "63");
        assert_eq!(call("Month", &[]), "March");
        assert_eq!(call("Unix", &[]), "1614816000");
        assert_eq!(call("Format", &[Value::from("Jan 2, 2006")]), "Mar 4, 2021");
        let uv = Value::from_object(u);
        assert_eq!(
            t.method("Before", std::slice::from_ref(&uv)).unwrap(),
            Value::from(true)
        );
        assert_eq!(call("Sub", &[uv]), "-24h0m0s");
        assert!(t.method("Year", &[Value::from(1)]).is_err());
        assert!(t.method("Nope", &[]).is_err());
    }

    #[test]
    fn extreme_times_do_not_panic() {
        for s in [i64::MAX, i64::MIN, 0, -1] {
            let t = super::GoTime::utc(s, 0);
            let _ = t.to_string();
            let _ = t.format("Monday January 2 2006 002 15:04:05.000 PM -07:00 MST");
            for m in ["Year", "YearDay", "Weekday", "Unix", "UnixNano", "Month"] {
                assert!(t.method(m, &[]).is_ok());
            }
        }
        assert!(super::parse_duration(&"9".repeat(100)).is_err());
        assert!(super::parse_duration("9999999999h").is_err());
        let _ = super::duration_string(i128::from(i64::MIN));
    }

    #[test]
    fn durations() {
        assert_eq!(
            super::parse_duration("-48h").unwrap(),
            -48 * 3_600_000_000_000
        );
        assert_eq!(super::parse_duration("1.5s").unwrap(), 1_500_000_000);
        assert!(super::parse_duration("tomorrow").is_err());
        assert_eq!(super::duration_string(1_500_000), "1.5ms");
        assert_eq!(super::duration_string(90061 * 1_000_000_000), "25h1m1s");
        assert_eq!(
            super::duration_round(&minijinja::Value::from("2h10m5s")),
            "2h"
        );
        assert_eq!(super::duration_round(&minijinja::Value::from(95)), "0s");
        assert_eq!(
            super::duration_round(&crate::render::govalue::int64_value(95_000_000_000)),
            "1m"
        );
    }
}

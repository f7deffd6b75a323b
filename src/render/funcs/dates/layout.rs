//! Go's reference-time layouts: formatting and `time.Parse`.

use super::*;

pub(crate) struct Fields {
    pub(crate) year: i64,
    pub(crate) month: u32,
    pub(crate) day: u32,
    pub(crate) hour: i64,
    pub(crate) min: i64,
    pub(crate) sec: i64,
    pub(crate) weekday: usize,
    pub(crate) yday: u32,
    pub(crate) nanos: u32,
    pub(crate) offset: i32,
    pub(crate) zone: String,
}

/// One element of a Go layout (`time.nextStdChunk`).
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Chunk {
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

pub(crate) fn chunks(layout: &str) -> Vec<Chunk> {
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

pub(crate) fn format_fields(layout: &str, f: &Fields) -> String {
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

pub(crate) fn quote(s: &str) -> String {
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
        // A clock field (hour, minute, second): `min_d`..2 digits below `limit`.
        let clock = |rest: &str, min_d: usize, limit: i64, what: &str| {
            let (v, n) = num(rest, min_d, 2).ok_or_else(|| perr(&elem, rest, ""))?;
            if v >= limit {
                return Err(range_err(what));
            }
            Ok((v, n))
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
                let (v, n) = clock(rest, 1, 24, "hour")?;
                hour = v;
                rest = &rest[n..];
            }
            Chunk::Hour12 | Chunk::ZeroHour12 => {
                let min_d = if *c == Chunk::ZeroHour12 { 2 } else { 1 };
                let (v, n) = clock(rest, min_d, 13, "hour")?;
                hour = v;
                rest = &rest[n..];
            }
            Chunk::Minute | Chunk::ZeroMinute => {
                let min_d = if *c == Chunk::ZeroMinute { 2 } else { 1 };
                let (v, n) = clock(rest, min_d, 60, "minute")?;
                min = v;
                rest = &rest[n..];
            }
            Chunk::Second | Chunk::ZeroSecond => {
                let min_d = if *c == Chunk::ZeroSecond { 2 } else { 1 };
                let (v, n) = clock(rest, min_d, 60, "second")?;
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
                // Minutes, then seconds, each optional, `:`-separated in
                // the colon layouts.
                let mut fields = [0, 0];
                for (field, wanted) in fields.iter_mut().zip([*mins, *secs]) {
                    if !wanted {
                        continue;
                    }
                    if *colon {
                        if bytes.get(p) != Some(&b':') {
                            return Err(perr(&elem, rest, ""));
                        }
                        p += 1;
                    }
                    let Some(v) = two(p) else {
                        return Err(perr(&elem, rest, ""));
                    };
                    *field = v;
                    p += 2;
                }
                let [mm, ss] = fields;
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

pub(crate) fn layout_text(c: &Chunk) -> String {
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

pub(crate) fn is_leap(y: i64) -> bool {
    (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
}

pub(crate) fn days_in(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

//! Date functions with Go's layouts and a `time.Time` value ([`GoTime`]):
//! Unix seconds, nanoseconds and a fixed zone (offset + abbreviation). The
//! local zone is UTC, as in the conformance environment.

use minijinja::value::Rest;
use minijinja::{Environment, Error, Value};

use super::args::{arity, fail, string};
use crate::render::types::{GoKind, go_kind, go_type_name};

mod duration;
mod layout;
#[cfg(test)]
mod tests;
mod time;

pub use duration::*;
pub use layout::*;
pub use time::*;

pub(crate) fn now() -> GoTime {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    GoTime::utc(d.as_secs() as i64, d.subsec_nanos())
}

/// Sprig's date argument: a time, or int/int64 Unix seconds; anything else is now.
pub(crate) fn time_arg(v: &Value) -> GoTime {
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
pub(crate) fn in_zone(t: &GoTime, zone: &str) -> GoTime {
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
/// A `time.Time` parameter.
pub(crate) fn time_param(v: &Value) -> Result<GoTime, Error> {
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

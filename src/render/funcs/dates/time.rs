//! `time.Time` as a template value: civil-date arithmetic and the [`GoTime`] object.

use std::fmt;
use std::sync::Arc;

use minijinja::value::{Object, ObjectRepr};
use minijinja::{Error, Value};

use super::*;
use crate::render::funcs::args::{arity, fail, string};
use crate::render::types::{GoKind, go_kind, go_type_name};

/// Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
pub(crate) fn civil(days: i64) -> (i64, u32, u32) {
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

pub(crate) fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

pub(crate) const MONTHS: [&str; 12] = [
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
pub(crate) const DAYS: [&str; 7] = [
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
pub(crate) const ZERO_SECS: i64 = -62135596800;

impl GoTime {
    pub fn utc(secs: i64, nanos: u32) -> GoTime {
        GoTime {
            secs,
            nanos,
            offset: 0,
            zone: "UTC".into(),
        }
    }

    pub(crate) fn in_utc(&self) -> GoTime {
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
        let want = |n: usize| arity(name, args, n);
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

    pub(crate) fn add_nanos(&self, d: i128) -> GoTime {
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

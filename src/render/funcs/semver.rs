//! Sprig semver: `semver` (a `*semver.Version` object with its methods) and
//! `semverCompare`.

use std::fmt;
use std::sync::Arc;

use minijinja::value::{Object, ObjectRepr, Rest};
use minijinja::{Environment, Error, Value};

use super::args::{arity, fail, string};
use crate::render::types::go_type_name;
use crate::semver_range::{Constraints, Version};

/// Masterminds `*semver.Version` as templates see it: prints as its
/// `String()`, fields are methods (`.Major`, `.Compare v`, `.IncMinor`, ...).
#[derive(Debug, Clone)]
pub struct SemVer(pub Version);

impl SemVer {
    fn text(&self) -> String {
        let v = &self.0;
        let mut s = format!("{}.{}.{}", v.major, v.minor, v.patch);
        if !v.pre.is_empty() {
            s.push('-');
            s.push_str(&v.pre);
        }
        if !v.build.is_empty() {
            s.push('+');
            s.push_str(&v.build);
        }
        s
    }

    fn v_prefix(&self) -> &'static str {
        if self.0.original.starts_with('v') {
            "v"
        } else {
            ""
        }
    }

    fn with_original(mut v: Version, prefix: &str) -> Value {
        let s = SemVer(v.clone()).text();
        v.original = format!("{prefix}{s}");
        Value::from_object(SemVer(v))
    }

    /// Calls the Go method `name`.
    pub fn method(&self, name: &str, args: &[Value]) -> Result<Value, Error> {
        let want = |n: usize| arity(name, args, n);
        let other = |i: usize| -> Result<Version, Error> {
            match args[i].downcast_object_ref::<SemVer>() {
                Some(o) => Ok(o.0.clone()),
                None => Err(fail(format!(
                    "wrong type for value; expected *semver.Version; got {}",
                    go_type_name(&args[i])
                ))),
            }
        };
        let v = &self.0;
        Ok(match name {
            "Major" | "Minor" | "Patch" => {
                want(0)?;
                let n = match name {
                    "Major" => v.major,
                    "Minor" => v.minor,
                    _ => v.patch,
                };
                Value::from(n)
            }
            "Prerelease" => {
                want(0)?;
                Value::from(v.pre.as_str())
            }
            "Metadata" => {
                want(0)?;
                Value::from(v.build.as_str())
            }
            "Original" => {
                want(0)?;
                Value::from(v.original.as_str())
            }
            "String" => {
                want(0)?;
                Value::from(self.text())
            }
            "IncPatch" | "IncMinor" | "IncMajor" => {
                want(0)?;
                let mut n = v.clone();
                let had_pre = !n.pre.is_empty();
                n.pre.clear();
                n.build.clear();
                match name {
                    "IncPatch" => {
                        if !had_pre {
                            n.patch += 1;
                        }
                    }
                    "IncMinor" => {
                        n.minor += 1;
                        n.patch = 0;
                    }
                    _ => {
                        n.major += 1;
                        n.minor = 0;
                        n.patch = 0;
                    }
                }
                Self::with_original(n, self.v_prefix())
            }
            "SetPrerelease" | "SetMetadata" => {
                want(1)?;
                let s = string(&args[0])?;
                let ok = s.is_empty()
                    || s.split('.').all(|id| {
                        !id.is_empty() && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                    });
                if !ok {
                    return Err(fail(if name == "SetPrerelease" {
                        "Invalid Prerelease string"
                    } else {
                        "Invalid Metadata string"
                    }));
                }
                let mut n = v.clone();
                if name == "SetPrerelease" {
                    n.pre = s;
                } else {
                    n.build = s;
                }
                Self::with_original(n, self.v_prefix())
            }
            "Compare" => {
                want(1)?;
                Value::from(v.compare(&other(0)?) as i64)
            }
            "LessThan" => {
                want(1)?;
                Value::from(v.compare(&other(0)?).is_lt())
            }
            "GreaterThan" => {
                want(1)?;
                Value::from(v.compare(&other(0)?).is_gt())
            }
            "Equal" => {
                want(1)?;
                Value::from(v.compare(&other(0)?).is_eq())
            }
            _ => {
                return Err(fail(format!(
                    "can't evaluate field {name} in type *semver.Version"
                )));
            }
        })
    }
}

impl Object for SemVer {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Plain
    }

    fn render(self: &Arc<Self>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}

/// Masterminds' `ErrInvalidSemVer`.
const INVALID: &str = "invalid semantic version";

pub fn register(env: &mut Environment<'static>) {
    env.add_function("f_semverCompare", |args: Rest<Value>| {
        arity("semverCompare", &args, 2)?;
        let c = Constraints::parse(&string(&args[0])?).map_err(|e| {
            // Masterminds quotes the offending constraint.
            match e.strip_prefix("improper constraint: ") {
                Some(c) if !c.starts_with('"') => fail(format!(
                    "improper constraint: {}",
                    crate::render::format::go_quote(c)
                )),
                _ => fail(e),
            }
        })?;
        let v = Version::parse(&string(&args[1])?).map_err(|_| fail(INVALID))?;
        Ok::<_, Error>(Value::from(c.check(&v)))
    });
    env.add_function("f_semver", |args: Rest<Value>| {
        arity("semver", &args, 1)?;
        let v = Version::parse(&string(&args[0])?).map_err(|_| fail(INVALID))?;
        Ok::<_, Error>(Value::from_object(SemVer(v)))
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sv(s: &str) -> SemVer {
        SemVer(Version::parse(s).unwrap())
    }

    #[test]
    fn prints_and_methods() {
        assert_eq!(sv("1.2").text(), "1.2.0");
        assert_eq!(sv("v1.2.3-rc.1+b").text(), "1.2.3-rc.1+b");
        let next = sv("1.2.3").method("IncMinor", &[]).unwrap();
        assert_eq!(next.to_string(), "1.3.0");
        let next = sv("1.2.3-rc").method("IncPatch", &[]).unwrap();
        assert_eq!(next.to_string(), "1.2.3");
        let other = Value::from_object(sv("1.3.0"));
        assert_eq!(
            sv("1.2.3").method("Compare", &[other]).unwrap(),
            Value::from(-1)
        );
        assert_eq!(sv("1.2.3").method("Major", &[]).unwrap(), Value::from(1u64));
        assert!(sv("1.2.3").method("Compare", &[]).is_err());
        assert!(
            sv("1.2.3")
                .method("Compare", &[Value::from("1.0.0")])
                .is_err()
        );
    }
}

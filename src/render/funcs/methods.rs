//! Go values with methods that library functions return (`*semver.Version`,
//! `time.Time`): the runtime calls [`call`] for `.Name args` on them.

use minijinja::{Error, Value};

use super::dates::GoTime;
use super::semver::SemVer;

/// Whether `.Name` on the value is a Go method call handled here.
pub fn has_methods(v: &Value) -> bool {
    v.downcast_object_ref::<SemVer>().is_some() || v.downcast_object_ref::<GoTime>().is_some()
}

/// Calls the Go method `name` of a value with methods (`None`: not one).
pub fn call(v: &Value, name: &str, args: &[Value]) -> Option<Result<Value, Error>> {
    if let Some(s) = v.downcast_object_ref::<SemVer>() {
        return Some(s.method(name, args));
    }
    if let Some(t) = v.downcast_object_ref::<GoTime>() {
        return Some(t.method(name, args));
    }
    None
}

//! Sprig semver: `semver` (a version object) and `semverCompare`.

use std::collections::BTreeMap;

use minijinja::value::Rest;
use minijinja::{Environment, Error, Value};

use super::args::{arity, fail, string};
use crate::render::govalue::{int64_value, new_map};
use crate::semver_range::{Constraints, Version};

pub fn register(env: &mut Environment<'static>) {
    env.add_function("f_semverCompare", |args: Rest<Value>| {
        arity("semverCompare", &args, 2)?;
        let c = Constraints::parse(&string(&args[0])?).map_err(fail)?;
        let v = Version::parse(&string(&args[1])?).map_err(fail)?;
        Ok::<_, Error>(Value::from(c.check(&v)))
    });
    env.add_function("f_semver", |args: Rest<Value>| {
        arity("semver", &args, 1)?;
        let v = Version::parse(&string(&args[0])?).map_err(fail)?;
        let mut m = BTreeMap::new();
        m.insert("Major".to_string(), int64_value(v.major as i64));
        m.insert("Minor".to_string(), int64_value(v.minor as i64));
        m.insert("Patch".to_string(), int64_value(v.patch as i64));
        m.insert("Prerelease".to_string(), Value::from(v.pre.clone()));
        m.insert("Metadata".to_string(), Value::from(v.build.clone()));
        m.insert("Original".to_string(), Value::from(v.original.clone()));
        Ok::<_, Error>(new_map(m))
    });
}

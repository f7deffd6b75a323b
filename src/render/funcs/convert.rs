//! Sprig conversions: atoi int int64 float64 toDecimal.

use minijinja::value::Rest;
use minijinja::{Environment, Error, Value};

use super::args::{arity, string, to_f64, to_i64};
use crate::render::govalue::int64_value;

pub fn register(env: &mut Environment<'static>) {
    env.add_function("f_atoi", |args: Rest<Value>| {
        arity("atoi", &args, 1)?;
        Ok::<_, Error>(Value::from(string(&args[0])?.parse::<i64>().unwrap_or(0)))
    });
    env.add_function("f_int", |args: Rest<Value>| {
        arity("int", &args, 1)?;
        Ok::<_, Error>(Value::from(to_i64(&args[0])))
    });
    env.add_function("f_int64", |args: Rest<Value>| {
        arity("int64", &args, 1)?;
        Ok::<_, Error>(int64_value(to_i64(&args[0])))
    });
    env.add_function("f_float64", |args: Rest<Value>| {
        arity("float64", &args, 1)?;
        Ok::<_, Error>(Value::from(to_f64(&args[0])))
    });
    env.add_function("f_toDecimal", |args: Rest<Value>| {
        arity("toDecimal", &args, 1)?;
        let s = super::args::strval(&args[0]);
        Ok::<_, Error>(int64_value(i64::from_str_radix(&s, 8).unwrap_or(0)))
    });
}

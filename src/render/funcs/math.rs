//! Sprig math: int64 arithmetic through `cast.ToInt64`, float64 through `cast.ToFloat64`.

use minijinja::value::Rest;
use minijinja::{Environment, Error, Value};

use super::args::{arity, arity_min, fail, list, to_f64, to_i64};
use crate::render::govalue::int64_value;

fn ints(args: &[Value]) -> Vec<i64> {
    args.iter().map(to_i64).collect()
}

pub fn register(env: &mut Environment<'static>) {
    env.add_function("f_add1", |args: Rest<Value>| {
        arity("add1", &args, 1)?;
        Ok::<_, Error>(int64_value(to_i64(&args[0]).wrapping_add(1)))
    });
    env.add_function("f_add", |args: Rest<Value>| {
        Ok::<_, Error>(int64_value(
            ints(&args).iter().fold(0i64, |a, b| a.wrapping_add(*b)),
        ))
    });
    env.add_function("f_sub", |args: Rest<Value>| {
        arity("sub", &args, 2)?;
        Ok::<_, Error>(int64_value(to_i64(&args[0]).wrapping_sub(to_i64(&args[1]))))
    });
    env.add_function("f_mul", |args: Rest<Value>| {
        arity_min("mul", &args, 1)?;
        Ok::<_, Error>(int64_value(
            ints(&args).iter().fold(1i64, |a, b| a.wrapping_mul(*b)),
        ))
    });
    env.add_function("f_div", |args: Rest<Value>| {
        arity("div", &args, 2)?;
        let b = to_i64(&args[1]);
        if b == 0 {
            return Err(fail("runtime error: integer divide by zero"));
        }
        Ok::<_, Error>(int64_value(to_i64(&args[0]).wrapping_div(b)))
    });
    env.add_function("f_mod", |args: Rest<Value>| {
        arity("mod", &args, 2)?;
        let b = to_i64(&args[1]);
        if b == 0 {
            return Err(fail("runtime error: integer divide by zero"));
        }
        Ok::<_, Error>(int64_value(to_i64(&args[0]).wrapping_rem(b)))
    });
    for name in ["max", "biggest"] {
        env.add_function(format!("f_{name}"), move |args: Rest<Value>| {
            arity_min(name, &args, 1)?;
            Ok::<_, Error>(int64_value(ints(&args).into_iter().max().unwrap_or(0)))
        });
    }
    env.add_function("f_min", |args: Rest<Value>| {
        arity_min("min", &args, 1)?;
        Ok::<_, Error>(int64_value(ints(&args).into_iter().min().unwrap_or(0)))
    });
    let floats = |args: &[Value]| -> Vec<f64> { args.iter().map(to_f64).collect() };
    env.add_function("f_add1f", move |args: Rest<Value>| {
        arity("add1f", &args, 1)?;
        Ok::<_, Error>(Value::from(to_f64(&args[0]) + 1.0))
    });
    env.add_function("f_addf", move |args: Rest<Value>| {
        Ok::<_, Error>(Value::from(floats(&args).iter().sum::<f64>()))
    });
    env.add_function("f_subf", move |args: Rest<Value>| {
        arity_min("subf", &args, 1)?;
        let f = floats(&args);
        Ok::<_, Error>(Value::from(f[1..].iter().fold(f[0], |a, b| a - b)))
    });
    env.add_function("f_mulf", move |args: Rest<Value>| {
        arity_min("mulf", &args, 1)?;
        Ok::<_, Error>(Value::from(floats(&args).iter().product::<f64>()))
    });
    env.add_function("f_divf", move |args: Rest<Value>| {
        arity_min("divf", &args, 1)?;
        let f = floats(&args);
        Ok::<_, Error>(Value::from(f[1..].iter().fold(f[0], |a, b| a / b)))
    });
    env.add_function("f_maxf", move |args: Rest<Value>| {
        arity_min("maxf", &args, 1)?;
        Ok::<_, Error>(Value::from(
            floats(&args).into_iter().fold(f64::NEG_INFINITY, f64::max),
        ))
    });
    env.add_function("f_minf", move |args: Rest<Value>| {
        arity_min("minf", &args, 1)?;
        Ok::<_, Error>(Value::from(
            floats(&args).into_iter().fold(f64::INFINITY, f64::min),
        ))
    });
    env.add_function("f_ceil", |args: Rest<Value>| {
        arity("ceil", &args, 1)?;
        Ok::<_, Error>(Value::from(to_f64(&args[0]).ceil()))
    });
    env.add_function("f_floor", |args: Rest<Value>| {
        arity("floor", &args, 1)?;
        Ok::<_, Error>(Value::from(to_f64(&args[0]).floor()))
    });
    env.add_function("f_round", |args: Rest<Value>| {
        arity_min("round", &args, 2)?;
        let x = to_f64(&args[0]);
        let places = to_i64(&args[1]);
        let round_on = args.get(2).map(to_f64).unwrap_or(0.5);
        let pow = 10f64.powi(places as i32);
        let digit = pow * x;
        let (int, frac) = (digit.trunc(), digit.fract());
        let r = if frac.abs() >= round_on {
            int + frac.signum()
        } else {
            int
        };
        Ok::<_, Error>(Value::from(r / pow))
    });
    let _ = list;
}

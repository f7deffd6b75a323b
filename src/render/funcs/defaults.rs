//! Sprig defaults: default empty coalesce all any compact ternary.

use minijinja::value::Rest;
use minijinja::{Environment, Error, Value};

use super::args::{arity, arity_min, is_empty};

pub fn register(env: &mut Environment<'static>) {
    env.add_function("f_default", |args: Rest<Value>| {
        arity_min("default", &args, 1)?;
        // `default D` with no piped value: the value is missing (nil).
        let given = args.get(1).cloned().unwrap_or(Value::from(()));
        Ok::<_, Error>(if is_empty(&given) {
            args[0].clone()
        } else {
            given
        })
    });
    env.add_function("f_empty", |args: Rest<Value>| {
        arity("empty", &args, 1)?;
        Ok::<_, Error>(Value::from(is_empty(&args[0])))
    });
    env.add_function("f_coalesce", |args: Rest<Value>| {
        Ok::<_, Error>(
            args.iter()
                .find(|v| !is_empty(v))
                .cloned()
                .unwrap_or(Value::from(())),
        )
    });
    env.add_function("f_all", |args: Rest<Value>| {
        Ok::<_, Error>(Value::from(args.iter().all(|v| !is_empty(v))))
    });
    env.add_function("f_any", |args: Rest<Value>| {
        Ok::<_, Error>(Value::from(args.iter().any(|v| !is_empty(v))))
    });
    env.add_function("f_ternary", |args: Rest<Value>| {
        arity("ternary", &args, 3)?;
        let cond = match args[2].kind() {
            minijinja::value::ValueKind::Bool => args[2].is_true(),
            _ => {
                return Err(super::args::fail(format!(
                    "wrong type for value; expected bool; got {}",
                    crate::render::types::go_type_name(&args[2])
                )));
            }
        };
        Ok::<_, Error>(if cond {
            args[0].clone()
        } else {
            args[1].clone()
        })
    });
}

//! Sprig reflection: typeOf typeIs typeIsLike kindOf kindIs deepEqual.

use minijinja::value::Rest;
use minijinja::{Environment, Error, Value};

use super::args::{arity, deep_equal, string};
use crate::render::types::{go_kind_name, go_type_name};

pub fn register(env: &mut Environment<'static>) {
    env.add_function("f_typeOf", |args: Rest<Value>| {
        arity("typeOf", &args, 1)?;
        Ok::<_, Error>(Value::from(go_type_name(&args[0])))
    });
    env.add_function("f_kindOf", |args: Rest<Value>| {
        arity("kindOf", &args, 1)?;
        Ok::<_, Error>(Value::from(go_kind_name(&args[0])))
    });
    env.add_function("f_typeIs", |args: Rest<Value>| {
        arity("typeIs", &args, 2)?;
        Ok::<_, Error>(Value::from(string(&args[0])? == go_type_name(&args[1])))
    });
    env.add_function("f_typeIsLike", |args: Rest<Value>| {
        arity("typeIsLike", &args, 2)?;
        let t = string(&args[0])?;
        let actual = go_type_name(&args[1]);
        Ok::<_, Error>(Value::from(t == actual || format!("*{t}") == actual))
    });
    env.add_function("f_kindIs", |args: Rest<Value>| {
        arity("kindIs", &args, 2)?;
        Ok::<_, Error>(Value::from(string(&args[0])? == go_kind_name(&args[1])))
    });
    env.add_function("f_deepEqual", |args: Rest<Value>| {
        arity("deepEqual", &args, 2)?;
        Ok::<_, Error>(Value::from(deep_equal(&args[0], &args[1])))
    });
}

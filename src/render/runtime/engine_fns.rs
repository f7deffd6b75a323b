//! The functions that need the chart's render state: `include`,
//! `template` (the action), `required`, `fail`, `lookup`.
//! (`tpl` lives in the engine because it compiles templates at run time.)

use std::cell::RefCell;

use minijinja::value::Rest;
use minijinja::{Environment, Error, ErrorKind, State, Value};

use super::loc::{self, FAIL_END, FAIL_START};
use super::{LIMIT_MARK, done_error, str_arg, truth};
use crate::render::NameMap;
use crate::render::funcs::args::arity;
use crate::render::govalue;

/// Helm's limit on nested includes of one name (`recursionMaxNums`).
pub const MAX_INCLUDE_DEPTH: usize = 1000;

/// Loads the macro of a define not yet in a state's table (the engine
/// compiles defines on first call): `None` when no define has that name.
pub type LoadDefine =
    std::sync::Arc<dyn Fn(&mut State, &str) -> Result<Option<Value>, Error> + Send + Sync>;

/// Every define visible in a render state: Go name -> macro.
#[derive(Default, Clone)]
pub struct MacroTable {
    pub macros: NameMap<String, Value>,
    /// Fills `macros` on demand.
    pub load: Option<LoadDefine>,
    /// Name of the root template set, as Go error messages show it.
    pub root_name: String,
    /// `missingkey=error`: missing map keys are errors.
    pub strict: bool,
}

thread_local! {
    /// Helm's `includedNames`: how deep each name is currently included.
    static INCLUDED: RefCell<NameMap<String, usize>> = RefCell::new(NameMap::default());
    static MAX_DEPTH: RefCell<usize> = const { RefCell::new(MAX_INCLUDE_DEPTH) };
}

/// Resets the include counters at the start of a chart render.
pub fn reset_render_counters(max_depth: usize) {
    INCLUDED.with(|m| m.borrow_mut().clear());
    MAX_DEPTH.with(|d| *d.borrow_mut() = max_depth);
}

fn lookup_macro(state: &mut State, name: &str) -> Result<Option<Value>, Error> {
    let Some(table) = state.get_extension::<MacroTable>() else {
        return Ok(None);
    };
    if let Some(mac) = table.macros.get(name) {
        return Ok(Some(mac.clone()));
    }
    let Some(load) = table.load.clone() else {
        return Ok(None);
    };
    let mac = load(state, name)?;
    if let (Some(mac), Some(table)) = (&mac, state.get_extension_mut::<MacroTable>()) {
        table.macros.insert(name.to_string(), mac.clone());
    }
    Ok(mac)
}

fn root_name(state: &State) -> String {
    state
        .get_extension::<MacroTable>()
        .map(|t| t.root_name.clone())
        .unwrap_or_else(|| "gotpl".to_string())
}

/// Runs the define `name` with `dot`, counting nesting like Helm.
fn run_define(state: &mut State, name: &str, mac: Value, dot: Value) -> Result<Value, Error> {
    let max = MAX_DEPTH.with(|d| *d.borrow());
    let depth = INCLUDED.with(|m| {
        let mut m = m.borrow_mut();
        match m.get_mut(name) {
            Some(e) => {
                *e += 1;
                *e
            }
            None => {
                m.insert(name.to_string(), 1);
                1
            }
        }
    });
    let result = if depth > max {
        Err(Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "{}{LIMIT_MARK}rendering template has a nested reference name: {name}: unable to execute template",
                loc::DONE
            ),
        ))
    } else {
        mac.call(state, &[dot]).map(|v| match v.as_str() {
            // A tree's text (see `pipeline::TreeMacro`) as it is; the safe
            // string a macro returns as a plain one.
            Some(_) if !v.is_safe() => v,
            Some(s) => Value::from(s),
            None => Value::from(v.to_string()),
        })
    };
    INCLUDED.with(|m| {
        if let Some(e) = m.borrow_mut().get_mut(name) {
            *e = e.saturating_sub(1);
        }
    });
    result
}

fn include(state: &mut State, args: Rest<Value>) -> Result<Value, Error> {
    arity("include", &args, 2)?;
    let name = str_arg(&args[0])?;
    let Some(mac) = lookup_macro(state, name)? else {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "template: no template {:?} associated with template {:?}",
                name,
                root_name(state)
            ),
        ));
    };
    run_define(state, name, mac, args[1].clone())
}

/// `{{ template "name" dot }}`: errors inside pass through unchanged.
pub(super) fn template(
    state: &mut State,
    location: &str,
    name: &str,
    dot: Value,
) -> Result<Value, Error> {
    let Some(mac) = lookup_macro(state, name)? else {
        return Err(done_error(
            loc::decode(&loc::resolve(state, location))
                .exec_error(&format!("template {name:?} not defined")),
        ));
    };
    run_define(state, name, mac, dot)
}

fn fail_error(msg: &str) -> Error {
    Error::new(
        ErrorKind::InvalidOperation,
        format!("{FAIL_START}{msg}{FAIL_END}"),
    )
}

fn fail(args: Rest<Value>) -> Result<Value, Error> {
    arity("fail", &args, 1)?;
    Err(fail_error(str_arg(&args[0])?))
}

fn required(args: Rest<Value>) -> Result<Value, Error> {
    arity("required", &args, 2)?;
    let msg = str_arg(&args[0])?;
    let v = &args[1];
    let missing = v.is_none() || v.is_undefined() || v.as_str() == Some("");
    if missing {
        return Err(fail_error(msg));
    }
    Ok(v.clone())
}

fn lookup(args: Rest<Value>) -> Result<Value, Error> {
    arity("lookup", &args, 4)?;
    for a in args.iter() {
        str_arg(a)?;
    }
    Ok(govalue::new_map(Default::default()))
}

/// Go's `call`: this dialect has no function values, so the first argument
/// is never callable.
fn call(args: Rest<Value>) -> Result<Value, Error> {
    let Some(first) = args.first() else {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            "wrong number of args for call: want at least 1 got 0",
        ));
    };
    if first.is_none() || first.is_undefined() {
        return Err(Error::new(ErrorKind::InvalidOperation, "call of nil"));
    }
    Err(Error::new(
        ErrorKind::InvalidOperation,
        format!(
            "non-function {} of type {}",
            crate::render::format::go_string(first),
            super::go_type(first)
        ),
    ))
}

/// `and`/`or` used as values (e.g. `call`) are compiled inline; these are
/// only reached through `f__call` with evaluated arguments.
fn and_or(is_and: bool, args: &[Value]) -> Result<Value, Error> {
    let name = if is_and { "and" } else { "or" };
    if args.is_empty() {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("wrong number of args for {name}: want at least 1 got 0"),
        ));
    }
    for a in &args[..args.len() - 1] {
        if truth(a) != is_and {
            return Ok(a.clone());
        }
    }
    Ok(args[args.len() - 1].clone())
}

/// Registers `include`, `required`, `fail`, `lookup`, `call` and the
/// `template` action helper.
pub fn register(env: &mut Environment<'static>) {
    crate::register_fn!(env, "include", include);
    crate::register_fn!(env, "required", required);
    crate::register_fn!(env, "fail", fail);
    crate::register_fn!(env, "lookup", lookup);
    crate::register_fn!(env, "call", call);
    crate::register_fn!(env, "and", |args: Rest<Value>| and_or(true, &args));
    crate::register_fn!(env, "or", |args: Rest<Value>| and_or(false, &args));
    env.add_filter("f__template", template);
    // `template` with the unit's own dot.
    env.add_filter(
        "f__dtemplate",
        |state: &mut State, location: &str, name: &str| {
            let dot = super::unit_dot(state);
            template(state, location, name, dot)
        },
    );
}

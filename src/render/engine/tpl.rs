//! Helm's `tpl`: template text compiled once per engine (by text) and run
//! in a fresh render state with the chart's defines plus its own.

use std::sync::Arc;

use minijinja::{Error, ErrorKind, State, Value};

use super::units::{LOAD_MACRO, LoadMacro, define_loader};
use super::{Shared, compile_located, rebuilt, without_no_value};
use crate::render::NameMap;
use crate::render::compile::{CompiledMacro, compile_file};
use crate::render::funcs::args::arity;
use crate::render::runtime::{self, FunctionTable, engine_fns::MacroTable, loc};

pub(super) const TPL_PREFIX: &str = "\u{0}tpl:";
/// Nested `tpl` calls allowed (each runs in its own minijinja state).
const MAX_TPL_DEPTH: usize = 200;

/// A compiled `tpl` text.
pub(super) struct TplUnit {
    pub(super) source: String,
    body: CompiledMacro,
    defines: Vec<CompiledMacro>,
}

thread_local! {
    static TPL_DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Helm's `tpl`: compiles the text (cached) and runs it with the chart's
/// defines plus its own, in a fresh state; `<no value>` is removed.
pub(super) fn tpl(state: &mut State, shared: &Arc<Shared>, args: &[Value]) -> Result<Value, Error> {
    arity("tpl", args, 2)?;
    let text = runtime::str_arg(&args[0])?;
    if memchr::memmem::find(text.as_bytes(), b"{{").is_none() {
        // Text without an action executes to itself (Bitnami's
        // `common.tplvalues.render` sends every value through `tpl`).
        return Ok(Value::from(without_no_value(text.to_string())));
    }
    let unit_id = tpl_unit(shared, text);
    let unit = {
        let units = shared.tpl_units.lock().unwrap_or_else(|e| e.into_inner());
        units.get(unit_id).cloned()
    };
    let unit = match unit {
        Some(Ok(u)) => u,
        Some(Err(msg)) => {
            return Err(Error::new(
                ErrorKind::InvalidOperation,
                format!("cannot parse template {text:?}: {msg}"),
            ));
        }
        None => return Err(Error::new(ErrorKind::InvalidOperation, "tpl cache lost")),
    };
    let depth = TPL_DEPTH.with(|d| d.get());
    if depth >= MAX_TPL_DEPTH {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "{}{}tpl nested more than {MAX_TPL_DEPTH} levels deep",
                loc::DONE,
                runtime::LIMIT_MARK
            ),
        ));
    }
    let strict = state
        .get_extension::<MacroTable>()
        .map(|t| t.strict)
        .unwrap_or(false);
    let function_table = state.get_extension::<FunctionTable>().map(|f| f.0.clone());
    let env = state.env();
    let tmpl = env.get_template(&format!("{TPL_PREFIX}{unit_id}"))?;
    TPL_DEPTH.with(|d| d.set(depth + 1));
    let result = (|| {
        let mut captured = tmpl.render_captured(())?;
        captured.with_state_mut(|st| {
            // The unit's own defines; chart defines and bodies load on first
            // call (importing the whole chart template into every `tpl`
            // state cost more than most `tpl` texts).
            if let Some(load) = st.lookup("f__load") {
                st.get_or_insert_extension(LoadMacro(load));
            }
            let mut macros = NameMap::default();
            for d in &unit.defines {
                let in_chart = macros.contains_key(&d.name)
                    || shared.chart_macros.contains_key(&d.name)
                    || shared.lazy.contains_key(&d.name);
                if d.empty && in_chart {
                    continue;
                }
                if let Some(m) = st.lookup(&d.ident) {
                    macros.insert(d.name.clone(), m);
                }
            }
            *st.get_or_insert_extension(MacroTable::default()) = MacroTable {
                macros,
                load: Some(define_loader(shared)),
                root_name: "gotpl".to_string(),
                strict,
            };
            st.get_or_insert_extension(loc::Table(shared.locations.clone()));
            if let Some(table) = &function_table {
                st.get_or_insert_extension(FunctionTable(table.clone()));
            }
            let body = st.lookup(&unit.body.ident).unwrap_or_default();
            body.call(st, &[args[1].clone()])
        })
    })();
    TPL_DEPTH.with(|d| d.set(depth));
    match result {
        Ok(v) => Ok(Value::from(without_no_value(
            v.as_str().unwrap_or_default().to_string(),
        ))),
        Err(e) if runtime::is_limit_error(&e) => Err(e),
        Err(e) => {
            let msg = runtime::error_text(&e);
            if msg.contains(loc::FAIL_START) {
                return Err(e);
            }
            Err(Error::new(
                ErrorKind::InvalidOperation,
                format!(
                    "error during tpl function execution for {text:?}: {}",
                    loc::strip(&msg)
                ),
            ))
        }
    }
}

/// Compiles `text` once per engine; returns its unit index.
fn tpl_unit(shared: &Arc<Shared>, text: &str) -> usize {
    if let Some(i) = shared
        .tpl_index
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .get(text)
    {
        return *i;
    }
    let is_function = |name: &str| shared.functions.contains(name);
    let unit = (shared.parser)("gotpl", text, &is_function).map(|ast| {
        let mut source = String::from(LOAD_MACRO);
        let compiled = compile_located(
            &shared.locations,
            |locs| compile_file(&ast, text, TPL_UNIT, &mut 0, &mut source, locs),
            rebuild_tpl_locations(shared, text),
        );
        Arc::new(TplUnit {
            source,
            body: compiled.body,
            defines: compiled.defines,
        })
    });
    let mut units = shared.tpl_units.lock().unwrap_or_else(|e| e.into_inner());
    units.push(unit);
    let id = units.len() - 1;
    shared
        .tpl_index
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(text.to_string(), id);
    id
}

/// The template name and identifier prefix of `tpl` text.
const TPL_UNIT: (&str, &str) = ("gotpl", "t");

/// Rebuilds the location texts of a `tpl` text.
fn rebuild_tpl_locations(shared: &Shared, text: &str) -> loc::Rebuild {
    let (parser, functions, text) = (shared.parser, shared.functions.clone(), text.to_string());
    rebuilt(move |locs| {
        let is_function = |f: &str| functions.contains(f);
        if let Ok(ast) = parser(TPL_UNIT.0, &text, &is_function) {
            compile_file(&ast, &text, TPL_UNIT, &mut 0, &mut String::new(), locs);
        }
    })
}

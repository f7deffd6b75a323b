//! Defines and deferred branches compiled on their first call: each
//! becomes its own small minijinja template (served by the engine's loader
//! from `Shared::unloaded`) and is imported into the state that calls it.

use std::sync::Arc;

use minijinja::{Error, ErrorKind, State, Value};

use super::{CHART, EMITTED, Shared, compile_located, rebuilt};
use crate::render::NameMap;
use crate::render::ast::{Define, TemplateFile};
use crate::render::compile::{
    CompiledMacro, Deferral, Locations, TreeBody, compile_block, compile_define,
};
use crate::render::defer::Block;
use crate::render::runtime::pipeline::TreeMacro;
use crate::render::runtime::{engine_fns, loc};

/// A chart define, compiled on its first call (see [`load_define`]).
pub(super) struct LazyDefine {
    pub(super) define: DefineTree,
    /// The file it comes from (errors name it), that file's text and its
    /// newline offsets (see `compile::newline_index`).
    pub(super) file: String,
    pub(super) source: Arc<str>,
    pub(super) newlines: Arc<[usize]>,
}

/// The tree of a define: its own, or a define of a file tree shared with
/// other engines (see `parse_cache`), which is alive anyway.
pub(super) enum DefineTree {
    Own(Define),
    Shared(Arc<TemplateFile>, usize),
}

impl DefineTree {
    fn get(&self) -> &Define {
        match self {
            DefineTree::Own(define) => define,
            DefineTree::Shared(file, index) => &file.defines[*index],
        }
    }
}

/// A define or block compiled on first call: its macro's identifier (its
/// code waits in `Shared::unloaded` until minijinja loads it).
pub(super) struct DefineUnit {
    pub(super) ident: String,
    /// A define printed by one tree runs it directly (its code is not
    /// kept: nothing loads it).
    pub(super) tree: Option<TreeBody>,
}

/// Template names of defines compiled on first call: the prefix, then the
/// Go name.
pub(super) const DEFINE_PREFIX: &str = "\u{0}define:";
/// The temp where `f__adopt` leaves the module `f__load` imported.
pub(super) const ADOPTED: &str = "\u{0}adopted";
/// Imports a define's template (or a part of the chart template) into the
/// state that runs it (macros can only be called in the state that imported
/// them). The chart template and every `tpl` unit define it; a name without
/// a leading `_`, which import would not export.
pub(super) const LOAD_MACRO: &str =
    "{% macro f__load(t) %}{% import t as m %}{{ f__adopt(m) }}{% endmacro %}";

/// The state's `f__load` macro, looked up at the top of the state (the
/// macros that call `include` do not see it).
pub(super) struct LoadMacro(pub(super) Value);

/// Compiles a define on its first call; the engine and the rebuild of its
/// locations make the same call.
pub(super) fn compile_lazy(
    lazy: &LazyDefine,
    counter: &mut usize,
    out: &mut String,
    locations: &mut Locations,
    defer: (bool, Option<&mut Vec<Arc<Block>>>),
) -> CompiledMacro {
    let source = (&*lazy.source, &*lazy.newlines);
    let defer = deferral(defer, &lazy.source, &lazy.newlines);
    compile_define(
        lazy.define.get(),
        source,
        (&lazy.file, "d"),
        counter,
        out,
        locations,
        defer,
    )
}

/// Deferral for a unit with this text when `on`, new blocks into `sink`
/// (`None`: a rebuild, whose code is discarded).
pub(super) fn deferral<'s>(
    (on, sink): (bool, Option<&'s mut Vec<Arc<Block>>>),
    source: &Arc<str>,
    newlines: &Arc<[usize]>,
) -> Option<Deferral<'s>> {
    on.then(|| Deferral {
        source: source.clone(),
        newlines: newlines.clone(),
        sink,
    })
}

/// Rebuilds the location texts of a define compiled on first call.
fn rebuild_define_locations(lazy: &Arc<LazyDefine>, defer: bool) -> loc::Rebuild {
    let lazy = lazy.clone();
    rebuilt(move |locs| {
        compile_lazy(&lazy, &mut 0, &mut String::new(), locs, (defer, None));
    })
}

/// Rebuilds the location texts of a deferred block.
fn rebuild_block_locations(block: &Arc<Block>, id: usize) -> loc::Rebuild {
    let block = block.clone();
    rebuilt(move |locs| {
        compile_block(&block, id, &mut 0, &mut String::new(), locs, None);
    })
}

/// Template names of deferred blocks: the prefix, then the block's id.
pub(super) const BLOCK_PREFIX: &str = "\u{0}block:";

/// The block macros a state has imported, by id.
#[derive(Default)]
struct BlockMacros(NameMap<usize, Value>);

/// `id|f__block(...)`: runs deferred block `id` with the caller's values
/// of its parameters; the block is compiled on its first run in the
/// engine and imported on its first run in a state.
pub(super) fn run_block(
    state: &mut State,
    shared: &Shared,
    id: usize,
    args: &[Value],
) -> Result<Value, Error> {
    let cached = state
        .get_extension::<BlockMacros>()
        .and_then(|b| b.0.get(&id).cloned());
    let mac = match cached {
        Some(mac) => mac,
        None => {
            let unit = block_unit(shared, id)?;
            let mac = import_macro(state, &format!("{BLOCK_PREFIX}{id}"), &unit.ident)?
                .ok_or_else(|| {
                    Error::new(ErrorKind::InvalidOperation, "internal error: block lost")
                })?;
            state
                .get_or_insert_extension(BlockMacros::default())
                .0
                .insert(id, mac.clone());
            mac
        }
    };
    let out = mac.call(state, args)?;
    // The caller prints the block's text again: count it there only.
    if let Some(text) = out.as_str() {
        EMITTED.with(|e| e.set(e.get().saturating_sub(text.len())));
    }
    Ok(out)
}

/// Block `id` compiled (once per engine); its own deferred branches join
/// the engine's blocks.
fn block_unit(shared: &Shared, id: usize) -> Result<Arc<DefineUnit>, Error> {
    let mut units = shared.block_units.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(unit) = units.get(&id) {
        return Ok(unit.clone());
    }
    let mut blocks = shared.blocks.lock().unwrap_or_else(|e| e.into_inner());
    let block = blocks
        .get(id)
        .cloned()
        .ok_or_else(|| Error::new(ErrorKind::InvalidOperation, "internal error: no such block"))?;
    let unit = compile_unit(
        shared,
        format!("{BLOCK_PREFIX}{id}"),
        |counter, source, locs| compile_block(&block, id, counter, source, locs, Some(&mut blocks)),
        rebuild_block_locations(&block, id),
    );
    units.insert(id, unit.clone());
    Ok(unit)
}

/// Compiles a define or block on its first call: its code waits in
/// `unloaded` under `template` for the loader; its locations join the table.
fn compile_unit(
    shared: &Shared,
    template: String,
    compile: impl FnOnce(&mut usize, &mut String, &mut Locations) -> CompiledMacro,
    rebuild: loc::Rebuild,
) -> Arc<DefineUnit> {
    let (mut source, mut counter) = (String::new(), 0);
    let compiled = compile_located(
        &shared.locations,
        |locs| compile(&mut counter, &mut source, locs),
        rebuild,
    );
    if compiled.tree.is_none() {
        shared
            .unloaded
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(template, source);
    }
    Arc::new(DefineUnit {
        ident: compiled.ident,
        tree: compiled.tree,
    })
}

/// The `MacroTable` hook that loads chart defines on first call.
pub(super) fn define_loader(shared: &Arc<Shared>) -> engine_fns::LoadDefine {
    let shared = shared.clone();
    Arc::new(move |state: &mut State, name: &str| load_define(&shared, state, name))
}

/// The macro of the chart define `name` in `state`: compiled once per
/// engine, imported once per state (`None` when the chart has no such define).
fn load_define(shared: &Shared, state: &mut State, name: &str) -> Result<Option<Value>, Error> {
    let Some(lazy) = shared.lazy.get(name) else {
        // A template body named from `tpl` text: its part of the chart
        // template is imported on demand (tpl states do not import them all).
        let Some(body) = shared.chart_macros.get(name) else {
            return Ok(None);
        };
        return import_macro(state, &format!("{CHART}/{}", body.part), &body.ident);
    };
    let unit = {
        let mut units = shared
            .define_units
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        units
            .entry(name.to_string())
            .or_insert_with(|| {
                let mut blocks = shared.blocks.lock().unwrap_or_else(|e| e.into_inner());
                compile_unit(
                    shared,
                    format!("{DEFINE_PREFIX}{name}"),
                    |counter, source, locs| {
                        let defer = (shared.defer_branches, Some(&mut *blocks));
                        compile_lazy(lazy, counter, source, locs, defer)
                    },
                    rebuild_define_locations(lazy, shared.defer_branches),
                )
            })
            .clone()
    };
    if let Some(tree) = unit.tree {
        return Ok(Some(Value::from_object(TreeMacro(tree))));
    }
    import_macro(state, &format!("{DEFINE_PREFIX}{name}"), &unit.ident)
}

/// The macro `ident` of the template `template`, imported into `state` by
/// its `f__load` macro.
pub(super) fn import_macro(
    state: &mut State,
    template: &str,
    ident: &str,
) -> Result<Option<Value>, Error> {
    let load = state
        .get_extension::<LoadMacro>()
        .map(|l| l.0.clone())
        .ok_or_else(|| Error::new(ErrorKind::InvalidOperation, "internal error: no f__load"))?;
    load.call(state, &[Value::from(template)])?;
    let module = state.set_temp(ADOPTED, Value::UNDEFINED);
    Ok(module
        .and_then(|m| m.get_attr(ident).ok())
        .filter(|v| !v.is_undefined()))
}

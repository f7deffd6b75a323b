//! The per-chart rendering engine: one minijinja Environment, every template
//! body compiled once into minijinja templates of macros (see `compile/`),
//! rendered in one state so fuel, include depth and mutated values are
//! shared like in Helm.
//!
//! Defines are compiled when first called, not before: a chart tree carries
//! every helper of every library it vendors (a Bitnami chart ships `common`
//! once per subchart), yet a render runs about a third of them, and
//! compiling is the most expensive step of a chart's audit.

use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, Mutex};

use minijinja::value::Rest;
use minijinja::{Environment, Error, ErrorKind, State, Value};

use super::ast::TemplateFile;
use super::compile::{CompiledMacro, Locations, compile_selected, lit, newline_index};
use super::defer::Block;
use super::govalue::{self, as_map};
use super::names;
use super::runtime::engine_fns::{self, MacroTable};
use super::runtime::files::Files;
use super::runtime::loc::{self, LocTable};
use super::runtime::{self, FunctionTable};
use crate::archive::Bytes;
use crate::render::NameMap;

pub mod parse_cache;
mod tpl;
mod units;

use tpl::{TPL_PREFIX, TplUnit, tpl};
use units::{
    ADOPTED, BLOCK_PREFIX, DEFINE_PREFIX, DefineTree, DefineUnit, LOAD_MACRO, LazyDefine,
    LoadMacro, deferral, define_loader, run_block,
};

/// The names the template parser accepts as functions, looked up for every
/// identifier it meets (a fast hash: these are short trusted strings).
type FunctionNames = HashSet<String, rustc_hash::FxBuildHasher>;

/// One template file of the chart tree.
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateSource {
    /// Full Helm template name, e.g. `mychart/templates/deploy.yaml`.
    pub name: String,
    /// Shared with the engine's parse and the engine cache's key.
    pub source: Arc<str>,
    /// Index of the chart (parent or subchart) whose data this template sees.
    pub scope: usize,
}

/// The data one chart (parent or subchart) gives its templates.
#[derive(Clone, Debug)]
pub struct Scope {
    /// Map with `Values`, `Chart`, `Release`, `Capabilities`... (not
    /// `Subcharts`, nor a subchart's `Values`: see `parent`).
    pub data: crate::value::Value,
    /// The chart's non-template files for `.Files` (path relative to chart root).
    pub files: Arc<Vec<(String, Bytes)>>,
    /// For a subchart, its parent's scope (an earlier index) and its name
    /// there: the parent's `.Subcharts.<name>` is this scope's root, the
    /// very map this chart's templates start from, and its `.Values` is
    /// the parent's `.Values.<name>` table, as in Helm.
    pub parent: Option<(usize, String)>,
}

/// Limits and modes of a render.
#[derive(Clone, Debug, PartialEq)]
pub struct RenderOptions {
    /// minijinja fuel per render state; `None` = [`DEFAULT_FUEL`].
    pub fuel: Option<u64>,
    /// Helm: 1000 nested includes of one name.
    pub max_include_depth: usize,
    /// `missingkey=error` (Helm's `--strict` lint mode).
    pub strict: bool,
    /// Compile big `if`/`with` bodies on their first run only (see
    /// `render::defer`); off only to compare against inline code.
    pub defer_branches: bool,
    /// Use placeholder keys instead of generating private keys (see
    /// `funcs::crypto::keys::generate_reused`) and bcrypt's cheapest cost,
    /// for renders whose manifests are only inspected, never deployed
    /// (audit, repo, diff, report). `template` keeps Helm's fresh keys.
    pub reuse_keys: bool,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            fuel: None,
            max_include_depth: engine_fns::MAX_INCLUDE_DEPTH,
            strict: false,
            reuse_keys: false,
            defer_branches: true,
        }
    }
}

/// Fuel when none is given: far above any real chart, stops runaway loops fast.
pub const DEFAULT_FUEL: u64 = 50_000_000;

/// A parse or render failure; `Display` is Helm's message.
#[derive(Clone, Debug, PartialEq)]
pub struct RenderError {
    pub message: String,
}

impl fmt::Display for RenderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RenderError {}

impl RenderError {
    fn new(message: impl Into<String>) -> Self {
        RenderError {
            message: message.into(),
        }
    }
}

/// Parses template text into the AST: `(name, source, is_function)`.
pub type ParseFn = fn(&str, &str, &dyn Fn(&str) -> bool) -> Result<TemplateFile, String>;

/// The template parser of `render::parse`, errors phrased like Helm's.
pub fn default_parser(
    name: &str,
    source: &str,
    is_function: &dyn Fn(&str) -> bool,
) -> Result<TemplateFile, String> {
    super::parse::parse(name, source, is_function).map_err(|e| e.to_string())
}

const CHART: &str = "__chart";
/// Generated code per minijinja template: the chart's code is split into
/// parts of about this size, each its own template imported by `CHART`, so
/// minijinja's parse tree of one part at a time is alive, not the whole
/// chart's (a big chart's tree was the peak of its memory).
const PART_BYTES: usize = 256 * 1024;

/// A compiled macro of the chart: which part holds it, and its identifier.
#[derive(Clone, Debug)]
struct MacroRef {
    part: usize,
    ident: String,
}

/// The name `CHART` imports part `k` as.
fn part_var(k: usize) -> String {
    format!("P{k}")
}

/// The module of each part in a state that has `CHART`'s imports (`module`
/// looks a name up there), resolved once per state.
fn part_modules(parts: usize, module: impl Fn(&str) -> Option<Value>) -> Vec<Option<Value>> {
    (0..parts).map(|k| module(&part_var(k))).collect()
}

/// The macro `r` among the part modules.
fn chart_macro(modules: &[Option<Value>], r: &MacroRef) -> Option<Value> {
    modules
        .get(r.part)?
        .as_ref()?
        .get_attr(&r.ident)
        .ok()
        .filter(|v| !v.is_undefined())
}

/// Every chart define by Go name, as macros of the part modules.
fn chart_macro_table(shared: &Shared, modules: &[Option<Value>]) -> NameMap<String, Value> {
    shared
        .chart_macros
        .iter()
        .filter_map(|(name, r)| Some((name.clone(), chart_macro(modules, r)?)))
        .collect()
}
struct Shared {
    parser: ParseFn,
    /// Names of every template function (for the parser's check).
    functions: Arc<FunctionNames>,
    /// Go name -> macro of a template body (`template "c/templates/x"`).
    chart_macros: NameMap<String, MacroRef>,
    /// Go name -> the define that name means (after precedence), not
    /// compiled until called.
    lazy: NameMap<String, Arc<LazyDefine>>,
    /// The defines compiled so far, by Go name.
    define_units: Mutex<NameMap<String, Arc<DefineUnit>>>,
    /// Branches deferred by the compiles so far (see `render::defer`), by
    /// id, and those compiled so far.
    blocks: Mutex<Vec<Arc<Block>>>,
    block_units: Mutex<NameMap<usize, Arc<DefineUnit>>>,
    /// Code of compiled defines and blocks by template name, until the
    /// loader hands it to minijinja (which loads a template once per
    /// environment): one copy of it is alive, not two.
    unloaded: Mutex<NameMap<String, String>>,
    /// [`RenderOptions::defer_branches`].
    defer_branches: bool,
    /// How many parts `CHART` imports (see [`PART_BYTES`]).
    parts: usize,
    /// The locations the compiled code refers to (see `loc::resolve`).
    locations: Arc<LocTable>,
    tpl_index: Mutex<NameMap<String, usize>>,
    tpl_units: Mutex<Vec<Result<Arc<TplUnit>, String>>>,
}

/// A parsed template file: from the process's cache of helper files (with
/// its shared text), or parsed for this engine alone.
enum ParsedFile {
    Shared(parse_cache::Parsed),
    Own(TemplateFile),
}

impl ParsedFile {
    fn tree(&self) -> &TemplateFile {
        match self {
            ParsedFile::Shared(shared) => &shared.tree,
            ParsedFile::Own(tree) => tree,
        }
    }
}

/// All templates of one chart tree, compiled once.
pub struct Engine {
    env: Environment<'static>,
    shared: Arc<Shared>,
    /// (name, scope, macro) of every template, in Helm's order.
    files: Vec<(String, usize, MacroRef)>,
    opts: RenderOptions,
    /// The environment's functions by global name (for `runtime::call`).
    function_table: Arc<rustc_hash::FxHashMap<String, Value>>,
}

/// Helm's template order: deeper paths first, then reverse lexical.
fn helm_order(a: &str, b: &str) -> std::cmp::Ordering {
    let (ca, cb) = (a.matches('/').count(), b.matches('/').count());
    cb.cmp(&ca).then_with(|| b.cmp(a))
}

impl Engine {
    /// Parses and compiles every template with the crate's parser.
    /// Helper files seen before in this process are not parsed again (see
    /// `parse_cache`).
    pub fn new(templates: Vec<TemplateSource>, opts: RenderOptions) -> Result<Engine, RenderError> {
        Engine::build(templates, opts, default_parser, true)
    }

    /// Like [`Engine::new`] with another parser (tests, tools); nothing is
    /// taken from or given to the parse cache.
    pub fn with_parser(
        templates: Vec<TemplateSource>,
        opts: RenderOptions,
        parser: ParseFn,
    ) -> Result<Engine, RenderError> {
        Engine::build(templates, opts, parser, false)
    }

    fn build(
        mut templates: Vec<TemplateSource>,
        opts: RenderOptions,
        parser: ParseFn,
        cached: bool,
    ) -> Result<Engine, RenderError> {
        templates.sort_by(|a, b| helm_order(&a.name, &b.name));
        let mut env = base_environment(&opts);
        let functions: Arc<FunctionNames> = env
            .globals()
            .filter_map(|(name, _)| name.strip_prefix(super::funcs::PREFIX))
            .filter(|name| !name.starts_with('_'))
            .map(str::to_string)
            .chain(["tpl".to_string()])
            .collect::<FunctionNames>()
            .into();
        let is_function = |name: &str| functions.contains(name);
        let mut parsed = Vec::with_capacity(templates.len());
        for t in &templates {
            let parse = || parser(&t.name, &t.source, &is_function);
            let file = if cached && parse_cache::is_shared(&t.name) {
                parse_cache::parse_shared(&t.source, parse).map(ParsedFile::Shared)
            } else {
                parse().map(ParsedFile::Own)
            };
            parsed.push(file.map_err(RenderError::new)?);
        }
        let names: Vec<&str> = templates.iter().map(|t| t.name.as_str()).collect();
        let trees: Vec<&TemplateFile> = parsed.iter().map(ParsedFile::tree).collect();
        let table = names::table(&names, &trees);
        // Compile file by file, dropping each file's text and tree once done
        // (a big chart's templates, trees and generated code do not all
        // have to be alive at once); the named defines move to `lazy`.
        let named: NameMap<(usize, usize), &str> = table
            .iter()
            .filter_map(|(name, (fi, di))| Some(((*fi, (*di)?), name.as_str())))
            .collect();
        let mut source = String::new();
        let mut parts: Vec<String> = Vec::new();
        let mut counter = 0;
        let locations = Arc::new(LocTable::default());
        let mut idents: NameMap<usize, MacroRef> = NameMap::default();
        let mut files = Vec::new();
        let mut lazy = NameMap::default();
        let mut blocks = Vec::new();
        for (fi, (t, parsed)) in templates.into_iter().zip(parsed).enumerate() {
            // A file's shared text and newline index are made as it is
            // compiled (its `String` is dropped then), not all up front.
            let parse_cache::Parsed {
                text: file_text,
                newlines,
                tree: file,
            } = match parsed {
                ParsedFile::Shared(shared) => shared,
                ParsedFile::Own(tree) => parse_cache::Parsed::new(t.source.clone(), tree),
            };
            let body = compile_located(
                &locations,
                |locs| {
                    let text = (t.name.as_str(), &file_text, &newlines);
                    let defer = (opts.defer_branches, Some(&mut blocks));
                    compile_body(&file, text, &mut counter, &mut source, locs, defer)
                },
                rebuild_file_locations(
                    parser,
                    &functions,
                    &t.name,
                    &file_text,
                    opts.defer_branches,
                ),
            );
            let body = MacroRef {
                part: parts.len(),
                ident: body.ident,
            };
            idents.insert(fi, body.clone());
            if source.len() >= PART_BYTES {
                parts.push(std::mem::take(&mut source));
            }
            // A tree only this engine has gives its defines away, so the
            // rest of it is dropped now; a shared one stays whole.
            let defines: Vec<DefineTree> = match Arc::try_unwrap(file) {
                Ok(own) => own.defines.into_iter().map(DefineTree::Own).collect(),
                Err(shared) => (0..shared.defines.len())
                    .map(|di| DefineTree::Shared(shared.clone(), di))
                    .collect(),
            };
            for (di, define) in defines.into_iter().enumerate() {
                let Some(name) = named.get(&(fi, di)) else {
                    continue;
                };
                lazy.insert(
                    name.to_string(),
                    Arc::new(LazyDefine {
                        define,
                        file: t.name.clone(),
                        source: file_text.clone(),
                        newlines: newlines.clone(),
                    }),
                );
            }
            files.push((t.name, t.scope, body));
        }
        if !source.is_empty() || parts.is_empty() {
            parts.push(source);
        }
        let chart_macros: NameMap<String, MacroRef> = table
            .iter()
            .filter(|(_, (_, di))| di.is_none())
            .filter_map(|(name, (fi, _))| Some((name.clone(), idents.get(fi)?.clone())))
            .collect();
        let shared = Arc::new(Shared {
            parser,
            functions,
            chart_macros,
            lazy,
            define_units: Mutex::new(NameMap::default()),
            blocks: Mutex::new(blocks),
            block_units: Mutex::new(NameMap::default()),
            unloaded: Mutex::new(NameMap::default()),
            defer_branches: opts.defer_branches,
            parts: parts.len(),
            locations,
            tpl_index: Mutex::new(NameMap::default()),
            tpl_units: Mutex::new(Vec::new()),
        });
        let mut imports = String::from(LOAD_MACRO);
        for (k, part) in parts.into_iter().enumerate() {
            let name = format!("{CHART}/{k}");
            imports.push_str(&format!("{{% import {} as {} %}}", lit(&name), part_var(k)));
            env.add_template_owned(name, part)
                .map_err(|e| RenderError::new(format!("internal compile error: {e}")))?;
        }
        env.add_template_owned(CHART, imports)
            .map_err(|e| RenderError::new(format!("internal compile error: {e}")))?;
        let loader_shared = shared.clone();
        env.set_loader(move |name| {
            if name.starts_with(BLOCK_PREFIX) || name.starts_with(DEFINE_PREFIX) {
                let mut unloaded = loader_shared
                    .unloaded
                    .lock()
                    .unwrap_or_else(|e| e.into_inner());
                return Ok(unloaded.remove(name));
            }
            let Some(n) = name.strip_prefix(TPL_PREFIX) else {
                return Ok(None);
            };
            let n: usize = n.parse().unwrap_or(usize::MAX);
            let units = loader_shared
                .tpl_units
                .lock()
                .unwrap_or_else(|e| e.into_inner());
            Ok(units
                .get(n)
                .and_then(|u| u.as_ref().ok())
                .map(|u| u.source.clone()))
        });
        let block_shared = shared.clone();
        env.add_filter(
            "f__block",
            move |state: &mut State, id: usize, args: Rest<Value>| {
                run_block(state, &block_shared, id, &args)
            },
        );
        let tpl_shared = shared.clone();
        env.add_function("f_tpl", move |state: &mut State, args: Rest<Value>| {
            tpl(state, &tpl_shared, &args)
        });
        env.add_function("f__adopt", |state: &mut State, module: Value| {
            state.set_temp(ADOPTED, module);
            Value::from("")
        });
        let function_table = FunctionTable::of(&env).0;
        Ok(Engine {
            env,
            shared,
            files,
            opts,
            function_table,
        })
    }

    /// Deferred branches so far, and how many of them have been compiled.
    pub fn deferred_blocks(&self) -> (usize, usize) {
        let blocks = self.shared.blocks.lock().map(|b| b.len()).unwrap_or(0);
        let units = self.shared.block_units.lock().map(|u| u.len()).unwrap_or(0);
        (blocks, units)
    }

    /// Renders every non-partial template (base name not starting with `_`)
    /// in Helm's order; `<no value>` is removed from each output as Helm does.
    pub fn render(&self, scopes: &[Scope]) -> Result<Vec<(String, String)>, RenderError> {
        engine_fns::reset_render_counters(self.opts.max_include_depth);
        EMITTED.with(|e| e.set(0));
        let tmpl = self
            .env
            .get_template(CHART)
            .map_err(|e| RenderError::new(format!("internal error: {e}")))?;
        let mut captured = tmpl.render_captured(()).map_err(finish_error)?;
        let shared = self.shared.clone();
        let strict = self.opts.strict;
        captured.with_state_mut(|state| {
            let modules = part_modules(shared.parts, |v| state.lookup(v));
            let macros = chart_macro_table(&shared, &modules);
            *state.get_or_insert_extension(MacroTable::default()) = MacroTable {
                macros,
                load: Some(define_loader(&shared)),
                root_name: "gotpl".to_string(),
                strict,
            };
            if let Some(load) = state.lookup("f__load") {
                state.get_or_insert_extension(LoadMacro(load));
            }
            state.get_or_insert_extension(loc::Table(shared.locations.clone()));
            state.get_or_insert_extension(FunctionTable(self.function_table.clone()));
            let roots = scope_roots(scopes);
            let mut out = Vec::new();
            for (name, scope, ident) in &self.files {
                let base = name.rsplit('/').next().unwrap_or(name);
                if base.starts_with('_') {
                    continue;
                }
                // A scope index without a scope: a root with no entries.
                let dot = template_dot(roots.get(*scope).unwrap_or(&Value::UNDEFINED), name);
                let mac = chart_macro(&modules, ident).unwrap_or_default();
                let text = mac.call(state, &[dot]).map_err(|e| {
                    // Fuel runs out anywhere: name the template that was running.
                    let out_of_fuel = e.kind() == ErrorKind::OutOfFuel
                        || runtime::error_text(&e).contains("rendering stopped: ");
                    let mut err = finish_error(e);
                    if out_of_fuel {
                        err.message = format!("{name}: {}", err.message);
                    }
                    err
                })?;
                let text = text.as_str().map(str::to_string).unwrap_or_default();
                out.push((name.clone(), without_no_value(text)));
            }
            Ok(out)
        })
    }
}

/// The environment every engine starts from: Go formatting, no escaping, no
/// whitespace handling, the function library and the runtime helpers.
fn base_environment(opts: &RenderOptions) -> Environment<'static> {
    // The function library is the same for every chart: registered once
    // per process, then copied (its functions are shared, not rebuilt).
    static LIBRARY: std::sync::OnceLock<Environment<'static>> = std::sync::OnceLock::new();
    let mut env = LIBRARY.get_or_init(library_environment).clone();
    env.set_fuel(Some(opts.fuel.unwrap_or(DEFAULT_FUEL)));
    if opts.reuse_keys {
        env.add_global(super::funcs::crypto::REUSE_KEYS, true);
    }
    env
}

/// Helm's syntax settings, formatter and function library.
fn library_environment() -> Environment<'static> {
    let mut env = Environment::new();
    if let Ok(syntax) = minijinja::syntax::SyntaxConfig::builder()
        .keep_trailing_newline(true)
        .trim_blocks(false)
        .lstrip_blocks(false)
        .build()
    {
        env.set_syntax(syntax);
    }
    env.set_auto_escape_callback(|_| minijinja::AutoEscape::None);
    env.set_debug(false);
    env.set_recursion_limit(1_000_000);
    env.set_formatter(|out, _state, value| {
        let text = super::format::printed(value);
        count_emitted(text.len())?;
        out.write_str(&text)
            .map_err(|_| Error::new(ErrorKind::WriteFailure, "write failed"))
    });
    super::funcs::register(&mut env);
    runtime::register_helpers(&mut env);
    env
}

/// Bytes of values one render may print, nested captures counted again
/// (real charts print a few MiB): fuel alone allows ~3 GiB of output.
pub const MAX_EMITTED: usize = 256 << 20;

thread_local! {
    static EMITTED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Counts printed bytes; past [`MAX_EMITTED`] the render stops.
pub(crate) fn count_emitted(n: usize) -> Result<(), Error> {
    let total = EMITTED.with(|e| {
        let t = e.get().saturating_add(n);
        e.set(t);
        t
    });
    emitted_within_limit(total)
}

/// Fails as [`count_emitted`] would once `n` more bytes are printed: a
/// tree's text (see `runtime::pipeline`) is always printed in the end, so
/// it stops growing there.
pub(crate) fn check_room(n: usize) -> Result<(), Error> {
    emitted_within_limit(EMITTED.with(|e| e.get()).saturating_add(n))
}

fn emitted_within_limit(total: usize) -> Result<(), Error> {
    if total > MAX_EMITTED {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "{}{}rendering stopped: the templates printed more than {MAX_EMITTED} bytes",
                loc::DONE,
                runtime::LIMIT_MARK
            ),
        ));
    }
    Ok(())
}

/// Turns a minijinja error at the top of a render into Helm's message.
fn finish_error(err: Error) -> RenderError {
    let text = runtime::error_text(&err);
    if err.kind() == ErrorKind::OutOfFuel {
        return RenderError::new(
            "rendering stopped: the templates exceeded the work budget (fuel); a loop or recursion is too large",
        );
    }
    if text.starts_with(loc::DONE) || text.contains(loc::FAIL_START) {
        return RenderError::new(loc::finish(&text).replace(runtime::LIMIT_MARK, ""));
    }
    RenderError::new(format!("rendering failed: {text}"))
}

/// The runtime roots of all scopes, in index order. A subchart's root is
/// also its parent's `.Subcharts.<name>` (one map, not a copy converted
/// again for every chart above it), and its `.Values` is the parent's
/// `.Values.<name>` table as Helm's `Values.Table` gives it: typed
/// `chartutil.Values`, its nested maps the parent's own (the values are
/// converted once, with the root's).
fn scope_roots(scopes: &[Scope]) -> Vec<Value> {
    let mut roots: Vec<Value> = Vec::with_capacity(scopes.len());
    for scope in scopes {
        let root = scope_value(scope);
        if let Some(map) = as_map(&root) {
            let subcharts = govalue::new_map(Default::default());
            map.insert("Subcharts".to_string(), subcharts);
            if let Some((parent, name)) = &scope.parent
                && let Some(parent) = roots.get(*parent).and_then(as_map)
            {
                map.insert("Values".to_string(), subchart_values(&parent, name));
                if let Some(siblings) = parent.get("Subcharts").as_ref().and_then(as_map) {
                    siblings.insert(name.clone(), root.clone());
                }
            }
        }
        roots.push(root);
    }
    roots
}

/// `.Values` of subchart `name` of the chart whose root is `parent`: the
/// parent's `.Values.<name>` table, typed `chartutil.Values`, or an empty
/// one when that is no table.
fn subchart_values(parent: &govalue::GoMap, name: &str) -> Value {
    let table = parent
        .get("Values")
        .and_then(|values| as_map(&values)?.get(name))
        .filter(|table| as_map(table).is_some());
    match table {
        Some(table) => govalue::retype_map(&table, govalue::MapType::Values),
        None => govalue::new_typed_map(Default::default(), govalue::MapType::Values),
    }
}

/// The runtime root of one chart scope: values as Go maps plus `.Files`.
fn scope_value(scope: &Scope) -> Value {
    let root = govalue::to_runtime(&scope.data);
    let map = match as_map(&root) {
        Some(m) => m,
        None => return govalue::new_map(Default::default()),
    };
    map.insert(
        "Files".to_string(),
        Value::from_object(Files::new(&scope.files)),
    );
    runtime::structs::mark_structs(&root);
    root
}

/// The dot a template starts with: its scope's data plus `.Template`.
fn template_dot(root: &Value, name: &str) -> Value {
    let entries = as_map(root).map(|m| m.snapshot()).unwrap_or_default();
    let dot = govalue::new_typed_map(entries, govalue::MapType::Values);
    let mut template = std::collections::BTreeMap::new();
    template.insert("Name".to_string(), Value::from(name));
    template.insert("BasePath".to_string(), Value::from(base_path(name)));
    if let Some(m) = as_map(&dot) {
        m.insert(
            "Template".to_string(),
            govalue::new_typed_map(template, govalue::MapType::Values),
        );
    }
    dot
}

/// `mychart/charts/sub/templates/x.yaml` -> `mychart/charts/sub/templates`.
fn base_path(name: &str) -> String {
    let segs: Vec<&str> = name.split('/').collect();
    let mut i = 1;
    while i + 2 < segs.len() && segs[i] == "charts" {
        i += 2;
    }
    let mut parts: Vec<&str> = segs.iter().take(i).copied().collect();
    parts.push("templates");
    parts.join("/")
}

/// Compiles a unit into `table`: its code refers to locations that are
/// only counted now; `rebuild` builds their texts if an error needs one.
fn compile_located<T>(
    table: &LocTable,
    compile: impl FnOnce(&mut Locations) -> T,
    rebuild: loc::Rebuild,
) -> T {
    table.add(
        |base, pipeline_base| {
            let mut locs = Locations::deferred(base, pipeline_base);
            let made = compile(&mut locs);
            loc::Compiled {
                made,
                locations: locs.count,
                pipelines: locs.pipelines,
            }
        },
        rebuild,
    )
}

/// A [`loc::Rebuild`] that runs `compile` again (the same call the engine
/// made, so both passes meet the locations in one order) and keeps only
/// the location texts.
fn rebuilt(compile: impl Fn(&mut Locations) + Send + Sync + 'static) -> loc::Rebuild {
    Box::new(move || {
        let mut locs = Locations::rebuild();
        compile(&mut locs);
        locs.texts
    })
}

/// Rebuilds the location texts of a template file's body: parses and
/// compiles it again.
fn rebuild_file_locations(
    parser: ParseFn,
    functions: &Arc<FunctionNames>,
    name: &str,
    text: &Arc<str>,
    defer: bool,
) -> loc::Rebuild {
    let (functions, name, text) = (functions.clone(), name.to_string(), text.clone());
    rebuilt(move |locs| {
        let is_function = |f: &str| functions.contains(f);
        if let Ok(file) = parser(&name, &text, &is_function) {
            let newlines: Arc<[usize]> = Arc::from(newline_index(&text));
            let text = (name.as_str(), &text, &newlines);
            compile_body(&file, text, &mut 0, &mut String::new(), locs, (defer, None));
        }
    })
}

/// Compiles a chart template's body (its defines wait to be called); the
/// engine and the rebuild of its locations make the same call.
fn compile_body(
    file: &TemplateFile,
    (name, text, newlines): (&str, &Arc<str>, &Arc<[usize]>),
    counter: &mut usize,
    out: &mut String,
    locations: &mut Locations,
    defer: (bool, Option<&mut Vec<Arc<Block>>>),
) -> CompiledMacro {
    let defer = deferral(defer, text, newlines);
    compile_selected(
        file,
        text,
        name,
        "c",
        counter,
        out,
        locations,
        &|_| false,
        defer,
    )
    .0
}

/// Helm removes every `<no value>` from a rendered text (most have none:
/// no copy then).
fn without_no_value(text: String) -> String {
    match memchr::memmem::find(text.as_bytes(), b"<no value>") {
        Some(_) => text.replace("<no value>", ""),
        None => text,
    }
}

#[cfg(test)]
mod output_limit_tests {
    use super::*;

    #[test]
    fn printing_a_big_string_in_a_loop_stops_at_the_output_limit() {
        let t = TemplateSource {
            name: "c/templates/x.yaml".into(),
            source:
                "{{ $s := repeat 1000000 \"xxxxxxxxxx\" }}{{ range until 100000 }}{{ $s }}{{ end }}"
                    .into(),
            scope: 0,
        };
        let engine = Engine::new(vec![t], RenderOptions::default()).unwrap();
        let err = engine.render(&[]).unwrap_err().message;
        assert!(err.starts_with("c/templates/x.yaml: "), "{err}");
        assert!(err.contains("printed more than"), "{err}");
    }

    #[test]
    fn doubling_a_string_or_list_stops_at_the_result_limit() {
        for (src, what) in [
            (
                "{{ $s := \"xxxxxxxx\" }}{{ range until 40 }}{{ $s = print $s $s }}{{ end }}",
                "print",
            ),
            (
                "{{ $l := list 1 }}{{ range until 64 }}{{ $l = concat $l $l }}{{ end }}",
                "concat",
            ),
        ] {
            let t = TemplateSource {
                name: "c/templates/x.yaml".into(),
                source: src.into(),
                scope: 0,
            };
            let engine = Engine::new(vec![t], RenderOptions::default()).unwrap();
            let err = engine.render(&[]).unwrap_err().message;
            assert!(err.contains("c/templates/x.yaml:1:"), "{err}");
            assert!(
                err.contains(&format!(
                    "error calling {what}: result is over the size limit"
                )),
                "{err}"
            );
        }
    }
}

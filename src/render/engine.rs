//! The per-chart rendering engine: one minijinja Environment, every template
//! body compiled once into minijinja templates of macros (see `compile.rs`),
//! rendered in one state so fuel, include depth and mutated values are
//! shared like in Helm.
//!
//! Defines are compiled when first called, not before: a chart tree carries
//! every helper of every library it vendors (a Bitnami chart ships `common`
//! once per subchart), yet a render runs about a third of them, and
//! compiling is the most expensive step of a chart's audit.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::{Arc, Mutex};

use minijinja::value::Rest;
use minijinja::{Environment, Error, ErrorKind, State, Value};

use super::ast::{Define, TemplateFile};
use super::compile::{
    CompiledMacro, Deferral, Locations, compile_block, compile_define, compile_file,
    compile_selected, lit, newline_index,
};
use super::defer::Block;
use super::govalue::{self, as_map};
use super::names;
use super::runtime;
use super::runtime::engine_fns::{self, MacroTable};
use super::runtime::files::Files;
use super::runtime::loc::{self, LocTable};

/// One template file of the chart tree.
#[derive(Clone, Debug)]
pub struct TemplateSource {
    /// Full Helm template name, e.g. `mychart/templates/deploy.yaml`.
    pub name: String,
    pub source: String,
    /// Index of the chart (parent or subchart) whose data this template sees.
    pub scope: usize,
}

/// The data one chart (parent or subchart) gives its templates.
#[derive(Clone, Debug)]
pub struct Scope {
    /// Map with `Values`, `Chart`, `Release`, `Capabilities`, `Subcharts`...
    pub data: crate::value::Value,
    /// The chart's non-template files for `.Files` (path relative to chart root).
    pub files: Arc<Vec<(String, Arc<[u8]>)>>,
}

/// Limits and modes of a render.
#[derive(Clone, Debug)]
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
fn chart_macro_table(shared: &Shared, modules: &[Option<Value>]) -> HashMap<String, Value> {
    shared
        .chart_macros
        .iter()
        .filter_map(|(name, r)| Some((name.clone(), chart_macro(modules, r)?)))
        .collect()
}
const TPL_PREFIX: &str = "\u{0}tpl:";
/// Nested `tpl` calls allowed (each runs in its own minijinja state).
const MAX_TPL_DEPTH: usize = 200;

/// A compiled `tpl` text.
struct TplUnit {
    source: String,
    body: CompiledMacro,
    defines: Vec<CompiledMacro>,
}

/// A chart define, compiled on its first call (see [`load_define`]).
struct LazyDefine {
    define: Define,
    /// The file it comes from (errors name it), that file's text and its
    /// newline offsets (see `compile::newline_index`).
    file: String,
    source: Arc<str>,
    newlines: Arc<[usize]>,
}

/// A define or block compiled on first call: its macro's identifier (its
/// code waits in `Shared::unloaded` until minijinja loads it).
struct DefineUnit {
    ident: String,
}

struct Shared {
    parser: ParseFn,
    /// Names of every template function (for the parser's check).
    functions: Arc<HashSet<String>>,
    /// Go name -> macro of a template body (`template "c/templates/x"`).
    chart_macros: HashMap<String, MacroRef>,
    /// Go name -> the define that name means (after precedence), not
    /// compiled until called.
    lazy: HashMap<String, Arc<LazyDefine>>,
    /// The defines compiled so far, by Go name.
    define_units: Mutex<HashMap<String, Arc<DefineUnit>>>,
    /// Branches deferred by the compiles so far (see `render::defer`), by
    /// id, and those compiled so far.
    blocks: Mutex<Vec<Arc<Block>>>,
    block_units: Mutex<HashMap<usize, Arc<DefineUnit>>>,
    /// Code of compiled defines and blocks by template name, until the
    /// loader hands it to minijinja (which loads a template once per
    /// environment): one copy of it is alive, not two.
    unloaded: Mutex<HashMap<String, String>>,
    /// [`RenderOptions::defer_branches`].
    defer_branches: bool,
    /// How many parts `CHART` imports (see [`PART_BYTES`]).
    parts: usize,
    /// The locations the compiled code refers to (see `loc::resolve`).
    locations: Arc<LocTable>,
    tpl_index: Mutex<HashMap<String, usize>>,
    tpl_units: Mutex<Vec<Result<Arc<TplUnit>, String>>>,
}

/// All templates of one chart tree, compiled once.
pub struct Engine {
    env: Environment<'static>,
    shared: Arc<Shared>,
    /// (name, scope, macro) of every template, in Helm's order.
    files: Vec<(String, usize, MacroRef)>,
    opts: RenderOptions,
}

/// Helm's template order: deeper paths first, then reverse lexical.
fn helm_order(a: &str, b: &str) -> std::cmp::Ordering {
    let (ca, cb) = (a.matches('/').count(), b.matches('/').count());
    cb.cmp(&ca).then_with(|| b.cmp(a))
}

impl Engine {
    /// Parses and compiles every template with the crate's parser.
    pub fn new(templates: Vec<TemplateSource>, opts: RenderOptions) -> Result<Engine, RenderError> {
        Engine::with_parser(templates, opts, default_parser)
    }

    /// Like [`Engine::new`] with another parser (tests, tools).
    pub fn with_parser(
        mut templates: Vec<TemplateSource>,
        opts: RenderOptions,
        parser: ParseFn,
    ) -> Result<Engine, RenderError> {
        templates.sort_by(|a, b| helm_order(&a.name, &b.name));
        let mut env = base_environment(&opts);
        let functions: Arc<HashSet<String>> = env
            .globals()
            .filter_map(|(name, _)| name.strip_prefix(super::funcs::PREFIX))
            .filter(|name| !name.starts_with('_'))
            .map(str::to_string)
            .chain(["tpl".to_string()])
            .collect::<HashSet<String>>()
            .into();
        let is_function = |name: &str| functions.contains(name);
        let mut parsed = Vec::with_capacity(templates.len());
        for t in &templates {
            parsed.push(parser(&t.name, &t.source, &is_function).map_err(RenderError::new)?);
        }
        let names: Vec<&str> = templates.iter().map(|t| t.name.as_str()).collect();
        let table = names::table(&names, &parsed);
        // Compile file by file, dropping each file's text and tree once done
        // (a big chart's templates, trees and generated code do not all
        // have to be alive at once); the named defines move to `lazy`.
        let named: HashMap<(usize, usize), &str> = table
            .iter()
            .filter_map(|(name, (fi, di))| Some(((*fi, (*di)?), name.as_str())))
            .collect();
        let mut source = String::new();
        let mut parts: Vec<String> = Vec::new();
        let mut counter = 0;
        let locations = Arc::new(LocTable::default());
        let mut idents: HashMap<usize, MacroRef> = HashMap::new();
        let mut files = Vec::new();
        let mut lazy = HashMap::new();
        let mut blocks = Vec::new();
        for (fi, (t, mut file)) in templates.into_iter().zip(parsed).enumerate() {
            let file_text: Arc<str> = Arc::from(t.source.as_str());
            let newlines: Arc<[usize]> = Arc::from(newline_index(&t.source));
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
            for (di, define) in file.defines.iter_mut().enumerate() {
                let Some(name) = named.get(&(fi, di)) else {
                    continue;
                };
                let define = std::mem::take(define);
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
        let chart_macros: HashMap<String, MacroRef> = table
            .iter()
            .filter(|(_, (_, di))| di.is_none())
            .filter_map(|(name, (fi, _))| Some((name.clone(), idents.get(fi)?.clone())))
            .collect();
        let shared = Arc::new(Shared {
            parser,
            functions,
            chart_macros,
            lazy,
            define_units: Mutex::new(HashMap::new()),
            blocks: Mutex::new(blocks),
            block_units: Mutex::new(HashMap::new()),
            unloaded: Mutex::new(HashMap::new()),
            defer_branches: opts.defer_branches,
            parts: parts.len(),
            locations,
            tpl_index: Mutex::new(HashMap::new()),
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
        env.add_function(
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
        Ok(Engine {
            env,
            shared,
            files,
            opts,
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
            let mut roots: HashMap<usize, Value> = HashMap::new();
            let mut out = Vec::new();
            for (name, scope, ident) in &self.files {
                let base = name.rsplit('/').next().unwrap_or(name);
                if base.starts_with('_') {
                    continue;
                }
                let root = roots
                    .entry(*scope)
                    .or_insert_with(|| scope_value(scopes.get(*scope)))
                    .clone();
                let dot = template_dot(&root, name);
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
    env.set_fuel(Some(opts.fuel.unwrap_or(DEFAULT_FUEL)));
    env.set_formatter(|out, _state, value| {
        let text = super::format::go_string(value);
        count_emitted(text.len())?;
        out.write_str(&text)
            .map_err(|_| Error::new(ErrorKind::WriteFailure, "write failed"))
    });
    super::funcs::register(&mut env);
    runtime::register_helpers(&mut env);
    if opts.reuse_keys {
        env.add_global(super::funcs::crypto::REUSE_KEYS, true);
    }
    env
}

/// Bytes of values one render may print, nested captures counted again
/// (real charts print a few MiB): fuel alone allows ~3 GiB of output.
pub const MAX_EMITTED: usize = 256 << 20;

thread_local! {
    static EMITTED: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Counts printed bytes; past [`MAX_EMITTED`] the render stops.
fn count_emitted(n: usize) -> Result<(), Error> {
    let total = EMITTED.with(|e| {
        let t = e.get().saturating_add(n);
        e.set(t);
        t
    });
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

/// The runtime root of one chart scope: values as Go maps plus `.Files`.
fn scope_value(scope: Option<&Scope>) -> Value {
    let Some(scope) = scope else {
        return govalue::new_map(Default::default());
    };
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

thread_local! {
    static TPL_DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Helm's `tpl`: compiles the text (cached) and runs it with the chart's
/// defines plus its own, in a fresh state; `<no value>` is removed.
fn tpl(state: &mut State, shared: &Arc<Shared>, args: &[Value]) -> Result<Value, Error> {
    if args.len() != 2 {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!("wrong number of args for tpl: want 2 got {}", args.len()),
        ));
    }
    let Some(text) = args[0].as_str() else {
        return Err(Error::new(
            ErrorKind::InvalidOperation,
            format!(
                "wrong type for value; expected string; got {}",
                runtime::go_type(&args[0])
            ),
        ));
    };
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
            let mut macros = HashMap::new();
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

/// Template names of defines compiled on first call: the prefix, then the
/// Go name.
const DEFINE_PREFIX: &str = "\u{0}define:";
/// The temp where `f__adopt` leaves the module `f__load` imported.
const ADOPTED: &str = "\u{0}adopted";
/// Imports a define's template (or a part of the chart template) into the
/// state that runs it (macros can only be called in the state that imported
/// them). The chart template and every `tpl` unit define it; a name without
/// a leading `_`, which import would not export.
const LOAD_MACRO: &str = "{% macro f__load(t) %}{% import t as m %}{{ f__adopt(m) }}{% endmacro %}";

/// The state's `f__load` macro, looked up at the top of the state (the
/// macros that call `include` do not see it).
struct LoadMacro(Value);

/// Compiles a unit into `table`: its code refers to locations that are
/// only counted now; `rebuild` builds their texts if an error needs one.
fn compile_located<T>(
    table: &LocTable,
    compile: impl FnOnce(&mut Locations) -> T,
    rebuild: loc::Rebuild,
) -> T {
    table.add(
        |base| {
            let mut locs = Locations::deferred(base);
            let made = compile(&mut locs);
            (made, locs.count)
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
    functions: &Arc<HashSet<String>>,
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

/// Compiles a define on its first call; the engine and the rebuild of its
/// locations make the same call.
fn compile_lazy(
    lazy: &LazyDefine,
    counter: &mut usize,
    out: &mut String,
    locations: &mut Locations,
    defer: (bool, Option<&mut Vec<Arc<Block>>>),
) -> CompiledMacro {
    let source = (&*lazy.source, &*lazy.newlines);
    let defer = deferral(defer, &lazy.source, &lazy.newlines);
    compile_define(
        &lazy.define,
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
fn deferral<'s>(
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

/// Helm removes every `<no value>` from a rendered text (most have none:
/// no copy then).
fn without_no_value(text: String) -> String {
    match memchr::memmem::find(text.as_bytes(), b"<no value>") {
        Some(_) => text.replace("<no value>", ""),
        None => text,
    }
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
const BLOCK_PREFIX: &str = "\u{0}block:";

/// The block macros a state has imported, by id.
#[derive(Default)]
struct BlockMacros(HashMap<usize, Value>);

/// `f__block(id, ...)`: runs deferred block `id` with the caller's values
/// of its parameters; the block is compiled on its first run in the
/// engine and imported on its first run in a state.
fn run_block(
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
    shared
        .unloaded
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .insert(template, source);
    Arc::new(DefineUnit {
        ident: compiled.ident,
    })
}

/// The `MacroTable` hook that loads chart defines on first call.
fn define_loader(shared: &Arc<Shared>) -> engine_fns::LoadDefine {
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
    import_macro(state, &format!("{DEFINE_PREFIX}{name}"), &unit.ident)
}

/// The macro `ident` of the template `template`, imported into `state` by
/// its `f__load` macro.
fn import_macro(state: &mut State, template: &str, ident: &str) -> Result<Option<Value>, Error> {
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

//! Compiles the Go template AST into minijinja source.
//!
//! Every template body and every `define` becomes a macro `IDENT(dot)`;
//! the engine puts all of a chart's macros into one minijinja template and
//! calls them by Go name through a table (`include`, `template`).
//!
//! The scheme: dot is a compile-time variable name (`dot` for the macro
//! argument, a fresh `dN` for every `with`/`range`), `$` is `root`, every
//! `:=` gets its own slot: a plain variable `wN`, or a `namespace()` `vN`
//! when some `=` assigns the Go variable (so `=` inside a `for`, which
//! minijinja scopes, still reaches it). Text is emitted as is, or in raw
//! blocks when minijinja would read a tag in it. Go semantics minijinja
//! lacks go through the `f__*` runtime helpers. A pipeline is one call
//! `N|f__p(...)` of a tree the runtime evaluates (see `pipeline` here and
//! `runtime::pipeline`), and so is a run of texts, printing actions and
//! blocks of only such nodes (`if`, `with`, `range`); a unit whose whole
//! body is one run, variables included, is a tree the runtime can run
//! without the macro ([`TreeBody`]). minijinja keeps the rest of the
//! control flow (`break`/`continue`, blocks among other code), its
//! variables and short texts.
//! Locations go as references (`"<REF>12 Values.a.b"|f__dfield_truth`) so
//! errors name the chart file like Go does; where the value is the macro's
//! own `dot`, the `f__d*` variants look it up instead of taking it.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::sync::Arc;

use super::ast::{Arg, Branch, Define, Fields, List, Node, Pipe, TemplateFile};
use super::defer::{self, Block};
use super::nodetext;
use super::runtime::loc;
use super::runtime::pipeline::Expr;

mod code;
mod pipeline;
mod tree;

pub use code::lit;
use code::{
    PLAIN_SLOT, field_head, field_tail, is_plain_slot, is_plain_text, number, push_all, push_int,
    push_joined, push_lit_body,
};
pub(crate) use tree::int_param;
pub use tree::is_empty_tree;
use tree::{overflows_int, variable_use};

/// The parameter of every unit's macro: Go's dot at the start of the unit
/// (the `f__d*` helpers look it up by this name).
pub(crate) const DOT: &str = "dot";

/// A compiled template (one file body or one define).
#[derive(Clone, Debug, PartialEq)]
pub struct CompiledMacro {
    /// Go name: the file name for a body, the define name for a define.
    pub name: String,
    /// minijinja macro identifier.
    pub ident: String,
    /// Go's `IsEmptyTree`: such a define never replaces an existing one.
    pub empty: bool,
    /// When the whole body is one run (see `pipeline::inline_run`): the
    /// tree that prints it, which can run without the macro.
    pub tree: Option<TreeBody>,
}

/// A body printed by one pipeline tree of the engine's table: `pipeline`
/// is its index; `reads_root` when the tree's one local is `$` (the
/// body's dot, as the macro's `{%set root=dot%}` has it).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct TreeBody {
    pub pipeline: usize,
    pub reads_root: bool,
}

/// Everything compiled from one file: its body and its defines, in order.
#[derive(Clone, Debug, PartialEq)]
pub struct CompiledFile {
    pub body: CompiledMacro,
    pub defines: Vec<CompiledMacro>,
}

/// Compiles `file` (parsed from `source`) and appends its macros to `out`.
/// `loc_name` is the template name errors report (the file name, or `gotpl`
/// for `tpl` text); `prefix` keeps identifiers unique within one minijinja
/// template; `counter` numbers identifiers across calls.
pub fn compile_file(
    file: &TemplateFile,
    source: &str,
    (loc_name, prefix): (&str, &str),
    counter: &mut usize,
    out: &mut String,
    locations: &mut Locations,
) -> CompiledFile {
    let (body, defines) = compile_selected(
        file,
        source,
        loc_name,
        prefix,
        counter,
        out,
        locations,
        &|_| true,
        None,
    );
    CompiledFile {
        body,
        defines: defines.into_iter().map(|(_, d)| d).collect(),
    }
}

/// The locations of nodes (which runtime errors name) live in the engine's
/// table (`loc::LocTable`); the code carries only `REF` + index. A chart's
/// locations would be most of its generated code, and errors read few of
/// them, so the engine only counts them when it compiles
/// ([`Locations::deferred`]) and builds their texts when an error needs
/// one, by compiling the unit again ([`Locations::rebuild`]): both passes
/// meet the locations in one order.
#[derive(Default)]
pub struct Locations {
    /// The table index of the unit's first location.
    base: usize,
    /// Whether to build the texts (else only count them).
    build: bool,
    /// How many locations the code refers to.
    pub count: usize,
    /// The texts, in index order (when built).
    pub texts: Vec<Box<str>>,
    /// The table index of the unit's first pipeline (see
    /// `runtime::pipeline`), and its pipelines in index order.
    pipeline_base: usize,
    pub pipelines: Vec<Expr>,
}

impl Locations {
    /// References from `base` on (pipelines from `pipeline_base` on),
    /// texts not built.
    pub fn deferred(base: usize, pipeline_base: usize) -> Locations {
        Locations {
            base,
            pipeline_base,
            ..Locations::default()
        }
    }

    /// The texts a deferred compile referred to (the code is discarded).
    pub fn rebuild() -> Locations {
        Locations {
            build: true,
            ..Locations::default()
        }
    }
}

/// Like [`compile_file`], compiling only the defines `keep` selects by
/// index; returns the body and `(index, macro)` of each compiled define.
#[allow(clippy::too_many_arguments)]
pub fn compile_selected(
    file: &TemplateFile,
    source: &str,
    loc_name: &str,
    prefix: &str,
    counter: &mut usize,
    out: &mut String,
    locations: &mut Locations,
    keep: &dyn Fn(usize) -> bool,
    defer: Option<Deferral<'_>>,
) -> (CompiledMacro, Vec<(usize, CompiledMacro)>) {
    let shared_newlines = defer.as_ref().map(|d| d.newlines.clone());
    let newlines = match &shared_newlines {
        Some(n) => Cow::Borrowed(&**n),
        None => Cow::Owned(newline_index(source)),
    };
    let mut c = Compiler::new((source, newlines), loc_name, prefix, *counter, locations);
    c.defer = defer;
    let body = c.compile_macro(loc_name, loc_name, &file.root);
    let defines = file
        .defines
        .iter()
        .enumerate()
        .filter(|(i, _)| keep(*i))
        .map(|(i, d): (usize, &Define)| (i, c.compile_macro(&d.name, &d.name, &d.body)))
        .collect();
    c.finish(counter, out, locations);
    (body, defines)
}

/// The offsets of `source`'s newlines, which [`compile_define`] takes so
/// that the defines of one file share them.
pub fn newline_index(source: &str) -> Vec<usize> {
    let bytes = source.as_bytes();
    let mut index = Vec::with_capacity(memchr::memchr_iter(b'\n', bytes).count());
    index.extend(memchr::memchr_iter(b'\n', bytes));
    index
}

/// Compiles one define of the file `loc_name` (parsed from `source`, whose
/// [`newline_index`] is `newlines`).
pub fn compile_define(
    define: &Define,
    (source, newlines): (&str, &[usize]),
    (loc_name, prefix): (&str, &str),
    counter: &mut usize,
    out: &mut String,
    locations: &mut Locations,
    defer: Option<Deferral<'_>>,
) -> CompiledMacro {
    let source = (source, Cow::Borrowed(newlines));
    let mut c = Compiler::new(source, loc_name, prefix, *counter, locations);
    c.defer = defer;
    let compiled = c.compile_macro(&define.name, &define.name, &define.body);
    c.finish(counter, out, locations);
    compiled
}

/// Lets a compile defer branches (see `render::defer`): the unit's text
/// as the blocks keep it, and where new blocks go (`None` in a pass whose
/// code is discarded: the same branches are deferred, none is kept).
pub struct Deferral<'s> {
    pub source: Arc<str>,
    pub newlines: Arc<[usize]>,
    pub sink: Option<&'s mut Vec<Arc<Block>>>,
}

/// Compiles deferred block `id` into a macro taking its parameters; its
/// own branches may be deferred again (`sink`).
pub fn compile_block(
    block: &Block,
    id: usize,
    counter: &mut usize,
    out: &mut String,
    locations: &mut Locations,
    sink: Option<&mut Vec<Arc<Block>>>,
) -> CompiledMacro {
    let source = (&*block.source, Cow::Borrowed(&*block.newlines));
    let mut prefix = String::with_capacity(8);
    prefix.push('b');
    push_int(&mut prefix, id);
    prefix.push('_');
    let mut c = Compiler::new(source, &block.loc_name, &prefix, *counter, locations);
    c.defer = Some(Deferral {
        source: block.source.clone(),
        newlines: block.newlines.clone(),
        sink,
    });
    c.exec_name = block.exec_name.clone();
    c.scopes = vec![block.scopes.clone()];
    // The block's own variables; the enclosing ones come as slots whose
    // kind their name tells (see `Compiler::bind`).
    c.assigned = variable_use(&block.list).assigned;
    c.dot = block.dot.clone();
    c.dot_type = block.dot_type.clone();
    c.var_types = block.var_types.clone();
    let ident = c.fresh("m");
    push_all(&mut c.out, &["{%macro ", &ident, "("]);
    push_joined(&mut c.out, &block.params, ",");
    c.out.push_str(")%}");
    c.list(&block.list);
    c.out.push_str("{%endmacro%}");
    c.finish(counter, out, locations);
    CompiledMacro {
        name: String::new(),
        ident,
        empty: false,
        tree: None,
    }
}

struct Compiler<'a> {
    out: String,
    prefix: String,
    counter: usize,
    file: String,
    source: &'a str,
    /// Offsets of the newlines of `source` (locations in O(log n), not O(n)).
    newlines: Cow<'a, [usize]>,
    exec_name: String,
    /// Go variable name -> generated expression, innermost scope last.
    scopes: Vec<Vec<(String, String)>>,
    /// The expression of Go's dot: [`DOT`], the unit's parameter (whose
    /// static type is its dynamic one), or a fresh `dN` of a `with`/`range`.
    dot: String,
    /// An expression giving dot's static Go type when it differs from its
    /// dynamic one (a `range` element of `[]interface {}` is an
    /// `interface {}`), for field errors.
    dot_type: Option<String>,
    /// Variable slot -> static type expression (`range` value variables).
    var_types: Vec<(String, String)>,
    locations: std::cell::RefCell<Locations>,
    /// Go variables some `=` of the unit assigns (see [`variable_use`]).
    assigned: Vec<String>,
    /// Set when branches may be deferred.
    defer: Option<Deferral<'a>>,
    /// The code of the values the pipeline being compiled reads from
    /// minijinja (see `pipeline`), by local index.
    locals: Vec<String>,
    /// How many `with`s of the tree being built enclose the node compiled.
    tree_withs: usize,
    /// How many variables the tree being built has declared.
    tree_vars: usize,
    /// How many `range`s of the tree being built enclose the node compiled.
    tree_ranges: usize,
}

impl<'a> Compiler<'a> {
    /// A compiler of `source` (with its [`newline_index`]) that takes
    /// `locations` over until it is handed back.
    fn new(
        (source, newlines): (&'a str, Cow<'a, [usize]>),
        loc_name: &str,
        prefix: &str,
        counter: usize,
        locations: &mut Locations,
    ) -> Compiler<'a> {
        Compiler {
            out: String::new(),
            prefix: prefix.to_string(),
            counter,
            file: loc_name.to_string(),
            source,
            newlines,
            exec_name: loc_name.to_string(),
            scopes: Vec::new(),
            dot: DOT.to_string(),
            dot_type: None,
            var_types: Vec::new(),
            locations: std::cell::RefCell::new(std::mem::take(locations)),
            assigned: Vec::new(),
            defer: None,
            locals: Vec::new(),
            tree_withs: 0,
            tree_vars: 0,
            tree_ranges: 0,
        }
    }

    /// Hands the code, the identifier counter and the locations back.
    fn finish(self, counter: &mut usize, out: &mut String, locations: &mut Locations) {
        *counter = self.counter;
        out.push_str(&self.out);
        *locations = self.locations.into_inner();
    }

    /// The table index of the next location (see [`Locations`]);
    /// `location` runs only when the text is built.
    fn location_index(&self, location: impl FnOnce() -> String) -> usize {
        let mut locations = self.locations.borrow_mut();
        let index = locations.base + locations.count;
        locations.count += 1;
        if locations.build {
            locations.texts.push(location().into_boxed_str());
        }
        index
    }

    fn fresh(&mut self, kind: &str) -> String {
        self.counter += 1;
        let mut name = String::with_capacity(self.prefix.len() + kind.len() + 4);
        push_all(&mut name, &[&self.prefix, kind]);
        push_int(&mut name, self.counter);
        name
    }

    fn compile_macro(&mut self, name: &str, exec_name: &str, body: &List) -> CompiledMacro {
        let ident = self.fresh("m");
        self.exec_name = exec_name.to_string();
        // `$` is `root` when anything reads it (else no deferred body asks
        // for it either).
        let uses = variable_use(body);
        self.scopes = vec![match uses.root {
            true => vec![("$".to_string(), "root".to_string())],
            false => Vec::new(),
        }];
        self.dot = DOT.to_string();
        self.dot_type = None;
        push_all(&mut self.out, &["{%macro ", &ident, "(", DOT, ")%}"]);
        if uses.root {
            push_all(&mut self.out, &["{%set root=", DOT, "%}"]);
        }
        self.assigned = uses.assigned;
        // A body of texts, actions, blocks of them and variables is one
        // run: its tree can print it without minijinja (see `TreeBody`).
        let tree = if body.nodes.iter().all(pipeline::is_inline_in_body) {
            self.body_run(&body.nodes)
        } else {
            self.list(body);
            None
        };
        self.out.push_str("{%endmacro%}");
        CompiledMacro {
            name: name.to_string(),
            ident,
            empty: is_empty_tree(body),
            tree,
        }
    }

    /// A reference to the location of the node at `pos` whose text `node`
    /// gives, as a string literal.
    fn loc(&self, pos: usize, node: impl FnOnce() -> String) -> String {
        let mut out = String::with_capacity(12);
        out.push('"');
        loc::write_reference(&mut out, self.loc_index(pos, node, String::new));
        out.push('"');
        out
    }

    /// The index of a location, followed by [`loc::SPEC`] and a call's
    /// argument spec if there is one.
    fn loc_index(
        &self,
        pos: usize,
        node: impl FnOnce() -> String,
        spec: impl FnOnce() -> String,
    ) -> usize {
        self.location_index(|| {
            let (line, col) = loc::line_col_indexed(self.source, &self.newlines, pos);
            let mut location =
                loc::encode_line_col(&self.file, line, col, &self.exec_name, &node());
            let spec = spec();
            if !spec.is_empty() {
                location.push(loc::SPEC);
                location.push_str(&spec);
            }
            location
        })
    }

    /// The static type of a variable's value when it is known only at run
    /// time (a `range` value variable), for field errors.
    fn var_type(&self, name: &str) -> Option<String> {
        let slot = self.lookup_var(name)?;
        let (_, t) = self.var_types.iter().rev().find(|(s, _)| *s == slot)?;
        Some(t.clone())
    }

    /// Where each argument of a function call (and the piped value) sits,
    /// and what kind of node it is, so the runtime can phrase argument type
    /// errors as Go's `evalArg` does: see `runtime::arg_error`.
    fn arg_spec(&self, ident: &Arg, args: &[Arg], piped: bool) -> String {
        let mut entries: Vec<String> = args
            .iter()
            .map(|a| {
                let kind = match a {
                    Arg::String { .. } => 's',
                    Arg::Number(n) if n.int.is_some() => 'i',
                    Arg::Number(_) => 'n',
                    Arg::Bool { .. } => 'b',
                    Arg::Nil { .. } => 'z',
                    Arg::Field { .. } => 'f',
                    Arg::Variable { fields, .. } if !fields.is_empty() => 'f',
                    _ => 'e',
                };
                let at = nodetext::last_evaluated(a);
                self.arg_entry(kind, at.pos(), &nodetext::arg(at))
            })
            .collect();
        if piped {
            let at = args.last().map(nodetext::last_evaluated).unwrap_or(ident);
            entries.push(self.arg_entry('e', at.pos(), &nodetext::arg(at)));
        }
        entries.join("\u{1e}")
    }

    fn arg_entry(&self, kind: char, pos: usize, text: &str) -> String {
        let (line, col) = loc::line_col_indexed(self.source, &self.newlines, pos);
        format!("{kind}{line}:{col}\u{1f}{text}")
    }

    fn list(&mut self, list: &List) {
        self.scopes.push(Vec::new());
        // Runs of texts and printing actions are one call each (see
        // `pipeline::inline_run`); anything else is code of its own.
        let nodes = &list.nodes;
        let mut i = 0;
        while i < nodes.len() {
            let run = nodes[i..]
                .iter()
                .take_while(|n| pipeline::is_inline(n))
                .count();
            if pipeline::worth_a_run(&nodes[i..i + run]) {
                self.inline_run(&nodes[i..i + run]);
            } else {
                for node in &nodes[i..i + run.max(1)] {
                    self.node(node);
                }
            }
            i += run.max(1);
        }
        self.scopes.pop();
    }

    fn node(&mut self, node: &Node) {
        match node {
            Node::Text { pos, end, .. } => self.text(&self.source[*pos..*end]),
            Node::Comment { .. } => {}
            Node::Action { pipe, .. } => {
                if pipe.decl.is_empty() {
                    // Written in place (compiling a pipeline writes nothing
                    // else to the output meanwhile).
                    let mut out = std::mem::take(&mut self.out);
                    out.push_str("{{");
                    let start = out.len();
                    self.pipe_into(pipe, &mut out);
                    // No blanks inside the tags (each costs minijinja's
                    // lexer a round), except before a sign, which would
                    // read as whitespace control (`{{-`).
                    if out[start..].starts_with(['-', '+']) {
                        out.insert(start, ' ');
                    }
                    out.push_str("}}");
                    self.out = out;
                } else {
                    self.declare(pipe);
                }
            }
            Node::If(b) => self.branch(b, false),
            Node::With(b) => self.branch(b, true),
            Node::Range(b) => self.range(b),
            Node::Break { .. } => self.out.push_str("{%break%}"),
            Node::Continue { .. } => self.out.push_str("{%continue%}"),
            Node::Template { pos, name, pipe } => {
                let location = self.loc(*pos, || nodetext::template(name, pipe.as_ref()));
                let dot = match pipe {
                    Some(p) => self.pipe(p),
                    // No data: Go's invalid value, not nil (fields on it are silent).
                    None => "nodata__".to_string(),
                };
                if dot == DOT {
                    // The unit's own dot: the helper looks it up (see `DOT`).
                    push_all(&mut self.out, &["{{", &location, "|f__dtemplate(\""]);
                    push_lit_body(&mut self.out, name);
                    self.out.push_str("\")}}");
                } else {
                    push_all(&mut self.out, &["{{", &location, "|f__template(\""]);
                    push_lit_body(&mut self.out, name);
                    push_all(&mut self.out, &["\",", &dot, ")}}"]);
                }
            }
        }
    }

    /// Text verbatim: as is when minijinja cannot read a tag in it (most
    /// text: no `{{`, `{%` or `{#`, and no `{` at the end that the next tag
    /// would extend), else in raw blocks, split so no piece contains `endraw`.
    fn text(&mut self, text: &str) {
        if text.is_empty() {
            return;
        }
        if self.text_pipeline(text) {
            return;
        }
        if is_plain_text(text) {
            self.out.push_str(text);
            return;
        }
        for (i, piece) in text.split("endraw").enumerate() {
            if i > 0 {
                self.out
                    .push_str("{% raw %}end{% endraw %}{% raw %}raw{% endraw %}");
            }
            if !piece.is_empty() {
                self.out.push_str("{% raw %}");
                self.out.push_str(piece);
                self.out.push_str("{% endraw %}");
            }
        }
    }

    /// An `if`/`with` body: inline, or deferred when it can be.
    fn branch_body(&mut self, list: &Arc<List>) {
        let Some(d) = &self.defer else {
            return self.list(list);
        };
        if !defer::deferrable(list) {
            return self.list(list);
        }
        let scopes: Vec<(String, String)> = self.scopes.iter().flatten().cloned().collect();
        let params = defer::params(
            &self.dot,
            &scopes,
            self.dot_type.as_deref(),
            &self.var_types,
        );
        let args = params.join(",");
        let block = Block {
            list: list.clone(),
            loc_name: self.file.clone(),
            exec_name: self.exec_name.clone(),
            source: d.source.clone(),
            newlines: d.newlines.clone(),
            scopes,
            dot: self.dot.clone(),
            dot_type: self.dot_type.clone(),
            var_types: self.var_types.clone(),
            params,
        };
        let id = match self.defer.as_mut().and_then(|d| d.sink.as_mut()) {
            Some(sink) => {
                sink.push(Arc::new(block));
                sink.len() - 1
            }
            None => 0,
        };
        self.out.push_str("{{");
        push_int(&mut self.out, id);
        push_all(&mut self.out, &["|f__block(", &args, ")}}"]);
    }

    /// The slot of Go variable `name`, innermost scope first.
    fn slot(&self, name: &str) -> Option<&str> {
        self.scopes
            .iter()
            .rev()
            .flat_map(|s| s.iter().rev())
            .find(|(n, _)| n == name)
            .map(|(_, slot)| slot.as_str())
    }

    fn lookup_var(&self, name: &str) -> Option<String> {
        self.slot(name).map(str::to_string)
    }

    /// Reads a Go variable (`$` is `root`; a namespace slot holds its value in `v`).
    fn var_read_into(&self, name: &str, out: &mut String) {
        match self.slot(name) {
            Some(slot) if slot == "root" || is_plain_slot(slot) => out.push_str(slot),
            Some(slot) => {
                out.push_str(slot);
                out.push_str(".v");
            }
            // The parser rejects undefined variables; stay total anyway.
            None => out.push_str("none"),
        }
    }

    /// `$x := value` (new slot) or `$x = value` (existing slot).
    fn bind(&mut self, name: &str, value: &str, assign: bool) {
        if assign && let Some(slot) = self.lookup_var(name) {
            // An assigned value comes out of a pipeline: concretely typed.
            self.var_types.retain(|(s, _)| *s != slot);
            if slot == "root" || is_plain_slot(&slot) {
                push_all(&mut self.out, &["{%set ", &slot, "=", value, "%}"]);
            } else {
                push_all(&mut self.out, &["{%set ", &slot, ".v=", value, "%}"]);
            }
            return;
        }
        // A variable that is never assigned is a plain minijinja variable;
        // one that is lives in a namespace, which an assignment in a
        // `for` body (a minijinja scope) still reaches.
        if !self.assigned.iter().any(|a| a == name) {
            let slot = self.fresh(PLAIN_SLOT);
            push_all(&mut self.out, &["{%set ", &slot, "=", value, "%}"]);
            if let Some(scope) = self.scopes.last_mut() {
                scope.push((name.to_string(), slot));
            }
            return;
        }
        let slot = self.fresh("v");
        push_all(
            &mut self.out,
            &["{%set ", &slot, "=namespace(v=", value, ")%}"],
        );
        if let Some(scope) = self.scopes.last_mut() {
            scope.push((name.to_string(), slot));
        }
    }

    /// An action that declares/assigns variables: prints nothing.
    fn declare(&mut self, pipe: &Pipe) {
        let e = self.pipe(pipe);
        if pipe.is_assign
            && let Some(name) = pipe.decl.iter().find(|n| self.lookup_var(n).is_none())
        {
            // Go's parser accepts `$x = v` for an undeclared `$x`; executing
            // it fails after evaluating the pipeline, at its last node.
            let tmp = self.fresh("d");
            let last = pipe.cmds.last().and_then(|c| c.args.last());
            let location = self.loc(last.map_or(pipe.pos, Arg::pos), || {
                last.map(nodetext::arg).unwrap_or_default()
            });
            let _ = write!(
                self.out,
                "{{%set {tmp}={e}%}}{{{{f__raise({location},{})}}}}",
                lit(&format!("undefined variable: {name}"))
            );
        }
        for name in &pipe.decl {
            self.bind(name, &e, pipe.is_assign);
        }
    }

    fn branch(&mut self, b: &Branch, is_with: bool) {
        self.scopes.push(Vec::new());
        let saved = (self.dot.clone(), self.dot_type.clone());
        if !is_with && b.pipe.decl.is_empty() {
            // Nothing else reads the value: test it in place.
            let condition = self.condition(&b.pipe);
            push_all(&mut self.out, &["{%if ", &condition, "%}"]);
        } else {
            let value = self.pipe(&b.pipe);
            let tmp = self.fresh("d");
            push_all(&mut self.out, &["{%set ", &tmp, "=", &value, "%}"]);
            for name in &b.pipe.decl {
                self.bind(name, &tmp, b.pipe.is_assign);
            }
            push_all(&mut self.out, &["{%if ", &tmp, "|f__truth%}"]);
            if is_with {
                self.dot = tmp;
                self.dot_type = None;
            }
        }
        self.branch_body(&b.list);
        (self.dot, self.dot_type) = saved;
        if let Some(else_list) = &b.else_list {
            self.out.push_str("{%else%}");
            self.branch_body(else_list);
        }
        self.out.push_str("{%endif%}");
        self.scopes.pop();
    }

    fn range(&mut self, b: &Branch) {
        self.scopes.push(Vec::new());
        let value = self.pipe(&b.pipe);
        // Go reports `range can't iterate` at the node last evaluated.
        let location = match b
            .pipe
            .cmds
            .last()
            .and_then(nodetext::last_evaluated_command)
        {
            Some(a) => self.loc(a.pos(), || nodetext::arg(a)),
            None => self.loc(b.pipe.pos, || nodetext::pipe(&b.pipe)),
        };
        let vars = b.pipe.decl.len();
        let item = self.fresh("p");
        let dot = self.fresh("d");
        push_all(
            &mut self.out,
            &[
                "{%for ",
                &item,
                " in ",
                &location,
                "|f__range(",
                &value,
                ",",
            ],
        );
        push_int(&mut self.out, vars);
        self.out.push_str(")%}");
        push_all(&mut self.out, &["{%set ", &dot, "=", &item, "[1]%}"]);
        self.scopes.push(Vec::new());
        match b.pipe.decl.as_slice() {
            [v] => self.bind(v, &format!("{item}[1]"), b.pipe.is_assign),
            [k, v, ..] => {
                self.bind(k, &format!("{item}[0]"), b.pipe.is_assign);
                self.bind(v, &format!("{item}[1]"), b.pipe.is_assign);
            }
            [] => {}
        }
        if let Some(v) = b.pipe.decl.last()
            && !b.pipe.is_assign
            && let Some(slot) = self.lookup_var(v)
        {
            self.var_types.push((slot, format!("{item}[2]")));
        }
        let saved_dot = std::mem::replace(&mut self.dot, dot);
        let saved_type = self.dot_type.replace(format!("{item}[2]"));
        self.list(&b.list);
        self.dot = saved_dot;
        self.dot_type = saved_type;
        self.scopes.pop();
        if let Some(else_list) = &b.else_list {
            self.out.push_str("{%else%}");
            self.list(else_list);
        }
        self.out.push_str("{%endfor%}");
        self.scopes.pop();
    }

    /// A pipeline whose value only decides an `if`: a minijinja boolean.
    /// A lone field read (`if .Values.x.enabled`, the commonest test) is
    /// read and tested by one helper; any other test is one call of its
    /// tree (see `pipeline::condition_pipeline`).
    fn condition(&mut self, pipe: &Pipe) -> String {
        if let [cmd] = pipe.cmds.as_slice()
            && pipe.decl.is_empty()
            && let [field @ Arg::Field { names, .. }] = cmd.args.as_slice()
        {
            return self.field_truth(field, names);
        }
        self.condition_pipeline(pipe)
    }

    /// Go's truth of the field chain `field` of dot, read by one helper.
    fn field_truth(&mut self, field: &Arg, names: &Fields) -> String {
        let mut out = String::with_capacity(48);
        let location = self.loc_index(field.pos(), || nodetext::arg(field), String::new);
        if self.dot == DOT {
            // The dot is the unit's own parameter: the helper looks it up,
            // which saves minijinja parsing an argument.
            field_head(&mut out, location, names, "f__dfield_truth");
            return out;
        }
        field_head(&mut out, location, names, "f__field_truth");
        out.push('(');
        out.push_str(&self.dot);
        field_tail(&mut out, self.dot_type.as_deref());
        out
    }

    /// A pipeline's code.
    fn pipe(&mut self, pipe: &Pipe) -> String {
        let mut out = String::with_capacity(64);
        self.pipe_into(pipe, &mut out);
        out
    }

    /// A pipeline: one call of its tree (see `pipeline`), or, for a bare
    /// variable, dot or literal (cheaper for minijinja as code), its code.
    fn pipe_into(&mut self, pipe: &Pipe, out: &mut String) {
        if self.pipeline_into(pipe, out) {
            return;
        }
        match pipe.cmds.first().and_then(|c| c.args.first()) {
            Some(arg) => self.operand_into(arg, out),
            None => out.push_str("none"),
        }
    }

    /// The code of a bare operand that is a whole command.
    fn operand_into(&mut self, arg: &Arg, out: &mut String) {
        match arg {
            Arg::Dot { .. } => out.push_str(&self.dot),
            Arg::Nil { pos } => {
                let location = self.loc(*pos, || "nil".to_string());
                let _ = write!(out, "f__raise({location},\"nil is not a command\")");
            }
            Arg::Bool { value, .. } => out.push_str(if *value { "true" } else { "false" }),
            Arg::Number(n) if overflows_int(n) => {
                // Go's idealConstant: an integer constant beyond int.
                let location = self.loc(n.pos, || n.text.to_string());
                let message = lit(&format!("{} overflows int", n.text));
                let _ = write!(out, "f__raise({location},{message})");
            }
            Arg::Number(n) => out.push_str(&number(n)),
            Arg::String { value, .. } => {
                out.push('"');
                push_lit_body(out, value);
                out.push('"');
            }
            Arg::Variable { name, fields, .. } if fields.is_empty() => {
                self.var_read_into(name, out);
            }
            // Not bare (see `pipeline::is_trivial`): a call of its tree.
            _ => self.operand_pipeline(arg, out),
        }
    }
}

//! Deferred branches: the body of an `if`/`with` (or its `else`) compiled
//! on the first run that takes it, not with the rest of its template.
//!
//! A chart's templates are mostly branches its values switch off: over the
//! corpus, with each chart's own values, 36% of the generated tags sit in
//! `if`/`with` bodies that never run, and compiling (to minijinja source,
//! then minijinja's own parse and codegen) was half of an audit. Defines
//! are already compiled on first call (see `engine/units.rs`); this does the same
//! one level down.
//!
//! A deferred body becomes a call `ID|f__block(<names>)`. The block keeps
//! its tree and the compiler's view at that point (which Go variables are
//! in scope and in which minijinja names, what dot is, static types); when
//! first called, it is compiled into its own minijinja template as a macro
//! taking exactly those names, so it reads and assigns the same variable
//! slots (`namespace` objects, shared by reference) as inline code would.
//!
//! Only bodies that can run as a macro are deferred: none that `break`s or
//! `continue`s an enclosing `range` (a macro cannot leave its caller's
//! loop) or assigns `$` (a plain minijinja variable, not a slot), and only
//! bodies big enough that compiling them later pays for the call.

use std::sync::Arc;

use super::ast::{Arg, List, Node, Pipe};

/// Bodies with fewer nodes than this compile inline. A deferred body costs
/// a minijinja unit of its own when it runs (loader, compile, import: ~28 k
/// instructions); an inline one costs its share of its template's compile
/// even when it never runs — less since runs of text and actions compile
/// to one call each (`compile::pipeline`). Over the corpus, 16 nodes
/// balance the two (callgrind, `repo --jobs 1`: 8 nodes +0.9%, 12 +0.3%,
/// 22 +0.2%, 32 +0.6%).
const MIN_NODES: usize = 16;

/// A deferred body and the compiler's view where it stood.
#[derive(Debug)]
pub struct Block {
    pub list: Arc<List>,
    /// Template name errors report, and the template being executed.
    pub loc_name: String,
    pub exec_name: String,
    /// The file's text and newline offsets (for locations).
    pub source: Arc<str>,
    pub newlines: Arc<[usize]>,
    /// Visible Go variables -> minijinja slot, outermost first.
    pub scopes: Vec<(String, String)>,
    pub dot: String,
    pub dot_type: Option<String>,
    pub var_types: Vec<(String, String)>,
    /// The minijinja names the block's macro takes (the caller passes its
    /// values of the same names).
    pub params: Vec<String>,
}

/// Whether `list` is worth deferring and can run as a macro.
pub fn deferrable(list: &List) -> bool {
    let mut nodes = 0;
    size_at_least(list, &mut nodes) && macro_safe(list, false)
}

/// Counts nodes until [`MIN_NODES`] (no need to walk further).
fn size_at_least(list: &List, count: &mut usize) -> bool {
    for node in &list.nodes {
        *count += 1;
        if *count >= MIN_NODES {
            return true;
        }
        if let Node::If(b) | Node::With(b) | Node::Range(b) = node {
            if size_at_least(&b.list, count) {
                return true;
            }
            if let Some(e) = &b.else_list
                && size_at_least(e, count)
            {
                return true;
            }
        }
    }
    false
}

/// No `break`/`continue` of a loop outside `list` (`in_range`: inside a
/// range of `list`), no assignment to `$`.
fn macro_safe(list: &List, in_range: bool) -> bool {
    list.nodes.iter().all(|node| match node {
        Node::Break { .. } | Node::Continue { .. } => in_range,
        Node::Action { pipe, .. } => pipe_safe(pipe),
        Node::Template { pipe, .. } => pipe.as_ref().is_none_or(pipe_safe),
        Node::If(b) | Node::With(b) => {
            pipe_safe(&b.pipe)
                && macro_safe(&b.list, in_range)
                && b.else_list.as_ref().is_none_or(|e| macro_safe(e, in_range))
        }
        // A range's `else` runs outside its loop.
        Node::Range(b) => {
            pipe_safe(&b.pipe)
                && macro_safe(&b.list, true)
                && b.else_list.as_ref().is_none_or(|e| macro_safe(e, in_range))
        }
        Node::Text { .. } | Node::Comment { .. } => true,
    })
}

/// No `$ = ...` in the pipeline or its nested pipelines.
fn pipe_safe(pipe: &Pipe) -> bool {
    !(pipe.is_assign && pipe.decl.iter().any(|d| d == "$"))
        && pipe.cmds.iter().all(|c| c.args.iter().all(arg_safe))
}

fn arg_safe(arg: &Arg) -> bool {
    match arg {
        Arg::Pipe(p) => pipe_safe(p),
        Arg::Chain { node, .. } => arg_safe(node),
        _ => true,
    }
}

/// The minijinja names inline code at this point may read: dot, every
/// variable slot (`root` among them when the unit keeps `$`), and the loop
/// items static types refer to (`pN[2]`), each once.
pub fn params(
    dot: &str,
    scopes: &[(String, String)],
    dot_type: Option<&str>,
    var_types: &[(String, String)],
) -> Vec<String> {
    let mut names: Vec<String> = vec![dot.to_string()];
    let item = |expr: &str| expr.split('[').next().unwrap_or(expr).to_string();
    let candidates = scopes
        .iter()
        .map(|(_, slot)| slot.clone())
        .chain(dot_type.map(item))
        .chain(var_types.iter().map(|(_, t)| item(t)));
    for name in candidates {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    names
}

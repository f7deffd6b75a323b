//! Questions the compiler asks of the Go template tree: which variables
//! are assigned, whether `$` is read, what a command returns or takes.

use crate::render::ast::{Arg, Command, List, Node, Number, Pipe};

/// What a unit's tree (deferred branches included) does with variables.
pub(super) struct VariableUse {
    /// The Go variables an `=` assigns: they live in namespaces, which an
    /// assignment in a deferred branch or a loop body still reaches.
    pub(super) assigned: Vec<String>,
    /// Whether anything reads or assigns `$`: only then does a macro keep
    /// its root in `root`.
    pub(super) root: bool,
}

/// One walk over `list` answering [`VariableUse`].
pub(super) fn variable_use(list: &List) -> VariableUse {
    let mut uses = VariableUse {
        assigned: Vec::new(),
        root: false,
    };
    visit_pipes(list, &mut |p| {
        if p.is_assign {
            uses.assigned.extend(p.decl.iter().map(|n| n.to_string()));
        }
        uses.root = uses.root
            || p.decl.iter().any(|d| d == "$")
            || p.cmds.iter().flat_map(|c| &c.args).any(arg_uses_root);
    });
    uses
}

fn arg_uses_root(arg: &Arg) -> bool {
    match arg {
        Arg::Variable { name, .. } => name == "$",
        Arg::Chain { node, .. } => arg_uses_root(node),
        // A nested pipeline is visited on its own.
        _ => false,
    }
}

/// Calls `f` on every pipeline of `list`'s tree, nested ones included.
fn visit_pipes(list: &List, f: &mut impl FnMut(&Pipe)) {
    fn pipe(p: &Pipe, f: &mut impl FnMut(&Pipe)) {
        f(p);
        for a in p.cmds.iter().flat_map(|c| &c.args) {
            arg(a, f);
        }
    }
    fn arg(a: &Arg, f: &mut impl FnMut(&Pipe)) {
        match a {
            Arg::Pipe(p) => pipe(p, f),
            Arg::Chain { node, .. } => arg(node, f),
            _ => {}
        }
    }
    for node in &list.nodes {
        match node {
            Node::Action { pipe: p, .. } => pipe(p, f),
            Node::If(b) | Node::With(b) | Node::Range(b) => {
                pipe(&b.pipe, f);
                visit_pipes(&b.list, f);
                if let Some(e) = &b.else_list {
                    visit_pipes(e, f);
                }
            }
            Node::Template { pipe: Some(p), .. } => pipe(p, f),
            _ => {}
        }
    }
}

/// Go's `parse.IsEmptyTree` for a list.
pub fn is_empty_tree(list: &List) -> bool {
    list.nodes.iter().all(|n| match n {
        Node::Text { blank, .. } => *blank,
        Node::Comment { .. } => true,
        _ => false,
    })
}

/// The one command of `pipe` when it is `and`/`or` with operands or `not`
/// with one (other arities are errors the runtime reports), with its name.
pub(super) fn logic_command(pipe: &Pipe) -> Option<(&str, &Command)> {
    let [cmd] = pipe.cmds.as_slice() else {
        return None;
    };
    if !pipe.decl.is_empty() {
        return None;
    }
    let Some(Arg::Identifier { name, .. }) = cmd.args.first() else {
        return None;
    };
    match (name.as_str(), cmd.args.len() - 1) {
        ("and", n) | ("or", n) if n >= 1 => Some((name.as_str(), cmd)),
        ("not", 1) => Some(("not", cmd)),
        _ => None,
    }
}

/// Whether `cmd` calls a template function whose result is always a Go
/// `bool` (Go's `if` and minijinja's test such a value alike).
pub(super) fn returns_bool(cmd: &Command) -> bool {
    matches!(
        cmd.args.first(),
        Some(Arg::Identifier { name, .. }) if matches!(
            name.as_str(),
            "eq" | "ne" | "lt" | "le" | "gt" | "ge" | "not" | "empty" | "has" | "hasKey"
                | "hasPrefix" | "hasSuffix" | "contains" | "kindIs" | "typeIs" | "typeIsLike"
                | "deepEqual" | "semverCompare" | "regexMatch"
        )
    )
}

/// Whether parameter `i` of the template function `name` has a Go integer
/// type (Sprig's signatures), so a constant argument converts to an int.
pub(crate) fn int_param(name: &str, i: usize) -> bool {
    match name {
        "until" | "seq" | "randAlphaNum" | "randAlpha" | "randNumeric" | "randAscii" => true,
        "untilStep" | "randInt" => i < 3,
        "abbrev" | "trunc" | "repeat" | "indent" | "nindent" | "wrap" | "wrapWith" | "chunk"
        | "mustChunk" => i == 0,
        "abbrevboth" | "substr" => i < 2,
        "plural" | "regexFindAll" | "regexSplit" | "mustRegexFindAll" | "mustRegexSplit" => i == 2,
        "splitn" | "round" => i == 1,
        "derivePassword" => i == 0,
        _ => false,
    }
}

/// An integer-syntax constant (not float syntax) too big for Go's `int`.
pub(super) fn overflows_int(n: &Number) -> bool {
    let text = n.text.to_ascii_lowercase();
    let is_hex_int = text.trim_start_matches(['-', '+']).starts_with("0x") && !text.contains('p');
    let floaty = !is_hex_int && text.contains(['.', 'e', 'p']);
    !n.is_char && !floaty && !text.ends_with('i') && n.int.is_none() && n.float.is_some()
}

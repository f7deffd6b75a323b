//! Pipelines compiled to trees the runtime evaluates (see
//! `runtime::pipeline`): the code of an action is `N|f__p(...)`, one call,
//! instead of one minijinja expression per command and argument.
//!
//! The tree makes the calls the generated code would have made, in the same
//! order, with the same location references (allocated in the same order,
//! so a rebuild of a unit's locations meets them alike): what it renders
//! and how it fails does not change, only who evaluates it.

use minijinja::Value;

use super::code::{is_plain_slot, push_int, push_joined};
use super::tree::{int_param, logic_command, overflows_int, returns_bool};
use super::{Compiler, DOT, TreeBody};
use crate::render::ast::{Arg, Branch, Command, List, Node, Number, Pipe};
use crate::render::nodetext;
use crate::render::runtime::loc;
use crate::render::runtime::pipeline::Expr;

impl Compiler<'_> {
    /// Writes `pipe` as a call of its compiled tree, or, when it is a bare
    /// variable, dot or literal (cheaper as code), as code.
    pub(super) fn pipeline_into(&mut self, pipe: &Pipe, out: &mut String) -> bool {
        if is_trivial(pipe) {
            return false;
        }
        self.tree_call_into(|c| c.pipe_expr(pipe), out);
        true
    }

    /// Builds a tree with `build` (its locals collected apart from those of
    /// any tree being built, its variables numbered from 0) and writes its
    /// call into `out`; returns its index and its locals' code.
    fn tree_call_into(
        &mut self,
        build: impl FnOnce(&mut Self) -> Expr,
        out: &mut String,
    ) -> (usize, Vec<String>) {
        let saved = std::mem::take(&mut self.locals);
        self.tree_vars = 0;
        let expr = build(self);
        let locals = std::mem::replace(&mut self.locals, saved);
        (self.call_pipeline(expr, &locals, out), locals)
    }

    /// The code of an `if` test that is not a lone field read (which its
    /// own helper tests as cheaply): one call of a tree whose value is a
    /// bool.
    pub(super) fn condition_pipeline(&mut self, pipe: &Pipe) -> String {
        let mut out = String::with_capacity(16);
        self.tree_call_into(|c| c.condition_expr(pipe), &mut out);
        out
    }

    /// The code of an operand as one call of its tree.
    pub(super) fn operand_pipeline(&mut self, arg: &Arg, out: &mut String) {
        self.tree_call_into(|c| c.arg_expr(arg), out);
    }

    /// An `if` test: `and`/`or`/`not` over the truth of their operands
    /// (evaluated in order until one decides), a `bool` function's value,
    /// or the truth of the value.
    fn condition_expr(&mut self, pipe: &Pipe) -> Expr {
        if let Some((op, cmd)) = logic_command(pipe) {
            let mut operands: Vec<Expr> = cmd.args[1..]
                .iter()
                .map(|a| match a {
                    Arg::Pipe(p) => self.condition_expr(p),
                    _ => self.arg_truth_expr(a),
                })
                .collect();
            // The deciding operand's truth is the test's.
            return match op {
                "not" => Expr::Not(Box::new(operands.swap_remove(0))),
                "and" => Expr::Truth(Box::new(Expr::And(operands))),
                _ => Expr::Truth(Box::new(Expr::Or(operands))),
            };
        }
        match pipe.cmds.as_slice() {
            [cmd] if pipe.decl.is_empty() && returns_bool(cmd) => self.pipe_expr(pipe),
            [cmd] if pipe.decl.is_empty() && matches!(cmd.args.as_slice(), [Arg::Field { .. }]) => {
                self.arg_truth_expr(&cmd.args[0])
            }
            _ => Expr::Truth(Box::new(self.pipe_expr(pipe))),
        }
    }

    /// Go's truth of an operand.
    fn arg_truth_expr(&mut self, arg: &Arg) -> Expr {
        let value = match arg {
            Arg::Field { .. } => self.field_expr(arg, None),
            _ => self.arg_expr(arg),
        };
        Expr::Truth(Box::new(value))
    }

    /// Registers `expr` and writes its call: `N|f__p`, with the locals;
    /// returns its index.
    fn call_pipeline(&mut self, expr: Expr, locals: &[String], out: &mut String) -> usize {
        let mut locations = self.locations.borrow_mut();
        let index = locations.pipeline_base + locations.pipelines.len();
        locations.pipelines.push(expr);
        drop(locations);
        push_int(out, index);
        out.push_str("|f__p");
        if !locals.is_empty() {
            out.push('(');
            push_joined(out, locals, ",");
            out.push(')');
        }
        index
    }

    /// Writes a long text as a call that prints it: minijinja's lexer
    /// walks template data char by char (counting lines and columns), which
    /// costs it more than a call per text; a YAML block of a few hundred
    /// bytes (a CRD is hundreds of kilobytes) is read by no one then.
    pub(super) fn text_pipeline(&mut self, text: &str) -> bool {
        if text.len() < TEXT_OUT_OF_LINE {
            return false;
        }
        self.out.push_str("{{");
        let mut out = std::mem::take(&mut self.out);
        self.call_pipeline(Expr::Const(Value::from(text)), &[], &mut out);
        out.push_str("}}");
        self.out = out;
        true
    }

    /// A run of texts, printing actions and `template` calls as one call
    /// that prints them all: minijinja then neither lexes the text nor
    /// parses an expression per action. Mirrors `node` for each.
    /// Returns the run's index and its locals' code.
    pub(super) fn inline_run(&mut self, nodes: &[Node]) -> (usize, Vec<String>) {
        let mut out = std::mem::take(&mut self.out);
        out.push_str("{{");
        let call = self.tree_call_into(|c| c.run_expr(nodes), &mut out);
        out.push_str("}}");
        self.out = out;
        call
    }

    /// A macro's whole body as one run: its call, and the tree when the
    /// only minijinja value it reads is `root` (the macro's dot).
    pub(super) fn body_run(&mut self, nodes: &[Node]) -> Option<TreeBody> {
        let (pipeline, locals) = self.inline_run(nodes);
        let reads_root = match locals.as_slice() {
            [] => false,
            [root] if root == "root" => true,
            _ => return None,
        };
        Some(TreeBody {
            pipeline,
            reads_root,
        })
    }

    /// The tree of a run: each node's value, printed in order.
    fn run_expr(&mut self, nodes: &[Node]) -> Expr {
        let mut parts = Vec::with_capacity(nodes.len());
        for node in nodes {
            match node {
                Node::Text { pos, end, .. } if end > pos => {
                    parts.push(Expr::Const(Value::from(&self.source[*pos..*end])));
                }
                Node::Action { pipe, .. } if pipe.decl.is_empty() => {
                    parts.push(self.pipe_expr(pipe))
                }
                Node::Action { pipe, .. } => parts.push(self.set_expr(pipe)),
                Node::If(b) => {
                    // As `Compiler::branch`: the test, then each branch.
                    let test = self.condition_expr(&b.pipe);
                    let then = self.scoped_run(&b.list.nodes);
                    let otherwise = b.else_list.as_ref().map(|l| self.scoped_run(&l.nodes));
                    parts.push(Expr::If {
                        test: Box::new(test),
                        then: Box::new(then),
                        otherwise: otherwise.map(Box::new),
                    });
                }
                Node::With(b) => {
                    // As `Compiler::branch`: the value, then each branch,
                    // the first with the value as dot.
                    let value = self.pipe_expr(&b.pipe);
                    let dot = tree_name(WITH_DOT, self.tree_withs);
                    self.tree_withs += 1;
                    let saved = std::mem::replace(&mut self.dot, dot);
                    let saved_type = self.dot_type.take();
                    let then = self.scoped_run(&b.list.nodes);
                    (self.dot, self.dot_type) = (saved, saved_type);
                    self.tree_withs -= 1;
                    let otherwise = b.else_list.as_ref().map(|l| self.scoped_run(&l.nodes));
                    parts.push(Expr::With {
                        value: Box::new(value),
                        then: Box::new(then),
                        otherwise: otherwise.map(Box::new),
                    });
                }
                Node::Range(b) => parts.push(self.range_expr(b)),
                Node::Template { pos, name, pipe } => {
                    let text = || nodetext::template(name, pipe.as_ref());
                    let location = self.loc_index(*pos, text, String::new);
                    let mut reference = String::new();
                    loc::write_reference(&mut reference, location);
                    let dot = match pipe {
                        Some(p) => self.pipe_expr(p),
                        // No data: Go's invalid value, not nil.
                        None => Expr::Const(Value::UNDEFINED),
                    };
                    parts.push(Expr::Template {
                        location: reference.into(),
                        name: name.as_str().into(),
                        dot: Box::new(dot),
                    });
                }
                _ => {}
            }
        }
        Expr::Concat(parts)
    }

    /// A `range` of a run, as `Compiler::range` compiles it: the value,
    /// the location, then the body with the item's value as dot and its
    /// key and value as the variables, then the `else` branch.
    fn range_expr(&mut self, b: &Branch) -> Expr {
        self.scopes.push(Vec::new());
        let value = self.pipe_expr(&b.pipe);
        let at = b
            .pipe
            .cmds
            .last()
            .and_then(nodetext::last_evaluated_command);
        let location = match at {
            Some(a) => self.loc_index(a.pos(), || nodetext::arg(a), String::new),
            None => self.loc_index(b.pipe.pos, || nodetext::pipe(&b.pipe), String::new),
        };
        let mut reference = String::new();
        loc::write_reference(&mut reference, location);
        let depth = self.tree_ranges;
        let part = |part: usize| tree_name(RANGE_ITEM, depth * ITEM_PARTS + part);
        self.tree_ranges += 1;
        self.scopes.push(Vec::new());
        let types = self.var_types.len();
        // The variables are the tree's (an `=` in the body may assign
        // them), set to the item's key and value on each iteration.
        let (key_var, value_var) = match b.pipe.decl.as_slice() {
            [v] => (None, Some((v, self.tree_var()))),
            [k, v, ..] => (Some((k, self.tree_var())), Some((v, self.tree_var()))),
            [] => (None, None),
        };
        for (name, (_, marker)) in key_var.iter().chain(&value_var) {
            if let Some(scope) = self.scopes.last_mut() {
                scope.push((name.to_string(), marker.clone()));
            }
        }
        if let Some((_, (_, marker))) = &value_var {
            self.var_types.push((marker.clone(), part(2)));
        }
        let saved_dot = std::mem::replace(&mut self.dot, part(1));
        let saved_type = self.dot_type.replace(part(2));
        let body = self.run_expr(&b.list.nodes);
        self.dot = saved_dot;
        self.dot_type = saved_type;
        self.var_types.truncate(types);
        self.scopes.pop();
        self.tree_ranges -= 1;
        let otherwise = b.else_list.as_ref().map(|l| self.scoped_run(&l.nodes));
        self.scopes.pop();
        Expr::Range {
            location: reference.into(),
            value: Box::new(value),
            key_var: key_var.map(|(_, (slot, _))| slot),
            value_var: value_var.map(|(_, (slot, _))| slot),
            body: Box::new(body),
            otherwise: otherwise.map(Box::new),
        }
    }

    /// A new variable of the tree being built, and the compiler's name for
    /// it (see [`TREE_VAR`]).
    fn tree_var(&mut self) -> (usize, String) {
        let slot = self.tree_vars;
        self.tree_vars += 1;
        (slot, tree_name(TREE_VAR, slot))
    }

    /// `$x := value` or `$x = value` in a whole body's tree (see
    /// `is_inline_in_body`), as `Compiler::declare` compiles it: the value,
    /// then a new variable of the tree or the one declared before.
    fn set_expr(&mut self, pipe: &Pipe) -> Expr {
        let value = Box::new(self.pipe_expr(pipe));
        let [name] = pipe.decl.as_slice() else {
            return *value;
        };
        if !pipe.is_assign {
            let (slot, marker) = self.tree_var();
            if let Some(scope) = self.scopes.last_mut() {
                scope.push((name.to_string(), marker));
            }
            return Expr::Set { slot, value };
        }
        if let Some((TREE_VAR, slot)) = self.slot(name).and_then(read_tree_name) {
            return Expr::Set { slot, value };
        }
        // Go's parser accepts `$x = v` for an undeclared `$x`; executing it
        // fails after evaluating the pipeline, at its last node.
        let last = pipe.cmds.last().and_then(|c| c.args.last());
        let location = self.loc_index(
            last.map_or(pipe.pos, Arg::pos),
            || last.map(nodetext::arg).unwrap_or_default(),
            String::new,
        );
        let raise = self.raise(location, format!("undefined variable: {name}"));
        Expr::Concat(vec![*value, raise])
    }

    /// A branch's run: the variables it declares end with it.
    fn scoped_run(&mut self, nodes: &[Node]) -> Expr {
        self.scopes.push(Vec::new());
        let run = self.run_expr(nodes);
        self.scopes.pop();
        run
    }

    /// The location of a call's command (which its head names); the
    /// identifier's, with the argument spec, is the next one.
    fn call_location(
        &self,
        (cmd_pos, cmd_text): (usize, impl FnOnce() -> String),
        (pos, name): (usize, &str),
        spec: impl FnOnce() -> String,
    ) -> usize {
        let cmd_loc = self.loc_index(cmd_pos, cmd_text, String::new);
        self.loc_index(pos, || name.to_string(), spec);
        cmd_loc
    }

    /// The local (an argument of `f__p`) holding the value of code `code`,
    /// or the dot of a `with` of the tree (see [`WITH_DOT`]).
    fn local(&mut self, code: String) -> Expr {
        match read_tree_name(&code) {
            Some((WITH_DOT, depth)) => return Expr::WithDot(depth),
            Some((TREE_VAR, slot)) => return Expr::Var(slot),
            Some((_, n)) => {
                return Expr::Item {
                    depth: n / ITEM_PARTS,
                    part: n % ITEM_PARTS,
                };
            }
            None => {}
        }
        match self.locals.iter().position(|l| *l == code) {
            Some(i) => Expr::Local(i),
            None => {
                self.locals.push(code);
                Expr::Local(self.locals.len() - 1)
            }
        }
    }

    fn pipe_expr(&mut self, pipe: &Pipe) -> Expr {
        let Some((last, first)) = pipe.cmds.split_last() else {
            return Expr::Const(Value::from(()));
        };
        let mut piped: Option<Expr> = None;
        for cmd in first {
            piped = Some(self.command_expr(cmd, piped));
        }
        self.command_expr(last, piped)
    }

    fn raise(&self, location: usize, message: String) -> Expr {
        let mut reference = String::new();
        loc::write_reference(&mut reference, location);
        Expr::Raise {
            location: reference.into(),
            message: message.into(),
        }
    }

    fn command_expr(&mut self, cmd: &Command, piped: Option<Expr>) -> Expr {
        let cmd_text = || nodetext::command(cmd);
        let Some(first) = cmd.args.first() else {
            let location = self.loc_index(cmd.pos, cmd_text, String::new);
            return self.raise(location, "empty command".to_string());
        };
        let args = &cmd.args[1..];
        let is_piped = piped.is_some();
        let has_args = !args.is_empty() || is_piped;
        match first {
            Arg::Identifier { pos, name } => {
                let spec = || self.arg_spec(first, args, is_piped);
                let location = self.call_location((cmd.pos, cmd_text), (*pos, name), spec);
                self.call_expr(location, name, args, piped)
            }
            Arg::Field { .. } | Arg::Chain { .. } if has_args => {
                self.field_expr(first, Some((args, piped)))
            }
            Arg::Variable { fields, .. } if has_args && !fields.is_empty() => {
                self.field_expr(first, Some((args, piped)))
            }
            Arg::Nil { pos } => {
                let location = self.loc_index(*pos, || "nil".to_string(), String::new);
                self.raise(location, "nil is not a command".to_string())
            }
            _ if has_args => {
                let text = nodetext::arg(first);
                let location = self.loc_index(first.pos(), || text.clone(), String::new);
                self.raise(
                    location,
                    format!("can't give argument to non-function {text}"),
                )
            }
            _ => self.arg_expr(first),
        }
    }

    /// A field chain (`.A.B`, `$x.A.B`, `(pipe).A.B`), a method call when
    /// `call` gives its arguments (and piped value). Go evaluates a chain's
    /// operand first and never re-positions for the fields, so errors of a
    /// chain name the operand's last evaluated node. The unit's own dot is
    /// looked up by the runtime, any other base is a local.
    fn field_expr(&mut self, arg: &Arg, call: Option<(&[Arg], Option<Expr>)>) -> Expr {
        let (at, names) = match arg {
            Arg::Field { names, .. } | Arg::Variable { fields: names, .. } => (arg, names),
            Arg::Chain { node, fields, .. } => (nodetext::last_evaluated(node), fields),
            _ => return self.arg_expr(arg),
        };
        let has_call = call.is_some();
        let spec = || match &call {
            Some((args, piped)) => self.arg_spec(at, args, piped.is_some()),
            None => String::new(),
        };
        let location = self.loc_index(at.pos(), || nodetext::arg(at), spec);
        let mut head = String::with_capacity(8 + names.dotted().len());
        loc::write_reference(&mut head, location);
        if let Some(dotted) = names.dotted().strip_prefix('.') {
            head.push(' ');
            head.push_str(dotted);
        }
        let (base, base_type) = match arg {
            Arg::Field { .. } if self.dot == DOT => (Expr::UnitDot, None),
            Arg::Variable { name, .. } => (self.var_expr(name), self.var_type(name)),
            Arg::Chain { node, .. } => (self.arg_expr(node), None),
            _ => (self.local(self.dot.clone()), self.dot_type.clone()),
        };
        let args = call.map(|(args, piped)| self.args_expr(None, args, piped));
        debug_assert_eq!(args.is_some(), has_call);
        let base_type = base_type.map(|t| Box::new(self.local(t)));
        Expr::Field {
            head: head.into(),
            base: Box::new(base),
            args,
            base_type,
        }
    }

    fn var_expr(&mut self, name: &str) -> Expr {
        match self.slot(name).map(str::to_string) {
            Some(slot)
                if slot == "root" || is_plain_slot(&slot) || read_tree_name(&slot).is_some() =>
            {
                self.local(slot)
            }
            Some(slot) => self.local(slot + ".v"),
            None => Expr::Const(Value::from(())),
        }
    }

    fn args_expr(&mut self, func: Option<&str>, args: &[Arg], piped: Option<Expr>) -> Vec<Expr> {
        let mut exprs = Vec::with_capacity(args.len() + 1);
        for (i, a) in args.iter().enumerate() {
            exprs.push(match func {
                Some(func) => self.call_arg_expr(func, i, a),
                None => self.arg_expr(a),
            });
        }
        exprs.extend(piped);
        exprs
    }

    fn call_expr(&mut self, cmd_loc: usize, name: &str, args: &[Arg], piped: Option<Expr>) -> Expr {
        if (name == "and" || name == "or") && (!args.is_empty() || piped.is_some()) {
            let operands = self.args_expr(Some(name), args, piped);
            return match name {
                "and" => Expr::And(operands),
                _ => Expr::Or(operands),
            };
        }
        let mut head = String::with_capacity(8 + name.len());
        loc::write_reference(&mut head, cmd_loc);
        head.push(' ');
        head.push_str(crate::render::funcs::PREFIX);
        head.push_str(name);
        Expr::Call {
            head: head.into(),
            args: self.args_expr(Some(name), args, piped),
        }
    }

    fn call_arg_expr(&mut self, func: &str, i: usize, arg: &Arg) -> Expr {
        match arg {
            Arg::Number(n) if int_param(func, i) => match n.int {
                Some(v) if !n.text.to_ascii_lowercase().ends_with('i') => int_const(v),
                _ => self.arg_expr(arg),
            },
            _ => self.arg_expr(arg),
        }
    }

    fn arg_expr(&mut self, arg: &Arg) -> Expr {
        match arg {
            Arg::Dot { .. } if self.dot == DOT => Expr::UnitDot,
            Arg::Dot { .. } => self.local(self.dot.clone()),
            Arg::Nil { .. } => Expr::Const(Value::from(())),
            Arg::Bool { value, .. } => Expr::Const(Value::from(*value)),
            Arg::Number(n) if overflows_int(n) => {
                let location = self.loc_index(n.pos, || n.text.to_string(), String::new);
                self.raise(location, format!("{} overflows int", n.text))
            }
            Arg::Number(n) => number_expr(n),
            Arg::String { value, .. } => Expr::Const(Value::from(value.as_str())),
            Arg::Variable { name, fields, .. } if fields.is_empty() => self.var_expr(name),
            Arg::Field { .. } | Arg::Variable { .. } | Arg::Chain { .. } => {
                self.field_expr(arg, None)
            }
            Arg::Identifier { pos, name } => {
                let cmd = (*pos, || name.to_string());
                let location = self.call_location(cmd, (*pos, name), String::new);
                self.call_expr(location, name, &[], None)
            }
            Arg::Pipe(p) => self.pipe_expr(p),
        }
    }
}

/// Nodes a run printed by one call may hold: texts, comments, printing
/// actions and `template` calls, and `if`s, `with`s and `range`s of only
/// such nodes (up to [`max_folded`]).
pub(super) fn is_inline(node: &Node) -> bool {
    let mut count = 0;
    inline_within(node, &mut count, false)
}

/// Nodes a unit's whole body printed by one tree may hold: inline nodes,
/// and declarations and assignments of variables (not `$`), which the
/// tree keeps: nothing outside it can read them.
pub(super) fn is_inline_in_body(node: &Node) -> bool {
    let mut count = 0;
    inline_within(node, &mut count, true)
}

/// An `if`, `with` or `range` folds into a run when its test declares no
/// variable (a range's own excepted) and its branches hold only inline
/// nodes, at most [`max_folded`] in all.
/// `count` counts the nodes seen, so the walk stops there, however deep
/// the nesting.
fn inline_within(node: &Node, count: &mut usize, declare: bool) -> bool {
    *count += 1;
    match node {
        Node::Text { .. } | Node::Comment { .. } | Node::Template { .. } => true,
        Node::Action { pipe, .. } => match pipe.decl.as_slice() {
            [] => true,
            [name] => declare && name != "$",
            _ => false,
        },
        Node::If(b) | Node::With(b) | Node::Range(b) => {
            let branch = |list: &List, count: &mut usize| {
                list.nodes
                    .iter()
                    .all(|n| *count < max_folded(declare) && inline_within(n, count, declare))
            };
            let decl_ok = match node {
                // A range's variables are its own (not an assignment).
                Node::Range(_) => !b.pipe.is_assign && !b.pipe.decl.iter().any(|d| d == "$"),
                _ => b.pipe.decl.is_empty(),
            };
            decl_ok
                && branch(&b.list, count)
                && b.else_list.as_ref().is_none_or(|l| branch(l, count))
                && *count <= max_folded(declare)
        }
        _ => false,
    }
}

/// Inside a tree, the compiler's names for dot, variables and static types
/// (which outside a tree are minijinja code) name the tree's own values: a
/// kind character no minijinja code starts with, then a number. The dot of
/// the `with` at that depth of the tree:
const WITH_DOT: char = '\u{1}';
/// The tree's variable of that slot:
const TREE_VAR: char = '\u{2}';
/// Part `n % ITEM_PARTS` (key, value, static type) of the item of the
/// `range` at depth `n / ITEM_PARTS` of the tree:
const RANGE_ITEM: char = '\u{3}';
const ITEM_PARTS: usize = 3;

fn tree_name(kind: char, n: usize) -> String {
    let mut name = String::with_capacity(4);
    name.push(kind);
    push_int(&mut name, n);
    name
}

/// The kind and number of a [`tree_name`]; `None` for minijinja code.
fn read_tree_name(name: &str) -> Option<(char, usize)> {
    let mut chars = name.chars();
    let kind = chars
        .next()
        .filter(|k| matches!(*k, WITH_DOT | TREE_VAR | RANGE_ITEM))?;
    Some((kind, chars.as_str().parse().ok()?))
}

/// The most nodes an `if` folded into a run holds, itself included. A
/// bigger one is left to `Compiler::branch`, which may defer its bodies
/// (compile them only when they run, see `render::defer`), where folding
/// builds their trees whether they run or not. Over the corpus (callgrind,
/// `repo --jobs 1`): 7 nodes 4.24 G instructions, 15 4.23, 31 4.19, 63
/// 4.18, 255 4.18.
const MAX_FOLDED: usize = 63;

/// The most nodes an `if`, `with` or `range` folds with: `MAX_FOLDED` in
/// a run, any number in a whole body's tree (there the tree is built
/// instead of its minijinja code, bodies that would be deferred included:
/// 63 nodes 3.826 G instructions, 255 3.821, any 3.808).
fn max_folded(whole_body: bool) -> usize {
    match whole_body {
        true => usize::MAX,
        false => MAX_FOLDED,
    }
}

/// Whether a run is worth one call: it holds an `if`, `with` or `range`
/// (one call instead of a test and its branches), or prints at least two
/// things, one of them computed.
pub(super) fn worth_a_run(nodes: &[Node]) -> bool {
    if nodes
        .iter()
        .any(|n| matches!(n, Node::If(_) | Node::With(_) | Node::Range(_)))
    {
        return true;
    }
    let printing = nodes
        .iter()
        .filter(|n| match n {
            Node::Text { pos, end, .. } => end > pos,
            Node::Comment { .. } => false,
            _ => true,
        })
        .count();
    printing >= 2
        && nodes
            .iter()
            .any(|n| !matches!(n, Node::Text { .. } | Node::Comment { .. }))
}

/// Texts this long or longer are printed by a call (see `text_pipeline`).
const TEXT_OUT_OF_LINE: usize = 256;

/// A pipeline of one bare argument that minijinja reads as cheaply as a
/// call: a variable, dot or literal.
fn is_trivial(pipe: &Pipe) -> bool {
    match pipe.cmds.as_slice() {
        [cmd] => match cmd.args.as_slice() {
            [arg] => match arg {
                Arg::Dot { .. }
                | Arg::Nil { .. }
                | Arg::Bool { .. }
                | Arg::String { .. }
                | Arg::Number(_) => true,
                Arg::Variable { fields, .. } => fields.is_empty(),
                _ => false,
            },
            _ => false,
        },
        _ => false,
    }
}

/// An integer literal as minijinja's lexer makes it: unsigned, negated
/// when negative.
fn int_const(v: i64) -> Expr {
    Expr::Const(match u64::try_from(v) {
        Ok(u) => Value::from(u),
        Err(_) => Value::from(v),
    })
}

/// The value of `code::number`'s code for `n`.
fn number_expr(n: &Number) -> Expr {
    let text = n.text.to_ascii_lowercase();
    if !n.is_char
        && let Some(imag) = text.strip_suffix('i')
        && let Ok(im) = imag.replace('_', "").parse::<f64>()
    {
        return Expr::Imaginary(im);
    }
    let is_hex = text.trim_start_matches(['-', '+']).starts_with("0x");
    let floaty = !n.is_char && !is_hex && text.contains(['.', 'e', 'p']);
    if !floaty && let Some(i) = n.int {
        return int_const(i);
    }
    match n.float {
        Some(f) if f.is_finite() => Expr::Const(Value::from(f)),
        _ => Expr::Const(Value::from(())),
    }
}

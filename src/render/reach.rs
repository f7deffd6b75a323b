//! Which `define`s a render can reach, found before compiling.
//!
//! A chart tree carries every helper of every library it vendors (a Bitnami
//! chart ships `common` once per subchart), yet a render calls about a third
//! of them. Compiling to minijinja is the most expensive step of a chart's
//! audit, so the engine compiles only the defines reachable from the template
//! bodies through `include "name"` and `{{ template "name" }}` with literal
//! names, and keeps the others aside for `tpl` text, which may name any of
//! them at run time. One `include` with a computed name makes everything
//! reachable, as it could call anything.

use std::collections::{HashMap, HashSet};

use super::ast::{Arg, List, Node, Pipe, TemplateFile};
use super::compile::is_empty_tree;

/// A define of a chart: (file index, define index in that file).
pub type DefineAt = (usize, usize);

/// What the engine compiles of a chart's parsed files.
pub struct Plan {
    /// Go's name table after precedence: every template name, with the file
    /// whose body it names (`None`) or the define it names.
    pub table: Vec<(String, (usize, Option<usize>))>,
    /// The defines to compile into the chart template.
    pub compile: HashSet<DefineAt>,
    /// The named defines left out that `tpl` text may still call (empty when
    /// nothing reached calls `tpl`).
    pub left_out: HashSet<DefineAt>,
}

/// Plans the compile of `files` (named `names`, in Helm's order): Go's
/// name table (a file body under its name, then its defines; an empty
/// redefinition never replaces a template), and the defines reached from
/// the bodies (all of them when an include's name could be anything).
pub fn plan(names: &[&str], files: &[TemplateFile]) -> Plan {
    let mut table: HashMap<&str, (usize, Option<usize>)> = HashMap::new();
    let mut empty: HashMap<&str, bool> = HashMap::new();
    for (fi, file) in files.iter().enumerate() {
        table.insert(names[fi], (fi, None));
        for (di, d) in file.defines.iter().enumerate() {
            let is_empty = is_empty_tree(&d.body);
            if is_empty
                && table.contains_key(d.name.as_str())
                && !empty.get(d.name.as_str()).copied().unwrap_or(false)
            {
                continue;
            }
            empty.insert(&d.name, is_empty);
            table.insert(&d.name, (fi, Some(di)));
        }
    }
    let mut roots = Calls::default();
    for file in files {
        roots.scan(&file.root);
    }
    let all: Vec<&str> = table.keys().copied().collect();
    let (reached, flags) = closure(roots, &all, |name| match table.get(name) {
        Some(&(fi, Some(di))) => Some(&files[fi].defines[di].body),
        _ => None,
    });
    let named: HashSet<DefineAt> = table
        .values()
        .filter_map(|&(fi, di)| di.map(|di| (fi, di)))
        .collect();
    let compile: HashSet<DefineAt> = if flags.dynamic {
        named.clone()
    } else {
        reached
            .iter()
            .filter_map(|n| table.get(n.as_str()).and_then(|&(fi, di)| Some((fi, di?))))
            .collect()
    };
    let left_out = if flags.tpl {
        named.difference(&compile).copied().collect()
    } else {
        HashSet::new()
    };
    Plan {
        table: table
            .into_iter()
            .map(|(name, at)| (name.to_string(), at))
            .collect(),
        compile,
        left_out,
    }
}

/// The define names that one piece of template code calls.
#[derive(Debug, Default)]
pub struct Calls {
    /// Literal names of `include` and `template`.
    pub names: Vec<String>,
    /// Computed `include` names, each known to contain all of its pieces
    /// (`include (print $.Template.BasePath "/configmap.yaml") .`, the
    /// checksum idiom, can only name a define containing "/configmap.yaml").
    pub patterns: Vec<Vec<String>>,
    /// An `include` whose name is computed and could be anything.
    pub dynamic: bool,
    /// A `tpl` call (its text may call any define).
    pub tpl: bool,
}

impl Calls {
    /// Adds what `list` calls.
    pub fn scan(&mut self, list: &List) {
        for node in &list.nodes {
            self.node(node);
        }
    }

    fn node(&mut self, node: &Node) {
        match node {
            Node::Text { .. } | Node::Comment { .. } | Node::Break { .. } => {}
            Node::Continue { .. } => {}
            Node::Action { pipe, .. } => self.pipe(pipe),
            Node::If(b) | Node::With(b) | Node::Range(b) => {
                self.pipe(&b.pipe);
                self.scan(&b.list);
                if let Some(e) = &b.else_list {
                    self.scan(e);
                }
            }
            Node::Template { name, pipe, .. } => {
                self.names.push(name.clone());
                if let Some(p) = pipe {
                    self.pipe(p);
                }
            }
        }
    }

    fn pipe(&mut self, pipe: &Pipe) {
        for cmd in &pipe.cmds {
            for (i, arg) in cmd.args.iter().enumerate() {
                match arg {
                    Arg::Identifier { name, .. } if name == "include" => {
                        match (i, cmd.args.get(1)) {
                            (0, Some(arg)) => self.name_arg(arg),
                            _ => self.dynamic = true,
                        }
                    }
                    Arg::Identifier { name, .. } if name == "tpl" => self.tpl = true,
                    _ => self.arg(arg),
                }
            }
        }
    }

    /// The name argument of an `include`: a literal, a `ternary` of names,
    /// a `print`/`printf` with literal pieces, or anything.
    fn name_arg(&mut self, arg: &Arg) {
        match arg {
            Arg::String { value, .. } => self.names.push(value.clone()),
            Arg::Pipe(p) if p.decl.is_empty() && p.cmds.len() == 1 => {
                let args = &p.cmds[0].args;
                match args.first() {
                    Some(Arg::Identifier { name, .. }) if name == "ternary" && args.len() == 4 => {
                        self.name_arg(&args[1]);
                        self.name_arg(&args[2]);
                        self.arg(&args[3]);
                    }
                    Some(Arg::Identifier { name, .. }) if name == "print" || name == "printf" => {
                        let mut pieces = Vec::new();
                        for (i, a) in args.iter().enumerate().skip(1) {
                            match a {
                                Arg::String { value, .. } if name == "printf" && i == 1 => {
                                    pieces.extend(format_pieces(value));
                                }
                                Arg::String { value, .. } => pieces.push(value.clone()),
                                other => self.arg(other),
                            }
                        }
                        pieces.retain(|p| !p.is_empty());
                        if pieces.is_empty() {
                            self.dynamic = true;
                        } else {
                            self.patterns.push(pieces);
                        }
                    }
                    _ => {
                        self.dynamic = true;
                        self.pipe(p);
                    }
                }
            }
            other => {
                self.dynamic = true;
                self.arg(other);
            }
        }
    }

    fn arg(&mut self, arg: &Arg) {
        match arg {
            Arg::Pipe(p) => self.pipe(p),
            Arg::Chain { node, .. } => self.arg(node),
            _ => {}
        }
    }
}

/// The text a `printf` format prints verbatim around its verbs.
fn format_pieces(format: &str) -> Vec<String> {
    let mut pieces = vec![String::new()];
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            pieces.last_mut().expect("never empty").push(c);
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            pieces.last_mut().expect("never empty").push('%');
            continue;
        }
        // Flags, width, precision, argument indexes, then the verb letter.
        for c in chars.by_ref() {
            if c.is_ascii_alphabetic() {
                break;
            }
        }
        pieces.push(String::new());
    }
    pieces
}

/// The closure of `roots` under calls: `body(name)` gives the code a name
/// runs (`None` for an unknown name or one already compiled elsewhere), and
/// `names` every name a computed `include` could hit. Returns the reached
/// names in discovery order, and whether an `include` that could name
/// anything or a `tpl` call was reached.
pub fn closure<'a>(
    roots: Calls,
    names: &[&str],
    mut body: impl FnMut(&str) -> Option<&'a List>,
) -> (Vec<String>, Calls) {
    let mut seen: HashSet<String> = HashSet::new();
    let mut order = Vec::new();
    let mut flags = Calls {
        dynamic: roots.dynamic,
        tpl: roots.tpl,
        ..Calls::default()
    };
    let matching = |pieces: &[String]| {
        names
            .iter()
            .filter(|n| pieces.iter().all(|p| n.contains(p.as_str())))
            .map(|n| n.to_string())
            .collect::<Vec<_>>()
    };
    let mut work = roots.names;
    for p in &roots.patterns {
        work.extend(matching(p));
    }
    while let Some(name) = work.pop() {
        if !seen.insert(name.clone()) {
            continue;
        }
        if let Some(list) = body(&name) {
            let mut calls = Calls::default();
            calls.scan(list);
            flags.dynamic |= calls.dynamic;
            flags.tpl |= calls.tpl;
            work.extend(calls.names);
            for p in &calls.patterns {
                work.extend(matching(p));
            }
            order.push(name);
        }
    }
    (order, flags)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::parse::parse;

    fn calls(src: &str) -> Calls {
        let funcs = ["include", "tpl", "printf", "print", "ternary", "lower"];
        let file = parse("t", src, &|n| funcs.contains(&n)).expect("parses");
        let mut c = Calls::default();
        c.scan(&file.root);
        c
    }

    #[test]
    fn literal_includes_and_template_actions_are_names() {
        let c = calls(
            r#"{{ include "a" . }}{{ if (include "b" .) }}{{ template "c" . }}{{ end }}{{ . | include "d" }}"#,
        );
        assert_eq!(c.names, ["a", "b", "c", "d"]);
        assert!(!c.dynamic && !c.tpl);
    }

    #[test]
    fn a_computed_name_or_tpl_is_flagged() {
        assert!(calls(r#"{{ $n := "a" }}{{ include $n . }}"#).dynamic);
        assert!(calls(r#"{{ include (lower "A") . }}"#).dynamic);
        assert!(calls(r#"{{ include (print .x) . }}"#).dynamic);
        assert!(calls(r#"{{ tpl "{{ .x }}" . }}"#).tpl);
    }

    #[test]
    fn computed_names_keep_their_literal_pieces() {
        let c = calls(
            r#"{{ include (print $.Template.BasePath "/cm.yaml") . }}{{ include (printf "%s.full%%name-%-5d" .a 3) . }}"#,
        );
        assert!(!c.dynamic);
        assert_eq!(c.patterns, [vec!["/cm.yaml"], vec![".full%name-"]]);
        let t = calls(r#"{{ include (ternary "a" "b" .c) . }}"#);
        assert_eq!(t.names, ["a", "b"]);
        assert!(!t.dynamic);
    }

    #[test]
    fn the_plan_follows_go_precedence_and_compiles_what_is_reached() {
        let is_fn = |n: &str| ["include", "tpl"].contains(&n);
        let files = [
            parse("c/templates/b.yaml", r#"{{ include "x" . }}"#, &is_fn).unwrap(),
            parse(
                "c/templates/_a.tpl",
                r#"{{ define "x" }}first{{ end }}{{ define "x" }} {{ end }}{{ define "y" }}y{{ end }}"#,
                &is_fn,
            )
            .unwrap(),
            parse("c/templates/_z.tpl", r#"{{ define "x" }}{{ include "z" . }}{{ end }}{{ define "z" }}{{ end }}"#, &is_fn)
                .unwrap(),
        ];
        let names = [
            "c/templates/b.yaml",
            "c/templates/_a.tpl",
            "c/templates/_z.tpl",
        ];
        let plan = plan(&names, &files);
        let at = |n: &str| plan.table.iter().find(|(k, _)| k == n).map(|(_, at)| *at);
        // The later non-empty "x" wins; an empty one never replaces a define.
        assert_eq!(at("x"), Some((2, Some(0))));
        assert_eq!(at("c/templates/b.yaml"), Some((0, None)));
        let mut compiled: Vec<_> = plan.compile.iter().copied().collect();
        compiled.sort();
        assert_eq!(compiled, [(2, 0), (2, 1)], "x and the z it includes, not y");
        assert!(plan.left_out.is_empty(), "nothing calls tpl");
    }

    #[test]
    fn a_pattern_reaches_every_define_containing_its_pieces() {
        let x = parse("x", "x", &|_| false).unwrap();
        let (order, _) = closure(
            Calls {
                patterns: vec![vec![".fullname".into()]],
                ..Calls::default()
            },
            &["a.fullname", "b.fullname", "a.name"],
            |_| Some(&x.root),
        );
        let mut order = order;
        order.sort();
        assert_eq!(order, ["a.fullname", "b.fullname"]);
    }

    #[test]
    fn the_closure_follows_defines_and_stops_at_unknown_names() {
        let a = parse(
            "a",
            r#"{{ include "b" . }}{{ include "missing" . }}"#,
            &|n| n == "include",
        )
        .unwrap();
        let b = parse("b", r#"{{ template "a" . }}{{ tpl "x" . }}"#, &|n| {
            n == "tpl"
        })
        .unwrap();
        let (order, flags) = closure(
            Calls {
                names: vec!["a".into()],
                ..Calls::default()
            },
            &["a", "b"],
            |n| match n {
                "a" => Some(&a.root),
                "b" => Some(&b.root),
                _ => None,
            },
        );
        assert_eq!(order, ["a", "b"]);
        assert!(flags.tpl && !flags.dynamic);
    }
}

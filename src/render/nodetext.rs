//! Go's `Node.String()` for pipelines, commands and arguments: the text
//! shown in `executing "..." at <...>` error messages.

use super::ast::{Arg, Command, Pipe};

/// `$x := a | b` form of a pipeline.
pub fn pipe(p: &Pipe) -> String {
    let mut out = String::new();
    if !p.decl.is_empty() {
        out.push_str(&p.decl.join(", "));
        out.push_str(if p.is_assign { " = " } else { " := " });
    }
    let cmds: Vec<String> = p.cmds.iter().map(command).collect();
    out.push_str(&cmds.join(" | "));
    out
}

/// Arguments separated by spaces; nested pipelines in parentheses.
/// A `template` node as written: `{{template "name" pipeline}}`.
pub fn template(name: &str, pipe: Option<&Pipe>) -> String {
    match pipe {
        Some(p) => format!("{{{{template {:?} {}}}}}", name, self::pipe(p)),
        None => format!("{{{{template {name:?}}}}}"),
    }
}

pub fn command(c: &Command) -> String {
    let args: Vec<String> = c
        .args
        .iter()
        .map(|a| match a {
            Arg::Pipe(p) => format!("({})", pipe(p)),
            _ => arg(a),
        })
        .collect();
    args.join(" ")
}

/// One argument as Go prints it.
pub fn arg(a: &Arg) -> String {
    match a {
        Arg::Dot { .. } => ".".to_string(),
        Arg::Nil { .. } => "nil".to_string(),
        Arg::Bool { value, .. } => value.to_string(),
        Arg::Number(n) => n.text.to_string(),
        Arg::String { .. } => a.quoted_text().into_owned(),
        Arg::Field { names, .. } => names.dotted().to_string(),
        Arg::Variable { name, fields, .. } => format!("{name}{}", fields.dotted()),
        Arg::Identifier { name, .. } => name.to_string(),
        Arg::Pipe(p) => format!("({})", pipe(p)),
        Arg::Chain { node, fields, .. } => {
            let mut s = match node.as_ref() {
                Arg::Pipe(p) => format!("({})", pipe(p)),
                other => arg(other),
            };
            s.push_str(fields.dotted());
            s
        }
    }
}

/// The node Go's executor was last positioned at (`state.at`) after
/// evaluating `a` as an argument: errors raised afterwards (a chain's field
/// lookup, a `range` over the value, a type check of the value) name it.
/// A parenthesized pipeline ends at its last command's last evaluated
/// argument, or at the function name when the command has no arguments.
pub fn last_evaluated(a: &Arg) -> &Arg {
    match a {
        Arg::Pipe(p) => match p.cmds.last() {
            Some(c) => last_evaluated_command(c).unwrap_or(a),
            None => a,
        },
        Arg::Chain { node, .. } => last_evaluated(node),
        _ => a,
    }
}

/// [`last_evaluated`] for one command (`None` when it has no arguments).
pub fn last_evaluated_command(c: &Command) -> Option<&Arg> {
    let first = c.args.first()?;
    Some(match (first, c.args.last()) {
        (Arg::Identifier { .. }, Some(last)) if c.args.len() > 1 => last_evaluated(last),
        (Arg::Field { .. } | Arg::Variable { .. }, Some(last)) if c.args.len() > 1 => {
            last_evaluated(last)
        }
        _ => last_evaluated(first),
    })
}

//! The parse tree of Helm's template dialect (Go `text/template`).
//!
//! Mirrors `text/template/parse`: the parser (`parse.rs`) builds it, the
//! compiler (`compile/`) turns it into minijinja source. Every node carries
//! `pos`, the byte offset of the node in the template source, so errors can
//! name `file:line:col` like Go does. `Display` on nodes prints Go's
//! `Node.String()` form (used in `executing "..." at <...>` messages).

use std::sync::Arc;

mod smallstr;
pub use smallstr::SmallStr;

/// Byte offset into the template source.
pub type Pos = usize;

/// One parsed template file: its top-level body and every `define`/`block`
/// it declares (a `block` appears both here and as a `Template` node in the body).
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateFile {
    /// Template name, e.g. `mychart/templates/deployment.yaml`.
    pub name: String,
    pub root: List,
    pub defines: Vec<Define>,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct Define {
    pub name: String,
    pub pos: Pos,
    pub body: List,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct List {
    pub pos: Pos,
    pub nodes: Vec<Node>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// Plain text (after trim markers were applied): `source[pos..end]` of
    /// the template it was parsed from; the tree keeps no copy (a chart's
    /// text is megabytes, and deferred branches keep their trees).
    Text {
        pos: Pos,
        end: Pos,
        /// Only white space (Go's `IsEmptyTree` needs to know).
        blank: bool,
    },
    /// `{{ pipeline }}`: prints the result unless the pipeline declares variables.
    Action {
        pos: Pos,
        pipe: Pipe,
    },
    /// `{{/* ... */}}`: kept so positions stay honest; prints nothing (its
    /// text is not kept).
    Comment {
        pos: Pos,
    },
    If(Branch),
    With(Branch),
    Range(Branch),
    Break {
        pos: Pos,
    },
    Continue {
        pos: Pos,
    },
    /// `{{ template "name" pipeline }}` (also the call half of `block`).
    Template {
        pos: Pos,
        name: String,
        pipe: Option<Pipe>,
    },
}

/// `if`/`with`/`range`: `else if`/`else with` chains are an `else_list`
/// holding a single nested `If`/`With` node, as Go's parser builds them.
#[derive(Clone, Debug, PartialEq)]
pub struct Branch {
    pub pos: Pos,
    pub pipe: Pipe,
    /// Shared so the compiler can defer a branch (see `render::defer`)
    /// without copying its tree.
    pub list: Arc<List>,
    pub else_list: Option<Arc<List>>,
}

/// A pipeline: optional variable declaration/assignment, then commands
/// joined by `|` (the previous result becomes the LAST argument of the next).
#[derive(Clone, Debug, PartialEq)]
pub struct Pipe {
    pub pos: Pos,
    /// `$x := ...` or `$i, $v := ...` (range). Names include the `$`.
    pub decl: Vec<SmallStr>,
    /// true for `=` (assign to an existing variable), false for `:=`.
    pub is_assign: bool,
    pub cmds: Vec<Command>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Command {
    pub pos: Pos,
    pub args: Vec<Arg>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Arg {
    /// `.` (dot).
    Dot {
        pos: Pos,
    },
    /// `nil`.
    Nil {
        pos: Pos,
    },
    Bool {
        pos: Pos,
        value: bool,
    },
    Number(Number),
    /// A string literal; `value` is unquoted (escapes resolved). `quoted`
    /// is the source text when it is not simply `"value"` (a raw string or
    /// one with escapes): see [`Arg::quoted_text`].
    String {
        pos: Pos,
        quoted: Option<Box<str>>,
        value: SmallStr,
    },
    /// `.A.B.C`: field chain starting at dot. `names` = ["A", "B", "C"].
    Field {
        pos: Pos,
        names: Fields,
    },
    /// `$x.A.B`: a variable with an optional field chain. `name` includes `$` (`$` alone is root).
    Variable {
        pos: Pos,
        name: SmallStr,
        fields: Fields,
    },
    /// A function name (`include`, `printf`, ...).
    Identifier {
        pos: Pos,
        name: SmallStr,
    },
    /// `(pipeline)`.
    Pipe(Box<Pipe>),
    /// `(pipeline).A.B` or `$x.A` after parens: a node followed by a field chain.
    Chain {
        pos: Pos,
        node: Box<Arg>,
        fields: Fields,
    },
}

/// A field chain (`.A.B.C`), kept as its text: one string for the chain,
/// not one per name (field names are identifiers: `.` separates them).
#[derive(Clone, PartialEq, Default)]
pub struct Fields(SmallStr);

impl Fields {
    /// `dotted` is the chain's source text (`.A.B.C`), or empty.
    pub fn new(dotted: &str) -> Fields {
        Fields(SmallStr::new(dotted))
    }

    /// The names, in order.
    pub fn iter(&self) -> std::iter::Skip<std::str::Split<'_, char>> {
        // ".A.B" splits into "", "A", "B"; "" into "" alone.
        self.0.split('.').skip(1)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The chain as Go prints it: `.A.B.C` (empty for no names).
    pub fn dotted(&self) -> &str {
        &self.0
    }
}

impl<'f> IntoIterator for &'f Fields {
    type Item = &'f str;
    type IntoIter = std::iter::Skip<std::str::Split<'f, char>>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

/// As the list of names prints.
impl fmt::Debug for Fields {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// A numeric literal, with every interpretation Go's parser allows.
#[derive(Clone, Debug, PartialEq)]
pub struct Number {
    pub pos: Pos,
    /// Source text, e.g. `0x1F`, `1e3`, `'a'`.
    pub text: SmallStr,
    /// Set when the literal is an integer (Go prefers int for `{{ 3 }}`).
    pub int: Option<i64>,
    /// Set when the literal is representable as a float64.
    pub float: Option<f64>,
    /// Character literals (`'a'`) are ints (runes) in Go.
    pub is_char: bool,
}

impl Arg {
    /// A string literal's source text (empty for other nodes).
    pub fn quoted_text(&self) -> std::borrow::Cow<'_, str> {
        match self {
            Arg::String {
                quoted: Some(q), ..
            } => std::borrow::Cow::Borrowed(q),
            Arg::String { value, .. } => std::borrow::Cow::Owned(format!("\"{value}\"")),
            _ => std::borrow::Cow::Borrowed(""),
        }
    }

    pub fn pos(&self) -> Pos {
        match self {
            Arg::Dot { pos }
            | Arg::Nil { pos }
            | Arg::Bool { pos, .. }
            | Arg::String { pos, .. }
            | Arg::Field { pos, .. }
            | Arg::Variable { pos, .. }
            | Arg::Identifier { pos, .. }
            | Arg::Chain { pos, .. } => *pos,
            Arg::Number(n) => n.pos,
            Arg::Pipe(p) => p.pos,
        }
    }
}

impl Node {
    pub fn pos(&self) -> Pos {
        match self {
            Node::Text { pos, .. }
            | Node::Action { pos, .. }
            | Node::Comment { pos, .. }
            | Node::Break { pos }
            | Node::Continue { pos }
            | Node::Template { pos, .. } => *pos,
            Node::If(b) | Node::With(b) | Node::Range(b) => b.pos,
        }
    }
}

// ---- Go's `Node.String()` forms (used in `executing "..." at <...>` errors) ----

use std::fmt;

impl fmt::Display for Arg {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Arg::Dot { .. } => f.write_str("."),
            Arg::Nil { .. } => f.write_str("nil"),
            Arg::Bool { value, .. } => write!(f, "{value}"),
            Arg::Number(n) => f.write_str(&n.text),
            Arg::String { .. } => f.write_str(&self.quoted_text()),
            Arg::Field { names, .. } => f.write_str(names.dotted()),
            Arg::Variable { name, fields, .. } => {
                f.write_str(name)?;
                f.write_str(fields.dotted())
            }
            Arg::Identifier { name, .. } => f.write_str(name),
            Arg::Pipe(p) => write!(f, "({p})"),
            Arg::Chain { node, fields, .. } => {
                match node.as_ref() {
                    Arg::Pipe(p) => write!(f, "({p})")?,
                    other => write!(f, "{other}")?,
                }
                f.write_str(fields.dotted())
            }
        }
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, a) in self.args.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            write!(f, "{a}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Pipe {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.decl.is_empty() {
            f.write_str(&self.decl.join(", "))?;
            f.write_str(if self.is_assign { " = " } else { " := " })?;
        }
        for (i, c) in self.cmds.iter().enumerate() {
            if i > 0 {
                f.write_str(" | ")?;
            }
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

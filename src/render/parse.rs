//! Parser for the Go `text/template` dialect Helm uses: source text -> [`super::ast`].
//!
//! A port of Go's `text/template/parse` (parse.go): the same grammar, the
//! same parse-time checks (unknown functions, undefined variables, misplaced
//! `break`/`else`/`end`) and the same messages, reported the way Helm's
//! engine reports them: `parse error at (NAME:LINE): MESSAGE`.

use std::sync::Arc;

use super::ast::*;
use super::lex::{LexError, Tok, Token, lex};

thread_local! {
    /// The token buffer, kept per thread from one parse to the next: a
    /// chart's templates need no allocation (nor regrowth) of their tokens.
    static TOKENS: std::cell::Cell<Vec<Token>> = const { std::cell::Cell::new(Vec::new()) };
}

/// A buffer bigger than this (tokens of a huge template) is not kept.
const KEPT_TOKENS: usize = 1 << 20;

/// A template that does not parse.
#[derive(Clone, Debug, PartialEq)]
pub struct ParseError {
    pub name: String,
    pub line: usize,
    /// Go's message, e.g. `unexpected {{end}}`.
    pub message: String,
}

impl std::fmt::Display for ParseError {
    /// Helm's `cleanupParseError`: the location and the last part of Go's message.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let last = self.message.rsplit(": ").next().unwrap_or(&self.message);
        write!(f, "parse error at ({}:{}): {last}", self.name, self.line)
    }
}

impl std::error::Error for ParseError {}

/// Line (1-based) and column (byte offset in the line, 0-based) of `pos`, as
/// Go's `ErrorContext` prints them.
pub fn line_col(src: &str, pos: Pos) -> (usize, usize) {
    let pos = pos.min(src.len());
    let before = &src.as_bytes()[..pos];
    let line = 1 + before.iter().filter(|b| **b == b'\n').count();
    let col = match before.iter().rposition(|b| *b == b'\n') {
        Some(nl) => pos - nl - 1,
        None => pos,
    };
    (line, col)
}

/// Parses one template file. `is_function` says whether an identifier names
/// a known function (Go checks this at parse time).
pub fn parse(
    name: &str,
    src: &str,
    is_function: &dyn Fn(&str) -> bool,
) -> Result<TemplateFile, ParseError> {
    let mut tokens = TOKENS.take();
    let lex_error = lex(src, &mut tokens);
    let mut p = Parser {
        name,
        src,
        tokens,
        lex_error,
        i: 0,
        vars: vec!["$"],
        range_depth: 0,
        is_function,
        defines: Vec::new(),
        depth: 0,
        nodes: Vec::new(),
    };
    let root = p.parse_top();
    if p.tokens.capacity() <= KEPT_TOKENS {
        TOKENS.set(std::mem::take(&mut p.tokens));
    }
    Ok(TemplateFile {
        name: name.to_string(),
        root: root.map_err(|e| *e)?,
        defines: p.defines,
    })
}

/// What ended an item list.
enum End {
    End,
    Else(Pos),
}

struct Parser<'a> {
    name: &'a str,
    src: &'a str,
    tokens: Vec<Token>,
    lex_error: Option<LexError>,
    i: usize,
    /// Variables in scope (names borrow the source).
    vars: Vec<&'a str>,
    range_depth: usize,
    is_function: &'a dyn Fn(&str) -> bool,
    defines: Vec<Define>,
    depth: usize,
    /// The nodes of the open lists, stacked: a list takes its own (the top
    /// of the stack) when it ends, in a vector of the exact size, with no
    /// regrowth on the way (lists are long; a command's arguments and a
    /// pipeline's commands are few, and a plain `Vec` costs them less).
    nodes: Vec<Node>,
}

/// Nesting deeper than this is refused (hostile input must not overflow the stack).
const MAX_DEPTH: usize = 1000;

/// Boxed: results travel through every parser step, and the error is rare.
type PResult<T> = Result<T, Box<ParseError>>;

impl<'a> Parser<'a> {
    /// A token's text.
    #[inline]
    fn val(&self, t: &Token) -> &'a str {
        t.val(self.src)
    }

    fn error<T>(&self, message: impl Into<String>) -> PResult<T> {
        let line = self
            .tokens
            .get(
                self.i
                    .saturating_sub(1)
                    .min(self.tokens.len().saturating_sub(1)),
            )
            .map_or(1, |t| t.line as usize);
        Err(Box::new(ParseError {
            name: self.name.to_string(),
            line,
            message: message.into(),
        }))
    }

    /// The token at the cursor; past the end, the lexer's error (if any) is raised.
    #[inline]
    fn peek(&self) -> PResult<&Token> {
        match self.tokens.get(self.i) {
            Some(t) => Ok(t),
            None => Err(self.past_end()),
        }
    }

    #[cold]
    #[inline(never)]
    fn past_end(&self) -> Box<ParseError> {
        let (message, line) = match &self.lex_error {
            Some(e) => (e.message.clone(), e.line),
            None => ("unexpected EOF".to_string(), 1),
        };
        Box::new(ParseError {
            name: self.name.to_string(),
            line,
            message,
        })
    }

    fn next(&mut self) -> PResult<Token> {
        let t = *self.peek()?;
        self.i += 1;
        Ok(t)
    }

    fn backup(&mut self) {
        self.i = self.i.saturating_sub(1);
    }

    fn peek_non_space(&mut self) -> PResult<Token> {
        while self.peek()?.tok == Tok::Space {
            self.i += 1;
        }
        Ok(*self.peek()?)
    }

    fn next_non_space(&mut self) -> PResult<Token> {
        let t = self.peek_non_space()?;
        self.i += 1;
        Ok(t)
    }

    fn expect(&mut self, tok: Tok, context: &str) -> PResult<Token> {
        let t = self.next_non_space()?;
        if t.tok != tok {
            return self.unexpected(&t, context);
        }
        Ok(t)
    }

    fn unexpected<T>(&self, t: &Token, context: &str) -> PResult<T> {
        if t.tok == Tok::Eof {
            // Go reports the lexer's error here when there is one.
            if let Some(e) = &self.lex_error {
                return Err(Box::new(ParseError {
                    name: self.name.to_string(),
                    line: e.line,
                    message: e.message.clone(),
                }));
            }
        }
        self.error(format!(
            "unexpected {} in {context}",
            describe(t, self.val(t))
        ))
    }

    fn enter(&mut self) -> PResult<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.error("template nesting too deep");
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    // ---- top level ----

    fn parse_top(&mut self) -> PResult<List> {
        let mut root = List::default();
        loop {
            let t = *self.peek()?;
            if t.tok == Tok::Eof {
                root.nodes = self.nodes.drain(..).collect();
                return Ok(root);
            }
            if t.tok == Tok::LeftDelim {
                self.i += 1;
                let kw = self.peek_non_space()?;
                if kw.tok == Tok::Keyword && self.val(&kw) == "define" {
                    self.next_non_space()?;
                    self.parse_definition()?;
                    continue;
                }
                self.i -= 1;
                // Back up over the spaces skipped too.
                while self.tokens[self.i].tok != Tok::LeftDelim {
                    self.i -= 1;
                }
            }
            match self.text_or_action()? {
                Item::Node(n) => self.nodes.push(n),
                Item::End(End::End) => return self.error("unexpected {{end}}"),
                Item::End(End::Else(_)) => return self.error("unexpected {{else}}"),
            }
        }
    }

    fn parse_definition(&mut self) -> PResult<()> {
        let context = "define clause";
        let name_tok = self.next_non_space()?;
        let name = match name_tok.tok {
            Tok::Str | Tok::RawStr => self.unquote(&name_tok)?,
            _ => return self.unexpected(&name_tok, context),
        };
        self.expect(Tok::RightDelim, context)?;
        let saved = std::mem::replace(&mut self.vars, vec!["$"]);
        let saved_range = std::mem::replace(&mut self.range_depth, 0);
        let (body, end) = self.item_list()?;
        self.vars = saved;
        self.range_depth = saved_range;
        if let End::Else(_) = end {
            return self.error(format!("unexpected {{{{else}}}} in {context}"));
        }
        self.add_define(Define {
            name,
            pos: name_tok.pos,
            body,
        })
    }

    /// Go's `Tree.add`: an empty redefinition is ignored; two non-empty ones in
    /// one file are an error.
    fn add_define(&mut self, d: Define) -> PResult<()> {
        if let Some(existing) = self.defines.iter_mut().find(|e| e.name == d.name) {
            if is_empty_list(&existing.body) {
                *existing = d;
            } else if !is_empty_list(&d.body) {
                return self.error(format!(
                    "template: multiple definition of template {:?}",
                    d.name
                ));
            }
            return Ok(());
        }
        self.defines.push(d);
        Ok(())
    }

    fn item_list(&mut self) -> PResult<(List, End)> {
        let pos = self.peek()?.pos;
        let base = self.nodes.len();
        loop {
            let t = self.peek_non_space()?;
            if t.tok == Tok::Eof {
                return self.unexpected_eof();
            }
            match self.text_or_action()? {
                Item::Node(n) => self.nodes.push(n),
                Item::End(e) => {
                    let nodes = self.nodes.drain(base..).collect();
                    return Ok((List { pos, nodes }, e));
                }
            }
        }
    }

    fn unexpected_eof<T>(&self) -> PResult<T> {
        if let Some(e) = &self.lex_error {
            return Err(Box::new(ParseError {
                name: self.name.to_string(),
                line: e.line,
                message: e.message.clone(),
            }));
        }
        self.error("unexpected EOF")
    }

    fn text_or_action(&mut self) -> PResult<Item> {
        let t = self.next_non_space()?;
        match t.tok {
            Tok::Text => Ok(Item::Node(Node::Text {
                pos: t.pos,
                end: t.end,
                blank: self.val(&t).trim().is_empty(),
            })),
            Tok::LeftDelim => {
                self.enter()?;
                let r = self.action();
                self.leave();
                r
            }
            Tok::Comment => Ok(Item::Node(Node::Comment { pos: t.pos })),
            Tok::Eof => self.unexpected_eof(),
            _ => self.unexpected(&t, "input"),
        }
    }

    fn action(&mut self) -> PResult<Item> {
        let t = self.next_non_space()?;
        if t.tok == Tok::Keyword {
            match self.val(&t) {
                "block" => return self.block_control(&t).map(Item::Node),
                "break" => return self.break_continue(&t, true).map(Item::Node),
                "continue" => return self.break_continue(&t, false).map(Item::Node),
                "else" => return self.else_control(&t),
                "end" => {
                    self.expect(Tok::RightDelim, "end")?;
                    return Ok(Item::End(End::End));
                }
                "if" => return self.control(&t, "if").map(|b| Item::Node(Node::If(b))),
                "range" => {
                    return self
                        .control(&t, "range")
                        .map(|b| Item::Node(Node::Range(b)));
                }
                "with" => return self.control(&t, "with").map(|b| Item::Node(Node::With(b))),
                "template" => return self.template_control(&t).map(Item::Node),
                _ => {}
            }
        }
        self.backup();
        let start = self.peek()?.pos;
        let pipe = self.pipeline("command", Tok::RightDelim)?;
        Ok(Item::Node(Node::Action { pos: start, pipe }))
    }

    fn break_continue(&mut self, t: &Token, is_break: bool) -> PResult<Node> {
        let word = if is_break {
            "{{break}}"
        } else {
            "{{continue}}"
        };
        let next = self.next_non_space()?;
        if next.tok != Tok::RightDelim {
            return self.unexpected(&next, word);
        }
        if self.range_depth == 0 {
            return self.error(format!("{word} outside {{{{range}}}}"));
        }
        Ok(if is_break {
            Node::Break { pos: t.pos }
        } else {
            Node::Continue { pos: t.pos }
        })
    }

    fn else_control(&mut self, t: &Token) -> PResult<Item> {
        let peek = self.peek_non_space()?;
        if peek.tok == Tok::Keyword && (self.val(&peek) == "if" || self.val(&peek) == "with") {
            // "else if" / "else with": the keyword stays for the caller.
            return Ok(Item::End(End::Else(peek.pos)));
        }
        self.expect(Tok::RightDelim, "else")?;
        Ok(Item::End(End::Else(t.pos)))
    }

    fn control(&mut self, _kw: &Token, context: &str) -> PResult<Branch> {
        let vars_len = self.vars.len();
        let result = self.control_inner(context);
        self.vars.truncate(vars_len);
        result
    }

    fn control_inner(&mut self, context: &str) -> PResult<Branch> {
        let pipe = self.pipeline(context, Tok::RightDelim)?;
        if context == "range" {
            self.range_depth += 1;
        }
        let listed = self.item_list();
        if context == "range" {
            self.range_depth -= 1;
        }
        let (list, end) = listed?;
        let mut else_list = None;
        if let End::Else(else_pos) = end {
            let next = *self.peek()?;
            let chained = next.tok == Tok::Keyword
                && ((context == "if" && self.val(&next) == "if")
                    || (context == "with" && self.val(&next) == "with"));
            if chained {
                let kw = self.next()?;
                let branch = self.control(&kw, context)?;
                let node = if context == "if" {
                    Node::If(branch)
                } else {
                    Node::With(branch)
                };
                else_list = Some(Arc::new(List {
                    pos: else_pos,
                    nodes: vec![node],
                }));
            } else {
                if context == "range" {
                    // `{{else}}` of a range runs outside the loop.
                }
                let (l, end2) = self.item_list()?;
                if let End::Else(_) = end2 {
                    return self.error("expected end; found {{else}}");
                }
                else_list = Some(Arc::new(l));
            }
        }
        Ok(Branch {
            pos: pipe.pos,
            pipe,
            list: Arc::new(list),
            else_list,
        })
    }

    fn template_name(&mut self, t: &Token, context: &str) -> PResult<String> {
        match t.tok {
            Tok::Str | Tok::RawStr => self.unquote(t),
            _ => self.unexpected(t, context),
        }
    }

    fn template_control(&mut self, _kw: &Token) -> PResult<Node> {
        let context = "template clause";
        let t = self.next_non_space()?;
        let name = self.template_name(&t, context)?;
        let next = self.next_non_space()?;
        let pipe = if next.tok != Tok::RightDelim {
            self.backup();
            Some(self.pipeline(context, Tok::RightDelim)?)
        } else {
            None
        };
        // Go's TemplateNode sits at the name token, not the keyword.
        Ok(Node::Template {
            pos: t.pos,
            name,
            pipe,
        })
    }

    fn block_control(&mut self, _kw: &Token) -> PResult<Node> {
        let context = "block clause";
        let t = self.next_non_space()?;
        let name = self.template_name(&t, context)?;
        let pipe = self.pipeline(context, Tok::RightDelim)?;
        let saved = std::mem::replace(&mut self.vars, vec!["$"]);
        let saved_range = std::mem::replace(&mut self.range_depth, 0);
        let listed = self.item_list();
        self.vars = saved;
        self.range_depth = saved_range;
        let (body, end) = listed?;
        if let End::Else(_) = end {
            return self.error(format!("unexpected {{{{else}}}} in {context}"));
        }
        self.add_define(Define {
            name: name.clone(),
            pos: t.pos,
            body,
        })?;
        Ok(Node::Template {
            pos: t.pos,
            name,
            pipe: Some(pipe),
        })
    }

    // ---- pipelines ----

    fn pipeline(&mut self, context: &str, end: Tok) -> PResult<Pipe> {
        let start = self.peek_non_space()?;
        let mut pipe = Pipe {
            pos: start.pos,
            decl: Vec::new(),
            is_assign: false,
            // Sized up front: a first push goes through `grow_one`, ~100
            // instructions more than the allocation itself, and parsing
            // makes one per pipeline and command (most pipelines have one or
            // two commands; the argument vectors get the capacity a first
            // push would give them).
            cmds: Vec::with_capacity(2),
        };
        // Declarations: `$x :=`, `$x =`, `$i, $v :=` (range only).
        'decls: loop {
            let v = self.peek_non_space()?;
            if v.tok != Tok::Variable {
                break;
            }
            self.next()?;
            let after_var = *self.peek()?;
            let next = self.peek_non_space()?;
            match next.tok {
                Tok::Assign | Tok::Declare => {
                    pipe.is_assign = next.tok == Tok::Assign;
                    self.next_non_space()?;
                    pipe.decl.push(self.val(&v).into());
                    self.vars.push(self.val(&v));
                    break 'decls;
                }
                Tok::Comma if self.val(&next) == "," => {
                    self.next_non_space()?;
                    pipe.decl.push(self.val(&v).into());
                    self.vars.push(self.val(&v));
                    if context == "range" && pipe.decl.len() < 2 {
                        let p = self.peek_non_space()?;
                        if matches!(p.tok, Tok::Variable | Tok::RightDelim | Tok::RightParen) {
                            continue 'decls;
                        }
                        return self.error("range can only initialize variables");
                    }
                    return self.error(format!("too many declarations in {context}"));
                }
                _ => {
                    // Not a declaration: put the variable (and the space) back.
                    let _ = after_var;
                    while self.tokens[self.i].tok != Tok::Variable
                        || self.tokens[self.i].pos != v.pos
                    {
                        self.i -= 1;
                    }
                    break 'decls;
                }
            }
        }
        loop {
            let t = self.next_non_space()?;
            if t.tok == end {
                self.check_pipeline(&pipe, context)?;
                return Ok(pipe);
            }
            match t.tok {
                Tok::Bool
                | Tok::Char
                | Tok::Dot
                | Tok::Field
                | Tok::Identifier
                | Tok::Number
                | Tok::Nil
                | Tok::RawStr
                | Tok::Str
                | Tok::Variable
                | Tok::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    pipe.cmds.push(cmd);
                }
                Tok::Eof if end == Tok::RightParen => {
                    return self.error("unclosed left paren");
                }
                _ => return self.unexpected(&t, context),
            }
        }
    }

    fn check_pipeline(&self, pipe: &Pipe, context: &str) -> PResult<()> {
        if pipe.cmds.is_empty() {
            return self.error(format!("missing value for {context}"));
        }
        for (i, c) in pipe.cmds.iter().enumerate().skip(1) {
            if let Some(
                Arg::Bool { .. }
                | Arg::Dot { .. }
                | Arg::Nil { .. }
                | Arg::Number(_)
                | Arg::String { .. },
            ) = c.args.first()
            {
                return self.error(format!(
                    "non executable command in pipeline stage {}",
                    i + 1
                ));
            }
        }
        Ok(())
    }

    fn command(&mut self) -> PResult<Command> {
        let start = self.peek_non_space()?.pos;
        let mut args = Vec::with_capacity(4);
        loop {
            self.peek_non_space()?;
            if let Some(op) = self.operand()? {
                args.push(op);
            }
            let t = self.next()?;
            match t.tok {
                Tok::Space => continue,
                Tok::RightDelim | Tok::RightParen => self.backup(),
                Tok::Pipe => {}
                _ => return self.unexpected(&t, "operand"),
            }
            break;
        }
        if args.is_empty() {
            return self.error("empty command");
        }
        Ok(Command { pos: start, args })
    }

    fn operand(&mut self) -> PResult<Option<Arg>> {
        let Some(mut node) = self.term()? else {
            return Ok(None);
        };
        if self.peek()?.tok != Tok::Field {
            return Ok(Some(node));
        }
        // The chain's field tokens are adjacent: their text is one slice.
        let chain_pos = self.peek()?.pos;
        let mut end = chain_pos;
        while self.peek()?.tok == Tok::Field {
            end = self.next()?.end;
        }
        let chain = &self.src[chain_pos..end];
        // Like Go's `operand`, a chained field or variable (`.A.B`, `$x.A`)
        // takes the position of the chain, i.e. of its second token.
        match &mut node {
            Arg::Field { pos, names } => {
                *names = Fields::new(&self.src[*pos..end]);
                *pos = chain_pos;
                return Ok(Some(node));
            }
            Arg::Variable { pos, fields, .. } => {
                *fields = Fields::new(chain);
                *pos = chain_pos;
                return Ok(Some(node));
            }
            _ => {}
        }
        Ok(Some(match node {
            Arg::Bool { .. }
            | Arg::String { .. }
            | Arg::Number(_)
            | Arg::Nil { .. }
            | Arg::Dot { .. } => {
                return self.error(format!("unexpected . after term {:?}", arg_source(&node)));
            }
            other => Arg::Chain {
                pos: chain_pos,
                node: Box::new(other),
                fields: Fields::new(chain),
            },
        }))
    }

    fn term(&mut self) -> PResult<Option<Arg>> {
        let t = self.next_non_space()?;
        Ok(Some(match t.tok {
            Tok::Identifier => {
                if !(self.is_function)(self.val(&t)) {
                    return self.error(format!("function {:?} not defined", self.val(&t)));
                }
                Arg::Identifier {
                    pos: t.pos,
                    name: self.val(&t).into(),
                }
            }
            Tok::Dot => Arg::Dot { pos: t.pos },
            Tok::Nil => Arg::Nil { pos: t.pos },
            Tok::Variable => {
                if !self.vars.contains(&self.val(&t)) {
                    return self.error(format!("undefined variable {:?}", self.val(&t)));
                }
                Arg::Variable {
                    pos: t.pos,
                    name: self.val(&t).into(),
                    fields: Fields::default(),
                }
            }
            Tok::Field => Arg::Field {
                pos: t.pos,
                names: Fields::new(self.val(&t)),
            },
            Tok::Bool => Arg::Bool {
                pos: t.pos,
                value: self.val(&t) == "true",
            },
            Tok::Char | Tok::Number => Arg::Number(self.number(&t)?),
            Tok::LeftParen => {
                self.enter()?;
                let pipe = self.pipeline("parenthesized pipeline", Tok::RightParen);
                self.leave();
                Arg::Pipe(Box::new(pipe?))
            }
            Tok::Str | Tok::RawStr => {
                let text = self.val(&t);
                let inner = &text[1..text.len() - 1];
                // Most literals are `"value"`: no escapes, and their text
                // needs no copy.
                if t.tok == Tok::Str && !inner.contains('\\') {
                    Arg::String {
                        pos: t.pos,
                        quoted: None,
                        value: inner.into(),
                    }
                } else {
                    let value = self.unquote(&t)?;
                    let plain =
                        text.len() == value.len() + 2 && text.starts_with('"') && inner == value;
                    Arg::String {
                        pos: t.pos,
                        quoted: (!plain).then(|| text.into()),
                        value: value.into(),
                    }
                }
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        }))
    }

    fn unquote(&self, t: &Token) -> PResult<String> {
        let text = self.val(t);
        if t.tok == Tok::RawStr {
            return Ok(text[1..text.len() - 1].replace('\r', ""));
        }
        match unquote_go(&text[1..text.len() - 1], '"') {
            Some(s) => Ok(s),
            None => self.error("invalid syntax"),
        }
    }

    fn number(&self, t: &Token) -> PResult<Number> {
        let text = self.val(t);
        if t.tok == Tok::Char {
            let inner = &text[1..text.len() - 1];
            let decoded = unquote_go(inner, '\'');
            let mut chars = decoded.as_deref().unwrap_or("").chars();
            return match (chars.next(), chars.next()) {
                (Some(c), None) => Ok(Number {
                    pos: t.pos,
                    text: text.into(),
                    int: Some(c as i64),
                    float: Some(c as u32 as f64),
                    is_char: true,
                }),
                _ => self.error(format!("malformed character constant: {text}")),
            };
        }
        parse_number(text, t.pos)
            .ok_or(())
            .or_else(|_| self.error(format!("illegal number syntax: {text:?}")))
    }
}

enum Item {
    Node(Node),
    End(End),
}

fn is_empty_list(list: &List) -> bool {
    list.nodes.iter().all(|n| match n {
        Node::Text { blank, .. } => *blank,
        Node::Comment { .. } => true,
        _ => false,
    })
}

/// Go's `item.String()` of token `t` whose text is `val`.
fn describe(t: &Token, val: &str) -> String {
    match t.tok {
        Tok::Eof => "EOF".into(),
        Tok::RightDelim | Tok::LeftDelim => format!("{val:?}"),
        Tok::Keyword => format!("<{val}>"),
        Tok::Space => "space".into(),
        _ => format!("{val:?}"),
    }
}

fn arg_source(a: &Arg) -> String {
    a.to_string()
}

/// Go's `strconv.Unquote` body for `"`- or `'`-quoted literals (without quotes).
pub fn unquote_go(s: &str, quote: char) -> Option<String> {
    if !s.contains(['\\', quote]) {
        return Some(s.to_string());
    }
    let mut out = String::with_capacity(s.len());
    let mut bytes: Vec<u8> = Vec::new();
    let mut chars = s.chars().peekable();
    let flush = |bytes: &mut Vec<u8>, out: &mut String| -> Option<()> {
        if !bytes.is_empty() {
            out.push_str(&String::from_utf8_lossy(bytes));
            bytes.clear();
        }
        Some(())
    };
    while let Some(c) = chars.next() {
        if c == quote {
            return None;
        }
        if c != '\\' {
            flush(&mut bytes, &mut out)?;
            out.push(c);
            continue;
        }
        let e = chars.next()?;
        let simple = match e {
            'a' => Some('\x07'),
            'b' => Some('\x08'),
            'f' => Some('\x0c'),
            'n' => Some('\n'),
            'r' => Some('\r'),
            't' => Some('\t'),
            'v' => Some('\x0b'),
            '\\' => Some('\\'),
            '\'' if quote == '\'' => Some('\''),
            '"' if quote == '"' => Some('"'),
            _ => None,
        };
        if let Some(ch) = simple {
            flush(&mut bytes, &mut out)?;
            out.push(ch);
            continue;
        }
        match e {
            'x' => {
                let h: String = (0..2).filter_map(|_| chars.next()).collect();
                if h.len() != 2 {
                    return None;
                }
                bytes.push(u8::from_str_radix(&h, 16).ok()?);
            }
            '0'..='7' => {
                let mut o = e.to_string();
                for _ in 0..2 {
                    o.push(chars.next()?);
                }
                let v = u32::from_str_radix(&o, 8).ok()?;
                if v > 255 {
                    return None;
                }
                bytes.push(v as u8);
            }
            'u' | 'U' => {
                let n = if e == 'u' { 4 } else { 8 };
                let h: String = (0..n).filter_map(|_| chars.next()).collect();
                if h.len() != n {
                    return None;
                }
                let ch = char::from_u32(u32::from_str_radix(&h, 16).ok()?)?;
                flush(&mut bytes, &mut out)?;
                out.push(ch);
            }
            _ => return None,
        }
    }
    flush(&mut bytes, &mut out)?;
    Some(out)
}

/// Go's number literal rules (`parse.newNumber`): ints (any base, `_`
/// separators), floats, and floats that are whole numbers also count as ints.
fn parse_number(text: &str, pos: Pos) -> Option<Number> {
    // Plain decimal ints (`4`, `10`: nearly every number of a chart) need
    // none of the rewriting below; 18 digits always fit an i64.
    let b = text.as_bytes();
    if !b.is_empty()
        && b.len() <= 18
        && (b.len() == 1 || b[0] != b'0')
        && b.iter().all(u8::is_ascii_digit)
        && let Ok(v) = text.parse::<i64>()
    {
        return Some(Number {
            pos,
            text: text.into(),
            int: Some(v),
            float: Some(v as f64),
            is_char: false,
        });
    }
    if let Some(imag) = text.strip_suffix('i') {
        // An imaginary literal: only its text matters (the compiler builds
        // the complex128 value from it).
        imag.replace('_', "").parse::<f64>().ok()?;
        return Some(Number {
            pos,
            text: text.into(),
            int: None,
            float: None,
            is_char: false,
        });
    }
    let clean = text.replace('_', "");
    let (neg, digits) = match clean.strip_prefix('-') {
        Some(d) => (true, d.to_string()),
        None => (false, clean.trim_start_matches('+').to_string()),
    };
    let lower = digits.to_ascii_lowercase();
    let int_val = if let Some(h) = lower.strip_prefix("0x") {
        if h.contains('.') || h.contains('p') {
            None
        } else {
            i128::from_str_radix(h, 16).ok()
        }
    } else if let Some(o) = lower.strip_prefix("0o") {
        i128::from_str_radix(o, 8).ok()
    } else if let Some(b) = lower.strip_prefix("0b") {
        i128::from_str_radix(b, 2).ok()
    } else if lower.len() > 1 && lower.starts_with('0') && lower.chars().all(|c| c.is_ascii_digit())
    {
        i128::from_str_radix(&lower[1..], 8).ok()
    } else if lower.chars().all(|c| c.is_ascii_digit()) && !lower.is_empty() {
        lower.parse::<i128>().ok()
    } else {
        None
    };
    let int_val = int_val.map(|v| if neg { -v } else { v });
    let mut int = int_val.and_then(|v| i64::try_from(v).ok());
    let float = if let Some(v) = int_val {
        Some(v as f64)
    } else if let Some(hex) = lower.strip_prefix("0x") {
        parse_hex_float(hex).map(|f| if neg { -f } else { f })
    } else {
        lower.parse::<f64>().ok().map(|f| if neg { -f } else { f })
    };
    let float = float.filter(|f| f.is_finite());
    if int.is_none()
        && let Some(f) = float
        && f == f.trunc()
        && f.abs() < 9.2e18
        && (lower.contains('.') || lower.contains('e'))
    {
        int = Some(f as i64);
    }
    if int.is_none() && float.is_none() {
        return None;
    }
    Some(Number {
        pos,
        text: text.into(),
        int,
        float,
        is_char: false,
    })
}

fn parse_hex_float(s: &str) -> Option<f64> {
    let (mant, exp) = match s.split_once('p') {
        Some((m, e)) => (m, e.parse::<i32>().ok()?),
        None => (s, 0),
    };
    let (ip, fp) = mant.split_once('.').unwrap_or((mant, ""));
    let mut v = if ip.is_empty() {
        0.0
    } else {
        u64::from_str_radix(ip, 16).ok()? as f64
    };
    let mut scale = 1.0 / 16.0;
    for c in fp.chars() {
        v += c.to_digit(16)? as f64 * scale;
        scale /= 16.0;
    }
    Some(v * 2f64.powi(exp))
}

#[cfg(test)]
mod tests;

//! The YAML scanner (tokenizer), vendored from yaml-rust2 0.13.1 and changed
//! to read line breaks the way go-yaml v2 (YAML 1.1) does.
//!
//! yaml-rust2 is Copyright 2015 Yuheng Chen and 2023 Ethiraric, licensed
//! under the MIT license or the Apache License 2.0 at your option
//! (<https://github.com/Ethiraric/yaml-rust2>); this module and its
//! submodules, and [`super::events`], are modified copies of its `scanner.rs`,
//! `char_traits.rs` and `parser.rs`, and keep that license.
//!
//! The changes from yaml-rust2, all to follow go-yaml v2's `scannerc.go`:
//! - NEL (U+0085), LS (U+2028) and PS (U+2029) are line breaks everywhere
//!   (go-yaml's `is_break`), not content: they end lines, comments, plain
//!   scalars and block scalar lines, and count for lines, columns and
//!   indentation exactly like `\n`.
//! - A break read into a scalar is kept the way go-yaml's `read_line` copies
//!   it: CR LF, CR, LF and NEL become `\n`, LS and PS stay themselves.
//! - Line folding (plain, quoted and folded block scalars) turns a first
//!   break into a space only when it was read as `\n`; an LS or PS break is
//!   kept as is, followed by the empty lines after it.
//! - Quoted scalars have no indentation check (go-yaml has none; its emitter
//!   writes the closing quote of `'x<LS>'` at column 0, whatever the
//!   indentation).
//!
//! Only what `super::parse` uses is kept: no encoding or debug printing.
//! Unlike yaml-rust2, the scanner reads the string directly (no character
//! iterator and lookahead ring buffer), and the character classes with line
//! breaks keep ASCII on a fast path.

use std::collections::VecDeque;

mod block;
mod chars;
mod scalars;
mod structure;
mod tags;

use chars::{is_blank_or_breakz, is_break, is_breakz, is_z};

/// The style a scalar was written in.
#[derive(Clone, Copy, PartialEq, Debug, Eq)]
pub(crate) enum TScalarStyle {
    Plain,
    SingleQuoted,
    DoubleQuoted,
    Literal,
    Folded,
}

/// A location in the input.
#[derive(Clone, Copy, PartialEq, Debug, Eq)]
pub(crate) struct Marker {
    /// The index in characters.
    index: usize,
    /// The line (1-based).
    line: usize,
    /// The column (0-based, in characters).
    col: usize,
}

impl Marker {
    fn new(index: usize, line: usize, col: usize) -> Marker {
        Marker { index, line, col }
    }

    /// The line of the marker (1-based).
    pub(crate) fn line(&self) -> usize {
        self.line
    }

    /// The column of the marker (0-based).
    pub(crate) fn col(&self) -> usize {
        self.col
    }
}

/// A scanning or parsing failure: where, and yaml-rust2's words for it.
#[derive(Clone, PartialEq, Debug, Eq)]
pub(crate) struct ScanError {
    mark: Marker,
    info: String,
}

impl ScanError {
    pub(crate) fn new(loc: Marker, info: &str) -> ScanError {
        ScanError {
            mark: loc,
            info: info.to_owned(),
        }
    }

    /// Where the error happened.
    pub(crate) fn marker(&self) -> &Marker {
        &self.mark
    }

    /// What happened.
    pub(crate) fn info(&self) -> &str {
        &self.info
    }
}

/// The contents of a token.
#[derive(Clone, PartialEq, Debug, Eq)]
pub(crate) enum TokenType {
    StreamStart,
    StreamEnd,
    /// `%YAML major.minor`.
    VersionDirective(u32, u32),
    /// `%TAG handle prefix` (boxed, like `Tag`: rare, and a token's size is
    /// its largest variant's, moved through the queue for every token).
    TagDirective(Box<(String, String)>),
    /// `---`.
    DocumentStart,
    /// `...`.
    DocumentEnd,
    BlockSequenceStart,
    BlockMappingStart,
    /// The end of a block sequence or mapping.
    BlockEnd,
    FlowSequenceStart,
    FlowSequenceEnd,
    FlowMappingStart,
    FlowMappingEnd,
    /// `-` in a block sequence.
    BlockEntry,
    /// `,` in a flow collection.
    FlowEntry,
    Key,
    Value,
    Alias(String),
    Anchor(String),
    /// A tag: handle, suffix.
    Tag(Box<(String, String)>),
    Scalar(TScalarStyle, String),
}

/// A token and where it starts.
#[derive(Clone, PartialEq, Debug, Eq)]
pub(crate) struct Token(pub Marker, pub TokenType);

/// A token that may turn out to be a simple key (`a` in `a: b`), kept until a
/// `:` makes it one (a `Key` token is then inserted before it) or the line
/// ends.
#[derive(Clone, PartialEq, Debug, Eq)]
struct SimpleKey {
    /// Whether the token may still be a key.
    possible: bool,
    /// Whether it must be a key (an error if it is not).
    required: bool,
    /// The number of the token among all tokens scanned.
    token_number: usize,
    /// Where the token starts.
    mark: Marker,
}

impl SimpleKey {
    fn new(mark: Marker) -> SimpleKey {
        SimpleKey {
            possible: false,
            required: false,
            token_number: 0,
            mark,
        }
    }
}

/// A level on the stack of indentations.
#[derive(Clone, Debug, Default)]
struct Indent {
    /// The indentation before this level.
    indent: isize,
    /// Whether closing this level emits a `BlockEnd` (levels opened for a
    /// single sequence entry do not).
    needs_block_end: bool,
}

/// The text being scanned and the byte offset of the next character.
/// Characters are read straight from the string (ASCII on a fast path);
/// past the end reads as `\0` (see [`chars::is_z`]).
struct Input<'a> {
    text: &'a str,
    pos: usize,
}

impl Input<'_> {
    /// The character `n` places ahead.
    #[inline]
    fn peek(&self, n: usize) -> char {
        // `n` is a constant wherever this is inlined: the test unrolls to a
        // comparison per byte (`<[u8]>::is_ascii` would not).
        match self.text.as_bytes().get(self.pos..=self.pos + n) {
            Some(ahead) if ahead.iter().all(|&b| b < 0x80) => char::from(ahead[n]),
            _ => self.peek_slow(n),
        }
    }

    #[cold]
    fn peek_slow(&self, n: usize) -> char {
        self.text[self.pos..].chars().nth(n).unwrap_or('\0')
    }

    /// Moves past the next character (nothing at the end).
    #[inline]
    fn advance(&mut self) {
        if let Some(&b) = self.text.as_bytes().get(self.pos) {
            self.pos += utf8_width(b);
        }
    }

    /// The length of the rest of the line, in bytes and in characters: the
    /// text up to the next line break or `\0` (a comment, a block scalar
    /// line). These runs are long (values files are mostly comments) and
    /// nearly always ASCII: `memchr` finds the end, and only a line with
    /// other characters is read byte by byte (they may be NEL, LS or PS).
    fn line_rest_len(&self) -> (usize, usize) {
        let bytes = &self.text.as_bytes()[self.pos..];
        let end = memchr::memchr3(b'\n', b'\r', 0, bytes).unwrap_or(bytes.len());
        if bytes[..end].is_ascii() {
            return (end, end);
        }
        let (mut i, mut chars) = (0, 0);
        while let Some(&b) = bytes.get(i) {
            if b < 0x80 {
                if matches!(b, b'\n' | b'\r' | 0) {
                    break;
                }
                i += 1;
            } else {
                // The non-ASCII breaks: NEL (C2 85), LS (E2 80 A8), PS (E2 80 A9).
                let next = bytes.get(i + 1).copied();
                if (b == 0xc2 && next == Some(0x85))
                    || (b == 0xe2
                        && next == Some(0x80)
                        && matches!(bytes.get(i + 2), Some(0xa8 | 0xa9)))
                {
                    break;
                }
                i += utf8_width(b);
            }
            chars += 1;
        }
        (i, chars)
    }
}

/// The number of spaces `bytes` starts with, eight bytes at a time (block
/// YAML is deeply indented: most lines start with a long run).
#[inline]
fn count_spaces(bytes: &[u8]) -> usize {
    let mut i = 0;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let word = u64::from_le_bytes(chunk.try_into().expect("8 bytes")) ^ 0x2020_2020_2020_2020;
        if word != 0 {
            // Little-endian: the first non-space byte is the lowest set one.
            return i + (word.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while bytes.get(i) == Some(&b' ') {
        i += 1;
    }
    i
}

/// The length of the UTF-8 sequence a (valid) leading byte starts.
#[inline]
fn utf8_width(b: u8) -> usize {
    match b {
        0..0x80 => 1,
        0xf0.. => 4,
        0xe0.. => 3,
        _ => 2,
    }
}

/// The scanner: characters in, tokens out, with the context (indentation,
/// simple keys, flow level) needed to tell them apart.
#[allow(clippy::struct_excessive_bools)]
pub(crate) struct Scanner<'a> {
    input: Input<'a>,
    mark: Marker,
    /// Tokens scanned but not yet returned (a possible simple key holds back
    /// the tokens after it until it is decided).
    tokens: VecDeque<Token>,
    stream_start_produced: bool,
    stream_end_produced: bool,
    /// In flow context, the index where a `:` may directly follow a JSON-like key.
    adjacent_value_allowed_at: usize,
    simple_key_allowed: bool,
    /// One possible simple key per flow level.
    simple_keys: Vec<SimpleKey>,
    indent: isize,
    /// The enclosing indentation levels.
    indents: Vec<Indent>,
    flow_level: u8,
    /// Tokens returned so far.
    tokens_parsed: usize,
    token_available: bool,
    /// Whether only whitespace was met since the last line break.
    leading_whitespace: bool,
    /// Whether a flow mapping was started (for `[ : foo ]`).
    flow_mapping_started: bool,
    /// Whether we are in an implicit flow mapping (`[ a: b ]`).
    implicit_flow_mapping: bool,
}

/// A scanning step that may fail.
pub(crate) type ScanResult = Result<(), ScanError>;

impl Scanner<'_> {
    pub(crate) fn new(text: &str) -> Scanner<'_> {
        Scanner {
            input: Input { text, pos: 0 },
            mark: Marker::new(0, 1, 0),
            tokens: VecDeque::new(),
            stream_start_produced: false,
            stream_end_produced: false,
            adjacent_value_allowed_at: 0,
            simple_key_allowed: true,
            simple_keys: Vec::new(),
            indent: -1,
            indents: Vec::new(),
            flow_level: 0,
            tokens_parsed: 0,
            token_available: false,
            leading_whitespace: true,
            flow_mapping_started: false,
            implicit_flow_mapping: false,
        }
    }

    /// Consumes the next character, a blank.
    #[inline]
    fn skip_blank(&mut self) {
        self.input.advance();
        self.mark.index += 1;
        self.mark.col += 1;
    }

    /// Consumes the next character, not a blank.
    #[inline]
    fn skip_non_blank(&mut self) {
        self.input.advance();
        self.mark.index += 1;
        self.mark.col += 1;
        self.leading_whitespace = false;
    }

    /// Consumes the next `n` characters, none of them blanks.
    #[inline]
    fn skip_n_non_blank(&mut self, n: usize) {
        for _ in 0..n {
            self.input.advance();
        }
        self.mark.index += n;
        self.mark.col += n;
        self.leading_whitespace = false;
    }

    /// Consumes the next character, a line break.
    #[inline]
    fn skip_nl(&mut self) {
        self.input.advance();
        self.mark.index += 1;
        self.mark.col = 0;
        self.mark.line += 1;
        self.leading_whitespace = true;
    }

    /// Consumes a line break (CR LF counts as one), if there is one
    /// (go-yaml's `skip_line`).
    #[inline]
    fn skip_linebreak(&mut self) {
        if self.peek(0) == '\r' && self.peek(1) == '\n' {
            // Not a blank, but `skip_nl` resets `leading_whitespace` anyway.
            self.skip_blank();
            self.skip_nl();
        } else if is_break(self.peek(0)) {
            self.skip_nl();
        }
    }

    /// The next character.
    #[inline]
    fn ch(&self) -> char {
        self.input.peek(0)
    }

    /// The character `n` places ahead.
    #[inline]
    fn peek(&self, n: usize) -> char {
        self.input.peek(n)
    }

    #[inline]
    fn ch_is(&self, c: char) -> bool {
        self.peek(0) == c
    }

    /// The current position.
    #[inline]
    pub(crate) fn mark(&self) -> Marker {
        self.mark
    }

    /// Consumes a line break into `s` as go-yaml's `read_line` copies it:
    /// CR LF, CR, LF and NEL as `\n`, LS and PS as themselves.
    #[inline]
    fn read_break(&mut self, s: &mut String) {
        s.push(self.read_break_char());
    }

    /// Consumes a line break and returns it as go-yaml's `read_line` copies
    /// it (see [`Self::read_break`]).
    #[inline]
    fn read_break_char(&mut self) -> char {
        let c = self.peek(0);
        debug_assert!(is_break(c));
        if c == '\r' && self.peek(1) == '\n' {
            self.skip_blank();
        }
        self.skip_nl();
        if c == '\u{2028}' || c == '\u{2029}' {
            c
        } else {
            '\n'
        }
    }

    /// Skips the rest of the line (a comment): up to a line break or the end.
    #[inline]
    fn skip_line_rest(&mut self) {
        let (bytes, chars) = self.input.line_rest_len();
        if bytes > 0 {
            self.skip_within_line(bytes, chars);
            self.leading_whitespace = false;
        }
    }

    /// Whether `marker` three times and a blank follow.
    #[inline]
    fn next_is_tripled(&self, marker: char) -> bool {
        self.peek(0) == marker
            && self.peek(1) == marker
            && self.peek(2) == marker
            && is_blank_or_breakz(self.peek(3))
    }

    /// Whether `---` and a blank follow.
    #[inline]
    fn next_is_document_start(&self) -> bool {
        self.next_is_tripled('-')
    }

    /// Whether `...` and a blank follow.
    #[inline]
    fn next_is_document_end(&self) -> bool {
        self.next_is_tripled('.')
    }

    /// Whether `---` or `...` and a blank start the line.
    #[inline]
    fn next_is_document_indicator(&self) -> bool {
        self.mark.col == 0 && (self.next_is_document_start() || self.next_is_document_end())
    }

    fn insert_token(&mut self, pos: usize, tok: Token) {
        self.tokens.insert(pos, tok);
    }

    fn allow_simple_key(&mut self) {
        self.simple_key_allowed = true;
    }

    fn disallow_simple_key(&mut self) {
        self.simple_key_allowed = false;
    }

    /// Scans the next token(s) into the queue. Not inlined: a large body,
    /// and `fetch_more_tokens`, called for every token, mostly finds the
    /// head of the queue ready without it.
    #[inline(never)]
    fn fetch_next_token(&mut self) -> ScanResult {
        if !self.stream_start_produced {
            self.fetch_stream_start();
            return Ok(());
        }
        self.skip_to_next_token()?;
        self.stale_simple_keys()?;

        let mark = self.mark;
        self.unroll_indent(mark.col as isize);

        if is_z(self.ch()) {
            self.fetch_stream_end()?;
            return Ok(());
        }

        if self.mark.col == 0 && self.ch_is('%') {
            return self.fetch_directive();
        }

        if self.mark.col == 0 && self.next_is_document_start() {
            self.fetch_document_indicator(TokenType::DocumentStart)?;
            return Ok(());
        }

        if self.mark.col == 0 && self.next_is_document_end() {
            self.fetch_document_indicator(TokenType::DocumentEnd)?;
            self.skip_ws_to_eol(SkipTabs::Yes)?;
            if !is_breakz(self.ch()) {
                return Err(ScanError::new(
                    self.mark,
                    "invalid content after document end marker",
                ));
            }
            return Ok(());
        }

        if (self.mark.col as isize) < self.indent {
            return Err(ScanError::new(self.mark, "invalid indentation"));
        }

        let c = self.peek(0);
        let nc = self.peek(1);
        match c {
            '[' => self.fetch_flow_collection_start(TokenType::FlowSequenceStart),
            '{' => self.fetch_flow_collection_start(TokenType::FlowMappingStart),
            ']' => self.fetch_flow_collection_end(TokenType::FlowSequenceEnd),
            '}' => self.fetch_flow_collection_end(TokenType::FlowMappingEnd),
            ',' => self.fetch_flow_entry(),
            '-' if is_blank_or_breakz(nc) => self.fetch_block_entry(),
            '?' if is_blank_or_breakz(nc) => self.fetch_key(),
            ':' if is_blank_or_breakz(nc)
                || (self.flow_level > 0
                    && (chars::is_flow(nc)
                        || self.mark.index == self.adjacent_value_allowed_at)) =>
            {
                self.fetch_value()
            }
            '*' => self.fetch_anchor(true),
            '&' => self.fetch_anchor(false),
            '!' => self.fetch_tag(),
            '|' if self.flow_level == 0 => self.fetch_block_scalar(true),
            '>' if self.flow_level == 0 => self.fetch_block_scalar(false),
            '\'' => self.fetch_flow_scalar(true),
            '"' => self.fetch_flow_scalar(false),
            '-' if !is_blank_or_breakz(nc) => self.fetch_plain_scalar(),
            ':' | '?' if !is_blank_or_breakz(nc) && self.flow_level == 0 => {
                self.fetch_plain_scalar()
            }
            '%' | '@' | '`' => Err(ScanError::new(
                self.mark,
                &format!("unexpected character: `{c}'"),
            )),
            _ => self.fetch_plain_scalar(),
        }
    }

    /// The next token, scanned if need be but left at the head of the queue
    /// until [`Self::take_token`]: the parser looks at most tokens before
    /// it takes them, and reads them in place rather than moved out.
    /// Inlined: the parser peeks at a token several times on average, and
    /// only the first look scans (out of line, in `fill_head`).
    #[inline]
    pub(crate) fn peek_token(&mut self) -> Result<&Token, ScanError> {
        if !self.token_available {
            self.fill_head()?;
        }
        match self.tokens.front() {
            Some(token) => Ok(token),
            None => Err(ScanError::new(
                self.mark,
                "did not find expected next token",
            )),
        }
    }

    /// Scans until the head of the queue can be returned (an error after
    /// the stream end).
    #[inline(never)]
    fn fill_head(&mut self) -> ScanResult {
        if self.stream_end_produced {
            return Err(ScanError::new(self.mark, "unexpected eof"));
        }
        self.fetch_more_tokens()
    }

    /// Takes the token [`Self::peek_token`] returned.
    #[inline]
    pub(crate) fn take_token(&mut self) -> Token {
        let t = self
            .tokens
            .pop_front()
            .expect("take_token follows peek_token");
        self.token_available = false;
        self.tokens_parsed += 1;
        if let TokenType::StreamEnd = t.1 {
            self.stream_end_produced = true;
        }
        t
    }

    /// Scans until the head of the queue can be returned (no possible simple
    /// key waits on it).
    fn fetch_more_tokens(&mut self) -> ScanResult {
        loop {
            let need_more = if self.tokens.is_empty() {
                true
            } else {
                self.stale_simple_keys()?;
                self.simple_keys
                    .iter()
                    .any(|sk| sk.possible && sk.token_number == self.tokens_parsed)
            };
            if !need_more {
                break;
            }
            self.fetch_next_token()?;
        }
        self.token_available = true;
        Ok(())
    }

    /// Skips whitespace, line breaks and comments up to the next token.
    fn skip_to_next_token(&mut self) -> ScanResult {
        loop {
            match self.ch() {
                // Tabs may not indent a block; they may appear in a line's
                // leading whitespace if nothing else is on the line.
                '\t' if self.is_within_block()
                    && self.leading_whitespace
                    && (self.mark.col as isize) < self.indent =>
                {
                    self.skip_ws_to_eol(SkipTabs::Yes)?;
                    if !is_breakz(self.ch()) {
                        return Err(ScanError::new(
                            self.mark,
                            "tabs disallowed within this context (block indentation)",
                        ));
                    }
                }
                '\t' => self.skip_blank(),
                ' ' => self.skip_spaces(),
                '\n' | '\r' => self.skip_break_between_tokens(),
                '#' => self.skip_line_rest(),
                // NEL, LS, PS (tested last, ASCII is matched as in yaml-rust2).
                c if is_break(c) => self.skip_break_between_tokens(),
                _ => break,
            }
        }
        Ok(())
    }

    /// Skips a run of spaces (indentation, mostly).
    #[inline]
    fn skip_spaces(&mut self) {
        let n = count_spaces(&self.input.text.as_bytes()[self.input.pos..]);
        self.skip_within_line(n, n);
    }

    /// Consumes the next `bytes` bytes of input, `chars` characters with no
    /// line break among them (a run taken at once instead of char by char).
    #[inline]
    fn skip_within_line(&mut self, bytes: usize, chars: usize) {
        self.input.pos += bytes;
        self.mark.index += chars;
        self.mark.col += chars;
    }

    /// Skips a line break outside scalars: in block context a simple key may
    /// follow.
    #[inline]
    fn skip_break_between_tokens(&mut self) {
        self.skip_linebreak();
        if self.flow_level == 0 {
            self.allow_simple_key();
        }
    }

    /// Skips spaces, line breaks and comments; there must be at least one
    /// space or break.
    fn skip_yaml_whitespace(&mut self) -> ScanResult {
        let mut need_whitespace = true;
        loop {
            match self.ch() {
                ' ' => {
                    self.skip_blank();
                    need_whitespace = false;
                }
                '\n' | '\r' => {
                    self.skip_break_between_tokens();
                    need_whitespace = false;
                }
                '#' => self.skip_line_rest(),
                c if is_break(c) => {
                    self.skip_break_between_tokens();
                    need_whitespace = false;
                }
                _ => break,
            }
        }
        if need_whitespace {
            Err(ScanError::new(self.mark(), "expected whitespace"))
        } else {
            Ok(())
        }
    }

    /// Skips blanks and a comment up to the end of the line.
    fn skip_ws_to_eol(&mut self, skip_tabs: SkipTabs) -> Result<SkipTabs, ScanError> {
        let mut encountered_tab = false;
        let mut has_yaml_ws = false;
        loop {
            match self.ch() {
                ' ' => {
                    has_yaml_ws = true;
                    self.skip_blank();
                }
                '\t' if skip_tabs != SkipTabs::No => {
                    encountered_tab = true;
                    self.skip_blank();
                }
                // A comment must follow whitespace.
                '#' if !encountered_tab && !has_yaml_ws => {
                    return Err(ScanError::new(
                        self.mark,
                        "comments must be separated from other tokens by whitespace",
                    ));
                }
                '#' => self.skip_line_rest(),
                _ => break,
            }
        }
        Ok(SkipTabs::Result(encountered_tab, has_yaml_ws))
    }
}

/// Whether tabs count as whitespace when skipping to the end of a line.
#[derive(Copy, Clone, Eq, PartialEq)]
enum SkipTabs {
    /// Skip tabs too.
    Yes,
    /// Stop at a tab.
    No,
    /// What was skipped: (tabs met, spaces met).
    Result(bool, bool),
}

impl SkipTabs {
    /// Whether tabs were skipped.
    fn found_tabs(self) -> bool {
        matches!(self, SkipTabs::Result(true, _))
    }

    /// Whether a space was skipped.
    fn has_valid_yaml_ws(self) -> bool {
        matches!(self, SkipTabs::Result(_, true))
    }
}

//! The lexer of Go's `text/template` (a port of `text/template/parse/lex.go`).
//!
//! Trim markers are handled here, as in Go: `{{- ` trims the white space
//! before the action, ` -}}` the white space after it; the parser never sees
//! them. Every token records its byte offset and line.

use super::ast::Pos;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tok {
    Text,
    Comment,
    LeftDelim,
    RightDelim,
    Space,
    LeftParen,
    RightParen,
    Pipe,
    Declare,
    Assign,
    Comma,
    Str,
    RawStr,
    Char,
    Number,
    Bool,
    Nil,
    Dot,
    Field,
    Variable,
    Identifier,
    /// Keywords: `if`, `else`, `end`, `range`, `with`, `define`, `template`,
    /// `block`, `break`, `continue` (the text is in `val`).
    Keyword,
    Eof,
}

/// A token: its text is `source[pos..end]` (for a comment, `pos` is its
/// left delimiter and `end` the end of its text). It borrows nothing, so the
/// parser can keep one token buffer per thread (see `parse`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Token {
    pub tok: Tok,
    /// 32 bits keep a token at 24 bytes; a template has fewer lines.
    pub line: u32,
    pub pos: Pos,
    pub end: Pos,
}

impl Token {
    /// The token's text in `src`, the source it was lexed from.
    #[inline]
    pub fn val<'s>(&self, src: &'s str) -> &'s str {
        &src[self.pos..self.end]
    }
}

/// A lexing failure: Go's message and the line it happened on.
#[derive(Clone, Debug, PartialEq)]
pub struct LexError {
    pub message: String,
    pub line: usize,
}

/// Byte classes (ASCII; bytes of multi-byte characters have none): one
/// table load decides what the hot loops ask of each byte.
const ALNUM: u8 = 1;
const SPACE: u8 = 2;
/// Ends an identifier, field or variable (Go's `atTerminator`, less `}}`).
const TERM: u8 = 4;

static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c == b'_' || c.is_ascii_alphanumeric() {
            t[b] |= ALNUM;
        }
        if matches!(c, b' ' | b'\t' | b'\r' | b'\n') {
            t[b] |= SPACE | TERM;
        }
        if matches!(c, b'.' | b',' | b'|' | b':' | b')' | b'(') {
            t[b] |= TERM;
        }
        b += 1;
    }
    t
};

/// What a word is: a keyword (Go's `key` table), a bool, `nil`, or else an
/// identifier. A `match` on the bytes (length first) needs no hashing.
fn word_token(word: &[u8]) -> Tok {
    match word {
        b"block" | b"break" | b"continue" | b"define" | b"else" | b"end" | b"if" | b"range"
        | b"template" | b"with" => Tok::Keyword,
        b"true" | b"false" => Tok::Bool,
        b"nil" => Tok::Nil,
        _ => Tok::Identifier,
    }
}

/// Finds `{{` (built once: a searcher per text run cost more than the search).
static LEFT_DELIM: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"{{"));

/// Finds the end of a comment (`str::find` ran a generic two-way search).
static COMMENT_END: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
    std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"*/"));

/// Tokenizes a whole template into `tokens` (cleared first). Lexing stops
/// at the first error, like Go's lexer, but the tokens before it are kept so
/// the parser can report the error at the right point (Go reports lexer
/// errors when the parser reaches them).
pub fn lex(src: &str, tokens: &mut Vec<Token>) -> Option<LexError> {
    tokens.clear();
    let mut l = Lexer {
        src,
        bytes: src.as_bytes(),
        pos: 0,
        line: 1,
        tokens,
        paren_depth: 0,
    };
    l.run().err()
}

struct Lexer<'a, 't> {
    src: &'a str,
    bytes: &'a [u8],
    pos: usize,
    line: usize,
    tokens: &'t mut Vec<Token>,
    paren_depth: usize,
}

#[inline]
fn is_space(b: u8) -> bool {
    CLASS[b as usize] & SPACE != 0
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

impl Lexer<'_, '_> {
    #[inline]
    fn emit(&mut self, tok: Tok, start: usize, end: usize, line: usize) {
        self.tokens.push(Token {
            tok,
            line: line as u32,
            pos: start,
            end,
        });
    }

    fn err<T>(&self, message: impl Into<String>) -> Result<T, LexError> {
        Err(LexError {
            message: message.into(),
            line: self.line,
        })
    }

    fn count_lines(&mut self, from: usize, to: usize) {
        self.line += memchr::memchr_iter(b'\n', &self.bytes[from..to]).count();
    }

    fn peek_char(&self) -> Option<char> {
        // ASCII without decoding (nearly all of a template's actions).
        match self.bytes.get(self.pos) {
            Some(&b) if b < 0x80 => Some(b as char),
            Some(_) => self.src[self.pos..].chars().next(),
            None => None,
        }
    }

    fn run(&mut self) -> Result<(), LexError> {
        loop {
            // Text up to the next "{{".
            let start = self.pos;
            let Some(rel) = LEFT_DELIM.find(&self.bytes[self.pos..]) else {
                if start < self.src.len() {
                    let line = self.line;
                    self.emit(Tok::Text, start, self.src.len(), line);
                    self.count_lines(start, self.src.len());
                }
                self.pos = self.src.len();
                let line = self.line;
                self.emit(Tok::Eof, self.pos, self.pos, line);
                return Ok(());
            };
            let delim = self.pos + rel;
            let trim_left = self.has_left_trim(delim);
            let mut text_end = delim;
            if trim_left {
                while text_end > start && is_space(self.bytes[text_end - 1]) {
                    text_end -= 1;
                }
            }
            if text_end > start {
                let line = self.line;
                self.emit(Tok::Text, start, text_end, line);
            }
            self.count_lines(start, delim);
            self.pos = delim;
            self.lex_left_delim(trim_left)?;
        }
    }

    fn has_left_trim(&self, delim: usize) -> bool {
        let after = delim + 2;
        self.bytes.get(after) == Some(&b'-')
            && self.bytes.get(after + 1).is_some_and(|b| is_space(*b))
    }

    /// At `{{`: a comment, or the start of an action.
    fn lex_left_delim(&mut self, trim: bool) -> Result<(), LexError> {
        let start = self.pos;
        let mut after = self.pos + 2;
        if trim {
            after += 2; // "- " (the space is part of the marker)
        }
        if self.src[after..].starts_with("/*") {
            self.pos = after;
            return self.lex_comment(start);
        }
        let line = self.line;
        self.emit(Tok::LeftDelim, start, start + 2, line);
        self.pos = after;
        self.paren_depth = 0;
        self.lex_inside_action()
    }

    fn lex_comment(&mut self, delim_start: usize) -> Result<(), LexError> {
        let start = self.pos;
        let Some(rel) = COMMENT_END.find(&self.bytes[self.pos + 2..]) else {
            return self.err("unclosed comment");
        };
        let end = self.pos + 2 + rel + 2;
        let line = self.line;
        self.count_lines(start, end);
        self.pos = end;
        // Optional right trim marker, then the right delimiter.
        let (trim_right, delim_len) = self.at_right_delim();
        if delim_len == 0 {
            return self.err("comment ends before closing delimiter");
        }
        self.emit(Tok::Comment, delim_start, end, line);
        self.pos += delim_len;
        if trim_right {
            self.skip_trailing_space();
        }
        Ok(())
    }

    /// Whether the input at `pos` is a right delimiter, with or without trim
    /// marker; returns (trim, length of marker + delimiter) or (false, 0).
    #[inline]
    fn at_right_delim(&self) -> (bool, usize) {
        let rest = &self.bytes[self.pos..];
        match rest {
            [b'}', b'}', ..] => (false, 2),
            [s, b'-', b'}', b'}', ..] if is_space(*s) => (true, 4),
            _ => (false, 0),
        }
    }

    fn skip_trailing_space(&mut self) {
        let start = self.pos;
        while self.pos < self.bytes.len() && is_space(self.bytes[self.pos]) {
            self.pos += 1;
        }
        self.count_lines(start, self.pos);
    }

    fn lex_inside_action(&mut self) -> Result<(), LexError> {
        loop {
            let Some(&b) = self.bytes.get(self.pos) else {
                return self.err("unclosed action");
            };
            // Only `}` or a space can start a right delimiter (`}}`, ` -}}`).
            if b == b'}' || is_space(b) {
                let (trim, delim_len) = self.at_right_delim();
                if delim_len > 0 && self.paren_depth == 0 {
                    let line = self.line;
                    let start = if trim { self.pos + 2 } else { self.pos };
                    self.emit(Tok::RightDelim, start, start + 2, line);
                    self.pos += delim_len;
                    if trim {
                        self.skip_trailing_space();
                    }
                    return Ok(());
                }
                if delim_len > 0 {
                    return self.err("unclosed left paren");
                }
            }
            let start = self.pos;
            let line = self.line;
            // Identifiers first: the most frequent token (ASCII, no decoding).
            if b.is_ascii_alphabetic() || b == b'_' {
                self.lex_identifier()?;
                continue;
            }
            let c = if b < 0x80 {
                b as char
            } else {
                self.peek_char().unwrap_or(' ')
            };
            match c {
                ' ' | '\t' | '\r' | '\n' => {
                    let mut newlines = 0;
                    while let Some(&s) = self.bytes.get(self.pos) {
                        if !is_space(s) {
                            break;
                        }
                        // A space that starts " -}}" belongs to the delimiter.
                        if self.bytes.get(self.pos + 1) == Some(&b'-')
                            && self.at_right_delim().1 == 4
                        {
                            break;
                        }
                        newlines += usize::from(s == b'\n');
                        self.pos += 1;
                    }
                    self.line += newlines;
                    if self.pos > start {
                        self.emit(Tok::Space, start, self.pos, line);
                    } else {
                        // Only the trim marker's own space: handled by at_right_delim next turn.
                        continue;
                    }
                }
                '=' => {
                    self.pos += 1;
                    self.emit(Tok::Assign, start, self.pos, line);
                }
                ':' => {
                    if self.bytes.get(self.pos + 1) != Some(&b'=') {
                        return self.err("expected :=");
                    }
                    self.pos += 2;
                    self.emit(Tok::Declare, start, self.pos, line);
                }
                '|' => {
                    self.pos += 1;
                    self.emit(Tok::Pipe, start, self.pos, line);
                }
                '"' => self.lex_quote()?,
                '`' => self.lex_raw_quote()?,
                '$' => self.lex_variable()?,
                '\'' => self.lex_char()?,
                '.' => {
                    if self.bytes.get(self.pos + 1).is_some_and(u8::is_ascii_digit) {
                        self.lex_number()?;
                    } else {
                        self.lex_field()?;
                    }
                }
                '+' | '-' | '0'..='9' => self.lex_number()?,
                ',' => {
                    self.pos += 1;
                    self.emit(Tok::Comma, start, self.pos, line);
                }
                '(' => {
                    self.pos += 1;
                    self.paren_depth += 1;
                    self.emit(Tok::LeftParen, start, self.pos, line);
                }
                ')' => {
                    if self.paren_depth == 0 {
                        return self.err("unexpected right paren");
                    }
                    self.pos += 1;
                    self.paren_depth -= 1;
                    self.emit(Tok::RightParen, start, self.pos, line);
                }
                c if is_alnum(c) => self.lex_identifier()?,
                c if (c as u32) < 0x80 && c.is_ascii_punctuation() => {
                    self.pos += 1;
                    self.emit(Tok::Identifier, start, self.pos, line);
                    // Go emits itemChar for other punctuation; the parser reports it.
                    // (Its text is the character itself.)
                    if let Some(t) = self.tokens.last_mut() {
                        t.tok = Tok::Comma;
                    }
                }
                c => return self.err(format!("unrecognized character in action: {}", go_rune(c))),
            }
        }
    }

    #[inline]
    fn at_terminator(&self) -> bool {
        match self.bytes.get(self.pos) {
            None => true,
            Some(&b) => {
                CLASS[b as usize] & TERM != 0
                    || (b == b'}' && self.bytes.get(self.pos + 1) == Some(&b'}'))
            }
        }
    }

    #[inline]
    fn scan_alnum(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            if CLASS[b as usize] & ALNUM != 0 {
                self.pos += 1;
            } else if b < 0x80 {
                break;
            } else {
                // A letter or digit beyond ASCII (Go's `unicode.IsLetter`/`IsDigit`).
                match self.peek_char() {
                    Some(c) if is_alnum(c) => self.pos += c.len_utf8(),
                    _ => break,
                }
            }
        }
    }

    fn lex_identifier(&mut self) -> Result<(), LexError> {
        let start = self.pos;
        let line = self.line;
        self.scan_alnum();
        if !self.at_terminator() {
            let c = self.peek_char().unwrap_or(' ');
            return self.err(format!("bad character {}", go_rune(c)));
        }
        let tok = word_token(&self.bytes[start..self.pos]);
        self.emit(tok, start, self.pos, line);
        Ok(())
    }

    fn lex_field(&mut self) -> Result<(), LexError> {
        let start = self.pos;
        let line = self.line;
        self.pos += 1; // '.'
        if self.at_terminator() {
            self.emit(Tok::Dot, start, self.pos, line);
            return Ok(());
        }
        self.scan_alnum();
        if !self.at_terminator() {
            let c = self.peek_char().unwrap_or(' ');
            return self.err(format!("bad character {}", go_rune(c)));
        }
        self.emit(Tok::Field, start, self.pos, line);
        Ok(())
    }

    fn lex_variable(&mut self) -> Result<(), LexError> {
        let start = self.pos;
        let line = self.line;
        self.pos += 1; // '$'
        if self.at_terminator() {
            self.emit(Tok::Variable, start, self.pos, line);
            return Ok(());
        }
        self.scan_alnum();
        if !self.at_terminator() {
            let c = self.peek_char().unwrap_or(' ');
            return self.err(format!("bad character {}", go_rune(c)));
        }
        self.emit(Tok::Variable, start, self.pos, line);
        Ok(())
    }

    fn lex_quote(&mut self) -> Result<(), LexError> {
        let start = self.pos;
        let line = self.line;
        self.pos += 1;
        loop {
            // None of the three bytes occurs inside a multi-byte character.
            let Some(rel) = memchr::memchr3(b'"', b'\\', b'\n', &self.bytes[self.pos..]) else {
                return self.err("unterminated quoted string");
            };
            self.pos += rel;
            match self.bytes[self.pos] {
                b'\n' => return self.err("unterminated quoted string"),
                b'\\' => {
                    self.pos += 1;
                    match self.bytes.get(self.pos) {
                        None | Some(b'\n') => return self.err("unterminated quoted string"),
                        Some(_) => self.pos += self.peek_char().map_or(1, char::len_utf8),
                    }
                }
                _ => {
                    self.pos += 1;
                    break;
                }
            }
        }
        self.emit(Tok::Str, start, self.pos, line);
        Ok(())
    }

    fn lex_raw_quote(&mut self) -> Result<(), LexError> {
        let start = self.pos;
        let line = self.line;
        let Some(rel) = self.src[self.pos + 1..].find('`') else {
            return self.err("unterminated raw quoted string");
        };
        self.pos = self.pos + 1 + rel + 1;
        self.emit(Tok::RawStr, start, self.pos, line);
        self.count_lines(start, self.pos);
        Ok(())
    }

    fn lex_char(&mut self) -> Result<(), LexError> {
        let start = self.pos;
        let line = self.line;
        self.pos += 1;
        loop {
            match self.bytes.get(self.pos) {
                None | Some(b'\n') => return self.err("unterminated character constant"),
                Some(b'\\') => {
                    self.pos += 1;
                    match self.bytes.get(self.pos) {
                        None | Some(b'\n') => {
                            return self.err("unterminated character constant");
                        }
                        Some(_) => self.pos += self.peek_char().map_or(1, char::len_utf8),
                    }
                }
                Some(b'\'') => {
                    self.pos += 1;
                    break;
                }
                Some(_) => self.pos += self.peek_char().map_or(1, char::len_utf8),
            }
        }
        self.emit(Tok::Char, start, self.pos, line);
        Ok(())
    }

    fn lex_number(&mut self) -> Result<(), LexError> {
        let start = self.pos;
        let line = self.line;
        self.scan_number();
        // Go also accepts a complex number like 1+2i here; charts never use them.
        if self.peek_char().is_some_and(is_alnum) {
            self.scan_alnum();
            let text = &self.src[start..self.pos];
            return self.err(format!("bad number syntax: {text:?}"));
        }
        if self.pos == start {
            return self.err("bad number syntax");
        }
        self.emit(Tok::Number, start, self.pos, line);
        Ok(())
    }

    fn accept(&mut self, valid: &str) -> bool {
        match self.peek_char() {
            Some(c) if valid.contains(c) => {
                self.pos += c.len_utf8();
                true
            }
            _ => false,
        }
    }

    fn accept_run(&mut self, valid: &str) {
        while self.accept(valid) {}
    }

    fn scan_number(&mut self) {
        self.accept("+-");
        let mut digits = "0123456789_";
        if self.accept("0") {
            if self.accept("xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if self.accept("oO") {
                digits = "01234567_";
            } else if self.accept("bB") {
                digits = "01_";
            }
        }
        self.accept_run(digits);
        if self.accept(".") {
            self.accept_run(digits);
        }
        if digits.len() == 11 && self.accept("eE") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        if digits.len() == 23 && self.accept("pP") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        self.accept("i");
    }
}

/// Go's `%#U` of a rune: `U+002D '-'`.
pub fn go_rune(c: char) -> String {
    if c.is_control() {
        format!("U+{:04X}", c as u32)
    } else {
        format!("U+{:04X} '{c}'", c as u32)
    }
}

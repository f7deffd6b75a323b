//! A fast path for the plain block YAML that rendered manifests and values
//! files are made of: indented mappings and sequences, plain and one-line
//! quoted scalars, literal block scalars, comments, `[]` and `{}`.
//!
//! The full parser (`parse` over `events` and `scanner`, a port of
//! libyaml's state machines) spends most of an audit's YAML time on
//! generality a manifest rarely uses. This reads such a document line by
//! line straight into a [`Value`], typing scalars with the same resolver.
//! Anything outside that subset, anything it is not sure reads the same,
//! and every error gives `None`, and the caller parses the text with the
//! full parser: this never decides what a document means on its own.
//! `tests` and the `yaml` fuzz target check that both agree.

use super::gofloat::format_float_json;
use super::resolve::{Resolved, is_plain_string, resolve_owned};
use crate::value::{Map, Value};

/// Nesting this deep is left to the full parser (and its depth limit).
const MAX_NESTING: usize = 64;

/// Keys longer than this are left to the full parser: YAML limits an
/// implicit key to 1,024 characters (found by the `yaml` fuzz target).
const MAX_KEY: usize = 512;

/// The value of the first document of `text` (like `decode::from_yaml`),
/// or `None` when the full parser must read it.
pub fn from_block_yaml(text: &str) -> Option<Value> {
    if !plain_lines(text.as_bytes()) {
        return None;
    }
    let mut reader = Reader {
        s: text.as_bytes(),
        text,
        p: 0,
        depth: 0,
    };
    let Some(first) = reader.peek() else {
        return Some(Value::Null);
    };
    let root = reader.block_node(first, None)?;
    match reader.peek() {
        None => Some(root),
        Some(_) => None,
    }
}

/// Printable characters and newlines only (no tabs, carriage returns or
/// control characters, to which YAML gives meanings of their own), and no
/// line that starts a directive or a document marker.
fn plain_lines(s: &[u8]) -> bool {
    // Branch-free per 64-byte chunk, so the check runs at vector speed.
    let control = |c: &[u8]| {
        c.iter().fold(false, |bad, &b| {
            bad | ((b < 0x20) & (b != b'\n')) | (b == 0x7f)
        })
    };
    if s.chunks(64).any(control) {
        return false;
    }
    if !s.is_ascii() && !std::str::from_utf8(s).is_ok_and(|t| t.chars().all(plain_char)) {
        return false;
    }
    let marker =
        |at: &[u8]| at.starts_with(b"---") || at.starts_with(b"...") || at.first() == Some(&b'%');
    if marker(s) {
        return false;
    }
    memchr::memchr_iter(b'\n', s).all(|i| !marker(&s[i + 1..]))
}

/// A character YAML reads as itself: printable, and no line break or
/// byte order mark of YAML 1.1's beyond ASCII (NEL, LS, PS).
fn plain_char(c: char) -> bool {
    c.is_ascii()
        || matches!(c, '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
            && !matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
}

/// A line with content: its start, the offset of its first non-space
/// byte, its end (the newline or the end of the text) and its indentation.
#[derive(Clone, Copy)]
struct Line {
    begin: usize,
    start: usize,
    end: usize,
    indent: usize,
}

struct Reader<'a> {
    s: &'a [u8],
    text: &'a str,
    /// The start of the first line not read yet.
    p: usize,
    depth: usize,
}

/// Bytes that may not start a plain scalar (or start one only when not
/// followed by a space: `-`, `?`, `:`, left to the full parser).
fn is_indicator(b: u8) -> bool {
    matches!(
        b,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}

impl<'a> Reader<'a> {
    fn line_end(&self, from: usize) -> usize {
        memchr::memchr(b'\n', &self.s[from..]).map_or(self.s.len(), |i| from + i)
    }

    /// How many spaces the line from `begin` to `end` starts with.
    fn spaces(&self, begin: usize, end: usize) -> usize {
        self.s[begin..end]
            .iter()
            .take_while(|&&b| b == b' ')
            .count()
    }

    /// The next line with content (blank and comment lines skipped).
    fn peek(&self) -> Option<Line> {
        let mut begin = self.p;
        while begin < self.s.len() {
            let end = self.line_end(begin);
            let mut start = begin;
            while start < end && self.s[start] == b' ' {
                start += 1;
            }
            if start < end && self.s[start] != b'#' {
                return Some(Line {
                    begin,
                    start,
                    end,
                    indent: start - begin,
                });
            }
            begin = end + 1;
        }
        None
    }

    /// Marks the line ending at `end` read.
    fn consume(&mut self, end: usize) {
        self.p = (end + 1).min(self.s.len());
    }

    fn is_entry(&self, at: usize, end: usize) -> bool {
        self.s[at] == b'-' && (at + 1 == end || self.s[at + 1] == b' ')
    }

    /// The block node whose first line is `line`; `parent` is the
    /// indentation of the collection holding it.
    fn block_node(&mut self, line: Line, parent: Option<usize>) -> Option<Value> {
        if parent.is_some_and(|p| line.indent <= p) {
            return None;
        }
        self.nested(|r| {
            if r.is_entry(line.start, line.end) {
                r.sequence(line.indent)
            } else if r.key(line.start, line.end).is_some() {
                r.mapping(line.indent, line.start, line.end)
            } else {
                // A scalar on a line of its own (`key:` then `  {}`); its
                // continuation lines are deeper than the parent's column.
                r.value(parent?, line.start, line.end, false)
            }
        })
    }

    /// `read` one level deeper (`None` past [`MAX_NESTING`]).
    fn nested(&mut self, read: impl FnOnce(&mut Self) -> Option<Value>) -> Option<Value> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return None;
        }
        let value = read(self);
        self.depth -= 1;
        value
    }

    /// A mapping whose keys sit at column `n`; the first key starts at
    /// `at` on the line ending at `end` (maybe after a sequence's `- `).
    fn mapping(&mut self, n: usize, mut at: usize, mut end: usize) -> Option<Value> {
        let mut map = Map::new();
        loop {
            let (key, after) = self.key(at, end)?;
            let value = self.value(n, after, end, true)?;
            if map.insert(key, value).is_some() {
                return None;
            }
            match self.peek() {
                Some(l) if l.indent == n && !self.is_entry(l.start, l.end) => {
                    at = l.start;
                    end = l.end;
                }
                Some(l) if l.indent >= n => return None,
                _ => return Some(Value::Map(map)),
            }
        }
    }

    /// A block sequence whose `-` sit at column `n`.
    fn sequence(&mut self, n: usize) -> Option<Value> {
        let mut items = Vec::new();
        while let Some(l) = self.peek() {
            if l.indent != n || !self.is_entry(l.start, l.end) {
                if l.indent > n {
                    return None;
                }
                break;
            }
            let mut at = l.start + 1;
            while at < l.end && self.s[at] == b' ' {
                at += 1;
            }
            let item = if at == l.end || self.s[at] == b'#' {
                self.consume(l.end);
                match self.peek() {
                    Some(next) if next.indent > n => self.block_node(next, Some(n))?,
                    _ => Value::Null,
                }
            } else if self.is_entry(at, l.end) {
                return None;
            } else if self.key(at, l.end).is_some() {
                // `- key: value`: a mapping whose keys align with this one.
                self.nested(|r| r.mapping(at - l.begin, at, l.end))?
            } else {
                self.value(n, at, l.end, false)?
            };
            items.push(item);
        }
        Some(Value::List(items))
    }

    /// A mapping key at `at` (plain or quoted, a string), followed by `:`
    /// and a space or the line's end: the key and the offset after `:`.
    fn key(&self, at: usize, end: usize) -> Option<(String, usize)> {
        let first = self.s[at];
        if first == b'"' || first == b'\'' {
            let (key, after) = self.quoted(at, end)?;
            let colon_ok = after - at <= MAX_KEY
                && after < end
                && self.s[after] == b':'
                && (after + 1 == end || self.s[after + 1] == b' ');
            return colon_ok.then_some((key, after + 1));
        }
        if is_indicator(first) {
            return None;
        }
        let mut i = at;
        while i < end {
            match self.s[i] {
                b':' if i + 1 == end || self.s[i + 1] == b' ' => {
                    let key = &self.text[at..i];
                    if key.len() > MAX_KEY {
                        return None;
                    }
                    // A blank before `:`, or a key YAML types (`true`, `1`).
                    if key.ends_with(' ') || !is_plain_string(key) || key == "<<" {
                        return None;
                    }
                    return Some((key.to_string(), i + 1));
                }
                b'#' if self.s[i - 1] == b' ' => return None,
                _ => i += 1,
            }
        }
        None
    }

    /// The value after a key's `:` (or a sequence's `- `) at `at` on the
    /// line ending at `end`, in a collection at column `n`; nested blocks
    /// follow on deeper lines, and a mapping value may be a sequence at the
    /// mapping's own column (`key:` then `- a`).
    fn value(&mut self, n: usize, at: usize, end: usize, in_mapping: bool) -> Option<Value> {
        let mut at = at;
        while at < end && self.s[at] == b' ' {
            at += 1;
        }
        if at == end || self.s[at] == b'#' {
            if at < end && self.s[at - 1] != b' ' {
                return None;
            }
            self.consume(end);
            return Some(match self.peek() {
                Some(next) if next.indent > n => self.block_node(next, Some(n))?,
                Some(next)
                    if in_mapping && next.indent == n && self.is_entry(next.start, next.end) =>
                {
                    self.nested(|r| r.sequence(n))?
                }
                _ => Value::Null,
            });
        }
        let value = match self.s[at] {
            b'|' => return self.literal(n, at, end),
            b'"' | b'\'' => {
                let (text, after, end) = self.quoted_lines(at, end)?;
                if !self.only_comment(after, end) {
                    return None;
                }
                self.consume(end);
                return Some(Value::String(text));
            }
            b'{' => {
                if !self.s[at..end].starts_with(b"{}") || !self.only_comment(at + 2, end) {
                    return None;
                }
                Value::Map(Map::new())
            }
            b'[' => self.flow_sequence(at, end)?,
            b'-' if at + 1 < end && self.s[at + 1] != b' ' => return self.plain(n, at, end),
            b if is_indicator(b) => return None,
            _ => return self.plain(n, at, end),
        };
        self.consume(end);
        Some(value)
    }

    /// A flow sequence of scalars on one line: `[]`, `["a", b]`.
    fn flow_sequence(&self, at: usize, end: usize) -> Option<Value> {
        let mut items = Vec::new();
        let mut i = at + 1;
        loop {
            while i < end && self.s[i] == b' ' {
                i += 1;
            }
            if i < end && self.s[i] == b']' && items.is_empty() {
                i += 1;
                break;
            }
            let (item, after) = match *self.s.get(i)? {
                b'"' | b'\'' => {
                    let (text, after) = self.quoted(i, end)?;
                    (Value::String(text), after)
                }
                b if is_indicator(b) => return None,
                _ => {
                    let mut j = i;
                    while j < end
                        && !matches!(
                            self.s[j],
                            b',' | b']' | b'[' | b'{' | b'}' | b'#' | b':' | b'"' | b'\''
                        )
                    {
                        j += 1;
                    }
                    (typed(self.text[i..j].trim_end_matches(' '))?, j)
                }
            };
            items.push(item);
            i = after;
            while i < end && self.s[i] == b' ' {
                i += 1;
            }
            match self.s.get(i) {
                Some(b',') if i < end => i += 1,
                Some(b']') if i < end => {
                    i += 1;
                    break;
                }
                _ => return None,
            }
        }
        self.only_comment(i, end).then_some(Value::List(items))
    }

    /// Nothing but blanks and maybe a comment from `at` to `end`.
    fn only_comment(&self, at: usize, end: usize) -> bool {
        let mut i = at;
        while i < end && self.s[i] == b' ' {
            i += 1;
        }
        i == end || (self.s[i] == b'#' && i > at)
    }

    /// One line's part of a plain scalar from `at`: up to a comment,
    /// without trailing blanks, and whether a comment ended it (`None`
    /// when it holds a `: ` or ends in `:`, which YAML reads otherwise).
    fn plain_line(&self, at: usize, end: usize) -> Option<(&'a str, bool)> {
        let line = &self.s[at..end];
        let comment = memchr::memmem::find(line, b" #");
        let stop = comment.map_or(end, |i| at + i);
        let text = self.text[at..stop].trim_end_matches(' ');
        if text.ends_with(':') || memchr::memmem::find(text.as_bytes(), b": ").is_some() {
            return None;
        }
        Some((text, comment.is_some()))
    }

    /// A plain scalar from `at` in a collection at column `n`: its first
    /// line and the deeper lines that continue it (folded: one line break
    /// is a space, more are line breaks), typed like the full decoder
    /// types it. Consumes its lines.
    fn plain(&mut self, n: usize, at: usize, end: usize) -> Option<Value> {
        let (first, mut ended) = self.plain_line(at, end)?;
        self.consume(end);
        let mut folded: Option<String> = None;
        let mut breaks = 0;
        let mut begin = self.p;
        while !ended && begin < self.s.len() {
            let line_end = self.line_end(begin);
            let spaces = self.spaces(begin, line_end);
            let start = begin + spaces;
            if start == line_end {
                breaks += 1;
                begin = line_end + 1;
                continue;
            }
            if spaces <= n || self.s[start] == b'#' {
                break;
            }
            let next = self.s.get(start + 1).copied().unwrap_or(b' ');
            if matches!(self.s[start], b'-' | b'?' | b':') && next == b' ' {
                return None;
            }
            let (text, comment) = self.plain_line(start, line_end)?;
            let out = folded.get_or_insert_with(|| first.to_string());
            match breaks {
                0 => out.push(' '),
                k => out.extend(std::iter::repeat_n('\n', k)),
            }
            out.push_str(text);
            breaks = 0;
            ended = comment;
            begin = line_end + 1;
            self.consume(line_end);
        }
        match folded {
            Some(text) => typed_owned(text),
            None => typed(first),
        }
    }

    /// A quoted scalar on one line: its text and the offset after the
    /// closing quote.
    fn quoted(&self, at: usize, end: usize) -> Option<(String, usize)> {
        let (text, after, close_end) = self.quoted_lines(at, end)?;
        (close_end == end).then_some((text, after))
    }

    /// A quoted scalar from `at` on the line ending at `end`: its text,
    /// the offset after the closing quote and the end of that quote's
    /// line. Line breaks inside fold as go-yaml folds them (one is a
    /// space, more are line breaks; blanks around them dropped). Escapes
    /// beyond the common few are left to the full parser.
    fn quoted_lines(&self, at: usize, end: usize) -> Option<(String, usize, usize)> {
        let quote = self.s[at];
        let mut out = String::new();
        let mut end = end;
        let mut i = at + 1;
        let mut run = i;
        loop {
            if i == end {
                // The line ends inside the scalar: fold into the next one.
                out.push_str(self.text[run..end].trim_end_matches(' '));
                let mut breaks = 0;
                let mut begin = end + 1;
                loop {
                    if begin >= self.s.len() {
                        return None;
                    }
                    let line_end = self.line_end(begin);
                    let spaces = self.spaces(begin, line_end);
                    if begin + spaces < line_end {
                        i = begin + spaces;
                        end = line_end;
                        break;
                    }
                    breaks += 1;
                    begin = line_end + 1;
                }
                match breaks {
                    0 => out.push(' '),
                    k => out.extend(std::iter::repeat_n('\n', k)),
                }
                run = i;
                continue;
            }
            let b = self.s[i];
            if b == quote {
                if quote == b'\'' && i + 1 < end && self.s[i + 1] == b'\'' {
                    out.push_str(&self.text[run..=i]);
                    i += 2;
                    run = i;
                    continue;
                }
                out.push_str(&self.text[run..i]);
                return Some((out, i + 1, end));
            }
            if quote == b'"' && b == b'\\' {
                out.push_str(&self.text[run..i]);
                let escaped = match self.s.get(i + 1)? {
                    b'\\' => '\\',
                    b'"' => '"',
                    b'/' => '/',
                    b'n' => '\n',
                    b't' => '\t',
                    _ => return None,
                };
                out.push(escaped);
                i += 2;
                run = i;
                continue;
            }
            i += 1;
        }
    }

    /// A literal block scalar (`|`, `|-`) whose header is at `at`, in a
    /// collection at column `n`. Keep chomping (`|+`), indentation
    /// indicators and folded scalars are left to the full parser.
    fn literal(&mut self, n: usize, at: usize, end: usize) -> Option<Value> {
        let mut i = at + 1;
        let strip = i < end && self.s[i] == b'-';
        if strip {
            i += 1;
        }
        if i < end && self.s[i] != b' ' {
            return None;
        }
        if !self.only_comment(i, end) {
            return None;
        }
        self.consume(end);
        // The content's indentation: that of its first non-blank line.
        let mut indent = None;
        let mut begin = self.p;
        let mut leading_spaces = 0;
        while begin < self.s.len() {
            let line_end = self.line_end(begin);
            let spaces = self.spaces(begin, line_end);
            if begin + spaces < line_end {
                indent = Some(spaces);
                break;
            }
            leading_spaces = leading_spaces.max(spaces);
            begin = line_end + 1;
        }
        let m = match indent {
            Some(m) if m > n => m,
            // No content: an empty string (its blank lines are chomped).
            _ => {
                if leading_spaces > n {
                    return None;
                }
                self.p = begin.min(self.s.len());
                return Some(Value::String(String::new()));
            }
        };
        if leading_spaces > m {
            return None;
        }
        let mut text = String::new();
        let mut blank_run = 0;
        let mut begin = self.p;
        while begin < self.s.len() {
            let line_end = self.line_end(begin);
            let spaces = self.spaces(begin, line_end);
            if begin + spaces == line_end {
                // Blank: a line break of the content (or chomped if last).
                if spaces > m {
                    return None;
                }
                blank_run += 1;
                begin = line_end + 1;
                continue;
            }
            if spaces < m {
                if spaces > n {
                    return None;
                }
                break;
            }
            for _ in 0..blank_run {
                text.push('\n');
            }
            blank_run = 0;
            text.push_str(&self.text[begin + m..line_end]);
            text.push('\n');
            begin = line_end + 1;
        }
        if begin >= self.s.len() && !self.text.ends_with('\n') {
            // The last line has no line break of its own to keep.
            if blank_run > 0 {
                return None;
            }
            text.pop();
        }
        self.p = begin.min(self.s.len());
        if strip {
            while text.ends_with('\n') {
                text.pop();
            }
        }
        Some(Value::String(text))
    }
}

/// A plain scalar typed like the full decoder types it.
fn typed(text: &str) -> Option<Value> {
    typed_owned(text.to_string())
}

fn typed_owned(text: String) -> Option<Value> {
    Some(match resolve_owned("", text).ok()? {
        Resolved::Null => Value::Null,
        Resolved::Bool(b) => Value::Bool(b),
        Resolved::Int(i) => Value::Float(i as f64),
        Resolved::Uint(u) => Value::Float(u as f64),
        Resolved::Float(f) => {
            format_float_json(f)?;
            Value::Float(f)
        }
        Resolved::Str(s) => Value::String(s),
    })
}

#[cfg(test)]
mod tests {
    use super::from_block_yaml;
    use crate::yaml::from_yaml_full;

    /// Read by the fast path, and read alike by the full parser.
    fn same(text: &str) {
        let fast = from_block_yaml(text).unwrap_or_else(|| panic!("not read fast: {text:?}"));
        assert_eq!(Ok(fast), from_yaml_full(text), "{text:?}");
    }

    /// Left to the full parser.
    fn left(text: &str) {
        assert_eq!(from_block_yaml(text), None, "{text:?}");
    }

    #[test]
    fn manifests_read_fast_like_the_parser_reads_them() {
        same(
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x # c\n  labels:\n    a: \"1\"\n    b: 'it''s'\n",
        );
        same(
            "spec:\n  containers:\n  - name: a\n    args: [\"run\", '-c', x, 2]\n    env: []\n    resources: {}\n  -   name: b\n",
        );
        same("a:\n- 1\n- 2.5\n- true\n- yes\n- ~\n- 0x10\n- 1e3\n-\n- -x\nb: no\n");
        same("# only a comment\n\n");
        same(
            "data:\n  s.sh: |\n    #!/bin/sh\n\n      indented\n    end\n\n  t: |-\n    x\n\n\n  u: |\n\nafter: 1",
        );
        same(
            "d: a long\n  description that\n\n  wraps \"here\" #c\ne: 'quoted\n  across\n\n  lines'\n",
        );
        same("k:\n  {}\nl:\n  null\n");
        same(
            "\"helm.sh/hook\": pre-upgrade,pre-rollback\nweight: \"-5\"\nesc: \"a\\\"b\\\\c\\n\\t/\"",
        );
        same("top:\n  - a: 1\n    b:\n    - c\n    d: x\n");
        same("text: ünïcode ✓ works\n");
    }

    #[test]
    fn what_it_does_not_read_is_left_to_the_parser() {
        left("a: &x 1\nb: *x\n");
        left("a: >\n  folded\n");
        left("a: |+\n  keep\n");
        left("a: |2\n  x\n");
        left("<<: {a: 1}\n");
        left("a: 1\na: 2\n");
        left("a: {b: c}\n");
        left("a:\tb\n");
        left("---\na: 1\n");
        left("a: b: c\n");
        left("true: 1\n");
        left("a: \"esc \\x41\"\n");
        left("a: line\u{2028}sep\n");
        left("just a scalar\n");
        left("a: 1\n  b: 2\n");
        left("a: .nan\n");
        left(&format!("{}: 1\n", "k".repeat(1100)));
        // Deeper than the fast path nests (the parser has its own limit).
        let deep: String = (0..100).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
        left(&deep);
    }
}

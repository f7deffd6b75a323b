//! go-yaml's emitter, byte for byte, for the values Helm writes.
//!
//! `toYaml` is sigs.k8s.io/yaml's `Marshal`: encoding/json first, the JSON read
//! back by go-yaml v2 (so whole floats become ints, `1e+21` stays a float),
//! then go-yaml v2's `Marshal` (sorted keys, 2-space indentation, sequences
//! not indented inside mappings, lines folded after column 80).
//! `toYamlPretty` is go-yaml v3's encoder with `SetIndent(2)` on the value
//! itself: no JSON step, sequences indented, no folding.

use super::YamlError;
use super::gofloat::{format_float_g, format_float_json};
use super::resolve::{Resolved, is_plain_string, resolve};
use super::scalar::{Analysis, ScalarStyle, analyze, is_break, is_printable};
use crate::value::Value;

/// A value as go-yaml's encoder sees it (Go's dynamic types that matter).
enum Node {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

/// sigs.k8s.io/yaml `Marshal`: the exact bytes, trailing newline included.
pub fn to_yaml(v: &Value) -> Result<String, YamlError> {
    let node = through_json(v)?;
    Ok(Emitter::new(false).document(&node))
}

/// Helm's `toYamlPretty` encoder output (go-yaml v3, indent 2), trailing newline included.
pub fn to_yaml_pretty(v: &Value) -> Result<String, YamlError> {
    let node = direct(v);
    Ok(Emitter::new(true).document(&node))
}

/// The value after encoding/json + go-yaml v2 decoding of that JSON.
fn through_json(v: &Value) -> Result<Node, YamlError> {
    Ok(match v {
        Value::Null => Node::Null,
        Value::Bool(b) => Node::Bool(*b),
        Value::Int(i) => Node::Int(*i),
        Value::Float(f) => {
            let text = format_float_json(*f).ok_or_else(|| {
                YamlError::new(format!(
                    "json: unsupported value: {}",
                    format_float_g(*f, false)
                ))
            })?;
            match resolve("", &text) {
                Ok(Resolved::Int(i)) => Node::Int(i),
                Ok(Resolved::Uint(u)) => Node::Uint(u),
                _ => Node::Float(*f),
            }
        }
        Value::String(s) => Node::Str(s.clone()),
        Value::List(items) => Node::Seq(items.iter().map(through_json).collect::<Result<_, _>>()?),
        Value::Map(m) => Node::Map(sorted(
            m.iter()
                .map(|(k, v)| Ok((k.clone(), through_json(v)?)))
                .collect::<Result<_, YamlError>>()?,
        )),
    })
}

/// The value as go-yaml v3 encodes Go's own types.
fn direct(v: &Value) -> Node {
    match v {
        Value::Null => Node::Null,
        Value::Bool(b) => Node::Bool(*b),
        Value::Int(i) => Node::Int(*i),
        Value::Float(f) => Node::Float(*f),
        Value::String(s) => Node::Str(s.clone()),
        Value::List(items) => Node::Seq(items.iter().map(direct).collect()),
        Value::Map(m) => Node::Map(sorted(
            m.iter().map(|(k, v)| (k.clone(), direct(v))).collect(),
        )),
    }
}

fn sorted(mut entries: Vec<(String, Node)>) -> Vec<(String, Node)> {
    super::gosort::sort_by_less(&mut entries, |(a, _), (b, _)| key_less(a, b));
    entries
}

/// go-yaml's `keyList.Less` for string keys: letters after other characters,
/// runs of digits compared as numbers. Not a total order (see `gosort`).
fn key_less(a: &str, b: &str) -> bool {
    // Keys are almost always ASCII: compare bytes, which order as chars.
    if a.is_ascii() && b.is_ascii() {
        return key_less_in(a.as_bytes(), b.as_bytes());
    }
    let ar: Vec<char> = a.chars().collect();
    let br: Vec<char> = b.chars().collect();
    key_less_in(&ar, &br)
}

/// [`key_less`] over the characters (or ASCII bytes) of two keys.
fn key_less_in<C: Copy + Into<char>>(ar: &[C], br: &[C]) -> bool {
    let ch = |c: C| -> char { c.into() };
    let mut i = 0;
    while i < ar.len() && i < br.len() {
        if ch(ar[i]) == ch(br[i]) {
            i += 1;
            continue;
        }
        let al = ch(ar[i]).is_alphabetic();
        let bl = ch(br[i]).is_alphabetic();
        if al && bl {
            return ch(ar[i]) < ch(br[i]);
        }
        if al || bl {
            return bl;
        }
        let (mut an, mut bn) = (0i64, 0i64);
        if ch(ar[i]) == '0' || ch(br[i]) == '0' {
            let mut j = i;
            while j > 0 && is_go_digit(ch(ar[j - 1])) {
                j -= 1;
                if ch(ar[j]) != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let mut ai = i;
        while ai < ar.len() && is_go_digit(ch(ar[ai])) {
            an = an.wrapping_mul(10).wrapping_add(digit_value(ch(ar[ai])));
            ai += 1;
        }
        let mut bi = i;
        while bi < br.len() && is_go_digit(ch(br[bi])) {
            bn = bn.wrapping_mul(10).wrapping_add(digit_value(ch(br[bi])));
            bi += 1;
        }
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ch(ar[i]) < ch(br[i]);
    }
    ar.len() < br.len()
}

/// `unicode.IsDigit`.
fn is_go_digit(c: char) -> bool {
    c.is_ascii_digit()
}

/// `int64(r - '0')` as Go computes it (meaningful for ASCII digits).
fn digit_value(c: char) -> i64 {
    c as i64 - '0' as i64
}

/// go-yaml v2's test for YAML 1.1 sexagesimal numbers, quoted on output.
fn is_base60_float(s: &str) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if !(first == '+' || first == '-' || first.is_ascii_digit()) || !s.contains(':') {
        return false;
    }
    // ^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$
    let b = s.as_bytes();
    let mut i = usize::from(matches!(b[0], b'+' | b'-'));
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    i += 1;
    while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) && i - start < 2 {
            i += 1;
        }
        let group = &b[start..i];
        let valid = match group {
            [d] => d.is_ascii_digit(),
            [t, d] => (b'0'..=b'5').contains(t) && d.is_ascii_digit(),
            _ => false,
        };
        if !valid {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// YAML 1.1 booleans go-yaml v3 still quotes.
fn is_old_bool(s: &str) -> bool {
    matches!(
        s,
        "y" | "Y"
            | "yes"
            | "Yes"
            | "YES"
            | "on"
            | "On"
            | "ON"
            | "n"
            | "N"
            | "no"
            | "No"
            | "NO"
            | "off"
            | "Off"
            | "OFF"
    )
}

/// The style go-yaml's `stringv` asks for.
fn string_style(s: &str) -> ScalarStyle {
    let can_use_plain =
        is_plain_string(s) && !is_base60_float(s) && !is_old_bool(s) && !looks_like_timestamp(s);
    if s.contains('\n') {
        ScalarStyle::Literal
    } else if can_use_plain {
        ScalarStyle::Plain
    } else {
        ScalarStyle::DoubleQuoted
    }
}

/// Plain strings that go-yaml resolves as timestamps (kept as text on read,
/// but quoted on write).
fn looks_like_timestamp(s: &str) -> bool {
    super::resolve::is_timestamp(s)
}

struct Emitter {
    out: String,
    best_indent: i64,
    best_width: usize,
    /// go-yaml v3 with `SetIndent(2)`: sequences inside mappings are indented.
    indent_sequences: bool,
    indent: i64,
    indents: Vec<i64>,
    column: usize,
    whitespace: bool,
    indention: bool,
    flow_level: usize,
    mapping_context: bool,
    simple_key_context: bool,
}

impl Emitter {
    fn new(pretty: bool) -> Self {
        Emitter {
            out: String::new(),
            best_indent: 2,
            best_width: if pretty { usize::MAX } else { 80 },
            indent_sequences: pretty,
            indent: -1,
            indents: Vec::new(),
            column: 0,
            whitespace: true,
            indention: true,
            flow_level: 0,
            mapping_context: false,
            simple_key_context: false,
        }
    }

    fn document(mut self, node: &Node) -> String {
        self.node(node, false, false);
        // DOCUMENT-END: an implicit end only moves to a fresh line.
        self.write_indent();
        self.out
    }

    fn increase_indent(&mut self, flow: bool, indentless: bool) {
        self.indents.push(self.indent);
        if self.indent < 0 {
            self.indent = if flow { self.best_indent } else { 0 };
        } else if !indentless {
            self.indent += self.best_indent;
        }
    }

    fn decrease_indent(&mut self) {
        self.indent = self.indents.pop().unwrap_or(-1);
    }

    fn node(&mut self, node: &Node, mapping: bool, simple_key: bool) {
        self.mapping_context = mapping;
        self.simple_key_context = simple_key;
        match node {
            Node::Null => self.scalar("null", ScalarStyle::Plain),
            Node::Bool(b) => self.scalar(if *b { "true" } else { "false" }, ScalarStyle::Plain),
            Node::Int(i) => self.scalar(&i.to_string(), ScalarStyle::Plain),
            Node::Uint(u) => self.scalar(&u.to_string(), ScalarStyle::Plain),
            Node::Float(f) => {
                let text = match format_float_g(*f, false).as_str() {
                    "+Inf" => ".inf".to_string(),
                    "-Inf" => "-.inf".to_string(),
                    "NaN" => ".nan".to_string(),
                    other => other.to_string(),
                };
                self.scalar(&text, ScalarStyle::Plain)
            }
            Node::Str(s) => self.scalar(s, string_style(s)),
            Node::Seq(items) if items.is_empty() => self.empty_flow("[", "]"),
            Node::Map(entries) if entries.is_empty() => self.empty_flow("{", "}"),
            Node::Seq(items) => self.block_sequence(items),
            Node::Map(entries) => self.block_mapping(entries),
        }
    }

    fn empty_flow(&mut self, open: &str, close: &str) {
        self.write_indicator(open, true, true, false);
        self.write_indicator(close, false, false, false);
    }

    fn block_sequence(&mut self, items: &[Node]) {
        let indentless = !self.indent_sequences && self.mapping_context && !self.indention;
        self.increase_indent(false, indentless);
        for item in items {
            self.write_indent();
            self.write_indicator("-", true, false, true);
            self.node(item, false, false);
        }
        self.decrease_indent();
    }

    fn block_mapping(&mut self, entries: &[(String, Node)]) {
        self.increase_indent(false, false);
        for (key, value) in entries {
            self.write_indent();
            let analysis = analyze(key);
            if !analysis.multiline && key.chars().count() <= 128 {
                self.node(&Node::Str(key.clone()), true, true);
                self.write_indicator(":", false, false, false);
            } else {
                self.write_indicator("?", true, false, true);
                self.node(&Node::Str(key.clone()), true, false);
                self.write_indent();
                self.write_indicator(":", true, false, true);
            }
            self.node(value, true, false);
        }
        self.decrease_indent();
    }

    fn scalar(&mut self, value: &str, requested: ScalarStyle) {
        let analysis = analyze(value);
        let style = self.select_style(value, requested, &analysis);
        self.increase_indent(true, false);
        let allow_breaks = !self.simple_key_context;
        match style {
            ScalarStyle::Plain => self.write_plain(value, allow_breaks),
            ScalarStyle::SingleQuoted => self.write_single_quoted(value, allow_breaks),
            ScalarStyle::DoubleQuoted => self.write_double_quoted(value, allow_breaks),
            ScalarStyle::Literal => self.write_literal(value),
        }
        self.decrease_indent();
    }

    fn select_style(&self, value: &str, requested: ScalarStyle, a: &Analysis) -> ScalarStyle {
        let mut style = requested;
        if self.simple_key_context && a.multiline {
            style = ScalarStyle::DoubleQuoted;
        }
        if style == ScalarStyle::Plain {
            if (self.flow_level > 0 && !a.flow_plain_allowed)
                || (self.flow_level == 0 && !a.block_plain_allowed)
            {
                style = ScalarStyle::SingleQuoted;
            }
            if value.is_empty() && (self.flow_level > 0 || self.simple_key_context) {
                style = ScalarStyle::SingleQuoted;
            }
        }
        if style == ScalarStyle::SingleQuoted && !a.single_quoted_allowed {
            style = ScalarStyle::DoubleQuoted;
        }
        if style == ScalarStyle::Literal
            && (!a.block_allowed || self.flow_level > 0 || self.simple_key_context)
        {
            style = ScalarStyle::DoubleQuoted;
        }
        style
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
        self.indention = true;
    }

    /// Copies a line break from the value (`\n` as is, others verbatim).
    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
            self.indention = true;
        }
    }

    fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    fn write_indicator(&mut self, indicator: &str, need_ws: bool, is_ws: bool, is_indention: bool) {
        if need_ws && !self.whitespace {
            self.put(' ');
        }
        for c in indicator.chars() {
            self.put(c);
        }
        self.whitespace = is_ws;
        self.indention = self.indention && is_indention;
    }

    fn write_plain(&mut self, value: &str, allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        let mut chars = value.chars().peekable();
        let mut spaces = false;
        let mut breaks = false;
        while let Some(c) = chars.next() {
            let next = chars.peek().copied();
            if c == ' ' {
                if allow_breaks && !spaces && self.column > self.best_width && next != Some(' ') {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        if !value.is_empty() {
            self.whitespace = false;
        }
        self.indention = false;
    }

    fn write_single_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        let mut breaks = false;
        for (i, &c) in chars.iter().enumerate() {
            if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > self.best_width
                    && i > 0
                    && i + 1 < chars.len()
                    && chars.get(i + 1) != Some(&' ')
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double_quoted(&mut self, value: &str, allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        let mut spaces = false;
        for (i, &c) in chars.iter().enumerate() {
            if !is_printable(c) || c == '\u{FEFF}' || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                match c {
                    '\0' => self.put('0'),
                    '\u{07}' => self.put('a'),
                    '\u{08}' => self.put('b'),
                    '\t' => self.put('t'),
                    '\n' => self.put('n'),
                    '\u{0B}' => self.put('v'),
                    '\u{0C}' => self.put('f'),
                    '\r' => self.put('r'),
                    '\u{1B}' => self.put('e'),
                    '"' => self.put('"'),
                    '\\' => self.put('\\'),
                    '\u{85}' => self.put('N'),
                    '\u{A0}' => self.put('_'),
                    '\u{2028}' => self.put('L'),
                    '\u{2029}' => self.put('P'),
                    _ => {
                        let v = c as u32;
                        let (letter, width) = if v <= 0xFF {
                            ('x', 2)
                        } else if v <= 0xFFFF {
                            ('u', 4)
                        } else {
                            ('U', 8)
                        };
                        self.put(letter);
                        for ch in format!("{v:0width$X}").chars() {
                            self.put(ch);
                        }
                    }
                }
                spaces = false;
            } else if c == ' ' {
                if allow_breaks
                    && !spaces
                    && self.column > self.best_width
                    && i > 0
                    && i + 1 < chars.len()
                {
                    self.write_indent();
                    if chars.get(i + 1) == Some(&' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_literal(&mut self, value: &str) {
        self.write_indicator("|", true, false, false);
        let chars: Vec<char> = value.chars().collect();
        if chars.first().is_some_and(|&c| c == ' ' || is_break(c)) {
            let hint = char::from(b'0' + self.best_indent as u8);
            self.write_indicator(&hint.to_string(), false, false, false);
        }
        let chomp = match chars.as_slice() {
            [] => Some('-'),
            [.., last] if !is_break(*last) => Some('-'),
            [_] => Some('+'),
            [.., before, _] if is_break(*before) => Some('+'),
            _ => None,
        };
        if let Some(ch) = chomp {
            self.write_indicator(&ch.to_string(), false, false, false);
        }
        self.put_break();
        self.whitespace = true;
        let mut breaks = true;
        for &c in &chars {
            if is_break(c) {
                self.write_break(c);
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                self.put(c);
                self.indention = false;
                breaks = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_order_is_natural() {
        let mut keys = vec![
            "a10", "a2", "b", "B", "1", "-x", "#h", "", "a b", "a:b", "10", "9",
        ];
        super::super::gosort::sort_by_less(&mut keys, |a, b| key_less(a, b));
        assert_eq!(
            keys,
            [
                "", "#h", "-x", "1", "9", "10", "B", "a b", "a:b", "a2", "a10", "b"
            ]
        );
    }

    #[test]
    fn base60() {
        assert!(is_base60_float("1:30"));
        assert!(is_base60_float("190:20:30.15"));
        assert!(!is_base60_float("1:3a"));
        assert!(!is_base60_float("a:b"));
        assert!(!is_base60_float("1:60"));
    }
}

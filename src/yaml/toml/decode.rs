//! The decoder: TOML 1.0 into values data, with BurntSushi's error texts.

use super::MAX_DEPTH;
use super::encode::is_bare_key_char;
use crate::value::{Map, Value};

/// Decodes like `toml.Unmarshal(text, &map[string]interface{}{})`; `Err` holds
/// BurntSushi's error text.
pub fn from_toml(text: &str) -> Result<Value, String> {
    let mut p = Parser {
        s: text.as_bytes(),
        text,
        pos: 0,
        line: 1,
        last_key: String::new(),
        root: Map::new(),
        current: Vec::new(),
        defined_tables: Vec::new(),
        array_tables: Vec::new(),
    };
    p.document()?;
    Ok(Value::Map(p.root))
}

struct Parser<'a> {
    s: &'a [u8],
    text: &'a str,
    pos: usize,
    line: usize,
    last_key: String,
    root: Map,
    /// Path of the table the following key/values go into.
    current: Vec<String>,
    /// Tables opened with `[x]` (may not be opened twice).
    defined_tables: Vec<Vec<String>>,
    /// Keys defined as arrays of tables with `[[x]]`.
    array_tables: Vec<Vec<String>>,
}

impl Parser<'_> {
    fn err(&self, msg: impl Into<String>) -> String {
        err_at(self.line, &self.last_key, msg.into())
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn peek_at(&self, n: usize) -> Option<u8> {
        self.s.get(self.pos + n).copied()
    }

    fn starts_with(&self, p: &str) -> bool {
        self.s[self.pos..].starts_with(p.as_bytes())
    }

    fn bump(&mut self) -> Option<u8> {
        let c = self.peek()?;
        self.pos += 1;
        if c == b'\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t') = self.peek() {
            self.pos += 1;
        }
    }

    fn skip_comment(&mut self) -> Result<(), String> {
        if self.peek() == Some(b'#') {
            while let Some(c) = self.peek() {
                if c == b'\n' {
                    break;
                }
                if (c < 0x20 && c != b'\t') || c == 0x7f {
                    return Err(self.err(format!(
                        "TOML files cannot contain control characters: '0x{c:02x}'"
                    )));
                }
                self.pos += 1;
            }
        }
        Ok(())
    }

    /// Whitespace, newlines and comments (inside arrays).
    fn skip_ws_nl(&mut self) -> Result<(), String> {
        loop {
            self.skip_ws();
            self.skip_comment()?;
            match self.peek() {
                Some(b'\n') => {
                    self.bump();
                }
                Some(b'\r') if self.peek_at(1) == Some(b'\n') => {
                    self.pos += 1;
                    self.bump();
                }
                _ => return Ok(()),
            }
        }
    }

    fn end_of_line(&mut self) -> Result<(), String> {
        self.skip_ws();
        self.skip_comment()?;
        match self.peek() {
            None => Ok(()),
            Some(b'\n') => {
                self.bump();
                Ok(())
            }
            Some(b'\r') if self.peek_at(1) == Some(b'\n') => {
                self.pos += 1;
                self.bump();
                Ok(())
            }
            Some(c) => Err(self.err(format!(
                "expected a top-level item to end with a newline, comment, or EOF, but got {} instead",
                char_desc(self.char_at(c))
            ))),
        }
    }

    fn char_at(&self, c: u8) -> char {
        if c < 0x80 {
            c as char
        } else {
            self.text[self.pos..].chars().next().unwrap_or('\u{fffd}')
        }
    }

    fn document(&mut self) -> Result<(), String> {
        loop {
            self.skip_ws_nl()?;
            let Some(c) = self.peek() else {
                return Ok(());
            };
            if c == b'[' {
                if self.peek_at(1) == Some(b'[') {
                    self.pos += 2;
                    self.skip_ws();
                    let key = self.key()?;
                    self.skip_ws();
                    if !self.starts_with("]]") {
                        return Err(self.table_name_end_error());
                    }
                    self.pos += 2;
                    self.last_key = key.join(".");
                    self.open_array_table(&key)?;
                } else {
                    self.pos += 1;
                    self.skip_ws();
                    let key = self.key()?;
                    self.skip_ws();
                    if self.peek() != Some(b']') {
                        return Err(self.table_name_end_error());
                    }
                    self.pos += 1;
                    self.last_key = key.join(".");
                    self.open_table(&key)?;
                }
                self.end_of_line()?;
            } else {
                self.key_value_line()?;
                self.end_of_line()?;
            }
        }
    }

    fn table_name_end_error(&self) -> String {
        match self.peek() {
            None => self.err("expected '.' or ']' to end table name, but got '\\x00' instead"),
            Some(c) => self.err(format!(
                "expected '.' or ']' to end table name, but got {} instead",
                char_desc(self.char_at(c))
            )),
        }
    }

    fn key_value_line(&mut self) -> Result<(), String> {
        let key = self.key()?;
        self.skip_ws();
        if self.peek() != Some(b'=') {
            return Err(match self.peek() {
                None => self.err("unexpected EOF; expected key separator '='"),
                Some(c) => self.err(format!(
                    "expected '.' or '=', but got {} instead",
                    char_desc(self.char_at(c))
                )),
            });
        }
        self.pos += 1;
        self.skip_ws();
        let mut full = self.current.clone();
        full.extend(key.iter().cloned());
        self.last_key = full.join(".");
        let v = self.value(0)?;
        let table_path = self.current.clone();
        self.insert_dotted(&table_path, &key, v)
    }

    /// A (dotted) key.
    fn key(&mut self) -> Result<Vec<String>, String> {
        let mut parts = Vec::new();
        loop {
            self.skip_ws();
            let part = match self.peek() {
                Some(b'"') => {
                    if self.starts_with("\"\"\"") {
                        return Err(self.err("multi-line strings are not allowed as keys"));
                    }
                    self.basic_string()?
                }
                Some(b'\'') => {
                    if self.starts_with("'''") {
                        return Err(self.err("multi-line strings are not allowed as keys"));
                    }
                    self.literal_string()?
                }
                Some(c) if is_bare_key_char(c as char) => {
                    let start = self.pos;
                    while self.peek().is_some_and(|c| is_bare_key_char(c as char)) {
                        self.pos += 1;
                    }
                    self.text[start..self.pos].to_string()
                }
                Some(b'=') => {
                    return Err(self.err("unexpected '=': key name appears blank"));
                }
                Some(b']') => {
                    return Err(
                        self.err("unexpected end of table name (table names cannot be empty)")
                    );
                }
                Some(c) => {
                    return Err(self.err(format!(
                        "bare keys cannot contain {}",
                        char_desc(self.char_at(c))
                    )));
                }
                None => return Err(self.err("unexpected '=': key name appears blank")),
            };
            parts.push(part);
            self.skip_ws();
            if self.peek() == Some(b'.') {
                self.pos += 1;
                continue;
            }
            return Ok(parts);
        }
    }

    fn basic_string(&mut self) -> Result<String, String> {
        self.pos += 1;
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err("unexpected EOF; expected '\"'"));
            };
            match c {
                b'"' => {
                    self.pos += 1;
                    return Ok(out);
                }
                b'\n' => return Err(self.err("strings cannot contain newlines")),
                b'\\' => {
                    self.pos += 1;
                    self.escape(&mut out)?;
                }
                c if (c < 0x20 && c != b'\t') || c == 0x7f => {
                    return Err(self.err(format!(
                        "TOML files cannot contain control characters: '0x{c:02x}'"
                    )));
                }
                _ => {
                    let ch = self.text[self.pos..].chars().next().unwrap_or('\u{fffd}');
                    out.push(ch);
                    self.pos += ch.len_utf8();
                }
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Result<(), String> {
        let Some(c) = self.bump() else {
            return Err(self.err("unexpected EOF"));
        };
        match c {
            b'b' => out.push('\u{8}'),
            b't' => out.push('\t'),
            b'n' => out.push('\n'),
            b'f' => out.push('\u{c}'),
            b'r' => out.push('\r'),
            b'"' => out.push('"'),
            b'\\' => out.push('\\'),
            b'u' | b'U' => {
                let n = if c == b'u' { 4 } else { 8 };
                let hex = self.text.get(self.pos..self.pos + n).unwrap_or("");
                let cp = (hex.len() == n && hex.bytes().all(|b| b.is_ascii_hexdigit()))
                    .then(|| u32::from_str_radix(hex, 16).ok())
                    .flatten()
                    .and_then(char::from_u32);
                match cp {
                    Some(ch) => {
                        out.push(ch);
                        self.pos += n;
                    }
                    None => {
                        return Err(self.err(format!(
                            "invalid escape: '\\{}{}'",
                            c as char,
                            hex.chars()
                                .take_while(char::is_ascii_hexdigit)
                                .collect::<String>()
                        )));
                    }
                }
            }
            c => {
                return Err(self.err(format!(
                    "invalid escape in string '\\{}'",
                    self.text[self.pos - 1..]
                        .chars()
                        .next()
                        .unwrap_or(c as char)
                )));
            }
        }
        Ok(())
    }

    fn literal_string(&mut self) -> Result<String, String> {
        self.pos += 1;
        let start = self.pos;
        loop {
            match self.peek() {
                None => return Err(self.err("unexpected EOF; expected \"'\"")),
                Some(b'\'') => {
                    let s = self.text[start..self.pos].to_string();
                    self.pos += 1;
                    return Ok(s);
                }
                Some(b'\n') => return Err(self.err("strings cannot contain newlines")),
                Some(_) => self.pos += 1,
            }
        }
    }

    fn ml_basic_string(&mut self) -> Result<String, String> {
        self.pos += 3;
        self.skip_first_newline();
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err("unexpected EOF; expected '\"\"\"'"));
            };
            if self.starts_with("\"\"\"") {
                // Up to two quotes may end the content.
                let mut n = 3;
                while self.peek_at(n) == Some(b'"') && n < 5 {
                    n += 1;
                }
                for _ in 3..n {
                    out.push('"');
                }
                self.pos += n;
                return Ok(out);
            }
            match c {
                b'\\' => {
                    self.pos += 1;
                    // Line-ending backslash: trims whitespace and newlines.
                    let save = self.pos;
                    self.skip_ws();
                    if matches!(self.peek(), Some(b'\n' | b'\r')) {
                        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
                            self.bump();
                        }
                    } else {
                        self.pos = save;
                        self.escape(&mut out)?;
                    }
                }
                b'\n' => {
                    out.push('\n');
                    self.bump();
                }
                _ => {
                    let ch = self.text[self.pos..].chars().next().unwrap_or('\u{fffd}');
                    out.push(ch);
                    self.pos += ch.len_utf8();
                }
            }
        }
    }

    fn ml_literal_string(&mut self) -> Result<String, String> {
        self.pos += 3;
        self.skip_first_newline();
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else {
                return Err(self.err("unexpected EOF; expected \"'''\""));
            };
            if self.starts_with("'''") {
                let mut n = 3;
                while self.peek_at(n) == Some(b'\'') && n < 5 {
                    n += 1;
                }
                for _ in 3..n {
                    out.push('\'');
                }
                self.pos += n;
                return Ok(out);
            }
            if c == b'\n' {
                out.push('\n');
                self.bump();
            } else {
                let ch = self.text[self.pos..].chars().next().unwrap_or('\u{fffd}');
                out.push(ch);
                self.pos += ch.len_utf8();
            }
        }
    }

    fn skip_first_newline(&mut self) {
        if self.peek() == Some(b'\n') {
            self.bump();
        } else if self.starts_with("\r\n") {
            self.pos += 1;
            self.bump();
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, String> {
        if depth > MAX_DEPTH {
            return Err(self.err("value nested too deeply"));
        }
        match self.peek() {
            None => Err(self.err("unexpected EOF; expected value")),
            Some(b'"') => {
                if self.starts_with("\"\"\"") {
                    self.ml_basic_string().map(Value::String)
                } else {
                    self.basic_string().map(Value::String)
                }
            }
            Some(b'\'') => {
                if self.starts_with("'''") {
                    self.ml_literal_string().map(Value::String)
                } else {
                    self.literal_string().map(Value::String)
                }
            }
            Some(b'[') => {
                self.pos += 1;
                let mut items = Vec::new();
                loop {
                    self.skip_ws_nl()?;
                    if self.peek() == Some(b']') {
                        self.pos += 1;
                        return Ok(Value::List(items));
                    }
                    items.push(self.value(depth + 1)?);
                    self.skip_ws_nl()?;
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b']') => {
                            self.pos += 1;
                            return Ok(Value::List(items));
                        }
                        Some(c) => {
                            return Err(self.err(format!(
                                "expected a comma (',') or array terminator (']'), but got {}",
                                char_desc(self.char_at(c))
                            )));
                        }
                        None => {
                            return Err(self.err(
                                "expected a comma (',') or array terminator (']'), but got end of file",
                            ));
                        }
                    }
                }
            }
            Some(b'{') => {
                self.pos += 1;
                let mut m = Map::new();
                self.skip_ws();
                if self.peek() == Some(b'}') {
                    self.pos += 1;
                    return Ok(Value::Map(m));
                }
                loop {
                    self.skip_ws();
                    let key = self.key()?;
                    self.skip_ws();
                    if self.peek() != Some(b'=') {
                        return Err(self.err("expected key separator '='"));
                    }
                    self.pos += 1;
                    self.skip_ws();
                    let v = self.value(depth + 1)?;
                    insert_path(&mut m, &key, v).map_err(|e| self.err(e))?;
                    self.skip_ws();
                    match self.peek() {
                        Some(b',') => self.pos += 1,
                        Some(b'}') => {
                            self.pos += 1;
                            return Ok(Value::Map(m));
                        }
                        Some(b'\n') => {
                            return Err(self.err("newlines not allowed within inline tables"));
                        }
                        Some(c) => {
                            return Err(self.err(format!(
                                "expected a comma or an inline table terminator '}}', but got {} instead",
                                char_desc(self.char_at(c))
                            )));
                        }
                        None => return Err(self.err("unexpected EOF; expected '}'")),
                    }
                }
            }
            Some(_) => self.scalar(),
        }
    }

    fn scalar(&mut self) -> Result<Value, String> {
        let start = self.pos;
        while let Some(c) = self.peek() {
            if matches!(c, b',' | b']' | b'}' | b'\n' | b'\r' | b'#') {
                break;
            }
            // A space ends a value unless it separates a date and a time.
            if c == b' ' {
                let so_far = &self.text[start..self.pos];
                let next_digit = self.peek_at(1).is_some_and(|d| d.is_ascii_digit());
                if !(is_date(so_far) && next_digit) {
                    break;
                }
            }
            self.pos += 1;
        }
        let raw = &self.text[start..self.pos];
        match raw {
            "true" => return Ok(Value::Bool(true)),
            "false" => return Ok(Value::Bool(false)),
            "inf" | "+inf" => return Ok(Value::Float(f64::INFINITY)),
            "-inf" => return Ok(Value::Float(f64::NEG_INFINITY)),
            "nan" | "+nan" | "-nan" => return Ok(Value::Float(f64::NAN)),
            _ => {}
        }
        if let Some(v) = parse_integer(raw) {
            return v.map(Value::Int).map_err(|e| self.err(e));
        }
        if let Some(f) = parse_float(raw) {
            return Ok(Value::Float(f));
        }
        if is_datetime(raw) {
            return Ok(Value::String(raw.to_string()));
        }
        if raw.is_empty() {
            return Err(self.err(format!(
                "expected value but found {} instead",
                self.peek()
                    .map(|c| char_desc(self.char_at(c)))
                    .unwrap_or_else(|| "EOF".into())
            )));
        }
        Err(self.err(format!(
            "expected value but found {} instead",
            crate::render::format::go_quote(raw)
        )))
    }

    fn table_at<'m>(root: &'m mut Map, path: &[String]) -> Result<&'m mut Map, String> {
        let mut cur = root;
        for k in path {
            let entry = cur
                .entry(k.clone())
                .or_insert_with(|| Value::Map(Map::new()));
            cur = match entry {
                Value::Map(m) => m,
                Value::List(items) => match items.last_mut() {
                    Some(Value::Map(m)) => m,
                    _ => return Err(format!("Key '{k}' has already been defined.")),
                },
                _ => return Err(format!("Key '{k}' has already been defined.")),
            };
        }
        Ok(cur)
    }

    fn open_table(&mut self, key: &[String]) -> Result<(), String> {
        let full = key.to_vec();
        if self.defined_tables.contains(&full) || self.array_tables.contains(&full) {
            return Err(self.err(format!(
                "Key '{}' has already been defined.",
                full.join(".")
            )));
        }
        if let Err(e) = Self::table_at(&mut self.root, &full) {
            return Err(self.err(e));
        }
        self.defined_tables.push(full.clone());
        self.current = full;
        Ok(())
    }

    fn open_array_table(&mut self, key: &[String]) -> Result<(), String> {
        let full = key.to_vec();
        let (parent, last) = full.split_at(full.len() - 1);
        let last = &last[0];
        let is_array_table = self.array_tables.contains(&full);
        let (line, last_key) = (self.line, self.last_key.clone());
        let t = Self::table_at(&mut self.root, parent).map_err(|e| err_at(line, &last_key, e))?;
        match t.get_mut(last) {
            Some(Value::List(items)) if is_array_table => items.push(Value::Map(Map::new())),
            Some(_) => {
                let msg = format!(
                    "Key '{}' was already created and cannot be used as an array.",
                    full.join(".")
                );
                return Err(err_at(line, &last_key, msg));
            }
            None => {
                t.insert(last.clone(), Value::List(vec![Value::Map(Map::new())]));
                self.array_tables.push(full.clone());
            }
        }
        // Sub-tables of the previous element may be defined again.
        self.defined_tables
            .retain(|d| !(d.len() > full.len() && d.starts_with(&full)));
        self.array_tables
            .retain(|d| !(d.len() > full.len() && d.starts_with(&full)));
        self.current = full;
        Ok(())
    }

    fn insert_dotted(&mut self, table: &[String], key: &[String], v: Value) -> Result<(), String> {
        let (line, last_key) = (self.line, self.last_key.clone());
        let t = Self::table_at(&mut self.root, table).map_err(|e| err_at(line, &last_key, e))?;
        insert_path(t, key, v).map_err(|e| err_at(line, &last_key, e))
    }
}

/// BurntSushi's `ParseError.Error()` text.
fn err_at(line: usize, last_key: &str, msg: String) -> String {
    if last_key.is_empty() {
        format!("toml: line {line}: {msg}")
    } else {
        format!(
            "toml: line {line} (last key {}): {msg}",
            crate::render::format::go_quote(last_key)
        )
    }
}

fn insert_path(m: &mut Map, key: &[String], v: Value) -> Result<(), String> {
    let (parents, last) = key.split_at(key.len() - 1);
    let mut cur = m;
    for k in parents {
        let entry = cur
            .entry(k.clone())
            .or_insert_with(|| Value::Map(Map::new()));
        cur = match entry {
            Value::Map(m) => m,
            _ => return Err(format!("Key '{}' has already been defined.", key.join("."))),
        };
    }
    if cur.contains_key(&last[0]) {
        return Err(format!("Key '{}' has already been defined.", key.join(".")));
    }
    cur.insert(last[0].clone(), v);
    Ok(())
}

fn char_desc(c: char) -> String {
    format!("{c:?}")
}

fn is_date(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

fn is_datetime(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() >= 10 && is_date(&s[..10]) {
        return true;
    }
    // Local time: HH:MM(:SS)
    b.len() >= 5 && b[2] == b':' && b[..2].iter().all(u8::is_ascii_digit)
}

/// Checks TOML's underscore rule: each `_` between two digits.
fn underscores_ok(digits: &str, is_digit: impl Fn(u8) -> bool) -> bool {
    let b = digits.as_bytes();
    if b.is_empty() {
        return false;
    }
    for (i, &c) in b.iter().enumerate() {
        if c == b'_' {
            if i == 0 || i + 1 == b.len() || !is_digit(b[i - 1]) || !is_digit(b[i + 1]) {
                return false;
            }
        } else if !is_digit(c) {
            return false;
        }
    }
    true
}

/// `None` when `raw` is not an integer literal; `Some(Err)` when it is out of range.
fn parse_integer(raw: &str) -> Option<Result<i64, String>> {
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(d) = raw.strip_prefix(prefix) {
            if !underscores_ok(d, |c| (c as char).is_digit(radix)) {
                return None;
            }
            return Some(
                i64::from_str_radix(&d.replace('_', ""), radix)
                    .map_err(|_| format!("{raw} is out of range for int64")),
            );
        }
    }
    let body = raw.strip_prefix(['+', '-']).unwrap_or(raw);
    if !underscores_ok(body, |c| c.is_ascii_digit()) {
        return None;
    }
    if body.len() > 1 && body.starts_with('0') {
        return None;
    }
    Some(
        raw.replace('_', "")
            .parse::<i64>()
            .map_err(|_| format!("{raw} is out of range for int64")),
    )
}

fn parse_float(raw: &str) -> Option<f64> {
    let body = raw.strip_prefix(['+', '-']).unwrap_or(raw);
    let (mant, exp) = match body.find(['e', 'E']) {
        Some(i) => (&body[..i], Some(&body[i + 1..])),
        None => (body, None),
    };
    let (int, frac) = match mant.split_once('.') {
        Some((a, b)) => (a, Some(b)),
        None => (mant, None),
    };
    if frac.is_none() && exp.is_none() {
        return None;
    }
    if !underscores_ok(int, |c| c.is_ascii_digit()) || (int.len() > 1 && int.starts_with('0')) {
        return None;
    }
    if let Some(f) = frac
        && !underscores_ok(f, |c| c.is_ascii_digit())
    {
        return None;
    }
    if let Some(e) = exp {
        let e = e.strip_prefix(['+', '-']).unwrap_or(e);
        if !underscores_ok(e, |c| c.is_ascii_digit()) {
            return None;
        }
    }
    raw.replace('_', "").parse().ok()
}

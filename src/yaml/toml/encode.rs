//! The encoder: BurntSushi/toml v1 output, byte for byte.

use std::fmt::Write;

use super::MAX_DEPTH;
use crate::value::{Map, Value};

pub(super) const ERR_NIL_ELEMENT: &str = "toml: cannot encode array with nil element";
pub(super) const ERR_NO_KEY: &str = "toml: top-level values must be Go maps or structs";

/// Encodes like `toml.NewEncoder(w).Encode(v)`; `Err` holds the error text.
pub fn to_toml(v: &Value) -> Result<String, String> {
    let mut enc = Encoder::default();
    enc.encode(&[], v, 0)?;
    Ok(enc.out)
}

#[derive(Default)]
struct Encoder {
    out: String,
}

#[derive(PartialEq, Eq, Clone, Copy)]
enum TomlType {
    Simple,
    Hash,
    ArrayHash,
}

fn toml_type(v: &Value) -> Result<Option<TomlType>, String> {
    Ok(match v {
        Value::Null => None,
        Value::Map(_) => Some(TomlType::Hash),
        Value::List(items) => {
            if items.iter().any(Value::is_null) {
                return Err(ERR_NIL_ELEMENT.into());
            }
            match items.first() {
                Some(Value::Map(_)) => Some(TomlType::ArrayHash),
                _ => Some(TomlType::Simple),
            }
        }
        _ => Some(TomlType::Simple),
    })
}

pub(super) fn is_bare_key_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_' || c == '-'
}

fn quote_key(k: &str) -> String {
    if k.is_empty() {
        return "\"\"".into();
    }
    if k.chars().all(is_bare_key_char) {
        k.to_string()
    } else {
        quoted(k)
    }
}

fn key_string(key: &[&str]) -> String {
    key.iter()
        .map(|k| quote_key(k))
        .collect::<Vec<_>>()
        .join(".")
}

/// BurntSushi's `dblQuotedReplacer`.
fn quoted(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `strconv.FormatFloat(f, 'f', -1, 64)` plus a `.0` when there is no point.
fn float_text(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f < 0.0 { "-inf" } else { "+inf" }.into();
    }
    let s = format!("{f}");
    if s.contains('.') { s } else { format!("{s}.0") }
}

impl Encoder {
    fn newline(&mut self) {
        if !self.out.is_empty() {
            self.out.push('\n');
        }
    }

    fn indent(&mut self, key: &[&str]) {
        for _ in 1..key.len() {
            self.out.push_str("  ");
        }
    }

    fn encode(&mut self, key: &[&str], v: &Value, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err("toml: value nested too deeply".into());
        }
        match v {
            Value::Null => Ok(()),
            Value::Map(m) => self.table(key, m, depth),
            Value::List(_) if toml_type(v)? == Some(TomlType::ArrayHash) => {
                self.array_of_tables(key, v, depth)
            }
            _ => self.key_value(key, v, depth),
        }
    }

    fn key_value(&mut self, key: &[&str], v: &Value, depth: usize) -> Result<(), String> {
        let Some(last) = key.last() else {
            return Err(ERR_NO_KEY.into());
        };
        self.indent(key);
        let _ = write!(self.out, "{} = ", quote_key(last));
        self.element(v, depth)?;
        self.newline();
        Ok(())
    }

    fn element(&mut self, v: &Value, depth: usize) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err("toml: value nested too deeply".into());
        }
        match v {
            Value::Null => return Err("toml: unexpected primitive type: <nil>".into()),
            Value::Bool(b) => self.out.push_str(if *b { "true" } else { "false" }),
            Value::Int(i) => {
                let _ = write!(self.out, "{i}");
            }
            Value::Float(f) => self.out.push_str(&float_text(*f)),
            Value::String(s) => self.out.push_str(&quoted(s)),
            Value::List(items) => {
                toml_type(v)?;
                self.out.push('[');
                for (i, item) in items.iter().enumerate() {
                    self.element(item, depth + 1)?;
                    if i + 1 != items.len() {
                        self.out.push_str(", ");
                    }
                }
                self.out.push(']');
            }
            Value::Map(m) => self.inline_map(m, depth + 1)?,
        }
        Ok(())
    }

    fn split_keys(m: &Map) -> Result<(Vec<&String>, Vec<&String>), String> {
        let (mut direct, mut sub) = (Vec::new(), Vec::new());
        for (k, v) in m {
            match toml_type(v)? {
                Some(TomlType::Hash | TomlType::ArrayHash) => sub.push(k),
                _ => direct.push(k),
            }
        }
        Ok((direct, sub))
    }

    fn inline_map(&mut self, m: &Map, depth: usize) -> Result<(), String> {
        let (direct, sub) = Self::split_keys(m)?;
        self.out.push('{');
        let groups = [(&direct, !sub.is_empty()), (&sub, false)];
        for (keys, trailing_comma) in groups {
            for (i, k) in keys.iter().enumerate() {
                let v = &m[*k];
                if v.is_null() {
                    continue;
                }
                let _ = write!(self.out, "{} = ", quote_key(k));
                self.element(v, depth)?;
                if trailing_comma || i + 1 != keys.len() {
                    self.out.push_str(", ");
                }
            }
        }
        self.out.push('}');
        Ok(())
    }

    fn table(&mut self, key: &[&str], m: &Map, depth: usize) -> Result<(), String> {
        if key.len() == 1 {
            self.newline();
        }
        if !key.is_empty() {
            self.indent(key);
            let _ = write!(self.out, "[{}]", key_string(key));
            self.newline();
        }
        self.map_body(key, m, depth)
    }

    fn map_body(&mut self, key: &[&str], m: &Map, depth: usize) -> Result<(), String> {
        let (direct, sub) = Self::split_keys(m)?;
        for k in direct.into_iter().chain(sub) {
            let v = &m[k];
            if v.is_null() {
                continue;
            }
            let mut child: Vec<&str> = key.to_vec();
            child.push(k);
            self.encode(&child, v, depth + 1)?;
        }
        Ok(())
    }

    fn array_of_tables(&mut self, key: &[&str], v: &Value, depth: usize) -> Result<(), String> {
        if key.is_empty() {
            return Err(ERR_NO_KEY.into());
        }
        let Value::List(items) = v else {
            return Ok(());
        };
        for item in items {
            let Value::Map(m) = item else {
                return Err(format!(
                    "toml: cannot encode array of tables with a non-table element in key '{}'",
                    key_string(key)
                ));
            };
            self.newline();
            self.indent(key);
            let _ = write!(self.out, "[[{}]]", key_string(key));
            self.newline();
            self.map_body(key, m, depth)?;
        }
        Ok(())
    }
}

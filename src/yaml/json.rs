//! encoding/json as Helm and Sprig use it: `Marshal` (sorted keys, HTML
//! escaping, Go's float text), `MarshalIndent`, an Encoder without HTML
//! escaping, and `Unmarshal` into `interface{}` with Go's error messages.

use super::gofloat::{format_float_g, format_float_json};
use crate::value::{Map, Value};

/// Deepest nesting `from_json` accepts (encoding/json allows 10000; the rest
/// of the pipeline recurses on values, so stay well below the stack's limit).
const MAX_JSON_DEPTH: usize = 1000;

/// `json.Marshal`: compact, `<`, `>`, `&` escaped as `\u003c`...
pub fn to_json(v: &Value) -> Result<String, String> {
    let mut out = String::new();
    write_value(&mut out, v, true, None, 0)?;
    Ok(out)
}

/// An Encoder with `SetEscapeHTML(false)` (Sprig's `toRawJson`), without the
/// newline the Encoder appends.
pub fn to_json_raw(v: &Value) -> Result<String, String> {
    let mut out = String::new();
    write_value(&mut out, v, false, None, 0)?;
    Ok(out)
}

/// `json.MarshalIndent(v, "", indent)` (Sprig's `toPrettyJson` uses two spaces).
pub fn to_json_pretty(v: &Value, indent: &str) -> Result<String, String> {
    let mut out = String::new();
    write_value(&mut out, v, true, Some(indent), 0)?;
    Ok(out)
}

fn newline(out: &mut String, indent: Option<&str>, level: usize) {
    if let Some(unit) = indent {
        out.push('\n');
        for _ in 0..level {
            out.push_str(unit);
        }
    }
}

fn write_value(
    out: &mut String,
    v: &Value,
    escape_html: bool,
    indent: Option<&str>,
    level: usize,
) -> Result<(), String> {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => out.push_str(&i.to_string()),
        Value::Float(f) => match format_float_json(*f) {
            Some(text) => out.push_str(&text),
            None => {
                return Err(format!(
                    "json: unsupported value: {}",
                    format_float_g(*f, false)
                ));
            }
        },
        Value::String(s) => write_string(out, s, escape_html),
        Value::List(items) => {
            if items.is_empty() {
                out.push_str("[]");
                return Ok(());
            }
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, level + 1);
                write_value(out, item, escape_html, indent, level + 1)?;
            }
            newline(out, indent, level);
            out.push(']');
        }
        Value::Map(m) => {
            if m.is_empty() {
                out.push_str("{}");
                return Ok(());
            }
            out.push('{');
            for (i, (k, item)) in m.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, level + 1);
                write_string(out, k, escape_html);
                out.push(':');
                if indent.is_some() {
                    out.push(' ');
                }
                write_value(out, item, escape_html, indent, level + 1)?;
            }
            newline(out, indent, level);
            out.push('}');
        }
    }
    Ok(())
}

/// encoding/json's string quoting.
fn write_string(out: &mut String, s: &str, escape_html: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0C}' => out.push_str("\\f"),
            '<' | '>' | '&' if escape_html => out.push_str(&format!("\\u{:04x}", c as u32)),
            '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// `json.Unmarshal` into `interface{}`: numbers are float64, later duplicate
/// keys win. Errors are Go's messages.
pub fn from_json(text: &str) -> Result<Value, String> {
    let mut parser = JsonParser {
        bytes: text.as_bytes(),
        pos: 0,
    };
    parser.skip_ws();
    if parser.pos >= parser.bytes.len() {
        return Err("unexpected end of JSON input".to_string());
    }
    let value = parser.value(0)?;
    parser.skip_ws();
    if let Some(&c) = parser.bytes.get(parser.pos) {
        return Err(format!(
            "invalid character {} after top-level value",
            quote_char(c)
        ));
    }
    Ok(value)
}

/// encoding/json's `quoteChar`.
fn quote_char(c: u8) -> String {
    match c {
        b'\'' => "'\\''".to_string(),
        b'"' => "'\"'".to_string(),
        c if c.is_ascii() => {
            let quoted = format!("{:?}", char::from(c));
            // Rust's char Debug: 'x' / '\n' / '\u{1}'; Go's strconv.Quote: \x01.
            if c < 0x20 && !matches!(c, b'\n' | b'\r' | b'\t') || c == 0x7f {
                format!("'\\x{c:02x}'")
            } else {
                quoted
            }
        }
        c => format!("'\\x{c:02x}'"),
    }
}

struct JsonParser<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl JsonParser<'_> {
    fn skip_ws(&mut self) {
        while matches!(self.bytes.get(self.pos), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn unexpected(&self, context: &str) -> String {
        match self.peek() {
            None => "unexpected end of JSON input".to_string(),
            Some(c) => format!("invalid character {} {context}", quote_char(c)),
        }
    }

    fn value(&mut self, depth: usize) -> Result<Value, String> {
        if depth > MAX_JSON_DEPTH {
            return Err("exceeded max depth".to_string());
        }
        self.skip_ws();
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().map(Value::String),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => Err(self.unexpected("looking for beginning of value")),
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, String> {
        for (i, expected) in word.bytes().enumerate() {
            match self.peek() {
                Some(c) if c == expected => self.pos += 1,
                _ if i == 0 => return Err(self.unexpected("looking for beginning of value")),
                _ => {
                    let context = format!("in literal {word} (expecting {})", quote_char(expected));
                    return Err(self.unexpected(&context));
                }
            }
        }
        Ok(value)
    }

    fn number(&mut self) -> Result<Value, String> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.peek() {
            Some(b'0') => self.pos += 1,
            Some(b'1'..=b'9') => {
                while matches!(self.peek(), Some(b'0'..=b'9')) {
                    self.pos += 1;
                }
            }
            _ => return Err(self.unexpected("in numeric literal")),
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.unexpected("after decimal point in numeric literal"));
            }
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !matches!(self.peek(), Some(b'0'..=b'9')) {
                return Err(self.unexpected("in exponent of numeric literal"));
            }
            while matches!(self.peek(), Some(b'0'..=b'9')) {
                self.pos += 1;
            }
        }
        let text = std::str::from_utf8(&self.bytes[start..self.pos]).unwrap_or("0");
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(Value::Float(f)),
            _ => Err(format!(
                "json: cannot unmarshal number {text} into Go value of type float64"
            )),
        }
    }

    fn string(&mut self) -> Result<String, String> {
        self.pos += 1; // opening quote
        let mut out = String::new();
        loop {
            let rest = &self.bytes[self.pos..];
            let run = rest
                .iter()
                .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
                .unwrap_or(rest.len());
            out.push_str(&String::from_utf8_lossy(&rest[..run]));
            self.pos += run;
            match self.peek() {
                None => return Err("unexpected end of JSON input".to_string()),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.pos += 1;
                    let Some(c) = self.peek() else {
                        return Err("unexpected end of JSON input".to_string());
                    };
                    self.pos += 1;
                    match c {
                        b'"' => out.push('"'),
                        b'\\' => out.push('\\'),
                        b'/' => out.push('/'),
                        b'b' => out.push('\u{08}'),
                        b'f' => out.push('\u{0C}'),
                        b'n' => out.push('\n'),
                        b'r' => out.push('\r'),
                        b't' => out.push('\t'),
                        b'u' => {
                            let first = self.hex4()?;
                            let c = if (0xD800..0xDC00).contains(&first)
                                && self.bytes.get(self.pos..self.pos + 2) == Some(b"\\u")
                            {
                                let save = self.pos;
                                self.pos += 2;
                                let second = self.hex4()?;
                                if (0xDC00..0xE000).contains(&second) {
                                    char::from_u32(
                                        0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00),
                                    )
                                } else {
                                    self.pos = save;
                                    None
                                }
                            } else {
                                char::from_u32(first)
                            };
                            out.push(c.unwrap_or('\u{FFFD}'));
                        }
                        _ => {
                            self.pos -= 1;
                            return Err(self.unexpected("in string escape code"));
                        }
                    }
                }
                Some(_) => return Err(self.unexpected("in string literal")),
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let mut v = 0u32;
        for _ in 0..4 {
            let Some(c) = self.peek() else {
                return Err("unexpected end of JSON input".to_string());
            };
            let Some(d) = char::from(c).to_digit(16) else {
                return Err(self.unexpected("in \\u hexadecimal character escape"));
            };
            v = v * 16 + d;
            self.pos += 1;
        }
        Ok(v)
    }

    fn array(&mut self, depth: usize) -> Result<Value, String> {
        self.pos += 1;
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(Value::List(items));
        }
        loop {
            items.push(self.value(depth + 1)?);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::List(items));
                }
                _ => return Err(self.unexpected("after array element")),
            }
        }
    }

    fn object(&mut self, depth: usize) -> Result<Value, String> {
        self.pos += 1;
        let mut map = Map::new();
        self.skip_ws();
        if self.peek() == Some(b'}') {
            self.pos += 1;
            return Ok(Value::Map(map));
        }
        loop {
            self.skip_ws();
            if self.peek() != Some(b'"') {
                return Err(self.unexpected("looking for beginning of object key string"));
            }
            let key = self.string()?;
            self.skip_ws();
            if self.peek() != Some(b':') {
                return Err(self.unexpected("after object key"));
            }
            self.pos += 1;
            let value = self.value(depth + 1)?;
            map.insert(key, value);
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Map(map));
                }
                _ => return Err(self.unexpected("after object key:value pair")),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_go() {
        let v = from_json(r#"{"b":[1,2.5,"<a>&"],"a":null,"c":{}}"#).unwrap();
        assert_eq!(
            to_json(&v).unwrap(),
            r#"{"a":null,"b":[1,2.5,"\u003ca\u003e\u0026"],"c":{}}"#
        );
        assert_eq!(
            to_json_raw(&v).unwrap(),
            r#"{"a":null,"b":[1,2.5,"<a>&"],"c":{}}"#
        );
        assert_eq!(
            to_json_pretty(&v, "  ").unwrap(),
            "{\n  \"a\": null,\n  \"b\": [\n    1,\n    2.5,\n    \"\\u003ca\\u003e\\u0026\"\n  ],\n  \"c\": {}\n}"
        );
        assert_eq!(
            to_json(&Value::Float(f64::NAN)).unwrap_err(),
            "json: unsupported value: NaN"
        );
        assert_eq!(
            to_json(&Value::String("é\u{2028}\u{1}".into())).unwrap(),
            "\"é\\u2028\\u0001\""
        );
    }

    #[test]
    fn decode_errors_match_go() {
        assert_eq!(from_json("").unwrap_err(), "unexpected end of JSON input");
        assert_eq!(from_json("[").unwrap_err(), "unexpected end of JSON input");
        assert_eq!(
            from_json("{} x").unwrap_err(),
            "invalid character 'x' after top-level value"
        );
        assert_eq!(
            from_json("{bad").unwrap_err(),
            "invalid character 'b' looking for beginning of object key string"
        );
        assert_eq!(
            from_json(r#"{"a": 12345678901234567890}"#)
                .unwrap()
                .get("a"),
            Some(&Value::Float(12345678901234567890.0))
        );
        assert_eq!(
            from_json(r#""\ud83d\ude00""#).unwrap(),
            Value::String("😀".into())
        );
        assert!(from_json(&"[".repeat(100_000)).is_err());
    }
}

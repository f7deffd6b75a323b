//! `--set` and friends: a port of Helm's `pkg/strvals` (`a.b=c`, `a[0]=x`,
//! `{a,b}` lists, `\` escapes, typed values: ints are int64, `true`/`false`
//! bools, `null`; `--set-string` keeps strings, `--set-json` reads JSON,
//! `--set-literal` takes everything after `=` as is).

use crate::value::{Map, Value};

const MAX_INDEX: i64 = 65536;
const MAX_NESTED: usize = 30;

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Typed,
    Strings,
    Json,
    File,
}

struct Parser<'a> {
    chars: Vec<char>,
    pos: usize,
    mode: Mode,
    read_file: &'a dyn Fn(&str) -> Result<String, String>,
}

enum Stop {
    Eof,
    At(char),
}

/// `--set`: typed values.
pub fn parse_into(s: &str, dest: &mut Map) -> Result<(), String> {
    run(s, dest, Mode::Typed, &|_| Err("no files".into()))
}

/// `--set-string`: every value a string.
pub fn parse_into_string(s: &str, dest: &mut Map) -> Result<(), String> {
    run(s, dest, Mode::Strings, &|_| Err("no files".into()))
}

/// `--set-json`: values are JSON.
pub fn parse_json(s: &str, dest: &mut Map) -> Result<(), String> {
    run(s, dest, Mode::Json, &|_| Err("no files".into()))
}

/// `--set-file`: values are file paths whose content becomes the value.
pub fn parse_into_file(
    s: &str,
    dest: &mut Map,
    read_file: &dyn Fn(&str) -> Result<String, String>,
) -> Result<(), String> {
    run(s, dest, Mode::File, read_file)
}

fn run(
    s: &str,
    dest: &mut Map,
    mode: Mode,
    read_file: &dyn Fn(&str) -> Result<String, String>,
) -> Result<(), String> {
    let mut p = Parser {
        chars: s.chars().collect(),
        pos: 0,
        mode,
        read_file,
    };
    loop {
        match p.key(dest, 0) {
            Ok(true) => continue,
            Ok(false) => return Ok(()),
            Err(e) => return Err(format!("failed parsing --set data: {e}")),
        }
    }
}

impl Parser<'_> {
    fn read(&mut self) -> Option<char> {
        let c = self.chars.get(self.pos).copied();
        if c.is_some() {
            self.pos += 1;
        }
        c
    }

    fn unread(&mut self) {
        self.pos = self.pos.saturating_sub(1);
    }

    /// Reads up to a stop rune, resolving `\` escapes (literal mode: none).
    fn until(&mut self, stop: &[char]) -> (String, Stop) {
        let mut out = String::new();
        loop {
            match self.read() {
                None => return (out, Stop::Eof),
                Some(c) if stop.contains(&c) => return (out, Stop::At(c)),
                Some('\\') => match self.read() {
                    None => return (out, Stop::Eof),
                    Some(n) => out.push(n),
                },
                Some(c) => out.push(c),
            }
        }
    }

    fn typed(&self, v: &str) -> Result<Value, String> {
        match self.mode {
            Mode::Strings => Ok(Value::String(v.to_string())),
            Mode::File => (self.read_file)(v).map(Value::String),
            _ => Ok(typed_val(v)),
        }
    }

    /// One `key=value` (or nested) assignment; false at the end of input.
    fn key(&mut self, data: &mut Map, level: usize) -> Result<bool, String> {
        let (k, stop) = self.until(&['=', '[', ',', '.']);
        match stop {
            Stop::Eof => {
                if k.is_empty() {
                    return Ok(false);
                }
                Err(format!("key {k:?} has no value"))
            }
            Stop::At('[') => {
                let i = self.key_index()?;
                let mut list = match data.get(&k) {
                    Some(Value::List(l)) => l.clone(),
                    Some(_) => return Err(format!("unable to parse key: {k:?} is not a list")),
                    None => Vec::new(),
                };
                let r = self.list_item(&mut list, i, level);
                set(data, &k, Value::List(list));
                r.map(|_| true)
            }
            Stop::At('=') => {
                if self.mode == Mode::Json {
                    let v = self.json_value()?;
                    set(data, &k, v);
                    return Ok(true);
                }
                match self.val_list()? {
                    Some(Ok(list)) => {
                        set(data, &k, Value::List(list));
                        Ok(true)
                    }
                    Some(Err(())) => {
                        set(data, &k, Value::String(String::new()));
                        Ok(false)
                    }
                    None => {
                        let (raw, stop) = self.until(&[',']);
                        let v = self.typed(&raw)?;
                        set(data, &k, v);
                        Ok(!matches!(stop, Stop::Eof))
                    }
                }
            }
            Stop::At(',') => {
                set(data, &k, Value::String(String::new()));
                Err(format!("key {k:?} has no value (cannot end with ,)"))
            }
            Stop::At('.') => {
                if level + 1 > MAX_NESTED {
                    return Err(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTED}"
                    ));
                }
                let mut inner = match data.get(&k) {
                    Some(Value::Map(m)) => m.clone(),
                    Some(_) => return Err(format!("unable to parse key: {k:?} is not a map")),
                    None => Map::new(),
                };
                let r = self.key(&mut inner, level + 1);
                if matches!(r, Ok(false)) && inner.is_empty() {
                    return Err(format!("key map {k:?} has no value"));
                }
                if !inner.is_empty() {
                    set(data, &k, Value::Map(inner));
                }
                r
            }
            Stop::At(_) => Ok(true),
        }
    }

    fn key_index(&mut self) -> Result<i64, String> {
        let (v, stop) = self.until(&[']']);
        if matches!(stop, Stop::Eof) {
            return Err("error parsing index: unexpected end".into());
        }
        v.parse::<i64>().map_err(|_| {
            format!("error parsing index: strconv.Atoi: parsing {v:?}: invalid syntax")
        })
    }

    fn list_item(&mut self, list: &mut Vec<Value>, i: i64, level: usize) -> Result<(), String> {
        if i < 0 {
            return Err(format!("negative {i} index not allowed"));
        }
        if i > MAX_INDEX {
            return Err(format!(
                "index of {i} is greater than maximum supported index of {MAX_INDEX}"
            ));
        }
        let idx = i as usize;
        let (k, stop) = self.until(&['[', '.', '=']);
        if !k.is_empty() {
            return Err(format!("unexpected data at end of array index: {k:?}"));
        }
        match stop {
            Stop::Eof => Err("unexpected end of input after index".into()),
            Stop::At('=') => {
                let v = if self.mode == Mode::Json {
                    self.json_value()?
                } else {
                    match self.val_list()? {
                        Some(Ok(l)) => Value::List(l),
                        Some(Err(())) => Value::String(String::new()),
                        None => {
                            let (raw, _) = self.until(&[',']);
                            self.typed(&raw)?
                        }
                    }
                };
                set_index(list, idx, v);
                Ok(())
            }
            Stop::At('[') => {
                let next = self.key_index()?;
                let mut inner = match list.get(idx) {
                    Some(Value::List(l)) => l.clone(),
                    _ => Vec::new(),
                };
                self.list_item(&mut inner, next, level)?;
                set_index(list, idx, Value::List(inner));
                Ok(())
            }
            Stop::At('.') => {
                let mut inner = match list.get(idx) {
                    Some(Value::Map(m)) => m.clone(),
                    _ => Map::new(),
                };
                self.key(&mut inner, level)?;
                set_index(list, idx, Value::Map(inner));
                Ok(())
            }
            Stop::At(c) => Err(format!("parse error: unexpected token {c:?}")),
        }
    }

    /// `{a,b,c}`: Some(Ok(list)); Some(Err) at end of input; None if not a list.
    #[allow(clippy::type_complexity)]
    fn val_list(&mut self) -> Result<Option<Result<Vec<Value>, ()>>, String> {
        match self.read() {
            None => return Ok(Some(Err(()))),
            Some('{') => {}
            Some(_) => {
                self.unread();
                return Ok(None);
            }
        }
        let mut list = Vec::new();
        loop {
            let (rs, stop) = self.until(&[',', '}']);
            match stop {
                Stop::Eof => return Err("list must terminate with '}'".into()),
                Stop::At('}') => {
                    if self.chars.get(self.pos) == Some(&',') {
                        self.pos += 1;
                    }
                    list.push(self.typed(&rs)?);
                    return Ok(Some(Ok(list)));
                }
                _ => list.push(self.typed(&rs)?),
            }
        }
    }

    fn json_value(&mut self) -> Result<Value, String> {
        // Empty value: spaces up to a comma or the end.
        let save = self.pos;
        loop {
            match self.read() {
                None => return Ok(Value::Null),
                Some(',') => return Ok(Value::Null),
                Some(c) if c.is_whitespace() => continue,
                Some(_) => {
                    self.unread();
                    break;
                }
            }
        }
        let _ = save;
        let rest: String = self.chars[self.pos..].iter().collect();
        let mut de = serde_json::Deserializer::from_str(&rest).into_iter::<serde_json::Value>();
        let v = match de.next() {
            Some(Ok(v)) => v,
            Some(Err(e)) => return Err(e.to_string()),
            None => return Ok(Value::Null),
        };
        let consumed = rest[..de.byte_offset()].chars().count();
        self.pos += consumed;
        // Skip blanks and one comma.
        while let Some(c) = self.read() {
            if c == ',' {
                break;
            }
            if !c.is_whitespace() {
                self.unread();
                break;
            }
        }
        Ok(json_to_value(v))
    }
}

fn json_to_value(v: serde_json::Value) -> Value {
    match v {
        serde_json::Value::Null => Value::Null,
        serde_json::Value::Bool(b) => Value::Bool(b),
        serde_json::Value::Number(n) => Value::Float(n.as_f64().unwrap_or(0.0)),
        serde_json::Value::String(s) => Value::String(s),
        serde_json::Value::Array(a) => Value::List(a.into_iter().map(json_to_value).collect()),
        serde_json::Value::Object(o) => {
            Value::Map(o.into_iter().map(|(k, v)| (k, json_to_value(v))).collect())
        }
    }
}

fn set(data: &mut Map, key: &str, v: Value) {
    if !key.is_empty() {
        data.insert(key.to_string(), v);
    }
}

fn set_index(list: &mut Vec<Value>, i: usize, v: Value) {
    if list.len() <= i {
        list.resize(i + 1, Value::Null);
    }
    list[i] = v;
}

/// Helm's `typedVal`: bools, null, int64 (no leading zero), else string.
fn typed_val(v: &str) -> Value {
    if v.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if v.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    if v.eq_ignore_ascii_case("null") {
        return Value::Null;
    }
    if v == "0" {
        return Value::Int(0);
    }
    if !v.is_empty() && !v.starts_with('0') {
        let digits = v.strip_prefix(['+', '-']).unwrap_or(v);
        if !digits.is_empty()
            && digits.chars().all(|c| c.is_ascii_digit())
            && let Ok(i) = v.parse::<i64>()
        {
            return Value::Int(i);
        }
    }
    Value::String(v.to_string())
}

/// `--set-literal`: `key.path=everything after the first =`, no escapes.
pub fn parse_literal_into(s: &str, dest: &mut Map) -> Result<(), String> {
    let Some((key, value)) = s.split_once('=') else {
        return Err(format!(
            "failed parsing --set-literal data: key {s:?} has no value"
        ));
    };
    let mut escaped = String::new();
    for c in key.chars() {
        if c == '\\' || c == ',' {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    let mut tmp = Map::new();
    run(&format!("{escaped}=x"), &mut tmp, Mode::Strings, &|_| {
        Err(String::new())
    })?;
    fn replace_leaf(v: &mut Value, with: &str) {
        match v {
            Value::Map(m) => m.values_mut().for_each(|x| replace_leaf(x, with)),
            Value::List(l) => l
                .iter_mut()
                .filter(|x| !x.is_null())
                .for_each(|x| replace_leaf(x, with)),
            other => *other = Value::String(with.to_string()),
        }
    }
    for v in tmp.values_mut() {
        replace_leaf(v, value);
    }
    super::coalesce::merge_maps(dest, tmp);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(s: &str) -> Value {
        let mut m = Map::new();
        parse_into(s, &mut m).unwrap();
        Value::Map(m)
    }

    fn yaml(s: &str) -> Value {
        crate::yaml::from_yaml(s).unwrap()
    }

    #[test]
    fn typed_values_and_paths() {
        let v = set("a.b=c,n=5,f=true,z=0,o=012,nul=null");
        assert_eq!(v.path(&["a", "b"]), Some(&Value::from("c")));
        assert_eq!(v.get("n"), Some(&Value::Int(5)));
        assert_eq!(v.get("f"), Some(&Value::Bool(true)));
        assert_eq!(v.get("z"), Some(&Value::Int(0)));
        assert_eq!(v.get("o"), Some(&Value::from("012")));
        assert_eq!(v.get("nul"), Some(&Value::Null));
    }

    #[test]
    fn lists_indexes_and_escapes() {
        assert_eq!(set("l={a,b,c}").get("l"), Some(&yaml("[a, b, c]")));
        let v = set("l[1]=x,m[0].k=v");
        assert_eq!(
            v.get("l"),
            Some(&Value::List(vec![Value::Null, "x".into()]))
        );
        assert_eq!(v.path(&["m"]), Some(&yaml("[{k: v}]")));
        let v = set(r"a\.b=c\,d");
        assert_eq!(v.get("a.b"), Some(&Value::from("c,d")));
    }

    #[test]
    fn string_json_and_literal_modes() {
        let mut m = Map::new();
        parse_into_string("n=5,b=true", &mut m).unwrap();
        assert_eq!(m.get("n"), Some(&Value::from("5")));
        let mut m = Map::new();
        parse_json(r#"a={"x":[1,2]},b="s""#, &mut m).unwrap();
        assert_eq!(Value::Map(m), yaml("{a: {x: [1, 2]}, b: s}"));
        let mut m = Map::new();
        parse_literal_into("a.b=x,y=z\\", &mut m).unwrap();
        assert_eq!(
            Value::Map(m).path(&["a", "b"]),
            Some(&Value::from("x,y=z\\"))
        );
    }

    #[test]
    fn errors_are_clear() {
        let mut m = Map::new();
        assert!(
            parse_into("a", &mut m)
                .unwrap_err()
                .contains("has no value")
        );
        assert!(parse_into("a[-1]=x", &mut m).is_err());
        assert!(
            parse_into("a[99999999]=x", &mut m)
                .unwrap_err()
                .contains("maximum")
        );
        assert!(
            parse_into("l={a,b", &mut m)
                .unwrap_err()
                .contains("terminate")
        );
    }
}

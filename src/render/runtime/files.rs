//! `.Files`: Helm's `engine.files`, the chart's non-template files with the
//! methods `Get`, `GetBytes`, `Glob`, `Lines`, `AsConfig`, `AsSecrets`.

use std::collections::BTreeMap;
use std::sync::Arc;

use base64::Engine as _;
use minijinja::value::{Enumerator, Object, ObjectRepr};
use minijinja::{Error, ErrorKind, State, Value};

use crate::archive::Bytes;
use crate::render::govalue::string_slice;

/// A set of chart files, iterated (and printed) in sorted path order.
#[derive(Debug, Default)]
pub struct Files {
    entries: BTreeMap<String, Bytes>,
}

impl Files {
    /// Files from `(path, bytes)` pairs.
    pub fn new(files: &[(String, Bytes)]) -> Files {
        Files {
            entries: files.iter().map(|(p, b)| (p.clone(), b.clone())).collect(),
        }
    }

    /// Calls the method `name` (Go semantics, Go's error texts).
    pub fn method(&self, _state: &State, name: &str, args: &[Value]) -> Result<Value, Error> {
        let want = match name {
            "Get" | "GetBytes" | "Glob" | "Lines" => 1,
            "AsConfig" | "AsSecrets" => 0,
            _ => {
                return Err(Error::new(
                    ErrorKind::InvalidOperation,
                    format!("can't evaluate field {name} in type engine.files"),
                ));
            }
        };
        crate::render::funcs::args::arity(name, args, want)?;
        let arg = || -> Result<String, Error> {
            super::str_arg(args.first().unwrap_or(&Value::from(()))).map(str::to_string)
        };
        Ok(match name {
            "Get" => Value::from(
                self.entries
                    .get(&arg()?)
                    .map(|b| String::from_utf8_lossy(b).into_owned())
                    .unwrap_or_default(),
            ),
            "GetBytes" => Value::from_bytes(
                self.entries
                    .get(&arg()?)
                    .map(|b| b.to_vec())
                    .unwrap_or_default(),
            ),
            "Glob" => {
                let pattern = arg()?;
                let entries = match Glob::parse(&pattern) {
                    Some(g) => self
                        .entries
                        .iter()
                        .filter(|(p, _)| g.matches(p))
                        .map(|(p, b)| (p.clone(), b.clone()))
                        .collect(),
                    None => self.entries.clone(),
                };
                Value::from_object(Files { entries })
            }
            "Lines" => {
                let text = self
                    .entries
                    .get(&arg()?)
                    .map(|b| String::from_utf8_lossy(b).into_owned())
                    .unwrap_or_default();
                if text.is_empty() {
                    return Ok(string_slice(Vec::<String>::new()));
                }
                let text = text.strip_suffix('\n').unwrap_or(&text);
                string_slice(text.split('\n'))
            }
            "AsConfig" => {
                Value::from(string_map_yaml(self.entries.iter().map(|(p, b)| {
                    (base_name(p), String::from_utf8_lossy(b).into_owned())
                })))
            }
            _ => Value::from(string_map_yaml(self.entries.iter().map(|(p, b)| {
                (
                    base_name(p),
                    base64::engine::general_purpose::STANDARD.encode(&**b),
                )
            }))),
        })
    }
}

fn base_name(p: &str) -> String {
    p.rsplit('/').next().unwrap_or(p).to_string()
}

impl Object for Files {
    fn repr(self: &Arc<Self>) -> ObjectRepr {
        ObjectRepr::Map
    }

    fn get_value(self: &Arc<Self>, key: &Value) -> Option<Value> {
        let b = self.entries.get(key.as_str()?)?;
        Some(Value::from_bytes(b.to_vec()))
    }

    fn enumerate(self: &Arc<Self>) -> Enumerator {
        Enumerator::Values(
            self.entries
                .keys()
                .map(|k| Value::from(k.as_str()))
                .collect(),
        )
    }

    fn enumerator_len(self: &Arc<Self>) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// Helm's `toYAML` of a `map[string]string` (go-yaml v2 style, no trailing newline).
fn string_map_yaml(entries: impl Iterator<Item = (String, String)>) -> String {
    let map: BTreeMap<String, String> = entries.collect();
    if map.is_empty() {
        return "{}".to_string();
    }
    let mut out = String::new();
    for (k, v) in &map {
        out.push_str(&yaml_scalar(k));
        out.push(':');
        if v.contains('\n') {
            let chomp = if !v.ends_with('\n') {
                "-"
            } else if v.ends_with("\n\n") {
                "+"
            } else {
                ""
            };
            out.push_str(" |");
            out.push_str(chomp);
            out.push('\n');
            let body = v.strip_suffix('\n').unwrap_or(v);
            for line in body.split('\n') {
                if !line.is_empty() {
                    out.push_str("  ");
                }
                out.push_str(line);
                out.push('\n');
            }
        } else {
            out.push(' ');
            out.push_str(&yaml_scalar(v));
            out.push('\n');
        }
    }
    out.trim_end_matches('\n').to_string()
}

fn yaml_scalar(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/-+=".contains(c))
        && !s.starts_with(['-', '.', '+'])
        && s.parse::<f64>().is_err()
        && !matches!(
            s.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "null" | "y" | "n" | "~"
        );
    if plain {
        s.to_string()
    } else if s.is_empty() {
        "\"\"".to_string()
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

/// A gobwas/glob pattern with `/` as separator: `*` and `?` stay within a
/// path segment, `**` crosses segments, `[...]` classes, `{a,b}` alternatives.
#[derive(Debug)]
enum Token {
    Lit(char),
    Any,
    Star,
    SuperStar,
    Class(bool, Vec<(char, char)>),
    Alt(Vec<Vec<Token>>),
}

struct Glob(Vec<Token>);

impl Glob {
    fn parse(p: &str) -> Option<Glob> {
        let chars: Vec<char> = p.chars().collect();
        let (toks, rest) = parse_seq(&chars, false)?;
        if !rest.is_empty() {
            return None;
        }
        Some(Glob(toks))
    }

    fn matches(&self, s: &str) -> bool {
        let chars: Vec<char> = s.chars().collect();
        match_seq(&self.0, &chars, &mut 0)
    }
}

fn parse_seq(mut p: &[char], in_alt: bool) -> Option<(Vec<Token>, &[char])> {
    let mut out = Vec::new();
    while let Some(&c) = p.first() {
        match c {
            ',' | '}' if in_alt => return Some((out, p)),
            '*' => {
                if p.get(1) == Some(&'*') {
                    out.push(Token::SuperStar);
                    p = &p[2..];
                } else {
                    out.push(Token::Star);
                    p = &p[1..];
                }
            }
            '?' => {
                out.push(Token::Any);
                p = &p[1..];
            }
            '\\' => {
                out.push(Token::Lit(*p.get(1)?));
                p = &p[2..];
            }
            '[' => {
                let mut i = 1;
                let neg = p.get(1) == Some(&'!');
                if neg {
                    i += 1;
                }
                let mut ranges = Vec::new();
                loop {
                    let c = *p.get(i)?;
                    if c == ']' {
                        break;
                    }
                    if p.get(i + 1) == Some(&'-') && p.get(i + 2).is_some_and(|c| *c != ']') {
                        ranges.push((c, *p.get(i + 2)?));
                        i += 3;
                    } else {
                        ranges.push((c, c));
                        i += 1;
                    }
                }
                out.push(Token::Class(neg, ranges));
                p = &p[i + 1..];
            }
            '{' => {
                let mut alts = Vec::new();
                p = &p[1..];
                loop {
                    let (seq, rest) = parse_seq(p, true)?;
                    alts.push(seq);
                    match rest.first() {
                        Some(',') => p = &rest[1..],
                        Some('}') => {
                            p = &rest[1..];
                            break;
                        }
                        _ => return None,
                    }
                }
                out.push(Token::Alt(alts));
            }
            _ => {
                out.push(Token::Lit(c));
                p = &p[1..];
            }
        }
    }
    if in_alt {
        return None;
    }
    Some((out, p))
}

/// Backtracking matcher; `budget` bounds the work on hostile patterns.
fn match_seq(toks: &[Token], s: &[char], budget: &mut usize) -> bool {
    *budget += 1;
    if *budget > 100_000 {
        return false;
    }
    let Some(tok) = toks.first() else {
        return s.is_empty();
    };
    let rest = &toks[1..];
    match tok {
        Token::Lit(c) => s.first() == Some(c) && match_seq(rest, &s[1..], budget),
        Token::Any => s.first().is_some_and(|c| *c != '/') && match_seq(rest, &s[1..], budget),
        Token::Class(neg, ranges) => {
            s.first()
                .is_some_and(|c| *c != '/' && ranges.iter().any(|(a, b)| a <= c && c <= b) != *neg)
                && match_seq(rest, &s[1..], budget)
        }
        Token::Star | Token::SuperStar => {
            for i in 0..=s.len() {
                if match_seq(rest, &s[i..], budget) {
                    return true;
                }
                if matches!(tok, Token::Star) && s.get(i) == Some(&'/') {
                    return false;
                }
            }
            false
        }
        Token::Alt(alts) => alts.iter().any(|alt| {
            // Expand: alternative followed by the rest.
            (0..=s.len())
                .any(|i| match_seq(alt, &s[..i], budget) && match_seq(rest, &s[i..], budget))
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glob(p: &str, s: &str) -> bool {
        Glob::parse(p).is_some_and(|g| g.matches(s))
    }

    #[test]
    fn glob_like_gobwas_with_slash_separator() {
        assert!(glob("*.txt", "a.txt"));
        assert!(!glob("*.txt", "dir/c.txt"));
        assert!(glob("**.txt", "dir/c.txt"));
        assert!(glob("dir/**", "dir/sub/d.yaml"));
        assert!(glob("{a,b}.txt", "b.txt"));
        assert!(glob("[ab].txt", "a.txt"));
        assert!(!glob("?.txt", "ab.txt"));
        assert!(Glob::parse("[").is_none());
    }

    #[test]
    fn as_config_is_go_yaml_of_base_names() {
        let y = string_map_yaml(
            vec![
                ("a.txt".to_string(), "alpha\n".to_string()),
                ("b.txt".to_string(), "beta".to_string()),
                ("empty.txt".to_string(), String::new()),
            ]
            .into_iter(),
        );
        assert_eq!(y, "a.txt: |\n  alpha\nb.txt: beta\nempty.txt: \"\"");
    }
}

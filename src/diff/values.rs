//! The values contract: what users of the chart set in their values files.
//! Removing or retyping a key breaks them; adding one is a feature; changing a
//! default changes behaviour for everyone who relied on it.

use serde::Serialize;

use crate::value::Value;

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "change", rename_all = "kebab-case")]
pub enum ValuesChange {
    Removed {
        key: String,
    },
    Added {
        key: String,
    },
    /// A key removed while a sibling with the same value appears: users' values files still set `key`.
    Renamed {
        key: String,
        to: String,
    },
    TypeChanged {
        key: String,
        from: String,
        to: String,
    },
    DefaultChanged {
        key: String,
        from: String,
        to: String,
    },
}

impl ValuesChange {
    pub fn key(&self) -> &str {
        match self {
            ValuesChange::Removed { key }
            | ValuesChange::Added { key }
            | ValuesChange::Renamed { key, .. }
            | ValuesChange::TypeChanged { key, .. }
            | ValuesChange::DefaultChanged { key, .. } => key,
        }
    }

    /// Whether existing users' values files may stop working.
    pub fn is_breaking(&self) -> bool {
        matches!(
            self,
            ValuesChange::Removed { .. }
                | ValuesChange::Renamed { .. }
                | ValuesChange::TypeChanged { .. }
        )
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::Float(_) => "number",
        Value::String(_) => "string",
        Value::List(_) => "list",
        Value::Map(_) => "map",
    }
}

fn short(v: &Value) -> String {
    let s = match v {
        Value::Null => "null".to_string(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => f.to_string(),
        Value::String(s) => format!("{s:?}"),
        Value::List(l) => format!("[{} items]", l.len()),
        Value::Map(m) => format!("{{{} keys}}", m.len()),
    };
    if s.len() > 60 {
        format!("{}…", s.chars().take(60).collect::<String>())
    } else {
        s
    }
}

/// Compares two values trees key by key (lists are compared as leaves).
pub fn diff_values(old: &Value, new: &Value) -> Vec<ValuesChange> {
    let mut out = Vec::new();
    walk("", old, new, &mut out);
    pair_renames(old, new, out)
}

fn lookup<'a>(v: &'a Value, key: &str) -> Option<&'a Value> {
    key.split('.').try_fold(v, |v, k| v.get(k))
}

fn parent(key: &str) -> &str {
    key.rsplit_once('.').map_or("", |(p, _)| p)
}

fn is_distinctive(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(_) => false,
        Value::String(s) => !s.is_empty(),
        Value::List(l) => !l.is_empty(),
        Value::Map(m) => !m.is_empty(),
        Value::Int(_) | Value::Float(_) => true,
    }
}

/// A removed key and the one added sibling holding the same (distinctive) value: a rename.
fn pair_renames(old: &Value, new: &Value, changes: Vec<ValuesChange>) -> Vec<ValuesChange> {
    let added: Vec<String> = changes
        .iter()
        .filter_map(|c| match c {
            ValuesChange::Added { key } => Some(key.clone()),
            _ => None,
        })
        .collect();
    let mut taken: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for c in changes {
        if let ValuesChange::Removed { key } = &c {
            // Only a distinctive value identifies a rename: `false`, `""`, `{}`
            // are shared by unrelated keys.
            let before = lookup(old, key).filter(|v| is_distinctive(v));
            let candidates: Vec<&String> = added
                .iter()
                .filter(|a| {
                    !taken.contains(a)
                        && parent(a) == parent(key)
                        && before.is_some()
                        && lookup(new, a) == before
                })
                .collect();
            if let [to] = candidates.as_slice() {
                let to = (*to).clone();
                taken.push(to.clone());
                out.push(ValuesChange::Renamed {
                    key: key.clone(),
                    to: to.clone(),
                });
                continue;
            }
        }
        out.push(c);
    }
    out.retain(|c| !matches!(c, ValuesChange::Added { key } if taken.contains(key)));
    out
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() {
        key.to_string()
    } else {
        format!("{prefix}.{key}")
    }
}

fn walk(prefix: &str, old: &Value, new: &Value, out: &mut Vec<ValuesChange>) {
    match (old, new) {
        (Value::Map(a), Value::Map(b)) => {
            for (k, av) in a {
                let key = join(prefix, k);
                match b.get(k) {
                    None => out.push(ValuesChange::Removed { key }),
                    Some(bv) => walk(&key, av, bv, out),
                }
            }
            for k in b.keys().filter(|k| !a.contains_key(*k)) {
                out.push(ValuesChange::Added {
                    key: join(prefix, k),
                });
            }
        }
        // null defaults are placeholders: giving them a type is not a type change.
        (Value::Null, _) | (_, Value::Null) if old != new => {
            out.push(ValuesChange::DefaultChanged {
                key: prefix.to_string(),
                from: short(old),
                to: short(new),
            })
        }
        _ if type_name(old) != type_name(new) => out.push(ValuesChange::TypeChanged {
            key: prefix.to_string(),
            from: type_name(old).into(),
            to: type_name(new).into(),
        }),
        _ if old != new => out.push(ValuesChange::DefaultChanged {
            key: prefix.to_string(),
            from: short(old),
            to: short(new),
        }),
        _ => {}
    }
}

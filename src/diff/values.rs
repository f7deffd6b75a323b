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
            | ValuesChange::TypeChanged { key, .. }
            | ValuesChange::DefaultChanged { key, .. } => key,
        }
    }

    /// Whether existing users' values files may stop working.
    pub fn is_breaking(&self) -> bool {
        matches!(
            self,
            ValuesChange::Removed { .. } | ValuesChange::TypeChanged { .. }
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

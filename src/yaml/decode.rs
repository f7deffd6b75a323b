//! Node trees -> chart values the way Helm reads YAML: go-yaml v2 decodes into
//! `interface{}`, sigs.k8s.io/yaml stringifies the map keys and round-trips the
//! result through encoding/json (so every number becomes a float64 and
//! NaN/Inf are errors).

use base64::Engine;

use super::gofloat::{format_float_g, format_float_json};
use super::parse::parse_stream;
use super::resolve::{Resolved, resolve_owned};
use super::{Node, NodeKind, ScalarStyle, YamlError};
use crate::value::{Map, Value};

/// Prefix sigs.k8s.io/yaml puts on every failure of the YAML -> JSON step.
const TO_JSON: &str = "error converting YAML to JSON: ";

/// `yaml.Unmarshal` of sigs.k8s.io/yaml into `interface{}`: the first document
/// of `text` (null when there is none).
pub fn from_yaml(text: &str) -> Result<Value, YamlError> {
    // Plain block YAML (most manifests and values files) is read without
    // the full parser; anything else, and every error, is the parser's.
    if let Some(value) = super::block::from_block_yaml(text) {
        return Ok(value);
    }
    from_yaml_full(text)
}

/// [`from_yaml`] by the full parser alone (the fast path's reference).
pub fn from_yaml_full(text: &str) -> Result<Value, YamlError> {
    let mut documents = parse_stream(text, 1).map_err(|e| e.prefixed(TO_JSON))?;
    match documents.pop() {
        Some(node) => node_into_value(node),
        None => Ok(Value::Null),
    }
}

/// Every document of a stream, each typed like [`from_yaml`].
pub fn from_yaml_documents(text: &str) -> Result<Vec<Value>, YamlError> {
    let documents = parse_stream(text, usize::MAX).map_err(|e| e.prefixed(TO_JSON))?;
    documents.into_iter().map(node_into_value).collect()
}

/// `yaml.Unmarshal` into `map[string]interface{}` (how Helm reads values files
/// and `fromYaml`): null gives an empty map, any other non-map is an error.
pub fn from_yaml_map(text: &str) -> Result<Map, YamlError> {
    match from_yaml(text)? {
        Value::Map(m) => Ok(m),
        Value::Null => Ok(Map::new()),
        other => Err(YamlError::new(format!(
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
            json_kind(&other)
        ))),
    }
}

/// encoding/json's name for the JSON type of a value, as in its type errors.
pub(crate) fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::Float(_) => "number",
        Value::String(_) => "string",
        Value::List(_) => "array",
        Value::Map(_) => "object",
    }
}

/// Types one node as Helm does (go-yaml v2 resolution, merge keys, keys
/// stringified, JSON number rules). Errors carry sigs.k8s.io/yaml's
/// `error converting YAML to JSON: ` prefix.
pub fn node_to_value(node: &Node) -> Result<Value, YamlError> {
    node_into_value(node.clone())
}

/// [`node_to_value`] of a tree the caller gives up: its strings move into
/// the value instead of being copied (most of a document is strings).
pub fn node_into_value(node: Node) -> Result<Value, YamlError> {
    decode(node).map_err(|e| e.prefixed(TO_JSON))
}

fn at(line: usize, message: String) -> YamlError {
    YamlError {
        line: Some(line),
        message,
    }
}

fn decode(node: Node) -> Result<Value, YamlError> {
    match node.kind {
        NodeKind::Scalar { text, style, tag } => {
            match scalar(text, style, tag.as_deref(), node.line)? {
                Resolved::Null => Ok(Value::Null),
                Resolved::Bool(b) => Ok(Value::Bool(b)),
                Resolved::Int(i) => Ok(Value::Float(i as f64)),
                Resolved::Uint(u) => Ok(Value::Float(u as f64)),
                Resolved::Float(f) => json_float(f).map(Value::Float),
                Resolved::Str(s) => Ok(Value::String(s)),
            }
        }
        NodeKind::Sequence(items) => items
            .into_iter()
            .map(decode)
            .collect::<Result<_, _>>()
            .map(Value::List),
        NodeKind::Mapping(entries) => {
            let mut map = Map::new();
            decode_mapping(entries, &mut map)?;
            Ok(Value::Map(map))
        }
    }
}

/// A float after encoding/json's Marshal + Unmarshal: the shortest text reads
/// back as the same number; NaN and infinities are refused.
fn json_float(f: f64) -> Result<f64, YamlError> {
    match format_float_json(f) {
        Some(_) => Ok(f),
        None => Err(YamlError::new(format!(
            "json: unsupported value: {}",
            format_float_g(f, false)
        ))),
    }
}

/// Fills `map` from mapping entries in order: later keys overwrite earlier
/// ones, merge keys (`<<`) overwrite what precedes them, as in go-yaml v2.
fn decode_mapping(entries: Vec<(Node, Node)>, map: &mut Map) -> Result<(), YamlError> {
    for (key, value) in entries {
        if is_merge_key(&key) {
            merge(value, map)?;
            continue;
        }
        let key_text = map_key(key)?;
        let value = decode(value)?;
        map.insert(key_text, value);
    }
    Ok(())
}

fn is_merge_key(key: &Node) -> bool {
    match &key.kind {
        NodeKind::Scalar { text, style, tag } => {
            text == "<<"
                && match tag.as_deref() {
                    None => *style == ScalarStyle::Plain,
                    Some(t) => t == "!!merge",
                }
        }
        _ => false,
    }
}

fn merge(value: Node, map: &mut Map) -> Result<(), YamlError> {
    let line = value.line;
    let fail = || {
        at(
            line,
            "yaml: map merge requires map or sequence of maps as the value".to_string(),
        )
    };
    match value.kind {
        NodeKind::Mapping(entries) => decode_mapping(entries, map),
        NodeKind::Sequence(items) => {
            // Earlier maps take precedence: apply them last.
            for item in items.into_iter().rev() {
                match item.kind {
                    NodeKind::Mapping(entries) => decode_mapping(entries, map)?,
                    _ => return Err(fail()),
                }
            }
            Ok(())
        }
        NodeKind::Scalar { .. } => Err(fail()),
    }
}

/// A map key as sigs.k8s.io/yaml turns go-yaml's key into a JSON object key.
fn map_key(key: Node) -> Result<String, YamlError> {
    let line = key.line;
    let resolved = match key.kind {
        NodeKind::Scalar { text, style, tag } => scalar(text, style, tag.as_deref(), line)?,
        _ => {
            return Err(at(
                line,
                "yaml: invalid map key: a collection cannot be a map key".to_string(),
            ));
        }
    };
    match resolved {
        Resolved::Str(s) => Ok(s),
        Resolved::Int(i) => Ok(i.to_string()),
        Resolved::Bool(b) => Ok(b.to_string()),
        Resolved::Float(f) => Ok(match format_float_g(f, true).as_str() {
            "+Inf" => ".inf".to_string(),
            "-Inf" => "-.inf".to_string(),
            "NaN" => ".nan".to_string(),
            other => other.to_string(),
        }),
        Resolved::Uint(u) => Err(at(
            line,
            format!("unsupported map key of type: uint64, key: 0x{u:x}"),
        )),
        Resolved::Null => Err(at(
            line,
            "unsupported map key of type: <nil>, key: <nil>".to_string(),
        )),
    }
}

/// Resolves a scalar (its text, style, tag, line): quoted and block scalars
/// are strings unless tagged.
fn scalar(
    text: String,
    style: ScalarStyle,
    tag: Option<&str>,
    line: usize,
) -> Result<Resolved, YamlError> {
    let tag = match (tag, style) {
        (Some("!"), _) => "!!str",
        (Some(t), _) => t,
        (None, ScalarStyle::Plain) => "",
        (None, _) => "!!str",
    };
    if tag == "!!binary" {
        let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
        return match base64::engine::general_purpose::STANDARD.decode(compact) {
            Ok(bytes) => Ok(Resolved::Str(String::from_utf8_lossy(&bytes).into_owned())),
            Err(_) => Err(at(
                line,
                "yaml: !!binary value contains invalid base64 data".to_string(),
            )),
        };
    }
    resolve_owned(tag, text).map_err(|m| at(line, format!("yaml: {m}")))
}

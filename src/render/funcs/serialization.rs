//! Template functions: serialization — Helm's toYaml/toYamlPretty/fromYaml/
//! fromYamlArray/toJson/fromJson/fromJsonArray/toToml/fromToml and Sprig's
//! mustToJson/mustFromJson/toPrettyJson/mustToPrettyJson/toRawJson/mustToRawJson.
//!
//! Helm's readers never fail a render: a bad document gives a map with an
//! `Error` key (or a one-element list holding the message); its writers give
//! "" (toToml: the error text). Sprig's `must*` and `toRawJson` fail instead.

use std::collections::BTreeMap;

use base64::Engine;
use minijinja::value::{Rest, ValueKind};
use minijinja::{Environment, Error, Value};

use crate::register_fn;
use crate::render::funcs::args::{arity, fail};
use crate::render::govalue::{as_map, from_runtime, int64_value, new_map, to_runtime};
use crate::value::Value as Data;
use crate::yaml;

pub fn register(env: &mut Environment<'static>) {
    register_fn!(env, "toYaml", |args: Rest<Value>| {
        let v = one_arg("toYaml", &args)?;
        Ok::<_, Error>(Value::from(writer_output(yaml::to_yaml(&to_data(v)))))
    });
    register_fn!(env, "toYamlPretty", |args: Rest<Value>| {
        let v = one_arg("toYamlPretty", &args)?;
        Ok::<_, Error>(Value::from(writer_output(yaml::to_yaml_pretty(&to_data(
            v,
        )))))
    });
    register_fn!(env, "fromYaml", |args: Rest<Value>| {
        let text = string_arg("fromYaml", &args)?;
        Ok::<_, Error>(match yaml::from_yaml_map(&text) {
            Ok(map) => to_runtime(&Data::Map(map)),
            Err(e) => error_map(&e.to_string()),
        })
    });
    register_fn!(env, "fromYamlArray", |args: Rest<Value>| {
        let text = string_arg("fromYamlArray", &args)?;
        Ok::<_, Error>(match yaml::from_yaml(&text) {
            Ok(Data::List(items)) => to_runtime(&Data::List(items)),
            Ok(Data::Null) => Value::from(Vec::<Value>::new()),
            Ok(other) => error_list(&format!(
                "error unmarshaling JSON: while decoding JSON: {}",
                array_type_error(&other)
            )),
            Err(e) => error_list(&e.to_string()),
        })
    });
    register_fn!(env, "toJson", |args: Rest<Value>| {
        let v = one_arg("toJson", &args)?;
        Ok::<_, Error>(Value::from(json_of(v, Json::Escaped).unwrap_or_default()))
    });
    register_fn!(env, "mustToJson", |args: Rest<Value>| {
        let v = one_arg("mustToJson", &args)?;
        json_of(v, Json::Escaped).map(Value::from).map_err(fail)
    });
    register_fn!(env, "toPrettyJson", |args: Rest<Value>| {
        let v = one_arg("toPrettyJson", &args)?;
        Ok::<_, Error>(Value::from(json_of(v, Json::Pretty).unwrap_or_default()))
    });
    register_fn!(env, "mustToPrettyJson", |args: Rest<Value>| {
        let v = one_arg("mustToPrettyJson", &args)?;
        json_of(v, Json::Pretty).map(Value::from).map_err(fail)
    });
    register_fn!(env, "toRawJson", |args: Rest<Value>| {
        let v = one_arg("toRawJson", &args)?;
        json_of(v, Json::Raw).map(Value::from).map_err(fail)
    });
    register_fn!(env, "mustToRawJson", |args: Rest<Value>| {
        let v = one_arg("mustToRawJson", &args)?;
        json_of(v, Json::Raw).map(Value::from).map_err(fail)
    });
    register_fn!(env, "fromJson", |args: Rest<Value>| {
        let text = string_arg("fromJson", &args)?;
        Ok::<_, Error>(match yaml::from_json(&text) {
            Ok(Data::Map(map)) => to_runtime(&Data::Map(map)),
            Ok(Data::Null) => new_map(BTreeMap::new()),
            Ok(other) => error_map(&map_type_error(&other)),
            Err(e) => error_map(&e),
        })
    });
    register_fn!(env, "mustFromJson", |args: Rest<Value>| {
        let text = string_arg("mustFromJson", &args)?;
        yaml::from_json(&text).map(|v| to_runtime(&v)).map_err(fail)
    });
    register_fn!(env, "fromJsonArray", |args: Rest<Value>| {
        let text = string_arg("fromJsonArray", &args)?;
        Ok::<_, Error>(match yaml::from_json(&text) {
            Ok(Data::List(items)) => to_runtime(&Data::List(items)),
            Ok(Data::Null) => Value::from(Vec::<Value>::new()),
            Ok(other) => error_list(&array_type_error(&other)),
            Err(e) => error_list(&e),
        })
    });
    register_fn!(env, "toToml", |args: Rest<Value>| {
        let v = one_arg("toToml", &args)?;
        Ok::<_, Error>(Value::from(match yaml::to_toml(&to_data(v)) {
            Ok(text) => text,
            Err(message) => message,
        }))
    });
    register_fn!(env, "fromToml", |args: Rest<Value>| {
        let text = string_arg("fromToml", &args)?;
        Ok::<_, Error>(match yaml::from_toml(&text) {
            Ok(map) => toml_to_runtime(&map),
            Err(e) => error_map(&e),
        })
    });
}

/// A writer's result as Helm's template function returns it: without the
/// final newline, "" on error (Helm swallows encoder errors).
fn writer_output(result: Result<String, yaml::YamlError>) -> String {
    match result {
        Ok(text) => text.strip_suffix('\n').map(str::to_string).unwrap_or(text),
        Err(_) => String::new(),
    }
}

fn error_map(message: &str) -> Value {
    let mut entries = BTreeMap::new();
    entries.insert("Error".to_string(), Value::from(message));
    new_map(entries)
}

fn error_list(message: &str) -> Value {
    Value::from(vec![Value::from(message)])
}

fn map_type_error(v: &Data) -> String {
    format!(
        "json: cannot unmarshal {} into Go value of type map[string]interface {{}}",
        json_kind(v)
    )
}

fn array_type_error(v: &Data) -> String {
    format!(
        "json: cannot unmarshal {} into Go value of type []interface {{}}",
        json_kind(v)
    )
}

fn json_kind(v: &Data) -> &'static str {
    match v {
        Data::Null => "null",
        Data::Bool(_) => "bool",
        Data::Int(_) | Data::Float(_) => "number",
        Data::String(_) => "string",
        Data::List(_) => "array",
        Data::Map(_) => "object",
    }
}

/// The single argument of a one-argument function (Go checks arity first).
fn one_arg<'a>(name: &str, args: &'a [Value]) -> Result<&'a Value, Error> {
    arity(name, args, 1)?;
    Ok(&args[0])
}

/// A string argument, with text/template's conversion error otherwise.
fn string_arg(name: &str, args: &[Value]) -> Result<String, Error> {
    let v = one_arg(name, args)?;
    match v.as_str() {
        Some(s) if v.kind() == ValueKind::String => Ok(s.to_string()),
        _ => Err(fail(format!(
            "wrong type for value; expected string; got {}",
            go_type(v)
        ))),
    }
}

/// Go's type name for a runtime value, for type errors.
fn go_type(v: &Value) -> &'static str {
    if as_map(v).is_some() {
        return "map[string]interface {}";
    }
    match v.kind() {
        ValueKind::Undefined | ValueKind::None => "<nil>",
        ValueKind::Bool => "bool",
        ValueKind::Number if v.is_integer() => "int",
        ValueKind::Number => "float64",
        ValueKind::String => "string",
        ValueKind::Bytes => "[]uint8",
        ValueKind::Seq | ValueKind::Iterable => "[]interface {}",
        ValueKind::Map => "map[string]interface {}",
        _ => "<nil>",
    }
}

/// Runtime value -> chart data for the encoders: `[]byte` becomes its base64
/// text, as encoding/json writes byte slices.
#[derive(Clone, Copy)]
enum Json {
    /// `toJson`: compact, HTML-escaped.
    Escaped,
    /// `toRawJson`: compact, not HTML-escaped.
    Raw,
    /// `toPrettyJson`: two-space indent.
    Pretty,
}

fn json_leaf(d: &Data, mode: Json) -> Result<String, String> {
    match mode {
        Json::Escaped => yaml::to_json(d),
        Json::Raw => yaml::to_json_raw(d),
        Json::Pretty => yaml::to_json_pretty(d, "  "),
    }
}

/// JSON as Go's `encoding/json` writes it: like the chart data, except that
/// structs such as `.Chart` keep their fields in declaration order.
fn json_of(v: &Value, mode: Json) -> Result<String, String> {
    if !has_ordered_struct(v, 0) {
        return json_leaf(&to_data(v), mode);
    }
    let mut out = String::new();
    write_ordered(&mut out, v, mode, 0)?;
    Ok(out)
}

fn has_ordered_struct(v: &Value, depth: usize) -> bool {
    if depth > 64 {
        return false;
    }
    if let Some(st) = v.downcast_object_ref::<crate::render::runtime::structs::GoStruct>() {
        return crate::render::runtime::structs::ordered_json_fields(st).is_some();
    }
    if let Some(map) = as_map(v) {
        return map
            .lock()
            .values()
            .any(|x| has_ordered_struct(x, depth + 1));
    }
    v.kind() == ValueKind::Seq
        && v.try_iter()
            .is_ok_and(|mut it| it.any(|x| has_ordered_struct(&x, depth + 1)))
}

fn write_ordered(out: &mut String, v: &Value, mode: Json, depth: usize) -> Result<(), String> {
    let pad = |n: usize| "  ".repeat(n);
    let members: Vec<(String, Option<Value>, Option<Data>)> = if let Some(st) =
        v.downcast_object_ref::<crate::render::runtime::structs::GoStruct>()
        && let Some(fields) = crate::render::runtime::structs::ordered_json_fields(st)
    {
        fields
            .into_iter()
            .map(|(k, d)| (k, None, Some(d)))
            .collect()
    } else if let Some(map) = as_map(v) {
        let mut items: Vec<(String, Value)> = map
            .lock()
            .iter()
            .map(|(k, x)| (k.clone(), x.clone()))
            .collect();
        items.sort_by(|a, b| a.0.cmp(&b.0));
        items.into_iter().map(|(k, x)| (k, Some(x), None)).collect()
    } else if v.kind() == ValueKind::Seq && has_ordered_struct(v, 0) {
        let items: Vec<Value> = v.try_iter().map(|i| i.collect()).unwrap_or_default();
        if items.is_empty() {
            out.push_str("[]");
            return Ok(());
        }
        out.push('[');
        for (i, x) in items.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            if let Json::Pretty = mode {
                out.push('\n');
                out.push_str(&pad(depth + 1));
            }
            write_ordered(out, x, mode, depth + 1)?;
        }
        if let Json::Pretty = mode {
            out.push('\n');
            out.push_str(&pad(depth));
        }
        out.push(']');
        return Ok(());
    } else {
        let text = json_leaf(&to_data(v), mode)?;
        out.push_str(&text.replace('\n', &format!("\n{}", pad(depth))));
        return Ok(());
    };
    if members.is_empty() {
        out.push_str("{}");
        return Ok(());
    }
    out.push('{');
    for (i, (key, value, data)) in members.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        if let Json::Pretty = mode {
            out.push('\n');
            out.push_str(&pad(depth + 1));
        }
        out.push_str(&json_leaf(&Data::String(key.clone()), mode)?);
        out.push(':');
        if let Json::Pretty = mode {
            out.push(' ');
        }
        match (value, data) {
            (Some(x), _) => write_ordered(out, x, mode, depth + 1)?,
            (None, Some(d)) => {
                let text = json_leaf(d, mode)?;
                out.push_str(&text.replace('\n', &format!("\n{}", pad(depth + 1))));
            }
            (None, None) => out.push_str("null"),
        }
    }
    if let Json::Pretty = mode {
        out.push('\n');
        out.push_str(&pad(depth));
    }
    out.push('}');
    Ok(())
}

fn to_data(v: &Value) -> Data {
    if let Some(map) = as_map(v) {
        return Data::Map(
            map.lock()
                .iter()
                .map(|(k, item)| (k.clone(), to_data(item)))
                .collect(),
        );
    }
    match v.kind() {
        ValueKind::Bytes => Data::String(
            base64::engine::general_purpose::STANDARD.encode(v.as_bytes().unwrap_or_default()),
        ),
        ValueKind::Seq | ValueKind::Iterable => Data::List(
            v.try_iter()
                .map(|items| items.map(|item| to_data(&item)).collect())
                .unwrap_or_default(),
        ),
        _ => from_runtime(v),
    }
}

/// TOML data -> runtime: TOML integers are Go `int64`.
fn toml_to_runtime(data: &Data) -> Value {
    match data {
        Data::Int(i) => int64_value(*i),
        Data::List(items) => Value::from(items.iter().map(toml_to_runtime).collect::<Vec<_>>()),
        Data::Map(m) => new_map(
            m.iter()
                .map(|(k, v)| (k.clone(), toml_to_runtime(v)))
                .collect(),
        ),
        other => to_runtime(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use minijinja::context;

    fn render(template: &str, x: Value) -> String {
        let mut env = Environment::new();
        register(&mut env);
        env.render_str(template, context! { x => x })
            .unwrap_or_else(|e| format!("ERR {e}"))
    }

    fn values(text: &str) -> Value {
        to_runtime(&Data::Map(yaml::from_yaml_map(text).expect("valid yaml")))
    }

    #[test]
    fn to_yaml_trims_one_newline_and_swallows_errors() {
        assert_eq!(
            render("{{ f_toYaml(x) }}", values("v: \"a\\nb\\n\\n\"\n")),
            "v: |+\n  a\n  b\n"
        );
        assert_eq!(render("[{{ f_toYaml(x) }}]", Value::from(f64::NAN)), "[]");
        assert_eq!(render("{{ f_toYaml(x) }}", Value::from(())), "null");
        assert_eq!(
            render(
                "{{ f_toYamlPretty(x) }}",
                values("b: [1, {y: [a]}]\na: {}\n")
            ),
            "a: {}\nb:\n  - 1\n  - \"true\":\n      - a"
        );
    }

    #[test]
    fn from_yaml_reports_errors_in_the_map() {
        let out = render("{{ f_fromYaml(x).Error }}", Value::from("a: b: c"));
        assert_eq!(
            out,
            "error converting YAML to JSON: yaml: mapping values are not allowed in this context"
        );
        assert_eq!(
            render("{{ f_fromYaml(x).Error }}", Value::from("hello")),
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type map[string]interface {}"
        );
        assert_eq!(
            render("{{ f_fromYaml(x).a }}", Value::from("a: 0x10")),
            "16.0"
        );
        assert_eq!(
            render("{{ f_fromYamlArray(x)[0] }}", Value::from("a: 1")),
            "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type []interface {}"
        );
        assert!(render("{{ f_fromYaml(x) }}", Value::from(1)).starts_with("ERR"));
    }

    #[test]
    fn json_functions() {
        assert_eq!(
            render("{{ f_toJson(x) }}", Value::from("<a>&")),
            "\"\\u003ca\\u003e\\u0026\""
        );
        assert_eq!(
            render("{{ f_toRawJson(x) }}", Value::from("<a>&")),
            "\"<a>&\""
        );
        assert_eq!(render("{{ f_toJson(x) }}", Value::from(())), "null");
        assert_eq!(render("{{ f_toPrettyJson(x) }}", values("")), "{}");
        assert_eq!(
            render("{{ f_fromJson(x).Error }}", Value::from("[1]")),
            "json: cannot unmarshal array into Go value of type map[string]interface {}"
        );
        assert_eq!(
            render("{{ f_fromJson(x).Error }}", Value::from("")),
            "unexpected end of JSON input"
        );
        assert_eq!(
            render("{{ f_fromJsonArray(x)[0] }}", Value::from("[")),
            "unexpected end of JSON input"
        );
        assert!(
            render("{{ f_mustFromJson(x) }}", Value::from("{bad"))
                .contains("invalid character 'b' looking for beginning of object key string")
        );
        assert_eq!(
            render("{{ f_toJson(x) }}", Value::from_bytes(b"hi".to_vec())),
            "\"aGk=\""
        );
    }
}

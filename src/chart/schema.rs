//! `values.schema.json`: validating the final values as Helm does (JSON Schema;
//! `$ref` is never followed outside the document: CVE-2025-55199).

use crate::value::Value;

/// Validates `values` against the schema; the error lists every failure.
pub fn validate(schema: &[u8], values: &Value) -> Result<(), String> {
    let schema: serde_json::Value = serde_json::from_slice(schema)
        .map_err(|e| format!("- values.schema.json is not valid JSON: {e}"))?;
    let mut errors = Vec::new();
    check(&schema, values, "", &mut errors, 0);
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors
            .iter()
            .map(|e| format!("- {e}"))
            .collect::<Vec<_>>()
            .join("\n"))
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Int(_) => "integer",
        Value::Float(f) if f.fract() == 0.0 => "integer",
        Value::Float(_) => "number",
        Value::String(_) => "string",
        Value::List(_) => "array",
        Value::Map(_) => "object",
    }
}

fn type_matches(want: &str, v: &Value) -> bool {
    let got = type_name(v);
    want == got || (want == "number" && got == "integer")
}

fn at(path: &str) -> String {
    if path.is_empty() {
        "(root)".into()
    } else {
        path.to_string()
    }
}

fn check(
    schema: &serde_json::Value,
    v: &Value,
    path: &str,
    errors: &mut Vec<String>,
    depth: usize,
) {
    use serde_json::Value as J;
    if depth > 200 {
        return;
    }
    let J::Object(s) = schema else { return };
    if let Some(t) = s.get("type") {
        let ok = match t {
            J::String(w) => type_matches(w, v),
            J::Array(ws) => ws.iter().filter_map(J::as_str).any(|w| type_matches(w, v)),
            _ => true,
        };
        if !ok {
            let want = match t {
                J::String(w) => w.clone(),
                J::Array(ws) => ws
                    .iter()
                    .filter_map(J::as_str)
                    .collect::<Vec<_>>()
                    .join(","),
                _ => String::new(),
            };
            errors.push(format!(
                "{}: Invalid type. Expected: {want}, given: {}",
                at(path),
                type_name(v)
            ));
            return;
        }
    }
    if let Some(J::Array(options)) = s.get("enum") {
        let json = v.to_json();
        if !options
            .iter()
            .any(|o| o == &json || (o.as_f64().is_some() && o.as_f64() == json.as_f64()))
        {
            errors.push(format!(
                "{}: {} must be one of the following: {}",
                at(path),
                path.rsplit('.').next().unwrap_or(""),
                options
                    .iter()
                    .map(|o| o.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
    }
    if let (Some(J::String(p)), Value::String(text)) = (s.get("pattern"), v)
        && let Ok(re) = regex::Regex::new(p)
        && !re.is_match(text)
    {
        errors.push(format!("{}: Does not match pattern '{p}'", at(path)));
    }
    let num = match v {
        Value::Int(i) => Some(*i as f64),
        Value::Float(f) => Some(*f),
        _ => None,
    };
    if let Some(n) = num {
        if let Some(min) = s.get("minimum").and_then(J::as_f64)
            && n < min
        {
            errors.push(format!(
                "{}: Must be greater than or equal to {min}",
                at(path)
            ));
        }
        if let Some(max) = s.get("maximum").and_then(J::as_f64)
            && n > max
        {
            errors.push(format!("{}: Must be less than or equal to {max}", at(path)));
        }
    }
    if let Value::Map(m) = v {
        if let Some(J::Array(req)) = s.get("required") {
            for r in req.iter().filter_map(J::as_str) {
                if !m.contains_key(r) {
                    errors.push(format!("{}: {r} is required", at(path)));
                }
            }
        }
        let props = s.get("properties").and_then(J::as_object);
        for (k, val) in m {
            let child = if path.is_empty() {
                k.clone()
            } else {
                format!("{path}.{k}")
            };
            match props.and_then(|p| p.get(k)) {
                Some(ps) => check(ps, val, &child, errors, depth + 1),
                None => match s.get("additionalProperties") {
                    Some(J::Bool(false)) => errors.push(format!(
                        "{}: Additional property {k} is not allowed",
                        at(path)
                    )),
                    Some(extra @ J::Object(_)) => check(extra, val, &child, errors, depth + 1),
                    _ => {}
                },
            }
        }
    }
    if let (Value::List(items), Some(item_schema)) = (v, s.get("items")) {
        for (i, item) in items.iter().enumerate() {
            check(item_schema, item, &format!("{path}.{i}"), errors, depth + 1);
        }
    }
}

//! Reading `Chart.yaml` (and v1 `requirements.yaml`, `Chart.lock`) the way Helm
//! does: through sigs.k8s.io/yaml into typed Go structs, so string fields keep
//! the literal YAML text (`appVersion: 1.10` stays `"1.10"`), and a field of
//! the wrong type is an error (CVE-2025-55198 shapes), never a crash.

use crate::value::Value;
use crate::yaml::{Node, NodeKind, ScalarStyle};

use super::metadata::{Dependency, Maintainer, Metadata};

fn scalar_text(node: &Node) -> Option<&str> {
    match &node.kind {
        NodeKind::Scalar { text, .. } => Some(text),
        _ => None,
    }
}

fn is_null(node: &Node) -> bool {
    matches!(&node.kind, NodeKind::Scalar { text, style: ScalarStyle::Plain, .. }
        if text.is_empty() || text == "~" || text == "null" || text == "Null" || text == "NULL")
}

fn entries(node: &Node) -> &[(Node, Node)] {
    match &node.kind {
        NodeKind::Mapping(e) => e,
        _ => &[],
    }
}

/// A string field: any scalar keeps its text; a map or list is a type error.
fn string_field(file: &str, key: &str, node: &Node) -> Result<String, String> {
    if is_null(node) {
        return Ok(String::new());
    }
    match &node.kind {
        NodeKind::Scalar { text, .. } => Ok(text.clone()),
        _ => Err(format!(
            "{file}: line {}: field `{key}` must be a string",
            node.line
        )),
    }
}

fn string_list(file: &str, key: &str, node: &Node) -> Result<Vec<String>, String> {
    if is_null(node) {
        return Ok(Vec::new());
    }
    match &node.kind {
        NodeKind::Sequence(items) => items.iter().map(|i| string_field(file, key, i)).collect(),
        _ => Err(format!(
            "{file}: line {}: field `{key}` must be a list of strings",
            node.line
        )),
    }
}

fn bool_field(file: &str, key: &str, node: &Node) -> Result<bool, String> {
    if is_null(node) {
        return Ok(false);
    }
    match scalar_text(node) {
        Some("true" | "True" | "TRUE" | "yes" | "Yes" | "YES" | "on" | "On" | "ON" | "y" | "Y") => {
            Ok(true)
        }
        Some(
            "false" | "False" | "FALSE" | "no" | "No" | "NO" | "off" | "Off" | "OFF" | "n" | "N",
        ) => Ok(false),
        _ => Err(format!(
            "{file}: line {}: field `{key}` must be a boolean",
            node.line
        )),
    }
}

fn value_of(node: &Node) -> Value {
    crate::yaml::node_to_value(node).unwrap_or(Value::Null)
}

/// Parses `Chart.yaml`.
pub fn parse_chart_yaml(text: &str, file: &str) -> Result<Metadata, String> {
    let docs = crate::yaml::parse_documents(text).map_err(|e| format!("{file}: {e}"))?;
    let Some(root) = docs.first() else {
        return Err(format!("{file}: empty Chart.yaml"));
    };
    if !matches!(root.kind, NodeKind::Mapping(_)) {
        return Err(format!("{file}: Chart.yaml must be a map of fields"));
    }
    let mut md = Metadata {
        raw: value_of(root),
        ..Metadata::default()
    };
    for (k, v) in entries(root) {
        let key = scalar_text(k).unwrap_or("");
        match key {
            "apiVersion" => md.api_version = string_field(file, key, v)?,
            "name" => md.name = string_field(file, key, v)?,
            "version" => md.version = string_field(file, key, v)?,
            "kubeVersion" => md.kube_version = string_field(file, key, v)?,
            "description" => md.description = string_field(file, key, v)?,
            "type" => md.chart_type = string_field(file, key, v)?,
            "home" => md.home = string_field(file, key, v)?,
            "icon" => md.icon = string_field(file, key, v)?,
            "appVersion" => md.app_version = string_field(file, key, v)?,
            "keywords" => md.keywords = string_list(file, key, v)?,
            "sources" => md.sources = string_list(file, key, v)?,
            "deprecated" => md.deprecated = bool_field(file, key, v)?,
            "annotations" if !is_null(v) => {
                if !matches!(v.kind, NodeKind::Mapping(_)) {
                    return Err(format!(
                        "{file}: line {}: `annotations` must be a map of strings",
                        v.line
                    ));
                }
                for (ak, av) in entries(v) {
                    let name = scalar_text(ak).unwrap_or("").to_string();
                    md.annotations.insert(
                        name.clone(),
                        string_field(file, &format!("annotations.{name}"), av)?,
                    );
                }
            }
            "maintainers" if !is_null(v) => {
                let NodeKind::Sequence(items) = &v.kind else {
                    return Err(format!(
                        "{file}: line {}: `maintainers` must be a list",
                        v.line
                    ));
                };
                for m in items {
                    if !matches!(m.kind, NodeKind::Mapping(_)) {
                        return Err(format!(
                            "{file}: line {}: a maintainer must be a map",
                            m.line
                        ));
                    }
                    let mut out = Maintainer::default();
                    for (mk, mv) in entries(m) {
                        match scalar_text(mk).unwrap_or("") {
                            "name" => out.name = string_field(file, "maintainers.name", mv)?,
                            "email" => out.email = string_field(file, "maintainers.email", mv)?,
                            "url" => out.url = string_field(file, "maintainers.url", mv)?,
                            _ => {}
                        }
                    }
                    md.maintainers.push(out);
                }
            }
            "dependencies" => md.dependencies = parse_dependencies(file, v)?,
            _ => {}
        }
    }
    if md.api_version.is_empty() {
        md.api_version = "v1".into();
    }
    Ok(md)
}

/// `dependencies:` of Chart.yaml v2, or of requirements.yaml (v1).
pub fn parse_dependencies(file: &str, node: &Node) -> Result<Vec<Dependency>, String> {
    if is_null(node) {
        return Ok(Vec::new());
    }
    let NodeKind::Sequence(items) = &node.kind else {
        return Err(format!(
            "{file}: line {}: `dependencies` must be a list",
            node.line
        ));
    };
    let mut out = Vec::new();
    for d in items {
        if !matches!(d.kind, NodeKind::Mapping(_)) {
            return Err(format!(
                "{file}: line {}: a dependency must be a map",
                d.line
            ));
        }
        let mut dep = Dependency::default();
        for (k, v) in entries(d) {
            let key = scalar_text(k).unwrap_or("");
            match key {
                "name" => dep.name = string_field(file, key, v)?,
                "version" => dep.version = string_field(file, key, v)?,
                "repository" => dep.repository = string_field(file, key, v)?,
                "condition" => dep.condition = string_field(file, key, v)?,
                "alias" => dep.alias = string_field(file, key, v)?,
                "tags" => dep.tags = string_list(file, key, v)?,
                "enabled" => dep.enabled = Some(bool_field(file, key, v)?),
                "import-values" if !is_null(v) => {
                    let NodeKind::Sequence(ivs) = &v.kind else {
                        return Err(format!(
                            "{file}: line {}: `import-values` must be a list",
                            v.line
                        ));
                    };
                    dep.import_values = ivs.iter().map(value_of).collect();
                }
                _ => {}
            }
        }
        out.push(dep);
    }
    Ok(out)
}

/// `requirements.yaml` (apiVersion v1 charts): its `dependencies`.
pub fn parse_requirements(text: &str, file: &str) -> Result<Vec<Dependency>, String> {
    let docs = crate::yaml::parse_documents(text).map_err(|e| format!("{file}: {e}"))?;
    let Some(root) = docs.first() else {
        return Ok(Vec::new());
    };
    for (k, v) in entries(root) {
        if scalar_text(k) == Some("dependencies") {
            return parse_dependencies(file, v);
        }
    }
    Ok(Vec::new())
}

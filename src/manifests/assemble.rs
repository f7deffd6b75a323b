//! From rendered template outputs to what `helm template` prints.
//!
//! Mirrors Helm v3's `releaseutil.SortManifests` + `action.renderResources` +
//! `cmd/helm/template.go`: NOTES.txt set aside, partials and blank outputs
//! skipped, files visited in sorted path order, each split into documents on
//! `---` lines, hooks separated from the rest, both stably sorted by kind in
//! install order, then printed as `---\n# Source: <path>\n<doc>\n`.

use std::sync::LazyLock;

use regex::Regex;

use super::{Hook, Manifest, RenderedChart};
use crate::value::Value;

/// Helm's `InstallOrder`: kinds earlier in the list are installed first.
pub const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
];

/// Hook events Helm knows; a document naming any other is skipped, as Helm does.
const HOOK_EVENTS: &[&str] = &[
    "pre-install",
    "post-install",
    "pre-delete",
    "post-delete",
    "pre-upgrade",
    "post-upgrade",
    "pre-rollback",
    "post-rollback",
    "test",
    "test-success",
];

/// A rendered manifest that is not valid YAML, as Helm reports it.
#[derive(Clone, Debug, PartialEq)]
pub struct ManifestError {
    /// Template path, e.g. `mychart/templates/cm.yaml`.
    pub path: String,
    pub message: String,
}

impl std::fmt::Display for ManifestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "YAML parse error on {}: {}", self.path, self.message)
    }
}

impl std::error::Error for ManifestError {}

/// Splits a rendered file into documents exactly like Helm's `SplitManifests`:
/// the separator is `(?:^|\s*\n)---\s*` (ASCII whitespace, as in Go's RE2),
/// empty pieces are dropped and every document is trimmed.
pub fn split_manifests(big_file: &str) -> Vec<&str> {
    static SEP: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:^|[\t\n\x0C\r ]*\n)---[\t\n\x0C\r ]*").expect("static regex")
    });
    SEP.split(go_trim_space(big_file))
        .filter(|d| !d.is_empty())
        .map(go_trim_space)
        .collect()
}

/// Go's `strings.TrimSpace` (Unicode white space).
pub fn go_trim_space(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace())
}

/// Sorts the rendered outputs of one chart into manifests and hooks.
///
/// `outputs` are `(template path, rendered text)` pairs as the engine returns
/// them; `top_chart` is the name of the chart being rendered (its
/// `templates/NOTES.txt` becomes `notes`; subcharts' notes are dropped).
pub fn assemble(
    outputs: &[(String, String)],
    top_chart: &str,
) -> Result<RenderedChart, ManifestError> {
    let mut rendered = RenderedChart::default();
    let notes_path = format!("{top_chart}/templates/NOTES.txt");
    let mut paths: Vec<&(String, String)> = outputs.iter().collect();
    paths.sort_by(|a, b| a.0.cmp(&b.0));
    for (path, content) in paths {
        if path.ends_with("NOTES.txt") {
            if *path == notes_path {
                rendered.notes = Some(content.clone());
            }
            continue;
        }
        let base = path.rsplit('/').next().unwrap_or(path);
        if base.starts_with('_') || go_trim_space(content).is_empty() {
            continue;
        }
        for doc_text in split_manifests(content) {
            let doc = crate::yaml::from_yaml(doc_text).map_err(|e| ManifestError {
                path: path.clone(),
                message: e.to_string(),
            })?;
            check_head(&doc).map_err(|message| ManifestError {
                path: path.clone(),
                message,
            })?;
            let manifest = Manifest::new(path.clone(), doc_text, doc);
            match &manifest.hook {
                Some(hook) if !is_known_hook(hook) => {} // Helm logs and skips unknown hooks.
                Some(_) => rendered.hooks.push(manifest),
                None => rendered.manifests.push(manifest),
            }
        }
    }
    sort_by_kind(&mut rendered.manifests);
    sort_by_kind(&mut rendered.hooks);
    Ok(rendered)
}

fn is_known_hook(hook: &Hook) -> bool {
    hook.events
        .iter()
        .all(|e| HOOK_EVENTS.contains(&e.to_ascii_lowercase().as_str()))
}

/// Helm unmarshals each document's head into a typed struct, so a kind,
/// apiVersion or name that is not a string, or a non-string annotation value,
/// fails the render.
fn check_head(doc: &Value) -> Result<(), String> {
    let want_string = |v: Option<&Value>, field: &str| -> Result<(), String> {
        match v {
            None | Some(Value::Null) | Some(Value::String(_)) => Ok(()),
            Some(other) => Err(format!(
                "json: cannot unmarshal {} into Go struct field {field} of type string",
                json_kind(other)
            )),
        }
    };
    let Value::Map(map) = doc else {
        return match doc {
            Value::Null => Ok(()),
            other => Err(format!(
                "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {} into Go value of type releaseutil.SimpleHead",
                json_kind(other)
            )),
        };
    };
    want_string(map.get("apiVersion"), "SimpleHead.apiVersion")?;
    want_string(map.get("kind"), "SimpleHead.kind")?;
    if let Some(meta) = map.get("metadata").and_then(Value::as_map) {
        want_string(meta.get("name"), "SimpleHead.metadata.name")?;
        if let Some(Value::Map(ann)) = meta.get("annotations") {
            for v in ann.values() {
                want_string(Some(v), "SimpleHead.metadata.annotations")?;
            }
        }
    }
    Ok(())
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::Float(_) => "number",
        Value::String(_) => "string",
        Value::List(_) => "array",
        Value::Map(_) => "object",
    }
}

/// Helm's `lessByKind` under a stable sort: known kinds in install order,
/// unknown kinds after them in alphabetical order.
fn sort_by_kind(manifests: &mut [Manifest]) {
    let rank = |kind: &str| INSTALL_ORDER.iter().position(|k| *k == kind);
    manifests.sort_by(|a, b| {
        let (ka, kb) = (a.kind(), b.kind());
        match (rank(ka), rank(kb)) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => ka.cmp(kb),
        }
    });
}

/// What to print, like `helm template`'s flags.
#[derive(Clone, Debug, Default)]
pub struct PrintOptions {
    pub include_crds: bool,
    pub skip_tests: bool,
    pub no_hooks: bool,
    /// `--show-only` patterns (template paths relative to the chart, globs allowed).
    pub show_only: Vec<String>,
}

/// The exact stdout of `helm template` for a rendered chart.
pub fn print_template(rendered: &RenderedChart, opts: &PrintOptions) -> Result<String, String> {
    let mut manifest = String::new();
    if opts.include_crds {
        for crd in &rendered.crds {
            manifest.push_str(&format!("---\n# Source: {}\n{}\n", crd.source, crd.text));
        }
    }
    for m in &rendered.manifests {
        manifest.push_str(&format!("---\n# Source: {}\n{}\n", m.source, m.text));
    }
    let mut out = String::new();
    out.push_str(go_trim_space(&manifest));
    out.push('\n');
    if !opts.no_hooks {
        for h in &rendered.hooks {
            let is_test = h
                .hook
                .as_ref()
                .is_some_and(|hk| hk.events.iter().any(|e| e == "test" || e == "test-success"));
            if opts.skip_tests && is_test {
                continue;
            }
            out.push_str(&format!("---\n# Source: {}\n{}\n", h.source, h.text));
        }
    }
    if opts.show_only.is_empty() {
        return Ok(out);
    }
    show_only(&out, &opts.show_only)
}

/// `--show-only`: keep the documents whose template path (without the chart
/// name) matches one of the patterns (Go `filepath.Match`), in pattern order.
fn show_only(all: &str, patterns: &[String]) -> Result<String, String> {
    static SOURCE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"# Source: [^/]+/(.+)").expect("static regex"));
    let docs = split_manifests(all);
    let mut out = String::new();
    for pattern in patterns {
        let pattern = pattern.replace('\\', "/");
        let glob = globset::GlobBuilder::new(&pattern)
            .literal_separator(true)
            .build()
            .map_err(|e| format!("invalid --show-only pattern {pattern}: {e}"))?
            .compile_matcher();
        let mut found = false;
        for doc in &docs {
            let Some(cap) = SOURCE.captures(doc) else {
                continue;
            };
            let name = cap.get(1).map_or("", |m| m.as_str());
            if glob.is_match(name) {
                out.push_str(&format!("---\n{doc}\n"));
                found = true;
            }
        }
        if !found {
            return Err(format!("could not find template {pattern} in chart"));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_like_helm() {
        let docs = split_manifests("\n---\na: 1\n---   \nb: 2\n\n---\n\n");
        assert_eq!(docs, vec!["a: 1", "b: 2"]);
        // `---` glued to text still splits, as Helm's regexp does.
        assert_eq!(split_manifests("a: 1\n---b: 2"), vec!["a: 1", "b: 2"]);
        // A `---` inside a line does not.
        assert_eq!(split_manifests("a: x---y"), vec!["a: x---y"]);
    }

    fn manifest(kind: &str, name: &str) -> Manifest {
        let mut m = crate::value::Map::new();
        m.insert("kind".into(), Value::from(kind));
        Manifest::new(name, format!("kind: {kind}"), Value::Map(m))
    }

    #[test]
    fn kind_order_is_install_order_then_alphabetical() {
        let mut ms = vec![
            manifest("Zed", "a"),
            manifest("Deployment", "b"),
            manifest("Alpha", "c"),
            manifest("Service", "d"),
            manifest("Deployment", "e"),
        ];
        sort_by_kind(&mut ms);
        let order: Vec<&str> = ms.iter().map(|m| m.source.as_str()).collect();
        assert_eq!(order, vec!["d", "b", "e", "c", "a"]);
    }
}

//! Audit inputs from text: `helm template` output and `Chart.yaml` read into
//! the audit's data model. Used by rule tests (no renderer needed) and to
//! audit saved `helm template` output.

use crate::chart::{Dependency, Maintainer, Metadata};
use crate::manifests::{Manifest, RenderedChart};
use crate::value::Value;

/// Splits `helm template` output into manifests (`---` separated documents,
/// each named by its `# Source:` comment). Hooks go to `hooks`.
pub fn rendered_from_output(output: &str) -> RenderedChart {
    let mut rendered = RenderedChart::default();
    let mut docs: Vec<Vec<&str>> = vec![Vec::new()];
    for line in output.lines() {
        if line.trim_end() == "---" {
            docs.push(Vec::new());
        } else if let Some(d) = docs.last_mut() {
            d.push(line);
        }
    }
    let mut source = String::new();
    for lines in docs {
        let mut body = Vec::new();
        for l in lines {
            if let Some(s) = l.strip_prefix("# Source: ") {
                source = s.trim().to_string();
            } else {
                body.push(l);
            }
        }
        let text = body.join("\n");
        if text.trim().is_empty() || source.is_empty() {
            continue;
        }
        let manifest = match parse_document(&text) {
            Ok(v) => Manifest::new(source.clone(), text, v),
            Err(e) => {
                let mut m = Manifest::new(source.clone(), text, Value::Null);
                m.parse_error = Some(e.to_string());
                m
            }
        };
        if manifest.doc.is_null() && manifest.parse_error.is_none() {
            continue;
        }
        if manifest.hook.is_some() {
            rendered.hooks.push(manifest);
        } else {
            rendered.manifests.push(manifest);
        }
    }
    rendered
}

/// Parses one document the way Helm reads YAML (`crate::yaml`: YAML 1.1
/// typing through JSON; a repeated key overwrites, as in go-yaml v2).
fn parse_document(text: &str) -> Result<Value, String> {
    crate::yaml::from_yaml(text).map_err(|e| e.to_string())
}

/// Reads Chart.yaml text into [`Metadata`] (`appVersion` kept as written).
pub fn metadata_from_yaml(text: &str) -> Result<Metadata, String> {
    let v = crate::yaml::from_yaml(text).map_err(|e| e.to_string())?;
    let mut md = metadata_from_value(&v);
    // Keep `appVersion: 1.10` as written, not as the float 1.1.
    if let Some(line) = text
        .lines()
        .find(|l| l.starts_with("appVersion:"))
        .and_then(|l| l.split_once(':'))
    {
        let raw = line.1.split(" #").next().unwrap_or("").trim();
        md.app_version = raw.trim_matches(['"', '\'']).to_string();
    }
    Ok(md)
}

/// Builds [`Metadata`] from a parsed Chart.yaml.
pub fn metadata_from_value(v: &Value) -> Metadata {
    let s = |k: &str| scalar(v.get(k));
    let list = |k: &str| -> Vec<String> {
        v.get(k)
            .and_then(Value::as_list)
            .map(|l| l.iter().map(|x| scalar(Some(x))).collect())
            .unwrap_or_default()
    };
    Metadata {
        api_version: s("apiVersion"),
        name: s("name"),
        version: s("version"),
        kube_version: s("kubeVersion"),
        description: s("description"),
        chart_type: s("type"),
        keywords: list("keywords"),
        home: s("home"),
        sources: list("sources"),
        dependencies: v
            .get("dependencies")
            .and_then(Value::as_list)
            .map(|l| {
                l.iter()
                    .map(|d| Dependency {
                        name: scalar(d.get("name")),
                        version: scalar(d.get("version")),
                        repository: scalar(d.get("repository")),
                        condition: scalar(d.get("condition")),
                        alias: scalar(d.get("alias")),
                        ..Dependency::default()
                    })
                    .collect()
            })
            .unwrap_or_default(),
        maintainers: v
            .get("maintainers")
            .and_then(Value::as_list)
            .map(|l| {
                l.iter()
                    .map(|m| Maintainer {
                        name: scalar(m.get("name")),
                        email: scalar(m.get("email")),
                        url: scalar(m.get("url")),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        icon: s("icon"),
        app_version: s("appVersion"),
        deprecated: v
            .get("deprecated")
            .and_then(Value::as_bool)
            .unwrap_or(false),
        annotations: v
            .get("annotations")
            .and_then(Value::as_map)
            .map(|m| {
                m.iter()
                    .map(|(k, x)| (k.clone(), scalar(Some(x))))
                    .collect()
            })
            .unwrap_or_default(),
        raw: v.clone(),
    }
}

fn scalar(v: Option<&Value>) -> String {
    v.and_then(crate::rules::workload::scalar_text)
        .unwrap_or_default()
}

/// Reads a Chart.lock / requirements.lock.
pub fn lock_from_yaml(file: &str, text: &str) -> Result<super::ChartLock, String> {
    let v = crate::yaml::from_yaml(text).map_err(|e| e.to_string())?;
    Ok(super::ChartLock {
        file: file.to_string(),
        dependencies: v
            .get("dependencies")
            .and_then(Value::as_list)
            .map(|l| {
                l.iter()
                    .map(|d| super::LockedDependency {
                        name: scalar(d.get("name")),
                        version: scalar(d.get("version")),
                        repository: scalar(d.get("repository")),
                    })
                    .collect()
            })
            .unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_helm_template_output() {
        let out = "---\n# Source: c/templates/a.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: a\n---\n# Source: c/templates/a.yaml\nkind: Job\nmetadata:\n  name: j\n  annotations:\n    helm.sh/hook: pre-upgrade\n---\n# Source: c/templates/bad.yaml\na: [\n";
        let r = rendered_from_output(out);
        assert_eq!(r.manifests.len(), 2);
        assert_eq!(r.hooks.len(), 1);
        assert_eq!(r.manifests[0].resource_id(), "Service/a");
        assert!(r.manifests[1].parse_error.is_some());
    }

    #[test]
    fn duplicate_keys_last_wins_like_go_yaml_v2() {
        let out = "---\n# Source: c/templates/a.yaml\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: one\n  k: two\n";
        let r = rendered_from_output(out);
        assert_eq!(r.manifests[0].parse_error, None);
        assert_eq!(r.manifests[0].doc.str_at(&["data", "k"]), Some("two"));
    }

    #[test]
    fn app_version_kept_as_written() {
        let md = metadata_from_yaml("name: x\nversion: 1.0.0\nappVersion: 1.10\n").unwrap();
        assert_eq!(md.app_version, "1.10");
        assert!(matches!(md.raw.get("appVersion"), Some(Value::Float(_))));
    }
}

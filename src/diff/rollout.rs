//! Rollout prediction: a workload's pods are replaced only when its
//! `spec.template` changes. Labels in top-level metadata never roll anything,
//! and a ConfigMap/Secret change reaches running pods only if something in the
//! pod template (a checksum annotation) changes with it.

use std::collections::BTreeSet;

use serde::Serialize;

use crate::manifests::RenderedChart;
use crate::value::Value;

use super::resources::{ChangeKind, ResourceChange};

/// Kinds whose pods follow `spec.template`.
pub const WORKLOAD_KINDS: &[&str] = &["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"];

/// What an upgrade does to a workload's pods.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Rollout {
    /// `spec.template` changed: pods are replaced (with the workload's strategy).
    Rolls { reasons: Vec<RolloutReason> },
    /// The pod template is unchanged although config it uses changed: running pods keep the old config.
    StaleConfig { configs: Vec<String> },
    /// Only metadata or non-template spec fields changed: no pods are replaced.
    NoRollout { changed: Vec<String> },
}

/// Why a pod template changed.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum RolloutReason {
    Image {
        container: String,
        from: String,
        to: String,
    },
    Env {
        container: String,
    },
    ConfigChecksum {
        annotation: String,
    },
    Labels {
        keys: Vec<String>,
    },
    Annotations {
        keys: Vec<String>,
    },
    Other {
        field: String,
    },
}

impl std::fmt::Display for RolloutReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RolloutReason::Image {
                container,
                from,
                to,
            } => {
                write!(f, "image of {container}: {from} -> {to}")
            }
            RolloutReason::Env { container } => write!(f, "environment of {container}"),
            RolloutReason::ConfigChecksum { annotation } => {
                write!(f, "config checksum {annotation}")
            }
            RolloutReason::Labels { keys } => write!(f, "pod labels {}", keys.join(", ")),
            RolloutReason::Annotations { keys } => write!(f, "pod annotations {}", keys.join(", ")),
            RolloutReason::Other { field } => write!(f, "{field}"),
        }
    }
}

/// Fills in `rollout` for every changed workload.
pub fn predict(changes: &mut [ResourceChange], _old: &RenderedChart, _new: &RenderedChart) {
    let changed_configs: BTreeSet<(String, String)> = changes
        .iter()
        .filter(|c| c.change == ChangeKind::Changed)
        .filter(|c| matches!(c.resource.kind.as_str(), "ConfigMap" | "Secret"))
        // Labels (e.g. `helm.sh/chart` with the chart version) change with every
        // release; only a change of what the pods read matters.
        .filter(|c| config_data_changed(c.old.as_ref(), c.new.as_ref()))
        .map(|c| (c.resource.kind.clone(), c.resource.name.clone()))
        .collect();
    for c in changes.iter_mut() {
        if c.change != ChangeKind::Changed || !WORKLOAD_KINDS.contains(&c.resource.kind.as_str()) {
            continue;
        }
        let (Some(old), Some(new)) = (&c.old, &c.new) else {
            continue;
        };
        let (ot, nt) = (
            old.path(&["spec", "template"]).cloned().unwrap_or_default(),
            new.path(&["spec", "template"]).cloned().unwrap_or_default(),
        );
        c.rollout = Some(if ot != nt {
            Rollout::Rolls {
                reasons: template_reasons(&ot, &nt),
            }
        } else {
            let used: Vec<String> = config_refs(&nt)
                .into_iter()
                .filter(|r| changed_configs.contains(r))
                .map(|(k, n)| format!("{k}/{n}"))
                .collect();
            if used.is_empty() {
                Rollout::NoRollout {
                    changed: top_level_differences(old, new),
                }
            } else {
                Rollout::StaleConfig { configs: used }
            }
        });
    }
}

/// Whether the content pods read from a ConfigMap/Secret changed.
fn config_data_changed(old: Option<&Value>, new: Option<&Value>) -> bool {
    ["data", "binaryData", "stringData"]
        .iter()
        .any(|k| old.and_then(|v| v.get(k)) != new.and_then(|v| v.get(k)))
}

fn top_level_differences(old: &Value, new: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for section in ["metadata", "spec"] {
        let (a, b) = (old.get(section), new.get(section));
        if let (Some(Value::Map(a)), Some(Value::Map(b))) = (a, b) {
            let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
            for k in keys {
                if a.get(k) != b.get(k) {
                    out.push(format!("{section}.{k}"));
                }
            }
        } else if a != b {
            out.push(section.to_string());
        }
    }
    out
}

fn containers(template: &Value) -> Vec<&Value> {
    ["initContainers", "containers"]
        .iter()
        .filter_map(|k| template.path(&["spec", k]).and_then(Value::as_list))
        .flatten()
        .collect()
}

fn changed_keys(a: Option<&Value>, b: Option<&Value>) -> Vec<String> {
    let empty = crate::value::Map::new();
    let a = a.and_then(Value::as_map).unwrap_or(&empty);
    let b = b.and_then(Value::as_map).unwrap_or(&empty);
    let keys: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
    keys.into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .cloned()
        .collect()
}

/// Explains a pod template change, most specific reasons first.
pub fn template_reasons(old: &Value, new: &Value) -> Vec<RolloutReason> {
    let mut reasons = Vec::new();
    let old_containers = containers(old);
    for nc in containers(new) {
        let name = nc.str_at(&["name"]).unwrap_or("").to_string();
        let oc = old_containers
            .iter()
            .find(|c| c.str_at(&["name"]) == Some(name.as_str()));
        let Some(oc) = oc else {
            reasons.push(RolloutReason::Other {
                field: format!("container {name} added"),
            });
            continue;
        };
        let (oi, ni) = (oc.str_at(&["image"]), nc.str_at(&["image"]));
        if oi != ni {
            reasons.push(RolloutReason::Image {
                container: name.clone(),
                from: oi.unwrap_or("").into(),
                to: ni.unwrap_or("").into(),
            });
        }
        if oc.get("env") != nc.get("env") || oc.get("envFrom") != nc.get("envFrom") {
            reasons.push(RolloutReason::Env {
                container: name.clone(),
            });
        }
    }
    let annotations = changed_keys(
        old.path(&["metadata", "annotations"]),
        new.path(&["metadata", "annotations"]),
    );
    let (checksums, others): (Vec<String>, Vec<String>) = annotations
        .into_iter()
        .partition(|k| k.to_ascii_lowercase().contains("checksum"));
    for annotation in checksums {
        reasons.push(RolloutReason::ConfigChecksum { annotation });
    }
    if !others.is_empty() {
        reasons.push(RolloutReason::Annotations { keys: others });
    }
    let labels = changed_keys(
        old.path(&["metadata", "labels"]),
        new.path(&["metadata", "labels"]),
    );
    if !labels.is_empty() {
        reasons.push(RolloutReason::Labels { keys: labels });
    }
    if reasons.is_empty() {
        let spec_keys = changed_keys(old.get("spec"), new.get("spec"));
        for k in spec_keys {
            reasons.push(RolloutReason::Other {
                field: format!("spec.template.spec.{k}"),
            });
        }
    }
    reasons
}

/// ConfigMaps and Secrets a pod template uses (volumes, envFrom, env valueFrom).
pub fn config_refs(template: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    if let Some(vols) = template.path(&["spec", "volumes"]).and_then(Value::as_list) {
        for v in vols {
            if let Some(n) = v.str_at(&["configMap", "name"]) {
                out.insert(("ConfigMap".into(), n.into()));
            }
            if let Some(n) = v.str_at(&["secret", "secretName"]) {
                out.insert(("Secret".into(), n.into()));
            }
            if let Some(sources) = v.path(&["projected", "sources"]).and_then(Value::as_list) {
                for s in sources {
                    if let Some(n) = s.str_at(&["configMap", "name"]) {
                        out.insert(("ConfigMap".into(), n.into()));
                    }
                    if let Some(n) = s.str_at(&["secret", "name"]) {
                        out.insert(("Secret".into(), n.into()));
                    }
                }
            }
        }
    }
    for c in containers(template) {
        if let Some(list) = c.get("envFrom").and_then(Value::as_list) {
            for e in list {
                if let Some(n) = e.str_at(&["configMapRef", "name"]) {
                    out.insert(("ConfigMap".into(), n.into()));
                }
                if let Some(n) = e.str_at(&["secretRef", "name"]) {
                    out.insert(("Secret".into(), n.into()));
                }
            }
        }
        if let Some(list) = c.get("env").and_then(Value::as_list) {
            for e in list {
                if let Some(n) = e.str_at(&["valueFrom", "configMapKeyRef", "name"]) {
                    out.insert(("ConfigMap".into(), n.into()));
                }
                if let Some(n) = e.str_at(&["valueFrom", "secretKeyRef", "name"]) {
                    out.insert(("Secret".into(), n.into()));
                }
            }
        }
    }
    out
}

//! Resource-level diff of two renders, and the changes Kubernetes refuses.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::manifests::{Manifest, RenderedChart};
use crate::value::Value;

use super::rollout::Rollout;

/// Identity of a Kubernetes object within a release.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ResourceKey {
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

impl std::fmt::Display for ResourceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.namespace.is_empty() {
            write!(f, "{}/{}", self.kind, self.name)
        } else {
            write!(f, "{}/{}/{}", self.kind, self.namespace, self.name)
        }
    }
}

impl ResourceKey {
    pub fn of(m: &Manifest) -> ResourceKey {
        ResourceKey {
            kind: m.kind().to_string(),
            namespace: m.namespace().unwrap_or("").to_string(),
            name: m.name().to_string(),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ChangeKind {
    Added,
    Removed,
    Changed,
}

/// One resource that differs between OLD and NEW.
#[derive(Clone, Debug, Serialize)]
pub struct ResourceChange {
    pub resource: ResourceKey,
    pub change: ChangeKind,
    pub hook: bool,
    /// Template the resource comes from (NEW's, or OLD's when removed).
    pub source: String,
    /// Rollout prediction, for workloads.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rollout: Option<Rollout>,
    /// apiVersion before and after, when it changed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub api_version_change: Option<(String, String)>,
    /// Unified diff of the manifest text (empty for added/removed).
    #[serde(skip)]
    pub diff: String,
    #[serde(skip)]
    pub old: Option<Value>,
    #[serde(skip)]
    pub new: Option<Value>,
}

/// A change that makes `helm upgrade` fail, or replaces a resource (data loss).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct Blocker {
    pub resource: ResourceKey,
    /// The field path, e.g. `spec.selector`.
    pub field: String,
    pub message: String,
}

fn index(rendered: &RenderedChart) -> BTreeMap<ResourceKey, (&Manifest, bool)> {
    let mut map = BTreeMap::new();
    for m in &rendered.manifests {
        map.insert(ResourceKey::of(m), (m, false));
    }
    for m in &rendered.hooks {
        map.insert(ResourceKey::of(m), (m, true));
    }
    map
}

/// Added, removed and changed resources, in resource order.
pub fn diff_resources(old: &RenderedChart, new: &RenderedChart) -> Vec<ResourceChange> {
    let old_idx = index(old);
    let new_idx = index(new);
    let mut out = Vec::new();
    for (key, (m, hook)) in &old_idx {
        match new_idx.get(key) {
            None => out.push(change(key, ChangeKind::Removed, *hook, m, Some(m), None)),
            Some((n, nhook)) => {
                if m.doc != n.doc {
                    let mut c = change(key, ChangeKind::Changed, *nhook, n, Some(m), Some(n));
                    c.diff = unified_diff(&m.text, &n.text, &key.to_string());
                    if m.api_version() != n.api_version() {
                        c.api_version_change =
                            Some((m.api_version().to_string(), n.api_version().to_string()));
                    }
                    out.push(c);
                }
            }
        }
    }
    for (key, (n, hook)) in &new_idx {
        if !old_idx.contains_key(key) {
            out.push(change(key, ChangeKind::Added, *hook, n, None, Some(n)));
        }
    }
    out.sort_by(|a, b| a.resource.cmp(&b.resource));
    out
}

fn change(
    key: &ResourceKey,
    kind: ChangeKind,
    hook: bool,
    from: &Manifest,
    old: Option<&Manifest>,
    new: Option<&Manifest>,
) -> ResourceChange {
    ResourceChange {
        resource: key.clone(),
        change: kind,
        hook,
        source: from.source.clone(),
        rollout: None,
        api_version_change: None,
        diff: String::new(),
        old: old.map(|m| m.doc.clone()),
        new: new.map(|m| m.doc.clone()),
    }
}

/// A readable unified diff of two manifest texts.
pub fn unified_diff(old: &str, new: &str, name: &str) -> String {
    let old = format!("{old}\n");
    let new = format!("{new}\n");
    similar::TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

/// Fields Kubernetes refuses to change in place, per kind.
fn immutable_fields(kind: &str, hook: bool) -> &'static [&'static [&'static str]] {
    match kind {
        "Deployment" | "DaemonSet" | "ReplicaSet" => &[&["spec", "selector"]],
        "StatefulSet" => &[
            &["spec", "selector"],
            &["spec", "volumeClaimTemplates"],
            &["spec", "serviceName"],
            &["spec", "podManagementPolicy"],
        ],
        // Hook Jobs are deleted and recreated by their delete policy; release Jobs are patched.
        "Job" if !hook => &[
            &["spec", "template"],
            &["spec", "selector"],
            &["spec", "completionMode"],
        ],
        "Service" => &[&["spec", "clusterIP"], &["spec", "clusterIPs"]],
        "PersistentVolumeClaim" => &[
            &["spec", "storageClassName"],
            &["spec", "accessModes"],
            &["spec", "volumeMode"],
            &["spec", "volumeName"],
            &["spec", "selector"],
        ],
        _ => &[],
    }
}

fn is_stateful(kind: &str) -> bool {
    matches!(
        kind,
        "StatefulSet" | "PersistentVolumeClaim" | "PersistentVolume"
    )
}

/// Upgrade blockers: immutable field changes, and stateful resources that are
/// removed while one of the same kind is added (a rename: delete + create).
pub fn blockers(changes: &[ResourceChange]) -> Vec<Blocker> {
    let mut out = Vec::new();
    for c in changes {
        let (Some(old), Some(new)) = (&c.old, &c.new) else {
            continue;
        };
        for path in immutable_fields(&c.resource.kind, c.hook) {
            let (a, b) = (old.path(path), new.path(path));
            // An unset clusterIP is assigned by the cluster: only explicit changes fail.
            if c.resource.kind == "Service" && (a.is_none() || b.is_none()) {
                continue;
            }
            if a != b {
                out.push(Blocker {
                    resource: c.resource.clone(),
                    field: path.join("."),
                    message: format!(
                        "{} is immutable: `helm upgrade` fails with \"field is immutable\"; delete the {} first or keep the old value",
                        path.join("."),
                        c.resource.kind
                    ),
                });
            }
        }
        if c.resource.kind == "PersistentVolumeClaim" {
            let size = |v: &Value| {
                v.str_at(&["spec", "resources", "requests", "storage"])
                    .and_then(parse_quantity)
            };
            if let (Some(a), Some(b)) = (size(old), size(new))
                && b < a
            {
                out.push(Blocker {
                    resource: c.resource.clone(),
                    field: "spec.resources.requests.storage".into(),
                    message: "a PersistentVolumeClaim cannot shrink: `helm upgrade` fails".into(),
                });
            }
        }
        if matches!(c.resource.kind.as_str(), "ConfigMap" | "Secret")
            && old.get("immutable") == Some(&Value::Bool(true))
            && (old.get("data") != new.get("data")
                || old.get("stringData") != new.get("stringData"))
        {
            out.push(Blocker {
                resource: c.resource.clone(),
                field: "data".into(),
                message: format!(
                    "the {} is `immutable: true`: its data cannot change in place; give it a new name (e.g. with a content hash)",
                    c.resource.kind
                ),
            });
        }
    }
    for removed in changes
        .iter()
        .filter(|c| c.change == super::ChangeKind::Removed)
    {
        if !is_stateful(&removed.resource.kind) {
            continue;
        }
        let replacement = changes.iter().find(|a| {
            a.change == super::ChangeKind::Added
                && a.resource.kind == removed.resource.kind
                && a.source == removed.source
        });
        let message = match replacement {
            Some(a) => format!(
                "{} is renamed to {}: Helm deletes the old one and creates a new one, and its data is lost",
                removed.resource, a.resource
            ),
            None => format!(
                "{} is removed: its data is lost on upgrade",
                removed.resource
            ),
        };
        out.push(Blocker {
            resource: removed.resource.clone(),
            field: "metadata.name".into(),
            message,
        });
    }
    out
}

/// Kubernetes resource quantities (`10Gi`, `500M`, `1.5Ti`) in bytes.
pub fn parse_quantity(q: &str) -> Option<f64> {
    let q = q.trim();
    let split = q
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
        .unwrap_or(q.len());
    let (num, unit) = q.split_at(split);
    let n: f64 = num.parse().ok()?;
    let mult = match unit {
        "" => 1.0,
        "Ki" => 1024.0,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "m" => 1e-3,
        _ => return None,
    };
    Some(n * mult)
}

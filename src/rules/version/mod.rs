//! version rules: chart, app, image and label versions must be valid and agree.
//!
//! Seed principle: semantic versions (Major.Minor.Patch) let every team predict
//! the effect of an update from the number alone; app (`appver`), pod template
//! (`ver`) and image versions each follow their own lifecycle but each must be
//! a real version.

pub mod app_label;
pub mod app_version;
pub mod chart_label;
pub mod chart_version;
pub mod dependency;
pub mod floating_tag;
pub mod image_tag;
pub mod label_semver;

use crate::manifests::Manifest;
use crate::value::Map;

use super::workload;

/// Label maps of a resource: top-level `metadata.labels` and, for workloads,
/// the pod template's labels, each with the path to name it in messages.
pub fn label_sets(m: &Manifest) -> Vec<(&'static str, &Map)> {
    let mut out = Vec::new();
    if let Some(l) = m.labels() {
        out.push(("metadata.labels", l));
    }
    if let Some(l) = workload::pod_labels(m).filter(|_| m.kind() != "Pod") {
        out.push(("spec.template.metadata.labels", l));
    }
    out
}

/// Helm's label form of a version: `+` is not allowed in label values.
pub fn label_form(version: &str) -> String {
    version.replace('+', "_")
}

/// True when a label value carries `expected` as Kubernetes allows it: equal
/// up to `+`->`_`, or the 63-character truncation (with trailing `-`/`_`/`.` trimmed).
pub fn label_matches(value: &str, expected: &str) -> bool {
    let want = label_form(expected);
    if value == want || value == expected {
        return true;
    }
    let truncated: String = want.chars().take(63).collect();
    let truncated = truncated.trim_end_matches(['-', '_', '.']);
    want.len() > 63 && value == truncated
}

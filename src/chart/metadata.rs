//! `Chart.yaml`: the chart's metadata, with Helm's field names.

use crate::value::Value;

/// The fields of `Chart.yaml` (apiVersion v1 or v2) that Helm knows.
/// `raw` keeps the whole document as read, for rules that look further.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Metadata {
    pub api_version: String,
    pub name: String,
    pub version: String,
    pub kube_version: String,
    pub description: String,
    /// `application` (default) or `library`.
    pub chart_type: String,
    pub keywords: Vec<String>,
    pub home: String,
    pub sources: Vec<String>,
    pub dependencies: Vec<Dependency>,
    pub maintainers: Vec<Maintainer>,
    pub icon: String,
    /// Kept as the literal text: `appVersion: 1.10` must stay `1.10`.
    pub app_version: String,
    pub deprecated: bool,
    pub annotations: std::collections::BTreeMap<String, String>,
    pub raw: Value,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Maintainer {
    pub name: String,
    pub email: String,
    pub url: String,
}

/// One entry of `dependencies:` (v2 Chart.yaml) or `requirements.yaml` (v1).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Dependency {
    pub name: String,
    /// A SemVer constraint (`~1.2.0`, `>=1.0.0 <2.0.0`, `1.2.3`).
    pub version: String,
    pub repository: String,
    pub condition: String,
    pub tags: Vec<String>,
    pub enabled: Option<bool>,
    /// `import-values` entries: a string (`child.path`) or a `{child, parent}` map.
    pub import_values: Vec<Value>,
    pub alias: String,
}

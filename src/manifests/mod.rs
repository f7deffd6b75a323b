//! Rendered manifests: split into documents, ordered as Helm installs them.

use crate::value::{Map, Value};

/// One rendered Kubernetes object (one YAML document of one template).
#[derive(Clone, Debug, PartialEq)]
pub struct Manifest {
    /// Template path as Helm prints it in `# Source:`, e.g. `mychart/templates/db.yaml`
    /// or `mychart/charts/redis/templates/master.yaml`.
    pub source: String,
    /// The document text exactly as rendered (what `helm template` prints after `# Source:`).
    pub text: String,
    /// The parsed document (Null when it did not parse; see `parse_error`).
    pub doc: Value,
    /// Set when `text` is not valid YAML: the parser's message.
    pub parse_error: Option<String>,
    /// Set for hook resources (`helm.sh/hook` annotation).
    pub hook: Option<Hook>,
}

/// What `helm.sh/hook*` annotations say about a hook resource.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Hook {
    /// Events, e.g. `pre-upgrade`, `pre-rollback`, `post-install`, `test`.
    pub events: Vec<String>,
    /// `helm.sh/hook-weight` (0 when absent or not a number).
    pub weight: i64,
    /// `helm.sh/hook-delete-policy` entries.
    pub delete_policies: Vec<String>,
}

impl Manifest {
    /// Builds a manifest from an already parsed document, deriving hook info.
    pub fn new(source: impl Into<String>, text: impl Into<String>, doc: Value) -> Manifest {
        let hook = Hook::from_doc(&doc);
        Manifest {
            source: source.into(),
            text: text.into(),
            doc,
            parse_error: None,
            hook,
        }
    }

    pub fn kind(&self) -> &str {
        self.doc.str_at(&["kind"]).unwrap_or("")
    }

    pub fn api_version(&self) -> &str {
        self.doc.str_at(&["apiVersion"]).unwrap_or("")
    }

    pub fn name(&self) -> &str {
        self.doc.str_at(&["metadata", "name"]).unwrap_or("")
    }

    pub fn namespace(&self) -> Option<&str> {
        self.doc.str_at(&["metadata", "namespace"])
    }

    pub fn labels(&self) -> Option<&Map> {
        self.doc
            .path(&["metadata", "labels"])
            .and_then(Value::as_map)
    }

    pub fn annotations(&self) -> Option<&Map> {
        self.doc
            .path(&["metadata", "annotations"])
            .and_then(Value::as_map)
    }

    /// `Kind/namespace/name` (namespace omitted when not set), as findings name resources.
    pub fn resource_id(&self) -> String {
        match self.namespace() {
            Some(ns) => format!("{}/{}/{}", self.kind(), ns, self.name()),
            None => format!("{}/{}", self.kind(), self.name()),
        }
    }
}

impl Hook {
    /// Reads `helm.sh/hook`, `helm.sh/hook-weight`, `helm.sh/hook-delete-policy`.
    pub fn from_doc(doc: &Value) -> Option<Hook> {
        let ann = doc.path(&["metadata", "annotations"])?.as_map()?;
        let events = ann.get("helm.sh/hook")?.as_str()?;
        let split = |s: &str| -> Vec<String> {
            s.split(',')
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(str::to_string)
                .collect()
        };
        let weight = ann
            .get("helm.sh/hook-weight")
            .and_then(Value::as_str)
            .and_then(|w| w.trim().parse().ok())
            .unwrap_or(0);
        let delete_policies = ann
            .get("helm.sh/hook-delete-policy")
            .and_then(Value::as_str)
            .map(split)
            .unwrap_or_default();
        Some(Hook {
            events: split(events),
            weight,
            delete_policies,
        })
    }

    pub fn runs_on(&self, event: &str) -> bool {
        self.events.iter().any(|e| e == event)
    }
}

/// All that rendering one chart produced, as `helm template` would print it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RenderedChart {
    /// Non-hook manifests in Helm's install order.
    pub manifests: Vec<Manifest>,
    /// Hook manifests, in the order `helm template` prints them.
    pub hooks: Vec<Manifest>,
    /// CRDs from `crds/` directories (printed only with `--include-crds`).
    pub crds: Vec<Manifest>,
    /// The rendered NOTES.txt of the top chart, if any.
    pub notes: Option<String>,
}

impl RenderedChart {
    /// Every manifest, hooks included.
    pub fn all(&self) -> impl Iterator<Item = &Manifest> {
        self.manifests.iter().chain(self.hooks.iter())
    }
}
